"""Link attributes (dofollow, nofollow, ugc, sponsored) and the referring domains' TLDs."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from linkdesk.core.profile.scope import Scope
from linkdesk.core.tables.links import DOFOLLOW

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


def rel_counts(db: sqlite3.Connection, scope: Scope) -> RelCounts:
    """Links in scope by rel attribute, and how many are lost."""
    where = scope.links
    row = db.execute(where.sql(
        f"count(*), sum({DOFOLLOW}), sum(l.nofollow = 1), sum(l.ugc = 1), "
        "sum(l.sponsored = 1), "
        "sum(l.placeholder = 1 OR coalesce(l.nofollow, l.ugc, l.sponsored) IS NULL), "
        "sum(l.lost = 1)"), where.params).fetchone()
    return RelCounts(*(int(value or 0) for value in row))


def tld_counts(db: sqlite3.Connection, scope: Scope, limit: int = 10) -> TldCounts:
    """The `limit` TLDs with the most referring domains in scope."""
    where = scope.domain_rows
    rows = db.execute(where.sql(f"{TLD_SQL} AS tld, count(*) AS n",
                                "GROUP BY tld ORDER BY n DESC, tld"), where.params).fetchall()
    top = [(str(tld), int(n)) for tld, n in rows[:limit]]
    total = sum(int(n) for _, n in rows)
    return TldCounts(top, total - sum(n for _, n in top), total)
