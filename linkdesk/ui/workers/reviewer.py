"""Finishing a review on a worker thread (Tools ▸ Finish Review).

`finish_review` re-scores first when the scores are out of date (the slow part on a big
project), then records the review and every domain's band and risk level in one transaction.
The worker opens its own `Project`; the job follows the contract of every job (job.py).
A review cannot be cancelled half-way: its re-score and its record are each one transaction,
so closing the window waits for it (seconds, not minutes).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject

from linkdesk.core.store import Project, ProjectError
from linkdesk.core.timeline import Review, finish_review
from linkdesk.ui.workers.job import JobWorker, ThreadJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReviewOutcome:
    """The review recorded, or why none was."""

    project_path: Path
    review: Review | None = None
    error: str = ""


class ReviewWorker(JobWorker[ReviewOutcome]):
    """Runs on the worker thread: records the review."""

    def __init__(self, project_path: Path, note: str) -> None:
        super().__init__()
        self.project_path = project_path
        self.note = note

    def work(self) -> ReviewOutcome:
        """Re-score if needed, then record the review."""
        try:
            with Project.open(self.project_path, create=False) as project:
                return ReviewOutcome(self.project_path, finish_review(project.db, self.note))
        except (ProjectError, sqlite3.Error) as error:
            return ReviewOutcome(self.project_path, error=f"{self.project_path.name}: {error}")

    def failure(self, message: str) -> ReviewOutcome:
        return ReviewOutcome(self.project_path, error=message)


class ReviewJob(ThreadJob[ReviewOutcome]):
    """A review being recorded in the background: `finished(ReviewOutcome)`."""

    def __init__(self, project_path: Path, note: str, parent: QObject | None = None) -> None:
        super().__init__(ReviewWorker(project_path, note), "review", parent)
