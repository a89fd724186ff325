"""What changed between two points of the timeline: new, lost and changed links and domains.

    changes = compute_changes(db, since_point(db, None), now())   # since the last review
    changes.counts.new_links, changes.links("lost"), changes.domains(limit=100)

The rows stay in temporary tables of the connection (compute.py) until the next
`compute_changes` on it, so a table filter can use them in SQL (`changes_clause`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from linkdesk.core.scoring import BANDS, RISK_LEVELS
from linkdesk.core.timeline.compute import (
    REASONS,
    domain_changes,
    link_changes,
    write_link_changes,
)
from linkdesk.core.timeline.digests import store_digests
from linkdesk.core.timeline.points import Point

RISKY, STRONG = BANDS.index("risky"), BANDS.index("strong")
LOST_REASONS = tuple(REASONS.values())
# Lists put what needs attention first: the riskiest, then the strongest, by today's scores
# (unscored last), then by name, so that equal rows keep one order. Alphabetical order put
# IP addresses first and hid a burst of risky throw-away domains in "... and 9,653 more".
_WORST_FIRST = "coalesce({s}.risk_points, 0) DESC, {s}.quality IS NULL, {s}.quality DESC"
_KIND_ORDER = "CASE {c}.kind WHEN 'new' THEN 0 WHEN 'lost' THEN 1 ELSE 2 END"
# What an observation says that a change can be about, read for the before and after.
_SHOWN = ("anchor", "nofollow", "ugc", "sponsored", "redirect", "image", "sitewide")
_BATCH = 500  # link changes whose observations are read at once


@dataclass(frozen=True)
class ChangeCounts:
    """How many links and domains changed, and how lost links were lost."""

    new_links: int = 0
    lost_links: int = 0
    changed_links: int = 0
    new_domains: int = 0
    lost_domains: int = 0
    changed_domains: int = 0
    lost_links_by_reason: dict[str, int] = field(default_factory=dict)
    lost_domains_by_reason: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class LinkChange:
    """One link's change. `fields` maps what changed to (before, after), in words."""

    link_id: int
    url: str  # the linking page
    target: str
    domain: str
    kind: str  # new, lost, changed
    reason: str | None = None  # for lost links: vendor_lost, no_longer_reported, gone_live
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class DomainChange:
    """One referring domain's change; `fields` holds band and risk moves (before, after)."""

    domain: str
    kind: str
    reason: str | None = None
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Changes:
    """The changes from `since` to `until`, held in the connection's temporary tables."""

    db: sqlite3.Connection
    since: Point
    until: Point
    counts: ChangeCounts
    grades_known: bool  # False: no recorded band/risk at one end, so no band or risk moves

    def links(self, kind: str | None = None, limit: int | None = None) -> list[LinkChange]:
        """The link changes (of one kind, or all), by kind, worst first, then URL."""
        return list(self.iter_links(kind, limit))

    def iter_links(self, kind: str | None = None,
                   limit: int | None = None) -> Iterator[LinkChange]:
        """`links`, one at a time (a million changes need not be held at once)."""
        where, params = ("WHERE c.kind = ?", (kind,)) if kind else ("", ())
        # What the observations said is read for the rows listed only, by id: joined here,
        # the view `observation_fields` (a join, on the right of a LEFT JOIN) was built
        # whole for every list, 1-2 s a list at 340k links even for 20 entries.
        rows = self.db.execute(
            "SELECT c.link_id, l.source_url, l.target_url, l.domain, c.kind, c.reason, c.what, "
            "p.target_url, c.obs_a, c.obs_b FROM tl_changes AS c "
            "JOIN links AS l ON l.id = c.link_id LEFT JOIN links AS p ON p.id = c.previous_link_id "
            f"LEFT JOIN link_scores AS s ON s.link_id = c.link_id {where} "
            f"ORDER BY {_KIND_ORDER.format(c='c')}, {_WORST_FIRST.format(s='s')}, "
            f"l.source_url, l.target_url LIMIT {_sql_limit(limit)}", params)
        return self._with_observations(rows)

    def _with_observations(self, rows: sqlite3.Cursor) -> Iterator[LinkChange]:
        """The link changes of `rows` (ending in the two observation ids), with what those
        observations said, read a batch of rows at a time."""
        unsaid = (None,) * len(_SHOWN)
        while batch := rows.fetchmany(_BATCH):
            also = self._told_also([row[0] for row in batch if row[4] == "changed"])
            ids = {int(obs) for row in batch for obs in row[8:10] if obs is not None}
            ids.update(int(obs) for pairs in also.values() for _, *pair in pairs
                       for obs in pair if obs is not None)
            said = {row[0]: row[1:] for row in self.db.execute(
                f"SELECT id, {', '.join(_SHOWN)} FROM observation_fields "
                f"WHERE id IN ({', '.join(map(str, sorted(ids)))})")} if ids else {}
            for row in batch:
                yield _link_change((*row[:8], *said.get(row[8], unsaid),
                                    *said.get(row[9], unsaid)),
                                   [(what, said.get(a, unsaid), said.get(b, unsaid))
                                    for what, a, b in also.get(row[0], [])])

    def _told_also(self, link_ids: list[int]) -> dict[int, list[tuple[str, Any, Any]]]:
        """What later vendors tell of these changed links (compute.merge_vendor_changes):
        link id -> [(what, observation at the start, at the end)]."""
        also: dict[int, list[tuple[str, Any, Any]]] = {}
        if link_ids:
            for link_id, what, obs_a, obs_b in self.db.execute(
                    "SELECT link_id, what, obs_a, obs_b FROM tl_changed_also WHERE link_id IN "
                    f"({', '.join(map(str, link_ids))}) ORDER BY rowid"):
                also.setdefault(link_id, []).append((what, obs_a, obs_b))
        return also

    def domains(self, kind: str | None = None, limit: int | None = None) -> list[DomainChange]:
        """The domain changes (of one kind, or all), by kind, worst first, then name."""
        return list(self.iter_domains(kind, limit))

    def iter_domains(self, kind: str | None = None,
                     limit: int | None = None) -> Iterator[DomainChange]:
        """`domains`, one at a time."""
        where, params = ("WHERE t.kind = ?", (kind,)) if kind else ("", ())
        rows = self.db.execute(
            "SELECT t.domain, t.kind, t.reason, t.what, t.band_a, t.band_b, t.risk_a, t.risk_b "
            "FROM tl_domains AS t LEFT JOIN domain_scores AS s ON s.domain = t.domain "
            f"{where} ORDER BY {_KIND_ORDER.format(c='t')}, {_WORST_FIRST.format(s='s')}, "
            f"t.domain LIMIT {_sql_limit(limit)}", params)
        return (_domain_change(row) for row in rows)

    def as_json(self, limit: int | None = None) -> dict[str, Any]:
        """Counts and lists as plain JSON values (what `linkdesk changes --json` prints)."""
        lists = self.json_lists(limit)
        return {**self.json_head(), **{name: list(entries) for name, entries in lists.items()}}

    def json_head(self) -> dict[str, Any]:
        """The counts and the two points, as in `as_json`; up to now, also the risky new
        domains and the lost links from strong domains (`by_todays_bands`)."""
        head = {**asdict(self.counts), "since": self.since.label, "until": self.until.label,
                "grades_known": self.grades_known}
        bands = self.todays_bands()
        if bands is not None:
            head["risky_new_domains"], head["strong_links_lost"] = bands
        return head

    def todays_bands(self) -> tuple[int, int] | None:
        """`by_todays_bands` when these changes end now; None otherwise (today's bands
        describe only that end)."""
        return by_todays_bands(self.db, self.since) if self.until.kind == "now" else None

    def json_lists(self, limit: int | None = None) -> dict[str, Iterator[dict[str, Any]]]:
        """The "links" and "domains" lists of `as_json`, read one entry at a time."""
        return {"links": (_json_entry(asdict(c), "url") for c in self.iter_links(limit=limit)),
                "domains": (_json_entry(asdict(c), "domain")
                            for c in self.iter_domains(limit=limit))}


