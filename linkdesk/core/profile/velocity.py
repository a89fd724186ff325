"""Link velocity: links and referring domains gained and lost per month, by band."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkdesk.core.profile.links import LinkFacts
from linkdesk.core.profile.quality import DomainPoints
from linkdesk.core.profile.scope import BAND_SLOTS


@dataclass(frozen=True)
class Velocity:
    """Counts per band and month: `new_links[band, month]` for `months[month]` ("YYYY-MM").

    Months run without gaps from the first to the last month with any event. A link is new
    in the month of its first seen and lost in the month it was lost (else last seen); a
    domain is new with its first link and lost when every one of its links is lost.
    """

    months: list[str]
    new_links: np.ndarray
    lost_links: np.ndarray
    new_domains: np.ndarray
    lost_domains: np.ndarray


def _counts(months: np.ndarray, bands: np.ndarray) -> dict[int, np.ndarray]:
    """{month: links per band} of parallel arrays (months without a date are skipped)."""
    known = months >= 12  # year 1 on (facts.month_sql gives -1 for no date)
    months, bands = months[known].astype(np.int64), bands[known].astype(np.int64)
    if not len(months):
        return {}
    first = int(months.min())
    grid = np.bincount((months - first) * BAND_SLOTS + bands,
                       minlength=(int(months.max()) - first + 1) * BAND_SLOTS)
    grid = grid.reshape(-1, BAND_SLOTS)
    return {first + int(row): grid[row] for row in np.flatnonzero(grid.sum(axis=1))}


def velocity(facts: LinkFacts, points: DomainPoints) -> Velocity:
    """New and lost links (`facts`) and referring domains (`points`) per month, by band."""
    new_links = _counts(facts.first_month, facts.band)
    lost_links = _counts(facts.lost_month, facts.band)
    new_domains = _counts(points.first_month, points.band)
    lost_domains = _counts(points.lost_month, points.band)
    seen = [*new_links, *lost_links, *new_domains, *lost_domains]
    first, last = (min(seen), max(seen)) if seen else (0, -1)
    months = [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1)]

    def grid(found: dict[int, np.ndarray]) -> np.ndarray:
        counts = np.zeros((BAND_SLOTS, len(months)), dtype=np.int64)
        for month, values in found.items():
            counts[:, month - first] = values
        return counts

    return Velocity(months, grid(new_links), grid(lost_links), grid(new_domains),
                    grid(lost_domains))
