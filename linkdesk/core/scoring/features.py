"""Computing every link's signal values and flags (`link_features`) and the domains' facts.

This is the expensive half of scoring, run when the data, the terms or the detection settings
change: grouped passes over the links for the domains' facts (finished in Python, once per
domain) and for repeated titles and paths; the distinct anchors classified in Python; one pass
finding poison and topic words in titles (Python regular expressions, see matching.py); and one
INSERT … SELECT that evaluates every per-link formula in SQL.
"""

from __future__ import annotations

import datetime
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from linkdesk.core import urls
from linkdesk.core.fields import VENDORS, vendor_bit
from linkdesk.core.link_status import live_sql, lost_sql
from linkdesk.core.platforms import platforms as large_platforms
from linkdesk.core.scoring import damage, facts, flags, network_keys, signals
from linkdesk.core.scoring.anchors import AnchorClassifier
from linkdesk.core.scoring.flags import BIT, NETWORK_PATH_MIN_LENGTH, NETWORK_TITLE_MIN_LENGTH
from linkdesk.core.scoring.matching import (
    POISON_TITLE,
    TopicMatcher,
    generated_page,
    list_page,
    target_host,
)
from linkdesk.core.scoring.model import SIGNALS, Model
from linkdesk.core.scoring.network_keys import PATH_SQL
from linkdesk.core.scoring.pagescan import SCAN_SQL, ScanParts, scan_rows
from linkdesk.core.scoring.words import PLATFORM_DOMAINS
from linkdesk.core.store.indexes import create_indexes, drop_indexes

if TYPE_CHECKING:
    from linkdesk.core.scoring.scanhelper import ScanHelper

Step = Callable[[str], None]

SCOPE = "temp.score_scope"
"""The referring domains an incremental re-score recomputes (incremental.py); every link of
them is recomputed, and nothing else."""
SCOPE_LINKS = "temp.score_links"
"""The ids of the links recomputed: those of the `SCOPE` domains, and links elsewhere whose
network title or path flag changed."""
ROLL_UP = "temp.score_roll_up"
"""The domains whose flags and best link are rolled up again: the `SCOPE` and the domains of
the other `SCOPE_LINKS`."""
ROLL_UP_LINKS = f"(SELECT id FROM links WHERE domain IN (SELECT domain FROM {ROLL_UP}))"
SCOPED_LINKS = f"(SELECT id FROM {SCOPE_LINKS})"


def in_scope(scoped: bool, column: str = "domain", keyword: str = "WHERE") -> str:
    """SQL limiting a query over links to the scope's domains (nothing when not `scoped`)."""
    return f"{keyword} {column} IN (SELECT domain FROM {SCOPE})" if scoped else ""


_METRICS = ("domain_rating", "trust_flow", "citation_flow", "domain_authority", "domain_traffic")


def newest_date(db: sqlite3.Connection, scoped: bool = False) -> str | None:
    """The newest first- or last-seen value of the links (of the scope's, when `scoped`)."""
    row = db.execute(
        f"SELECT max(last_seen), max(first_seen) FROM links {in_scope(scoped)}"
    ).fetchone()
    if not all(value is None or day_of(value) is not None for value in row):
        # An edited file: a blob, a number or a non-date sorts above every date; the
        # newest of the real dates, read again (rare, so normal projects pay nothing).
        row = db.execute(
            f"SELECT max({dated_sql('last_seen')}), max({dated_sql('first_seen')}) "
            f"FROM links {in_scope(scoped)}"
        ).fetchone()
    return max((value for value in row if value), default=None)


def dated_sql(column: str) -> str:
    """SQL: the column's value when it is a text starting with a real date, else NULL."""
    return (f"(CASE WHEN typeof({column}) = 'text' AND "
            f"date(substr({column}, 1, 10)) = substr({column}, 1, 10) THEN {column} END)")


def day_of(newest: str | None) -> datetime.date | None:
    """The day of a `newest_date` value (None when it is not a date)."""
    try:
        return datetime.date.fromisoformat(newest[:10]) if newest else None
    except (ValueError, TypeError):  # TypeError: a number or blob of an edited file
        return None


def build_features(
    db: sqlite3.Connection, model: Model, step: Step, helper: ScanHelper | None = None
) -> dict[str, Any]:
    """Recompute `domain_scores` facts and `link_features`; return what the state records.
    `helper`: a second process taking a share of the titles pass (scanhelper.py)."""
    newest = newest_date(db)
    day = day_of(newest)
    step("domains")
    _build_domains(db, model)
    step("anchors")
    _build_anchors(db, model)
    step("titles")
    scan = _scan_pages(db, model, helper=helper)
    step("networks")
    build_networks(db, model, scan.candidates)
    _store_text_marks(db, scan.marks, CANDIDATES)
    step("links")
    _build_link_features(db, model, day)
    step("domain flags")
    _domain_flags(db, model)
    flag_sets = [row[0] for row in db.execute(
        "SELECT flags FROM link_features UNION SELECT flags FROM domain_scores"
    )]
    found = network_sets(db)
    drop_temp_tables(db)
    return {"as_of": day.isoformat() if day else None, "newest": newest,
            "flag_sets": flag_sets, "networks": found, "network_keys": True}


