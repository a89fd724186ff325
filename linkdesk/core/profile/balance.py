"""The profile's balance at a glance: bands of links and domains, concentration, hints."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

import numpy as np

from linkdesk.core.profile.anchors import AnchorMix
from linkdesk.core.profile.attributes import RelCounts, rel_counts
from linkdesk.core.profile.links import LinkFacts
from linkdesk.core.profile.quality import DomainPoints
from linkdesk.core.profile.scope import BAND_SLOTS, Scope
from linkdesk.core.scoring import BANDS

MAJORITY = 0.5  # concentration: the fewest domains that give at least this share of links
CONCENTRATED = 0.2  # ... worth a hint when they are at most this share of the domains
RISKY_REVIEWED = 0.9  # risky links reviewed: this share of them on domains marked for disavow


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
    hint_facts: list[Hint] = field(default_factory=list)  # what stands out (hint_facts)
    by_band: bool = False  # a band or risk filter chose the rows: band shares say nothing
    # Of the risky domains' links, the share on domains marked for disavow (0-1).
    risky_marked: float = 0.0

    def link_share(self, band: int) -> float:
        """A band's share of the links, 0-1."""
        return float(self.link_bands[band]) / self.links if self.links else 0.0

    def domain_share(self, band: int) -> float:
        """A band's share of the referring domains, 0-1."""
        return float(self.domain_bands[band]) / self.domains if self.domains else 0.0

    @property
    def hints(self) -> list[str]:
        """`hint_facts` in the Dashboard's words (derived: never out of step with them)."""
        return [hint_words(hint, DASHBOARD_HINTS) for hint in self.hint_facts]


def concentration(points: DomainPoints) -> Concentration | None:
    """The fewest domains, largest first, that give at least half of the domains' links."""
    total_links = int(points.links.sum())
    if not total_links:
        return None
    order = np.lexsort((points.ids, -points.links))  # largest first; equal ones by row id
    running = np.cumsum(points.links[order])
    count = min(int(np.searchsorted(running, MAJORITY * total_links)) + 1, len(points))
    top = order[:count]
    by_band = np.bincount(points.band[top], weights=points.links[top], minlength=BAND_SLOTS)
    links = int(points.links[top].sum())
    return Concentration(count, links, count / len(points), links / total_links,
                         int(by_band.argmax()))


def balance(db: sqlite3.Connection, scope: Scope, facts: LinkFacts, points: DomainPoints,
            anchors: AnchorMix | None = None) -> Balance:
    """The headline figures of the links (`facts`) and domains (`points`) in scope.

    `anchors` (optional) for their hint.
    """
    rel = rel_counts(facts)
    link_bands = np.bincount(facts.band, minlength=BAND_SLOTS)[:BAND_SLOTS].astype(np.int64)
    domain_bands = np.bincount(points.band, minlength=BAND_SLOTS)[:BAND_SLOTS].astype(np.int64)
    count = len(points)
    median, worst, worst_domain = 0.0, 0, ""
    if count:
        median = float(np.median(points.links))
        worst = int(points.links.max())
        domains = scope.domain_rows  # the first name of the largest (the table's order)
        worst_domain = db.execute(domains.sql("min(d.domain)", "AND d.links = ?"),
                                  (*domains.params, worst)).fetchone()[0]
    result = Balance(scope.scored, rel.links, count, link_bands, domain_bands, rel, median,
                     worst, str(worst_domain or ""), int(points.marked.sum()),
                     concentration(points),
                     by_band=scope.filters.band is not None or scope.filters.risk is not None,
                     risky_marked=_risky_marked(points))
    result.hint_facts.extend(hint_facts(result, anchors))
    return result


def _risky_marked(points: DomainPoints) -> float:
    """Of the risky domains' links, the share on domains marked for disavow (0-1)."""
    risky = points.band == 0
    links = int(points.links[risky].sum())
    return int(points.links[risky & points.marked].sum()) / links if links else 0.0


def _percent(share: float) -> str:
    if 0 < share < 0.01:
        return "under 1%"
    return f"{round(share * 100)}%"


