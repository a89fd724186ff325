"""The profile over time: referring domains per band at each point of the timeline.

    history = profile_history(db, filters, tables)
    history.points[i].day, .bands (risky, weak, fair, strong, not scored), .strong_gained,
    .strong_lost, .disavowed

Each point is an export day of the timeline (`timeline_days`), or, when there are more than
MAX_POINTS days, the last export day of each month. A referring domain counts at a point when
one of its links is live there (docs/changes.md: a vendor's latest snapshot of the point
reports it, and no live check of the point found it gone). Bands and marks are today's: past
bands cannot be recomputed from the imports (a review records them, see reviews.py), so the
chart reads "today's strong domains, which of them were linking at each point".

The charts follow the table filters: only the links the Links table shows count, and only the
domains the Referring domains table shows (core/profile/scope.py builds both from the specs).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from linkdesk.core.profile.scope import BAND_SLOTS, NOT_SCORED, Where, make_scope
from linkdesk.core.scoring import BANDS
from linkdesk.core.tables import Filters, TableSpec, prepare_tables
from linkdesk.core.timeline.compute import states_at
from linkdesk.core.timeline.points import on_day
from linkdesk.core.timeline.snapshots import timeline_days

MAX_POINTS = 24  # more export days than this: one point a month
STRONG = BANDS.index("strong")


class HistoryCancelled(Exception):
    """The caller asked to stop."""


@dataclass(frozen=True)
class HistoryPoint:
    """The referring domains live at one point."""

    day: str  # YYYY-MM-DD
    bands: tuple[int, ...]  # domains per band slot: risky, weak, fair, strong, not scored
    strong_gained: int  # strong domains live here, not at the point before
    strong_lost: int  # strong domains live at the point before, not here
    disavowed: int  # domains marked for disavow that are live here

    @property
    def domains(self) -> int:
        """Every live referring domain."""
        return sum(self.bands)


@dataclass(frozen=True)
class History:
    """The profile at each point, oldest first."""

    points: tuple[HistoryPoint, ...] = ()
    scored: bool = False  # bands are the current scores' (else all "not scored")
    filtered: bool = False  # fewer links or domains than the project has
    monthly: bool = False  # one point a month (else one per export day)


def history_days(days: list[str], limit: int = MAX_POINTS) -> tuple[list[str], bool]:
    """The days to chart: every export day, or the last of each month beyond `limit`."""
    if len(days) <= limit:
        return days, False
    last: dict[str, str] = {}
    for day in days:
        last[day[:7]] = day  # sorted: the month's last day wins
    return list(last.values()), True


def profile_history(db: sqlite3.Connection, filters: Filters | None = None,
                    tables: tuple[TableSpec, TableSpec] | None = None,
                    cancelled: Callable[[], bool] = lambda: False) -> History:
    """The profile at each point of the timeline, following the table filters."""
    filters = filters or Filters()
    prepare_tables(db, filters, tables or ())  # e.g. the since-review filters' changes
    scope = make_scope(db, filters, tables)
    days, monthly = history_days(timeline_days(db))
    if not days:
        return History(scored=scope.scored, filtered=scope.links_filtered
                       or scope.domains_filtered)
    # Each link's domain as a dense index; each domain's band (today's) and mark.
    links = Where(f"{scope.links.source} JOIN referring_domains AS hd ON hd.domain = l.domain",
                  scope.links.where, scope.links.params)
    domain_of = _link_domains(db, links.sql("l.id, hd.rowid"), links.params)
    size = int(domain_of.max()) + 1 if len(domain_of) else 1
    shown = np.zeros(size, bool)
    band = np.full(size, NOT_SCORED, np.int64)
    disavow = np.zeros(size, bool)
    band_sql = "ds.band" if scope.scored else "NULL"
    for rowid, value, marked in db.execute(
            scope.domains.sql(f"d.rowid, {band_sql}, {scope.marked}"), scope.domains.params):
        if rowid < size:
            shown[rowid] = True
            band[rowid] = NOT_SCORED if value is None else value
            disavow[rowid] = bool(marked)
    counted = np.nonzero(domain_of >= 0)[0]  # the links the filters let through
    points: list[HistoryPoint] = []
    before = np.zeros(size, bool)
    strong = band == STRONG
    states = states_at(db, [on_day(db, date.fromisoformat(day)) for day in days])
    for day, state in zip(days, states, strict=True):
        if cancelled():
            raise HistoryCancelled
        up = np.zeros(size, bool)
        live = counted[counted < len(state.up)]
        live = live[state.up[live]]
        up[domain_of[live]] = True
        up &= shown
        points.append(HistoryPoint(
            day, tuple(int(n) for n in np.bincount(band[up], minlength=BAND_SLOTS)),
            int((strong & up & ~before).sum()) if points else 0,
            int((strong & before & ~up).sum()), int((disavow & up).sum())))
        before = up
    return History(tuple(points), scope.scored, scope.links_filtered or scope.domains_filtered,
                   monthly)


def _link_domains(db: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> np.ndarray:
    """Per link id, its domain's rowid (-1: not shown by the link filters)."""
    rows = np.array(db.execute(sql, params).fetchall(), np.int64).reshape(-1, 2)
    size = int(rows[:, 0].max()) + 1 if len(rows) else 0
    domain_of = np.full(size, -1, np.int64)
    domain_of[rows[:, 0]] = rows[:, 1]
    return domain_of
