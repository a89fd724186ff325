"""Re-check backlinks live: does each source page still link to the client's site, and how?

    check_links(path_or_project, link_ids=None, *, limit=None, concurrency=None,
                progress=None, cancelled=None)          fetch, classify, store (engine.py)
    changes(db, run_id=None)                            what changed since the previous check
    latest_check(db, link_id) / check_history(db, link_id)   for the details panel
    check_stats(db)                                     `checked_links` and `check_status`

Modules: `selection` (which links, grouped by page), `hosts` (fair per-host slots), `fetch`
(one page: redirects, retries, cap), `errors`, `parse` (links and robots rules), `classify`
(a link's status), `store` (history tables), `engine`. Statuses and politeness rules are
documented in docs/checking.md. Nothing here imports Qt.

`check_links` is imported on first use: `linkdesk stats` (and the window) read the check
tables through `store` without loading the HTTP stack and the parser.
"""

from typing import Any

from linkdesk.core.checker.model import (
    BLOCKED,
    DEFAULT_CONCURRENCY,
    DNS_ERROR,
    LIVE,
    MISSING,
    PAGE_ERROR,
    REDIRECTED,
    STATUSES,
    TIMEOUT,
    TRANSPORTS,
    USER_AGENT,
    CheckOptions,
    CheckProgress,
    CheckSummary,
    LinkCheck,
)
from linkdesk.core.checker.selection import link_ids_of_domains, marked_link_ids
from linkdesk.core.checker.store import (
    Change,
    StoredCheck,
    changes,
    check_history,
    check_stats,
    latest_check,
    rel_label,
)

__all__ = [
    "BLOCKED",
    "DEFAULT_CONCURRENCY",
    "DNS_ERROR",
    "LIVE",
    "MISSING",
    "PAGE_ERROR",
    "REDIRECTED",
    "STATUSES",
    "TIMEOUT",
    "TRANSPORTS",
    "USER_AGENT",
    "Change",
    "CheckOptions",
    "CheckProgress",
    "CheckSummary",
    "LinkCheck",
    "StoredCheck",
    "changes",
    "check_history",
    "check_links",
    "check_stats",
    "latest_check",
    "link_ids_of_domains",
    "marked_link_ids",
    "rel_label",
]


def __getattr__(name: str) -> Any:
    if name == "check_links":
        from linkdesk.core.checker.engine import check_links

        return check_links
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
