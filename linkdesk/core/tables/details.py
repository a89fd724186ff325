"""What the details panel shows for one link or referring domain.

Every vendor's observation of the link side by side with the merged values, so a user can
see where a value came from. Values are returned raw; the UI formats them (as plain text).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from linkdesk.core.fields import FIELDS, VENDORS, vendor_bit
from linkdesk.core.tables.links import VENDOR_NAMES
from linkdesk.core.tables.status_words import status_text

# Field labels, in the order the panel lists them.
FIELD_LABELS: dict[str, str] = {
    "anchor": "Anchor text",
    "title": "Page title",
    "language": "Language",
    "nofollow": "Nofollow",
    "ugc": "UGC",
    "sponsored": "Sponsored",
    "image": "Image link",
    "redirect": "Redirect",
    "frame": "In a frame",
    "form": "In a form",
    "sitewide": "Sitewide",
    # What the tools said: the link's own status (the Lost column) is `LinkDetails.status`.
    "lost": "Reported lost by the tool",
    "lost_at": "Reported lost on",
    "is_spam": "Marked spam by the tool",
    "first_seen": "First seen",
    "last_seen": "Last seen",
    "http_code": "HTTP status",
    "domain_rating": "Domain Rating (Ahrefs)",
    "url_rating": "URL Rating (Ahrefs)",
    "trust_flow": "Trust Flow (Majestic)",
    "citation_flow": "Citation Flow (Majestic)",
    "domain_authority": "Domain Authority (Moz)",
    "page_authority": "Page Authority (Moz)",
    "page_ascore": "Authority Score (Semrush)",
    "spam_score": "Spam Score (Moz)",
    "toxicity": "Toxicity (Semrush)",
    "domain_traffic": "Domain traffic",
    "page_traffic": "Page traffic",
    "external_links": "External links on the page",
    "internal_links": "Internal links on the page",
}
BOOL_FIELDS = frozenset(
    name for name, (_, _, sql_type) in FIELDS.items()
    if sql_type == "INTEGER" and name not in ("http_code", "external_links", "internal_links")
)
DATE_FIELDS = frozenset(("first_seen", "last_seen", "lost_at"))


@dataclass(frozen=True)
class Observation:
    """One row of one imported export that reports the link."""

    vendor: str
    vendor_name: str
    file_name: str
    imported_at: str
    line_no: int
    values: dict[str, Any]  # field -> value, blanks left out


@dataclass(frozen=True)
class LinkDetails:
    """A merged link and every observation behind it."""

    id: int
    source_url: str
    target_url: str
    domain: str
    source_host: str
    google_seen: bool
    placeholder: bool  # made from a Search Console page alone
    google_last_crawled: str | None
    values: dict[str, Any]  # merged field -> value, blanks left out
    observations: list[Observation] = field(default_factory=list)
    # Its status as the Links table's Lost column has it, in words ("Live", "No longer
    # reported since ..."); the vendors' own lost flags stay in `values` and `observations`.
    status: str = ""


@dataclass(frozen=True)
class DomainDetails:
    """A referring domain's counts and metrics, and its links per tool."""

    domain: str
    values: dict[str, Any]
    links_by_vendor: dict[str, int]


def link_details(db: sqlite3.Connection, link_id: int) -> LinkDetails | None:
    """The details of a link, or None if it no longer exists."""
    names = list(FIELDS)
    row = db.execute(
        f"SELECT source_url, target_url, domain, source_host, google_seen, placeholder, "
        f"status, {', '.join(names)} FROM links WHERE id = ?",
        (link_id,),
    ).fetchone()
    if row is None:
        return None
    crawled = db.execute(
        "SELECT last_crawled FROM google_pages WHERE source_url = ?", (row[0],)
    ).fetchone()
    observations = [
        Observation(
            vendor=obs[0],
            vendor_name=VENDOR_NAMES.get(obs[0], obs[0]),
            file_name=obs[1] or "",
            imported_at=obs[2] or "",
            line_no=obs[3],
            values=_present(names, obs[4:]),
        )
        for obs in db.execute(
            f"SELECT o.vendor, i.file_name, i.imported_at, o.line_no, "
            f"{', '.join('o.' + name for name in names)} "
            f"FROM observation_fields AS o LEFT JOIN imports AS i ON i.id = o.import_id "
            f"WHERE o.link_id = ? ORDER BY o.import_id, o.line_no",
            (link_id,),
        )
    ]
    return LinkDetails(
        id=link_id,
        source_url=row[0],
        target_url=row[1],
        domain=row[2],
        source_host=row[3],
        google_seen=bool(row[4]),
        placeholder=bool(row[5]),
        google_last_crawled=crawled[0] if crawled else None,
        values=_present(names, row[7:]),
        observations=observations,
        status=status_text(db, link_id, row[6]),
    )


_DOMAIN_VALUES = (
    "links", "hosts", "dofollow_links", "lost_links", "google_seen", "google_linking_pages",
    "first_seen", "last_seen", "domain_rating", "trust_flow", "citation_flow",
    "domain_authority", "spam_score",
)


def domain_details(db: sqlite3.Connection, domain_id: int) -> DomainDetails | None:
    """The details of a referring domain (by its row id in the table), or None."""
    row = db.execute(
        f"SELECT domain, {', '.join(_DOMAIN_VALUES)} FROM referring_domains WHERE rowid = ?",
        (domain_id,),
    ).fetchone()
    if row is None:
        return None
    by_vendor: dict[str, int] = {}
    sums = ", ".join(f"coalesce(sum((vendors & {vendor_bit(v)}) <> 0), 0)" for v in VENDORS)
    counts = db.execute(
        f"SELECT {sums}, coalesce(sum(google_seen), 0) FROM links WHERE domain = ?", (row[0],)
    ).fetchone()
    for vendor, count in zip((*VENDORS, "gsc"), counts, strict=True):
        if count:
            by_vendor[VENDOR_NAMES[vendor]] = count
    return DomainDetails(row[0], _present(list(_DOMAIN_VALUES), row[1:]), by_vendor)


def _present(names: list[str], values: tuple[Any, ...]) -> dict[str, Any]:
    return {name: value for name, value in zip(names, values, strict=True)
            if value is not None and value != ""}
