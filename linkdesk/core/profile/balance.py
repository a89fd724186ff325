"""The profile's balance at a glance: bands of links and domains, concentration, hints."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

import numpy as np

from linkdesk.core.profile.anchors import AnchorMix
from linkdesk.core.profile.attributes import RelCounts, rel_counts
from linkdesk.core.profile.links import LinkFacts
from linkdesk.core.profile.quality import QualityHistogram
from linkdesk.core.profile.scope import BAND_SLOTS, Scope
from linkdesk.core.scoring import BANDS

MAJORITY = 0.5  # concentration: the fewest domains that give at least this share of links
CONCENTRATED = 0.2  # ... worth a hint when they are at most this share of the domains


@dataclass(frozen=True)
class Concentration:
    """The fewest domains (`domains`, largest first) that give `links` of the links."""

    domains: int
    links: int
    domain_share: float  # 0-1 of the domains in scope
    link_share: float  # 0-1 of their links
    band: int  # the band most of those links' domains are in (by links)


@dataclass(frozen=True)
class Balance:
    """Headline figures of the profile as shown (the filters applied)."""

    scored: bool
    links: int
    domains: int
    link_bands: np.ndarray  # int64 per band slot (risky, weak, fair, strong, not scored)
    domain_bands: np.ndarray
    rel: RelCounts
    median_links: float  # links per referring domain (the domain's links, as the table shows)
    worst_links: int
    worst_domain: str
    marked_domains: int
    concentration: Concentration | None
    hints: list[str] = field(default_factory=list)
    by_band: bool = False  # a band or risk filter chose the rows: band shares say nothing

    def link_share(self, band: int) -> float:
        """A band's share of the links, 0-1."""
        return float(self.link_bands[band]) / self.links if self.links else 0.0

    def domain_share(self, band: int) -> float:
        """A band's share of the referring domains, 0-1."""
        return float(self.domain_bands[band]) / self.domains if self.domains else 0.0


def _bands(rows: list[tuple[int, int]]) -> np.ndarray:
    counts = np.zeros(BAND_SLOTS, dtype=np.int64)
    for band, n in rows:
        counts[int(band)] += int(n)
    return counts


def concentration(db: sqlite3.Connection, scope: Scope) -> Concentration | None:
    """The fewest domains, largest first, that give at least half of the domains' links.

    The running sum reads the domains in the order of the links index (no scores joined);
    only those few domains are then joined to their bands.
    """
    where = scope.domain_rows
    total_domains, total_links = db.execute(where.sql("count(*), coalesce(sum(d.links), 0)"),
                                            where.params).fetchone()
    if not total_links:
        return None
    ranked = where.sql("sum(d.links) OVER (ORDER BY d.links DESC ROWS UNBOUNDED PRECEDING) "
                       "AS running")
    count = db.execute(f"SELECT count(*) + 1 FROM ({ranked}) WHERE running < ?",
                       (*where.params, MAJORITY * total_links)).fetchone()[0]
    count = min(int(count), int(total_domains))
    top = scope.domains.sql(f"d.links AS links, {scope.band_domains} AS band",
                            f"ORDER BY d.links DESC LIMIT {count}")
    rows = db.execute(f"SELECT band, sum(links) FROM ({top}) GROUP BY band",
                      scope.domains.params).fetchall()
    by_band = _bands(rows)
    links = int(by_band.sum())
    return Concentration(count, links, count / total_domains, links / total_links,
                         int(by_band.argmax()))


def balance(db: sqlite3.Connection, scope: Scope, facts: LinkFacts,
            anchors: AnchorMix | None = None,
            domains_by_quality: QualityHistogram | None = None) -> Balance:
    """The headline figures of the links in scope (`facts`); `anchors` for their hint.

    The domains' quality histogram of the same scope, when given, gives the domains' band
    counts (its rows summed) instead of counting again.
    """
    rel = rel_counts(facts)
    link_bands = np.bincount(facts.band, minlength=BAND_SLOTS)[:BAND_SLOTS].astype(np.int64)
    domains = scope.domain_rows
    if scope.scored and domains_by_quality is not None:
        domain_bands = domains_by_quality.counts.sum(axis=1)
    else:
        scored = scope.domains
        domain_bands = _bands(db.execute(scored.sql(f"{scope.band_domains} AS band, count(*)",
                                                    "GROUP BY band"), scored.params).fetchall())
    marked = 0
    if scope.marked != "0":
        marked = db.execute(domains.sql("count(*)", f"AND {scope.marked}"),
                            domains.params).fetchone()[0]
    count = int(domain_bands.sum())
    median, worst, worst_domain = 0.0, 0, ""
    if count:
        middle = domains.sql("d.links", f"ORDER BY d.links LIMIT {2 - count % 2} "
                                        f"OFFSET {(count - 1) // 2}")
        values = [n for (n,) in db.execute(middle, domains.params)]
        median = sum(values) / len(values)
        worst, worst_domain = db.execute(
            domains.sql("d.links, d.domain", "ORDER BY d.links DESC, d.domain LIMIT 1"),
            domains.params).fetchone()
    result = Balance(scope.scored, rel.links, count, link_bands, domain_bands, rel, median,
                     int(worst), str(worst_domain), marked, concentration(db, scope),
                     by_band=scope.filters.band is not None or scope.filters.risk is not None)
    result.hints.extend(hints(result, anchors))
    return result


def _percent(share: float) -> str:
    if 0 < share < 0.01:
        return "under 1%"
    return f"{round(share * 100)}%"


def hints(balance: Balance, anchors: AnchorMix | None = None) -> list[str]:
    """What stands out, in plain words (most telling first)."""
    found: list[str] = []
    if not balance.links:
        return ["No links to chart: clear the filters or import exports."]
    top = balance.concentration
    if top is not None and top.domain_share <= CONCENTRATED and balance.domains > 10:
        mostly = f", mostly {BANDS[top.band]}" if balance.scored else ""
        found.append(f"{_percent(top.link_share)} of links come from "
                     f"{_percent(top.domain_share)} of domains{mostly}.")
    if balance.scored and not balance.by_band:
        risky = balance.link_share(0)
        if risky >= 0.1:
            found.append(f"{_percent(risky)} of links are risky: review them for disavow.")
        strong = balance.domain_share(3)
        if strong < 0.05:
            found.append(f"Only {_percent(strong)} of referring domains are strong.")
        weak = balance.link_share(1) + risky
        if weak >= 0.6:
            found.append(f"{_percent(weak)} of links are weak or risky.")
    if balance.rel.links and balance.rel.dofollow_share < 0.5:
        found.append(f"Only {_percent(balance.rel.dofollow_share)} of links are dofollow.")
    if balance.worst_links >= 100 and balance.worst_links >= 0.1 * balance.links:
        found.append(f"{balance.worst_domain} alone gives "
                     f"{_percent(min(1.0, balance.worst_links / balance.links))} of links "
                     "(sitewide or footer links?).")
    if anchors is not None and anchors.total:
        money = anchors.share("exact_match")
        if money >= 0.1:
            found.append(f"Exact-match anchors are {_percent(money)} of links: "
                         "a sign of over-optimisation.")
        brand = anchors.share("brand") + anchors.share("naked_url") + anchors.share("compound")
        if anchors.links.sum() and brand < 0.3:
            found.append(f"Brand and URL anchors are only {_percent(brand)} of links.")
    lost = balance.rel.lost / balance.rel.links if balance.rel.links else 0.0
    if lost >= 0.2:
        found.append(f"{_percent(lost)} of links are lost: worth reclaiming the best.")
    return found or ["Nothing stands out: a balanced profile."]
