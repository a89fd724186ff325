"""The opening summary ("Since your review of 3 Nov: …") computed on a worker thread.

`opening_summary` computes the changes since the last review (seconds on a million links):
never on the GUI thread. The worker opens its own read connection; the changes may keep
snapshot digests in the project for next time, a short write skipped when the project is
busy (core/timeline/digests.py). Stale answers (another project, a newer request) are the
caller's to drop: each outcome carries its request number.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject

from linkdesk.core.store import Project, ProjectError
from linkdesk.core.timeline import OpeningSummary, opening_summary
from linkdesk.ui.workers.job import ReadingWorker, ThreadJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SummaryOutcome:
    """The summary of one request, or why there is none."""

    project_path: Path
    request: int
    summary: OpeningSummary | None = None
    error: str = ""


class SummaryWorker(ReadingWorker[SummaryOutcome]):
    """Runs on the worker thread: the changes since the last review, in words."""

    def __init__(self, project_path: Path, request: int) -> None:
        super().__init__()
        self.project_path = project_path
        self.request = request

    def work(self) -> SummaryOutcome:
        """Compute the summary."""
        try:
            with Project.open(self.project_path, create=False) as project, \
                    self.reading(project.db) as db:
                summary = opening_summary(db)
        except (ProjectError, sqlite3.Error) as error:
            if self.cancelled():
                return SummaryOutcome(self.project_path, self.request)
            return SummaryOutcome(self.project_path, self.request,
                                  error=f"{self.project_path.name}: {error}")
        return SummaryOutcome(self.project_path, self.request, summary)

    def failure(self, message: str) -> SummaryOutcome:
        return SummaryOutcome(self.project_path, self.request, error=message)


class SummaryJob(ThreadJob[SummaryOutcome]):
    """One request for the opening summary: `finished(SummaryOutcome)`."""

    def __init__(self, project_path: Path, request: int, parent: QObject | None = None) -> None:
        super().__init__(SummaryWorker(project_path, request), "summary", parent)
        self.request = request
