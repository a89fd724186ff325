"""Headline counts of a project, as `linkdesk stats --json` prints them.

"Nofollow" means two things: the rel attribute nofollow (the Dashboard's Nofollow bar, with
UGC and Sponsored beside it) and "not followed", any of nofollow, ugc or sponsored (the Links
table's Nofollow filter). `nofollow_links` counts the second; `rel_attributes` the first.
`STAT_WORDS` says each in words, for `linkdesk stats` and whoever shows these counts.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from linkdesk.core.checker.store import check_stats
from linkdesk.core.fields import VENDORS, vendor_bit
from linkdesk.core.link_status import lost_sql
from linkdesk.core.marks.store import mark_counts
from linkdesk.core.scoring.model import ANCHOR_CLASSES, BANDS, RISK_LEVELS
from linkdesk.core.store.merge import NOFOLLOWISH_SQL

# Where the key alone would mislead (see above): the count's name, and what it counts.
STAT_WORDS: dict[str, tuple[str, str]] = {
    "dofollow_links": ("followed links", "no nofollow, ugc or sponsored"),
    "nofollow_links": ("not followed", "links with nofollow, ugc or sponsored"),
    "rel_attributes": ("rel attributes", "links with each; a link may have several"),
}


def project_stats(db: sqlite3.Connection) -> dict[str, Any]:
    """Counts of links, domains, imports and observations, and links per vendor."""
    links = db.execute(
        f"""
        SELECT count(*),
            count(DISTINCT source_host),
            coalesce(sum(google_seen), 0),
            coalesce(sum(placeholder = 0 AND NOT {NOFOLLOWISH_SQL}), 0),
            coalesce(sum({NOFOLLOWISH_SQL}), 0),
            coalesce(sum({lost_sql("links")}), 0),
            coalesce(sum(placeholder), 0),
            coalesce(sum(nofollow = 1), 0),
            coalesce(sum(ugc = 1), 0),
            coalesce(sum(sponsored = 1), 0)
        FROM links
        """
    ).fetchone()
    vendor_counts = ", ".join(
        f"coalesce(sum((vendors & {vendor_bit(v)}) <> 0), 0)" for v in VENDORS
    )
    per_vendor = db.execute(f"SELECT {vendor_counts} FROM links").fetchone()
    by_vendor = {vendor: count for vendor, count in zip(VENDORS, per_vendor, strict=True) if count}
    if links[2]:
        by_vendor["gsc"] = links[2]
    imports, skipped = db.execute(
        "SELECT count(*), coalesce(sum(rows_skipped), 0) FROM imports"
    ).fetchone()
    observations = db.execute("SELECT count(*) FROM observations").fetchone()[0]
    google_rows = db.execute(
        "SELECT (SELECT count(*) FROM google_page_rows) + (SELECT count(*) FROM google_site_rows)"
    ).fetchone()[0]
    return {
        "links": links[0],
        "referring_domains": db.execute("SELECT count(*) FROM referring_domains").fetchone()[0],
        "referring_hosts": links[1],
        "imports": imports,
        "observations": observations + google_rows,
        "google_seen_links": links[2],
        "dofollow_links": links[3],
        "nofollow_links": links[4],
        # As the Dashboard's bars and scoring's facts (REL_NOFOLLOW...) count them.
        "rel_attributes": {"nofollow": links[7], "ugc": links[8], "sponsored": links[9]},
        "lost_links": links[5],
        "placeholder_links": links[6],
        "skipped_rows": skipped,
        "by_vendor": by_vendor,
        **_score_counts(db),
        **check_stats(db),  # checked_links, check_status
        **_marks(db),
    }


def _marks(db: sqlite3.Connection) -> dict[str, int]:
    """Links disavowed (own or domain mark), domains marked disavow and keep."""
    counts = mark_counts(db)
    return {name: counts[name] for name in ("disavowed_links", "disavowed_domains",
                                            "kept_domains")}


def _score_counts(db: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """Links per band and anchor class, domains per band and risk level (all names listed)."""

    def counts(sql: str, names: tuple[str, ...]) -> dict[str, int]:
        found = dict(db.execute(sql).fetchall())
        return {name: found.get(index, 0) for index, name in enumerate(names)}

    return {
        "bands": counts("SELECT band, count(*) FROM link_scores GROUP BY band", BANDS),
        "domain_bands": counts(
            "SELECT band, count(*) FROM domain_scores WHERE band IS NOT NULL GROUP BY band", BANDS
        ),
        "risk": counts(
            "SELECT risk_level, count(*) FROM domain_scores WHERE risk_level IS NOT NULL "
            "GROUP BY risk_level",
            RISK_LEVELS,
        ),
        "anchor_classes": counts(
            "SELECT anchor_class, count(*) FROM link_scores GROUP BY anchor_class",
            ANCHOR_CLASSES,
        ),
    }
