"""The changes between two points, computed into temporary tables of the connection.

    temp.tl_changes  the link changes: (link_id, kind, reason, what, previous_link_id,
                     obs_a, obs_b: the observations a change was read from)
    temp.tl_changed_also  what later vendors tell of a changed link that the first does not:
                     (link_id, what, obs_a, obs_b)
    temp.tl_domains  the domain changes: (domain, kind, reason, what, band and risk before
                     and after)

A link's status at a point (docs/changes.md):
  ABSENT        no import of the point reports it;
  GONE_LIVE     reported, and its latest live check of the point says it is gone;
  LIVE          some vendor's latest snapshot of the point reports it, not lost;
  VENDOR_LOST   some vendor's latest snapshot reports it lost, and none reports it live;
  NOT_REPORTED  reported earlier, but absent from the latest snapshot of every vendor that did.
A vendor's snapshot is its imports with one as-of day; its latest report of a target site at a
point is the snapshot with the latest as-of day among the point's imports that lists a link to
that site (sites.py): importing an older export after a newer one never makes it the latest,
so the order of imports does not matter, and a vendor's export for one client site says
nothing about another site's links. A live check that finds the link on its page keeps a
link live that the vendors no longer list (docs/changes.md).

New: absent at the start, live at the end. Lost: live at the start, not at the end. Changed:
live at both, and a vendor whose latest snapshot differs between the two reports another
rel, anchor, redirect, image or sitewide value (each vendor compared with itself: vendors
spell anchors differently).

Speed: only the latest snapshots of the two points are read (an import's observations are
one run of ids, `imports.first_observation_id`...), each once, into numpy arrays indexed by
link id; SQL is asked only about the few links those cannot place.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from linkdesk.core.checker.model import LIVE as CHECK_LIVE
from linkdesk.core.checker.model import MISSING, PAGE_ERROR, REDIRECTED
from linkdesk.core.link_status import GONE_LIVE, NOT_REPORTED, REASONS, VENDOR_LOST
from linkdesk.core.timeline.digests import (
    LINKED_SQL,
    LOST,
    NO_ANCHOR,
    NOT_SAID,
    Digest,
    digit,
    load_digest,
    parse_ids,
)
from linkdesk.core.timeline.points import Point
from linkdesk.core.timeline.sites import LinkSites, link_sites

# A live check that finds the link gone: the page was read without it, the page redirects
# elsewhere without it, or the page is gone for good. Blocked, timeouts, DNS errors and other
# page errors say nothing certain about the link.
GONE_CHECK_SQL = (f"(c.status IN ('{MISSING}', '{REDIRECTED}') OR "
                  f"(c.status = '{PAGE_ERROR}' AND c.http_code IN (404, 410)))")

ATTRIBUTES = ("anchor", "rel", "redirect", "image", "sitewide")
_CHUNK = 20_000  # link ids per statement (one JSON parameter)
Change = tuple[int, str, int, int]  # a changed link: (link id, what, observation at a, at b)


@dataclass
class Block:
    """One vendor snapshot's observations (its imports' digests, end to end)."""

    vendor: str
    as_of: str
    digests: list[Digest]
    import_ids: tuple[int, ...] = ()  # the imports its rows come from
    links: np.ndarray = field(init=False)
    codes: np.ndarray = field(init=False)
    anchors: np.ndarray = field(init=False)
    observations: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        def joined(name: str, dtype: type) -> np.ndarray:
            parts = [getattr(d, name) for d in self.digests]
            if len(parts) == 1:  # the usual case: one file a snapshot, no copy
                return parts[0]
            return np.concatenate(parts) if parts else np.zeros(0, dtype)

        self.links = joined("links", np.int64)
        self.codes = joined("codes", np.int16)
        self.anchors = joined("anchors", np.uint32)
        self.observations = joined("observations", np.int64)


@dataclass
class _Import:
    id: int
    vendor: str
    as_of: str
    in_a: bool
    in_b: bool
    first: int | None
    last: int | None


def _imports(db: sqlite3.Connection, a: Point, b: Point) -> list[_Import]:
    rows = db.execute(
        f"SELECT i.id, i.vendor, coalesce(i.as_of, ''), {a.imports_sql()}, {b.imports_sql()}, "
        "CASE WHEN typeof(i.first_observation_id) = 'integer' AND typeof(i.last_observation_id) "
        "= 'integer' THEN i.first_observation_id END, i.last_observation_id FROM imports AS i "
        "WHERE i.vendor <> 'gsc' ORDER BY i.id"
    ).fetchall()
    return [_Import(r[0], r[1], r[2], bool(r[3]), bool(r[4]), r[5], r[6]) for r in rows]


Series = list[tuple[str, tuple[int, ...]]]  # a vendor's snapshots: (as-of day, import ids)


def latest_snapshots(imports: list[_Import], side: str) -> dict[str, Series]:
    """Each vendor's snapshots among the imports of one side ("a" or "b"), newest first:
    vendor -> [(as-of day, import ids), ...]."""
    days: dict[str, dict[str, list[int]]] = {}
    for item in imports:
        if getattr(item, f"in_{side}"):
            days.setdefault(item.vendor, {}).setdefault(item.as_of, []).append(item.id)
    return {vendor: [(day, tuple(ids)) for day, ids in sorted(by_day.items(), reverse=True)]
            for vendor, by_day in days.items()}


DigestLoader = Callable[[int], Digest]


def vendor_blocks(snaps: dict[str, Series], sites: LinkSites,
                  load: DigestLoader) -> dict[str, Block]:
    """Each vendor's latest report of every target site: the rows of its newest snapshot that
    lists a link to the site (a vendor's export for one client site leaves the links to
    another site as its older export had them). Older snapshots are read only while some
    site the vendors reported is not yet covered (one site: only the newest)."""
    blocks: dict[str, Block] = {}
    for vendor, series in snaps.items():
        covered = np.zeros(sites.count + 1, bool)  # the last slot: links of no known site
        parts: list[Digest] = []
        ids: list[int] = []
        for _day, import_ids in series:
            digests = [load(i) for i in import_ids]
            found = np.zeros(sites.count + 1, bool)
            for digest in digests:
                found[sites.of(digest.links)] = True
            new = found & ~covered
            if new.any():
                for digest in digests:
                    keep = new[sites.of(digest.links)]
                    parts.append(digest if keep.all() else _part(digest, keep))
                    ids.append(digest.import_id)
                covered |= new
            if covered[sites.reported].all():
                break
        if parts:
            blocks[vendor] = Block(vendor, series[0][0], parts, tuple(ids))
    return blocks


def _part(digest: Digest, keep: np.ndarray) -> Digest:
    return Digest(digest.import_id, digest.links[keep], digest.codes[keep],
                  digest.anchors[keep], digest.observations[keep], digest.first, digest.stored)


def checked(db: sqlite3.Connection, point: Point, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per link id: its latest live check of the point finds it gone; finds it on the page."""
    gone, present = np.zeros(size, bool), np.zeros(size, bool)
    if point.kind == "start":
        return gone, present
    if point.kind == "now":
        latest = "SELECT check_id FROM check_latest"
    else:
        latest = (f"SELECT max(c.id) FROM link_checks AS c WHERE {point.checks_sql()} "
                  "GROUP BY c.link_id")
    row = db.execute(
        f"SELECT group_concat(CASE WHEN {GONE_CHECK_SQL} THEN c.link_id END), "
        f"group_concat(CASE WHEN c.status = '{CHECK_LIVE}' THEN c.link_id END) "
        f"FROM link_checks AS c WHERE c.id IN ({latest}) AND {LINKED_SQL}").fetchone()
    for found, text in ((gone, row[0]), (present, row[1])):
        ids = parse_ids(text)
        found[ids[ids < size]] = True
    return gone, present


