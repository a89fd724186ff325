"""Whether each link is still there now: the one definition every view uses.

A link's status (docs/changes.md, "A link's status at a point") is what `linkdesk changes`
computes for its end point, now:

    LIVE          some vendor's latest report of its target site lists it, not lost; or its
                  latest live check finds it on the page; or no vendor ever reported it (a
                  Search Console page alone: nothing says it is gone);
    NOT_REPORTED  every vendor that reported it has since imported a newer export of its
                  target site without it ("no longer reported");
    VENDOR_LOST   a vendor's latest report lists it lost, and none lists it live;
    GONE_LIVE     its latest live check finds it gone.

`links.status` keeps it (core/link_status_update.py writes it whenever what it depends on
changes: an import, a run's dates, an import's day set by the user, a live check), so the
tables' Live/Lost filter, the referring domains' lost links, the Dashboard, the report and
the scores read one stored column instead of a computation over every vendor's snapshots.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from linkdesk.core.link_status import ABSENT, GONE_LIVE, LIVE, NOT_REPORTED, VENDOR_LOST
from linkdesk.core.timeline.compute import states_at
from linkdesk.core.timeline.digests import Digest, keep_digests, parse_ids, store_digests
from linkdesk.core.timeline.points import now


def link_statuses(db: sqlite3.Connection) -> np.ndarray:
    """Every link's status now, indexed by link id (LIVE for ids no link has)."""
    digests: dict[int, Digest] = {}
    state = next(states_at(db, [now()], digests))
    if db.in_transaction:  # a writer's: keep what it read for the next comparison
        keep_digests(db, list(digests.values()))
    else:
        store_digests(db, list(digests.values()))
    down = np.where(state.vendor_lost, VENDOR_LOST, NOT_REPORTED)
    status = np.where(state.up | ~state.known, LIVE, down)
    return np.where(state.gone, GONE_LIVE, status).astype(np.int64)


def stored_statuses(db: sqlite3.Connection, size: int) -> np.ndarray:
    """`links.status` as stored, indexed by link id; ABSENT where it holds no status (a
    project file another program edited: text, a real, a blob, NULL, an unknown code), so
    the next write puts the right one there."""
    status = np.full(size, LIVE, np.int64)
    row = db.execute(
        f"SELECT group_concat(id), group_concat(CASE WHEN typeof(status) = 'integer' AND "
        f"status BETWEEN {LIVE} AND {GONE_LIVE} THEN status ELSE {ABSENT} END) FROM links "
        f"WHERE status IS NOT {LIVE} OR typeof(status) <> 'integer'").fetchone()
    ids, values = parse_ids(row[0]), parse_ids(row[1])
    inside = (ids >= 0) & (ids < size)
    status[ids[inside]] = values[inside]
    return status
