"""Keeping a project's derived data up to date on a worker thread: sort indexes, then scores.

The window starts this job when it opens a project and after an import (or the user starts it):
it builds the table indexes that are missing (one short transaction each), then re-scores if
the scores are out of date. The worker opens its own `Project` (a connection belongs to its
thread); `rescore` runs in one transaction, so a cancel or a failure leaves the stored scores
as they were; indexes built before a cancel stay. The job follows the contract of every job
(job.py): `cancel()` asks, `wait()` only waits, `finished` comes once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject

from linkdesk.core.scoring import (
    ScoreCancelled,
    ScoreProgress,
    ScoreSummary,
    rescore,
    scores_current,
)
from linkdesk.core.store import Project, ProjectError
from linkdesk.core.tables import IndexingCancelled, ensure_table_indexes
from linkdesk.ui.workers.job import JobWorker, ThreadJob

INDEX_STAGE = "sort indexes"

log = logging.getLogger(__name__)


@dataclass
class ScoreOutcome:
    """What a re-score job did: a summary, or why there is none."""

    project_path: Path
    summary: ScoreSummary | None = None  # None: not re-scored (current already, or stopped)
    indexes_built: int = 0
    scoring: bool = True  # False: the job only built sort indexes
    cancelled: bool = False
    error: str = ""


class ScoreWorker(JobWorker[ScoreOutcome]):
    """Runs on the worker thread; `progressed` carries `ScoreProgress`, `done` a `ScoreOutcome`."""

    def __init__(self, project_path: Path, *, force: bool = False, scoring: bool = True) -> None:
        super().__init__()
        self.project_path = project_path
        self.scoring = scoring  # False: only the sort indexes
        self.force = force  # re-score even if the scores look current

    def work(self) -> ScoreOutcome:
        """Build missing indexes, then re-score if needed."""
        outcome = ScoreOutcome(self.project_path, scoring=self.scoring)
        try:
            with Project.open(self.project_path, create=False) as project:
                outcome.indexes_built = ensure_table_indexes(
                    project.db, progress=self._index_progress, cancelled=self.cancelled)
                if self.scoring and (self.force or not scores_current(project.db)):
                    outcome.summary = rescore(project.db, progress=self.progressed.emit,
                                              cancelled=self.cancelled)
        except (ScoreCancelled, IndexingCancelled):
            outcome.cancelled = True
        except ProjectError as error:
            outcome.error = str(error)
        except Exception as error:  # a bug: say it plainly, log the details
            log.exception("re-scoring %s failed", self.project_path)
            outcome.error = f"internal error ({error}); the scores are unchanged"
        return outcome

    def failure(self, message: str) -> ScoreOutcome:
        return ScoreOutcome(self.project_path, scoring=self.scoring, error=message)

    def _index_progress(self, done: int, total: int) -> None:
        if done < total:
            self.progressed.emit(ScoreProgress(INDEX_STAGE, done + 1, total))


class ScoreJob(ThreadJob[ScoreOutcome]):
    """Sort indexes, then scores, in the background: `progressed(ScoreProgress)`,
    `finished(ScoreOutcome)`."""

    def __init__(self, project_path: Path, parent: QObject | None = None, *,
                 force: bool = False, scoring: bool = True) -> None:
        super().__init__(ScoreWorker(project_path, force=force, scoring=scoring), "score",
                         parent)
        self.scoring = scoring  # False: the job only builds sort indexes


def progress_text(progress: ScoreProgress) -> str:
    """"Scoring: <stage> (step 2 of 5)…" for the status bar."""
    if progress.stage == INDEX_STAGE:
        return f"Preparing sort indexes ({progress.step} of {progress.steps})…"
    return f"Scoring: {progress.stage} (step {progress.step} of {progress.steps})…"