def _chunks(ids: np.ndarray) -> Iterator[str]:
    for start in range(0, len(ids), _CHUNK):
        yield json.dumps(ids[start:start + _CHUNK].tolist())


def seen_at(db: sqlite3.Connection, point: Point, imports: list[_Import], side: str,
            ids: np.ndarray) -> np.ndarray:
    """Which of these links any import of the point reports (bool per id)."""
    if point.kind == "start" or len(ids) == 0:
        return np.zeros(len(ids), bool)
    if point.kind == "now":
        return np.ones(len(ids), bool)
    if point.kind == "review" and point.review is not None:
        return ids <= point.review.last_link_id
    inside = [i.id for i in imports if getattr(i, f"in_{side}")]
    if not inside:
        return np.zeros(len(ids), bool)
    found: list[int] = []
    listed = ",".join(str(int(i)) for i in inside)
    for chunk in _chunks(ids):
        found += [row[0] for row in db.execute(
            "SELECT DISTINCT link_id FROM observations WHERE link_id IN "
            f"(SELECT value FROM json_each(?)) AND import_id IN ({listed})", (chunk,))]
    return np.isin(ids, np.array(found, np.int64))


@dataclass
class State:
    """What one point knows of every link, as arrays indexed by link id."""

    live: np.ndarray  # some vendor's latest report of its site lists it, not lost
    vendor_lost: np.ndarray  # some vendor's latest report lists it lost
    gone: np.ndarray  # its latest live check of the point finds it gone
    present: np.ndarray  # its latest live check of the point finds it on the page
    known: np.ndarray  # some vendor (not Search Console) ever reported it
    reported: np.ndarray = field(init=False)  # in a latest snapshot: certainly seen
    up: np.ndarray = field(init=False)  # the link's status is LIVE

    def __post_init__(self) -> None:
        self.reported = self.live | self.vendor_lost
        # A check that finds the link on its page wins over the vendors' silence (and their
        # lost flag); one that finds it gone wins over what they still list.
        self.up = (self.live | (self.present & self.known)) & ~self.gone


