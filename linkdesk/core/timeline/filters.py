"""The tables' since-review filters: New, Changed, Lost since the last review, Not yet judged.

    spec = with_since_review(with_marks(LINKS))        # or DOMAINS
    TableQuery(db, spec, Filters(since_review="new")).ordered_ids()

"new", "changed" and "lost" are the changes since the last review (changes.py), computed on
the connection when a query first needs them and again whenever the project changed (an
import, a live check, a review, a re-score): the spec's `prepare` does that. "unjudged" is
plain SQL: rows without a mark that arrived after the last review (every row before the
first review).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace

from linkdesk.core.tables.spec import Clause, Filters, TableSpec, once_per_request
from linkdesk.core.timeline.changes import Changes, cached_changes
from linkdesk.core.timeline.points import now, since_point

SINCE_REVIEW = ("new", "changed", "lost", "unjudged")
SINCE_REVIEW_TITLES = {"new": "New since last review", "changed": "Changed since last review",
                       "lost": "Lost since last review", "unjudged": "Not yet judged"}
_COMPUTED = ("new", "changed", "lost")
# The last review's last link id: links above it arrived after the review (0: no review).
_REVIEWED_UP_TO = "(SELECT coalesce((SELECT last_link_id FROM reviews ORDER BY id DESC " \
                  "LIMIT 1), 0))"


def _check(value: str) -> str:
    if value not in SINCE_REVIEW:
        raise ValueError(f"unknown since-review filter {value!r}; one of {SINCE_REVIEW}")
    return value


def since_review_links(value: str) -> Clause:
    """Links new, changed or lost since the last review, or not yet judged."""
    if _check(value) in _COMPUTED:
        return Clause("l.id IN (SELECT link_id FROM temp.tl_changes WHERE kind = ?)", (value,))
    return Clause(
        f"l.id > {_REVIEWED_UP_TO} AND NOT EXISTS (SELECT 1 FROM link_marks AS m "
        "WHERE m.source_url = l.source_url AND m.target_url = l.target_url) "
        "AND NOT EXISTS (SELECT 1 FROM domain_marks AS m WHERE m.domain = l.domain)"
    )


def since_review_domains(value: str) -> Clause:
    """Domains new, changed (band or risk) or lost since the last review, or not yet judged
    (no mark, and no link of theirs the last review saw)."""
    if _check(value) in _COMPUTED:
        return Clause("d.domain IN (SELECT domain FROM temp.tl_domains WHERE kind = ?)",
                      (value,))
    return Clause(
        "NOT EXISTS (SELECT 1 FROM domain_marks AS m WHERE m.domain = d.domain) "
        f"AND NOT EXISTS (SELECT 1 FROM links AS x WHERE x.domain = d.domain "
        f"AND x.id <= {_REVIEWED_UP_TO})"
    )


def changes_since_review(db: sqlite3.Connection) -> Changes:
    """The changes since the last review (since the start, before any review) until now,
    computed on this connection unless it holds them and the project has not changed."""
    return cached_changes(db, since_point(db, None), now())


def _prepare(previous: Callable[[sqlite3.Connection, Filters], None] | None
             ) -> Callable[[sqlite3.Connection, Filters], None]:
    def prepare(db: sqlite3.Connection, filters: Filters) -> None:
        if previous is not None:
            previous(db, filters)
        if filters.since_review in _COMPUTED and once_per_request(("since_review", id(db))):
            changes_since_review(db)
    return prepare


def with_since_review(spec: TableSpec) -> TableSpec:
    """LINKS or DOMAINS (scored, marked or not) with the `since_review` filter."""
    if spec.name == "links":
        filters = {"since_review": since_review_links}
    elif spec.name == "domains":
        filters = {"since_review": since_review_domains}
    else:
        raise ValueError(f"the {spec.title} table has no since-review filter")
    return replace(spec.with_columns(filters=filters), prepare=_prepare(spec.prepare))
