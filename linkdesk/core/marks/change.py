"""Invertible edits of marks: what an undo stack holds.

A `MarkChange` lists, for every row it touches, the row's state before and after. Applying it
writes the after states; reverting writes the before states. Both are plain writes of known
states, so redo after undo (and undo after redo) always lands exactly where it was; the Qt
undo stack only has to call `apply_change` and `revert_change`.

Marks never change links, so scores and the tables' sort orders stay valid. After the write,
the domains' marks are recorded in the user's verdict library (core/library/feed.py); a
library that cannot be written gives a warning, never a failed mark.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from linkdesk.core.library.feed import record_marks
from linkdesk.core.store import atomic

# table -> (columns of the key, columns of the state)
_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "domain_marks": (("domain",), ("kind", "reason", "marked_at", "forced")),
    "link_marks": (("source_url", "target_url"), ("kind", "reason", "marked_at", "forced")),
    "disavow_withdrawn": (("kind", "value"), ("withdrawn_at",)),
}

State = tuple[object, ...] | None  # None: no row


@dataclass(frozen=True)
class RowEdit:
    """One row of a marks table, before and after."""

    table: str
    key: tuple[str, ...]
    before: State
    after: State

    def inverse(self) -> RowEdit:
        """The edit that undoes this one."""
        return RowEdit(self.table, self.key, self.after, self.before)


@dataclass(frozen=True)
class MarkChange:
    """A set of row edits applied or reverted together (one undo step).

    `unchanged` and `skipped` count the requested rows left alone (already so, or protected
    by a keep mark); they are for the preview only.
    """

    text: str
    edits: tuple[RowEdit, ...] = ()
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def inverse(self) -> MarkChange:
        """The change that undoes this one."""
        return MarkChange(f"Undo {self.text}", tuple(e.inverse() for e in self.edits))

    def __bool__(self) -> bool:
        return bool(self.edits)


def apply_change(db: sqlite3.Connection, change: MarkChange, *,
                 library: str | Path | None = None) -> str:
    """Write every row's after state, in one transaction; then record the domains' new marks
    in the verdict library (`library`, default: `core.library.library_path()`).

    Returns "" or a warning that the library could not be updated: the marks are written
    regardless (raises only when the project itself cannot be written)."""
    write_change(db, change)
    return record_in_library(db, change, library)


def revert_change(db: sqlite3.Connection, change: MarkChange, *,
                  library: str | Path | None = None) -> str:
    """Write every row's before state, in one transaction; then the library follows, as in
    `apply_change` (same return value)."""
    write_change(db, change, revert=True)
    return record_in_library(db, change, library, revert=True)


def write_change(db: sqlite3.Connection, change: MarkChange, *, revert: bool = False) -> None:
    """Write every row's after (`revert`: before) state, in one transaction, or a savepoint
    in the caller's (a change written in batches: marks/batched.py). The library is not
    touched: `record_in_library` once the caller has committed."""
    _write(db, ((edit.table, edit.key, edit.before if revert else edit.after)
                for edit in change.edits))


def record_in_library(db: sqlite3.Connection, change: MarkChange,
                      library: str | Path | None = None, *, revert: bool = False) -> str:
    """Record the new marks of the change's domains in the verdict library; "" or a warning
    (as `apply_change`)."""
    states = [(edit.key[0], edit.before if revert else edit.after)
              for edit in change.edits if edit.table == "domain_marks"]
    return record_marks(db, states, library) if states else ""


def _write(db: sqlite3.Connection, rows: Iterable[tuple[str, tuple[str, ...], State]]) -> None:
    deletes: dict[str, list[tuple[str, ...]]] = {}
    upserts: dict[str, list[tuple[object, ...]]] = {}
    for table, key, state in rows:
        if state is None:
            deletes.setdefault(table, []).append(key)
        else:
            upserts.setdefault(table, []).append((*key, *state))
    with atomic(db):
        for table, keys in deletes.items():
            key_columns, _ = _TABLES[table]
            where = " AND ".join(f"{name} = ?" for name in key_columns)
            db.executemany(f"DELETE FROM {table} WHERE {where}", keys)
        for table, values in upserts.items():
            key_columns, state_columns = _TABLES[table]
            names = (*key_columns, *state_columns)
            marks = ", ".join("?" * len(names))
            db.executemany(
                f"INSERT OR REPLACE INTO {table} ({', '.join(names)}) VALUES ({marks})", values
            )
