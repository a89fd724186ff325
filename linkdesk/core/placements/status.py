"""A placement's status: what its page showed last, compared with what was agreed.

The evidence is the newest of two checks of the page: the placement's own (placement_checks,
`linkdesk placements check`) and, when the placement is one of the project's links (same
source page and target after normalisation, any vendor), that link's latest live check
(link_checks). `derive_status` is a pure function of the placement, that evidence and the
day; `refresh_statuses` stores the result and a history row whenever a status changes.
"""

from __future__ import annotations

import datetime
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from linkdesk.core.checker import model as checker
from linkdesk.core.checker.store import now
from linkdesk.core.fields import VENDORS
from linkdesk.core.placements.model import (
    CHANGED,
    EXPIRED,
    GONE,
    LIVE,
    MISSING,
    UNCHECKED,
    Placement,
)
from linkdesk.core.placements.rows import DOMAIN_LINKS_SQL, load_placements
from linkdesk.core.store import atomic

_GONE = (checker.PAGE_ERROR, checker.REDIRECTED, checker.BLOCKED, checker.TIMEOUT,
         checker.DNS_ERROR)


@dataclass(frozen=True)
class Evidence:
    """What the placement's page showed at its latest check."""

    checked_at: str
    status: str  # a checker status
    found: int = 0  # links to the agreed target
    elsewhere: int = 0  # links to other pages of the target's host (placement checks only)
    anchor: str | None = None
    nofollow: bool | None = None
    ugc: bool | None = None
    sponsored: bool | None = None
    detail: str = ""
    source: str = "placement"  # "placement": its own check; "link": the matched link's