def by_todays_bands(db: sqlite3.Connection, since: Point | None = None) -> tuple[int, int]:
    """Of the changes last computed on this connection (`compute_changes`): the new referring
    domains that are risky and the lost links from strong domains, by the stored scores (the
    opening summary's "(5 risky)" and "18 links from strong domains lost"). A domain strong
    at `since` (its review's grades) counts too: its lost links lower today's score."""
    risky = _count(db, "SELECT count(*) FROM tl_domains AS t JOIN domain_scores AS s "
                        f"ON s.domain = t.domain WHERE t.kind = 'new' AND s.band = {RISKY}")
    then = since.grades if since is not None else None
    strong_then = (f"OR l.domain IN (SELECT domain FROM review_grades WHERE review_id = "
                   f"{int(then)} AND band = {STRONG})") if isinstance(then, int) else ""
    strong_lost = _count(db, "SELECT count(*) FROM tl_changes AS t JOIN links AS l "
                              "ON l.id = t.link_id LEFT JOIN domain_scores AS s "
                              f"ON s.domain = l.domain WHERE t.kind = 'lost' "
                              f"AND (s.band = {STRONG} {strong_then})")
    return risky, strong_lost


def _count(db: sqlite3.Connection, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0] or 0)


def _json_entry(entry: dict[str, Any], key: str) -> dict[str, Any]:
    head = {key: entry.pop(key), "change": entry.pop("kind")}
    reason = entry.pop("reason")
    if reason is not None:
        head["reason"] = reason
    entry["fields"] = {name: list(pair) for name, pair in entry["fields"].items()}
    return {**head, **entry}


