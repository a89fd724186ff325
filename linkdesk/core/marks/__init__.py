"""Marks on links and referring domains: disavow, keep (whitelist) or review, with a reason.

    change = plan_marks(db, targets_from_ids(db, "domains", ids), MarkKind.DISAVOW, "spam")
    preview(db, change)            # what would change: counts and a sample
    apply_change(db, change)       # QUndoCommand.redo
    revert_change(db, change)      # QUndoCommand.undo

A link's effective mark is its own, else its domain's; a keep on the domain wins over the
link's disavow unless that disavow is forced. Marks never change links (scores stay valid).
"""

from linkdesk.core.marks.bulk import (
    Preview,
    Rule,
    Target,
    domains_of_links,
    mark,
    plan_marks,
    preview,
    targets_by_rule,
    targets_from_ids,
)
from linkdesk.core.marks.change import MarkChange, RowEdit, apply_change, revert_change
from linkdesk.core.marks.model import (
    Mark,
    MarkKind,
    MarksError,
    domain_key,
    now_iso,
    typed_domain,
)
from linkdesk.core.marks.store import (
    EffectiveMark,
    all_marks,
    domain_marks,
    domains_without_links,
    effective_link_marks,
    link_marks,
    mark_counts,
    plan_domain_marks,
    plan_link_marks,
)

__all__ = [
    "EffectiveMark",
    "Mark",
    "MarkChange",
    "MarkKind",
    "MarksError",
    "Preview",
    "RowEdit",
    "Rule",
    "Target",
    "all_marks",
    "apply_change",
    "domain_key",
    "domain_marks",
    "domains_of_links",
    "domains_without_links",
    "effective_link_marks",
    "link_marks",
    "mark",
    "mark_counts",
    "now_iso",
    "plan_domain_marks",
    "plan_link_marks",
    "plan_marks",
    "preview",
    "revert_change",
    "targets_by_rule",
    "targets_from_ids",
    "typed_domain",
]
