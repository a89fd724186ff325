"""A second process for the titles pass of a full re-score: the first score uses both cores.

Scoring is one SQLite connection, so one core, and a full re-score of a big project is a chain
of steps (domains, anchors, titles, networks, links, ...). Only the titles pass is Python over
the links alone (features._scan_pages: regular expressions, checksums, about 5.7 s for a million
links), so a spawned process starts on it as the re-score starts, reading the project through a
read-only connection of its own (write-ahead log: it sees the links as committed, which are the
links the re-score's transaction reads: the helper runs only when the re-score is its own
transaction). Meanwhile this process works out the domains and anchors; then both take ranges
of link ids (`CHUNK` at a time, from a shared counter) until none is left, and the helper's
findings are joined to this process's (pagescan.ScanParts).

The pairs `network_keys` keeps name a domain by its `domain_scores` id, which the helper cannot
read (the re-score writes it, uncommitted): the ids are 1, 2, ... in the domains' sorted order
(`_build_domains` inserts them so into an emptied table), so the helper numbers the distinct
domains of the links in their index order, and this process checks the numbering against the
table (the count and a sample) before using any of its pairs; should it differ, every link is
scanned here instead.

A helper that fails or stops raises ProjectError with what happened (the re-score is rolled
back); one that cannot start leaves the whole pass to this process. A cancel ends it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sqlite3
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linkdesk.core.importers.parallel import start_spawned
from linkdesk.core.scoring.model import Model
from linkdesk.core.scoring.pagescan import SCAN_SQL, ScanParts, scan_rows
from linkdesk.core.store import ProjectError

_log = logging.getLogger(__name__)

MIN_LINKS = 200_000
"""Below this many links the titles pass takes about a second: not worth a process."""
MIN_DOMAIN_SHARE = 0.5
"""The helper runs when the referring domains are at least this share of the links (a wide
profile: its titles pass is over before the domains step is, ~10 µs of CPU a domain). With
fewer (a heavy tail: 109k domains for 1M links) the two processes share most of the pass,
which measured no faster on a shared 2-core machine and cost 1-2 s more CPU (README)."""
CHUNK = 32_768
"""Link ids a process claims at a time."""
_SAMPLE_EVERY = 1_000  # domain numbers checked against `domain_scores`: 1, 1001, ...
_POLL_SECONDS = 0.05  # how often a cancel is checked while waiting for the helper

CancelCheck = Callable[[], None]
"""Raises when the re-score was cancelled (engine.ScoreCancelled)."""


@dataclass(frozen=True)
class _Job:
    """What the helper needs: picklable."""

    path: str
    model: Model
    last_id: int


@dataclass(frozen=True)
class _Found:
    """What the helper sends back first; then each array of its ScanParts, as raw bytes
    (no pickled copy, received straight into an array)."""

    domains: int  # how many it numbered
    samples: list[tuple[int, Any]]  # (number, domain) every `_SAMPLE_EVERY`, and the last
    lengths: dict[str, int]  # ScanParts array -> its length


class ScanHelper:
    """The helper process of one full re-score; see the module's doc."""

    def __init__(self, job: _Job, first_id: int, check_cancel: CancelCheck) -> None:
        self.path = job.path
        self._last_id = job.last_id
        self._check_cancel = check_cancel
        # the first link id nobody has claimed
        self._next = multiprocessing.get_context("spawn").Value("q", first_id)
        self._process, self._receiver = start_spawned(_scan_part, job, self._next)

    def chunks(self) -> Iterator[tuple[int, int]]:
        """Ranges of link ids (first, last) for this process, until none is left."""
        while (claimed := _claim(self._next, self._last_id, self._process.is_alive)) is not None:
            yield claimed

    def result(self, db: sqlite3.Connection) -> ScanParts | None:
        """Wait for the helper's findings (a cancel is checked meanwhile); None when its
        domain numbers are not the ids of `domain_scores`. Raises ProjectError when it
        failed or stopped."""
        while not self._receiver.poll(_POLL_SECONDS):
            self._check_cancel()
        try:
            kind, found = self._receiver.recv()
            if kind != "ok":
                raise _error(self.path, kind, found)
            parts = ScanParts()
            for name, length in found.lengths.items():
                values = array("q", bytes(8 * length))
                self._receiver.recv_bytes_into(values)
                setattr(parts, name, values)
        except (EOFError, OSError):
            self._process.join()
            raise ProjectError(
                f"{self.path}: the second scoring process stopped unexpectedly (exit code "
                f"{self._process.exitcode}); the scores are unchanged") from None
        self._process.join()
        if not _numbered_alike(db, found):
            _log.warning("the second scoring process numbered the domains differently; "
                         "scanning its links again")
            return None
        return parts

    def stop(self) -> None:
        """End the process (done, failed or cancelled)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receiver.close()


@contextmanager
def scan_helper(
    db: sqlite3.Connection, model: Model, check_cancel: CancelCheck, *, allowed: bool
) -> Iterator[ScanHelper | None]:
    """A helper for this full re-score, or None when it would not pay or cannot run: not
    `allowed` (the re-score runs inside the caller's transaction, whose changes another
    connection cannot read), one core, a file without write-ahead log, few links, few
    domains for the links."""
    helper = _start(db, model, check_cancel) if allowed else None
    try:
        yield helper
    finally:
        if helper is not None:
            helper.stop()


def _start(db: sqlite3.Connection, model: Model, check_cancel: CancelCheck) -> ScanHelper | None:
    if (os.cpu_count() or 1) < 2:
        return None
    path = next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "")
    if not path or db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        return None
    count, first, last = db.execute("SELECT count(*), min(id), max(id) FROM links").fetchone()
    if count < MIN_LINKS or last - first > 8 * count:  # sparse ids: a big numbering array
        return None
    if first < 1:  # an edited file's id would index the numbering array from its end
        return None
    # The import's roll-up counts the domains in no time (an estimate is enough here).
    domains = db.execute("SELECT count(*) FROM referring_domains").fetchone()[0]
    if domains < MIN_DOMAIN_SHARE * count:
        return None
    try:
        return ScanHelper(_Job(path, model, last), first, check_cancel)
    except OSError as error:  # no process to be had (a process limit): scanned here
        _log.warning("the second scoring process could not start (%s)", error)
        return None


def _claim(counter: Any, last_id: int, other_alive: Callable[[], bool]) -> tuple[int, int] | None:
    """The next range of link ids, or None when none is left (or the other process ended
    while holding the counter's lock: a helper killed there would block this one for good)."""
    lock = counter.get_lock()
    while not lock.acquire(timeout=_POLL_SECONDS * 10):
        if not other_alive():
            return None
    try:
        first = counter.value
        if first > last_id:
            return None
        counter.value = first + CHUNK
    finally:
        lock.release()
    return first, min(first + CHUNK - 1, last_id)


def _error(path: str, kind: str, message: str) -> Exception:
    if kind == "project":  # a damaged link, said as this process would say it
        return ProjectError(message)
    if kind == "sqlite" and "Could not decode to UTF-8" in message:
        return sqlite3.OperationalError(message)  # damage.text_errors says which column
    return ProjectError(f"{path}: the second scoring process failed ({message}); the scores "
                        f"are unchanged")


def _numbered_alike(db: sqlite3.Connection, found: _Found) -> bool:
    count, low, high = db.execute(
        "SELECT count(*), min(id), max(id) FROM domain_scores").fetchone()
    if count != found.domains or (count and (low, high) != (1, count)):
        return False
    return all(db.execute("SELECT domain FROM domain_scores WHERE id = ?", (number,)
                          ).fetchone() == (domain,) for number, domain in found.samples)


# -- the helper process -----------------------------------------------------------------------


def _scan_part(job: _Job, counter: Any, results: Any) -> None:
    """Helper process: number the domains, then scan claimed ranges of links."""
    try:
        db = sqlite3.connect(f"{Path(job.path).resolve().as_uri()}?mode=ro", uri=True,
                             isolation_level=None)
        db.execute("PRAGMA busy_timeout = 30000")
        db.execute("BEGIN")  # one snapshot for every read
        numbers, domains, samples = _number_domains(db, job.last_id)
        from linkdesk.core.scoring.features import PageMarks  # not before: a cycle

        judge, parts = PageMarks(job.model), ScanParts()
        query = SCAN_SQL.format(key="l.id") + " WHERE l.id BETWEEN ? AND ?"
        parent = multiprocessing.parent_process()
        alive = parent.is_alive if parent is not None else lambda: True
        while (claimed := _claim(counter, job.last_id, alive)) is not None:
            scan_rows(db, db.execute(query, claimed), judge, parts, numbers.__getitem__)
        db.execute("COMMIT")
        db.close()
        del numbers
        arrays = vars(parts)
        results.send(("ok", _Found(domains, samples, {k: len(v) for k, v in arrays.items()})))
        for values in arrays.values():
            results.send_bytes(values)
    except ProjectError as error:
        results.send(("project", str(error)))
    except sqlite3.Error as error:
        results.send(("sqlite", f"{type(error).__name__}: {error}"))
    except Exception as error:  # reported by the scoring process, which fails the re-score
        results.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        results.close()


def _number_domains(
    db: sqlite3.Connection, last_id: int
) -> tuple[array, int, list[tuple[int, Any]]]:
    """Per link id, its domain's number (1, 2, ... in the domains' order); how many domains
    there are; a sample of (number, domain)."""
    numbers = array("i", bytes(4 * (last_id + 1)))
    number, previous, samples = 0, None, []
    domain = None
    # The links_domain index holds (domain, id): read in its order, nothing is sorted.
    for link_id, domain in db.execute("SELECT id, domain FROM links ORDER BY domain"):
        if domain != previous or number == 0:
            number += 1
            previous = domain
            if number % _SAMPLE_EVERY == 1:
                samples.append((number, domain))
        numbers[link_id] = number
    if number and number % _SAMPLE_EVERY != 1:
        samples.append((number, previous))
    return numbers, number, samples
