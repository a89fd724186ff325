"""A link's status now, as stored in `links.status`: its codes and the SQL that reads it.

The status is worked out by `core/timeline/status.py` (the rules of `linkdesk changes`,
docs/changes.md); this module holds only what readers need, so tables, scoring and the
roll-ups can use it without importing the timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ABSENT, LIVE, NOT_REPORTED, VENDOR_LOST, GONE_LIVE = 0, 1, 2, 3, 4
REASONS = {NOT_REPORTED: "no_longer_reported", VENDOR_LOST: "vendor_lost", GONE_LIVE: "gone_live"}
LOST_LABELS = {LIVE: "", NOT_REPORTED: "No longer reported", VENDOR_LOST: "Reported lost",
               GONE_LIVE: "Gone (live check)"}


def lost_sql(alias: str = "l") -> str:
    """A condition on `links AS alias`: the link is lost now, for any reason."""
    return f"({alias}.status <> {LIVE})"


def live_sql(alias: str = "l") -> str:
    """A condition on `links AS alias`: the link is live now."""
    return f"({alias}.status = {LIVE})"


@dataclass(frozen=True)
class StatusMoves:
    """What one refresh of `links.status` changed (core/link_status_update.py): how many
    links moved, how many became no longer reported, how many of those were listed again."""

    moved: int = 0
    no_longer_reported: int = 0  # moved to NOT_REPORTED
    listed_again: int = 0  # moved from NOT_REPORTED to live or vendor lost

    def __add__(self, other: StatusMoves) -> StatusMoves:
        return StatusMoves(self.moved + other.moved,
                           self.no_longer_reported + other.no_longer_reported,
                           self.listed_again + other.listed_again)

    def text(self, number: Callable[[int], str] = "{:,}".format) -> str:
        """One line for an import's summary ("" when neither count moved): "1,234 links are
        no longer reported by the vendors that listed them; 56 are listed again"."""
        dropped, again = self.no_longer_reported, self.listed_again
        if dropped and again:
            return (f"{number(dropped)} {_links(dropped)} no longer reported by the vendors that "
                    f"listed {_them(dropped)}; {number(again)} {_are(again)} listed again")
        if dropped:
            return (f"{number(dropped)} {_links(dropped)} no longer reported by the vendors that "
                    f"listed {_them(dropped)}")
        if again:
            return (f"{number(again)} {_links(again)} listed again after the vendors had "
                    "stopped reporting " + _them(again))
        return ""


def _links(n: int) -> str:
    return "link is" if n == 1 else "links are"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def _them(n: int) -> str:
    return "it" if n == 1 else "them"
