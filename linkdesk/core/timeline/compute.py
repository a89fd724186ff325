"""The changes between two points, computed in SQL into temporary tables of the connection.

    temp.tl_links    one row per link reported at either point: what each point knew of it
                     (seen, status, merged attributes)
    temp.tl_changes  the link changes: (link_id, kind, reason, what)
    temp.tl_domains  the domain changes: (domain, kind, reason, what, ...)

A link's status at a point (docs/changes.md):
  ABSENT        no import of the point reports it;
  GONE_LIVE     reported, and its latest live check of the point says it is gone;
  LIVE          some vendor's latest snapshot of the point reports it, not lost;
  VENDOR_LOST   some vendor's latest snapshot reports it lost, and none reports it live;
  NOT_REPORTED  reported earlier, but absent from the latest snapshot of every vendor that did.
A vendor's snapshot is its imports with one as-of day; its latest snapshot at a point is the
one with the latest as-of day among the point's imports: importing an older export after a
newer one never makes it the latest, so the order of imports does not matter.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from linkdesk.core.checker.model import MISSING, PAGE_ERROR, REDIRECTED
from linkdesk.core.store.merge import RECENCY_KEY
from linkdesk.core.timeline.points import Point

ABSENT, LIVE, NOT_REPORTED, VENDOR_LOST, GONE_LIVE = 0, 1, 2, 3, 4
REASONS = {NOT_REPORTED: "no_longer_reported", VENDOR_LOST: "vendor_lost", GONE_LIVE: "gone_live"}
# A live check that finds the link gone: the page was read without it, the page redirects
# elsewhere without it, or the page is gone for good. Blocked, timeouts, DNS errors and other
# page errors say nothing certain about the link.
GONE_CHECK_SQL = (f"(c.status IN ('{MISSING}', '{REDIRECTED}') OR "
                  f"(c.status = '{PAGE_ERROR}' AND c.http_code IN (404, 410)))")
# The attributes whose changes are reported, as merged values: per observation the SQL of
# the value (NULL: the vendor does not say), merged as links merge (latest non-empty report).
REL_SQL = ("CASE WHEN coalesce(nofollow, ugc, sponsored) IS NULL THEN NULL ELSE "
           "coalesce(nofollow, 0) + 2 * coalesce(ugc, 0) + 4 * coalesce(sponsored, 0) END")
ATTRIBUTES: dict[str, str] = {
    # Anchors are compared trimmed and ASCII case-folded: vendors differ in such details.
    "anchor": "lower(trim(anchor))",
    "rel": REL_SQL,
    "redirect": "redirect",
    "image": "image",
    "sitewide": "sitewide",
}
SEEN_A, SEEN_B, LATEST_A, LATEST_B = 1, 2, 4, 8


def import_flags(db: sqlite3.Connection, a: Point, b: Point) -> dict[int, int]:
    """Each vendor import's bits: known at A / at B, in its vendor's latest snapshot at A / B."""
    rows = db.execute(
        f"SELECT i.id, i.vendor, i.as_of, {a.imports_sql()}, {b.imports_sql()} "
        "FROM imports AS i WHERE i.vendor <> 'gsc'"
    ).fetchall()
    latest: dict[tuple[str, int], str] = defaultdict(str)
    for _, vendor, as_of, in_a, in_b in rows:
        for bit, inside in ((SEEN_A, in_a), (SEEN_B, in_b)):
            if inside:
                latest[vendor, bit] = max(latest[vendor, bit], as_of or "")
    flags = {}
    for import_id, vendor, as_of, in_a, in_b in rows:
        bits = (SEEN_A if in_a else 0) | (SEEN_B if in_b else 0)
        if in_a and (as_of or "") == latest[vendor, SEEN_A]:
            bits |= LATEST_A
        if in_b and (as_of or "") == latest[vendor, SEEN_B]:
            bits |= LATEST_B
        if bits:
            flags[import_id] = bits
    return flags


def _gone_table(db: sqlite3.Connection, name: str, point: Point) -> None:
    db.execute(f"DROP TABLE IF EXISTS temp.{name}")
    db.execute(f"CREATE TEMP TABLE {name} (link_id INTEGER PRIMARY KEY)")
    if point.kind == "start":
        return
    if point.kind == "now":
        latest = "SELECT check_id FROM check_latest"
    else:
        latest = f"SELECT max(c.id) FROM link_checks AS c WHERE {point.checks_sql()} " \
                 "GROUP BY c.link_id"
    db.execute(f"INSERT INTO {name} SELECT c.link_id FROM link_checks AS c "
               f"WHERE c.id IN ({latest}) AND {GONE_CHECK_SQL}")


def _latest(expression: str, bit: int) -> str:
    return (f"substr(max(CASE WHEN f & {bit} AND ({expression}) IS NOT NULL "
            f"THEN {RECENCY_KEY} || ({expression}) END), 12)")


def _status(side: str) -> str:
    return (f"CASE WHEN NOT seen_{side} THEN {ABSENT} "
            f"WHEN link_id IN temp.tl_gone_{side} THEN {GONE_LIVE} "
            f"WHEN live_{side} THEN {LIVE} WHEN vlost_{side} THEN {VENDOR_LOST} "
            f"ELSE {NOT_REPORTED} END")


def build_link_states(db: sqlite3.Connection, a: Point, b: Point) -> None:
    """Fill temp.tl_links: every link either point reports, with its status and attributes."""
    _gone_table(db, "tl_gone_a", a)
    _gone_table(db, "tl_gone_b", b)
    db.execute("DROP TABLE IF EXISTS temp.tl_links")
    flags = import_flags(db, a, b)
    names = list(ATTRIBUTES)
    attribute_columns = "".join(f", {name}_a, {name}_b" for name in names)
    if not flags:
        db.execute("CREATE TEMP TABLE tl_links (link_id INTEGER PRIMARY KEY, seen_a, seen_b, "
                   f"ever_live, status_a, status_b{attribute_columns})")
        return
    case = "CASE import_id " + " ".join(
        f"WHEN {int(i)} THEN {bits}" for i, bits in flags.items()) + " ELSE 0 END"
    not_lost = "coalesce(lost, 0) = 0"
    aggregates = ", ".join(
        f"{_latest(ATTRIBUTES[name], bit)} AS {name}_{side}"
        for name in names for side, bit in (("a", SEEN_A), ("b", SEEN_B))
    )
    db.execute(
        f"""CREATE TEMP TABLE tl_links AS
        SELECT link_id, seen_a, seen_b, ever_live, {_status("a")} AS status_a,
            {_status("b")} AS status_b{attribute_columns}
        FROM (SELECT link_id,
                max(f & {SEEN_A}) > 0 AS seen_a, max(f & {SEEN_B}) > 0 AS seen_b,
                max(f & {LATEST_A} AND {not_lost}) > 0 AS live_a,
                max(f & {LATEST_B} AND {not_lost}) > 0 AS live_b,
                max(f & {LATEST_A} AND lost = 1) > 0 AS vlost_a,
                max(f & {LATEST_B} AND lost = 1) > 0 AS vlost_b,
                max({not_lost}) AS ever_live,
                {aggregates}
            FROM (SELECT *, {case} AS f FROM observations) WHERE f > 0
            GROUP BY link_id)"""
    )
    db.execute("CREATE UNIQUE INDEX temp.tl_links_id ON tl_links(link_id)")


def build_link_changes(db: sqlite3.Connection) -> None:
    """Fill temp.tl_changes from tl_links: new, lost and changed links.

    A link whose source page lost its one link and gained one new link in the same span is
    one link whose target changed (kind "changed", what "target"), not a new and a lost one.
    """
    db.execute("DROP TABLE IF EXISTS temp.tl_changes")
    db.execute("CREATE TEMP TABLE tl_changes (link_id INTEGER NOT NULL, kind TEXT NOT NULL, "
               "reason TEXT, what TEXT, previous_link_id INTEGER)")
    db.execute("INSERT INTO tl_changes (link_id, kind) SELECT link_id, 'new' FROM tl_links "
               "WHERE seen_b AND NOT seen_a")
    reason = "CASE status_b " + " ".join(f"WHEN {k} THEN '{v}'" for k, v in REASONS.items()) \
        + " END"
    db.execute(
        f"INSERT INTO tl_changes (link_id, kind, reason) SELECT link_id, 'lost', {reason} "
        f"FROM tl_links WHERE status_b >= {NOT_REPORTED} AND status_a <= {LIVE} AND ever_live"
    )
    differs = [
        f"CASE WHEN {name}_a IS NOT NULL AND {name}_b IS NOT NULL AND {name}_a <> {name}_b "
        f"THEN '{name},' ELSE '' END" for name in ATTRIBUTES
    ]
    db.execute(
        f"INSERT INTO tl_changes (link_id, kind, what) SELECT link_id, 'changed', what FROM "
        f"(SELECT link_id, rtrim({' || '.join(differs)}, ',') AS what FROM tl_links "
        f"WHERE status_a = {LIVE} AND status_b = {LIVE}) WHERE what <> ''"
    )
    _pair_target_changes(db)
    db.execute("CREATE INDEX temp.tl_changes_kind ON tl_changes(kind, link_id)")


def _pair_target_changes(db: sqlite3.Connection) -> None:
    db.execute("DROP TABLE IF EXISTS temp.tl_moved")
    db.execute(
        """CREATE TEMP TABLE tl_moved AS
        SELECT max(CASE WHEN t.kind = 'new' THEN t.link_id END) AS new_id,
               max(CASE WHEN t.kind = 'lost' THEN t.link_id END) AS lost_id
        FROM tl_changes AS t JOIN links AS l ON l.id = t.link_id
        WHERE t.kind IN ('new', 'lost')
        GROUP BY l.source_url
        HAVING sum(t.kind = 'new') = 1 AND sum(t.kind = 'lost') = 1"""
    )
    db.execute("DELETE FROM tl_changes WHERE kind = 'new' AND link_id IN "
               "(SELECT new_id FROM tl_moved)")
    db.execute("DELETE FROM tl_changes WHERE kind = 'lost' AND link_id IN "
               "(SELECT lost_id FROM tl_moved)")
    db.execute("INSERT INTO tl_changes (link_id, kind, what, previous_link_id) "
               "SELECT new_id, 'changed', 'target', lost_id FROM tl_moved")
    db.execute("DROP TABLE temp.tl_moved")


def _grades(point: Point) -> str | None:
    source = point.grades
    if source == "current":
        return "SELECT domain, band, risk_level FROM domain_scores " \
               "WHERE band IS NOT NULL AND risk_level IS NOT NULL"
    if source is None:
        return None
    return f"SELECT domain, band, risk_level FROM review_grades WHERE review_id = {int(source)}"


def build_domain_changes(db: sqlite3.Connection, a: Point, b: Point) -> bool:
    """Fill temp.tl_domains: new, lost and band/risk-moved domains. Returns whether grades
    were known at both points (else no band or risk moves can be told)."""
    db.execute("DROP TABLE IF EXISTS temp.tl_domains")
    db.execute("CREATE TEMP TABLE tl_domains (domain TEXT NOT NULL, kind TEXT NOT NULL, "
               "reason TEXT, what TEXT, band_a INTEGER, band_b INTEGER, risk_a INTEGER, "
               "risk_b INTEGER)")
    db.execute("DROP TABLE IF EXISTS temp.tl_domain_states")
    db.execute(
        f"""CREATE TEMP TABLE tl_domain_states AS
        SELECT l.domain AS domain, max(t.seen_a) AS seen_a, max(t.seen_b) AS seen_b,
            max(t.status_a = {LIVE}) AS live_a, max(t.status_b = {LIVE}) AS live_b,
            max(t.ever_live) AS ever_live,
            min(CASE WHEN t.status_b >= {NOT_REPORTED} THEN t.status_b END) AS weakest_b
        FROM tl_links AS t JOIN links AS l ON l.id = t.link_id GROUP BY l.domain"""
    )
    db.execute("INSERT INTO tl_domains (domain, kind) SELECT domain, 'new' "
               "FROM tl_domain_states WHERE seen_b AND NOT seen_a")
    # A domain is lost when none of its links is live; its reason is its links' weakest (a
    # domain is only as surely gone as the least surely gone of its links).
    reason = "CASE weakest_b " + " ".join(
        f"WHEN {k} THEN '{v}'" for k, v in REASONS.items()) + " END"
    db.execute(
        f"INSERT INTO tl_domains (domain, kind, reason) SELECT domain, 'lost', {reason} "
        f"FROM tl_domain_states WHERE seen_b AND NOT live_b AND (live_a OR NOT seen_a) "
        f"AND ever_live"
    )
    db.execute("DROP TABLE temp.tl_domain_states")
    grades_a, grades_b = _grades(a), _grades(b)
    if grades_a is None or grades_b is None:
        return False
    db.execute(
        f"""INSERT INTO tl_domains (domain, kind, what, band_a, band_b, risk_a, risk_b)
        SELECT x.domain, 'changed',
            rtrim(CASE WHEN x.band <> y.band THEN 'band,' ELSE '' END
                  || CASE WHEN x.risk_level <> y.risk_level THEN 'risk,' ELSE '' END, ','),
            x.band, y.band, x.risk_level, y.risk_level
        FROM ({grades_a}) AS x JOIN ({grades_b}) AS y ON y.domain = x.domain
        WHERE x.band <> y.band OR x.risk_level <> y.risk_level"""
    )
    return True
