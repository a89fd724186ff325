"""Everything the client report shows, gathered from the project in one pass (no Qt).

    data = gather_report(db, since="review")          # ReportData
    for step, total in report_steps(db, ...): ...     # the same, step by step (progress)

The numbers come from the same core the window shows: the Dashboard's profile
(core/profile), the changes over time (core/timeline), the disavow plan (core/disavow), the
live checks (core/checker) and the scoring model (core/scoring).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from linkdesk.core.checker.model import STATUSES
from linkdesk.core.checker.store import check_stats
from linkdesk.core.disavow import plan_disavow
from linkdesk.core.profile import ProfileReport, profile_sections
from linkdesk.core.report.branding import Branding, effective_branding
from linkdesk.core.report.placements import PlacementsReport, gather_placements
from linkdesk.core.report.verdict import Verdict, disavow_verdict
from linkdesk.core.scoring import FLAGS, load_model
from linkdesk.core.store import settings
from linkdesk.core.timeline import (
    ChangeCounts,
    Point,
    by_todays_bands,
    compute_changes,
    now,
    since_point,
)
from linkdesk.core.timeline.dates import READABLE_AS_OF_SQL, stored_day

TOP_ROWS = 15  # rows of each domain table; the rest is counted ("… and 40 more")
CHANGE_ROWS = 25  # entries of the disavow changes listed


class ReportCancelled(Exception):
    """The caller asked to stop between two steps."""


@dataclass(frozen=True)
class Source:
    """One vendor's exports in the project."""

    vendor: str
    exports: int  # snapshots (export days)
    latest: str  # YYYY-MM-DD of the latest
    rows: int


@dataclass(frozen=True)
class DomainRow:
    """A referring domain as the report's tables show it."""

    domain: str
    quality: float | None
    band: int | None
    links: int
    dofollow: int
    risk_points: int = 0
    flags: tuple[str, ...] = ()


@dataclass
class DomainTable:
    """Some rows of a longer list, and how long the list is."""

    rows: list[DomainRow] = field(default_factory=list)
    total: int = 0


@dataclass(frozen=True)
class DisavowChange:
    """An entry added to or removed from the disavow file, with its reason."""

    line: str
    added: bool
    reason: str


@dataclass
class ReportData:
    """What the report shows; the renderers turn it into HTML and PDF."""

    site: str
    generated: str  # YYYY-MM-DD
    since: str | None  # the start: the as-of day of the data compared with (None: the first)
    until: str  # the end: the latest export's day, or the report's date
    sources: list[Source]
    branding: Branding
    profile: ProfileReport
    changes: ChangeCounts | None = None
    risky_new_domains: int = 0  # of changes.new_domains, risky by today's scores
    gained: DomainTable = field(default_factory=DomainTable)
    lost: DomainTable = field(default_factory=DomainTable)
    strongest: DomainTable = field(default_factory=DomainTable)
    risky: DomainTable = field(default_factory=DomainTable)
    verdict: Verdict | None = None
    disavow_changes: list[DisavowChange] = field(default_factory=list)
    disavow_changes_total: int = 0
    checks: dict[str, int] = field(default_factory=dict)  # status -> links
    weights: dict[str, float] = field(default_factory=dict)
    flag_points: dict[str, int] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=dict)
    placements: PlacementsReport | None = None  # None: the project has no placements

    @property
    def scored(self) -> bool:
        """Whether the links have scores (bands, quality)."""
        balance = self.profile.balance
        return bool(balance is not None and balance.scored)

    @property
    def checked(self) -> int:
        """Links with a live check."""
        return sum(self.checks.values())


STEPS = ("sources", "profile", "changes", "domains", "disavow", "checks", "placements")


def gather_report(db: sqlite3.Connection, since: str | None = None,
                  branding: Branding | None = None,
                  cancelled: Callable[[], bool] | None = None) -> ReportData:
    """Everything the report shows. `since`: None (the last review, or everything before
    any), "review", or YYYY-MM-DD (BadPoint when the project cannot place it).
    `branding`: options over the project's and the user's white-label settings."""
    data: ReportData | None = None
    for _step, _index, result in report_steps(db, since, branding, cancelled):
        data = result
    assert data is not None
    return data


def report_steps(db: sqlite3.Connection, since: str | None = None,
                 branding: Branding | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 ) -> Iterator[tuple[str, int, ReportData]]:
    """Gather the report step by step: yields (step name, steps done, data so far)."""
    start = since_point(db, since)  # BadPoint first, before any work
    data = ReportData(
        site=_site(db), generated=datetime.now(UTC).date().isoformat(),
        since=_point_words(db, start), until="", sources=[],
        branding=effective_branding(db, branding), profile=ProfileReport())
    steps: list[tuple[str, Callable[[], None]]] = [
        ("sources", lambda: _sources(db, data)),
        ("profile", lambda: _profile(db, data, cancelled)),
        ("changes", lambda: _changes(db, data, start)),
        ("domains", lambda: _domains(db, data)),
        ("disavow", lambda: _disavow(db, data)),
        ("checks", lambda: _checks_and_model(db, data)),
        ("placements", lambda: _placements(db, data)),
    ]
    for index, (name, run) in enumerate(steps, 1):
        if cancelled is not None and cancelled():
            raise ReportCancelled
        run()
        yield name, index, data


def _site(db: sqlite3.Connection) -> str:
    known = settings.sites(db)
    if known:
        return known[0]
    root = settings.site_root(db)
    return root.split("://", 1)[-1].rstrip("/") if root else ""


