"""Reviews: the user's "I have been through this profile" moments.

A review covers everything the project held when it was recorded: the imports, links and live
checks up to the ids it stores (ids only grow), whatever dates the exports carry. What a later
import brings is new since that review. A review also records each referring domain's quality
band and risk level, which later band and risk moves are measured against.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime

from linkdesk.core.scoring import rescore, scores_current
from linkdesk.core.store import transaction
from linkdesk.core.timeline.dates import stored_day


@dataclass(frozen=True)
class Review:
    """One recorded review."""

    id: int
    reviewed_at: str  # ISO UTC, e.g. 2026-11-03T09:12:00Z
    note: str
    last_import_id: int
    last_link_id: int
    last_check_id: int
    domains: int = 0  # domains whose band and risk it recorded

    @property
    def day(self) -> date:
        """The (UTC) day of the review (the first day there is when the project holds no
        readable time: an edited or damaged file must not stop the window or a command)."""
        return stored_day(self.reviewed_at) or date.min


_COLUMNS = ("r.id, r.reviewed_at, r.note, r.last_import_id, r.last_link_id, r.last_check_id, "
            "(SELECT count(*) FROM review_grades AS g WHERE g.review_id = r.id)")


def reviews(db: sqlite3.Connection) -> list[Review]:
    """Every review, oldest first."""
    return [Review(*row) for row in
            db.execute(f"SELECT {_COLUMNS} FROM reviews AS r ORDER BY r.id")]


def latest_review(db: sqlite3.Connection) -> Review | None:
    """The last review recorded, or None before the first."""
    row = db.execute(f"SELECT {_COLUMNS} FROM reviews AS r ORDER BY r.id DESC LIMIT 1").fetchone()
    return Review(*row) if row else None


def review_on_or_before(db: sqlite3.Connection, day: date) -> Review | None:
    """The last review recorded on or before `day` (UTC), or None."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM reviews AS r WHERE substr(r.reviewed_at, 1, 10) <= ? "
        "ORDER BY r.id DESC LIMIT 1", (day.isoformat(),)
    ).fetchone()
    return Review(*row) if row else None


def finish_review(db: sqlite3.Connection, note: str = "", *, at: datetime | None = None) -> Review:
    """Record a review of the project as it is now, with every domain's band and risk level.

    Re-scores first when the stored scores are out of date (bands must describe the data the
    review covers); that is the slow part on a big project, so run it off the GUI thread.
    """
    if not scores_current(db):
        rescore(db)
    stamp = (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with transaction(db):
        ids = db.execute(
            "SELECT (SELECT coalesce(max(id), 0) FROM imports), "
            "(SELECT coalesce(max(id), 0) FROM links), "
            "(SELECT coalesce(max(id), 0) FROM link_checks)"
        ).fetchone()
        cursor = db.execute(
            "INSERT INTO reviews (reviewed_at, note, last_import_id, last_link_id, "
            "last_check_id) VALUES (?, ?, ?, ?, ?)", (stamp, note.strip(), *ids)
        )
        review_id = int(cursor.lastrowid or 0)
        db.execute(
            "INSERT INTO review_grades (review_id, domain, band, risk_level) "
            "SELECT ?, domain, band, risk_level FROM domain_scores "
            "WHERE band IS NOT NULL AND risk_level IS NOT NULL", (review_id,)
        )
    review = latest_review(db)
    assert review is not None and review.id == review_id
    return review
