"""Adding, editing and deleting placements as invertible changes (one undo step each).

As marks (core/marks/change.py): a `PlacementChange` lists every placement row it touches,
before and after. Applying writes the after states, reverting the before states, each in one
transaction with the statuses they give (a savepoint inside a caller's transaction), so the
window's undo stack only calls `apply_change` and `revert_change`. Ids are given when the
change is planned (the table is AUTOINCREMENT: never reused), so redo brings back the same
ids and their status history.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from linkdesk.core.checker.store import now
from linkdesk.core.placements.model import Placement, PlacementError
from linkdesk.core.placements.rows import STATE
from linkdesk.core.placements.status import StatusChange, refresh_statuses
from linkdesk.core.store import atomic

State = tuple[object, ...] | None  # None: no row


@dataclass(frozen=True)
class RowEdit:
    """One placement row, before and after."""

    placement_id: int
    before: State
    after: State


@dataclass(frozen=True)
class PlacementChange:
    """Row edits applied or reverted together (one undo step)."""

    text: str
    edits: tuple[RowEdit, ...] = ()

    def inverse(self) -> PlacementChange:
        """The change that undoes this one."""
        return PlacementChange(f"Undo {self.text}", tuple(
            RowEdit(e.placement_id, e.after, e.before) for e in self.edits))

    def __bool__(self) -> bool:
        return bool(self.edits)


def plan_add(db: sqlite3.Connection, placements: Sequence[Placement],
             text: str = "") -> PlacementChange:
    """The change that adds `placements`, with the ids they will have."""
    row = db.execute("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = "
                     "'placements'), 0), coalesce((SELECT max(id) FROM placements), 0))"
                     ).fetchone()
    first, stamp = row[0] + 1, now()
    edits = tuple(RowEdit(first + index, None, (*_terms(p), stamp))
                  for index, p in enumerate(placements))
    count = len(placements)
    return PlacementChange(text or f"add {count} placement{'s' if count != 1 else ''}", edits)


def plan_edit(db: sqlite3.Connection, placement_id: int, placement: Placement) -> PlacementChange:
    """The change that gives placement `placement_id` the terms of `placement`."""
    before = _state(db, placement_id)
    after = (*_terms(placement), before[-1])
    if after == before:
        return PlacementChange("edit placement")
    return PlacementChange("edit placement", (RowEdit(placement_id, before, after),))


def plan_delete(db: sqlite3.Connection, ids: Iterable[int]) -> PlacementChange:
    """The change that deletes the placements `ids` (their history stays, for an undo)."""
    edits = tuple(RowEdit(i, _state(db, i), None) for i in dict.fromkeys(ids))
    count = len(edits)
    return PlacementChange(f"delete {count} placement{'s' if count != 1 else ''}", edits)


def apply_change(db: sqlite3.Connection, change: PlacementChange) -> list[StatusChange]:
    """Write every row's after state (one transaction); returns the statuses that changed."""
    return _write(db, ((e.placement_id, e.after, e.before is None) for e in change.edits))


def revert_change(db: sqlite3.Connection, change: PlacementChange) -> list[StatusChange]:
    """Write every row's before state (one transaction); returns the statuses that changed."""
    return _write(db, ((e.placement_id, e.before, e.after is None) for e in change.edits))


def _write(db: sqlite3.Connection,
           rows: Iterable[tuple[int, State, bool]]) -> list[StatusChange]:
    """Write each (id, state, new) row; a `new` row (none was there when the change was
    planned) must not land on a row another LinkDesk added meanwhile under its id."""
    written = []
    names = ", ".join(("id", *STATE))
    marks = ", ".join("?" * (len(STATE) + 1))
    updates = ", ".join(f"{name} = excluded.{name}" for name in STATE)
    # The rows and their statuses together (a failure leaves neither); a savepoint when the
    # caller holds a transaction of its own (add_read: the rows, the mapping, a cancel).
    with atomic(db):
        for placement_id, state, new in rows:
            if state is None:
                db.execute("DELETE FROM placements WHERE id = ?", (placement_id,))
                continue
            # An edit upserts, not REPLACE: it keeps the row's status until it is refreshed.
            upsert = "" if new else f" ON CONFLICT(id) DO UPDATE SET {updates}"
            try:
                db.execute(f"INSERT INTO placements ({names}) VALUES ({marks}){upsert}",
                           (placement_id, *state))
            except sqlite3.IntegrityError:
                if not new:
                    raise
                raise PlacementError(
                    f"placement {placement_id} was added meanwhile by another LinkDesk using "
                    "this project; nothing was written: try again") from None
            written.append(placement_id)
        return refresh_statuses(db, written) if written else []


_TERMS = tuple(f.name for f in fields(Placement))[:-1]  # without the id


def _terms(placement: Placement) -> tuple[object, ...]:
    # Not astuple: it deep-copies every value, a third of a big import's time.
    return tuple(getattr(placement, name) for name in _TERMS)


def _state(db: sqlite3.Connection, placement_id: int) -> tuple[object, ...]:
    row = db.execute(f"SELECT {', '.join(STATE)} FROM placements WHERE id = ?",
                     (placement_id,)).fetchone()
    if row is None:
        raise PlacementError(f"there is no placement {placement_id}")
    return tuple(row)