def _point_words(db: sqlite3.Connection, point: Point) -> str | None:
    """The day the data at `point` describes: its latest export's as-of day (a review's own
    day says when the freelancer looked, not what the exports showed)."""
    if point.kind == "start":
        return None
    latest = db.execute(
        f"SELECT max(CASE WHEN {READABLE_AS_OF_SQL} THEN as_of END) FROM imports AS i "
        f"WHERE {point.imports_sql('i')}").fetchone()[0]
    if latest:
        return long_date(str(latest))
    return long_date(point.day) if point.day is not None else None


def long_date(day: date | str) -> str:
    """"20 November 2026"."""
    if isinstance(day, str):
        read = stored_day(day)
        if read is None:  # a damaged date in the project: shown as it is
            return day
        day = read
    return f"{day.day} {day.strftime('%B %Y')}"


def _sources(db: sqlite3.Connection, data: ReportData) -> None:
    rows = db.execute(
        "SELECT vendor, count(DISTINCT as_of), "
        f"max(CASE WHEN {READABLE_AS_OF_SQL} THEN as_of END), sum(rows_imported) "
        "FROM imports GROUP BY vendor ORDER BY vendor").fetchall()  # 'garbage' > '2026-…'
    data.sources = [Source(vendor, int(n), str(latest or ""), int(count or 0))
                    for vendor, n, latest, count in rows]
    latest = max((s.latest for s in data.sources if s.latest), default="")
    data.until = long_date(latest) if latest else long_date(data.generated)


def _profile(db: sqlite3.Connection, data: ReportData,
             cancelled: Callable[[], bool] | None) -> None:
    for name, section in profile_sections(db, None, cancelled):
        setattr(data.profile, name, section)


def _changes(db: sqlite3.Connection, data: ReportData, start: Point) -> None:
    if start.kind == "start":  # the first report: everything would be "new"
        return
    changes = compute_changes(db, start, now())
    data.changes = changes.counts
    data.risky_new_domains = by_todays_bands(db)[0]  # as the window's summary counts them
    # compute_changes leaves its rows in the connection's temporary table tl_domains.
    data.gained = _domain_table(db, "JOIN temp.tl_domains AS t ON t.domain = r.domain "
                                "AND t.kind = 'new'", "")
    data.lost = _domain_table(db, "JOIN temp.tl_domains AS t ON t.domain = r.domain "
                              "AND t.kind = 'lost'", "")


_DOMAIN_COLUMNS = ("r.domain, s.quality, s.band, r.links, r.dofollow_links, "
                   "coalesce(s.risk_points, 0), coalesce(s.flags, 0)")


def _domain_table(db: sqlite3.Connection, join: str, where: str,
                  order: str = "s.quality IS NULL, s.quality DESC, r.links DESC, r.domain"
                  ) -> DomainTable:
    base = (f"FROM referring_domains AS r LEFT JOIN domain_scores AS s ON s.domain = r.domain "
            f"{join} {where}")
    total = int(db.execute(f"SELECT count(*) {base}").fetchone()[0])
    rows = db.execute(f"SELECT {_DOMAIN_COLUMNS} {base} ORDER BY {order} LIMIT {TOP_ROWS}")
    return DomainTable([_domain_row(row) for row in rows], total)


def _domain_row(row: tuple[Any, ...]) -> DomainRow:
    domain, quality, band, links, dofollow, points, bits = row
    flags = tuple(name for bit, name in enumerate(FLAGS) if int(bits) >> bit & 1)
    return DomainRow(str(domain), None if quality is None else float(quality),
                     None if band is None else int(band), int(links), int(dofollow),
                     int(points), flags)


def _domains(db: sqlite3.Connection, data: ReportData) -> None:
    # Domains still linking: a domain the same report lists as lost in the period (no
    # tool reports it any more) or whose every link is reported lost is no asset to show.
    live = "WHERE r.links > r.lost_links"
    if data.changes is not None:  # _changes left the period's domains in tl_domains
        live += " AND r.domain NOT IN (SELECT domain FROM temp.tl_domains WHERE kind = 'lost')"
    data.strongest = _domain_table(db, "", live)
    # Risky domains still linking: one whose every link is lost (a tool reports it lost or
    # no longer lists it, or a live check found it gone) is no risk to the profile now.
    data.risky = _domain_table(db, "", "WHERE s.band = 0 AND r.links > r.lost_links",
                               "s.risk_points DESC, r.links DESC, r.domain")


def _disavow(db: sqlite3.Connection, data: ReportData) -> None:
    plan = plan_disavow(db)
    reasons = {entry.line: entry.reason for entry in plan.entries}
    changes = [DisavowChange(line, True, reasons.get(line, "")) for line in plan.diff.added]
    changes += [DisavowChange(line, False, "") for line in plan.diff.removed]
    data.disavow_changes = changes[:CHANGE_ROWS]
    data.disavow_changes_total = len(changes)
    data.verdict = disavow_verdict(plan, data.profile.balance)


def _checks_and_model(db: sqlite3.Connection, data: ReportData) -> None:
    by_status = check_stats(db)["check_status"]
    assert isinstance(by_status, dict)
    data.checks = {status: int(by_status.get(status, 0)) for status in STATUSES}
    model = load_model(db)
    data.weights = dict(model.weights)
    data.flag_points = dict(model.flag_points)
    data.thresholds = dict(model.thresholds)


def _placements(db: sqlite3.Connection, data: ReportData) -> None:
    data.placements = gather_placements(db, date.fromisoformat(data.generated))
