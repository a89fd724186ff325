"""What a vendor import's rows say, packed into a few arrays and kept in the project.

An import's observations never change, so the timeline reads each snapshot once through SQL
(a million wide rows take seconds), keeps the arrays in `snapshot_digests` and reads those
afterwards (milliseconds). A digest holds, per observation in id order: the link id, a code
(lost, and a base-3 digit per attribute: no, yes, not said) and the CRC-32 of the anchor
trimmed and lower-cased (two different anchors share a CRC once in four billion).
"""

from __future__ import annotations

import sqlite3
import warnings
import zlib
from dataclasses import dataclass

import numpy as np

FORMAT = 2  # 2: the arrays as they are (decompressing 1M rows cost 0.2 s)
LOST = 1
DIGITS = ("nofollow", "ugc", "sponsored", "redirect", "image", "sitewide")
NOT_SAID = 2
# lost (0/1) plus twice a base-3 number of the DIGITS (0 no, 1 yes, 2 not said).
CODE_SQL = (
    "((coalesce(lost, 0) <> 0) + 2 * (coalesce(nofollow <> 0, 2) + 3 * coalesce(ugc <> 0, 2) "
    "+ 9 * coalesce(sponsored <> 0, 2) + 27 * coalesce(redirect <> 0, 2) "
    "+ 81 * coalesce(image <> 0, 2) + 243 * coalesce(sitewide <> 0, 2)))"
)
MAX_CODE = LOST + 2 * (3 ** len(DIGITS) - 1)  # lost, every attribute not said: 1457
NO_ANCHOR = zlib.crc32(b"\x1e")  # the vendor gives no anchor
# The rows read into arrays by link id (a snapshot's, the live checks'): those naming one.
# An edited file's -1 would index the arrays from their end (the last link), and its text
# would stop group_concat's parse.
LINKED_SQL = "typeof(link_id) = 'integer' AND link_id > 0"


@dataclass
class Digest:
    """One import's observations as arrays."""

    import_id: int
    links: np.ndarray  # int64 link ids
    codes: np.ndarray  # int16 codes
    anchors: np.ndarray  # uint32 anchor CRCs
    observations: np.ndarray  # int64 observation ids
    first: int | None  # the import's recorded first observation id
    stored: bool = True  # False: made now, not in the project yet

    @property
    def dense(self) -> bool:
        """Its observation ids are the run from `first` (so need not be stored)."""
        count = len(self.observations)
        return (self.first is not None and count > 0 and int(self.observations[0]) == self.first
                and int(self.observations[-1]) - self.first == count - 1)


def digit(codes: np.ndarray, name: str) -> np.ndarray:
    """One attribute's digit of codes: 0 no, 1 yes, 2 not said."""
    return (codes.astype(np.int64) >> 1) // 3 ** DIGITS.index(name) % 3


def parse_ids(text: str | None) -> np.ndarray:
    """A comma-separated list of integers (group_concat) as an int64 array."""
    if not text:
        return np.zeros(0, np.int64)
    with warnings.catch_warnings():  # numpy's text parser: far faster than str.split
        warnings.simplefilter("ignore", DeprecationWarning)
        return np.fromstring(text, dtype=np.int64, sep=",")


def anchor_crc(anchor: str) -> int:
    """The CRC-32 of an anchor trimmed and lower-cased (vendors differ in such details)."""
    return zlib.crc32(anchor.strip().lower().encode("utf-8", "surrogatepass"))


def _pack(array: np.ndarray) -> bytes:
    return array.tobytes()


def _unpack(blob: object, dtype: type, count: int) -> np.ndarray | None:
    """The array a stored blob holds, or None when it is not `count` items of `dtype` (a
    damaged or foreign project: the digest is then made again from the rows)."""
    if not isinstance(blob, bytes) or len(blob) != count * np.dtype(dtype).itemsize:
        return None
    return np.frombuffer(blob, dtype=dtype)


def load_digest(db: sqlite3.Connection, import_id: int, first: int | None,
                last: int | None) -> Digest:
    """The import's digest: from the project, else read from its observations (then
    `stored` is False and `store_digests` can keep it, replacing a damaged one)."""
    row = db.execute("SELECT rows, links, codes, anchors, observation_ids FROM snapshot_digests "
                     "WHERE import_id = ? AND format = ?", (import_id, FORMAT)).fetchone()
    digest = None
    if row is not None:
        top = int(db.execute("SELECT coalesce(max(id), 0) FROM links").fetchone()[0])
        digest = _stored_digest(row, import_id, first, last, top)
    return digest if digest is not None else make_digest(db, import_id, first, last)


