"""Link attributes (dofollow, nofollow, ugc, sponsored) and the referring domains' TLDs."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from linkdesk.core.profile.links import LinkFacts
from linkdesk.core.profile.scope import Scope
from linkdesk.core.scoring.facts import (
    REL_DOFOLLOW,
    REL_LOST,
    REL_NOFOLLOW,
    REL_SPONSORED,
    REL_UGC,
    REL_UNKNOWN,
)

IP_ADDRESS = "(IP address)"
# The last label of a name: strip every character but dots from the right, keep what follows.
TLD_SQL = (f"CASE WHEN d.domain GLOB '*[0-9]' THEN '{IP_ADDRESS}' "
           "ELSE substr(d.domain, length(rtrim(d.domain, replace(d.domain, '.', ''))) + 1) END")


@dataclass(frozen=True)
class RelCounts:
    """Links by attribute. Nofollow, ugc and sponsored can overlap (rel="ugc nofollow").

    `dofollow` is what the Links table's Dofollow filter shows; `unknown` are links whose
    rel no tool reported (Search Console pages).
    """

    links: int
    dofollow: int
    nofollow: int
    ugc: int
    sponsored: int
    unknown: int
    lost: int

    @property
    def dofollow_share(self) -> float:
        """Dofollow links as a share of all, 0-1."""
        return self.dofollow / self.links if self.links else 0.0


@dataclass(frozen=True)
class TldCounts:
    """Referring domains per top-level domain, most first."""

    top: list[tuple[str, int]]
    others: int  # domains under every other TLD
    domains: int


def rel_counts(facts: LinkFacts) -> RelCounts:
    """Links in scope by rel attribute, and how many are lost."""
    def having(bit: int) -> int:
        return int(np.count_nonzero(facts.rel & bit))

    return RelCounts(len(facts), having(REL_DOFOLLOW), having(REL_NOFOLLOW), having(REL_UGC),
                     having(REL_SPONSORED), having(REL_UNKNOWN), having(REL_LOST))


def tld_counts(db: sqlite3.Connection, scope: Scope, limit: int = 10) -> TldCounts:
    """The `limit` TLDs with the most referring domains in scope."""
    where = scope.domain_rows
    rows = db.execute(where.sql(f"{TLD_SQL} AS tld, count(*) AS n",
                                "GROUP BY tld ORDER BY n DESC, tld"), where.params).fetchall()
    top = [(str(tld), int(n)) for tld, n in rows[:limit]]
    total = sum(int(n) for _, n in rows)
    return TldCounts(top, total - sum(n for _, n in top), total)
