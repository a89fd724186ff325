"""A link's status (`links.status`, the table's Lost column) in words, with what says so.

    "Live"
    "No longer reported since 2026-11-20 (Ahrefs' export of 2026-11-20 no longer lists it)"
    "Lost (vendor: Ahrefs, 2026-11-03)"
    "Gone (live check 2026-11-26: Missing)"

The status itself is the stored one (core/timeline/status.py works it out for every link at
once); this reads only what one link's reasons need: each vendor's last export listing it and
that vendor's next export of the same target site (docs/changes.md, "When is a link no
longer reported?"), or its latest live check.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from urllib.parse import urlsplit

from linkdesk.core.checker.model import PAGE_ERROR
from linkdesk.core.link_status import GONE_LIVE, NOT_REPORTED, VENDOR_LOST
from linkdesk.core.tables.checks import STATUS_TITLES
from linkdesk.core.tables.links import VENDOR_NAMES
from linkdesk.core.urls import registered_domains


@dataclass(frozen=True)
class VendorReport:
    """What one vendor last said of a link."""

    vendor: str
    last_listed: str  # the as-of day of its latest export listing the link
    lost: bool  # that export lists it lost
    lost_at: str  # the day it gives for the loss ("" when none)
    dropped_in: str  # the as-of day of its next export of the site without it ("" if none)


def status_text(db: sqlite3.Connection, link_id: int, status: int) -> str:
    """The link's status in words, consistent with the Links table's Lost column."""
    if status == GONE_LIVE:
        return _gone_text(db, link_id)
    if status not in (NOT_REPORTED, VENDOR_LOST):
        return "Live"
    reports = vendor_reports(db, link_id)
    if status == VENDOR_LOST:
        lost = [r for r in reports if r.lost and not r.dropped_in]
        if not lost:
            return "Lost (reported lost by a vendor)"
        noun = "vendor" if len(lost) == 1 else "vendors"
        return f"Lost ({noun}: " + "; ".join(
            f"{VENDOR_NAMES.get(r.vendor, r.vendor)}, {r.lost_at or r.last_listed}"
            for r in lost) + ")"
    dropped = sorted((r for r in reports if r.dropped_in), key=lambda r: r.dropped_in)
    if not dropped:
        return "No longer reported"
    exports = [f"{_possessive(VENDOR_NAMES.get(r.vendor, r.vendor))} export of {r.dropped_in}"
               for r in dropped]
    verb = "lists" if len(exports) == 1 else "list"
    return (f"No longer reported since {dropped[-1].dropped_in} "
            f"({' and '.join(exports)} no longer {verb} it)")


def vendor_reports(db: sqlite3.Connection, link_id: int) -> list[VendorReport]:
    """Each vendor (not Search Console) that reported the link: its latest export listing
    it, and its next export of the link's target site, if any, that does not."""
    site_targets: list[int] | None = None
    reports = []
    for vendor, last_listed, lost, lost_at in db.execute(
        "SELECT vendor, as_of, lost, lost_at FROM (SELECT i.vendor, i.as_of, o.lost, o.lost_at, "
        "row_number() OVER (PARTITION BY i.vendor ORDER BY i.as_of DESC, o.id DESC) AS n "
        "FROM observation_fields AS o JOIN imports AS i ON i.id = o.import_id "
        "WHERE o.link_id = ? AND i.vendor <> 'gsc' AND i.as_of IS NOT NULL) WHERE n = 1 "
        "ORDER BY vendor", (link_id,)
    ):
        if site_targets is None:
            site_targets = _site_targets(db, link_id)
        reports.append(VendorReport(vendor, last_listed, bool(lost), str(lost_at or "")[:10],
                                    _dropped_in(db, vendor, last_listed, site_targets)))
    return reports


def _dropped_in(db: sqlite3.Connection, vendor: str, after: str, targets: list[int]) -> str:
    """The as-of day of the vendor's first export after `after` that covers the site (lists
    a link to one of `targets`); "" when there is none. Each candidate export is read only
    up to its first link to the site: the first row, for a project of one site."""
    listed = ",".join(str(int(t)) for t in targets) or "NULL"
    for day, first, last in db.execute(
        "SELECT as_of, min(first_observation_id), max(last_observation_id) FROM imports "
        "WHERE vendor = ? AND as_of > ? GROUP BY as_of ORDER BY as_of", (vendor, after)
    ).fetchall():
        covers = db.execute(
            f"SELECT 1 FROM observations AS o JOIN imports AS i ON i.id = o.import_id "
            f"JOIN links AS l ON l.id = o.link_id "
            f"WHERE o.id BETWEEN coalesce(?, 0) AND coalesce(?, {2**62}) "
            f"AND i.vendor = ? AND i.as_of = ? AND l.target_id IN ({listed}) LIMIT 1",
            (first, last, vendor, day)).fetchone()
        if covers:
            return str(day)
    return ""


def _site_targets(db: sqlite3.Connection, link_id: int) -> list[int]:
    """The ids of the target URLs on the same site as the link's (timeline/sites.py)."""
    targets = db.execute("SELECT id, url FROM link_targets").fetchall()
    own = db.execute("SELECT target_id FROM links WHERE id = ?", (link_id,)).fetchone()
    sites = dict(zip((t[0] for t in targets),
                     registered_domains(_host(t[1]) for t in targets), strict=True))
    site = sites.get(own[0] if own else None)
    return [target for target, name in sites.items() if site is not None and name == site]


def _host(url: object) -> str:
    try:
        return (urlsplit(url).hostname or "") if isinstance(url, str) else ""
    except ValueError:
        return ""


def _gone_text(db: sqlite3.Connection, link_id: int) -> str:
    row = db.execute(
        "SELECT c.checked_at, c.status, c.http_code FROM check_latest AS k "
        "JOIN link_checks AS c ON c.id = k.check_id WHERE k.link_id = ?", (link_id,)
    ).fetchone()
    if row is None:
        return "Gone (live check)"
    title = STATUS_TITLES.get(row[1], row[1])
    if row[2] is not None and row[1] == PAGE_ERROR:  # "Page error 404", as the Check column
        title += f" {row[2]}"
    return f"Gone (live check {str(row[0])[:10]}: {title})"


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"  # Ahrefs', Semrush's
