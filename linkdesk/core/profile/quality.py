"""Quality against quantity: every referring domain as a point, and quality histograms."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from linkdesk.core.profile.links import LinkFacts
from linkdesk.core.profile.scope import BAND_SLOTS, Scope, marked_domain_sql

BUCKET_POINTS = 5  # quality points per histogram bar
BUCKETS = 100 // BUCKET_POINTS


@dataclass(frozen=True)
class DomainPoints:
    """The map's points, one per referring domain shown (parallel arrays)."""

    ids: np.ndarray  # int64: the domain's row id in the Referring domains table
    links: np.ndarray  # int64: links from the domain (all of them, as the table shows)
    quality: np.ndarray  # float64: the domain's quality, 0-100
    band: np.ndarray  # int64: 0 risky .. 3 strong
    marked: np.ndarray  # bool: marked for disavow

    def __len__(self) -> int:
        return len(self.ids)


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


def domain_points(db: sqlite3.Connection, scope: Scope) -> DomainPoints:
    """Every domain in scope with its links, quality, band and mark (empty while unscored)."""
    if not scope.scored:
        empty = np.zeros(0, dtype=np.int64)
        return DomainPoints(empty, empty, empty.astype(float), empty, empty.astype(bool))
    sql = scope.domains.sql(f"d.rowid, d.links, ds.quality, ds.band, {scope.marked}")
    rows = db.execute(sql, scope.domains.params).fetchall()
    table = np.array(rows, dtype=np.float64).reshape(len(rows), 5)
    return DomainPoints(
        ids=table[:, 0].astype(np.int64),
        links=table[:, 1].astype(np.int64),
        quality=np.nan_to_num(table[:, 2]),
        band=table[:, 3].astype(np.int64),
        marked=table[:, 4] > 0,
    )


def domain_summary(db: sqlite3.Connection, domain_id: int) -> DomainSummary | None:
    """One domain's name and numbers by its row id (None if it is gone)."""
    row = db.execute(
        "SELECT d.rowid, d.domain, d.links, d.dofollow_links, d.lost_links, ds.quality, ds.band, "
        f"ds.risk_level, {marked_domain_sql(db)} FROM referring_domains AS d "
        "LEFT JOIN domain_scores AS ds ON ds.domain = d.domain WHERE d.rowid = ?",
        (int(domain_id),),
    ).fetchone()
    if row is None:
        return None
    return DomainSummary(*row[:8], marked=bool(row[8]))


def _histogram(rows: list[tuple[int, float | None, int]]) -> QualityHistogram:
    counts = np.zeros((BAND_SLOTS, BUCKETS), dtype=np.int64)
    if rows:
        table = np.array(rows, dtype=np.float64).reshape(len(rows), 3)
        quality = np.nan_to_num(table[:, 1])
        buckets = np.clip((quality // BUCKET_POINTS).astype(np.int64), 0, BUCKETS - 1)
        np.add.at(counts, (table[:, 0].astype(np.int64), buckets), table[:, 2].astype(np.int64))
    return QualityHistogram(counts)


def link_quality_histogram(facts: LinkFacts) -> QualityHistogram:
    """Links per quality bucket and band (all zero while the scores are out of date)."""
    counts = np.zeros((BAND_SLOTS, BUCKETS), dtype=np.int64)
    if facts.scored and len(facts):
        buckets = np.minimum(facts.quality // (BUCKET_POINTS * 10), BUCKETS - 1)
        cells = np.bincount(facts.band.astype(np.int64) * BUCKETS + buckets,
                            minlength=BAND_SLOTS * BUCKETS)
        counts += cells[:BAND_SLOTS * BUCKETS].reshape(BAND_SLOTS, BUCKETS)
    return QualityHistogram(counts)


def domain_quality_histogram(db: sqlite3.Connection, scope: Scope,
                             points: DomainPoints | None = None) -> QualityHistogram:
    """Referring domains per quality bucket and band (zero while unscored).

    Given the map's points of the same scope, they are counted instead of querying again.
    """
    if not scope.scored:
        return _histogram([])
    if points is not None:
        counts = np.zeros((BAND_SLOTS, BUCKETS), dtype=np.int64)
        buckets = np.clip((points.quality // BUCKET_POINTS).astype(np.int64), 0, BUCKETS - 1)
        np.add.at(counts, (points.band, buckets), 1)
        return QualityHistogram(counts)
    where = scope.domains
    rows = db.execute(where.sql("ds.band, ds.quality, count(*)", "GROUP BY ds.band, ds.quality"),
                      where.params).fetchall()
    return _histogram(rows)
