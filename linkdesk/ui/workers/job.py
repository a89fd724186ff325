"""One contract for every one-off job on a worker thread: imports, re-scores, checks, exports,
the dashboard's sections.

A job is a `JobWorker` (what runs on the thread) inside a `ThreadJob` (the GUI side that owns
the thread). The contract, the same for every job:

- `start()` starts the work on its own thread;
- `cancel()` only asks (safe from any thread; the work stops at its next check);
- `wait()` only waits: it blocks until the thread has ended, and does not cancel;
- `finished(outcome)` is emitted exactly once, on the GUI thread: when the work ends, or at the
  latest when `wait()` returns (so a caller that waits knows the outcome has been delivered);
- `retire()` is for a job whose answer nobody wants any more (its project is closed): it
  cancels, drops `finished` and lets the work end by itself, without holding the GUI thread
  (a reader in the middle of opening its connection or of a numpy pass took 0.1-2.5 s to
  stop); the job is deleted once its thread has ended, and `wait_for_retired()` (called
  before the process ends) waits for those still running.

The worker opens what it needs itself (a connection belongs to the thread that opened it) and
reaches the GUI thread through signals only.
"""

from __future__ import annotations

import atexit
import logging
import sqlite3
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)
OutcomeT = TypeVar("OutcomeT")


class JobWorker(QObject, Generic[OutcomeT]):
    """Runs on the job's thread: subclasses implement `work` and `failure`."""

    progressed = Signal(object)
    done = Signal(object)  # the outcome, emitted once from the worker's thread

    def __init__(self) -> None:
        super().__init__()
        self._cancel = threading.Event()
        self.outcome: OutcomeT | None = None  # set before `done`; read by `ThreadJob.wait`

    def cancel(self) -> None:
        """Ask the work to stop (safe from any thread)."""
        self._cancel.set()

    def cancelled(self) -> bool:
        """Whether a stop was asked for (the work polls this between steps)."""
        return self._cancel.is_set()

    def work(self) -> OutcomeT:
        """Do the work on this thread and return its outcome."""
        raise NotImplementedError

    def failure(self, message: str) -> OutcomeT:
        """The outcome of work that raised what it should have caught (a bug)."""
        raise NotImplementedError

    @Slot()
    def run(self) -> None:
        """Do the work, then emit `done` with its outcome (always, whatever happened)."""
        try:
            outcome = self.work()
        except Exception as error:  # a bug: the job still ends with an outcome
            log.exception("%s failed", type(self).__name__)
            outcome = self.failure(f"internal error ({error})")
        self.outcome = outcome
        self.done.emit(outcome)


class ThreadJob(QObject, Generic[OutcomeT]):
    """A worker and its thread: `start`, `cancel` (asks), `wait` (waits), `finished` (once)."""

    progressed = Signal(object)
    finished = Signal(object)  # the worker's outcome, on the GUI thread, exactly once

    def __init__(self, worker: JobWorker[OutcomeT], name: str,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self._thread = QThread()
        self._thread.setObjectName(name)
        worker.moveToThread(self._thread)
        self._thread.started.connect(worker.run)
        worker.progressed.connect(self.progressed)
        worker.done.connect(self._deliver)  # queued: it crosses to the GUI thread
        self.outcome: OutcomeT | None = None  # set when `finished` is emitted
        self._delivered = False

    def start(self) -> None:
        """Start the work in the background."""
        self._thread.start()

    def cancel(self) -> None:
        """Ask the work to stop; `finished` still follows (with a cancelled outcome)."""
        self.worker.cancel()

    def running(self) -> bool:
        """Whether the thread still runs."""
        return self._thread.isRunning()

    def wait(self) -> None:
        """Block until the thread has ended; `finished` has been emitted when this returns."""
        self._thread.quit()  # once the work returns: a worker thread runs no other events
        self._thread.wait()
        if self.worker.outcome is not None:
            self._deliver(self.worker.outcome)

    def retire(self) -> None:
        """Cancel, drop `finished`, and let the work end without waiting for it; the job is
        deleted once its thread has ended (a Qt parent no longer owns it)."""
        with warnings.catch_warnings():  # PySide warns when nothing was connected
            warnings.simplefilter("ignore", RuntimeWarning)
            self.finished.disconnect()
        self.cancel()
        self.setParent(None)
        _retired.add(self)
        self._thread.finished.connect(self._forget)  # queued: on the GUI thread
        if not self._thread.isRunning():
            self._forget()

    def _forget(self) -> None:
        if self in _retired:
            _retired.discard(self)
            self.deleteLater()

    def _deliver(self, outcome: OutcomeT) -> None:
        if self._delivered:  # `wait` delivered it; this is the queued signal, later
            return
        self._delivered = True
        self._thread.quit()
        self._thread.wait()
        self.outcome = outcome
        self.finished.emit(outcome)


# Retired jobs still running: referenced here until their thread has ended (a QThread
# destroyed while it runs aborts the process).
_retired: set[ThreadJob[Any]] = set()


def retired_running() -> int:
    """How many retired jobs have not been deleted yet."""
    return len(_retired)


@atexit.register
def wait_for_retired() -> None:
    """Wait for every retired job's thread to end (before the process ends)."""
    while _retired:
        job = _retired.pop()
        job.wait()


class ReadingWorker(JobWorker[OutcomeT]):
    """A worker that reads on its own connection: `cancel()` also interrupts the running
    query (sqlite3 allows that one call from another thread). Hold the connection in
    `reading(db)` while it reads."""

    def __init__(self) -> None:
        super().__init__()
        self._db: sqlite3.Connection | None = None

    def cancel(self) -> None:
        """Stop now (safe from any thread): the running query is interrupted."""
        super().cancel()
        db = self._db
        if db is not None:
            db.interrupt()

    @contextmanager
    def reading(self, db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        """While inside, a cancel interrupts `db`'s running query."""
        self._db = db
        try:
            yield db
        finally:
            self._db = None
