"""Computing the History tab's numbers on a worker thread (as the dashboard's, worker.py there).

The worker opens its own `Project` (a connection belongs to its thread; a since-review
filter's changes are computed on it) and ends with the `History`, tagged with the request's
number: the view drops the answer to a request it no longer wants.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject

from linkdesk.core.store import Project, ProjectError
from linkdesk.core.tables import Filters, TableSpec
from linkdesk.core.timeline import History, HistoryCancelled, profile_history
from linkdesk.ui.workers.job import ReadingWorker, ThreadJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HistoryOutcome:
    """A request's history, or why there is none (cancelled: neither)."""

    request: int
    history: History | None = None
    error: str = ""


class HistoryWorker(ReadingWorker[HistoryOutcome]):
    """Runs on the worker thread."""

    def __init__(self, project_path: Path, filters: Filters, request: int,
                 tables: tuple[TableSpec, TableSpec] | None) -> None:
        super().__init__()
        self.project_path = project_path
        self.filters = filters
        self.request = request
        self.tables = tables  # plain data (SQL and functions): safe to use on this thread

    def work(self) -> HistoryOutcome:
        """Compute the history."""
        try:
            with Project.open(self.project_path, create=False) as project, \
                    self.reading(project.db) as db:
                history = profile_history(db, self.filters, self.tables, self.cancelled)
        except HistoryCancelled:
            return HistoryOutcome(self.request)
        except (ProjectError, sqlite3.Error, ValueError) as error:
            if self.cancelled():
                return HistoryOutcome(self.request)
            log.warning("history of %s failed: %s", self.project_path, error)
            return HistoryOutcome(self.request, error=str(error))
        return HistoryOutcome(self.request, history)

    def failure(self, message: str) -> HistoryOutcome:
        return HistoryOutcome(self.request, error=message)


class HistoryJob(ThreadJob[HistoryOutcome]):
    """One request: `finished(HistoryOutcome)`."""

    def __init__(self, project_path: Path, filters: Filters, request: int,
                 tables: tuple[TableSpec, TableSpec] | None,
                 parent: QObject | None = None) -> None:
        super().__init__(HistoryWorker(project_path, filters, request, tables), "history",
                         parent)
        self.request = request
