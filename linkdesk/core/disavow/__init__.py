"""Google disavow files: read the client's file, check any file, write a new one.

    import_disavow(db, path)           store the client's file; marks what marks can hold
    validate_file(path)                every problem with its line; `.rejected`
    plan_disavow(db, project_name=…)   entries, warnings, diff, errors; writes nothing
    write_disavow(db, plan, path, confirmed=…)
    plan_withdrawal(db, [("domain", "blog.example.com")])   take back an imported entry
    platforms(db) / set_platforms(db, names)   the big platforms that raise a warning

The rules are in docs/disavow.md. Nothing here imports Qt.
"""

from linkdesk.core.disavow.parse import DisavowFile, Entry, parse_disavow
from linkdesk.core.disavow.plan import DisavowWarning, PlannedEntry
from linkdesk.core.disavow.platforms import BUILTIN_PLATFORMS, platforms, set_platforms
from linkdesk.core.disavow.store import (
    Coverage,
    DisavowError,
    ImportReport,
    carried_entries,
    coverage,
    import_disavow,
    last_file,
    plan_withdrawal,
)
from linkdesk.core.disavow.validate import (
    Problem,
    ValidationReport,
    validate_disavow,
    validate_file,
)
from linkdesk.core.disavow.write import DisavowDiff, DisavowPlan, plan_disavow, write_disavow

__all__ = [
    "BUILTIN_PLATFORMS",
    "Coverage",
    "DisavowDiff",
    "DisavowError",
    "DisavowFile",
    "DisavowPlan",
    "DisavowWarning",
    "Entry",
    "ImportReport",
    "PlannedEntry",
    "Problem",
    "ValidationReport",
    "carried_entries",
    "coverage",
    "import_disavow",
    "last_file",
    "parse_disavow",
    "plan_disavow",
    "plan_withdrawal",
    "platforms",
    "set_platforms",
    "validate_disavow",
    "validate_file",
    "write_disavow",
]
