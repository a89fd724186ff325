"""The short summary a project opens with: what changed since the last review.

    "Since your review of 3 Nov: 312 new links from 40 new domains (5 risky), 18 links from
     strong domains lost, 3 disavowed domains gone"

Each part is data too (`SummaryPart`): its count, its words, and the table and filters that
show its rows, so the window can make each part a click to the filtered table.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from linkdesk.core.tables.spec import Filters
from linkdesk.core.timeline.changes import RISKY, STRONG, Changes, by_todays_bands
from linkdesk.core.timeline.filters import changes_since_review
from linkdesk.core.timeline.points import Point
from linkdesk.core.words import counted


@dataclass(frozen=True)
class SummaryPart:
    """One part of the summary: its words and how to show its rows."""

    key: str  # new_links, new_domains, risky_new_domains, strong_links_lost, ...
    count: int
    text: str  # "312 new links"
    table: str  # "links" or "domains"
    filters: Filters  # what the table is filtered by to show these rows


@dataclass(frozen=True)
class OpeningSummary:
    """The summary: since when, its parts, and the sentence."""

    since: Point
    parts: tuple[SummaryPart, ...]
    text: str

    @property
    def part(self) -> dict[str, SummaryPart]:
        """The parts by key."""
        return {part.key: part for part in self.parts}


def _scalar(db: sqlite3.Connection, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0] or 0)


def opening_summary(db: sqlite3.Connection, today: datetime | None = None) -> OpeningSummary:
    """What changed since the last review (everything, before the first review), in words.

    Computes the changes since the last review on this connection (or reuses them, see
    filters.changes_since_review); bands are the stored scores'.
    """
    return summarise(db, changes_since_review(db), today)


def summarise(db: sqlite3.Connection, changes: Changes,
              today: datetime | None = None) -> OpeningSummary:
    """The summary of computed changes (those since the last review, for the filters)."""
    counts = changes.counts
    risky, strong_lost = by_todays_bands(db, changes.since)
    disavowed_gone = _scalar(db, "SELECT count(*) FROM tl_domains AS t JOIN domain_marks AS m "
                                 "ON m.domain = t.domain WHERE t.kind = 'lost' "
                                 "AND m.kind = 'disavow'")
    new, lost = Filters(since_review="new"), Filters(since_review="lost")
    parts = (
        SummaryPart("new_links", counts.new_links, counted(counts.new_links, "new link"),
                    "links", new),
        SummaryPart("new_domains", counts.new_domains,
                    counted(counts.new_domains, "new domain"), "domains", new),
        SummaryPart("risky_new_domains", risky, f"{risky:,} risky", "domains",
                    Filters(since_review="new", band=RISKY)),
        SummaryPart("changed_links", counts.changed_links,
                    counted(counts.changed_links, "link") + " changed", "links",
                    Filters(since_review="changed")),
        SummaryPart("lost_links", counts.lost_links, counted(counts.lost_links, "link") + " lost",
                    "links", lost),
        SummaryPart("strong_links_lost", strong_lost,
                    counted(strong_lost, "link") + " from strong domains lost", "links",
                    Filters(since_review="lost", band=STRONG)),
        SummaryPart("disavowed_domains_gone", disavowed_gone,
                    counted(disavowed_gone, "disavowed domain") + " gone", "domains",
                    Filters(since_review="lost", marked="disavow")),
    )
    return OpeningSummary(changes.since, parts, _sentence(changes.since, parts, today))


def _sentence(since: Point, parts: tuple[SummaryPart, ...],
              today: datetime | None = None) -> str:
    by_key = {part.key: part for part in parts}
    head = _since_words(since, (today or datetime.now(UTC)).date())
    new_links, new_domains = by_key["new_links"], by_key["new_domains"]
    words = []
    if new_links.count:  # "0 new links from 0 new domains" says nothing
        words.append(new_links.text + (f" from {new_domains.text}" if new_domains.count else "")
                     + (f" ({by_key['risky_new_domains'].text})"
                        if by_key["risky_new_domains"].count else ""))
    if by_key["strong_links_lost"].count:
        words.append(by_key["strong_links_lost"].text)
    elif by_key["lost_links"].count:
        words.append(by_key["lost_links"].text)
    if by_key["disavowed_domains_gone"].count:
        words.append(by_key["disavowed_domains_gone"].text)
    if by_key["changed_links"].count:
        words.append(by_key["changed_links"].text)
    return f"{head}: " + (", ".join(words) or "nothing new")


def _since_words(since: Point, today: date) -> str:
    """"Since your review of 3 Nov" (of 3 Nov 2025 in another year), "Since your review
    today", "... yesterday"; "No review yet"."""
    if since.review is None:
        return "No review yet"
    day = since.review.day
    if day == date.min:  # no readable time stored (an edited file)
        return "Since your last review"
    if day == today:
        return "Since your review today"
    if day == today - timedelta(days=1):
        return "Since your review yesterday"
    return f"Since your review of {day.day} {day.strftime('%b')}" + (
        "" if day.year == today.year else f" {day.year}")
