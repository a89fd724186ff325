"""Per-link facts the dashboard counts, kept beside the scores so charts read one narrow table.

Every link's rel attributes, lost state, vendors, first-seen and lost months and anchor text are
computed with the other features (from `links`, when the data changes) and copied into
`link_scores` by every re-score. A chart of a million links then reads `link_scores` alone
(about 40 bytes a row) instead of the wide `links` rows (about 700 bytes) joined to their
scores; see linkdesk/core/profile/links.py.

The same SQL over `links` serves projects whose scores are out of date.
"""

from __future__ import annotations

from linkdesk.core.link_status import live_sql, lost_sql
from linkdesk.core.values import ASCII_LOWER

# Bits of `rel`. Nofollow, ugc and sponsored can overlap (rel="ugc nofollow"). The filters'
# bits are the Links table's filter expressions themselves (tables/links.py), each value of
# each filter its own bit: they select the same rows whatever the columns hold.
REL_DOFOLLOW = 1  # the Dofollow filter
REL_NOFOLLOW = 2
REL_UGC = 4
REL_SPONSORED = 8
REL_UNKNOWN = 16  # no tool reported the rel (Search Console pages)
REL_LOST = 32  # the Lost filter: lost
REL_GOOGLE = 64  # the Google filter: from a page Search Console lists
REL_NOFOLLOWISH = 128  # the Nofollow filter (nofollow, ugc or sponsored)
REL_NOT_LOST = 256  # the Lost filter: live or not known
REL_NOT_GOOGLE = 512  # the Google filter: the others
REL_BITS = 10

NO_MONTH = -1
MONTH_MAX = 65_000  # months since year 0 above this (year 5416 on) are no date
FACT_COLUMNS = ("rel", "vendors", "first_month", "lost_month", "anchor_id")


def month_sql(date: str) -> str:
    """Months since year 0 of an ISO date (year * 12 + month - 1); NO_MONTH when there is none.

    Plain substr and CAST: a GLOB check per row doubled the time on 1M links. Text that is no
    date gives year 0 (a month below 12), which counts as none, as do absurd years and NULL.
    """
    month = (f"CAST(substr({date}, 1, 4) AS INTEGER) * 12 "
             f"+ CAST(substr({date}, 6, 2) AS INTEGER) - 1")
    return f"(CASE WHEN ({month}) BETWEEN 12 AND {MONTH_MAX} THEN {month} ELSE {NO_MONTH} END)"


def _bit(condition: str, bit: int) -> str:
    return f"(CASE WHEN {condition} THEN {bit} ELSE 0 END)"


def rel_sql(alias: str = "l") -> str:
    """The `rel` bits of a row of `links AS alias`.

    Dofollow and nofollow-ish follow tables/links.py (DOFOLLOW, NOFOLLOWISH); the tests check
    that the bits select exactly what the table filters select.
    """
    nofollowish = (f"(coalesce({alias}.nofollow, 0) + coalesce({alias}.ugc, 0) "
                   f"+ coalesce({alias}.sponsored, 0)) > 0")
    unknown = (f"{alias}.placeholder = 1 "
               f"OR coalesce({alias}.nofollow, {alias}.ugc, {alias}.sponsored) IS NULL")
    return " | ".join([
        _bit(f"{alias}.placeholder = 0 AND NOT {nofollowish}", REL_DOFOLLOW),
        _bit(f"{alias}.nofollow = 1", REL_NOFOLLOW),
        _bit(f"{alias}.ugc = 1", REL_UGC),
        _bit(f"{alias}.sponsored = 1", REL_SPONSORED),
        _bit(unknown, REL_UNKNOWN),
        _bit(lost_sql(alias), REL_LOST),
        _bit(f"{alias}.google_seen = 1", REL_GOOGLE),
        _bit(nofollowish, REL_NOFOLLOWISH),
        _bit(live_sql(alias), REL_NOT_LOST),
        _bit(f"{alias}.google_seen = 0", REL_NOT_GOOGLE),
    ])


def first_month_sql(alias: str = "l") -> str:
    """The month a link was first seen (NO_MONTH when not known)."""
    return month_sql(f"{alias}.first_seen")


def lost_month_sql(alias: str = "l") -> str:
    """The month a lost link was lost (else last seen); NO_MONTH for a link not lost."""
    lost = month_sql(f"coalesce({alias}.lost_at, {alias}.last_seen)")
    return f"(CASE WHEN {lost_sql(alias)} THEN {lost} ELSE {NO_MONTH} END)"


def anchor_key(anchor: str) -> str:
    """What groups anchors as `COLLATE NOCASE` does (the Anchors table): ASCII case folded."""
    return anchor.translate(ASCII_LOWER)