def network_sets(db: sqlite3.Connection) -> dict[str, list[str]]:
    """The network titles and paths just found: an incremental re-score starts from them."""
    return {
        "titles": [row[0] for row in db.execute("SELECT title FROM temp.score_titles")],
        "paths": [row[0] for row in db.execute("SELECT path FROM temp.score_paths")],
    }


def drop_temp_tables(db: sqlite3.Connection) -> None:
    """Drop the scratch tables a (full or incremental) build leaves."""
    for table in ("score_anchors", "score_titles", "score_paths", "score_hosts", "score_text",
                  "score_scope", "score_links", "score_roll_up", "score_anchor_candidates",
                  "score_candidates"):
        db.execute(f"DROP TABLE IF EXISTS temp.{table}")


def build_scoped_features(
    db: sqlite3.Connection, model: Model, day: datetime.date | None
) -> list[int]:
    """Recompute the facts and `link_features` of the `SCOPE` domains and their links, the
    network tables being built already (incremental.py); return their distinct flag sets."""
    _build_domains(db, model, scoped=True)
    _build_anchors(db, model, scoped=True)
    _store_text_marks(db, _scan_pages(db, model, scoped=True).marks, SCOPED_LINKS)
    _build_link_features(db, model, day, scoped=True)
    _domain_flags(db, model, scoped=True)
    return [row[0] for row in db.execute(
        f"SELECT flags FROM link_features WHERE link_id IN {SCOPED_LINKS} "
        f"UNION SELECT flags FROM domain_scores WHERE domain IN (SELECT domain FROM {ROLL_UP})"
    )]


# -- domains ----------------------------------------------------------------------------------

_HOST_SQL = "CASE WHEN source_host LIKE 'www.%' THEN substr(source_host, 5) ELSE source_host END"
_ROOT_SQL = "substr(target_url, 1, instr(substr(target_url, 9), '/') + 7)"
"""The scheme and host of a normalised target URL (`https://host/page` -> `https://host`)."""

DomainFacts = tuple[str, int, int, int, int, tuple[Any, ...], int]
"""A referring domain's counts and best metrics, flat (no object per domain: a wide profile
has a million): (domain, links, live, hosts (`www.` aside), top_target_links (links to the
page it links to most), its `_METRICS` values, sites (distinct sites of the project it
links to))."""


def _domain_facts(
    db: sqlite3.Connection, scoped: bool, own: frozenset[str]
) -> Iterator[DomainFacts]:
    """Per referring domain (of the scope, when `scoped`), in the order of their names: its
    `DomainFacts`, streamed (a wide profile has about a domain per link). `own`: the
    client's sites (`client_sites`), which count as one site.

    One grouped pass over the links sorted by domain and target page gives each page's links,
    live links, metrics and hosts; a domain's rows follow one another and are summed up here.
    (A second GROUP BY would sort them all again: most domains of a wide profile have one.)
    Only a domain with several hosts or several target sites (few do) needs more: a small
    query or a little Python.
    """
    metrics = ", ".join(f"max({name})" for name in _METRICS)
    # The whole table is read in its order and sorted: walking the domain index would read it
    # in random order, several times slower once it outgrows the page cache.
    links = f"links {in_scope(True)}" if scoped else "links NOT INDEXED"
    rows = db.execute(
        f"SELECT domain, count(*), sum({live_sql('links')}), min({_HOST_SQL}), "
        f"max({_HOST_SQL}), {metrics}, {_ROOT_SQL} FROM {links} "
        f"GROUP BY domain, target_url ORDER BY domain, target_url"
    )
    first: tuple[Any, ...] | None = None
    more: list[tuple[Any, ...]] = []  # the rows of the domain of `first` after it
    for row in rows:
        if first is not None:
            if row[0] == first[0]:
                more.append(row)
                continue
            yield _summed(db, first, more, own)
            if more:
                more = []
        first = row
    if first is not None:
        yield _summed(db, first, more, own)


_LAST = len(_METRICS) + 5  # the root's column in a row of `_domain_facts`' query


