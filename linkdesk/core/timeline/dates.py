"""The day an export describes (its *as-of* date), and reading the days users type.

An import's as-of date is, in this order: the date the user gave (`--as-of`, the import
dialog), the latest last-seen, lost or Search Console crawl date the file's rows hold, the
latest such day of the files imported with it (redate.date_by_run), or the file's
modification time. See docs/changes.md.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

# Where an import's as_of came from (imports.as_of_source). FROM_RUN: a file without dates
# took the day of the other files imported with it (redate.date_by_run).
FROM_USER, FROM_FILE, FROM_MTIME, FROM_IMPORT_DAY = "user", "file", "mtime", "imported"
FROM_RUN = "run"
# Where the day came from, in words (`how`: the way the user gave it).
SOURCE_WORDS = {
    FROM_USER: "{how}",
    FROM_FILE: "the latest date in the file",
    FROM_MTIME: "the file's modification time",
    FROM_RUN: "the files imported with it (its rows hold no dates)",
    FROM_IMPORT_DAY: "the day it was imported",
}


def source_words(source: str, how: str = "given") -> str:
    """Where an import's day came from, in words; `how`: how the user gave it. A source
    LinkDesk does not know (a file another program edited) is said as stored."""
    words = SOURCE_WORDS.get(source)
    return source if words is None else words.format(how=how)


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadDate(ValueError):
    """A day the user typed that is not YYYY-MM-DD; the message says so."""


def parse_day(text: str, what: str = "date") -> date:
    """Read a YYYY-MM-DD day; raise BadDate naming `what` and the text otherwise."""
    # Only that form: fromisoformat also takes 20261103 and week dates (2026-W01-1), which
    # nobody means when the help says YYYY-MM-DD.
    try:
        if not _DAY.fullmatch(text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadDate(f"{what} {text!r} is not a date: write it as YYYY-MM-DD, e.g. "
                      "2026-11-03") from None


def parse_export_day(text: str, what: str = "--as-of") -> date:
    """The day an export describes, as typed: YYYY-MM-DD and not after tomorrow (UTC), as the
    import dialog's date field allows; BadDate otherwise. A day in the future would make the
    import its vendor's latest snapshot until that day, hiding every later export."""
    day = parse_day(text, what)
    if day > datetime.now(UTC).date() + timedelta(days=1):
        raise BadDate(f"{what} {text.strip()}: an export cannot describe a day still to come")
    return day


def stored_day(text: object) -> date | None:
    """The day a YYYY-MM-DD... value read from the project starts with, or None when it holds
    none (a project file is a file anyone can edit)."""
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


# The imports whose as_of is a day Python can read (in SQL, so damaged rows never arrive;
# the modifier makes SQLite normalise 2026-02-30, which it otherwise keeps as it is).
READABLE_AS_OF_SQL = "(date(as_of, '+0 days') = as_of AND as_of >= '0001-01-01')"


@dataclass(frozen=True)
class FileDates:
    """The dates an import's rows hold, as far as its day is concerned."""

    latest: str | None  # the latest day not after tomorrow (YYYY-MM-DD); None: none
    future_rows: int = 0  # rows dated after `tomorrow`: passed over for the day
    future_latest: str = ""  # the latest of those dates (YYYY-MM-DD)
    tomorrow: str = ""  # the last day an export could describe when it was imported


def dates_in_import(db: sqlite3.Connection, import_id: int,
                    ids: tuple[int | None, int | None] | None = None) -> FileDates:
    """The latest last-seen, lost or crawl date the rows of an import hold, and how many
    rows hold a date after tomorrow (UTC). `ids`: the import's run of observation ids
    ((None, None): it has none), read by range; None: unknown, found by a scan.

    Dates after tomorrow are passed over: no export describes the future, and an as-of of
    9999-12-31 (a vendor's glitch, an edited file) would make that import its vendor's latest
    snapshot for ever, hiding every later export. They are counted so the import can say
    so (a day 'found in the file' that is not the file's latest date reads as a bug)."""
    today = datetime.now(UTC).date()
    tomorrow = (today + timedelta(days=1)).isoformat()
    # Before the first moment of the day after tomorrow: any time of tomorrow is kept.
    limit = (today + timedelta(days=2)).isoformat()
    latest, future, future_latest = None, 0, ""
    if ids is None or ids[0] is not None:
        where = f"id BETWEEN {int(ids[0] or 0)} AND {int(ids[1] or 0)} AND " if ids else ""
        # One scan for both: the import's rows are read once.
        row = db.execute(
            "SELECT max(max(CASE WHEN last_seen < :limit THEN last_seen ELSE '' END, "
            "CASE WHEN lost_at < :limit THEN lost_at ELSE '' END)), "
            "sum(last_seen >= :limit OR lost_at >= :limit), "
            "max(max(CASE WHEN last_seen >= :limit THEN last_seen ELSE '' END, "
            "CASE WHEN lost_at >= :limit THEN lost_at ELSE '' END)) FROM observation_fields "
            f"WHERE {where}import_id = :id", {"limit": limit, "id": import_id}
        ).fetchone()
        if row:
            latest, future, future_latest = row[0] or None, row[1] or 0, row[2] or ""
    if latest is None:
        row = db.execute(
            "SELECT max(CASE WHEN last_crawled < :limit THEN last_crawled END), "
            "sum(last_crawled >= :limit), max(CASE WHEN last_crawled >= :limit "
            "THEN last_crawled END) FROM google_page_rows WHERE import_id = :id",
            {"limit": limit, "id": import_id}
        ).fetchone()
        if row:
            latest = row[0] or None
            future += row[1] or 0
            future_latest = max(future_latest, row[2] or "")
    return FileDates(str(latest)[:10] if latest else None, int(future),
                     str(future_latest)[:10], tomorrow)


