"""`check_links`: fetch the links' source pages, classify every link, store the results.

The asyncio loop runs in the calling thread (the window calls this from a worker thread) and
so does every database write: the SQLite connection never leaves its thread. A bounded set of
workers pulls pages from a `PageQueue`; there are never thousands of pending requests.
Pages are parsed on `Parsers` threads, so the loop never waits for a parser. Each page's
results are saved as soon as it is read: a check that is stopped, or killed, keeps every page
it finished.
"""

from __future__ import annotations

import asyncio
import math
import sqlite3
import time
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import httpx

from linkdesk.core.checker.classify import classify_link
from linkdesk.core.checker.fetch import Fetched, fetch_page, open_client
from linkdesk.core.checker.hosts import HostSlots, Page, PageQueue
from linkdesk.core.checker.model import (
    BLOCKED,
    STATUSES,
    CancelCheck,
    CheckOptions,
    CheckProgress,
    CheckSummary,
    LinkCheck,
    ProgressCallback,
)
from linkdesk.core.checker.parse import ParsedPage, decode_page, parse_page, scan_page
from linkdesk.core.checker.parsers import Parsers, ParseTimeout
from linkdesk.core.checker.selection import select_pages
from linkdesk.core.checker.store import (
    changes,
    finish_run,
    save_checks,
    start_run,
)
from linkdesk.core.store import Project
from linkdesk.core.store.settings import sites
from linkdesk.core.urls import normalize_url, site_root

_PROGRESS_SECONDS = 0.1
_PARSER_THREADS = 2  # parsing a page takes ~0.2 ms: two threads keep up with the fetches
_CANCEL_POLL_SECONDS = 0.05

T = TypeVar("T")
# classify_link's signature: (id, target URL, placeholder, fetched, parsed page, site hosts).
Classify = Callable[[int, str, bool, Fetched, ParsedPage | None, frozenset[str]], LinkCheck]


def check_links(
    db_path_or_project: str | Path | Project,
    link_ids: Iterable[int] | None = None,
    *,
    limit: int | None = None,
    concurrency: int | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    options: CheckOptions | None = None,
    finishing: Callable[[], None] | None = None,
) -> CheckSummary:
    """Check that links still exist, and how; store one history row per link checked.

    `db_path_or_project`: a project file path (opened and closed here: use this from another
    thread) or an open `Project` of the calling thread. `link_ids`: the links to check (all
    when None); `limit`: at most this many of them, never-checked and oldest-checked first.
    `concurrency` overrides `options.concurrency`. `progress` is called in this thread at
    most every 0.1 s and once at the end; `cancelled` is polled every 0.05 s: when it returns
    True, requests in flight are dropped and the checks done so far are kept. `finishing` is
    called once the pages are no longer read, before the run's last pages and its end are
    written (the command stops reacting to Ctrl-C there, so the run is recorded whole).
    """
    options = options or CheckOptions()
    if concurrency is not None:
        options = replace(options, concurrency=concurrency)
    if options.concurrency < 1 or options.per_host < 1:
        raise ValueError("concurrency and per_host must be at least 1")
    _check_durations(options)
    if isinstance(db_path_or_project, Project):
        return _check(db_path_or_project.db, link_ids, limit, options, progress, cancelled,
                      finishing)
    with Project.open(db_path_or_project, create=False) as project:
        return _check(project.db, link_ids, limit, options, progress, cancelled, finishing)


def _check(
    db: sqlite3.Connection,
    link_ids: Iterable[int] | None,
    limit: int | None,
    options: CheckOptions,
    progress: ProgressCallback | None,
    cancelled: CancelCheck | None,
    finishing: Callable[[], None] | None = None,
) -> CheckSummary:
    started = time.perf_counter()
    pages, links = select_pages(db, link_ids, limit=limit)
    if not pages:
        return CheckSummary(None, 0, 0, 0, 0, dict.fromkeys(STATUSES, 0))
    run_id = start_run(db, links, asdict(options))
    run = _Run(pages, len(pages), links, options, _site_hosts(db), progress, cancelled,
               store=lambda checks: save_checks(db, run_id, checks))
    try:
        _run_loop(run.run())
    except BaseException:  # a second Ctrl-C, or a bug: the run did not finish either
        run.was_cancelled = True
        raise
    finally:
        if finishing is not None:
            finishing()
        run.save()
        finish_run(
            db, run_id, links=run.links_done, pages=run.pages_done, requests=run.requests,
            cancelled=run.was_cancelled,
        )
    run.report(force=True)
    return CheckSummary(
        run_id=run_id,
        links=run.links_done,
        links_selected=links,
        pages=run.pages_done,
        requests=run.requests,
        by_status=dict(run.by_status),
        changes=len(changes(db, run_id)),
        seconds=time.perf_counter() - started,
        cancelled=run.was_cancelled,
    )


