"""The verdict library: what the user decided about a domain, remembered across every client.

One SQLite file in the user's data folder (`library_path()`; `LINKDESK_LIBRARY` or a
command's `--library` point elsewhere), separate from the projects. It holds, per domain,
each source's verdict (disavow, keep, review) with its reason and date; a source is a
project (named, or confidential: counted, never named) or an imported list.

    apply_change(db, change)              # marks feed it (core/marks/change.py: record_marks)
    earlier_verdicts(db)                  # {domain: DomainVerdicts}, the project's own left out
    judged_counts(db)                     # {domain: Counts}: per verdict, counted in SQL
    load_judged(db); never_judged_sql("d")   # the tables' Judged before column and filters
    with Library.open() as library:
        all_verdicts(library, "disavow")

This package is the file and what projects read from it; it imports neither marks nor
disavow files (they feed it). Applying earlier verdicts to a project and moving the library
to and from files build on both: core/verdicts. Nothing is ever pushed into a project by
itself, and a library that cannot be read or written never stops a project: callers get a
warning to show once.
"""

from linkdesk.core.library.feed import (
    COPIED,
    ProjectOptions,
    feed_domains,
    project_id,
    project_name,
    project_options,
    record_marks,
    set_project_options,
    sync_project,
)
from linkdesk.core.library.location import ENVIRONMENT, library_path
from linkdesk.core.library.model import (
    LIST,
    PROJECT,
    VERDICTS,
    DomainVerdicts,
    LibraryError,
    LibraryMissing,
    Verdict,
)
from linkdesk.core.library.read import (
    Counts,
    all_verdicts,
    counts_on,
    earlier_verdicts,
    judged_counts,
    verdicts_on,
)
from linkdesk.core.library.store import Library
from linkdesk.core.library.tables import (
    JUDGED_JOIN,
    ensure_judged,
    judged_sql,
    load_judged,
    never_judged_sql,
    read_judged,
    store_judged,
)

__all__ = [
    "COPIED",
    "ENVIRONMENT",
    "JUDGED_JOIN",
    "LIST",
    "PROJECT",
    "VERDICTS",
    "Counts",
    "DomainVerdicts",
    "Library",
    "LibraryError",
    "LibraryMissing",
    "ProjectOptions",
    "Verdict",
    "all_verdicts",
    "counts_on",
    "earlier_verdicts",
    "ensure_judged",
    "feed_domains",
    "judged_counts",
    "judged_sql",
    "library_path",
    "load_judged",
    "never_judged_sql",
    "project_id",
    "project_name",
    "project_options",
    "read_judged",
    "record_marks",
    "set_project_options",
    "store_judged",
    "sync_project",
    "verdicts_on",
]
