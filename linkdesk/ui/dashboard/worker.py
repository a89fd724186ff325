"""Computing the dashboard on a worker thread, section by section (as scorer.py re-scores).

The worker opens its own `Project` (a connection belongs to its thread; the filtered links go
into a temporary table of that connection) and sends each section as it is ready, tagged
with the request's number: the view drops sections of a request it no longer wants. The job
follows the contract of every job (job.py): `cancel()` asks (and interrupts the running query),
`wait()` only waits, `finished(ProfileOutcome)` comes once.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from linkdesk.core.profile import SECTIONS, ReportCancelled, profile_sections
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, TableSpec
from linkdesk.ui.workers.job import JobWorker, ThreadJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProfileOutcome:
    """How a request's computing ended: `error` is "" when all went well or it was cancelled."""

    request: int
    error: str = ""


class ProfileWorker(JobWorker[ProfileOutcome]):
    """Runs on the worker thread; sends each section as it is ready."""

    section = Signal(int, str, object)  # request, section name, data

    def __init__(self, project_path: Path, filters: Filters, request: int,
                 sections: Collection[str] = SECTIONS,
                 tables: tuple[TableSpec, TableSpec] | None = None) -> None:
        super().__init__()
        self.project_path = project_path
        self.filters = filters
        self.request = request
        self.sections = sections
        self.tables = tables  # plain data (SQL and functions): safe to use on this thread
        self._db: sqlite3.Connection | None = None

    def cancel(self) -> None:
        """Stop now (safe from any thread): the running query is interrupted."""
        super().cancel()
        db = self._db
        if db is not None:
            db.interrupt()  # sqlite3 allows this one call from another thread

    def work(self) -> ProfileOutcome:
        """Compute every section, sending each as it is ready."""
        error = ""
        try:
            with Project.open(self.project_path, create=False) as project:
                self._db = project.db
                try:
                    for name, data in profile_sections(project.db, self.filters,
                                                       self.cancelled, self.sections,
                                                       self.tables):
                        self.section.emit(self.request, name, data)
                finally:
                    self._db = None
        except ReportCancelled:
            pass
        except Exception as failure:
            if not self.cancelled():  # else: the interrupted query of a cancel
                log.exception("dashboard of %s failed", self.project_path)
                error = str(failure)
        return ProfileOutcome(self.request, error)

    def failure(self, message: str) -> ProfileOutcome:
        return ProfileOutcome(self.request, message)


class ProfileJob(ThreadJob[ProfileOutcome]):
    """A worker and its thread, for one request: `section(request, name, data)` as each is
    ready, then `finished(ProfileOutcome)`."""

    section = Signal(int, str, object)

    def __init__(self, project_path: Path, filters: Filters, request: int,
                 sections: Collection[str] = SECTIONS,
                 tables: tuple[TableSpec, TableSpec] | None = None,
                 parent: QObject | None = None) -> None:
        worker = ProfileWorker(project_path, filters, request, sections, tables)
        super().__init__(worker, "dashboard", parent)
        self.request = request
        worker.section.connect(self.section)
