"""What the dashboard charts: the links and referring domains that pass the table filters.

The charts follow the same filters as the tables, with the same SQL: the link charts chart
the rows the Links table shows, the domain charts the rows the Referring domains table shows
(a search looks in URLs, titles and anchors for links, in the name for domains, as there).
The filters' clauses come from the tables' specs (`TableSpec.filters`), so a new filter (marks,
say) reaches the dashboard the moment a table supports it.

Every link chart is counted from one pass over the links' facts (links.py). While the scores
are current those facts sit in the narrow `link_scores` table, and the filters that only ask
about them (band, risk, dofollow, lost, vendor, Search Console) are applied there directly. Any
other link filter (a search, marks, checks) is computed once into a temporary table of
the connection (`materialize`), and the pass reads the matching links by id.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from linkdesk.core.fields import VENDORS, vendor_bit
from linkdesk.core.scoring import BANDS, scores_current
from linkdesk.core.scoring.facts import (
    REL_DOFOLLOW,
    REL_GOOGLE,
    REL_LOST,
    REL_NOFOLLOWISH,
    REL_NOT_GOOGLE,
    REL_NOT_LOST,
)
from linkdesk.core.tables import (
    DOMAINS,
    LINKS,
    Filters,
    Follow,
    TableSpec,
    scored_domains,
    scored_links,
    with_marks,
)

NOT_SCORED = len(BANDS)  # the "band" of every row while the scores are out of date
BAND_SLOTS = len(BANDS) + 1  # risky, weak, fair, strong, not scored
LINKS_TEMP = "temp.profile_links"


MARKED_DOMAIN_SQL = (
    "EXISTS (SELECT 1 FROM domain_marks AS dmk WHERE dmk.domain = d.domain "
    "AND dmk.kind = 'disavow')"
)
"""SQL (over `referring_domains AS d`) that is 1 for a domain marked for disavow, else 0.

The one place the dashboard learns about marks: the map draws marked domains apart and the
balance panel counts them.
"""


@dataclass(frozen=True)
class Where:
    """A FROM clause with its WHERE and parameters."""

    source: str
    where: str = "1"
    params: tuple[Any, ...] = ()

    def sql(self, select: str, tail: str = "") -> str:
        """`SELECT select FROM source WHERE where tail`."""
        return f"SELECT {select} FROM {self.source} WHERE {self.where} {tail}"


def _has_bit(bit: int, column: str = "rel") -> str:
    return f"(ls.{column} & {bit}) <> 0"


def _vendor(vendor: str) -> str:
    if vendor == "gsc":
        return _has_bit(REL_GOOGLE)
    if vendor not in VENDORS:
        raise ValueError(f"unknown vendor {vendor!r}")
    return _has_bit(vendor_bit(vendor), column="vendors")


# Link filters answered by the facts in `link_scores` (`rel`, `vendors`: scoring/facts.py),
# equal to the Links table's filters of the same names (tables/links.py; the tests compare).
FACT_FILTERS: dict[str, Callable[[Any], str]] = {
    "follow": lambda value: _has_bit(
        REL_DOFOLLOW if Follow(value) is Follow.DOFOLLOW else REL_NOFOLLOWISH),
    "lost": lambda value: _has_bit(REL_LOST if value else REL_NOT_LOST),
    "google_seen": lambda value: _has_bit(REL_GOOGLE if value else REL_NOT_GOOGLE),
    "vendor": _vendor,
}
SCORE_FILTERS = ("band", "risk")  # their clauses read the scores alone (tables/scores.py)


def _active(spec: TableSpec, filters: Filters) -> dict[str, Any]:
    """The filters `spec`'s table applies (the filter bar is shared by every tab)."""
    return {name: value for name, value in filters.active().items()
            if name in spec.filters and name not in spec.prepared_filters}


def filtered(spec: TableSpec, filters: Filters, optional: tuple[str, ...] = ()) -> Where:
    """The rows of `spec` that pass `filters`, as `TableQuery` builds them.

    Filters the table does not support are ignored, as the table models ignore them (the
    filter bar is shared by every tab). `optional` joins of the spec are made LEFT joins
    unless a filter needs them (rows without a match stay, with NULLs).
    """
    clauses = [spec.filters[name](value) for name, value in _active(spec, filters).items()]
    needed = dict.fromkeys(join for clause in clauses for join in clause.joins)
    left = [f"LEFT {spec.joins[name]}" for name in optional if name not in needed]
    source = " ".join([spec.source, *(spec.joins[name] for name in needed), *left])
    where = " AND ".join(clause.sql for clause in clauses) or "1"
    params = tuple(param for clause in clauses for param in clause.params)
    return Where(source, where, params)


