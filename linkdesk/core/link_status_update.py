"""Keeping `links.status` what the timeline says of each link now (core/timeline/status.py).

Called by every writer that changes what a link's status depends on: an import batch (a newer
export may no longer list older links), the dating of an import run and an import's day set
by the user (a vendor's latest export may be another one), the end of a live check, and
migration 13 (the links there were). Not in the timeline package: the store's migration and
the checker call it, and the timeline reads both.
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np

from linkdesk.core.link_status import (
    GONE_LIVE,
    LIVE,
    NOT_REPORTED,
    VENDOR_LOST,
    StatusMoves,
    lost_sql,
)
from linkdesk.core.timeline.status import link_statuses, stored_statuses

STATUS_SCHEMA = 13  # the schema version that added links.status
_CHUNK = 50_000  # link ids per UPDATE (one JSON parameter)


def settle_link_status(db: sqlite3.Connection) -> StatusMoves:
    """Bring `links.status` up to date (run it inside a transaction): write the links whose
    status moved, count their referring domains' lost links again, and note in
    `status_moves` the domains of links that became lost or live again, for the next
    re-score (the lost signal and the Dashboard's facts read the status). Returns how many
    links moved, became no longer reported and were listed again."""
    if db.execute("PRAGMA user_version").fetchone()[0] < STATUS_SCHEMA:
        # An older schema's project (tests build them): its migration settles it.
        return StatusMoves()
    return write_link_status(db)


def write_link_status(db: sqlite3.Connection) -> StatusMoves:
    """`settle_link_status` in a project whose schema has `links.status` (migration 13)."""
    status = link_statuses(db)
    before = stored_statuses(db, len(status))
    moved = np.nonzero(status != before)[0]
    if len(moved) == 0:
        return StatusMoves()
    was_dropped = before[moved] == NOT_REPORTED
    counts = StatusMoves(len(moved), int((status[moved] == NOT_REPORTED).sum()),
                         int((was_dropped & (status[moved] != GONE_LIVE)).sum()))
    db.execute("DROP TABLE IF EXISTS temp.status_moved")
    db.execute("CREATE TEMP TABLE status_moved (domain TEXT PRIMARY KEY, scores INTEGER) "
               "WITHOUT ROWID")
    # A move between two reasons of lost changes no score; to or from live does.
    scored = (status[moved] == LIVE) != (before[moved] == LIVE)
    for value in (LIVE, NOT_REPORTED, VENDOR_LOST, GONE_LIVE):
        for scores in (0, 1):
            ids = moved[(status[moved] == value) & (scored == bool(scores))]
            for start in range(0, len(ids), _CHUNK):
                chunk = json.dumps(ids[start:start + _CHUNK].tolist())
                db.execute("UPDATE links SET status = ? WHERE id IN "
                           "(SELECT value FROM json_each(?))", (value, chunk))
                db.execute("INSERT INTO temp.status_moved SELECT domain, ? FROM links WHERE id "
                           "IN (SELECT value FROM json_each(?)) ORDER BY 1 ON CONFLICT "
                           "DO UPDATE SET scores = max(scores, excluded.scores)", (scores, chunk))
    db.execute(
        f"UPDATE referring_domains SET lost_links = (SELECT count(*) FROM links AS l "
        f"WHERE l.domain = referring_domains.domain AND {lost_sql('l')}) "
        f"WHERE domain IN (SELECT domain FROM temp.status_moved)")
    # The next re-score recomputes these domains (scoring/incremental.py reads the moves
    # since its last run, as it reads the observations since).
    _ensure_status_moves(db)
    db.execute("INSERT INTO status_moves (domain) SELECT domain FROM temp.status_moved "
               "WHERE scores = 1 ORDER BY domain")
    db.execute("DROP TABLE temp.status_moved")
    return counts


def _ensure_status_moves(db: sqlite3.Connection) -> None:
    """Make `status_moves` again when a project file another program edited has lost it (every
    import would fail on it); the moves it held are unknown, so the next score is a full one."""
    if db.execute("SELECT 1 FROM sqlite_schema WHERE name = 'status_moves'").fetchone():
        return
    db.execute("CREATE TABLE status_moves (id INTEGER PRIMARY KEY, domain TEXT NOT NULL)")
    db.execute("DELETE FROM scoring_state")
