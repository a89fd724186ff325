"""Which referring domains show each page title and article path, kept between re-scores.

`network_title` and `network_path` count referring domains per title and per path across the
whole project. A full re-score counts them in a pass over every link; an incremental one
(incremental.py) must know the count of each title and path the touched links have, without
that pass. So the full re-score keeps `network_keys`: a (key, domain id) row for every title
and article path a referring domain shows, the key being a 32-bit checksum of the text (a
fraction of the text's size). An incremental re-score adds the touched domains' rows.

The rows are a superset, never an exact count: two texts may share a key, and a domain that
lost a title keeps its row until the next full re-score. So they only bound a count from
above, and the `recount` proves each decision: a text whose bound stays below the threshold
is no network; a text that was one stays one when the touched domains show it at least as
often as the rows allow them to have shown it before; any other is counted exactly in the
links of the domains its rows name (through the `links(domain)` index).
"""

from __future__ import annotations

import sqlite3
import zlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from linkdesk.core.scoring.flags import NETWORK_PATH_MIN_LENGTH, NETWORK_TITLE_MIN_LENGTH

PATH_SQL = "substr(l.source_url, instr(substr(l.source_url, 9), '/') + 8)"
"""The path and query of a normalised source URL (`https://host/path?q` -> `/path?q`)."""
TITLE, PATH = "t", "p"
Pair = tuple[int, str]  # (key, referring domain)


def key(kind: str, text: str) -> int:
    """The key of a title (`TITLE`) or path (`PATH`): a signed 32-bit checksum."""
    return zlib.crc32((kind + text).encode("utf-8", "surrogatepass")) - _HALF


def link_keys(title: str | None, source_url: str) -> list[int]:
    """The keys of a link's title and path that could count towards a network: every one the
    SQL of features.build_networks would count, and perhaps a few more."""
    found = []
    if title is not None and len(title) >= NETWORK_TITLE_MIN_LENGTH:
        found.append(_crc32(("t" + title).encode("utf-8", "surrogatepass")) - _HALF)
    cut = source_url.find("/", 8)  # as PATH_SQL
    path = source_url[cut:] if cut >= 0 else source_url[7:]
    if len(path) >= NETWORK_PATH_MIN_LENGTH and path.count("-") >= 2 and (
        "?" not in path or "\0" in path  # SQL reads a text only up to a NUL
    ):
        found.append(_crc32(("p" + path).encode("utf-8", "surrogatepass")) - _HALF)
    return found


_crc32 = zlib.crc32
_HALF = 1 << 31


def store_all(db: sqlite3.Connection, packed: array) -> None:
    """Replace every row by these rows, each packed in one int64 as `key << 32 | domain id`
    (so they sort as the table does; a full re-score; repeats are dropped)."""
    rows = np.unique(np.frombuffer(packed, dtype=np.int64))  # 8 bytes a row, not a tuple
    db.execute("DELETE FROM network_keys")
    for start in range(0, len(rows), _CHUNK):  # a JSON list: twice as quick as executemany
        numbers = ",".join(map(str, rows[start:start + _CHUNK].tolist()))
        db.execute("INSERT INTO network_keys (key, domain_id) SELECT value >> 32, "
                   "value & 4294967295 FROM json_each(?)", (f"[{numbers}]",))


_CHUNK = 50_000  # rows made Python ints at a time


def add_touched(db: sqlite3.Connection, pairs: Iterable[Pair]) -> None:
    """Add the rows of the touched domains (named: new ones have no id until scored)."""
    ids = dict(db.execute("SELECT domain, id FROM domain_scores WHERE domain IN "
                          "(SELECT domain FROM temp.score_scope)").fetchall())
    db.executemany("INSERT OR IGNORE INTO network_keys (key, domain_id) VALUES (?, ?)",
                   sorted({(k, ids[domain]) for k, domain in pairs if domain in ids}))


@dataclass
class Candidate:
    """A title or path the touched links show now, or a network one they may have lost."""

    kind: str
    text: str
    was_network: bool
    touched_now: set[str]  # touched domains showing it now


