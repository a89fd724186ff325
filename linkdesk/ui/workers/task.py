"""A one-off job on a worker thread, with progress and cancel: exports, checks, bulk marks.

The job is a plain function `work(project, progress, cancelled)` run against the project
file on its own connection (a connection belongs to its thread). Whatever it returns, raises
or reports reaches the GUI thread through signals only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from linkdesk.core.store import Project

log = logging.getLogger(__name__)

Work = Callable[[Project, Callable[[Any], None], Callable[[], bool]], Any]


@dataclass
class TaskOutcome:
    """What a task gave: its result, or that it was cancelled, or an error in plain words."""

    result: Any = None
    cancelled: bool = False
    error: str = ""


class _TaskWorker(QObject):
    progressed = Signal(object)
    finished = Signal(object)  # TaskOutcome

    def __init__(self, project_path: Path, work: Work,
                 cancelled_errors: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.project_path = project_path
        self.work = work
        self.cancelled_errors = cancelled_errors
        self.cancel_event = threading.Event()

    @Slot()
    def run(self) -> None:
        outcome = TaskOutcome()
        try:
            with Project.open(self.project_path, create=False) as project:
                outcome.result = self.work(project, self.progressed.emit,
                                           self.cancel_event.is_set)
        except self.cancelled_errors:
            outcome.cancelled = True
        except (OSError, ValueError) as error:  # a file that cannot be written, a bad value
            outcome.error = str(error)
        except Exception as error:  # a bug: say it plainly, log the details
            log.exception("background task on %s failed", self.project_path)
            outcome.error = f"internal error ({error})"
        self.finished.emit(outcome)


class Task(QObject):
    """Run `work` in the background; `finished(TaskOutcome)` on the GUI thread at the end."""

    progressed = Signal(object)
    finished = Signal(object)  # TaskOutcome

    def __init__(self, project_path: Path, work: Work, parent: QObject | None = None, *,
                 cancelled_errors: tuple[type[BaseException], ...] = ()) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("task")
        self.worker = _TaskWorker(project_path, work, cancelled_errors)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self.progressed)
        self.worker.finished.connect(self._done)
        self.outcome: TaskOutcome | None = None

    def start(self) -> None:
        """Start the work."""
        self.thread.start()

    def cancel(self) -> None:
        """Ask the work to stop (it checks between steps)."""
        self.worker.cancel_event.set()

    def wait(self) -> None:
        """Cancel and block until the thread has ended (closing the window)."""
        self.cancel()
        self.thread.quit()
        self.thread.wait()

    def _done(self, outcome: TaskOutcome) -> None:
        self.outcome = outcome
        self.thread.quit()
        self.thread.wait()
        self.finished.emit(outcome)
