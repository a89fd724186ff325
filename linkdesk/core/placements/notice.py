"""What the window's opening notice says: placements that changed, or expire soon.

Reads only the placements tables (no HTTP stack), so opening a project stays quick.
"""

from __future__ import annotations

import datetime
import sqlite3

from linkdesk.core.placements.rows import StoredPlacement, load_placements


def expiring(db: sqlite3.Connection, *, within_days: int = 14,
             today: datetime.date | None = None) -> list[StoredPlacement]:
    """Placements whose expiry or renewal date is today or within `within_days` days, soonest
    first: what the window's opening notice lists."""
    day = today or datetime.date.today()
    last = day + datetime.timedelta(days=within_days)
    ids = [row[0] for row in db.execute(
        "SELECT id FROM placements WHERE expires_on BETWEEN ? AND ? ORDER BY expires_on, id",
        (day.isoformat(), last.isoformat()))]
    by_id = {p.id: p for p in load_placements(db, ids)}
    return [by_id[i] for i in ids]


def changes_since(db: sqlite3.Connection, since: str) -> list[tuple[int, str, str, str]]:
    """Status changes recorded after `since` (ISO UTC), oldest first: (placement id,
    recorded_at, status, differences). The opening notice shows those since the last visit."""
    return [tuple(row) for row in db.execute(
        "SELECT placement_id, recorded_at, status, differences FROM placement_statuses "
        "WHERE recorded_at > ? ORDER BY id", (since,))]
