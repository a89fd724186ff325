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
from collections.abc import Iterator

import numpy as np

from linkdesk.core.link_status import ABSENT, GONE_LIVE, LIVE, NOT_REPORTED, VENDOR_LOST
from linkdesk.core.timeline.compute import states_at
from linkdesk.core.timeline.digests import (
    LINKED_SQL,
    Digest,
    keep_digests,
    parse_ids,
    store_digests,
)
from linkdesk.core.timeline.points import now


def link_statuses(db: sqlite3.Connection) -> np.ndarray:
    """Every link's status now, indexed by link id (LIVE for ids no link has)."""
    fast = rows_only_statuses(db)
    return fast if fast is not None else timeline_statuses(db)


def timeline_statuses(db: sqlite3.Connection) -> np.ndarray:
    """`link_statuses` through the timeline's vendor snapshots and live checks (any project)."""
    digests: dict[int, Digest] = {}
    state = next(states_at(db, [now()], digests))
    if db.in_transaction:  # a writer's: keep what it read for the next comparison
        keep_digests(db, list(digests.values()))
    else:
        store_digests(db, list(digests.values()))
    down = np.where(state.vendor_lost, VENDOR_LOST, NOT_REPORTED)
    status = np.where(state.up | ~state.known, LIVE, down)
    return np.where(state.gone, GONE_LIVE, status).astype(np.int8)


def rows_only_statuses(db: sqlite3.Connection) -> np.ndarray | None:
    """`link_statuses` read from the rows alone, or None when they do not settle it.

    When no live check is known and every vendor's imports share one as-of day (a first
    import, or several files of one export), each vendor's latest report of every site is
    all its rows: nothing can be "no longer reported" but a link a vendor flagged in
    `links.vendors` whose rows are gone. So a link is LIVE when a vendor row lists it not
    lost (or no vendor ever reported it), VENDOR_LOST when its vendor rows all say lost, and
    NOT_REPORTED when a vendor reported it and no row is left. This reads two columns of the
    rows in chunks instead of making the snapshot's digest (anchors' CRCs of every row): the
    first comparison of the timeline makes and keeps that one when it needs it."""
    if db.execute("SELECT EXISTS (SELECT 1 FROM check_latest)").fetchone()[0]:
        return None
    imports = db.execute(
        "SELECT i.id, i.vendor, coalesce(i.as_of, ''), CASE WHEN typeof(i.first_observation_id) "
        "= 'integer' AND typeof(i.last_observation_id) = 'integer' THEN i.first_observation_id "
        "END, i.last_observation_id FROM imports AS i WHERE i.vendor <> 'gsc'").fetchall()
    days: dict[str, set[str]] = {}
    for _, vendor, day, _, _ in imports:
        days.setdefault(vendor, set()).add(day)
    if any(len(each) > 1 for each in days.values()):
        return None
    row = db.execute("SELECT group_concat(CASE WHEN vendors <> 0 THEN id END), "
                     "coalesce(max(id), 0) FROM links").fetchone()
    size = int(row[1]) + 1  # as the timeline's arrays (sites.py): every link's id
    status = np.full(size, LIVE, np.int8)
    known = parse_ids(row[0])
    status[known] = NOT_REPORTED  # until a row says otherwise
    for import_id, _, _, first, last in imports:
        for ids, lost in _rows(db, import_id, first, last):
            inside = ids < size
            ids, lost = ids[inside], lost[inside]
            status[ids[lost & (status[ids] == NOT_REPORTED)]] = VENDOR_LOST
            status[ids[~lost]] = LIVE
    return status


_ROWS = 200_000  # observations read at a time (bounds the text and arrays of one read)


def _rows(db: sqlite3.Connection, import_id: int, first: int | None, last: int | None
          ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """An import's rows as (link ids, lost), in chunks: by its run of ids when recorded (as
    the digest reads them, compute.load_digest), else all its rows at once."""
    lost = "(coalesce(lost, 0) <> 0)"
    ranges: list[tuple[str, tuple[int, ...]]]
    if first is None or last is None:
        ranges = [("", ())]
    else:
        ranges = [("id BETWEEN ? AND ? AND ", (start, min(start + _ROWS - 1, int(last))))
                  for start in range(int(first), int(last) + 1, _ROWS)]
    for where, bounds in ranges:
        row = db.execute(f"SELECT group_concat(link_id), group_concat({lost}) FROM "
                         f"observation_fields WHERE {where}import_id = ? AND {LINKED_SQL}",
                         (*bounds, import_id)).fetchone()
        yield parse_ids(row[0]), parse_ids(row[1]).astype(bool)


def stored_statuses(db: sqlite3.Connection, size: int) -> np.ndarray:
    """`links.status` as stored, indexed by link id; ABSENT where it holds no status (a
    project file another program edited: text, a real, a blob, NULL, an unknown code), so
    the next write puts the right one there."""
    status = np.full(size, LIVE, np.int8)
    row = db.execute(
        f"SELECT group_concat(id), group_concat(CASE WHEN typeof(status) = 'integer' AND "
        f"status BETWEEN {LIVE} AND {GONE_LIVE} THEN status ELSE {ABSENT} END) FROM links "
        f"WHERE status IS NOT {LIVE} OR typeof(status) <> 'integer'").fetchone()
    ids, values = parse_ids(row[0]), parse_ids(row[1])
    inside = (ids >= 0) & (ids < size)
    status[ids[inside]] = values[inside]
    return status