@dataclass(frozen=True)
class Verdict:
    """A placement's status, what differs from the agreement, and why, in words."""

    status: str
    differences: tuple[str, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class StatusChange:
    """A placement whose status (or differences) changed when statuses were refreshed."""

    placement_id: int
    page: str
    before: str | None  # None: a new placement
    after: str
    differences: tuple[str, ...]
    detail: str


def derive_status(placement: Placement, evidence: Evidence | None,
                  today: datetime.date) -> Verdict:
    """The status of `placement` given its latest evidence, on `today`."""
    if placement.expires_on and placement.expires_on < today.isoformat():
        return Verdict(EXPIRED, (), f"expired on {placement.expires_on}")
    if evidence is None:
        return Verdict(UNCHECKED, (), "the page is not known yet" if not placement.source_url
                       else "not checked yet")
    if evidence.status in _GONE:
        return Verdict(GONE, (), evidence.detail or evidence.status.replace("_", " "))
    if evidence.status == checker.LIVE and evidence.found:
        differences = _differences(placement, evidence)
        if differences:
            return Verdict(CHANGED, differences, _what_differs(placement, evidence, differences))
        return Verdict(LIVE, (), "as agreed")
    if evidence.status == checker.MISSING and evidence.elsewhere:
        differences = ("target", *_differences(placement, evidence))
        return Verdict(CHANGED, differences, _what_differs(placement, evidence, differences))
    if evidence.status == checker.MISSING:
        return Verdict(MISSING, (), evidence.detail or "the page no longer links to the target")
    return Verdict(GONE, (), evidence.detail or "the page could not be read")  # blocked, not HTML


def found_rel(evidence: Evidence) -> str:
    """The rel of the link found: follow, or the first of sponsored, ugc, nofollow it has."""
    if evidence.sponsored:
        return "sponsored"
    if evidence.ugc:
        return "ugc"
    return "nofollow" if evidence.nofollow else "follow"


def _differences(placement: Placement, evidence: Evidence) -> tuple[str, ...]:
    found: list[str] = []
    if not _rel_as_agreed(placement.rel, evidence):
        found.append("rel")
    if placement.anchor and _fold(evidence.anchor or "") != _fold(placement.anchor):
        found.append("anchor")
    return tuple(found)


def _rel_as_agreed(rel: str, evidence: Evidence) -> bool:
    if rel == "follow":
        return not (evidence.nofollow or evidence.ugc or evidence.sponsored)
    return bool({"nofollow": evidence.nofollow, "ugc": evidence.ugc,
                 "sponsored": evidence.sponsored}[rel])


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _what_differs(placement: Placement, evidence: Evidence, differences: Iterable[str]) -> str:
    said = []
    for what in differences:
        if what == "rel":
            said.append(f"rel {found_rel(evidence)}, agreed {placement.rel}")
        elif what == "anchor":
            said.append(f"anchor {evidence.anchor or ''!r}, agreed {placement.anchor!r}")
        else:
            said.append(f"links to another page of the site, not {placement.target_url}")
    return "; ".join(said)


def matched_link(db: sqlite3.Connection, placement: Placement) -> tuple[int, int, str] | None:
    """The project's link that is this placement (link id, vendor bits, source URL), any
    vendor: the same page and target; for a placement known only by its domain, the one link
    from that domain to the target (None when it has several: which one is not known).
    None too when no vendor has reported it yet (normal for a new placement)."""
    if placement.source_url:
        row = db.execute("SELECT id, vendors, source_url FROM links WHERE source_url = ? AND "
                         "target_url = ?", (placement.source_url, placement.target_url)).fetchone()
        return None if row is None else (row[0], row[1], row[2])
    rows = domain_links(db, placement)
    return rows[0] if len(rows) == 1 else None


def domain_links(db: sqlite3.Connection, placement: Placement) -> list[tuple[int, int, str]]:
    """The project's links (id, vendor bits, source URL) from the placement's host (the
    whole registered domain when that was typed) to its target, by id: where a placement
    known only by its domain may be."""
    return [tuple(row) for row in db.execute(
        "SELECT l.id, l.vendors, l.source_url FROM (SELECT ? AS domain, ? AS target_url, "
        f"? AS host) AS p JOIN links AS l ON {DOMAIN_LINKS_SQL} ORDER BY l.id",
        (placement.domain, placement.target_url, placement.host))]


def found_in(db: sqlite3.Connection, placement: Placement) -> tuple[int, str]:
    """Which vendors have reported the placement (`links.vendors` bits, 0: none yet) and, for
    one known only by its domain, the page they found it on when exactly one link from that
    domain goes to the target ('' otherwise). The placement itself is never changed: the
    window and the command line offer the page, the user decides."""
    if placement.source_url:
        link = matched_link(db, placement)
        return (link[1], "") if link else (0, "")
    rows = domain_links(db, placement)
    bits = 0
    for _id, vendors, _page in rows:
        bits |= vendors
    return bits, rows[0][2] if len(rows) == 1 else ""


def vendor_names(bits: int) -> tuple[str, ...]:
    """The vendors of `links.vendors` bits, by name."""
    return tuple(name for index, name in enumerate(VENDORS) if bits & (1 << index))


def latest_evidence(db: sqlite3.Connection, placement: Placement) -> Evidence | None:
    """The newest of the placement's own latest check and its matched link's latest check."""
    own = db.execute(
        "SELECT checked_at, status, found, elsewhere, anchor, nofollow, ugc, sponsored, detail "
        "FROM placement_checks WHERE placement_id = ? ORDER BY id DESC LIMIT 1",
        (placement.id,)).fetchone()
    candidates = []
    if own is not None:
        candidates.append(_evidence(own, "placement"))
    link = matched_link(db, placement)
    if link is not None:
        row = db.execute(
            "SELECT c.checked_at, c.status, c.found, 0, c.anchor, c.nofollow, c.ugc, "
            "c.sponsored, c.detail FROM check_latest AS l JOIN link_checks AS c "
            "ON c.id = l.check_id WHERE l.link_id = ?", (link[0],)).fetchone()
        if row is not None:
            candidates.append(_evidence(row, "link"))
    # Own checks win ties: they also see the link moved to another page of the site.
    return max(candidates, key=lambda e: (e.checked_at, e.source == "placement"), default=None)


def _evidence(row: tuple, source: str) -> Evidence:
    checked_at, status, found, elsewhere, anchor, nofollow, ugc, sponsored, detail = row
    return Evidence(checked_at, status, found or 0, elsewhere or 0, anchor, _bool(nofollow),
                    _bool(ugc), _bool(sponsored), detail or "", source)


def _bool(value: object) -> bool | None:
    return None if value is None else bool(value)


def refresh_statuses(db: sqlite3.Connection, ids: Iterable[int] | None = None, *,
                     today: datetime.date | None = None) -> list[StatusChange]:
    """Recompute the status of the placements (all, or `ids`) and store those that changed,
    with a history row each, in one transaction (a savepoint in the caller's, if any).
    Returns the changes."""
    day = today or datetime.date.today()
    stamp = now()
    changed: list[StatusChange] = []
    with atomic(db):
        for stored in load_placements(db, ids):
            verdict = derive_status(stored.placement, latest_evidence(db, stored.placement), day)
            differences = " ".join(verdict.differences)
            if stored.status_since is not None and (stored.status, " ".join(
                    stored.differences)) == (verdict.status, differences):
                continue
            db.execute("UPDATE placements SET status = ?, differences = ?, status_since = ? "
                       "WHERE id = ?", (verdict.status, differences, stamp, stored.id))
            db.execute("INSERT INTO placement_statuses(placement_id, recorded_at, status, "
                       "differences, detail) VALUES (?, ?, ?, ?, ?)",
                       (stored.id, stamp, verdict.status, differences, verdict.detail))
            changed.append(StatusChange(
                stored.id, stored.placement.page,
                stored.status if stored.status_since is not None else None,
                verdict.status, verdict.differences, verdict.detail))
    return changed


def status_history(db: sqlite3.Connection, placement_id: int) -> list[tuple[str, str, str, str]]:
    """The placement's statuses, oldest first: (recorded_at, status, differences, detail)."""
    return [tuple(row) for row in db.execute(
        "SELECT recorded_at, status, differences, detail FROM placement_statuses "
        "WHERE placement_id = ? ORDER BY id", (placement_id,))]