@dataclass(frozen=True)
class Counted:
    """What `recount` found: the candidates that are networks now, and the links elsewhere
    (outside the touched domains) of every candidate whose network flag changed."""

    networks: dict[str, dict[str, int]]  # kind -> text -> referring domains (or a bound)
    moved_links: list[tuple[int, str]]  # (link id, domain)


def recount(
    db: sqlite3.Connection, candidates: list[Candidate], touched: set[str],
    thresholds: dict[str, int],
) -> Counted:
    """Decide which candidates are networks now (see the module's docstring)."""
    keyed: dict[int, set[str]] = {key(c.kind, c.text): set() for c in candidates}
    db.execute("DROP TABLE IF EXISTS temp.score_keys")
    db.execute("CREATE TEMP TABLE score_keys (key INTEGER PRIMARY KEY)")
    db.executemany("INSERT INTO temp.score_keys VALUES (?)", [(k,) for k in keyed])
    for k, domain in db.execute(  # ids no domain has any more are of domains without links
        "SELECT n.key, d.domain FROM network_keys AS n JOIN domain_scores AS d "
        "ON d.id = n.domain_id WHERE n.key IN (SELECT key FROM temp.score_keys)"
    ):
        keyed[k].add(domain)
    db.execute("DROP TABLE temp.score_keys")
    networks: dict[str, dict[str, int]] = {TITLE: {}, PATH: {}}
    unsure: list[tuple[Candidate, set[str]]] = []
    for candidate in candidates:
        rows = keyed[key(candidate.kind, candidate.text)]
        before = len(rows & touched)  # at least the touched domains that showed it before
        elsewhere = rows - touched
        now = len(candidate.touched_now)
        threshold = thresholds[candidate.kind]
        if candidate.was_network and now >= before:
            networks[candidate.kind][candidate.text] = threshold  # no fewer domains than before
        elif candidate.was_network or len(elsewhere) + now >= threshold:
            unsure.append((candidate, elsewhere))  # counted: it may have crossed
    moved: list[tuple[int, str]] = []
    found = _links_elsewhere(db, unsure)
    for candidate, _ in unsure:
        links = found.get((candidate.kind, candidate.text), [])
        count = len({domain for _, domain in links}) + len(candidate.touched_now)
        network = count >= thresholds[candidate.kind]
        if network:
            networks[candidate.kind][candidate.text] = count
        if network != candidate.was_network:
            moved += links
    return Counted(networks, moved)


def _links_elsewhere(
    db: sqlite3.Connection, unsure: list[tuple[Candidate, set[str]]]
) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """The links of the named untouched domains that show each unsure candidate's text."""
    found: dict[tuple[str, str], list[tuple[int, str]]] = {}
    domains = set().union(*(elsewhere for _, elsewhere in unsure)) if unsure else set()
    if not domains:
        return found
    for table, values in (("temp.score_check_domains", domains),
                          ("temp.score_check_titles",
                           {c.text for c, _ in unsure if c.kind == TITLE}),
                          ("temp.score_check_paths",
                           {c.text for c, _ in unsure if c.kind == PATH})):
        db.execute(f"DROP TABLE IF EXISTS {table}")
        db.execute(f"CREATE TEMP TABLE {table.split('.')[1]} (value TEXT PRIMARY KEY) "
                   f"WITHOUT ROWID")
        db.executemany(f"INSERT INTO {table} VALUES (?)", [(value,) for value in values])
    rows = db.execute(
        f"SELECT l.id, l.domain, l.title IN (SELECT value FROM temp.score_check_titles), "
        f"l.title, {PATH_SQL} FROM links AS l "
        f"WHERE l.domain IN (SELECT value FROM temp.score_check_domains) "
        f"AND (l.title IN (SELECT value FROM temp.score_check_titles) "
        f"OR {PATH_SQL} IN (SELECT value FROM temp.score_check_paths))"
    ).fetchall()
    paths = {c.text for c, _ in unsure if c.kind == PATH}
    for link_id, domain, title_hit, title, path in rows:
        if title_hit:
            found.setdefault((TITLE, title), []).append((link_id, domain))
        if path in paths:
            found.setdefault((PATH, path), []).append((link_id, domain))
    for table in ("score_check_domains", "score_check_titles", "score_check_paths"):
        db.execute(f"DROP TABLE temp.{table}")
    return found
