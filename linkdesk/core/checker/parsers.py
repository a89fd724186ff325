"""Run page parsing off the event loop, each page within a time budget.

Parsing is CPU work: on the loop's thread, one slow page would stall every fetch (timeouts
fire late, other pages' timings are wrong) and Ctrl-C would wait for it. Here it runs on
`threads` daemon threads; Lexbor releases the GIL while it builds the tree, so the loop keeps
running. A page that takes longer than the budget is read again by the linear scan
(`parse.scan_page`). The slow parse cannot be stopped from Python: its thread is left to
finish alone (a daemon, so it never holds up the program's exit) and a new thread takes its
place. `parse.parse_page` already sends the one known slow kind, very deep nesting, to the
scan; the budget is for whatever else proves slow.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_Job = tuple[Callable[[], Any], asyncio.Future[Any], asyncio.AbstractEventLoop]


class ParseTimeout(Exception):
    """A parse took longer than its budget."""


class Parsers:
    """A few daemon threads that run functions for an asyncio loop, with a time budget."""

    def __init__(self, threads: int, budget: float) -> None:
        self.budget = budget
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads = 0
        for _ in range(threads):
            self._start_thread()

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` on a parser thread; raises `ParseTimeout` past the budget."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put((work, future, loop))
        try:
            # shield: a timeout must not cancel the future the thread will still resolve
            return await asyncio.wait_for(asyncio.shield(future), self.budget)
        except TimeoutError:
            self._start_thread()  # the busy one is lost to this check
            raise ParseTimeout from None
        finally:
            future.cancel()  # no-op when done; else the thread's answer is dropped

    def close(self) -> None:
        """Let every thread end once it is idle (a busy one ends after its work)."""
        for _ in range(self._threads):
            self._jobs.put(None)
        self._threads = 0

    def _start_thread(self) -> None:
        self._threads += 1
        threading.Thread(target=self._serve, name="linkdesk-parse", daemon=True).start()

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            work, future, loop = job
            if future.done():  # cancelled while queued (a stopped check)
                continue
            try:
                outcome: tuple[bool, Any] = (True, work())
            except Exception as error:  # handed to the awaiting coroutine
                outcome = (False, error)
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                loop.call_soon_threadsafe(_settle, future, outcome)


def _settle(future: asyncio.Future[Any], outcome: tuple[bool, Any]) -> None:
    if future.done():
        return
    ok, value = outcome
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
