"""Running the tables' slow queries (ordered ids for a sort, a search, a filter) off the GUI thread.

On a million links a search's first keystrokes scan every row (0.3-0.6 s) and a first sort by
a column reads its whole index: done on the GUI thread, typing would stutter. A `TableLoader`
owns one worker thread with its own read connection to the project (WAL: reads never wait
for a writer). A model asks for its ids with a generation number; a newer request from the
same model supersedes an older one, and a query still running for a superseded request is
interrupted (`sqlite3.Connection.interrupt`), so fast typing only ever pays for the last text.
A search first sends the first screenful it finds among the first rows of the sort order
(milliseconds), then the whole answer (a scan of every row for its first letters).
Each answer carries the rows of its first block too (`IdRequest.first_rows`): a table's
first paint after a load needs no query on the GUI thread. That matters for the Referring
domains, whose top rows (the domains with the most links) cost 0.3 s to read on a million
links (a best-of-its-links column); a search's whole answer reuses its first screenful's
rows when it starts with the same ones, the project unchanged. Rows further down are fetched
by id on the GUI thread as the view scrolls to them: 100 rows by primary key take ~1 ms.

The Anchors table is the exception: its rows live in a temporary table of the connection that
grouped them, so its model has a loader of its own and reads its rows through it
(`fetch_rows`, a short wait on that otherwise idle thread).

Not a `ThreadJob` (job.py), on purpose: a job does one piece of work and ends with one outcome,
while a loader is a long-lived server of many requests over one connection it keeps open (a
prepared table's rows live in it), with no single outcome to deliver. Its contract is its own:
`request` supersedes, `close` interrupts, closes the connection and ends the thread.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from linkdesk.core.store import Project, ProjectError
from linkdesk.core.tables import Filters, Sort, TableQuery, TableSpec
from linkdesk.core.tables.query import QueryCache, RowsRead

log = logging.getLogger(__name__)
FIRST_SCREEN = 200  # rows sent ahead of a search's whole answer (more than a screen shows)
PROGRESS_STEPS = 100_000  # SQLite steps between two checks that the request is still wanted


@dataclass(frozen=True)
class IdRequest:
    """One model's query: which table, with what filters and sort."""

    table: str
    generation: int
    spec: TableSpec
    filters: Filters
    sort: Sort
    first_rows: int = 0  # also read the rows of this many first ids (see IdResult.rows)


