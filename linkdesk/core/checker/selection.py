"""Which links a check covers, grouped by source page so that each page is fetched once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from linkdesk.core.checker.hosts import Page
from linkdesk.core.marks.model import MarkKind
from linkdesk.core.marks.store import EFFECTIVE_KIND_SQL, LINK_MARK_JOINS


def select_pages(
    db: sqlite3.Connection, link_ids: Iterable[int] | None = None, *, limit: int | None = None
) -> tuple[list[Page], int]:
    """The pages to fetch and the number of links they hold.

    All links, or those of `link_ids`; with `limit`, the first `limit` of them in this order:
    never checked first, then the longest unchecked, so repeated limited checks go round the
    whole project. Needs the check tables (schema v4).
    """
    where = ""
    if link_ids is not None:
        # A temporary table, not `IN (?, ?, …)`: a window selection can hold 100,000 links.
        db.execute("CREATE TEMP TABLE IF NOT EXISTS check_selection (id INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM check_selection")
        db.executemany(
            "INSERT OR IGNORE INTO check_selection(id) VALUES (?)", ((i,) for i in link_ids)
        )
        where = "WHERE l.id IN (SELECT id FROM check_selection)"
    rows = db.execute(
        "SELECT l.id, l.source_url, l.source_host, l.target_url, l.placeholder FROM links AS l "
        f"LEFT JOIN check_latest AS c ON c.link_id = l.id {where} "
        "ORDER BY c.check_id IS NOT NULL, c.check_id, l.id "
        f"{'LIMIT ?' if limit is not None else ''}",
        (limit,) if limit is not None else (),
    )
    pages: dict[str, Page] = {}
    targets: dict[str, str] = {}  # one string per target URL: most links share a few targets
    count = 0
    for link_id, source_url, source_host, target_url, placeholder in rows:
        page = pages.get(source_url)
        if page is None:
            page = pages[source_url] = Page(source_url, source_host, [])
        target = targets.setdefault(target_url, target_url)
        page.links.append((link_id, target, bool(placeholder)))
        count += 1
    if link_ids is not None:
        db.execute("DELETE FROM check_selection")
    return list(pages.values()), count


def marked_link_ids(db: sqlite3.Connection) -> list[int]:
    """The links to check for `linkdesk check --only-marked`: effective mark disavow or review.

    A link's effective mark is its own, else its domain's (marks/store.py), so a disavowed
    domain covers every link it holds. Both kinds are the links a decision still hangs on: a
    disavowed link that has gone need not stay in the disavow file, and a link under review
    is judged on what its page shows now. Kept (whitelisted) links are left out.
    """
    rows = db.execute(
        f"SELECT l.id FROM links AS l {LINK_MARK_JOINS} "
        f"WHERE {EFFECTIVE_KIND_SQL} IN (?, ?) ORDER BY l.id",
        (MarkKind.DISAVOW.value, MarkKind.REVIEW.value),
    )
    return [row[0] for row in rows]


def link_ids_of_domains(db: sqlite3.Connection, domain_ids: Iterable[int]) -> list[int]:
    """The links of referring domains given by their row ids in the Domains table."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS check_domains (id INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM check_domains")
    db.executemany("INSERT OR IGNORE INTO check_domains(id) VALUES (?)",
                   ((int(i),) for i in domain_ids))
    found = [row[0] for row in db.execute(
        "SELECT l.id FROM links AS l JOIN referring_domains AS d ON d.domain = l.domain "
        "WHERE d.rowid IN (SELECT id FROM check_domains) ORDER BY l.id")]
    db.execute("DELETE FROM check_domains")
    return found