def point_state(blocks: Iterable[Block], checks: tuple[np.ndarray, np.ndarray],
                known: np.ndarray) -> State:
    """A point's state from its vendors' latest reports and live checks."""
    gone, present = checks
    size = len(gone)
    live, lost = np.zeros(size, bool), np.zeros(size, bool)
    for block in blocks:
        is_lost = (block.codes & LOST) != 0
        live[block.links[~is_lost]] = True
        lost[block.links[is_lost]] = True
    return State(live, lost, gone, present, known)


def _loader(db: sqlite3.Connection, imports: list[_Import], digests: dict[int, Digest]
            ) -> DigestLoader:
    by_id = {item.id: item for item in imports}

    def load(import_id: int) -> Digest:
        if import_id not in digests:
            item = by_id[import_id]
            digests[import_id] = load_digest(db, import_id, item.first, item.last)
        return digests[import_id]
    return load


def states_at(db: sqlite3.Connection, points: list[Point],
              digests: dict[int, Digest] | None = None) -> Iterator[State]:
    """Each point's state, in order (the history's points: every vendor snapshot read once,
    from its stored digest where there is one; nothing is written). `digests` collects the
    digests read (import id -> digest)."""
    sites = link_sites(db)
    digests = {} if digests is None else digests
    for point in points:
        imports = _imports(db, point, point)
        blocks = vendor_blocks(latest_snapshots(imports, "a"), sites,
                               _loader(db, imports, digests))
        yield point_state(blocks.values(), checked(db, point, sites.size), sites.known)


@dataclass
class LinkChanges:
    """The computed link changes, as arrays."""

    new: np.ndarray
    lost: np.ndarray
    lost_reason: np.ndarray  # NOT_REPORTED, VENDOR_LOST or GONE_LIVE per lost link
    changed: list[Change]  # (link id, what, observation at a, at b)
    digests: list[Digest]  # the snapshots' digests read (store_digests keeps new ones)
    # What a later vendor (by name) tells that the earlier ones do not, as `changed`: Ahrefs
    # says the anchor changed, Semrush that the link turned nofollow.
    also: list[Change] = field(default_factory=list)


def vendor_differences(before: Block, after: Block, up: np.ndarray
                       ) -> Iterator[tuple[int, str, int, int]]:
    """Links live at both points whose attributes this vendor reports differently."""
    size = len(up)
    index = np.full(size, -1, np.int64)
    index[before.links] = np.arange(len(before.links))
    position = index[after.links]
    keep = (position >= 0) & up[after.links]
    rows_b = np.nonzero(keep)[0]
    rows_a = position[keep]
    code_a, code_b = before.codes[rows_a], after.codes[rows_b]
    what = np.zeros(len(rows_b), np.int64)
    rel_a = np.zeros(len(rows_b), np.int64)
    rel_b = np.zeros(len(rows_b), np.int64)
    rel_known = np.ones(len(rows_b), bool)
    for weight, name in enumerate(("nofollow", "ugc", "sponsored")):
        da, db_ = digit(code_a, name), digit(code_b, name)
        rel_known &= (da != NOT_SAID) & (db_ != NOT_SAID)
        rel_a += (da == 1) << weight
        rel_b += (db_ == 1) << weight
    what |= (rel_known & (rel_a != rel_b)).astype(np.int64) << ATTRIBUTES.index("rel")
    for name in ("redirect", "image", "sitewide"):
        da, db_ = digit(code_a, name), digit(code_b, name)
        differs = (da != NOT_SAID) & (db_ != NOT_SAID) & (da != db_)
        what |= differs.astype(np.int64) << ATTRIBUTES.index(name)
    anchor_a, anchor_b = before.anchors[rows_a], after.anchors[rows_b]
    differs = (anchor_a != NO_ANCHOR) & (anchor_b != NO_ANCHOR) & (anchor_a != anchor_b)
    what |= differs.astype(np.int64) << ATTRIBUTES.index("anchor")
    rows = np.nonzero(what)[0]
    names = {flags: ",".join(name for bit, name in enumerate(ATTRIBUTES) if flags & (1 << bit))
             for flags in np.unique(what[rows]).tolist()}
    yield from zip(after.links[rows_b[rows]].tolist(),
                   [names[flags] for flags in what[rows].tolist()],
                   before.observations[rows_a[rows]].tolist(),
                   after.observations[rows_b[rows]].tolist(), strict=True)


