"""The Anchors table: links grouped by anchor text (ignoring ASCII case).

Links whose anchor no tool reported (Search Console pages) form a group of their own.

The groups depend on the link filters (follow, vendor, seen by Google, lost), so they are
computed into a temporary table of the connection, once per filter set and project state;
sorting and searching then work on that small table. Row ids are only valid for that
computation: the model re-reads them whenever the filters or the project change.
"""

from __future__ import annotations

import sqlite3

from linkdesk.core.tables.links import DOFOLLOW, LINK_FILTERS
from linkdesk.core.tables.spec import Clause, Column, Filters, Kind, Sort, TableSpec, search_clause

GROUPS = "temp.anchor_groups"
_KEY = "temp.anchor_groups_key"
# The filters applied to links before grouping (a search matches the anchor text instead).
LINK_LEVEL = frozenset(name for name in LINK_FILTERS if name != "search")


def _count(name: str, title: str, tooltip: str) -> Column:
    return Column(name, title, f"a.{name}", Kind.NUMBER, sortable=True, width=7,
                  tooltip=tooltip)


def _percent(name: str, title: str, tooltip: str) -> Column:
    return Column(name, title, f"a.{name}", Kind.PERCENT, sortable=True, width=7,
                  tooltip=tooltip)


ANCHOR_COLUMNS: tuple[Column, ...] = (
    Column("anchor", "Anchor", "a.anchor", sortable=True, order=("a.anchor COLLATE NOCASE",),
           width=40, blank="(no anchor text)", unknown="(not known)"),
    _count("links", "Links", "Links with this anchor text"),
    _percent("share", "% of links", "Share of all shown links that use this anchor text"),
    _count("domains", "Domains", "Referring domains using this anchor text"),
    _count("dofollow", "Dofollow", "Dofollow links with this anchor text"),
    _percent("dofollow_share", "Dofollow %", "Share of these links that are dofollow"),
    Column("first_seen", "First seen", "a.first_seen", Kind.DATE, sortable=True, width=10),
    Column("last_seen", "Last seen", "a.last_seen", Kind.DATE, sortable=True, width=10),
)


def prepare_anchor_groups(db: sqlite3.Connection, filters: Filters) -> None:
    """(Re)build the anchor groups for `filters` unless the current ones are still valid."""
    clauses = [LINK_FILTERS[name](value) for name, value in filters.active().items()
               if name in LINK_LEVEL]
    where = " AND ".join(clause.sql for clause in clauses) or "1"
    params = tuple(param for clause in clauses for param in clause.params)
    # data_version changes when another connection (an import) commits; total_changes when
    # this one writes. Either way the groups are stale.
    data_version = db.execute("PRAGMA data_version").fetchone()[0]
    key = f"{where}|{params!r}|{data_version}|{db.total_changes}"
    try:
        if db.execute(f"SELECT key FROM {_KEY}").fetchone() == (key,):
            return
    except sqlite3.OperationalError:  # first use on this connection
        pass
    db.execute(f"DROP TABLE IF EXISTS {GROUPS}")
    db.execute(f"DROP TABLE IF EXISTS {_KEY}")
    db.execute(
        f"CREATE TABLE {GROUPS} (id INTEGER PRIMARY KEY, anchor TEXT, links INTEGER, "
        "share REAL, domains INTEGER, dofollow INTEGER, dofollow_share REAL, "
        "first_seen TEXT, last_seen TEXT)"
    )
    db.execute(
        f"""
        INSERT INTO {GROUPS} (anchor, links, share, domains, dofollow, dofollow_share,
            first_seen, last_seen)
        SELECT anchor, links, 100.0 * links / sum(links) OVER (), domains, dofollow,
            100.0 * dofollow / links, first_seen, last_seen
        FROM (
            SELECT min(l.anchor) AS anchor, count(*) AS links,
                count(DISTINCT l.domain) AS domains, sum({DOFOLLOW}) AS dofollow,
                min(l.first_seen) AS first_seen, max(l.last_seen) AS last_seen
            FROM links AS l WHERE {where}
            GROUP BY l.anchor COLLATE NOCASE
        )
        """,
        params,
    )
    db.execute(f"CREATE TABLE {_KEY} (key TEXT)")
    # The key's own row is a change too: store the count as it will be after inserting it.
    built = f"{where}|{params!r}|{data_version}|{db.total_changes + 1}"
    db.execute(f"INSERT INTO {_KEY} VALUES (?)", (built,))


def search_anchors(text: str) -> Clause:
    """The anchor text contains `text`."""
    return search_clause(("a.anchor",), text)


ANCHORS = TableSpec(
    name="anchors",
    title="Anchors",
    source=f"{GROUPS} AS a",
    id_sql="a.id",
    columns=ANCHOR_COLUMNS,
    filters={"search": search_anchors},
    default_sort=Sort("links", descending=True),
    prepared_filters=LINK_LEVEL,
    prepare=prepare_anchor_groups,
)
