"""Points of the project's timeline: the two ends of a comparison.

A point says which imports, live checks and recorded grades (band, risk level) the project
knew at that moment:

- START: nothing (before the first import);
- a day: the exports whose as-of day is on or before it, the checks made by the end of it,
  the grades of the last review on or before it;
- a review: what that review covered (imports and checks up to its ids), its grades;
- NOW: everything, and the current scores.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from linkdesk.core.timeline.dates import parse_day
from linkdesk.core.timeline.reviews import Review, latest_review, review_on_or_before


class BadPoint(ValueError):
    """A `--since`/`--until` the project cannot place; the message says why."""


@dataclass(frozen=True)
class Point:
    """One end of a comparison. Build with `start()`, `on_day()`, `at_review()`, `now()`."""

    kind: str  # "start", "day", "review", "now"
    day: date | None = None
    review: Review | None = None  # the review (kind "review") or the grades' review (a day)

    @property
    def label(self) -> str:
        """In words: "your review of 3 Nov 2026", "2026-10-31", "now", "the start"."""
        if self.kind == "review" and self.review is not None:
            return f"your review of {_short(self.review.day)}"
        if self.kind == "day" and self.day is not None:
            return self.day.isoformat()
        return "the start" if self.kind == "start" else "now"

    def imports_sql(self, alias: str = "i") -> str:
        """A condition on `imports AS alias`: the imports this point knows."""
        if self.kind == "start":
            return "0"
        if self.kind == "day" and self.day is not None:
            return f"{alias}.as_of <= '{self.day.isoformat()}'"
        if self.kind == "review" and self.review is not None:
            return f"{alias}.id <= {int(self.review.last_import_id)}"
        return "1"

    def checks_sql(self, alias: str = "c") -> str:
        """A condition on `link_checks AS alias`: the live checks this point knows."""
        if self.kind == "start":
            return "0"
        if self.kind == "day" and self.day is not None:
            return f"substr({alias}.checked_at, 1, 10) <= '{self.day.isoformat()}'"
        if self.kind == "review" and self.review is not None:
            return f"{alias}.id <= {int(self.review.last_check_id)}"
        return "1"

    @property
    def grades(self) -> int | str | None:
        """Where band and risk come from: a review's id, "current" (the scores), or None."""
        if self.kind == "now":
            return "current"
        return self.review.id if self.review is not None else None


def _short(day: date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


def start() -> Point:
    """Before the first import."""
    return Point("start")


def now() -> Point:
    """Everything the project holds."""
    return Point("now")


def on_day(db: sqlite3.Connection, day: date) -> Point:
    """The exports dated on or before `day`; grades of the last review on or before it."""
    return Point("day", day, review_on_or_before(db, day))


def at_review(review: Review) -> Point:
    """What a review covered."""
    return Point("review", review.day, review)


def since_point(db: sqlite3.Connection, text: str | None) -> Point:
    """The start of a comparison from what the user typed: None (the last review, or the
    start before any review), "review" (the last review; an error before any), or a day."""
    if text is None:
        review = latest_review(db)
        return at_review(review) if review is not None else start()
    if text.strip().lower() == "review":
        review = latest_review(db)
        if review is None:
            raise BadPoint("--since review: no review recorded yet (record one with "
                           "`linkdesk review PROJECT --done`), or give --since YYYY-MM-DD")
        return at_review(review)
    try:
        return on_day(db, parse_day(text, "--since"))
    except ValueError as error:
        raise BadPoint(f"{error}, or the word review") from None


def until_point(db: sqlite3.Connection, text: str | None, since: Point) -> Point:
    """The end of a comparison: None (now) or a day not before `since`'s day."""
    if text is None:
        return now()
    try:
        day = parse_day(text, "--until")
    except ValueError as error:
        raise BadPoint(str(error)) from None
    if since.day is not None and day < since.day:
        raise BadPoint(f"--until {day.isoformat()} is before the start, {since.label}")
    return on_day(db, day)