def future_words(future_rows: int, future_latest: str, tomorrow: str) -> str:
    """Rows dated in the future, in words ('' when none): they were not used for the day."""
    if not future_rows:
        return ""
    rows = f"{future_rows:,} row{'s' if future_rows != 1 else ''}"
    were = "were" if future_rows != 1 else "was"
    return f"{rows} dated after {tomorrow} (up to {future_latest}) {were} not used for the day"


def day_words(source: str, how: str = "given", future_rows: int = 0,
              future_latest: str = "", tomorrow: str = "") -> str:
    """Where an import's day came from, in words, with the rows dated in the future that
    were passed over for it: 'the latest date in the file' is then the latest that is not
    in the future, and a file whose every date is in the future holds no usable date."""
    future = future_words(future_rows, future_latest, tomorrow)
    if not future:
        return source_words(source, how)
    words = {
        FROM_FILE: "the latest date in the file that is not in the future",
        FROM_MTIME: f"the file's modification time: no row holds a date up to {tomorrow}",
        FROM_RUN: "the files imported with it: none of its rows holds a date up to "
                  f"{tomorrow}",
    }.get(source) or source_words(source, how)
    return f"{words}; {future}"


def modification_day(path: Path) -> date:
    """The file's modification time as a UTC day."""
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).date()


@dataclass(frozen=True)
class RecordedDay:
    """The day an import was given, where it came from, and the rows dated in the future
    that were passed over for it (see FileDates)."""

    day: str
    source: str
    future_rows: int = 0
    future_latest: str = ""
    tomorrow: str = ""


def record_as_of(
    db: sqlite3.Connection, import_id: int, path: Path, given: date | None = None
) -> RecordedDay:
    """Store the import's as-of day and where it came from."""
    # A project file made before migration 6 has no as_of yet (tests build such files with
    # today's importer); its migration takes the day from the rows later.
    timeline = any(row[1] == "as_of" for row in db.execute("PRAGMA table_info(imports)"))
    ids = _observation_range(db, import_id) if timeline else None
    found = FileDates(None)
    if given is not None:
        day, source = given.isoformat(), FROM_USER
    else:
        found = dates_in_import(db, import_id, ids)
        if found.latest is not None:
            day, source = found.latest, FROM_FILE
        else:
            day, source = modification_day(path).isoformat(), FROM_MTIME
    if ids is not None:
        first, last = ids
        db.execute("UPDATE imports SET as_of = ?, as_of_source = ?, first_observation_id = ?, "
                   "last_observation_id = ? WHERE id = ?",
                   (day, source, first, last, import_id))
    return RecordedDay(day, source, found.future_rows, found.future_latest, found.tomorrow)


def _observation_range(db: sqlite3.Connection, import_id: int) -> tuple[int | None, int | None]:
    """The first and last observation ids of the import being recorded: the run of ids after
    those of every earlier import (found by rowid, without a scan)."""
    before = db.execute("SELECT coalesce(max(last_observation_id), 0) FROM imports "
                        "WHERE id <> ?", (import_id,)).fetchone()[0]
    first = db.execute("SELECT min(id) FROM observations WHERE id > ?", (before,)).fetchone()[0]
    last = db.execute("SELECT max(id) FROM observations").fetchone()[0]
    if first is None:
        return None, None
    owners = db.execute("SELECT import_id FROM observations WHERE id IN (?, ?)",
                        (first, last)).fetchall()
    if any(owner[0] != import_id for owner in owners):  # a Search Console import adds none
        return None, None
    return first, last
