"""The report's placements section: the links the freelancer placed for the client (no Qt).

    gather_placements(db, today) -> PlacementsReport | None     None: the project has none

Statuses are worked out for the report's day from each placement's latest evidence
(core/placements/status.py, the same rule the window and `linkdesk placements` use) without
writing anything: the report reads the project, it never changes it (an expiry date may have
passed since the statuses were last stored).
"""

from __future__ import annotations

import datetime
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from linkdesk.core.placements import load_placements
from linkdesk.core.placements.model import (
    CHANGED,
    EXPIRED,
    GONE,
    LIVE,
    MISSING,
    STATUSES,
    UNCHECKED,
)
from linkdesk.core.placements.status import derive_status, found_rel, latest_evidence
from linkdesk.core.placements.value import domain_bands, tally
from linkdesk.core.scoring.model import BANDS

PLACEMENT_ROWS = 200  # rows of the list; the rest is counted ("… and 40 more")
EXPIRY_DAYS = 30  # "coming up for renewal": a month ahead, the usual time between reports
# The list shows what needs attention first.
_ORDER = {status: index for index, status in
          enumerate((CHANGED, MISSING, GONE, EXPIRED, UNCHECKED, LIVE))}


@dataclass(frozen=True)
class PlacedLink:
    """One placement as the report lists it."""

    page: str  # the page URL, or the website (domain) while the page is not known
    type: str  # a key of placements.TYPES
    placed_on: str | None
    expires_on: str | None
    price: float | None
    currency: str
    status: str  # a placement status (placements.STATUSES)
    differences: tuple[str, ...] = ()  # rel, anchor, target
    agreed_rel: str = "follow"
    found_rel: str | None = None  # what the page shows, when the link was found
    agreed_anchor: str = ""
    found_anchor: str | None = None


@dataclass
class PlacementsReport:
    """Counts by status and type, what was spent, the list, and what expires soon."""

    total: int
    by_status: dict[str, int]  # every status, in STATUSES order (0 included)
    by_type: dict[str, int]  # type -> placements, most first
    spend_by_type: dict[str, dict[str, float]]  # type -> currency -> amount
    spend: dict[str, float]  # currency -> amount ('' : prices without a currency)
    strong_domains: int  # distinct strong referring domains among the placements
    strong_spend: dict[str, float]  # currency -> amount spent on those domains
    strong_priced: dict[str, int] = field(default_factory=dict)  # currency -> domains paid in it
    rows: list[PlacedLink] = field(default_factory=list)
    expiring: list[PlacedLink] = field(default_factory=list)
    expiry_days: int = EXPIRY_DAYS

    @property
    def per_strong_domain(self) -> dict[str, float]:
        """What each strong website paid in a currency cost on average, per currency (the
        websites paid in another currency, or without a price, are not counted in)."""
        return {currency: amount / self.strong_priced[currency]
                for currency, amount in self.strong_spend.items()
                if self.strong_priced.get(currency)}


def gather_placements(db: sqlite3.Connection,
                      today: datetime.date | None = None) -> PlacementsReport | None:
    """The placements section's data, or None when the project has no placements."""
    day = today or datetime.date.today()
    stored = load_placements(db)
    if not stored:
        return None
    rows = []
    for item in stored:
        placement = item.placement
        evidence = latest_evidence(db, placement)
        verdict = derive_status(placement, evidence, day)
        found = evidence is not None and bool(evidence.found or evidence.elsewhere)
        rows.append(PlacedLink(
            page=placement.page, type=placement.type, placed_on=placement.placed_on,
            expires_on=placement.expires_on, price=placement.price,
            currency=placement.currency, status=verdict.status,
            differences=verdict.differences, agreed_rel=placement.rel,
            found_rel=found_rel(evidence) if evidence is not None and found else None,
            agreed_anchor=placement.anchor,
            found_anchor=evidence.anchor if evidence is not None and found else None))
    # The placements were read once above: their bands by the domains' key, not a second
    # (and third) scan of the table joined with the scores.
    bands = domain_bands(db, (item.placement.domain for item in stored))
    found_totals = tally((p.type, p.domain, p.price, p.currency, bands[p.domain])
                         for p in (item.placement for item in stored))
    spend: defaultdict[str, float] = defaultdict(float)
    for amounts in found_totals.spend_by_type.values():
        for currency, amount in amounts.items():
            spend[currency] += amount
    strong_spend: defaultdict[str, float] = defaultdict(float)
    strong_priced: Counter[str] = Counter()
    for amounts in found_totals.spend_per_strong_domain.values():
        for currency, amount in amounts.items():
            strong_spend[currency] += amount
            strong_priced[currency] += 1
    strong = {domain for domain, band in bands.items() if band == BANDS[-1]}
    statuses = Counter(row.status for row in rows)
    last = (day + datetime.timedelta(days=EXPIRY_DAYS)).isoformat()
    expiring = sorted((row for row in rows if row.expires_on
                       and day.isoformat() <= row.expires_on <= last),
                      key=lambda row: (row.expires_on or "", row.page))
    rows.sort(key=lambda row: (_ORDER.get(row.status, len(_ORDER)),
                               "~" if row.placed_on is None else _descending(row.placed_on),
                               row.page))
    return PlacementsReport(
        total=len(rows), by_status={status: statuses.get(status, 0) for status in STATUSES},
        by_type=dict(found_totals.by_type.most_common()),
        spend_by_type=found_totals.spend_by_type, spend=dict(sorted(spend.items())),
        strong_domains=len(strong), strong_spend=dict(sorted(strong_spend.items())),
        strong_priced=dict(strong_priced),
        rows=rows, expiring=expiring)


def _descending(day: str) -> str:
    """A sort key that puts later days first (YYYY-MM-DD digits inverted)."""
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in day)

