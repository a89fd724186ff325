"""Quality against quantity: every referring domain as a point, and quality histograms."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from linkdesk.core.profile.links import LinkFacts, field, integers
from linkdesk.core.profile.scope import BAND_SLOTS, MARKED_DOMAIN_SQL, NOT_SCORED, Scope
from linkdesk.core.scoring.facts import NO_MONTH, month_sql

BUCKET_POINTS = 5  # quality points per histogram bar
BUCKETS = 100 // BUCKET_POINTS


@dataclass(frozen=True)
class DomainPoints:
    """The referring domains in scope (parallel arrays): the map's points, and what the
    balance and the domains' velocity count."""

    ids: np.ndarray  # int64: the domain's row id in the Referring domains table
    links: np.ndarray  # int64: links from the domain (all of them, as the table shows)
    quality: np.ndarray  # float64: the domain's quality, 0-100 (0 while unscored)
    band: np.ndarray  # int64: 0 risky .. 3 strong, NOT_SCORED while unscored
    marked: np.ndarray  # bool: marked for disavow
    first_month: np.ndarray  # int64: months since year 0 of its first link (-1: not known)
    lost_month: np.ndarray  # int64: when its last link was lost, once all are (else -1)

    def __len__(self) -> int:
        return len(self.ids)

    def scored(self) -> DomainPoints:
        """The domains with a score (the map's points)."""
        keep = self.band < NOT_SCORED
        if keep.all():
            return self
        return DomainPoints(self.ids[keep], self.links[keep], self.quality[keep],
                            self.band[keep], self.marked[keep], self.first_month[keep],
                            self.lost_month[keep])

    @staticmethod
    def empty() -> DomainPoints:
        """No domains."""
        none = np.zeros(0, dtype=np.int64)
        return DomainPoints(none, none, none.astype(float), none, none.astype(bool), none, none)


@dataclass(frozen=True)
class DomainSummary:
    """What hovering a point shows."""

    id: int
    domain: str
    links: int
    dofollow_links: int
    lost_links: int
    quality: float | None
    band: int | None
    risk_level: int | None
    marked: bool


@dataclass(frozen=True)
class QualityHistogram:
    """Counts per quality bucket and band: `counts[band, bucket]`, buckets of BUCKET_POINTS."""

    counts: np.ndarray  # int64, shape (BAND_SLOTS, BUCKETS)

    @property
    def edges(self) -> np.ndarray:
        """The buckets' lower edges (0, 5, ..., 95)."""
        return np.arange(BUCKETS) * BUCKET_POINTS

    @property
    def total(self) -> int:
        """Everything counted."""
        return int(self.counts.sum())


# Bit layout of the two packed integers a domain is read as (domain_points).
_MARKED, _QUALITY, _BAND = 32, 33, 43  # first: row id, marked, quality tenths, band
_FIRST, _LOST = 28, 44  # second: links, first month + 1, lost month + 1


def domain_points(db: sqlite3.Connection, scope: Scope) -> DomainPoints:
    """Every domain in scope with its links, quality, band, mark and months.

    Read as two packed integers a domain (as links.py reads links): about 0.1 s for 100,000
    domains against 0.25 s for their rows. While unscored, bands are NOT_SCORED and the
    month a domain was lost is looked up in its links (the scores keep it otherwise). A
    domain without scores (only Search Console lists it, with no links) is NOT_SCORED too.
    """
    where = scope.domains
    if scope.scored:
        quality, band = "CAST(ds.quality * 10 + 0.5 AS INTEGER)", "ds.band"
        lost = f"coalesce(ds.lost_month, {NO_MONTH})"
    else:
        latest = month_sql("max(coalesce(x.lost_at, x.last_seen))")
        quality, band = "0", str(NOT_SCORED)
        lost = (f"CASE WHEN d.links > 0 AND d.lost_links = d.links THEN (SELECT {latest} "
                f"FROM links AS x WHERE x.domain = d.domain) ELSE {NO_MONTH} END")
    first = (f"d.rowid + (({scope.marked}) << {_MARKED}) + (coalesce({quality}, 0) << {_QUALITY}) "
             f"+ (coalesce({band}, {NOT_SCORED}) << {_BAND})")
    second = (f"d.links + (({month_sql('d.first_seen')} + 1) << {_FIRST}) "
              f"+ ((({lost}) + 1) << {_LOST})")
    row = db.execute(where.sql(f"group_concat({first}), group_concat({second})"),
                     where.params).fetchone()
    packed, other = integers(row[0]), integers(row[1])
    return DomainPoints(
        ids=field(packed, 0, 32),
        links=field(other, 0, _FIRST),
        quality=field(packed, _QUALITY, 10) / 10.0,
        band=field(packed, _BAND, 3),
        marked=field(packed, _MARKED, 1) > 0,
        first_month=field(other, _FIRST, 16) - 1,
        lost_month=field(other, _LOST, 16) - 1,
    )


def domain_summary(db: sqlite3.Connection, domain_id: int) -> DomainSummary | None:
    """One domain's name and numbers by its row id (None if it is gone)."""
    row = db.execute(
        "SELECT d.rowid, d.domain, d.links, d.dofollow_links, d.lost_links, ds.quality, ds.band, "
        f"ds.risk_level, {MARKED_DOMAIN_SQL} FROM referring_domains AS d "
        "LEFT JOIN domain_scores AS ds ON ds.domain = d.domain WHERE d.rowid = ?",
        (int(domain_id),),
    ).fetchone()
    if row is None:
        return None
    ident, domain, links, dofollow, lost, quality, band, risk, marked = row
    return DomainSummary(ident, domain, links, dofollow, lost, quality, band, risk, bool(marked))


def link_quality_histogram(facts: LinkFacts) -> QualityHistogram:
    """Links per quality bucket and band (all zero while the scores are out of date)."""
    counts = np.zeros((BAND_SLOTS, BUCKETS), dtype=np.int64)
    if facts.scored and len(facts):
        buckets = np.minimum(facts.quality // (BUCKET_POINTS * 10), BUCKETS - 1)
        cells = np.bincount(facts.band.astype(np.int64) * BUCKETS + buckets,
                            minlength=BAND_SLOTS * BUCKETS)
        counts += cells[:BAND_SLOTS * BUCKETS].reshape(BAND_SLOTS, BUCKETS)
    return QualityHistogram(counts)


def domain_quality_histogram(points: DomainPoints) -> QualityHistogram:
    """Scored referring domains (`domain_points` of a scope) per quality bucket and band.

    All zero while the scores are out of date (every point is then NOT_SCORED).
    """
    points = points.scored()
    counts = np.zeros((BAND_SLOTS, BUCKETS), dtype=np.int64)
    buckets = np.clip((points.quality // BUCKET_POINTS).astype(np.int64), 0, BUCKETS - 1)
    np.add.at(counts, (points.band, buckets), 1)
    return QualityHistogram(counts)