@dataclass(frozen=True)
class IdResult:
    """The ordered ids a request found (`ids` is None if the query failed: see `error`).

    A `partial` result is the first screenful only (a search's first letters): the whole
    answer follows as another result of the same request. `rows` holds the raw values of
    the first `request.first_rows` ids, by id, read on the loader's connection.
    """

    request: IdRequest
    ids: Any  # an int64 array, as TableQuery.ordered_ids returns
    seconds: float
    error: str = ""
    partial: bool = False
    rows: dict[int, tuple[Any, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class RowsRequest:
    """Rows by id, read on the loader's connection; the answer comes through `future`."""

    spec: TableSpec
    ids: list[int]
    future: Future[dict[int, tuple[Any, ...]]]


class _Latest:
    """The newest generation asked for per table, shared by the two threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generations: dict[str, int] = {}

    def set(self, table: str, generation: int) -> None:
        with self._lock:
            self._generations[table] = generation

    def current(self, request: IdRequest) -> bool:
        with self._lock:
            return self._generations.get(request.table) == request.generation


class _LoaderWorker(QObject):
    """Lives on the loader's thread; owns the read connection."""

    loaded = Signal(object)  # IdResult

    def __init__(self, project_path: Path, latest: _Latest) -> None:
        super().__init__()
        self.project_path = project_path
        self.latest = latest
        self.project: Project | None = None
        self.cache = QueryCache()
        self.busy = threading.Event()  # a query is running: interrupting it makes sense

    @Slot(object)
    def load(self, request: IdRequest) -> None:
        """Run a request unless a newer one from the same table superseded it."""
        first_sent: RowsRead | None = None  # a search's first screenful's rows, once sent
        while self.latest.current(request):
            started = time.perf_counter()
            try:
                db = self._connection()
                self.busy.set()
                # Stops the query once the request is no longer wanted, even one that began
                # just after an `interrupt` (which only stops statements already running):
                # closing a 1M-link project right after opening it waited 11 s for one.
                db.set_progress_handler(lambda: not self.latest.current(request),
                                        PROGRESS_STEPS)
                try:
                    query = TableQuery(db, request.spec, request.filters, request.sort,
                                       self.cache)
                    if request.filters.search.strip() and first_sent is None:
                        first_sent = self._first_screen(query, request, started)
                    ids = query.ordered_ids()
                    first = _first_rows(query, ids, request, first_sent)
                finally:
                    db.set_progress_handler(None, 0)
                    self.busy.clear()
            except sqlite3.OperationalError as error:
                if "interrupted" in str(error):
                    continue  # for another table's newer request: run again if still wanted
                self._fail(request, str(error))
                return
            except (ProjectError, sqlite3.DatabaseError, ValueError) as error:
                self._fail(request, str(error))
                return
            if self.latest.current(request):
                self.loaded.emit(IdResult(request, ids, time.perf_counter() - started,
                                          rows=first.rows))
            return

    def _first_screen(self, query: TableQuery, request: IdRequest,
                      started: float) -> RowsRead | None:
        """Send a search's first screenful at once, if the first rows of the order have it
        (then its first rows are returned: the whole answer starts with them)."""
        first = query.first_ids(FIRST_SCREEN)
        if first is None or not self.latest.current(request):
            return None
        read = _first_rows(query, first, request)
        self.loaded.emit(IdResult(request, first, time.perf_counter() - started, partial=True,
                                  rows=read.rows))
        return read

    @Slot(object)
    def rows(self, request: RowsRequest) -> None:
        """Read rows by id on this connection (where a prepared table's rows live)."""
        try:
            found = TableQuery(self._connection(), request.spec).rows(request.ids)
        except Exception as error:  # handed to the waiting GUI thread, which shows blanks
            request.future.set_exception(error)
            return
        request.future.set_result(found)

    def interrupt(self) -> None:
        """Stop the running query, if any (safe from any thread)."""
        if self.busy.is_set() and self.project is not None:
            self.project.db.interrupt()

    @Slot()
    def close(self) -> None:
        """Close the connection (on this thread, which owns it)."""
        if self.project is not None:
            self.project.close()
            self.project = None

    def _connection(self) -> sqlite3.Connection:
        if self.project is None:
            self.project = Project.open(self.project_path, create=False)
        return self.project.db

    def _fail(self, request: IdRequest, error: str) -> None:
        log.warning("loading %s failed: %s", request.table, error)
        if self.latest.current(request):
            self.loaded.emit(IdResult(request, None, 0.0, error))


def _first_rows(query: TableQuery, ids: Any, request: IdRequest,
                earlier: RowsRead | None = None) -> RowsRead:
    """The rows the view paints first, read here rather than on the GUI thread (not again
    when `earlier` read them: TableQuery.first_rows)."""
    return query.first_rows(ids[: request.first_rows], earlier)


class TableLoader(QObject):
    """The GUI side: `request` ids, receive them through `loaded` (on the GUI thread)."""

    loaded = Signal(object)  # IdResult
    _requested = Signal(object)  # IdRequest, to the worker
    _rows_requested = Signal(object)  # RowsRequest, to the worker

    def __init__(self, project_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest = _Latest()
        self._generations = 0
        self.worker_thread = QThread()
        self.worker_thread.setObjectName("table-loader")
        self.worker = _LoaderWorker(project_path, self._latest)
        self.worker.moveToThread(self.worker_thread)
        self._requested.connect(self.worker.load)
        self._rows_requested.connect(self.worker.rows)
        self.worker.loaded.connect(self.loaded)
        # The connection belongs to the worker's thread: `finished` is emitted on that thread
        # as it ends, and a direct connection closes the connection there.
        self.worker_thread.finished.connect(self.worker.close, Qt.ConnectionType.DirectConnection)
        self.worker_thread.start()

    def next_generation(self) -> int:
        """A number no earlier request through this loader had."""
        self._generations += 1
        return self._generations

    def request(self, request: IdRequest) -> None:
        """Load ids in the background; supersedes this table's earlier requests."""
        self._latest.set(request.table, request.generation)
        self.worker.interrupt()  # whatever runs is older; if still wanted, it runs again
        self._requested.emit(request)

    def fetch_rows(self, spec: TableSpec, ids: Sequence[int],
                   timeout: float = 30.0) -> dict[int, tuple[Any, ...]]:
        """Rows by id from the loader's connection; waits for them (the loader must be idle,
        as it is once its ids have arrived). Raises what the read raised, or TimeoutError."""
        future: Future[dict[int, tuple[Any, ...]]] = Future()
        self._rows_requested.emit(RowsRequest(spec, [int(i) for i in ids], future))
        return future.result(timeout)

    def close(self) -> None:
        """Stop: interrupt the running query, close the connection, end the thread."""
        if not self.worker_thread.isRunning():
            return
        self._latest = _Latest()
        self.worker.latest = self._latest  # nothing asked for is wanted any more
        self.worker.interrupt()
        self.worker_thread.quit()
        self.worker_thread.wait()
