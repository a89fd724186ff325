"""Merging staged import rows into the project's links, in SQL.

The rules users rely on:
- a link is one normalised (source URL, target URL); every vendor row is kept as an observation;
- a link's fields are a function of the *set* of its observations, never of import order: dates
  take the earliest first-seen and latest last-seen, metrics their maximum (each metric belongs
  to one vendor), attributes the latest non-empty report (ties broken by a fixed vendor order);
- a Search Console page marks every link from it as seen by Google, and stands in as a
  placeholder link to the site root until a real link from that page is imported.

Each field is stored once: an observation's fields are in `observation_values`, but for a
link's only observation, whose fields are the link's own (read them through the view
`observation_fields`). Before a second observation changes a link, the first gets its copy.

All functions run inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from linkdesk.core.fields import FIELDS, VENDORS, Merge, vendor_bit
from linkdesk.core.link_status import lost_sql
from linkdesk.core.store.indexes import drop_indexes

STAGE = "temp.stage"

# 11 characters: the last-seen date, then a rank that puts earlier VENDORS first on ties.
_RECENCY_KEY = (
    "coalesce(last_seen, '0000-00-00') || CASE vendor "
    + " ".join(f"WHEN '{v}' THEN '{len(VENDORS) - i}'" for i, v in enumerate(VENDORS))
    + " ELSE '0' END"
)
_VENDOR_BITS = (
    "CASE vendor "
    + " ".join(f"WHEN '{vendor}' THEN {vendor_bit(vendor)}" for vendor in VENDORS)
    + " ELSE 0 END"
)


def _aggregate(name: str) -> str:
    _, merge, sql_type = FIELDS[name]
    if merge is Merge.MIN:
        return f"min({name})"
    if merge is Merge.MAX:
        return f"max({name})"
    latest = f"substr(max(CASE WHEN {name} IS NOT NULL THEN {_RECENCY_KEY} || {name} END), 12)"
    return f"CAST({latest} AS {sql_type})" if sql_type != "TEXT" else latest


def target_id(url_sql: str) -> str:
    """SQL for the id (in `link_targets`) of the target URL `url_sql`, once `add_targets` ran.

    A link is one (source_url, target_id): the identity index holds the id, not the URL text.
    """
    return f"(SELECT id FROM link_targets WHERE url = {url_sql})"


def add_targets(db: sqlite3.Connection, select_urls: str, *params: object) -> None:
    """Give the target URLs a query returns an id (`target_id`), those that have none yet."""
    db.execute(f"INSERT OR IGNORE INTO link_targets (url) {select_urls}", params)


def drop_stage(db: sqlite3.Connection) -> None:
    """Drop the staging table."""
    db.execute(f"DROP TABLE IF EXISTS {STAGE}")


def merge_stage(
    db: sqlite3.Connection, import_id: int, vendor: str, fields: list[str],
    second_half: str | None = None,
) -> tuple[int, int]:
    """Merge the staged rows into links and observations; return (links added, links merged).

    New links take their fields straight from the staged row (the latest one, when a file lists
    a link twice); links with several observations are then recomputed exactly.
    `second_half`, a table like the stage's, holds the rows staged after the stage's own.
    """
    previous_link_max = db.execute("SELECT coalesce(max(id), 0) FROM links").fetchone()[0]
    if second_half is not None and previous_link_max:  # into links: merged as one stage
        db.execute(f"INSERT INTO {STAGE} SELECT * FROM {second_half}")
        second_half = None
    staged_urls = STAGE
    if second_half is not None:  # the stage's URLs first, as if it held both halves
        staged_urls = (f"(SELECT target_url FROM {STAGE} "
                       f"UNION ALL SELECT target_url FROM {second_half})")
    add_targets(db, f"SELECT DISTINCT target_url FROM {staged_urls}")
    if previous_link_max == 0:
        return _merge_into_empty(db, import_id, vendor, fields, second_half), 0
    previous_observation_max = db.execute(
        "SELECT coalesce(max(id), 0) FROM observations"
    ).fetchone()[0]
    columns = "".join(f", {name}" for name in fields)
    # One max() makes SQLite take the other (bare) column from that row: the latest one's
    # rowid. Grouping sorts only the keys; each group's row is then read by its rowid.
    latest = (
        "max(coalesce(last_seen, '') || printf('%012d', line_no))"
        if "last_seen" in fields
        else "max(line_no)"
    )
    staged = "".join(f", s.{name}" for name in fields)
    db.execute(
        f"INSERT INTO links (source_url, target_url, target_id, source_host, domain, vendors, "
        f"observation_count{columns}) "
        f"SELECT s.source_url, s.target_url, {target_id('s.target_url')}, s.source_host, "
        f"s.domain, {vendor_bit(vendor)}, g.n{staged} "
        f"FROM (SELECT count(*) AS n, {latest} AS latest, rowid AS latest_row FROM {STAGE} "
        f"GROUP BY source_url, target_url) AS g JOIN {STAGE} AS s ON s.rowid = g.latest_row "
        f"WHERE true ON CONFLICT (source_url, target_id) DO UPDATE SET "
        f"observation_count = links.observation_count + excluded.observation_count"
    )
    links_added = db.execute(
        "SELECT count(*) FROM links WHERE id > ?", (previous_link_max,)
    ).fetchone()[0]
    # Ids follow the staged rows, so each staged row's fields find their observation.
    db.execute(
        f"INSERT INTO observations (id, link_id, import_id, line_no) "
        f"SELECT {int(previous_observation_max)} + s.rowid, links.id, ?, s.line_no "
        f"FROM {STAGE} AS s JOIN links "
        f"ON links.source_url = s.source_url AND links.target_id = {target_id('s.target_url')}",
        (import_id,),
    )
    # A new link's only observation leaves its fields to the link (see OBSERVATION_FIELDS).
    db.execute(
        f"INSERT INTO observation_values (observation_id{columns}) SELECT o.id{staged} "
        f"FROM observations AS o JOIN {STAGE} AS s "
        f"ON s.rowid = o.id - {int(previous_observation_max)} "
        f"JOIN links ON links.id = o.link_id WHERE o.id > {int(previous_observation_max)} "
        f"AND NOT (links.id > {int(previous_link_max)} AND links.observation_count = 1)"
    )
    # `+link_id`: read only this import's observations (by id), not the index of them all.
    links_merged = db.execute(
        "SELECT count(DISTINCT link_id) FROM observations WHERE id > ? AND +link_id <= ?",
        (previous_observation_max, previous_link_max),
    ).fetchone()[0]
    recompute_links(
        db,
        f"SELECT o.link_id FROM observations AS o JOIN links AS l "
        f"ON l.id = o.link_id WHERE o.id > {int(previous_observation_max)} "
        f"AND (l.observation_count > 1 OR l.id <= {int(previous_link_max)})",
    )
    return links_added, links_merged


_IDENTITY_INDEX = "links_identity"


def _merge_into_empty(
    db: sqlite3.Connection, import_id: int, vendor: str, fields: list[str],
    second_half: str | None,
) -> int:
    """The first import into a project: load every row as a link, index afterwards.

    Building each index once over loaded rows is several times faster than growing it row by
    row. Every index on the two tables is dropped and rebuilt as it was, including those other
    parts of LinkDesk add (the window's sort indexes). Links a file lists twice are collapsed
    when the unique index finds them. The second half is loaded straight from its own table
    (rowids from 1, as the stage's): its links number on after the stage's.
    """
    indexes = drop_indexes(db, "links", "observations")
    indexes.sort(key=lambda index: index[0] != _IDENTITY_INDEX)
    columns = "".join(f", {name}" for name in fields)
    offset = 0
    for table in (STAGE, second_half) if second_half else (STAGE,):
        db.execute(
            f"INSERT INTO links (id, source_url, target_url, target_id, source_host, domain, "
            f"vendors, observation_count{columns}) SELECT {offset} + rowid, source_url, "
            f"target_url, {target_id('target_url')}, source_host, domain, {vendor_bit(vendor)}, "
            f"1{columns} FROM {table}"
        )
        db.execute(
            f"INSERT INTO observations (link_id, import_id, line_no) "
            f"SELECT {offset} + rowid, ?, line_no FROM {table}",
            (import_id,),
        )
        offset += db.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]
    for name, sql in indexes:  # the identity index first: it finds duplicate links
        try:
            db.execute(sql)
        except sqlite3.IntegrityError:
            if name != _IDENTITY_INDEX:
                raise
            _collapse_duplicate_links(db)
            db.execute(sql)
    return db.execute("SELECT count(*) FROM links").fetchone()[0]


def _collapse_duplicate_links(db: sqlite3.Connection) -> None:
    """Merge links listed more than once by one file into the first of them."""
    db.execute(
        "CREATE TEMP TABLE duplicate_keys AS SELECT source_url, target_url, count(*) AS n, "
        "min(id) AS keep FROM links GROUP BY source_url, target_url HAVING count(*) > 1"
    )
    db.execute("CREATE INDEX temp.duplicate_keys_url ON duplicate_keys(source_url, target_url)")
    db.execute(
        "CREATE TEMP TABLE duplicate_ids AS SELECT l.id AS id, d.keep AS keep FROM links AS l "
        "JOIN duplicate_keys AS d ON d.source_url = l.source_url "
        "AND d.target_url = l.target_url WHERE l.id <> d.keep"
    )
    db.execute("CREATE UNIQUE INDEX temp.duplicate_ids_id ON duplicate_ids(id)")
    # Each row's fields are still in its own link: write them back before those links go.
    write_back_fields(db, "SELECT id FROM temp.duplicate_ids UNION ALL "
                      "SELECT keep FROM temp.duplicate_keys")
    db.execute(
        "UPDATE observations SET link_id = d.keep FROM duplicate_ids AS d "
        "WHERE observations.link_id = d.id"
    )
    db.execute("DELETE FROM links WHERE id IN (SELECT id FROM duplicate_ids)")
    db.execute(
        "UPDATE links SET observation_count = d.n FROM duplicate_keys AS d "
        "WHERE links.id = d.keep"
    )
    db.execute("DROP TABLE temp.duplicate_ids")
    db.execute("DROP TABLE temp.duplicate_keys")
    recompute_links(db, "SELECT id FROM links WHERE observation_count > 1")


OBSERVATION_FIELDS = "observation_fields"
"""The view of observations with their vendor and fields, wherever those are stored.

An observation's fields are in `observation_values`, but for a link's only observation: its
fields are the link's (schema migration 9). Read observation fields from this view.
"""


def write_back_fields(db: sqlite3.Connection, link_ids: str) -> None:
    """Give the observations of the links `link_ids` (a SELECT) their own copy of their fields.

    Done before a link's fields change (a second observation is merged into it, or it is
    collapsed into another): until then its only observation's fields are the link's.
    """
    names = ", ".join(FIELDS)
    db.execute(
        f"INSERT INTO observation_values (observation_id, {names}) "
        f"SELECT o.id, {', '.join('l.' + name for name in FIELDS)} "
        f"FROM observations AS o JOIN links AS l ON l.id = o.link_id "
        f"WHERE o.link_id IN ({link_ids}) AND NOT EXISTS "
        f"(SELECT 1 FROM observation_values AS v WHERE v.observation_id = o.id)"
    )


def recompute_links(db: sqlite3.Connection, link_ids: str | None = None) -> None:
    """Recompute the merged fields of links from their observations.

    `link_ids`, a SELECT of link ids, names the links (default: all of them).
    """
    write_back_fields(db, link_ids or "SELECT id FROM links")
    where = f"WHERE o.link_id IN ({link_ids})" if link_ids else ""
    assignments = ", ".join(f"{name} = agg.{name}" for name in FIELDS)
    aggregates = ", ".join(f"{_aggregate(name)} AS {name}" for name in FIELDS)
    db.execute(
        f"UPDATE links SET vendors = agg.vendors, observation_count = agg.n, placeholder = 0, "
        f"{assignments} "
        f"FROM (SELECT o.link_id AS link_id, count(*) AS n, "
        f"sum(DISTINCT {_VENDOR_BITS}) AS vendors, {aggregates} "
        f"FROM observations AS o JOIN observation_values AS v ON v.observation_id = o.id "
        f"JOIN imports AS i ON i.id = o.import_id {where} GROUP BY o.link_id) AS agg "
        f"WHERE links.id = agg.link_id"
    )


def refresh_google(db: sqlite3.Connection, site_root: Callable[[], str | None]) -> int:
    """Apply Search Console pages to links; return how many pages still lack a site to point to.

    Marks links from known pages as seen by Google, drops placeholders that a real link from the
    same page now replaces, and adds placeholders (to `site_root`) for pages without any link.
    """
    if db.execute("SELECT NOT EXISTS (SELECT 1 FROM google_pages)").fetchone()[0]:
        return 0
    db.execute(
        "UPDATE links SET google_seen = 1 "
        "WHERE google_seen = 0 AND source_url IN (SELECT source_url FROM google_pages)"
    )
    db.execute(
        "DELETE FROM links WHERE placeholder = 1 AND EXISTS ("
        "SELECT 1 FROM links AS real WHERE real.source_url = links.source_url "
        "AND real.placeholder = 0)"
    )
    orphan_pages = "FROM google_pages AS g WHERE NOT EXISTS (" \
        "SELECT 1 FROM links WHERE links.source_url = g.source_url)"
    root = site_root()  # only now: finding it may take a scan of the links
    if root is None:
        return db.execute(f"SELECT count(*) {orphan_pages}").fetchone()[0]
    add_targets(db, "VALUES (?)", root)
    db.execute(
        f"INSERT INTO links (source_url, target_url, target_id, source_host, domain, "
        f"google_seen, placeholder, last_seen) SELECT g.source_url, ?, {target_id('?')}, "
        f"g.source_host, g.domain, 1, 1, g.last_crawled {orphan_pages} "
        f"ON CONFLICT (source_url, target_id) DO NOTHING",
        (root, root),
    )
    return 0


def rebuild_google_tables(db: sqlite3.Connection) -> None:
    """Rebuild the per-page and per-site Search Console tables from every imported row."""
    db.execute("DELETE FROM google_pages")
    db.execute(
        "INSERT INTO google_pages (source_url, source_host, domain, last_crawled) "
        "SELECT r.source_url, min(r.source_host), min(r.domain), max(r.last_crawled) "
        "FROM google_page_rows AS r GROUP BY r.source_url"
    )
    db.execute("DELETE FROM google_sites")
    db.execute(
        "INSERT INTO google_sites (domain, linking_pages, target_pages) "
        "SELECT domain, max(linking_pages), max(target_pages) FROM google_site_rows "
        "GROUP BY domain"
    )


NOFOLLOWISH_SQL = "(coalesce(nofollow, 0) + coalesce(ugc, 0) + coalesce(sponsored, 0)) > 0"


TOUCHED = "temp.touched_domains"
FIRST_LINKS = "temp.touched_first_links"
"""One row: whether the project had no links when the batch began. Then the batch touches
every domain its links have (the files' and Search Console's rows touch their domains, and
nothing else adds links), and the roll-up reads the links without looking each one up."""


def start_touching(db: sqlite3.Connection) -> None:
    """Begin collecting the referring domains an import changes."""
    db.execute(f"DROP TABLE IF EXISTS {TOUCHED}")
    db.execute(f"CREATE TABLE {TOUCHED} (domain TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute(f"DROP TABLE IF EXISTS {FIRST_LINKS}")
    db.execute(f"CREATE TABLE {FIRST_LINKS} AS SELECT NOT EXISTS (SELECT 1 FROM links) AS first")


def touch_domains(db: sqlite3.Connection, select_domains: str, *params: object) -> None:
    """Note the domains a query returns as changed by this import.

    `select_domains` is a SELECT without ORDER BY: its domains are added in order. In the
    order a file lists them, a wide profile's million domains would land all over the table
    (7 s instead of under 1 s for a million, as the table outgrows SQLite's page cache).
    """
    db.execute(f"INSERT OR IGNORE INTO {TOUCHED} {select_domains} ORDER BY 1", params)


def rebuild_referring_domains(db: sqlite3.Connection) -> None:
    """Rebuild the touched referring domains from links and Search Console's linking sites.

    Only the domains an import touched are rebuilt, so a small import into a big project stays
    quick. The links of a first batch (the project had none) are all touched: they are read in
    table order and sorted, not found domain by domain (a wide profile's million domains).
    """
    touched = f"(SELECT domain FROM {TOUCHED})"
    first = db.execute(  # without the note (a caller that filled TOUCHED itself): look up
        "SELECT EXISTS (SELECT 1 FROM temp.sqlite_master WHERE name = ?)",
        (FIRST_LINKS.removeprefix("temp."),),
    ).fetchone()[0] and db.execute(f"SELECT first FROM {FIRST_LINKS}").fetchone()[0]
    links, where = ("links AS l NOT INDEXED", "") if first else (
        "links AS l", f"WHERE l.domain IN {touched}")
    db.execute(f"DELETE FROM referring_domains WHERE domain IN {touched}")
    db.execute(
        f"""
        INSERT INTO referring_domains (domain, links, hosts, dofollow_links, lost_links,
            google_seen, google_linking_pages, first_seen, last_seen, domain_rating,
            trust_flow, citation_flow, domain_authority, spam_score)
        SELECT l.domain, count(*), count(DISTINCT l.source_host),
            sum(l.placeholder = 0 AND NOT {NOFOLLOWISH_SQL}), sum({lost_sql("l")}),
            max(l.google_seen) OR gs.domain IS NOT NULL, gs.linking_pages,
            min(l.first_seen), max(l.last_seen), max(l.domain_rating), max(l.trust_flow),
            max(l.citation_flow), max(l.domain_authority), max(l.spam_score)
        FROM {links} LEFT JOIN google_sites AS gs ON gs.domain = l.domain
        {where}
        GROUP BY l.domain
        """
    )
    db.execute(
        "INSERT INTO referring_domains (domain, links, hosts, dofollow_links, lost_links, "
        "google_seen, google_linking_pages) "
        f"SELECT domain, 0, 0, 0, 0, 1, linking_pages FROM google_sites "
        f"WHERE domain IN {touched} AND domain NOT IN (SELECT domain FROM referring_domains)"
    )
    db.execute(f"DROP TABLE IF EXISTS {TOUCHED}")
    db.execute(f"DROP TABLE IF EXISTS {FIRST_LINKS}")

