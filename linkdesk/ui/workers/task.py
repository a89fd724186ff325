"""A one-off job on a worker thread, with progress and cancel: exports, checks.

The job is a plain function `work(project, progress, cancelled)` run against the project
file on its own connection (a connection belongs to its thread). Whatever it returns, raises
or reports reaches the GUI thread through signals only. Cancel and wait follow the contract
of every job (job.py): `cancel()` asks, `wait()` only waits, `finished` comes once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from linkdesk.core.store import Project, ProjectError
from linkdesk.ui.workers.job import JobWorker, ThreadJob

log = logging.getLogger(__name__)

Work = Callable[[Project, Callable[[Any], None], Callable[[], bool]], Any]


@dataclass
class TaskOutcome:
    """What a task gave: its result, or that it was cancelled, or an error in plain words."""

    result: Any = None
    cancelled: bool = False
    error: str = ""


class _TaskWorker(JobWorker[TaskOutcome]):
    def __init__(self, project_path: Path, work: Work,
                 cancelled_errors: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.project_path = project_path
        self.task_work = work
        self.cancelled_errors = cancelled_errors

    def work(self) -> TaskOutcome:
        outcome = TaskOutcome()
        try:
            with Project.open(self.project_path, create=False) as project:
                outcome.result = self.task_work(project, self.progressed.emit, self.cancelled)
        except self.cancelled_errors:
            outcome.cancelled = True
        except (OSError, ValueError, ProjectError) as error:  # a file, a value, the project
            outcome.error = str(error)
        except Exception as error:  # a bug: say it plainly, log the details
            log.exception("background task on %s failed", self.project_path)
            outcome.error = f"internal error ({error})"
        return outcome

    def failure(self, message: str) -> TaskOutcome:
        return TaskOutcome(error=message)


class Task(ThreadJob[TaskOutcome]):
    """Run `work` in the background; `finished(TaskOutcome)` on the GUI thread at the end."""

    def __init__(self, project_path: Path, work: Work, parent: QObject | None = None, *,
                 name: str = "task",
                 cancelled_errors: tuple[type[BaseException], ...] = ()) -> None:
        super().__init__(_TaskWorker(project_path, work, cancelled_errors), name, parent)