def _summed(
    db: sqlite3.Connection, first: tuple[Any, ...], more: list[tuple[Any, ...]],
    own: frozenset[str],
) -> DomainFacts:
    """A domain's facts from the rows of its target pages, as SQL's aggregates would sum
    them (`first`, then `more` in their order)."""
    domain = first[0]
    for row in (first, *more) if more else (first,):  # max(host), root: a blob sorts last
        if type(row[4]) is bytes or type(row[_LAST]) is bytes:
            damage.refuse(db, "source_host" if type(row[4]) is bytes else "target_url")
    if not more:
        hosts = _distinct_hosts(db, domain) if first[3] < first[4] else 1
        return domain, first[1], first[2], hosts, first[1], first[5:_LAST], 1
    group = [first, *more]
    several_hosts = min(row[3] for row in group) < max(row[4] for row in group)
    hosts = _distinct_hosts(db, domain) if several_hosts else 1
    roots = {row[_LAST] for row in group}
    sites = 1 if len(roots) == 1 else count_sites(map(_site_of, roots), own)
    values = tuple(_sql_max(row[5 + index] for row in group) for index in range(len(_METRICS)))
    return (domain, sum(row[1] for row in group), sum(row[2] for row in group), hosts,
            max(row[1] for row in group), values, sites)


def _sql_max(values: Iterable[Any]) -> Any:
    """SQL's max() of some column values: NULLs aside, numbers below text below blobs (a REAL
    column keeps a text it cannot read as a number); the first of equal values."""
    known = [value for value in values if value is not None]
    if not known:
        return None
    if all(isinstance(value, (int, float)) for value in known):
        return max(known)
    return max(known, key=lambda value: (
        (0, value, b"") if isinstance(value, (int, float))
        else (1, 0, value.encode()) if isinstance(value, str) else (2, 0, bytes(value))
    ))


def _distinct_hosts(db: sqlite3.Connection, domain: str) -> int:
    """How many hosts (`www.` aside) of a referring domain link to the project."""
    return int(db.execute(
        f"SELECT count(DISTINCT {_HOST_SQL}) FROM links WHERE domain = ?", (domain,)
    ).fetchone()[0])


def host_counts(db: sqlite3.Connection, domain: str) -> Iterator[tuple[str, int, int]]:
    """(host, links, links to its most linked page) for each host of a platform domain."""
    return db.execute(
        "SELECT source_host, sum(n), max(n) FROM (SELECT source_host, target_url, "
        "count(*) AS n FROM links WHERE domain = ? GROUP BY source_host, target_url) "
        "GROUP BY source_host",
        (domain,),
    )


class DomainRows:
    """Makes the facts columns of `domain_scores` rows for many domains of one model.

    `large`: the large platforms (the disavow warnings' list), whose language or user
    subdomains (en.wikipedia.org, de.wikipedia.org) are no self-made network.

    Each formula's value is worked out once per distinct input and kept: metrics, link counts
    and TLDs repeat across a wide profile's million domains. Each memo is cleared when it
    reaches `MEMO_SIZE` entries, so memory stays bounded however many distinct values come.
    """

    MEMO_SIZE = 50_000

    def __init__(self, model: Model, large: frozenset[str] = frozenset()) -> None:
        self.model = model
        self.large = large
        self.many_subdomains = model.detection["many_subdomains"]
        self.many_sites = model.detection["many_sites"]
        self.authority: dict[tuple[Any, ...], int | None] = {}
        self.trust: dict[tuple[Any, Any], int] = {}
        self.traffic: dict[Any, int | None] = {}
        self.country: dict[str, int] = {}
        self.repetition: dict[tuple[int, int, int], tuple[int, int]] = {}

    def row(
        self, domain: str, links: int, live: int, hosts: int, top: int,
        values: tuple[Any, ...], sites: int,
    ) -> tuple[object, ...]:
        """The facts columns of one domain's row (`DomainFacts` unpacked)."""
        platform = domain in PLATFORM_DOMAINS
        scope = flags.domain_name_bits(domain)
        if hosts >= self.many_subdomains and not (platform or domain in self.large):
            scope |= BIT["many_subdomains"]
        if sites >= self.many_sites:
            scope |= BIT["many_sites"]
        rating, trust_flow, citation_flow, authority, traffic = values
        # On a blog platform the hosts are different people's sites: no reach counted.
        return (
            domain, links, live, hosts, top, int(platform),
            self._authority(rating, trust_flow, authority),
            self._trust(trust_flow, citation_flow),
            self._traffic(traffic),
            self._country(domain),
            *self._repetition(links, top, 1 if platform else sites),
            scope, scope,
        )

    def _authority(self, rating: Any, trust_flow: Any, authority: Any) -> int | None:
        key = (rating, trust_flow, authority)
        found = self.authority.get(key, self)
        if found is self:
            found = _remember(self.authority, key, signals.domain_authority({
                "domain_rating": rating, "trust_flow": trust_flow,
                "domain_authority": authority,
            }))
        return found  # type: ignore[return-value]

    def _trust(self, trust_flow: Any, citation_flow: Any) -> int:
        key = (trust_flow, citation_flow)
        found = self.trust.get(key)
        if found is None:
            found = _remember(self.trust, key, signals.domain_trust(trust_flow, citation_flow))
        return found

    def _traffic(self, traffic: Any) -> int | None:
        found = self.traffic.get(traffic, self)
        if found is self:
            found = _remember(self.traffic, traffic, signals.domain_traffic(traffic))
        return found  # type: ignore[return-value]

    def _country(self, domain: str) -> int:
        tld = domain.rsplit(".", 1)[-1]  # the country signal reads only the TLD
        found = self.country.get(tld)
        if found is None:
            found = _remember(self.country, tld, signals.domain_country(domain, self.model))
        return found

    def _repetition(self, links: int, top: int, sites: int) -> tuple[int, int]:
        key = (links, top, sites)
        found = self.repetition.get(key)
        if found is None:
            found = _remember(self.repetition, key, (
                signals.site_repetition(links, sites),
                int(signals.site_footer(links, top, self.model)),
            ))
        return found


