"""The check history in the project file: runs, one row per link checked, the latest per link.

The tables are part of the schema since version 4 (`store.schema._v4_checks`): every project
`Project.open` returns has them.
`check_latest` points each checked link at its latest check and the one before it, so the
status column, its filter and `changes` are one indexed join away, however long the history.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from linkdesk.core.checker.model import LIVE, STATUSES, LinkCheck
from linkdesk.core.store import transaction

_COLUMNS = (
    "link_id, run_id, checked_at, status, http_code, final_url, redirects, found, anchor, "
    "nofollow, ugc, sponsored, noindex, detail, elapsed_ms"
)


@dataclass(frozen=True)
class StoredCheck:
    """A check as stored: the outcome plus when and in which run."""

    id: int
    run_id: int
    checked_at: str
    check: LinkCheck

    @property
    def rel(self) -> str:
        """`follow`, or the rel values that stop it (`nofollow ugc`); '' when not live."""
        return rel_label(self.check)


@dataclass(frozen=True)
class Change:
    """A difference between a link's latest check and the one before it."""

    link_id: int
    source_url: str
    target_url: str
    before: StoredCheck
    after: StoredCheck
    what: tuple[str, ...]  # e.g. ("live → missing",), ("follow → nofollow",)


def start_run(db: sqlite3.Connection, links_selected: int, options: dict[str, object]) -> int:
    """Record the start of a check; returns its run id."""
    with transaction(db):
        cursor = db.execute(
            "INSERT INTO check_runs(started_at, links_selected, options) VALUES (?, ?, ?)",
            (now(), links_selected, json.dumps(options, sort_keys=True)),
        )
    return int(cursor.lastrowid or 0)


def save_checks(db: sqlite3.Connection, run_id: int, checks: Sequence[LinkCheck]) -> None:
    """Append checks to the history and make them the links' latest, in one transaction."""
    if not checks:
        return
    checked_at = now()
    with transaction(db):
        first = db.execute("SELECT coalesce(max(id), 0) FROM link_checks").fetchone()[0]
        db.executemany(
            f"INSERT INTO link_checks({_COLUMNS}) VALUES ({', '.join('?' * 15)})",
            (_row(run_id, checked_at, check) for check in checks),
        )
        # `WHERE true`: SQLite needs it to read ON CONFLICT after a SELECT.
        db.execute(
            "INSERT INTO check_latest(link_id, check_id, status) "
            "SELECT link_id, id, status FROM link_checks WHERE id > ? AND true "
            "ON CONFLICT(link_id) DO UPDATE SET previous_id = check_latest.check_id, "
            "check_id = excluded.check_id, status = excluded.status",
            (first,),
        )


def finish_run(
    db: sqlite3.Connection, run_id: int, *, links: int, pages: int, requests: int,
    cancelled: bool,
) -> None:
    """Record the end of a check, and what it says of the links' status (a link found gone,
    or found on its page though no tool lists it any more)."""
    # Imported here: the timeline it reads imports the checker's statuses (a cycle).
    from linkdesk.core.link_status_update import settle_link_status

    with transaction(db):
        db.execute(
            "UPDATE check_runs SET finished_at = ?, links_checked = ?, pages = ?, "
            "requests = ?, cancelled = ? WHERE id = ?",
            (now(), links, pages, requests, int(cancelled), run_id),
        )
        settle_link_status(db)


def check_stats(db: sqlite3.Connection) -> dict[str, object]:
    """`checked_links` and `check_status` (status → links, every status listed) for stats."""
    by_status = dict.fromkeys(STATUSES, 0)
    for status, count in db.execute(
        "SELECT c.status, count(*) FROM check_latest AS c JOIN links AS l ON l.id = c.link_id "
        "GROUP BY c.status"
    ):
        by_status[status] = count
    return {"checked_links": sum(by_status.values()), "check_status": by_status}


def latest_check(db: sqlite3.Connection, link_id: int) -> StoredCheck | None:
    """A link's latest check (for the details panel), or None if it was never checked."""
    row = db.execute(
        f"SELECT id, {_COLUMNS} FROM link_checks WHERE id = "
        "(SELECT check_id FROM check_latest WHERE link_id = ?)",
        (link_id,),
    ).fetchone()
    return None if row is None else _stored(row)


