"""The Referring domains table: one row per domain (`referring_domains`, rebuilt on import)."""

from __future__ import annotations

from linkdesk.core.tables.links import vendor_links
from linkdesk.core.tables.spec import Clause, Column, Follow, Kind, Sort, TableSpec, search_clause


def _number(name: str, title: str, tooltip: str = "", *, visible: bool = True,
            sql: str | None = None, sortable: bool = True) -> Column:
    return Column(name, title, sql or f"d.{name}", Kind.NUMBER, sortable=sortable,
                  visible=visible, width=6, tooltip=tooltip)


DOMAIN_COLUMNS: tuple[Column, ...] = (
    Column("domain", "Domain", "d.domain", sortable=True, width=36),
    _number("links", "Links", "Links from this domain"),
    _number("dofollow_links", "Dofollow", "Links without nofollow, ugc or sponsored"),
    Column("dofollow_share", "Dofollow %",
           "CASE WHEN d.links > 0 THEN 100.0 * d.dofollow_links / d.links END",
           Kind.PERCENT, width=7, tooltip="Share of this domain's links that are dofollow"),
    _number("hosts", "Hosts", "Distinct host names (www., blog., …) linking"),
    _number("lost_links", "Lost", "Links gone: reported lost, no longer listed by any tool, or "
            "found gone by a live check"),
    Column("google_seen", "Google", "d.google_seen", Kind.BOOL, width=6,
           tooltip="Search Console lists this domain or one of its pages"),
    _number("google_linking_pages", "Google pages",
            "Linking pages Search Console counts for this domain", visible=False,
            sortable=False),
    _number("domain_rating", "DR", "Ahrefs Domain Rating"),
    _number("trust_flow", "TF", "Majestic Trust Flow (best of its pages)"),
    _number("citation_flow", "CF", "Majestic Citation Flow (best of its pages)", visible=False,
            sortable=False),
    _number("domain_authority", "DA", "Moz Domain Authority"),
    # Not kept per domain: the best of its links' (a lookup on the links_domain index per
    # row shown), so it cannot sort.
    _number("page_ascore", "AS", "Semrush Authority Score (best of its pages)", sortable=False,
            sql="(SELECT max(l.page_ascore) FROM links AS l WHERE l.domain = d.domain)"),
    _number("spam_score", "Spam", "Moz Spam Score, percent", visible=False, sortable=False),
    Column("first_seen", "First seen", "d.first_seen", Kind.DATE, sortable=True, width=10),
    Column("last_seen", "Last seen", "d.last_seen", Kind.DATE, sortable=True, width=10),
)


def search_domains(text: str) -> Clause:
    """The domain name contains `text`."""
    return search_clause(("d.domain",), text)


def follow_domains(value: Follow) -> Clause:
    """Domains with at least one dofollow link, or with at least one link that is not."""
    if Follow(value) is Follow.DOFOLLOW:
        return Clause("d.dofollow_links > 0")
    return Clause("d.links > d.dofollow_links")


def vendor_domains(vendor: str) -> Clause:
    """Domains with a link the vendor reports (served by the index on links.domain)."""
    if vendor == "gsc":
        return Clause("d.google_seen = 1")
    inner = vendor_links(vendor)
    return Clause(f"EXISTS (SELECT 1 FROM links AS l WHERE l.domain = d.domain AND {inner.sql})",
                  inner.params)


def google_seen_domains(seen: bool) -> Clause:
    """Domains Search Console knows, or the others."""
    return Clause("d.google_seen = 1" if seen else "d.google_seen = 0")


def lost_domains(lost: bool) -> Clause:
    """Domains with a lost link, or with none lost."""
    return Clause("d.lost_links > 0" if lost else "d.lost_links = 0")


DOMAINS = TableSpec(
    name="domains",
    title="Referring domains",
    source="referring_domains AS d",
    id_sql="d.rowid",
    columns=DOMAIN_COLUMNS,
    filters={
        "search": search_domains,
        "follow": follow_domains,
        "vendor": vendor_domains,
        "google_seen": google_seen_domains,
        "lost": lost_domains,
    },
    default_sort=Sort("links", descending=True),
)
