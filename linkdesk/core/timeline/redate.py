"""Changing the day an import describes: files without dates take their run's day, and the
user can set an import's day afterwards (`linkdesk imports --set-day`).

Each distinct day is an export of its own in `changes` and the History tab. A Moz export or
Search Console's "Top linking sites" hold no dates, so alone they are dated by the file's
modification time; imported with files whose rows give a day, that would add a day nobody
exported. Nothing else keeps an import's day: snapshots are grouped from `imports` when read,
digests are per import, scores count ages to the links' dates, and cached changes are keyed
on the days (changes.state_key).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from linkdesk.core.text import stored_text
from linkdesk.core.timeline.dates import FROM_FILE, FROM_MTIME, FROM_RUN, FROM_USER


class RunImport(Protocol):
    """What `date_by_run` reads and changes of an import's result (pipeline.ImportResult)."""

    file: str
    as_of: str
    as_of_source: str
    import_id: int | None


def date_by_run(db: sqlite3.Connection, results: Sequence[RunImport]) -> list[RunImport]:
    """Give the imports of one run dated by their modification time the latest day the rows
    of the run's other files gave, in the project; return those results (`settle_run` gives
    them their day once saved). None when no file of the run holds dates (or the user gave
    the day: all have it). Run it inside a transaction."""
    day = run_day(results)
    undated = [r for r in results if r.as_of_source == FROM_MTIME and r.import_id is not None]
    if day is None or not undated:
        return []
    db.executemany("UPDATE imports SET as_of = ?, as_of_source = ? WHERE id = ?",
                   ((day, FROM_RUN, r.import_id) for r in undated))
    return undated


def run_day(results: Sequence[RunImport]) -> str | None:
    """The latest day the rows of a run's files give (None: none holds dates)."""
    return max((r.as_of for r in results
                if r.as_of_source == FROM_FILE and r.import_id is not None), default=None)


def settle_run(results: Sequence[RunImport], redated: Sequence[RunImport]) -> None:
    """Give the results `date_by_run` re-dated their new day, once that is saved."""
    day = run_day(results)
    if day is None:  # nothing was re-dated
        return
    for result in redated:
        result.as_of, result.as_of_source = day, FROM_RUN


@dataclass(frozen=True)
class DatedRow:
    """One import as `linkdesk imports` lists it."""

    id: int
    file: str  # with the ZIP member, if any
    vendor: str
    label: str  # its format
    rows: int
    as_of: str
    source: str
    imported_at: str


class UnknownImport(LookupError):
    """No import has that id; the message says so."""


def list_imports(db: sqlite3.Connection) -> list[DatedRow]:
    """Every import, oldest first, with its day and where the day came from (a value another
    program wrote is read as text, a count that is no number as 0)."""
    return [
        DatedRow(int(i), stored_text(name) + (f" › {stored_text(member)}" if member else ""),
                 stored_text(vendor), stored_text(fmt),
                 rows if isinstance(rows, int) and not isinstance(rows, bool) else 0,
                 stored_text(as_of), stored_text(source), stored_text(imported_at)[:16])
        for i, name, member, vendor, fmt, rows, as_of, source, imported_at in db.execute(
            "SELECT id, file_name, member, vendor, format, rows_imported, as_of, as_of_source, "
            "imported_at FROM imports ORDER BY id")
    ]


def set_import_day(db: sqlite3.Connection, import_id: int, day: date) -> tuple[str, str]:
    """Set an import's day as the user's (run it inside a transaction); return its former
    day and source. UnknownImport when no import has that id."""
    # An id beyond SQLite's integers names no import (and cannot be bound).
    row = db.execute("SELECT as_of, as_of_source FROM imports WHERE id = ?",
                     (import_id,)).fetchone() if abs(import_id) < 1 << 63 else None
    if row is None:
        last = db.execute("SELECT max(id) FROM imports").fetchone()[0]
        known = f"the imports are numbered 1 to {last}" if last else "the project has none"
        raise UnknownImport(f"no import has the id {import_id} ({known}; "
                            "`linkdesk imports PROJECT` lists them)")
    db.execute("UPDATE imports SET as_of = ?, as_of_source = ? WHERE id = ?",
               (day.isoformat(), FROM_USER, import_id))
    return stored_text(row[0]), stored_text(row[1])
