"""Which referring domains show each page title and article path, kept between re-scores.

`network_title` and `network_path` count referring domains per title and per path across the
whole project. A full re-score counts them in a pass over every link; an incremental one
(incremental.py) must know the count of each title and path the touched links have, without
that pass. So the full re-score keeps, in `network_keys`, a pair for every title and article
path a referring domain shows: a 32-bit checksum of the text (the key) and the domain's id,
packed in one int64 (`key << 32 | domain id`), sorted, in one blob (8 bytes a pair: 13 MB for
a million links; as rows of a table they took 20 MB and twice the time to write). An
incremental re-score adds the touched domains' pairs.

The pairs are a superset, never an exact count: two texts may share a key, and a domain that
lost a title keeps its pair until the next full re-score. So they only bound a count from
above, and the `recount` proves each decision: a text whose bound stays below the threshold
is no network; a text that was one stays one when the touched domains show it at least as
often as the pairs allow them to have shown it before; any other is counted exactly in the
links of the domains its pairs name (through the `links(domain)` index).
"""

from __future__ import annotations

import json
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
    cut = source_url.find("/", 8)  # as PATH_SQL
    keys = page_keys(title, source_url[cut:] if cut >= 0 else source_url[7:])
    return [k for k in keys if k is not None]


def page_keys(title: str | None, path: str) -> tuple[int | None, int | None]:
    """The keys of a page's title and path (as `link_keys`; None: the text counts for no
    network), its path given as `PATH_SQL` reads it but with any NUL kept."""
    title_key = path_key = None
    if title is not None and len(title) >= NETWORK_TITLE_MIN_LENGTH:
        title_key = _crc32(title.encode("utf-8", "surrogatepass"), _TITLE_CRC) - _HALF
    if len(path) >= NETWORK_PATH_MIN_LENGTH and path.count("-") >= 2 and (
        "?" not in path or "\0" in path  # SQL reads a text only up to a NUL
    ):
        path_key = _crc32(path.encode("utf-8", "surrogatepass"), _PATH_CRC) - _HALF
    return title_key, path_key


_crc32 = zlib.crc32
_HALF = 1 << 31
# crc32(kind + text) continued from the kind's own: no concatenated copy of the text
_TITLE_CRC, _PATH_CRC = _crc32(TITLE.encode()), _crc32(PATH.encode())


def store_all(db: sqlite3.Connection, packed: array) -> np.ndarray:
    """Keep these pairs, each packed as `key << 32 | domain id`, instead of the stored ones (a
    full re-score); repeats are dropped. Returns the pairs kept (sorted)."""
    pairs = _distinct(np.sort(np.frombuffer(packed, dtype=np.int64)))
    _store(db, pairs)
    return pairs


def keys_on(pairs: np.ndarray, domains: int) -> np.ndarray:
    """The keys that sorted distinct pairs name with at least `domains` domains: every key of
    a title or path that many domains show (and perhaps a few more, see the module's doc)."""
    keys = pairs >> 32
    if len(keys) == 0:
        return keys
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    counts = np.diff(np.append(starts, len(keys)))
    return keys[starts[counts >= domains]]


def add_touched(db: sqlite3.Connection, kept: np.ndarray, pairs: Iterable[Pair]) -> None:
    """Add the pairs of the touched domains (named: new ones have no id until scored) to
    the `kept` ones (`kept_pairs`, read at the start of the re-score) and store them."""
    ids = dict(db.execute("SELECT domain, id FROM domain_scores WHERE domain IN "
                          "(SELECT domain FROM temp.score_scope)").fetchall())
    added = _distinct(np.sort(np.array(
        [k << 32 | ids[domain] for k, domain in pairs if domain in ids], dtype=np.int64)))
    at = np.minimum(np.searchsorted(kept, added), max(len(kept) - 1, 0))
    new = added[kept[at] != added] if len(kept) else added
    _store(db, np.insert(kept, np.searchsorted(kept, new), new))  # one copy, no sort


def stored(db: sqlite3.Connection) -> np.ndarray:
    """The kept pairs, sorted (none when a full re-score has not kept them yet)."""
    row = db.execute("SELECT pairs FROM network_keys WHERE id = 1").fetchone()
    return np.frombuffer(row[0] if row else b"", dtype=np.int64)


def kept_pairs(db: sqlite3.Connection) -> np.ndarray | None:
    """The kept pairs, sorted, if they are there and whole; else None (an edited project may
    have lost them: without them every count would look too small). Damaged ones (out of
    order, repeated: the lookups' binary search would miss pairs; far more than the links
    could have) are not kept either. An incremental re-score reads them here, once (13 MB
    for a million links), and hands them to `recount` and `add_touched`."""
    row = db.execute("SELECT typeof(pairs), length(pairs), (SELECT count(*) FROM links) "
                     "FROM network_keys WHERE id = 1").fetchone()
    if row is None or row[0] != "blob" or row[1] % 8:
        return None
    if row[1] > 8 * _MOST_PAIRS_PER_LINK * (row[2] + 1_000):
        return None  # not read: it could take all the memory there is
    pairs = stored(db)
    return pairs if bool(np.all(pairs[1:] > pairs[:-1])) else None


# A full re-score keeps at most two pairs a link (its title and its path); incremental ones
# add those of changed titles. Far more is damage, and a full re-score is only slower.
_MOST_PAIRS_PER_LINK = 8


def _distinct(ordered: np.ndarray) -> np.ndarray:
    """A sorted array without its repeats (np.unique hashes: several times slower here)."""
    if len(ordered) == 0:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _store(db: sqlite3.Connection, pairs: np.ndarray) -> None:
    db.execute("INSERT OR REPLACE INTO network_keys (id, pairs) VALUES (1, ?)",
               (pairs.astype(np.int64).tobytes(),))


def domains_of(db: sqlite3.Connection, pairs: np.ndarray,
               keys: Iterable[int]) -> dict[int, set[str]]:
    """The domains the kept `pairs` name for each of these keys (ids no domain has any more
    are of domains without links: left out)."""
    wanted = np.array(sorted(set(keys)), dtype=np.int64)
    starts = np.searchsorted(pairs, wanted << 32, side="left")
    ends = np.searchsorted(pairs, (wanted << 32) | 0xFFFFFFFF, side="right")
    ids = {int(k): (pairs[a:b] & 0xFFFFFFFF).tolist()
           for k, a, b in zip(wanted.tolist(), starts, ends, strict=True)}
    needed = sorted({i for found in ids.values() for i in found})
    names = dict(db.execute("SELECT id, domain FROM domain_scores WHERE id IN "
                            "(SELECT value FROM json_each(?))", (json.dumps(needed),)).fetchall())
    return {k: {names[i] for i in found if i in names} for k, found in ids.items()}


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
    db: sqlite3.Connection, kept: np.ndarray, candidates: list[Candidate], touched: set[str],
    thresholds: dict[str, int],
) -> Counted:
    """Decide which candidates are networks now (see the module's docstring) from the `kept`
    pairs (`kept_pairs`)."""
    keyed = domains_of(db, kept, (key(c.kind, c.text) for c in candidates))
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
