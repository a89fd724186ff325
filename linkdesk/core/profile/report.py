"""Every chart of the dashboard, computed section by section (a generator: progress, cancel).

    for name, data in profile_sections(db, filters): ...   # ("map", DomainPoints), ...
    report = build_report(db, filters)                    # all at once

The cheap sections come first and the slowest (velocity) last, so a window shows charts as
they arrive. Run it on a connection of its own (a worker thread): the filtered links are
kept in a temporary table of that connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any

from linkdesk.core.profile.anchors import AnchorMix, anchor_mix
from linkdesk.core.profile.attributes import RelCounts, TldCounts, rel_counts, tld_counts
from linkdesk.core.profile.balance import Balance, balance
from linkdesk.core.profile.links import link_facts
from linkdesk.core.profile.quality import (
    DomainPoints,
    QualityHistogram,
    domain_points,
    domain_quality_histogram,
    link_quality_histogram,
)
from linkdesk.core.profile.scope import Scope, make_scope, materialize
from linkdesk.core.profile.velocity import Velocity, velocity
from linkdesk.core.scoring import load_model
from linkdesk.core.tables import Filters, TableSpec, prepare_tables

SECTIONS = ("scope", "map", "attributes", "quality", "anchors", "balance", "velocity")


class ReportCancelled(Exception):
    """The caller asked to stop between two sections."""


@dataclass(frozen=True)
class Attributes:
    """Rel attributes of the links and TLDs of the domains."""

    rel: RelCounts
    tlds: TldCounts


@dataclass(frozen=True)
class Quality:
    """Quality histograms over links and over referring domains, and the band thresholds."""

    links: QualityHistogram
    domains: QualityHistogram
    fair: float = 40.0  # quality from which a link or domain is fair
    strong: float = 65.0  # ... strong


@dataclass
class ProfileReport:
    """Every section, once computed (None before)."""

    scope: Scope | None = None
    map: DomainPoints | None = None
    attributes: Attributes | None = None
    quality: Quality | None = None
    anchors: AnchorMix | None = None
    balance: Balance | None = None
    velocity: Velocity | None = None


def profile_sections(
    db: sqlite3.Connection, filters: Filters | None = None,
    cancelled: Callable[[], bool] | None = None, sections: Collection[str] = SECTIONS,
    tables: tuple[TableSpec, TableSpec] | None = None,
) -> Iterator[tuple[str, Any]]:
    """Yield (section name, data) in SECTIONS order; ReportCancelled when `cancelled()`.

    `sections` picks some (two threads can share the work: velocity alone takes about as
    long as the rest); "scope" always comes first. `tables`: see `make_scope`.
    """

    # One read snapshot: an import or a re-score committing meanwhile cannot make two charts
    # (or the two halves of velocity) count different data. Nothing is written but the
    # temporary table, which the rollback drops.
    own = not db.in_transaction
    if own:
        db.execute("BEGIN")
    try:
        yield from _sections(db, filters, cancelled, sections, tables)
    finally:
        if own and db.in_transaction:
            db.rollback()


def _sections(
    db: sqlite3.Connection, filters: Filters | None,
    cancelled: Callable[[], bool] | None, sections: Collection[str],
    tables: tuple[TableSpec, TableSpec] | None,
) -> Iterator[tuple[str, Any]]:
    def check() -> None:
        if cancelled is not None and cancelled():
            raise ReportCancelled

    # The since-review filters' changes, on this connection.
    prepare_tables(db, filters or Filters(), tables or ())
    scope = make_scope(db, filters, tables)
    yield "scope", scope
    check()
    wanted = set(sections)
    # Two passes feed every chart: over the domains in scope (the map's points) and over the
    # links in scope (links.py). With the map wanted, its pass comes first so that it shows
    # at once; another thread may then do the rest, links first.
    points = domain_points(db, scope) if "map" in wanted else None
    if points is not None:
        yield "map", points.scored() if scope.scored else DomainPoints.empty()
        check()
    if not wanted - {"scope", "map"}:
        return
    scope = materialize(db, scope)
    facts = link_facts(db, scope)
    check()
    if points is None:
        points = domain_points(db, scope)
    if "attributes" in wanted:
        yield "attributes", Attributes(rel_counts(facts), tld_counts(db, scope))
        check()
    if "quality" in wanted:
        thresholds = load_model(db).thresholds
        yield "quality", Quality(link_quality_histogram(facts),
                                 domain_quality_histogram(points),
                                 float(thresholds["fair"]), float(thresholds["strong"]))
        check()
    anchors = None
    if {"anchors", "balance"} & wanted:
        anchors = anchor_mix(db, scope, facts)
    if "anchors" in wanted and anchors is not None:
        yield "anchors", anchors
        check()
    if "balance" in wanted:
        yield "balance", balance(db, scope, facts, points, anchors)
        check()
    if "velocity" in wanted:
        yield "velocity", velocity(facts, points)


def build_report(db: sqlite3.Connection, filters: Filters | None = None) -> ProfileReport:
    """Every section at once."""
    report = ProfileReport()
    for name, data in profile_sections(db, filters):
        setattr(report, name, data)
    return report
