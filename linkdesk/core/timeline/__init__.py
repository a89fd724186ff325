"""The project's time axis: export dates, snapshots, reviews and what changed between two
points (docs/changes.md).

    dates.py      the day an export describes (as_of), reading typed days
    snapshots.py  each vendor's series of snapshots
    reviews.py    finish_review(db, note), reviews(db), latest_review(db)
    points.py     the ends of a comparison: start(), on_day(db, d), at_review(r), now(),
                  since_point(db, text) / until_point(db, text, since) for typed values
    compute.py    the SQL: link states, link and domain changes into temporary tables
    changes.py    compute_changes(db, since, until) -> Changes (counts, ids, lists, JSON)
    filters.py    the tables' since_review filter: with_since_review(spec)
    summary.py    opening_summary(db): the sentence and its parts
    history.py    profile_history(db, filters, tables): domains per band at each point
"""

from linkdesk.core.timeline.changes import (
    LOST_REASONS,
    ChangeCounts,
    Changes,
    DomainChange,
    LinkChange,
    cached_changes,
    compute_changes,
)
from linkdesk.core.timeline.dates import BadDate, parse_day
from linkdesk.core.timeline.filters import (
    SINCE_REVIEW,
    SINCE_REVIEW_TITLES,
    changes_since_review,
    with_since_review,
)
from linkdesk.core.timeline.history import (
    History,
    HistoryCancelled,
    HistoryPoint,
    profile_history,
)
from linkdesk.core.timeline.points import (
    BadPoint,
    Point,
    at_review,
    now,
    on_day,
    since_point,
    start,
    until_point,
)
from linkdesk.core.timeline.reviews import Review, finish_review, latest_review, reviews
from linkdesk.core.timeline.snapshots import Snapshot, snapshots, timeline_days
from linkdesk.core.timeline.summary import (
    OpeningSummary,
    SummaryPart,
    by_todays_bands,
    opening_summary,
)

__all__ = [
    "LOST_REASONS",
    "SINCE_REVIEW",
    "SINCE_REVIEW_TITLES",
    "BadDate",
    "BadPoint",
    "ChangeCounts",
    "Changes",
    "DomainChange",
    "History",
    "HistoryCancelled",
    "HistoryPoint",
    "LinkChange",
    "OpeningSummary",
    "Point",
    "Review",
    "Snapshot",
    "SummaryPart",
    "at_review",
    "by_todays_bands",
    "cached_changes",
    "changes_since_review",
    "compute_changes",
    "finish_review",
    "latest_review",
    "now",
    "on_day",
    "opening_summary",
    "parse_day",
    "profile_history",
    "reviews",
    "since_point",
    "snapshots",
    "start",
    "timeline_days",
    "until_point",
    "with_since_review",
]
