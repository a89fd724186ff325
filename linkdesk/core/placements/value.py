"""What the placements are worth: each one's referring domain quality and band, and totals.

Quality and band are the referring domain's (`domain_scores`, as the Referring domains table
shows them); a placement whose domain is in no vendor's export yet has none ("unscored").
Spend is summed per currency: amounts in different currencies are never added together.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from linkdesk.core.placements.rows import stored_price, stored_text, stored_type
from linkdesk.core.scoring.model import BANDS

UNSCORED = "unscored"
STRONG = len(BANDS) - 1


@dataclass(frozen=True)
class PlacementValue:
    """One placement's referring domain grade."""

    placement_id: int
    domain: str
    quality: float | None
    band: str  # a name from BANDS, or "unscored"


@dataclass(frozen=True)
class Totals:
    """Counts per band and per type; spend per type and per strong domain, by currency."""

    by_band: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    spend_by_type: dict[str, dict[str, float]] = field(default_factory=dict)
    spend_by_band: dict[str, dict[str, float]] = field(default_factory=dict)
    spend_per_strong_domain: dict[str, dict[str, float]] = field(default_factory=dict)


def placement_values(db: sqlite3.Connection) -> list[PlacementValue]:
    """Every placement's referring domain quality and band, by id."""
    rows = db.execute("SELECT p.id, p.domain, ds.quality, ds.band FROM placements AS p "
                      "LEFT JOIN domain_scores AS ds ON ds.domain = p.domain ORDER BY p.id")
    return [PlacementValue(pid, stored_text(domain), _quality(quality), _band(band))
            for pid, domain, quality, band in rows]


def totals(db: sqlite3.Connection) -> Totals:
    """The ledger's totals (see `Totals`); a price without a currency counts under '' ."""
    # As load_placements reads them: a value another program wrote is not a crash.
    return tally((stored_type(kind), stored_text(domain), stored_price(price),
                  stored_text(currency), _band(band)) for kind, domain, price, currency, band
                 in db.execute("SELECT p.type, p.domain, p.price, p.currency, ds.band "
                               "FROM placements AS p "
                               "LEFT JOIN domain_scores AS ds ON ds.domain = p.domain"))


Tallied = tuple[str, str, float | None, str, str]
"""What `tally` reads of a placement: type, domain, price, currency, band name."""


def tally(placements: Iterable[Tallied]) -> Totals:
    """The totals of placements already read (`totals` reads them from the project)."""
    result = Totals()
    by_type: defaultdict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    by_band: defaultdict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    strong: defaultdict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    for kind, domain, price, currency, name in placements:
        result.by_band[name] += 1
        result.by_type[kind] += 1
        if price is not None:
            by_type[kind][currency] += price
            by_band[name][currency] += price
            if name == BANDS[STRONG]:
                strong[domain][currency] += price
    result.spend_by_type.update({k: dict(v) for k, v in by_type.items()})
    result.spend_by_band.update({k: dict(v) for k, v in by_band.items()})
    result.spend_per_strong_domain.update({k: dict(v) for k, v in sorted(strong.items())})
    return result


def domain_bands(db: sqlite3.Connection, domains: Iterable[str]) -> dict[str, str]:
    """The band of each of these referring domains, by name ("unscored" for one without a
    score): looked up by the `domain_scores` key, not a scan."""
    wanted = sorted(set(domains))
    found = dict.fromkeys(wanted, UNSCORED)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        found.update((domain, _band(band)) for domain, band in db.execute(
            f"SELECT domain, band FROM domain_scores WHERE domain IN "
            f"({', '.join('?' * len(chunk))})", chunk))
    return found


def _band(band: object) -> str:
    """A band's name; "unscored" for none (or a stored value that is no band)."""
    if isinstance(band, int) and not isinstance(band, bool) and 0 <= band < len(BANDS):
        return BANDS[band]
    return UNSCORED


def _quality(quality: object) -> float | None:
    return float(quality) if isinstance(quality, int | float) and not isinstance(
        quality, bool) else None