def rel_name(nofollow: object, ugc: object, sponsored: object) -> str | None:
    """A rel in words: "follow", "nofollow", "nofollow ugc"...; None when not reported."""
    if nofollow is None and ugc is None and sponsored is None:
        return None
    names = [name for name, value in (("nofollow", nofollow), ("ugc", ugc),
                                      ("sponsored", sponsored)) if value]
    return " ".join(names) or "follow"


def _flag(value: object) -> bool | None:
    return None if value is None else bool(value)


def _says(values: tuple[Any, ...]) -> dict[str, Any]:
    anchor, nofollow, ugc, sponsored, redirect, image, sitewide = values
    return {"anchor": anchor, "rel": rel_name(nofollow, ugc, sponsored),
            "redirect": _flag(redirect), "image": _flag(image), "sitewide": _flag(sitewide)}


def _link_change(row: tuple[Any, ...],
                 also: list[tuple[str, tuple[Any, ...], tuple[Any, ...]]]) -> LinkChange:
    """A LinkChange from its row and what its observations said; `also`: what later vendors
    told (what, their observations' values at the start and at the end), each read for the
    attributes it tells (the row's observations say the others)."""
    link_id, url, target, domain, kind, reason, what, previous_target = row[:8]
    count = len(_SHOWN)
    before, after = _says(row[8:8 + count]), _says(row[8 + count:8 + 2 * count])
    before["target"], after["target"] = previous_target, target
    for names, said_a, said_b in also:
        before_also, after_also = _says(said_a), _says(said_b)
        for name in names.split(","):
            before[name], after[name] = before_also[name], after_also[name]
    fields = {name: (before[name], after[name]) for name in (what or "").split(",") if name}
    return LinkChange(link_id, url, target, domain, kind, reason, fields)


def _sql_limit(limit: int | None) -> int:
    """A LIMIT SQLite takes: -1 (none) for no limit or one beyond its 64-bit integers."""
    return -1 if limit is None or int(limit) >= 2 ** 63 else int(limit)


def _word(words: tuple[str, ...], value: Any) -> str | None:
    """A recorded band or risk level in words; None for a value the project should not hold."""
    return words[value] if isinstance(value, int) and 0 <= value < len(words) else None


