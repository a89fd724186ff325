"""The Links table: one row per merged link (`links`), and the filters every table shares."""

from __future__ import annotations

from linkdesk.core.fields import VENDORS, vendor_bit
from linkdesk.core.link_status import LOST_LABELS, live_sql, lost_sql
from linkdesk.core.tables.spec import (
    Clause,
    Column,
    FilterSQL,
    Follow,
    Kind,
    Sort,
    TableSpec,
    search_clause,
)

VENDOR_NAMES = {
    "ahrefs": "Ahrefs",
    "majestic": "Majestic",
    "moz": "Moz",
    "semrush": "Semrush",
    "generic": "Other",
    "gsc": "Google",
}

# The same rule as store.merge.NOFOLLOWISH_SQL (rel nofollow, ugc or sponsored), with the alias.
NOFOLLOWISH = "(coalesce(l.nofollow, 0) + coalesce(l.ugc, 0) + coalesce(l.sponsored, 0)) > 0"
DOFOLLOW = f"(l.placeholder = 0 AND NOT {NOFOLLOWISH})"

# Sorting by anchor reads this index in order; it also covers everything the Anchors table
# groups and filters by, which makes grouping a million links 4x faster (0.7 s, measured).
ANCHOR_ORDER = (
    "l.anchor COLLATE NOCASE", "l.domain", "l.nofollow", "l.ugc", "l.sponsored", "l.placeholder",
    "l.google_seen", "l.status", "l.vendors", "l.first_seen", "l.last_seen",
)

_REL = (
    "CASE WHEN l.placeholder = 1 OR coalesce(l.nofollow, l.ugc, l.sponsored) IS NULL THEN '' "
    f"WHEN NOT {NOFOLLOWISH} THEN 'follow' "
    "ELSE rtrim(CASE WHEN l.nofollow = 1 THEN 'nofollow ' ELSE '' END"
    " || CASE WHEN l.ugc = 1 THEN 'ugc ' ELSE '' END"
    " || CASE WHEN l.sponsored = 1 THEN 'sponsored' ELSE '' END) END"
)
_SEEN_BY = (
    "rtrim("
    + " || ".join(
        f"CASE WHEN l.vendors & {vendor_bit(v)} THEN '{VENDOR_NAMES[v]}, ' ELSE '' END"
        for v in VENDORS
    )
    + " || CASE WHEN l.google_seen = 1 THEN 'Google, ' ELSE '' END, ', ')"
)


def _metric(name: str, title: str, tooltip: str, *, visible: bool = True) -> Column:
    return Column(
        name, title, f"l.{name}", Kind.NUMBER, sortable=True, visible=visible, width=4,
        tooltip=tooltip,
    )


