"""The client's site, worked out from the imported links when nobody said which it is.

The brand anchor class, the Dashboard's hints and Search Console placeholders need the
client's site. An export does not name it, but nearly every target URL points at it: the
registered domain (Public Suffix List, as for referring domains) most targets point at is
the site, unless another domain comes close, when the user is asked.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from linkdesk.core import urls
from linkdesk.core.store import settings, transaction

CLEAR_SHARE = 0.6  # the leading domain has at least this share of targets...
RUNNER_UP_RATIO = 0.25  # ...and the next at most this fraction of its links


@dataclass(frozen=True)
class SiteGuess:
    """The domains the project's links point to, most first, and the guess made from them."""

    candidates: tuple[tuple[str, int], ...]  # (registered domain, links), most links first
    total: int  # links with a target

    @property
    def site(self) -> str | None:
        """The leading domain when it is clearly the client's site, else None (ask)."""
        if not self.candidates:
            return None
        domain, count = self.candidates[0]
        runner_up = self.candidates[1][1] if len(self.candidates) > 1 else 0
        if count < CLEAR_SHARE * self.total or runner_up > RUNNER_UP_RATIO * count:
            return None
        return domain

    def share(self, domain: str) -> float:
        """The share of links pointing at `domain` (0-1)."""
        count = dict(self.candidates).get(domain, 0)
        return count / self.total if self.total else 0.0

    def list_candidates(self) -> str:
        """`a.com (53%), b.com (47%)`: the domains the links point to, most first."""
        return ", ".join(f"{domain} ({self.share(domain):.0%})" for domain, _ in self.candidates)

    def describe(self, domain: str) -> str:
        """`acme-widgets.com (92% of the links point to it)`, as the user reads it."""
        return f"{domain} ({self.share(domain):.0%} of the links point to it)"


def guess_site(db: sqlite3.Connection, limit: int = 5) -> SiteGuess:
    """The registered domains the project's links point to, most first (at most `limit`)."""
    # Group by the target's scheme and host in SQL (few distinct ones), then by registered
    # domain here: `www.acme.com` and `shop.acme.com` are both acme.com.
    rows = db.execute(
        "SELECT substr(target_url, 1, instr(substr(target_url, 9), '/') + 7), count(*) "
        "FROM links WHERE placeholder = 0 GROUP BY 1"
    )
    counts: Counter[str] = Counter()
    for prefix, count in rows:
        host = prefix.split("://", 1)[-1].rsplit("@", 1)[-1]
        host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if host:
            counts[urls.registered_domain(host.lower())] += count
    return SiteGuess(tuple(counts.most_common(limit)), sum(counts.values()))


def settle_site(db: sqlite3.Connection) -> SiteGuess | None:
    """Take the clear leading domain as the client's site when none is set yet.

    Returns the guess when no site was set (its `site` is None when it is not clear: ask the
    user); None when the project already knows its site or has no links. Runs in the
    caller's transaction.
    """
    if settings.sites(db):
        return None
    guess = guess_site(db)
    if not guess.candidates:
        return None
    if guess.site is not None:
        settings.remember_site(db, guess.site)
    return guess


def choose_site(db: sqlite3.Connection, site: str) -> bool:
    """Store the site the user chose as the client's main site, in its own transaction.

    False (nothing stored) when `site` is not a domain or URL.
    """
    with transaction(db):
        return settings.remember_site(db, site)