def link_changes(db: sqlite3.Connection, a: Point, b: Point) -> tuple[LinkChanges, State, State]:
    """New, lost and changed links between two points, and both points' states."""
    imports = _imports(db, a, b)
    sites = link_sites(db)
    size = sites.size
    digests: dict[int, Digest] = {}
    load = _loader(db, imports, digests)
    blocks_a = vendor_blocks(latest_snapshots(imports, "a"), sites, load)
    blocks_b = vendor_blocks(latest_snapshots(imports, "b"), sites, load)
    compared = {v for v in blocks_a if v in blocks_b
                and blocks_a[v].import_ids != blocks_b[v].import_ids}
    state_a = point_state(blocks_a.values(), checked(db, a, size), sites.known)
    state_b = point_state(blocks_b.values(), checked(db, b, size), sites.known)
    candidates = np.nonzero(state_b.up & ~state_a.reported)[0]
    new = candidates[~seen_at(db, a, imports, "a", candidates)]
    lost = np.nonzero(state_a.up & ~state_b.up)[0]
    reason = np.where(state_b.gone[lost], GONE_LIVE,
                      np.where(state_b.vendor_lost[lost], VENDOR_LOST, NOT_REPORTED))
    first: dict[int, Change] = {}
    later: list[Change] = []
    both_up = state_a.up & state_b.up
    for vendor in sorted(compared):
        for change in vendor_differences(blocks_a[vendor], blocks_b[vendor], both_up):
            if first.setdefault(change[0], change) is not change:
                later.append(change)
    changed, also = merge_vendor_changes(first, later)
    return (LinkChanges(new, lost, reason, changed, list(digests.values()), also),
            state_a, state_b)


def merge_vendor_changes(first: dict[int, Change], later: list[Change]
                         ) -> tuple[list[Change], list[Change]]:
    """One changed link per link id from the first vendor's report (by vendor name) of each
    and later vendors' reports (in vendor order): what any vendor tells, with the first
    vendor's observations; and, apart, each later vendor's observations for what the earlier
    ones do not tell. Keeping only the first report hid a link turned nofollow in Semrush
    behind an anchor Ahrefs saw change."""
    told = {link_id: set(first[link_id][1].split(",")) for link_id, _, _, _ in later}
    also: list[Change] = []
    for link_id, what, obs_a, obs_b in later:
        extra = [name for name in what.split(",") if name not in told[link_id]]
        if extra:
            also.append((link_id, ",".join(extra), obs_a, obs_b))
            told[link_id].update(extra)
    for link_id, names in told.items():
        _, _, obs_a, obs_b = first[link_id]
        first[link_id] = (link_id, ",".join(n for n in ATTRIBUTES if n in names), obs_a, obs_b)
    return sorted(first.values()), also


