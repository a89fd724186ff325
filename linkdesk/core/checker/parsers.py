"""Run page parsing off the event loop, each page within a time budget, on a bounded number
of threads.

Parsing is CPU work: on the loop's thread, one slow page would stall every fetch (timeouts
fire late, other pages' timings are wrong) and Ctrl-C would wait for it. Here it runs on
`threads` daemon threads; Lexbor releases the GIL while it builds the tree, so the loop keeps
running. A page that takes longer than the budget is read again by the linear scan
(`parse.scan_page`). The slow parse cannot be stopped from Python: its thread is left to
finish alone (a daemon, so it never holds up the program's exit) and, while fewer than
`max_threads` are alive, a new thread takes its place; a stuck thread that finishes serves
again only if a thread is missing, else it ends. So many slow pages never pile up threads:
with every thread stuck, work that must not wait (the scan) runs on the caller's thread, and
a parse is refused at once (the caller scans instead). `parse.parse_page` already sends the
one known slow kind, very deep nesting, to the scan; the budget is for whatever else proves
slow.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_SPARE_THREADS = 2  # threads beyond `threads` that may stand in for stuck ones


class ParseTimeout(Exception):
    """A parse took longer than its budget (or no parser thread was free to take it)."""


class _NoParser(Exception):
    """Every parser thread is stuck on a slow parse, and no more may start."""


@dataclass(eq=False)
class _Job(Generic[T]):
    work: Callable[[], T]
    future: asyncio.Future[T]
    taken: asyncio.Future[None]  # set when a thread takes the job: its budget starts
    loop: asyncio.AbstractEventLoop
    started: bool = False  # a thread took it (under the lock)
    finished: bool = False  # its thread is done with it (under the lock)
    abandoned: bool = False  # nobody waits for it any more (under the lock)


class Parsers:
    """A few daemon threads that run functions for an asyncio loop, with a time budget."""

    def __init__(self, threads: int, budget: float, max_threads: int | None = None) -> None:
        self.budget = budget
        self.threads = max(1, threads)  # how many serve when none is stuck
        self.max_threads = max(self.threads, max_threads or self.threads + _SPARE_THREADS)
        self._jobs: queue.SimpleQueue[_Job[Any] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._alive = 0  # threads started and not ended (serving or stuck)
        self._serving = 0  # of those, the ones not stuck on an abandoned parse
        self._queued: set[_Job[Any]] = set()  # jobs no thread has taken yet
        self._closed = False
        with self._lock:
            for _ in range(self.threads):
                self._start_thread()

    def alive(self) -> int:
        """How many parser threads are alive (serving or stuck on a slow parse)."""
        with self._lock:
            return self._alive

    async def run(self, work: Callable[[], T], *, inline_when_stuck: bool = False) -> T:
        """`work()` on a parser thread; raises `ParseTimeout` past the budget, counted from
        when a thread takes it.

        With every thread stuck, `work` runs here on the caller's thread if
        `inline_when_stuck` (for quick, bounded work), else `ParseTimeout` at once.
        """
        loop = asyncio.get_running_loop()
        job = _Job(work, loop.create_future(), loop.create_future(), loop)
        with self._lock:
            free = self._serving > 0
            if free:
                self._queued.add(job)
                self._jobs.put(job)
        try:
            if not free:
                raise _NoParser
            await asyncio.shield(job.taken)
            # shield: a timeout must not cancel the future the thread will still resolve
            return await asyncio.wait_for(asyncio.shield(job.future), self.budget)
        except _NoParser:
            if inline_when_stuck:
                return work()
            raise ParseTimeout from None
        except TimeoutError:
            self._give_up(job)
            raise ParseTimeout from None
        finally:
            with self._lock:
                self._queued.discard(job)
                job.abandoned = job.abandoned or not job.started  # a stopped check's
            job.future.cancel()  # no-op when done; else the thread's answer is dropped
            job.taken.cancel()

    def close(self) -> None:
        """Let every thread end once it is idle (a busy one ends after its work)."""
        with self._lock:
            self._closed = True
            for _ in range(self._alive):
                self._jobs.put(None)

    def _give_up(self, job: _Job[Any]) -> None:
        """The job's parse ran past its budget: its thread is stuck; replace it up to the
        cap, and with none left serving, tell the jobs still queued."""
        with self._lock:
            if job.finished:
                return  # done just now: its thread serves on
            job.abandoned = True
            self._serving -= 1
            if self._alive < self.max_threads and not self._closed:
                self._start_thread()
            elif self._serving == 0:
                for queued in self._queued:
                    queued.abandoned = True
                    _settle(queued.taken, (False, _NoParser()))  # on the loop's thread
                self._queued.clear()

    def _start_thread(self) -> None:  # under the lock
        self._alive += 1
        self._serving += 1
        threading.Thread(target=self._serve, name="linkdesk-parse", daemon=True).start()

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            with self._lock:
                if job.abandoned:  # given up while queued
                    continue
                job.started = True
                self._queued.discard(job)
            self._tell(job, job.taken, (True, None))
            try:
                outcome: tuple[bool, Any] = (True, job.work())
            except Exception as error:  # handed to the awaiting coroutine
                outcome = (False, error)
            self._tell(job, job.future, outcome)
            with self._lock:
                job.finished = True
                if job.abandoned:  # back from being stuck: serve if one is missing, else end
                    if self._serving >= self.threads or self._closed:
                        self._alive -= 1
                        return
                    self._serving += 1
        with self._lock:
            self._alive -= 1
            self._serving -= 1

    @staticmethod
    def _tell(job: _Job[Any], future: asyncio.Future[Any], outcome: tuple[bool, Any]) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
            job.loop.call_soon_threadsafe(_settle, future, outcome)


def _settle(future: asyncio.Future[Any], outcome: tuple[bool, Any]) -> None:
    if future.done():
        return
    ok, value = outcome
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