@dataclass(frozen=True)
class Hint:
    """One thing that stands out: `kind` (a key of DASHBOARD_HINTS) and its figures.

    `values` holds shares (0-1, named ``share``, ``link_share``, ``domain_share``) and names
    (``band``, ``domain``); each reader words it for its own audience (the Dashboard here, the
    client report in core/report/texts.py).
    """

    kind: str
    values: dict[str, float | str] = field(default_factory=dict)


# The Dashboard's words for each kind of hint: for the freelancer, figures first.
DASHBOARD_HINTS: dict[str, str] = {
    "empty": "No links to chart: clear the filters or import exports.",
    "concentrated": "{link_share} of links come from {domain_share} of domains.",
    "concentrated_band": "{link_share} of links come from {domain_share} of domains, "
                         "mostly {band}.",
    "risky": "{share} of links are risky: review them for disavow.",
    "risky_marked": "{share} of links are risky; nearly all of their domains are marked for "
                    "disavow.",
    "no_strong": "No referring domain is strong.",
    "few_strong": "Only {share} of referring domains are strong.",
    "weak": "{share} of links are weak or risky.",
    "nofollow": "Only {share} of links are dofollow.",
    "one_domain": "{domain} alone gives {share} of links (sitewide or footer links?).",
    "exact_match": "Exact-match anchors are {share} of links: a sign of over-optimisation.",
    "few_brand": "Brand and URL anchors are only {share} of links.",
    "lost": "{share} of links are lost: worth reclaiming the best.",
    "balanced": "Nothing stands out: a balanced profile.",
}


def hint_words(hint: Hint, templates: dict[str, str]) -> str:
    """`hint` in the words of `templates` (by kind), shares written as "12%"."""
    values = {name: _percent(value) if isinstance(value, float) else value
              for name, value in hint.values.items()}
    return templates[hint.kind].format(**values)


def hints(balance: Balance, anchors: AnchorMix | None = None) -> list[str]:
    """What stands out, in the Dashboard's plain words (most telling first)."""
    return [hint_words(hint, DASHBOARD_HINTS) for hint in hint_facts(balance, anchors)]


def hint_facts(balance: Balance, anchors: AnchorMix | None = None) -> list[Hint]:
    """What stands out, as facts (most telling first); never empty."""
    found: list[Hint] = []
    if not balance.links:
        return [Hint("empty")]
    top = balance.concentration
    if top is not None and top.domain_share <= CONCENTRATED and balance.domains > 10:
        shares: dict[str, float | str] = {"link_share": top.link_share,
                                          "domain_share": top.domain_share}
        if balance.scored:
            found.append(Hint("concentrated_band", {**shares, "band": BANDS[top.band]}))
        else:
            found.append(Hint("concentrated", shares))
    if balance.scored and not balance.by_band:
        risky = balance.link_share(0)
        if risky >= 0.1:  # "review them" no more once the freelancer has (found in a trial)
            done = balance.risky_marked >= RISKY_REVIEWED
            found.append(Hint("risky_marked" if done else "risky", {"share": risky}))
        strong = balance.domain_share(3)
        if not balance.domain_bands[3]:
            found.append(Hint("no_strong"))
        elif strong < 0.05:
            found.append(Hint("few_strong", {"share": strong}))
        weak = balance.link_share(1) + risky
        if weak >= 0.6:
            found.append(Hint("weak", {"share": weak}))
    if balance.rel.links and balance.rel.dofollow_share < 0.5:
        found.append(Hint("nofollow", {"share": float(balance.rel.dofollow_share)}))
    if balance.worst_links >= 100 and balance.worst_links >= 0.1 * balance.links:
        found.append(Hint("one_domain", {
            "domain": balance.worst_domain,
            "share": min(1.0, balance.worst_links / balance.links)}))
    if anchors is not None and anchors.total:
        money = anchors.share("exact_match")
        if money >= 0.1:
            found.append(Hint("exact_match", {"share": float(money)}))
        brand = anchors.share("brand") + anchors.share("naked_url") + anchors.share("compound")
        if anchors.links.sum() and brand < 0.3:
            found.append(Hint("few_brand", {"share": float(brand)}))
    lost = balance.rel.lost / balance.rel.links if balance.rel.links else 0.0
    if lost >= 0.2:
        found.append(Hint("lost", {"share": float(lost)}))
    return found or [Hint("balanced")]
