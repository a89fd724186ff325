"""The indexes that let every sortable column sort without sorting rows in memory.

Measured on a million links: `ORDER BY domain_rating` without an index takes 1.6 s, with
one 0.15 s (the index is read in order). Each index costs about 20-60 MB at a million links
and 0.5-1 s to build, so only sortable columns get one.

They are not built by the import: that would add ~10 s to the first import of a million
links, and the command line never sorts. The window builds the missing ones in the
background when it opens a project (`ensure_table_indexes`, one short transaction each, so
a cancel or a closing window stops between two of them). Until an index exists, its column
still sorts correctly, only slower. Once built, the first import's drop-and-rebuild
(store/merge.py) and re-scoring (scoring/combine.py) keep them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from linkdesk.core.store import transaction
from linkdesk.core.tables.links import ANCHOR_ORDER

# name -> (table, indexed expressions). Each matches a sortable column's `order` in links.py /
# domains.py; tests check that every sortable column's ORDER BY is index-served.
TABLE_INDEXES: dict[str, tuple[str, str]] = {
    "links_target": ("links", "target_id"),  # with link_targets' url index (links.py)
    "links_anchor": ("links", ", ".join(key.removeprefix("l.") for key in ANCHOR_ORDER)),
    "links_first_seen": ("links", "first_seen"),
    "links_last_seen": ("links", "last_seen"),
    "links_domain_rating": ("links", "domain_rating"),
    "links_url_rating": ("links", "url_rating"),
    "links_trust_flow": ("links", "trust_flow"),
    "links_citation_flow": ("links", "citation_flow"),
    "links_domain_authority": ("links", "domain_authority"),
    "links_page_authority": ("links", "page_authority"),
    "links_page_ascore": ("links", "page_ascore"),
    "links_spam_score": ("links", "spam_score"),
    # links(source_url, target_id) and links(domain) exist already (schema.py).
    "referring_domains_links": ("referring_domains", "links"),
    "referring_domains_dofollow": ("referring_domains", "dofollow_links"),
    "referring_domains_hosts": ("referring_domains", "hosts"),
    "referring_domains_lost": ("referring_domains", "lost_links"),
    "referring_domains_rating": ("referring_domains", "domain_rating"),
    "referring_domains_trust_flow": ("referring_domains", "trust_flow"),
    "referring_domains_authority": ("referring_domains", "domain_authority"),
    "referring_domains_first_seen": ("referring_domains", "first_seen"),
    "referring_domains_last_seen": ("referring_domains", "last_seen"),
    # Scores (scores.py).
    "link_scores_quality": ("link_scores", "quality, risk_points"),
    "link_scores_band": ("link_scores", "band, quality"),
    "link_scores_risk_level": ("link_scores", "risk_level, risk_points"),
    "domain_scores_band": ("domain_scores", "band, quality"),
    "domain_scores_risk_level": ("domain_scores", "risk_level, risk_points"),
}

# Metric columns many projects never fill (an Ahrefs-only project has no Majestic, Moz or
# Semrush metrics). When at most half the links have a value, the index holds only those
# (9 MB at a million links otherwise: a NULL and an id per link); the sort reads them through
# it and the blank ones by a scan (0.27 s CPU for the 1M-link order instead of 0.11 s). A
# column most links fill, or any column of an empty project, gets the whole index.
PARTIAL_INDEXES = frozenset((
    "links_domain_rating", "links_url_rating", "links_trust_flow", "links_citation_flow",
    "links_domain_authority", "links_page_authority", "links_page_ascore", "links_spam_score",
))

IndexProgress = Callable[[int, int], None]  # (indexes built so far, indexes to build)


class IndexingCancelled(Exception):
    """Building the indexes stopped on request; those already built stay."""


def missing_table_indexes(db: sqlite3.Connection) -> list[str]:
    """The names of the table indexes the project does not have yet."""
    present = {row[0] for row in db.execute("SELECT name FROM sqlite_schema WHERE type='index'")}
    return [name for name in TABLE_INDEXES if name not in present]


def ensure_table_indexes(
    db: sqlite3.Connection,
    progress: IndexProgress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Create the sortable columns' indexes that are missing; return how many were created.

    One transaction per index: another writer (an import) waits at most one index build, and
    `cancelled` is honoured between two builds (raising `IndexingCancelled`). On a million
    links, building all of them takes 10-20 s once.
    """
    missing = missing_table_indexes(db)
    for done, name in enumerate(missing):
        if progress is not None:
            progress(done, len(missing))
        if cancelled is not None and cancelled():
            raise IndexingCancelled
        table, expressions = TABLE_INDEXES[name]
        with transaction(db):
            if name in PARTIAL_INDEXES:
                _create_metric_index(db, name, table, expressions)
            else:
                db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table}({expressions})")
    if progress is not None and missing:
        progress(len(missing), len(missing))
    return len(missing)


def _create_metric_index(db: sqlite3.Connection, name: str, table: str, column: str) -> None:
    """Index only the rows with a value, when at most half the rows have one (see above)."""
    rows, valued = db.execute(f"SELECT count(*), count({column}) FROM {table}").fetchone()
    partial = f" WHERE {column} IS NOT NULL" if rows and valued * 2 <= rows else ""
    db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table}({column}){partial}")