LINK_COLUMNS: tuple[Column, ...] = (
    # Ties on a source URL are broken by the target's id: (source URL, target id) is the
    # unique, indexed identity of a link (schema migration 12).
    Column("source_url", "Source URL", "l.source_url", Kind.URL, sortable=True,
           order=("l.source_url", "l.target_id"), width=44),
    # The source URL shows the domain already; the column is there to sort by it.
    Column("domain", "Domain", "l.domain", sortable=True, width=16, visible=False,
           tooltip="Referring domain"),
    Column("anchor", "Anchor", "l.anchor", sortable=True, order=ANCHOR_ORDER, width=22,
           blank="(no anchor text)"),
    # Sorted through the few target URLs (`link_targets`, in text order) and an index of the
    # links' target ids: 9 MB at a million links where an index of the text took 39 MB.
    Column("target_url", "Target URL", "l.target_url", Kind.URL, sortable=True,
           order=("lt.url",), join="target", width=26),
    Column("rel", "Rel", _REL, width=9, tooltip="follow, nofollow, ugc or sponsored"),
    _metric("domain_rating", "DR", "Ahrefs Domain Rating of the source"),
    _metric("url_rating", "UR", "Ahrefs URL Rating of the source page"),
    _metric("trust_flow", "TF", "Majestic Trust Flow of the source"),
    _metric("citation_flow", "CF", "Majestic Citation Flow of the source", visible=False),
    _metric("domain_authority", "DA", "Moz Domain Authority of the source"),
    _metric("page_authority", "PA", "Moz Page Authority of the source", visible=False),
    _metric("page_ascore", "AS", "Semrush Authority Score of the source page"),
    _metric("spam_score", "Spam", "Moz Spam Score of the source, percent", visible=False),
    Column("first_seen", "First seen", "l.first_seen", Kind.DATE, sortable=True, width=10),
    Column("last_seen", "Last seen", "l.last_seen", Kind.DATE, sortable=True, width=10),
    Column("lost", "Lost", lost_sql("l"), Kind.BOOL, width=4,
           tooltip="Gone: a tool reports it lost or no tool lists it any more, or a live "
                   "check found it gone"),
    Column("lost_how", "Lost how", "l.status", Kind.LABEL, width=14, visible=False,
           labels=LOST_LABELS, tooltip="Why the link counts as lost (docs/changes.md)"),
    Column("google_seen", "Google", "l.google_seen", Kind.BOOL, width=5,
           tooltip="Search Console lists the source page"),
    Column("seen_by", "Seen by", _SEEN_BY, width=24, tooltip="Tools that report this link"),
    Column("reports", "Reports", "l.observation_count", Kind.NUMBER, width=6, visible=False,
           tooltip="Rows of imported exports that report this link"),
    Column("title", "Page title", "l.title", visible=False, width=30),
    Column("http_code", "HTTP", "l.http_code", Kind.NUMBER, visible=False, width=5),
    Column("page_traffic", "Page traffic", "l.page_traffic", Kind.NUMBER, visible=False),
    Column("domain_traffic", "Domain traffic", "l.domain_traffic", Kind.NUMBER, visible=False),
)


# -- filters over links (the anchors table applies them before aggregating) -------------------


def search_links(text: str) -> Clause:
    """URL, title or anchor contains `text`.

    The domain is not searched on its own: it is part of the source URL (checked by the tests),
    and each LIKE costs a tenth of a second over a million links.
    """
    return search_clause(("l.source_url", "l.title", "l.anchor"), text)


def follow_links(value: Follow) -> Clause:
    """Dofollow links, or links that are nofollow, ugc or sponsored."""
    return Clause(DOFOLLOW if Follow(value) is Follow.DOFOLLOW else NOFOLLOWISH)


def vendor_links(vendor: str) -> Clause:
    """Links a vendor reports ("gsc": links from pages Search Console lists)."""
    if vendor == "gsc":
        return Clause("l.google_seen = 1")
    if vendor not in VENDORS:
        raise ValueError(f"unknown vendor {vendor!r}")
    return Clause(f"(l.vendors & {vendor_bit(vendor)}) <> 0")


def google_seen_links(seen: bool) -> Clause:
    """Links from pages Search Console lists, or the others."""
    return Clause("l.google_seen = 1" if seen else "l.google_seen = 0")


def lost_links(lost: bool) -> Clause:
    """Links lost now (a tool reports them lost or lists them no more, or a live check found
    them gone: core/timeline/status.py, as `linkdesk changes` says), or the live ones."""
    return Clause(lost_sql("l") if lost else live_sql("l"))


LINK_FILTERS: dict[str, FilterSQL] = {
    "search": search_links,
    "follow": follow_links,
    "vendor": vendor_links,
    "google_seen": google_seen_links,
    "lost": lost_links,
}

LINKS = TableSpec(
    name="links",
    title="Links",
    source="links AS l",
    id_sql="l.id",
    columns=LINK_COLUMNS,
    filters=LINK_FILTERS,
    default_sort=Sort("domain_rating", descending=True),
    joins={"target": "JOIN link_targets AS lt ON lt.id = l.target_id"},
)
