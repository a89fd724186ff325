"""Using the verdict library: applying earlier verdicts to a project, and moving the library
to and from files (CSV, disavow files, spreadsheet columns).

    plan = plan_apply(db)                 # preview: plan.rows, plan.counts, plan.project_wins
    apply_change(db, plan.change)         # one undo step; revert_change undoes it
    export_csv(library, "verdicts.csv"); import_file(library, "disavow.txt", verdict="disavow")

Builds on core/library (the file), core/marks (planning marks, checking typed domains) and
core/disavow (reading disavow files); none of them imports this package.
"""

from linkdesk.core.verdicts.apply import ApplyPlan, ApplyRow, mark_reason, plan_apply
from linkdesk.core.verdicts.transfer import (
    COLUMNS,
    ImportReport,
    Skipped,
    export_csv,
    import_file,
)

__all__ = [
    "COLUMNS",
    "ApplyPlan",
    "ApplyRow",
    "ImportReport",
    "Skipped",
    "export_csv",
    "import_file",
    "mark_reason",
    "plan_apply",
]
