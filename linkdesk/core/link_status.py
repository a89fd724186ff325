"""A link's status now, as stored in `links.status`: its codes and the SQL that reads it.

The status is worked out by `core/timeline/status.py` (the rules of `linkdesk changes`,
docs/changes.md); this module holds only what readers need, so tables, scoring and the
roll-ups can use it without importing the timeline.
"""

from __future__ import annotations

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
