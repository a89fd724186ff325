"""Computing the dashboard on a worker thread, section by section (as scorer.py re-scores).

The worker opens its own `Project` (a connection belongs to its thread; the filtered links go
into a temporary table of that connection) and sends each section as it is ready, tagged
with the request's number: the view drops sections of a request it no longer wants.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Collection
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from linkdesk.core.profile import SECTIONS, ReportCancelled, profile_sections
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, TableSpec

log = logging.getLogger(__name__)


class ProfileWorker(QObject):
    """Runs on the worker thread; talks to the GUI through signals only."""

    section = Signal(int, str, object)  # request, section name, data
    finished = Signal(int, str)  # request, error ("" when all went well or it was cancelled)

    def __init__(self, project_path: Path, filters: Filters, request: int,
                 sections: Collection[str] = SECTIONS,
                 tables: tuple[TableSpec, TableSpec] | None = None) -> None:
        super().__init__()
        self.project_path = project_path
        self.filters = filters
        self.request = request
        self.sections = sections
        self.tables = tables  # plain data (SQL and functions): safe to use on this thread
        self._cancel = threading.Event()
        self._db: sqlite3.Connection | None = None

    def cancel(self) -> None:
        """Stop now (safe from any thread): the running query is interrupted."""
        self._cancel.set()
        db = self._db
        if db is not None:
            db.interrupt()  # sqlite3 allows this one call from another thread

    @Slot()
    def run(self) -> None:
        """Compute every section, then emit `finished` (always)."""
        error = ""
        try:
            with Project.open(self.project_path, create=False) as project:
                self._db = project.db
                try:
                    for name, data in profile_sections(project.db, self.filters,
                                                       self._cancel.is_set, self.sections,
                                                       self.tables):
                        self.section.emit(self.request, name, data)
                finally:
                    self._db = None
        except ReportCancelled:
            pass
        except Exception as failure:
            if not self._cancel.is_set():  # else: the interrupted query of a cancel
                log.exception("dashboard of %s failed", self.project_path)
                error = str(failure)
        self.finished.emit(self.request, error)


class ProfileJob(QObject):
    """A worker and its thread, for one request."""

    section = Signal(int, str, object)
    finished = Signal(int, str)

    def __init__(self, project_path: Path, filters: Filters, request: int,
                 sections: Collection[str] = SECTIONS,
                 tables: tuple[TableSpec, TableSpec] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.request = request
        self.thread = QThread()
        self.thread.setObjectName("dashboard")
        self.worker = ProfileWorker(project_path, filters, request, sections, tables)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.section.connect(self.section)
        self.worker.finished.connect(self._done)

    def start(self) -> None:
        """Start computing in the background."""
        self.thread.start()

    def cancel(self) -> None:
        """Stop: what it still sends is stale."""
        self.worker.cancel()

    def wait(self) -> None:
        """Block until the thread has ended (closing the project)."""
        self.worker.cancel()
        self.thread.quit()
        self.thread.wait()

    def _done(self, request: int, error: str) -> None:
        self.thread.quit()
        self.thread.wait()
        self.finished.emit(request, error)