def _stored_digest(row: tuple, import_id: int, first: int | None,
                   last: int | None, top: int) -> Digest | None:
    """A stored digest whose arrays agree with each other and with the import's run of ids,
    whose link ids are links' ids (1 to `top`, the largest) and whose codes are codes (0 to
    MAX_CODE); None otherwise."""
    count = row[0]
    if not isinstance(count, int) or count < 0:
        return None
    links = _unpack(row[1], np.int64, count)
    codes = _unpack(row[2], np.int16, count)
    anchors = _unpack(row[3], np.uint32, count)
    if row[4] is not None:
        observations = _unpack(row[4], np.int64, count)
    elif first is not None and (last is None or count <= int(last) - int(first) + 1):
        observations = np.arange(int(first), int(first) + count, dtype=np.int64)
    else:  # stored as the import's run of ids, but the run is shorter
        observations = None
    if links is None or codes is None or anchors is None or observations is None:
        return None
    if count and (int(links.min()) < 1 or int(links.max()) > top):  # they index arrays
        return None
    if count and (int(codes.min()) < 0 or int(codes.max()) > MAX_CODE):  # misread otherwise
        return None
    return Digest(import_id, links, codes, anchors, observations, first)


def make_digest(db: sqlite3.Connection, import_id: int, first: int | None,
                last: int | None) -> Digest:
    """Read an import's observations into a digest (by its run of ids when recorded)."""
    ranged = first is not None and last is not None
    where = f"id BETWEEN {int(first or 0)} AND {int(last or 0)} AND " if ranged else ""
    row = db.execute(
        f"SELECT group_concat(link_id), group_concat({CODE_SQL}), count(*), "
        # The separators are taken out of the anchors (a vendor's file may hold them):
        # one in an anchor would shift every later anchor onto the wrong link.
        f"group_concat(coalesce(replace(replace(anchor, char(31), ' '), char(30), ' '), "
        f"char(30)), char(31)) "
        f"FROM observation_fields WHERE {where}import_id = ? AND {LINKED_SQL}", (import_id,)
    ).fetchone()
    links = parse_ids(row[0])
    codes = parse_ids(row[1]).astype(np.int16)
    texts = row[3].split("\x1f") if row[3] is not None else []
    anchors = np.fromiter((NO_ANCHOR if text == "\x1e" else anchor_crc(text) for text in texts),
                          dtype=np.uint32, count=len(texts))
    if ranged and row[2] == int(last or 0) - int(first or 0) + 1:
        observations = np.arange(int(first or 0), int(last or 0) + 1, dtype=np.int64)
    else:  # not one dense run: read the ids
        observations = parse_ids(db.execute(
            f"SELECT group_concat(id) FROM observations WHERE import_id = ? AND {LINKED_SQL}",
            (import_id,)
        ).fetchone()[0])
    return Digest(import_id, links, codes, anchors, observations, first, stored=False)


DIGEST_WAIT_MS = 200  # how long keeping digests waits for another writer, then gives up


def store_digests(db: sqlite3.Connection, digests: list[Digest]) -> None:
    """Keep new digests in the project, in a transaction of their own; when the project is
    busy (another program writing) they are simply made again next time."""
    fresh = [d for d in digests if not d.stored]
    if not fresh or db.in_transaction:
        return
    # Not the connection's long wait for the write lock: a cache is not worth stalling a
    # reader for (a window's table loader, the opening summary) while an import writes.
    waited = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute(f"PRAGMA busy_timeout = {DIGEST_WAIT_MS}")
    try:
        db.execute("BEGIN IMMEDIATE")
        _write(db, fresh)
        db.execute("COMMIT")
    except sqlite3.OperationalError:  # busy, or a read-only file: not worth failing for
        if db.in_transaction:
            db.execute("ROLLBACK")
        return
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(waited)}")
    for digest in fresh:
        digest.stored = True


def keep_digests(db: sqlite3.Connection, digests: list[Digest]) -> None:
    """Keep new digests in the project within the writer's open transaction (an import's
    status settling reads the latest snapshots: the next comparison need not read them)."""
    fresh = [d for d in digests if not d.stored]
    if fresh:
        _write(db, fresh)
        for digest in fresh:
            digest.stored = True


def _write(db: sqlite3.Connection, fresh: list[Digest]) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO snapshot_digests (import_id, format, rows, links, codes, "
        "anchors, observation_ids) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(d.import_id, FORMAT, len(d.links), _pack(d.links), _pack(d.codes),
          _pack(d.anchors), None if d.dense else _pack(d.observations))
         for d in fresh])