def write_link_changes(db: sqlite3.Connection, changes: LinkChanges) -> None:
    """Fill temp.tl_changes, pairing a page's one lost and one new link as a changed target."""
    db.execute("DROP TABLE IF EXISTS temp.tl_changes")
    db.execute("CREATE TEMP TABLE tl_changes (link_id INTEGER NOT NULL, kind TEXT NOT NULL, "
               "reason TEXT, what TEXT, previous_link_id INTEGER, obs_a INTEGER, "
               "obs_b INTEGER)")
    # Whole arrays as one JSON parameter each: many times faster than a row per statement.
    db.execute("INSERT INTO tl_changes (link_id, kind) SELECT value, 'new' FROM json_each(?)",
               (json.dumps(changes.new.tolist()),))
    for code, reason in REASONS.items():
        db.execute("INSERT INTO tl_changes (link_id, kind, reason) "
                   "SELECT value, 'lost', ? FROM json_each(?)",
                   (reason, json.dumps(changes.lost[changes.lost_reason == code].tolist())))
    db.executemany("INSERT INTO tl_changes (link_id, kind, what, obs_a, obs_b) "
                   "VALUES (?, 'changed', ?, ?, ?)", changes.changed)
    db.execute("DROP TABLE IF EXISTS temp.tl_changed_also")
    db.execute("CREATE TEMP TABLE tl_changed_also (link_id INTEGER NOT NULL, what TEXT NOT NULL, "
               "obs_a INTEGER, obs_b INTEGER)")
    db.executemany("INSERT INTO tl_changed_also VALUES (?, ?, ?, ?)", changes.also)
    db.execute("CREATE INDEX temp.tl_changed_also_link ON tl_changed_also(link_id)")
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
    db.execute("DELETE FROM tl_changes WHERE kind IN ('new', 'lost') AND link_id IN "
               "(SELECT new_id FROM tl_moved UNION ALL SELECT lost_id FROM tl_moved)")
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


def domain_changes(db: sqlite3.Connection, a: Point, b: Point, changes: LinkChanges,
                   state_a: State, state_b: State) -> bool:
    """Fill temp.tl_domains. A domain is live while one of its links is: new when it was not
    seen at the start and is live at the end, lost when it was live and is no longer (its
    reason: the weakest of its links', a domain being only as surely gone as the least surely
    gone of them). Returns whether grades were known at both points (for band moves)."""
    db.execute("DROP TABLE IF EXISTS temp.tl_domains")
    db.execute("CREATE TEMP TABLE tl_domains (domain TEXT NOT NULL, kind TEXT NOT NULL, "
               "reason TEXT, what TEXT, band_a INTEGER, band_b INTEGER, risk_a INTEGER, "
               "risk_b INTEGER)")
    names, group, ids = _domains_of(db, np.concatenate((changes.new, changes.lost)))
    count = len(names)

    def any_of(values: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=values[ids], minlength=count) > 0

    up_a, up_b, reported_a = any_of(state_a.up), any_of(state_b.up), any_of(state_a.reported)
    # New: live at the end, none of its links seen at the start (asked once for them all).
    maybe_new = up_b & ~up_a & ~reported_a
    in_new = maybe_new[group]
    seen = np.zeros(count, bool)
    seen[group[in_new][seen_at(db, a, _imports(db, a, b), "a", ids[in_new])]] = True
    new = maybe_new & ~seen
    # Lost: live at the start, not at the end; the weakest reason of its links down now.
    lost = up_a & ~up_b
    reasons = np.where(state_b.gone[ids], GONE_LIVE,
                       np.where(state_b.vendor_lost[ids], VENDOR_LOST, NOT_REPORTED))
    weakest = np.full(count, GONE_LIVE + 1)
    down = ~state_b.up[ids]
    np.minimum.at(weakest, group[down], reasons[down])
    rows: list[tuple[str, str, str | None]] = [(names[i], "new", None)
                                               for i in np.nonzero(new)[0].tolist()]
    rows += [(names[i], "lost", REASONS[int(weakest[i])]) for i in np.nonzero(lost)[0].tolist()]
    db.executemany("INSERT INTO tl_domains (domain, kind, reason) VALUES (?, ?, ?)", rows)
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


def _domains_of(db: sqlite3.Connection, ids: np.ndarray
                ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The domains of these links, and every (real) link of those domains: (names, the
    index in names of each link's domain, the link ids)."""
    db.execute("DROP TABLE IF EXISTS temp.tl_candidates")
    db.execute("CREATE TEMP TABLE tl_candidates (domain TEXT PRIMARY KEY) WITHOUT ROWID")
    for chunk in _chunks(np.unique(ids)):
        db.execute("INSERT OR IGNORE INTO tl_candidates SELECT domain FROM links "
                   "WHERE id IN (SELECT value FROM json_each(?))", (chunk,))
    names = [row[0] for row in db.execute("SELECT domain FROM tl_candidates ORDER BY domain")]
    row = db.execute(
        "SELECT group_concat(l.id), group_concat(c.rowid_ - 1) FROM "
        "(SELECT domain, row_number() OVER (ORDER BY domain) AS rowid_ FROM tl_candidates) AS c "
        "JOIN links AS l ON l.domain = c.domain WHERE l.placeholder = 0"
    ).fetchone()
    db.execute("DROP TABLE temp.tl_candidates")
    return names, parse_ids(row[1]), parse_ids(row[0])
