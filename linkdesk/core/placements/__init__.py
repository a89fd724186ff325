"""The ledger of placements: links the freelancer built or bought, checked against the web.

    parse_placement(PlacementInput) -> Placement              check what a user typed (model)
    plan_add / plan_edit / plan_delete -> PlacementChange     undoable edits (store)
    apply_change / revert_change                              write them, refresh statuses
    load_placements(db, ids=None) -> [StoredPlacement]        with status and differences
    read_table / import_placements                            CSV and pasted rows (csvio)
    check_placements(project, ids=None, ...)                  live check, what changed (check)
    refresh_statuses, derive_status, status_history,
    matched_link, found_in, vendor_names                      (status)
    expiring(db, within_days=14) / changes_since(db, since)   for the opening notice (notice)
    placement_values / totals                                 quality, band, spend (value)

The table the window shows is core/tables/placements.py; its CSV export is
core/exports/placements.py. See docs/placements.md. No Qt here.
`check_placements` (the HTTP stack) is imported on first use, as `check_links` is.
"""

from typing import Any

from linkdesk.core.placements.csvio import (
    ImportResult,
    PlacementImportCancelled,
    PlacementImportError,
    ReadRows,
    UnknownHeader,
    add_read,
    guess_mapping,
    import_placements,
    read_table,
)
from linkdesk.core.placements.model import (
    RELS,
    STATUSES,
    TYPES,
    Placement,
    PlacementError,
    PlacementInput,
    parse_placement,
)
from linkdesk.core.placements.notice import changes_since, expiring
from linkdesk.core.placements.rows import StoredPlacement, load_placements
from linkdesk.core.placements.status import (
    Evidence,
    StatusChange,
    Verdict,
    derive_status,
    domain_links,
    found_in,
    matched_link,
    refresh_statuses,
    status_history,
    vendor_names,
)
from linkdesk.core.placements.store import (
    PlacementChange,
    apply_change,
    plan_add,
    plan_delete,
    plan_edit,
    revert_change,
)
from linkdesk.core.placements.value import PlacementValue, Totals, placement_values, totals

__all__ = [
    "RELS",
    "STATUSES",
    "TYPES",
    "Evidence",
    "ImportResult",
    "Placement",
    "PlacementChange",
    "PlacementError",
    "PlacementImportCancelled",
    "PlacementImportError",
    "PlacementInput",
    "PlacementValue",
    "ReadRows",
    "StatusChange",
    "StoredPlacement",
    "Totals",
    "UnknownHeader",
    "Verdict",
    "add_read",
    "apply_change",
    "changes_since",
    "check_placements",
    "derive_status",
    "domain_links",
    "expiring",
    "found_in",
    "guess_mapping",
    "import_placements",
    "load_placements",
    "matched_link",
    "parse_placement",
    "placement_values",
    "plan_add",
    "plan_delete",
    "plan_edit",
    "read_table",
    "refresh_statuses",
    "revert_change",
    "status_history",
    "totals",
    "vendor_names",
]

_LAZY = {"check_placements"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from linkdesk.core.placements import check

        return getattr(check, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
