"""Each vendor's series of snapshots: its imports grouped by the day their exports describe."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from linkdesk.core.timeline.dates import READABLE_AS_OF_SQL


@dataclass(frozen=True)
class Snapshot:
    """One vendor's exports of one day (several files of a day form one snapshot)."""

    vendor: str
    as_of: str  # YYYY-MM-DD
    import_ids: tuple[int, ...]
    rows: int  # rows imported from those files
    sources: tuple[str, ...]  # where the day came from: user, file, mtime, imported


def snapshots(db: sqlite3.Connection) -> list[Snapshot]:
    """Every snapshot, by day then vendor (Search Console's reports included, as "gsc")."""
    rows = db.execute(
        "SELECT vendor, as_of, group_concat(id), sum(rows_imported), "
        "group_concat(DISTINCT as_of_source) FROM imports GROUP BY vendor, as_of "
        "ORDER BY as_of, vendor"
    ).fetchall()
    return [
        Snapshot(vendor, as_of, tuple(sorted(int(i) for i in ids.split(","))), int(count or 0),
                 tuple(sorted((sources or "").split(","))))
        for vendor, as_of, ids, count, sources in rows
    ]


def timeline_days(db: sqlite3.Connection) -> list[str]:
    """The days of the project's timeline: every as-of day of an import, oldest first."""
    return [row[0] for row in db.execute(
        f"SELECT DISTINCT as_of FROM imports WHERE {READABLE_AS_OF_SQL} ORDER BY as_of")]