def check_history(
    db: sqlite3.Connection, link_id: int, limit: int | None = None
) -> list[StoredCheck]:
    """Every check of a link (the latest `limit` of them), newest first."""
    rows = db.execute(
        f"SELECT id, {_COLUMNS} FROM link_checks WHERE link_id = ? ORDER BY id DESC LIMIT ?",
        (link_id, -1 if limit is None else limit),
    )
    return [_stored(row) for row in rows]


def changes(db: sqlite3.Connection, run_id: int | None = None) -> list[Change]:
    """Links whose latest check differs from the one before in status, rel, anchor or noindex.

    With `run_id`, only the links that run checked. Rel and anchor are compared when the link
    was live both times; noindex when the page was read both times.
    """
    before_cols = ", ".join(f"p.{c.strip()}" for c in _COLUMNS.split(","))
    after_cols = ", ".join(f"c.{c.strip()}" for c in _COLUMNS.split(","))
    rows = db.execute(
        f"SELECT k.source_url, k.target_url, p.id, {before_cols}, c.id, {after_cols} "
        "FROM check_latest AS l "
        "JOIN link_checks AS p ON p.id = l.previous_id "
        "JOIN link_checks AS c ON c.id = l.check_id "
        "JOIN links AS k ON k.id = l.link_id "
        "WHERE (? IS NULL OR c.run_id = ?) ORDER BY l.link_id",
        (run_id, run_id),
    )
    width = 1 + len(_COLUMNS.split(","))
    found = []
    for row in rows:
        before, after = _stored(row[2 : 2 + width]), _stored(row[2 + width :])
        what = describe_change(before.check, after.check)
        if what:
            found.append(Change(after.check.link_id, row[0], row[1], before, after, what))
    return found


def describe_change(before: LinkCheck, after: LinkCheck) -> tuple[str, ...]:
    """What changed between two checks of a link, in words (empty when nothing did)."""
    what = []
    if before.status != after.status:
        what.append(f"{before.status} → {after.status}")
    elif before.status == LIVE:
        if rel_label(before) != rel_label(after):
            what.append(f"{rel_label(before)} → {rel_label(after)}")
        if before.anchor != after.anchor:
            what.append(f"anchor {before.anchor!r} → {after.anchor!r}")
    if None not in (before.noindex, after.noindex) and before.noindex != after.noindex:
        what.append("index → noindex" if after.noindex else "noindex → index")
    return tuple(what)


def rel_label(check: LinkCheck) -> str:
    """`follow`, or the rel values that stop it (`nofollow ugc`); '' when not found."""
    if check.nofollow is None:
        return ""
    rel = [name for name, on in (
        ("nofollow", check.nofollow), ("ugc", check.ugc), ("sponsored", check.sponsored)
    ) if on]
    return " ".join(rel) or "follow"


def now() -> str:
    """The current time as stored: ISO 8601 UTC to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _row(run_id: int, checked_at: str, check: LinkCheck) -> tuple[object, ...]:
    return (
        check.link_id, run_id, checked_at, check.status, check.http_code, check.final_url,
        json.dumps(check.redirects) if check.redirects else None, check.found, check.anchor,
        _flag(check.nofollow), _flag(check.ugc), _flag(check.sponsored), _flag(check.noindex),
        check.detail, check.elapsed_ms,
    )


def _stored(row: Sequence[Any]) -> StoredCheck:
    (check_id, link_id, run_id, checked_at, status, http_code, final_url, redirects, found,
     anchor, nofollow, ugc, sponsored, noindex, detail, elapsed_ms) = row
    check = LinkCheck(
        link_id=link_id,
        status=status,
        http_code=http_code,
        final_url=final_url,
        redirects=tuple((code, url) for code, url in json.loads(redirects)) if redirects else (),
        found=found,
        anchor=anchor,
        nofollow=_bool(nofollow),
        ugc=_bool(ugc),
        sponsored=_bool(sponsored),
        noindex=_bool(noindex),
        detail=detail,
        elapsed_ms=elapsed_ms,
    )
    return StoredCheck(check_id, run_id, checked_at, check)


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _bool(value: object) -> bool | None:
    return None if value is None else bool(value)