@dataclass(frozen=True)
class Scope:
    """The links (`l`, scores `ls`) and domains (`d`, scores `ds`) the charts count.

    `scored`: the stored scores are current (else every band is NOT_SCORED and the charts
    show one grey stack).
    """

    filters: Filters
    scored: bool
    links: Where  # FROM links AS l [...] WHERE ...: the links, joined as the filters need
    # FROM referring_domains AS d [LEFT JOIN domain_scores AS ds] WHERE ...: every domain the
    # table shows; a domain only Search Console lists (no links) has no scores (NULLs).
    domains: Where
    domain_rows: Where  # the same domains, joined only as the filters need (no scores)
    marked: str  # 1 for a marked domain (MARKED_DOMAIN_SQL)
    links_filtered: bool = False  # the link charts show fewer links than the project has
    domains_filtered: bool = False  # the domain charts show fewer domains than it has
    # The same links' facts: `link_scores AS ls` while scored, else `links AS l` (links.py).
    # None until `materialize` has computed the links a filter on `links` lets through.
    facts: Where | None = None


def make_scope(db: sqlite3.Connection, filters: Filters | None = None,
               tables: tuple[TableSpec, TableSpec] | None = None) -> Scope:
    """The scope of `filters` (none: the whole project), without materializing anything.

    `tables` are the (links, domains) specs the window's tables use, so the charts apply
    exactly their filters (marks, checks...); without them the scored (or plain) specs are
    built here. Scores count only while current and joined by both specs.
    """
    filters = filters or Filters()
    scored = scores_current(db)
    if tables is not None:
        link_spec, domain_spec = tables
        scored = scored and "scores" in link_spec.joins and "scores" in domain_spec.joins
    elif scored:
        link_spec, domain_spec = scored_links(db), scored_domains(db)
    else:
        link_spec, domain_spec = LINKS, DOMAINS
    if tables is None and filters.marked is not None:
        link_spec, domain_spec = with_marks(link_spec), with_marks(domain_spec)
    links = filtered(link_spec, filters)
    domains = filtered(domain_spec, filters, optional=("scores",) if scored else ())
    return Scope(filters, scored, links, domains, filtered(domain_spec, filters),
                 MARKED_DOMAIN_SQL, links_filtered=links.where != "1",
                 domains_filtered=domains.where != "1",
                 facts=_facts_without_links(link_spec, filters, scored, links))


def _facts_without_links(spec: TableSpec, filters: Filters, scored: bool,
                         links: Where) -> Where | None:
    """The facts' source when no filter needs `links` itself (else None: materialize)."""
    active = _active(spec, filters)
    if not scored:
        return None if active else links
    if any(name not in FACT_FILTERS and name not in SCORE_FILTERS for name in active):
        return None
    clauses = [FACT_FILTERS[name](value) for name, value in active.items()
               if name in FACT_FILTERS]
    params: list[Any] = []
    for name, value in active.items():
        if name in SCORE_FILTERS:
            clause = spec.filters[name](value)
            clauses.append(clause.sql)
            params.extend(clause.params)
    return Where("link_scores AS ls", " AND ".join(clauses) or "1", tuple(params))


def materialize(db: sqlite3.Connection, scope: Scope) -> Scope:
    """The scope with its facts' source, computing the filtered links first if needed.

    Filters on `links` itself (a search, a vendor, marks...) are computed once into a
    temporary table; the facts pass (and, unscored, the top anchors) then read the matching
    links by id instead of applying the filters again. Measured on 1M links, under load:
    "band risky" 4.7 s for all charts materialized against 7.0 s not.
    """
    if scope.facts is not None:
        return scope
    db.execute(f"DROP TABLE IF EXISTS {LINKS_TEMP}")
    db.execute(f"CREATE TABLE {LINKS_TEMP} (id INTEGER PRIMARY KEY)")
    db.execute(f"INSERT INTO {LINKS_TEMP} (id) {scope.links.sql('l.id')}", scope.links.params)
    links = Where(f"{LINKS_TEMP} AS f JOIN links AS l ON l.id = f.id")
    facts = Where(f"{LINKS_TEMP} AS f JOIN link_scores AS ls ON ls.link_id = f.id")
    return replace(scope, links=links, facts=facts if scope.scored else links)
