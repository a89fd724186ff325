"""The Placements table: the ledger of placed links, declared like the other tables.

One row per placement (`placements`, schema v7) with its agreed terms, its current status
(stored by core/placements/status.py, so it sorts and filters by index), whether a vendor
has reported it yet, and its referring domain's quality and band (`domain_scores`, when the
domain is in the project's links and scored). The columns carry the CSV import's field
names, so `linkdesk placements export` writes a file `import` reads back.
"""

from __future__ import annotations

from linkdesk.core.fields import VENDORS
from linkdesk.core.placements.model import STATUSES
from linkdesk.core.placements.rows import DOMAIN_LINKS_SQL
from linkdesk.core.scoring.model import BANDS
from linkdesk.core.tables.spec import Clause, Column, Kind, Sort, TableSpec, search_clause

BAND_LABELS = {index: band.capitalize() for index, band in enumerate(BANDS)}
# The vendors that report the link: NULL (no vendor yet) or links.vendors bits. A placement
# known only by its domain: the bits of every link from its host (or the whole registered
# domain, when that was typed) to the target, or'ed.
_DOMAIN_LINKS = f"FROM links AS l WHERE {DOMAIN_LINKS_SQL}"
_VENDORS_SQL = (
    "(CASE WHEN p.source_url <> '' THEN (SELECT l.vendors FROM links AS l "
    "WHERE l.source_url = p.source_url AND l.target_url = p.target_url) "
    "ELSE (SELECT " + " | ".join(f"max(l.vendors & {1 << i})" for i in range(len(VENDORS)))
    + f" {_DOMAIN_LINKS}) END)"
)
# Known only by its domain: the page of the one link from its host to the target (none
# when there are several). Offered to the user, never written into the placement.
_FOUND_PAGE_SQL = (
    "(CASE WHEN p.source_url = '' THEN (SELECT CASE WHEN count(*) = 1 THEN max(l.source_url) "
    f"END {_DOMAIN_LINKS}) END)"
)


def search_placements(text: str) -> Clause:
    """Rows whose page, target, anchor, contact, notes or tag holds `text`."""
    return search_clause(("p.source_url", "p.host", "p.domain", "p.target_url", "p.anchor",
                          "p.contact", "p.notes", "p.tag"), text)


def status_filter(value: str) -> Clause:
    """Rows with this status (live, changed, missing, gone, unchecked, expired)."""
    if value not in STATUSES:
        raise ValueError(f"unknown placement status {value!r}")
    return Clause("p.status = ?", (value,))


def band_filter(value: int) -> Clause:
    """Rows whose referring domain has this band (0 risky .. 3 strong)."""
    return Clause("ds.band = ?", (int(value),), joins=("scores",))


PLACEMENTS = TableSpec(
    name="placements",
    title="Placements",
    source="placements AS p",
    id_sql="p.id",
    columns=(
        Column("id", "Id", "p.id", Kind.NUMBER, sortable=True, width=5, visible=False),
        Column("source_url", "Page", "coalesce(nullif(p.source_url, ''), nullif(p.host, ''), "
               "p.domain)", Kind.URL, width=40, tooltip="The page the link is on (or the "
               "domain typed, until the page is known)"),
        Column("target_url", "Target URL", "p.target_url", Kind.URL, width=30),
        Column("anchor", "Anchor", "p.anchor", width=20, blank="(any anchor)"),
        Column("rel", "Rel", "p.rel", width=9),
        Column("placed_on", "Placed", "p.placed_on", Kind.DATE, sortable=True,
               order=("p.placed_on", "p.id"), width=11),
        Column("expires_on", "Expires", "p.expires_on", Kind.DATE, sortable=True,
               order=("p.expires_on", "p.id"), width=11),
        Column("price", "Price", "p.price", Kind.NUMBER, width=9, decimals=2),  # money: cents
        Column("currency", "Currency", "p.currency", width=5),
        Column("type", "Type", "p.type", width=10),
        Column("contact", "Contact", "p.contact", width=16),
        Column("notes", "Notes", "p.notes", width=24, visible=False),
        Column("tag", "Tag", "p.tag", width=10),
        Column("status", "Status", "p.status", sortable=True, order=("p.status", "p.id"),
               width=10, tooltip="live, changed, missing, gone, unchecked or expired"),
        Column("differences", "Differs in", "p.differences", width=14,
               tooltip="What differs from the agreement: rel, anchor, target"),
        Column("status_since", "Status since", "substr(p.status_since, 1, 10)", Kind.DATE,
               width=10, visible=False),
        Column("vendors", "Vendors", _VENDORS_SQL, Kind.NUMBER, width=6, visible=False,
               unknown="not yet in any export",
               tooltip="Which vendors' exports have the link (bits as links.vendors)"),
        Column("found_page", "Found on", _FOUND_PAGE_SQL, Kind.URL, width=30,
               tooltip="For a placement known only by its domain: the page the vendors' "
               "exports show linking to the target, when there is exactly one"),
        Column("quality", "Quality", "ds.quality", Kind.NUMBER, join="scores", width=7,
               decimals=0),
        Column("band", "Band", "ds.band", Kind.LABEL, join="scores", width=8,
               labels=BAND_LABELS),
    ),
    # `check` (Filters.check): the placement status, as the Links table filters its check.
    filters={"search": search_placements, "check": status_filter, "band": band_filter},
    default_sort=Sort("id"),
    joins={"scores": "LEFT JOIN domain_scores AS ds ON ds.domain = p.domain"},
)