def _domain_change(row: tuple[Any, ...]) -> DomainChange:
    domain, kind, reason, what, band_a, band_b, risk_a, risk_b = row
    names = {"band": (BANDS, band_a, band_b), "risk": (RISK_LEVELS, risk_a, risk_b)}
    fields = {}
    for name in (what or "").split(","):
        if name:
            words, before, after = names[name]
            fields[name] = (_word(words, before), _word(words, after))
    return DomainChange(domain, kind, reason, fields)


def compute_changes(db: sqlite3.Connection, since: Point, until: Point) -> Changes:
    """Compute the changes from `since` to `until` into the connection's temporary tables.

    Reads the project only (one read transaction, so an import committing meanwhile cannot
    mix two states). Band and risk moves need recorded grades at both ends: a review's, or
    the current scores at NOW (score the project first: they are used only when current).
    """
    with read_snapshot(db):
        links, state_a, state_b = link_changes(db, since, until)
        write_link_changes(db, links)
        grades_known = domain_changes(db, since, until, links, state_a, state_b)
        counts = _counts(db)
        db.execute("DROP TABLE IF EXISTS temp.tl_state")
        db.execute("CREATE TEMP TABLE tl_state AS SELECT ? AS key, ? AS grades_known",
                   (state_key(db, since, until), grades_known))
    store_digests(db, links.digests)  # after the read: it takes the write lock briefly
    return Changes(db, since, until, counts, grades_known)


def state_key(db: sqlite3.Connection, since: Point, until: Point) -> str:
    """What the changes from `since` to `until` depend on: the points, and the project's
    imports (and their days: `linkdesk imports --set-day`), reviews, live checks and scores.
    Equal keys, equal changes.

    Only imports change links, and each adds an `imports` row: the imports' ids stand for
    the links too. Every re-score rewrites the `scores` entry of `scoring_state` (what the
    scores were computed from, and when), so that entry stands for the scores.
    """
    imports = db.execute("SELECT id, as_of FROM imports ORDER BY id").fetchall()
    data = db.execute(
        "SELECT (SELECT max(id) FROM reviews), (SELECT max(id) FROM link_checks), "
        "(SELECT value FROM scoring_state WHERE key = 'scores')"
    ).fetchone()
    # repr of tuples of plain values: no two different states read alike
    return repr((since, until, tuple(imports), tuple(data)))


def cached_changes(db: sqlite3.Connection, since: Point, until: Point) -> Changes:
    """`compute_changes`, unless this connection holds the same changes already (the same
    points, and the project unchanged since)."""
    try:
        row = db.execute("SELECT key, grades_known FROM temp.tl_state").fetchone()
    except sqlite3.OperationalError:  # none computed on this connection yet
        row = None
    if row is not None and row[0] == state_key(db, since, until):
        with read_snapshot(db):
            return Changes(db, since, until, _counts(db), bool(row[1]))
    return compute_changes(db, since, until)


@contextmanager
def read_snapshot(db: sqlite3.Connection) -> Iterator[None]:
    """One deferred transaction: every read sees the same state, and no write lock is taken
    (only temporary tables are written). Inside a caller's transaction, that one serves."""
    if db.in_transaction:
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _counts(db: sqlite3.Connection) -> ChangeCounts:
    links = dict(db.execute("SELECT kind, count(*) FROM tl_changes GROUP BY kind").fetchall())
    domains = dict(db.execute("SELECT kind, count(*) FROM tl_domains GROUP BY kind").fetchall())
    lost_links = dict(db.execute("SELECT reason, count(*) FROM tl_changes WHERE kind = 'lost' "
                                 "GROUP BY reason").fetchall())
    lost_domains = dict(db.execute("SELECT reason, count(*) FROM tl_domains "
                                   "WHERE kind = 'lost' GROUP BY reason").fetchall())
    return ChangeCounts(
        new_links=links.get("new", 0), lost_links=links.get("lost", 0),
        changed_links=links.get("changed", 0), new_domains=domains.get("new", 0),
        lost_domains=domains.get("lost", 0), changed_domains=domains.get("changed", 0),
        lost_links_by_reason={r: lost_links.get(r, 0) for r in LOST_REASONS},
        lost_domains_by_reason={r: lost_domains.get(r, 0) for r in LOST_REASONS},
    )
