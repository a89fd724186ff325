"""Checking placements live: the checker's engine on their pages, then their statuses.

A placement's page need not be one of the project's links (a link placed last week is in no
vendor's export yet). Rather than add made-up rows to `links` (they would show in every
table, count in every score and be exported), the pages go to the checker's `check_pages`:
the same fetching, per-host politeness and classification as `check_links`, with the
placement ids in place of link ids and the results kept in `placement_checks`. One extra
look: when the agreed target is not on the page but another page of the target's site is
linked, the check records how often (`elsewhere`) and that link's anchor and rel, so the
status can say "changed: target".
"""

from __future__ import annotations

import datetime
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from linkdesk.core.checker.classify import classify_link
from linkdesk.core.checker.engine import check_pages
from linkdesk.core.checker.fetch import Fetched
from linkdesk.core.checker.hosts import Page
from linkdesk.core.checker.model import (
    MISSING,
    CancelCheck,
    CheckOptions,
    CheckSummary,
    LinkCheck,
    ProgressCallback,
)
from linkdesk.core.checker.parse import ParsedPage
from linkdesk.core.checker.store import now
from linkdesk.core.placements.rows import StoredPlacement, load_placements
from linkdesk.core.placements.status import StatusChange, refresh_statuses
from linkdesk.core.store import Project, transaction
from linkdesk.core.urls import normalize_url


@dataclass(frozen=True)
class PlacementCheckResult:
    """What a check of placements did, and the statuses that changed since the previous one."""

    summary: CheckSummary
    changes: list[StatusChange]
    not_checkable: int  # placements known only by their domain: no page to fetch


def check_placements(
    db_path_or_project: str | Path | Project,
    ids: Iterable[int] | None = None,
    *,
    options: CheckOptions | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    today: datetime.date | None = None,
) -> PlacementCheckResult:
    """Fetch the pages of the placements (all, or `ids`), store a check of each and refresh
    their statuses. `db_path_or_project` as `check_links`: a path (opened and closed here,
    for a worker thread) or an open Project of this thread."""
    if isinstance(db_path_or_project, Project):
        return _check(db_path_or_project.db, ids, options, progress, cancelled, today)
    with Project.open(db_path_or_project, create=False, write=True) as project:
        return _check(project.db, ids, options, progress, cancelled, today)


def _check(db: sqlite3.Connection, ids: Iterable[int] | None, options: CheckOptions | None,
           progress: ProgressCallback | None, cancelled: CancelCheck | None,
           today: datetime.date | None) -> PlacementCheckResult:
    placements = load_placements(db, ids)
    pages = placement_pages(placements)
    elsewhere: dict[int, int] = {}

    def classify(placement_id: int, target_url: str, placeholder: bool, fetched: Fetched,
                 parsed: ParsedPage | None, site_hosts: frozenset[str]) -> LinkCheck:
        check = classify_link(placement_id, target_url, placeholder, fetched, parsed,
                              site_hosts)
        host = normalize_url(target_url)
        others = parsed.by_host.get(host[1], []) if parsed and host else []
        if check.status == MISSING and others:
            elsewhere[placement_id] = len(others)
            chosen = next((anchor for anchor in others if anchor.followed), others[0])
            return replace(check, anchor=chosen.text, nofollow=chosen.nofollow,
                           ugc=chosen.ugc, sponsored=chosen.sponsored)
        return check

    def store(checks: list[LinkCheck]) -> None:
        stamp = now()
        with transaction(db):
            db.executemany(
                "INSERT INTO placement_checks(placement_id, checked_at, status, http_code, "
                "final_url, found, elsewhere, anchor, nofollow, ugc, sponsored, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(c.link_id, stamp, c.status, c.http_code, c.final_url, c.found,
                  elsewhere.get(c.link_id, 0), c.anchor, _flag(c.nofollow), _flag(c.ugc),
                  _flag(c.sponsored), c.detail) for c in checks])

    summary = check_pages(db, pages, store, classify=classify, options=options,
                          progress=progress, cancelled=cancelled)
    changes = refresh_statuses(db, [p.id for p in placements], today=today)
    return PlacementCheckResult(summary, changes,
                                sum(1 for p in placements if not p.placement.source_url))


def placement_pages(placements: Iterable[StoredPlacement]) -> list[Page]:
    """The pages to fetch (each once), with the placements (id, target) each should hold."""
    pages: dict[str, Page] = {}
    for stored in placements:
        url = stored.placement.source_url
        normalized = normalize_url(url) if url else None
        if normalized is None:
            continue
        page = pages.setdefault(url, Page(url, normalized[1], []))
        page.links.append((stored.id, stored.placement.target_url, False))
    return list(pages.values())


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)
