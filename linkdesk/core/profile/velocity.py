"""Link velocity: links and referring domains gained and lost per month, by band."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from linkdesk.core.profile.links import LinkFacts
from linkdesk.core.profile.scope import BAND_SLOTS, Scope
from linkdesk.core.scoring.facts import month_sql


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
    return {first + row: grid[row] for row in np.flatnonzero(grid.sum(axis=1))}


def _domain_counts(db: sqlite3.Connection, scope: Scope, month: str,
                   tail: str = "") -> dict[int, np.ndarray]:
    domains = scope.domains
    sums = ", ".join(f"sum({scope.band_domains} = {slot})" for slot in range(BAND_SLOTS))
    found = {}
    for row in db.execute(domains.sql(f"{month_sql(month)} AS m, {sums}", f"{tail} GROUP BY m"),
                          domains.params):
        if row[0] >= 12:  # as in _counts
            found[int(row[0])] = np.asarray(row[1:], dtype=np.int64)
    return found


def velocity(db: sqlite3.Connection, scope: Scope, facts: LinkFacts) -> Velocity:
    """New and lost links (`facts`: the links in scope) and referring domains per month."""
    new_links = _counts(facts.first_month, facts.band)
    lost_links = _counts(facts.lost_month, facts.band)
    new_domains = _domain_counts(db, scope, "d.first_seen")
    lost_date = ("(SELECT max(coalesce(x.lost_at, x.last_seen)) FROM links AS x "
                 "WHERE x.domain = d.domain)")
    lost_domains = _domain_counts(db, scope, lost_date, "AND d.links > 0 "
                                  "AND d.lost_links = d.links")
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