def check_pages(
    db: sqlite3.Connection,
    pages: list[Page],
    store: Callable[[list[LinkCheck]], None],
    *,
    classify: Classify = classify_link,
    options: CheckOptions | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> CheckSummary:
    """Check pages that are not (all) the project's links, with the same fetching, politeness
    and classification as `check_links`, and hand each page's checks to `store` instead of
    the links' history (no check run is recorded; `run_id` is None).

    Each `Page` lists (id, target URL, placeholder) entries; the ids are the caller's (the
    placements ledger gives its placement ids) and come back as `LinkCheck.link_id`.
    `classify` can replace `classify_link` (same arguments). `store` runs in this thread.
    """
    options = options or CheckOptions()
    if options.concurrency < 1 or options.per_host < 1:
        raise ValueError("concurrency and per_host must be at least 1")
    _check_durations(options)
    started = time.perf_counter()
    links = sum(len(page.links) for page in pages)
    if not pages:
        return CheckSummary(None, 0, 0, 0, 0, dict.fromkeys(STATUSES, 0))
    run = _Run(list(pages), len(pages), links, options, _site_hosts(db), progress, cancelled,
               store=store, classify=classify)
    try:
        _run_loop(run.run())
    except BaseException:
        run.was_cancelled = True
        raise
    finally:
        run.save()
    run.report(force=True)
    return CheckSummary(None, run.links_done, links, run.pages_done, run.requests,
                        dict(run.by_status), seconds=time.perf_counter() - started,
                        cancelled=run.was_cancelled)


@dataclass
class _Run:
    """One check in progress: the workers, and the results waiting to be saved.

    `classify` turns a fetched page into one check per link it should hold; `store` saves
    them (the links' history, or another caller's, as `check_pages`).
    """

    pages: list[Page]
    pages_total: int
    links_total: int
    options: CheckOptions
    site_hosts: frozenset[str]
    progress: ProgressCallback | None
    cancelled: CancelCheck | None
    store: Callable[[list[LinkCheck]], None]
    classify: Classify = classify_link
    pages_done: int = 0
    links_done: int = 0
    requests: int = 0
    was_cancelled: bool = False
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    unsaved: list[LinkCheck] = field(default_factory=list)
    reported_at: float = 0.0

    async def run(self) -> None:
        """Fetch every page with `concurrency` workers; stop early when cancelled."""
        slots = HostSlots(self.options.per_host)
        queue = PageQueue(self.pages, slots)
        self.pages = []  # the queue holds them now; let each go once checked
        parsers = Parsers(min(_PARSER_THREADS, self.pages_total), self.options.parse_budget)
        try:
            await self._fetch_all(queue, slots, parsers)
        finally:
            parsers.close()

    async def _fetch_all(self, queue: PageQueue, slots: HostSlots, parsers: Parsers) -> None:
        async with open_client(self.options) as client:
            workers = [
                asyncio.create_task(self._work(client, queue, slots, parsers))
                for _ in range(min(self.options.concurrency, self.pages_total))
            ]
            watcher = asyncio.create_task(self._watch(queue, workers))
            try:
                await asyncio.wait(workers, return_when=asyncio.FIRST_EXCEPTION)
            finally:
                watcher.cancel()
                for worker in workers:
                    worker.cancel()
                await asyncio.gather(watcher, *workers, return_exceptions=True)
        for worker in workers:  # a bug in a worker (or the progress callback) is not hidden
            error = None if worker.cancelled() else worker.exception()
            if error is not None:
                raise error

    async def _work(
        self, client: httpx.AsyncClient, queue: PageQueue, slots: HostSlots, parsers: Parsers
    ) -> None:
        while (page := await queue.get()) is not None:
            fetched = await fetch_page(client, page.url, page.host, slots, self.options)
            parsed = await _parse(page, fetched, self.site_hosts, parsers)
            self._record(page, fetched, parsed)

    async def _watch(self, queue: PageQueue, workers: list[asyncio.Task[None]]) -> None:
        if self.cancelled is None:
            return
        while not self.cancelled():
            await asyncio.sleep(_CANCEL_POLL_SECONDS)
        self.was_cancelled = True
        queue.close()
        for worker in workers:
            worker.cancel()

    def _record(self, page: Page, fetched: Fetched, parsed: ParsedPage | None) -> None:
        for link_id, target_url, placeholder in page.links:
            check = self.classify(link_id, target_url, placeholder, fetched, parsed,
                                  self.site_hosts)
            self.unsaved.append(check)
            self.by_status[check.status] += 1
        self.pages_done += 1
        self.links_done += len(page.links)
        self.requests += fetched.requests
        self.save()
        self.report()

    def save(self) -> None:
        """Save the checks not saved yet (one transaction: about 0.15 ms a page)."""
        if self.unsaved:
            self.store(self.unsaved)
            self.unsaved = []

    def report(self, *, force: bool = False) -> None:
        """Call the progress callback, at most every 0.1 s (or now, with `force`)."""
        if self.progress is None:
            return
        moment = time.monotonic()
        if force or moment - self.reported_at >= _PROGRESS_SECONDS:
            self.reported_at = moment
            self.progress(CheckProgress(
                pages_done=self.pages_done, pages_total=self.pages_total,
                links_done=self.links_done, links_total=self.links_total,
                by_status=dict(self.by_status),
            ))


async def _parse(
    page: Page, fetched: Fetched, site_hosts: frozenset[str], parsers: Parsers
) -> ParsedPage | None:
    """The page's links to the hosts its links point to; None when there is no HTML to read.

    Parsed on a parser thread; past the budget, scanned instead (`parse.scan_page`); should
    that be slow too, the page is blocked.
    """
    if fetched.failure is not None or not fetched.html:
        return None
    hosts = {_host(target) for _, target, _ in page.links}
    if any(placeholder for _, _, placeholder in page.links):
        hosts |= site_hosts
    url = fetched.final_url or page.url
    wanted = frozenset(hosts)
    try:
        try:
            return await parsers.run(lambda: parse_page(
                fetched.body, url=url, content_type=fetched.content_type,
                robots_header=fetched.robots_header, hosts=wanted,
            ))
        except ParseTimeout:
            return await parsers.run(lambda: scan_page(
                decode_page(fetched.body, fetched.content_type), url=url,
                robots_header=fetched.robots_header, hosts=wanted,
            ), inline_when_stuck=True)  # linear: on the loop when every parser is stuck
    except ParseTimeout:
        fetched.failure = BLOCKED
        fetched.detail = f"the page could not be read within {parsers.budget:g} s"
    except Exception as error:  # the parser is robust; should it fail, only this page fails
        fetched.failure, fetched.detail = BLOCKED, f"the page cannot be parsed: {error}"
    return None


def _check_durations(options: CheckOptions) -> None:
    """Every timeout and wait must be a finite number of seconds, more than zero."""
    for name in ("connect_timeout", "read_timeout", "page_timeout", "parse_budget"):
        value = getattr(options, name)
        if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a finite number of seconds above 0, not {value!r}")


def _site_hosts(db: sqlite3.Connection) -> frozenset[str]:
    hosts = set()
    for site in sites(db):
        root = site_root(site)
        if root is not None:
            hosts.add(_host(root))
    return frozenset(hosts)


def _host(url: str) -> str:
    normalized = normalize_url(url)
    return normalized[1] if normalized else ""


def _run_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a new event loop in this thread.

    Not `asyncio.run`: on exit it waits for the loop's default executor, where a DNS lookup
    that hangs (an unreachable resolver) would hold up the end of the check. `loop.close()`
    leaves such a thread to finish on its own. A KeyboardInterrupt (a second Ctrl-C) cancels
    every task and lets it unwind (the client closes its connections) before it goes on up:
    tasks left pending on a closed loop would print their stack on the way out.
    """
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    except KeyboardInterrupt:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        raise
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
