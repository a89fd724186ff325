"""What the dashboard charts: the links and referring domains that pass the table filters.

The charts follow the same filters as the tables, with the same SQL: the link charts chart
the rows the Links table shows, the domain charts the rows the Referring domains table shows
(a search looks in URLs, titles and anchors for links, in the name for domains, as there).
The filters' clauses come from the tables' specs (`TableSpec.filters`), so a new filter (marks,
say) reaches the dashboard the moment a table supports it.

A filtered set of links is computed once into a temporary table of the connection
(`materialize`), not once per chart: a search scans a million links in about 1.5 s, and the
charts then read only the matching rows by id. Nothing here ever lists ids in Python.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from typing import Any

from linkdesk.core.scoring import BANDS, scores_current
from linkdesk.core.tables import DOMAINS, LINKS, Filters, TableSpec, scored_domains, scored_links

try:  # the marks' columns and `marked` filter (tables/marks.py), where this version has them
    from linkdesk.core.tables.marks import with_marks
except ImportError:  # pragma: no cover - a checkout without marks: the filter is not offered
    with_marks = None

NOT_SCORED = len(BANDS)  # the "band" of every row while the scores are out of date
BAND_SLOTS = len(BANDS) + 1  # risky, weak, fair, strong, not scored
LINKS_TEMP = "temp.profile_links"


def marked_domain_sql(db: sqlite3.Connection) -> str:
    """SQL (over `referring_domains AS d`) that is 1 for a domain marked for disavow, else 0.

    The one place the dashboard learns about marks: the map draws marked domains apart and
    the balance panel counts them. Without the marks tables (an older schema) it is "0".
    """
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    if "domain_marks" in names:
        return ("EXISTS (SELECT 1 FROM domain_marks AS dmk WHERE dmk.domain = d.domain "
                "AND dmk.kind = 'disavow')")
    return "0"


@dataclass(frozen=True)
class Where:
    """A FROM clause with its WHERE and parameters."""

    source: str
    where: str = "1"
    params: tuple[Any, ...] = ()

    def sql(self, select: str, tail: str = "") -> str:
        """`SELECT select FROM source WHERE where tail`."""
        return f"SELECT {select} FROM {self.source} WHERE {self.where} {tail}"


def filtered(spec: TableSpec, filters: Filters, joins: tuple[str, ...] = ()) -> Where:
    """The rows of `spec` that pass `filters`, as `TableQuery` builds them.

    Filters the table does not support are ignored, as the table models ignore them (the
    filter bar is shared by every tab). `joins` are joins of the spec always wanted.
    """
    clauses = [spec.filters[name](value) for name, value in filters.active().items()
               if name in spec.filters and name not in spec.prepared_filters]
    needed = dict.fromkeys([*joins, *(join for clause in clauses for join in clause.joins)])
    source = " ".join([spec.source, *(spec.joins[name] for name in needed)])
    where = " AND ".join(clause.sql for clause in clauses) or "1"
    params = tuple(param for clause in clauses for param in clause.params)
    return Where(source, where, params)


@dataclass(frozen=True)
class Scope:
    """The links (`l`, scores `ls`) and domains (`d`, scores `ds`) the charts count.

    `band_links` / `band_domains` are the band expressions: the stored band while the scores
    are current, NOT_SCORED otherwise (the charts then show one grey stack).
    """

    filters: Filters
    scored: bool
    links: Where  # FROM links AS l [...] WHERE ...: the links, joined as the filters need
    scored_links: Where  # the same rows, joined to their scores (`ls`) while they are current
    link_scores: Where  # the same rows' scores alone (`ls`), for charts that need no more
    domains: Where  # FROM referring_domains AS d [JOIN domain_scores AS ds] WHERE ...
    domain_rows: Where  # the same domains, joined only as the filters need (no scores)
    marked: str  # 1 for a marked domain (marked_domain_sql)
    links_filtered: bool = False  # the link charts show fewer links than the project has
    domains_filtered: bool = False  # the domain charts show fewer domains than it has

    @property
    def band_links(self) -> str:
        """The band of a link (`ls.band`), or NOT_SCORED."""
        return "ls.band" if self.scored else str(NOT_SCORED)

    @property
    def band_domains(self) -> str:
        """The band of a domain (`ds.band`), or NOT_SCORED."""
        return "ds.band" if self.scored else str(NOT_SCORED)


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
    if tables is None and with_marks is not None and filters.marked is not None:
        link_spec, domain_spec = with_marks(link_spec), with_marks(domain_spec)
    joins: tuple[str, ...] = ("scores",) if scored else ()
    links = filtered(link_spec, filters)
    if links.where == "1":
        scores = Where("link_scores AS ls")
    else:
        scores = Where("link_scores AS ls", f"ls.link_id IN ({links.sql('l.id')})", links.params)
    domains = filtered(domain_spec, filters, joins)
    return Scope(filters, scored, links, filtered(link_spec, filters, joins), scores, domains,
                 filtered(domain_spec, filters), marked_domain_sql(db),
                 links_filtered=links.where != "1", domains_filtered=domains.where != "1")


def materialize(db: sqlite3.Connection, scope: Scope) -> Scope:
    """The scope with its filtered links computed once into a temporary table.

    Every link chart then reads the matching links by id instead of applying the filters to
    every link again (measured on 1M links, under load: "band risky" 4.7 s for all charts
    materialized against 7.0 s not; a search gains most, "dofollow" about breaks even).
    Without link filters nothing is computed and `scope` is returned as it is.
    """
    if not scope.links_filtered:
        return scope
    db.execute(f"DROP TABLE IF EXISTS {LINKS_TEMP}")
    db.execute(f"CREATE TABLE {LINKS_TEMP} (id INTEGER PRIMARY KEY)")
    db.execute(f"INSERT INTO {LINKS_TEMP} (id) {scope.links.sql('l.id')}", scope.links.params)
    links = Where(f"{LINKS_TEMP} AS f JOIN links AS l ON l.id = f.id")
    joined = " JOIN link_scores AS ls ON ls.link_id = l.id" if scope.scored else ""
    scores = Where(f"{LINKS_TEMP} AS f JOIN link_scores AS ls ON ls.link_id = f.id")
    return replace(scope, links=links, scored_links=Where(links.source + joined),
                   link_scores=scores)