_Value = TypeVar("_Value")


def _remember(memo: dict[Any, _Value], key: Any, value: _Value) -> _Value:
    """Keep `value` under `key`, first emptying `memo` when it is full."""
    if len(memo) >= DomainRows.MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


_DOMAIN_COLUMNS = (
    "domain", "links", "live_links", "hosts", "top_target_links", "platform", "authority",
    "trust", "traffic", "country", "repetition", "footer", "scope_flags", "flags",
)


def _build_domains(db: sqlite3.Connection, model: Model, scoped: bool = False) -> None:
    make = DomainRows(model, frozenset(large_platforms(db))).row
    rows = (make(*facts) for facts in _domain_facts(db, scoped, client_sites(model)))
    insert = (f"INSERT INTO domain_scores ({', '.join(_DOMAIN_COLUMNS)}) "
              f"VALUES ({', '.join('?' for _ in _DOMAIN_COLUMNS)})")
    if scoped:  # the scope's rows keep their ids; domains left without links go
        db.execute(f"DELETE FROM domain_scores {in_scope(True)} AND domain NOT IN "
                   f"(SELECT domain FROM links {in_scope(True)})")
        insert += " ON CONFLICT (domain) DO UPDATE SET " + ", ".join(
            f"{name} = excluded.{name}" for name in _DOMAIN_COLUMNS[1:])
        db.executemany(insert, rows)
    else:  # a million rows (a wide profile) load faster with their indexes built afterwards
        db.execute("DELETE FROM domain_scores")
        indexes = drop_indexes(db, "domain_scores")
        db.executemany(insert, rows)
        create_indexes(db, indexes)
    # On blog platforms each host is somebody else's site: count repetition per host.
    db.execute("DROP TABLE IF EXISTS temp.score_hosts")
    db.execute(
        "CREATE TEMP TABLE score_hosts (host TEXT PRIMARY KEY, repetition INTEGER, "
        "footer INTEGER) WITHOUT ROWID"
    )
    platforms = [row[0] for row in db.execute(
        f"SELECT domain FROM domain_scores WHERE platform "
        f"{f'AND domain IN (SELECT domain FROM {ROLL_UP})' if scoped else ''}"
    )]
    db.executemany("INSERT INTO temp.score_hosts VALUES (?, ?, ?)", [
        (host, signals.site_repetition(links), int(signals.site_footer(links, top, model)))
        for domain in platforms for host, links, top in host_counts(db, domain)
    ])


# -- anchors, titles, paths -------------------------------------------------------------------


def _anchor_row(classifier: AnchorClassifier, anchor: str, number: int) -> tuple[object, ...]:
    found = classifier.facts(anchor)
    bits = flags.anchor_flag_bits(found.anchor_class, found.poison_word)
    return (anchor, found.anchor_class, bits, int(found.topic_term is not None), number)


def _build_anchors(db: sqlite3.Connection, model: Model, scoped: bool = False) -> None:
    classifier = AnchorClassifier(model.terms)
    db.execute("DROP TABLE IF EXISTS temp.score_anchors")
    db.execute(
        "CREATE TEMP TABLE score_anchors (anchor TEXT PRIMARY KEY, class INTEGER, "
        "flags INTEGER, relevance INTEGER, id INTEGER) WITHOUT ROWID"
    )
    if scoped:  # the scope's anchors, numbered already (incremental.py appends new texts)
        db.executemany("INSERT INTO temp.score_anchors VALUES (?, ?, ?, ?, ?)", [
            _anchor_row(classifier, anchor, number) for anchor, number in db.execute(
                f"SELECT anchor, id FROM anchor_texts WHERE anchor IN "
                f"(SELECT anchor FROM links WHERE id IN {SCOPED_LINKS} AND anchor IS NOT NULL)"
            ).fetchall()
        ])
        return
    rows = []
    # Every distinct anchor text gets an id (1, 2, ...; 0 is no anchor) and the key of its
    # group: texts equal but for ASCII case, as the Anchors table groups them.
    keys: dict[str, int] = {}
    texts = []
    for number, (anchor,) in enumerate(db.execute(
        # A blob or number (an edited file) is no anchor text: such a link has none.
        "SELECT DISTINCT anchor FROM links WHERE typeof(anchor) = 'text'"
    ).fetchall(), start=1):
        texts.append((number, keys.setdefault(facts.anchor_key(anchor), len(keys) + 1), anchor))
        rows.append(_anchor_row(classifier, anchor, number))
    db.executemany("INSERT INTO temp.score_anchors VALUES (?, ?, ?, ?, ?)", rows)
    db.execute("DELETE FROM anchor_texts")
    db.executemany("INSERT INTO anchor_texts (id, key, anchor) VALUES (?, ?, ?)", texts)


@dataclass(frozen=True)
class PageScan:
    """What `_scan_pages` found: the links' marks but the network ones, and (a full scan)
    the links that may show a network title or path."""

    marks: list[tuple[int, int]]  # (link id, MARKS bits)
    candidates: np.ndarray  # link ids, sorted (none when scoped)


_DOMAIN_IDS_IN_MEMORY = 200_000
"""Up to this many referring domains, `_scan_pages` maps domains to ids in a dict."""


def _count(db: sqlite3.Connection, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _scan_pages(
    db: sqlite3.Connection, model: Model, scoped: bool = False,
    helper: ScanHelper | None = None,
) -> PageScan:
    """Mark links whose title has a poison word, whose title or URL has a topic keyword, or
    whose page is a list of sites or looks generated for the linked site (`PageMarks`).

    Only marked links get a row; most links have none. A million links go through this loop
    (pagescan.scan_rows), so it is kept tight: a page's links (read in a row, as imports store
    them) are judged once. A full scan also keeps, in `network_keys`, which domains show each
    title and path, and from them finds the links that may show a network title or path:
    counting only those in `build_networks` spares it a sort of every link's title and path.
    With a `helper` (a full scan), a second process scans a share of the links.
    """
    judge = PageMarks(model)
    parts = ScanParts()
    if scoped:  # an incremental re-score adds its own pairs (incremental.py)
        rows = db.execute(SCAN_SQL.format(key="NULL") + f" WHERE l.id IN {SCOPED_LINKS}")
        scan_rows(db, rows, judge, parts, None)
        return PageScan(parts.mark_list(), np.zeros(0, dtype=np.int64))
    # Each link's domain id: from a dict when the project has few domains (cheapest), else
    # from a join (a dict of a wide profile's million domains held ~130 MB at the score's
    # peak). CROSS JOIN: links stay the outer loop, in table order (a page's links in a row).
    domain_id_of: Callable[[Any], int] = int
    query = SCAN_SQL.format(key="d.id") + " CROSS JOIN domain_scores AS d ON d.domain = l.domain"
    if _count(db, "domain_scores") <= _DOMAIN_IDS_IN_MEMORY:
        domain_id_of = dict(db.execute("SELECT domain, id FROM domain_scores")).__getitem__
        query = SCAN_SQL.format(key="l.domain")
    helped = None
    if helper is not None:
        for claimed in helper.chunks():
            rows = db.execute(f"{query} WHERE l.id BETWEEN ? AND ?", claimed)
            scan_rows(db, rows, judge, parts, domain_id_of)
        helped = helper.result(db)
        if helped is None:  # its domain ids are not these: every link is scanned here
            parts = ScanParts()
    if helped is None:
        scan_rows(db, db.execute(query), judge, parts, domain_id_of)
    else:  # the helper's part is the larger: this one is added to it
        helped.extend(parts)
        parts = helped
    return _found_on_pages(db, model, parts)


def _found_on_pages(db: sqlite3.Connection, model: Model, parts: ScanParts) -> PageScan:
    """A full scan's `PageScan`, its network keys stored."""
    kept = network_keys.store_all(db, parts.pairs)
    parts.pairs = array("q")
    detection = model.detection
    maybe = np.isin(np.frombuffer(parts.title_keys, dtype=np.int64), network_keys.keys_on(
        kept, int(detection["network_title_domains"])))
    maybe |= np.isin(np.frombuffer(parts.path_keys, dtype=np.int64), network_keys.keys_on(
        kept, int(detection["network_path_domains"])))
    return PageScan(parts.mark_list(), np.union1d(
        np.frombuffer(parts.ids, dtype=np.int64)[maybe],
        np.frombuffer(parts.odd, dtype=np.int64)))


def _store_text_marks(db: sqlite3.Connection, marks: list[tuple[int, int]], links: str) -> None:
    """Write `temp.score_text`: these marks, with the network title and path marks of the
    `links` (SQL: a subquery of link ids; any other link has none), the network tables
    being built."""
    titles = {row[0] for row in db.execute("SELECT title FROM temp.score_titles")}
    paths = {row[0] for row in db.execute("SELECT path FROM temp.score_paths")}
    network: dict[int, int] = {}
    if titles or paths:
        for link_id, title, url in db.execute(
            f"SELECT id, title, source_url FROM links WHERE id IN {links}"
        ):
            bits = network_marks(title, url, titles, paths)
            if bits:
                network[link_id] = bits
    rows = [(link_id, bits | network.pop(link_id, 0)) for link_id, bits in marks]
    rows += network.items()
    rows.sort()
    db.execute("DROP TABLE IF EXISTS temp.score_text")
    db.execute("CREATE TEMP TABLE score_text (link_id INTEGER PRIMARY KEY, marks INTEGER)")
    db.executemany("INSERT INTO temp.score_text VALUES (?, ?)", rows)


def network_marks(title: str | None, url: str, titles: set[str], paths: set[str]) -> int:
    """The network title and path `MARKS` bits of a link, given the network titles and
    paths (`temp.score_titles`, `temp.score_paths`)."""
    if "\0" in url:  # SQL's substr(), length() and GLOB read a text up to a NUL
        url = url.split("\0", 1)[0]
    cut = url.find("/", 8)
    path = url[cut:] if cut >= 0 else url[7:]  # as PATH_SQL
    # The paths are article paths only; the test makes the flag's condition explicit.
    network_path = path in paths and is_article_path(path)
    return (title in titles) << _NETWORK_TITLE | network_path << _NETWORK_PATH


MARKS = ("poison_title", "title_topic", "url_topic", "list_page", "generated_page",
         "network_title", "network_path")
"""The marks `PageMarks` finds, as bits (1 << position) of `temp.score_text.marks`: one
integer a link, which is several times faster to write than a column each."""


def marks_sql(alias: str) -> str:
    """SQL columns reading each of `MARKS` (0 or 1) from `alias.marks` (NULL: none)."""
    return ", ".join(f"(coalesce({alias}.marks, 0) >> {bit}) & 1 AS {name}"
                     for bit, name in enumerate(MARKS))


_NETWORK_TITLE, _NETWORK_PATH = MARKS.index("network_title"), MARKS.index("network_path")


class PageMarks:
    """Judges a page for `_scan_pages`: its `MARKS` but the network ones, as bits (0: none)."""

    def __init__(self, model: Model) -> None:
        self.topics = TopicMatcher(model.terms.topics)

    def __call__(self, title: str | None, path: str | None, site: str) -> int:
        """The marks of one page: its title, its URL's path and query (None when there is
        none) and the linked site (the registered domain of the target URL)."""
        lowered = title.lower() if title else ""
        lowered_path = path.lower() if path is not None else "/"  # as matching.url_path
        poison = POISON_TITLE.search(lowered) is not None if lowered else False
        listed = list_page(lowered, lowered_path) is not None
        generated = generated_page(lowered, lowered_path, site) is not None
        in_title = in_url = False
        if self.topics.active:
            in_title = self.topics.in_title(title) is not None
            in_url = path is not None and self.topics.in_path(lowered_path) is not None
        return poison | in_title << 1 | in_url << 2 | listed << 3 | generated << 4  # MARKS


def is_article_path(path: str) -> bool:
    """Whether a path as `PATH_SQL` reads it is article-like (`network_path_sql`)."""
    return len(path) >= NETWORK_PATH_MIN_LENGTH and path.count("-") >= 2


def client_sites(model: Model) -> frozenset[str]:
    """The registered domains of the client's sites (the project's `sites` setting)."""
    return frozenset(
        urls.registered_domain(site.strip().lower().removeprefix("www."))
        for site in model.terms.sites if site.strip()
    )


def count_sites(sites: Iterable[str], own: frozenset[str]) -> int:
    """How many distinct sites, the client's own sites counting as one: a site linking to a
    client's shop and its blog (or its country sites) is normal; one linking to many
    unrelated sites of a project is a directory or a link seller more often than an editor."""
    return len({"" if site in own else site for site in sites})


def target_sites(
    db: sqlite3.Connection, domain: str | None = None, scoped: bool = False,
    own: frozenset[str] = frozenset(),
) -> dict[str, int]:
    """Per referring domain (or for one, or those of the scope), how many distinct sites of the
    project it links to (sites: the registered domains of the target URLs; the client's own
    sites, `own`, count as one)."""
    where = "WHERE domain = ?" if domain is not None else in_scope(scoped)
    pairs = db.execute(
        f"SELECT DISTINCT domain, {_ROOT_SQL} FROM links {where}",
        (domain,) if domain is not None else (),
    )
    found: dict[str, set[str]] = {}
    for referring, root in pairs:
        found.setdefault(referring, set()).add(_site_of(root))
    return {referring: count_sites(sites, own) for referring, sites in found.items()}


def _site_of(root: str) -> str:
    """The site (registered domain) of a target root (`https://www.example.com`)."""
    return urls.registered_domain(target_host(root + "/"))


ANCHOR_CANDIDATES = "temp.score_anchor_candidates"
"""The anchor texts an incremental re-score's changed links had or have."""


CANDIDATES = "(SELECT id FROM temp.score_candidates)"
"""The links a full re-score counts network titles and paths in (`_scan_pages`)."""


def build_networks(db: sqlite3.Connection, model: Model, candidates: np.ndarray) -> None:
    """The titles and article paths found on enough referring domains to mark a network
    (`temp.score_titles`, `temp.score_paths`), counted in the `candidates` (link ids: every
    link that may show one)."""
    detection = model.detection
    db.execute("DROP TABLE IF EXISTS temp.score_candidates")
    db.execute("CREATE TEMP TABLE score_candidates (id INTEGER PRIMARY KEY)")
    db.executemany("INSERT INTO temp.score_candidates VALUES (?)",
                   ((link_id,) for link_id in candidates.tolist()))
    paths = f"(SELECT {PATH_SQL} AS path, domain FROM links AS l WHERE l.id IN {CANDIDATES})"
    for table in ("score_titles", "score_paths"):
        db.execute(f"DROP TABLE IF EXISTS temp.{table}")
    db.execute(
        "CREATE TEMP TABLE score_titles (title TEXT PRIMARY KEY, domains INTEGER) WITHOUT ROWID"
    )
    db.execute(
        f"INSERT INTO temp.score_titles SELECT title, count(DISTINCT domain) FROM links "
        f"WHERE id IN {CANDIDATES} AND length(title) >= {NETWORK_TITLE_MIN_LENGTH} "
        f"AND typeof(title) = 'text' "
        f"GROUP BY title "
        f"HAVING count(DISTINCT domain) >= {int(detection['network_title_domains'])}"
    )
    db.execute(
        "CREATE TEMP TABLE score_paths (path TEXT PRIMARY KEY, domains INTEGER) WITHOUT ROWID"
    )
    db.execute(
        f"INSERT INTO temp.score_paths SELECT path, count(DISTINCT domain) "
        f"FROM {paths} WHERE {network_path_sql('path')} AND instr(path, '?') = 0 "
        f"GROUP BY path "
        f"HAVING count(DISTINCT domain) >= {int(detection['network_path_domains'])}"
    )


def network_path_sql(path: str) -> str:
    """SQL true for an article-like path, the only kind the mirror-page flag considers."""
    return f"length({path}) >= {NETWORK_PATH_MIN_LENGTH} AND {path} GLOB '*-*-*'"


# -- links ------------------------------------------------------------------------------------

_LINK_COLUMNS = (
    "nofollow", "ugc", "sponsored", "image", "redirect", "frame", "form", "sitewide", "lost",
    "first_seen", "last_seen", "external_links", "page_traffic", "language", "is_spam",
    "spam_score", "toxicity",
)


# Columns a formula would misread (or fail on) when an edited project file holds a value of
# the wrong kind there; the other columns' formulas read any value as "not 1" or "no match".
_TEXT_COLUMNS = frozenset({"first_seen", "last_seen"})
_NUMBER_COLUMNS = frozenset({"external_links", "page_traffic", "spam_score", "toxicity"})


def _guarded(name: str) -> str:
    """SQL reading a link column for the signal formulas: a value of the wrong kind (a blob,
    or a text in a number column) reads as NULL, that is as missing.

    Comparisons, not typeof(): SQLite orders NULL < numbers < texts < blobs, and a comparison
    costs a fraction of a function call on a million rows.
    """
    if name in _TEXT_COLUMNS:
        return f"CASE WHEN l.{name} >= '' AND l.{name} < x'' THEN l.{name} END AS {name}"
    if name in _NUMBER_COLUMNS:
        return f"CASE WHEN l.{name} < '' THEN l.{name} END AS {name}"
    if name == "lost":  # lost now for any reason, as the tables and `changes` say
        return f"{lost_sql('l')} AS lost"
    return f"l.{name}"


def link_features_select(
    model: Model, day: datetime.date | None, scoped: bool = False
) -> str:
    """The SELECT computing `link_features` rows (of the scope's links, when `scoped`): signal
    values in `SIGNALS` order, then flags, anchor class, confidence and the charts' facts
    (facts.FACT_COLUMNS)."""
    as_of_day = None if day is None else day.toordinal() + 1_721_424.5  # Julian day
    stale_before = None
    if day is not None:
        stale_day = day - datetime.timedelta(days=int(model.detection["stale_days"]))
        stale_before = stale_day.isoformat()
    values = signals.page_signal_sql(model, as_of_day, stale_before)
    link_columns = ", ".join(_guarded(name) for name in _LINK_COLUMNS)
    confidence = (
        "(dom_auth IS NOT NULL OR page_auth IS NOT NULL) "
        "+ (traffic IS NOT NULL OR page_traffic IS NOT NULL) + (nofollow IS NOT NULL) "
        "+ (first_seen IS NOT NULL) + (external_links IS NOT NULL)"
    )
    return f"""
        SELECT id, domain_id, {", ".join(f"{values[name]} AS {name}" for name in SIGNALS)},
            {flags.page_flags_sql(model)} AS flags, anchor_class,
            {confidence} AS confidence, {", ".join(facts.FACT_COLUMNS)}
        FROM (
            SELECT l.id AS id, d.id AS domain_id, d.authority AS dom_auth, d.trust AS trust,
                d.traffic AS traffic, d.country AS country, d.scope_flags AS scope_flags,
                CASE WHEN d.platform THEN coalesce((SELECT h.repetition FROM temp.score_hosts
                    AS h WHERE h.host = l.source_host), 0) ELSE d.repetition END AS repetition,
                CASE WHEN d.platform THEN coalesce((SELECT h.footer FROM temp.score_hosts
                    AS h WHERE h.host = l.source_host), 0) ELSE d.footer END AS footer,
                {signals.page_authority_sql()} AS page_auth,
                {marks_sql("s")},
                coalesce(a.class, 0) AS anchor_class, coalesce(a.flags, 0) AS anchor_flags,
                coalesce(a.relevance, 0) AS anchor_topic,
                {facts.rel_sql("l")} AS rel, l.vendors AS vendors,
                {facts.first_month_sql("l")} AS first_month,
                {facts.lost_month_sql("l")} AS lost_month, coalesce(a.id, 0) AS anchor_id,
                {link_columns}
            FROM links AS l
            JOIN domain_scores AS d ON d.domain = l.domain
            LEFT JOIN temp.score_anchors AS a ON a.anchor = l.anchor
            LEFT JOIN temp.score_text AS s ON s.link_id = l.id
            {f"WHERE l.id IN {SCOPED_LINKS}" if scoped else ""}
            LIMIT -1 OFFSET 0  -- not flattened: each column above is computed once per row
        ) AS x
    """


def _build_link_features(
    db: sqlite3.Connection, model: Model, day: datetime.date | None, scoped: bool = False
) -> None:
    if scoped:
        db.execute(f"DELETE FROM link_features WHERE link_id IN {SCOPED_LINKS}")
    else:
        db.execute("DELETE FROM link_features")
    db.execute(
        f"INSERT INTO link_features (link_id, domain_id, {', '.join(SIGNALS)}, flags, "
        f"anchor_class, confidence, {', '.join(facts.FACT_COLUMNS)}) "
        f"{link_features_select(model, day, scoped)}"
    )


def _domain_flags(db: sqlite3.Connection, model: Model, scoped: bool = False) -> None:
    """A domain has a per-link flag when at least `domain_flag_share` of its links have it."""
    share = float(model.detection["domain_flag_share"])
    # Counted over the domain's distinct (flags, lost, vendors) groups of links, `n` links
    # each: a domain's links repeat a few flag sets, and 14 sums a link cost more than a sort.
    per_flag = " | ".join(
        f"CASE WHEN sum(CASE WHEN flags & {BIT[name]} THEN n ELSE 0 END) >= sum(n) * {share!r} "
        f"THEN {BIT[name]} ELSE 0 END"
        for name in flags.PAGE_FLAGS
    )
    # The same pass notes the month a domain was lost (its last link's, once all are lost)
    # and the vendors reporting any of its links.
    lost = f"CASE WHEN min(lost) > 0 THEN max(lost_month) ELSE {facts.NO_MONTH} END"
    vendors = " | ".join(f"max(vendors & {vendor_bit(name)})" for name in VENDORS)
    where = f"WHERE link_id IN {ROLL_UP_LINKS}" if scoped else ""
    groups = (f"SELECT domain_id, flags, rel & {facts.REL_LOST} AS lost, vendors, count(*) AS n, "
              f"max(lost_month) AS lost_month FROM link_features {where} "
              f"GROUP BY domain_id, flags, lost, vendors")
    db.execute(
        f"UPDATE domain_scores SET flags = scope_flags | agg.bits, lost_month = agg.lost, "
        f"vendors = agg.vendors FROM (SELECT domain_id, {per_flag} AS bits, {lost} AS lost, "
        f"{vendors} AS vendors FROM ({groups}) GROUP BY domain_id) AS agg "
        f"WHERE domain_scores.id = agg.domain_id"
    )
