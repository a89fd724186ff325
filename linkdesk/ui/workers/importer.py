"""Importing export files on a worker thread, with progress, cancel and per-file results.

The worker opens its own `Project` (a connection belongs to its thread). Files are imported in
batches (`import_files`), each file all-or-nothing: a failed or cancelled file leaves the
project as it was before it.
Signals cross to the GUI thread queued; Cancel only sets an event the import polls. The job
follows the contract of every job (job.py): `cancel()` asks, `wait()` only waits, `finished`
comes once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject

from linkdesk.core.importers.batches import FileOutcome, import_files
from linkdesk.core.importers.pipeline import (
    ImportCancelled,
    ImportOptions,
    ImportProgress,
    ImportResult,
)
from linkdesk.core.importers.site import SiteGuess, settle_site
from linkdesk.core.link_status import StatusMoves
from linkdesk.core.store import Project, ProjectError, transaction
from linkdesk.ui.workers.job import JobWorker, ThreadJob

log = logging.getLogger(__name__)


@dataclass
class ImportOutcome:
    """What an import job did, file by file."""

    results: list[ImportResult] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file name, message)
    cancelled: bool = False
    seconds: float = 0.0
    site: SiteGuess | None = None  # the client's site worked out after the import, if unset
    status_moves: StatusMoves = field(default_factory=StatusMoves)  # links no longer reported

    @property
    def changed(self) -> bool:
        """Whether anything was added to the project."""
        return any(r.rows_imported for r in self.results)


@dataclass(frozen=True)
class JobProgress:
    """Progress over all files of a job."""

    file: str
    file_number: int
    files: int
    rows: int  # rows read so far, all files
    fraction: float  # 0-1, by bytes
    seconds: float  # since the job started

    @property
    def seconds_left(self) -> float | None:
        """A linear estimate, once there is enough to go on."""
        if self.fraction < 0.02 or self.seconds < 1.0:
            return None
        return self.seconds * (1 - self.fraction) / self.fraction


class ImportWorker(JobWorker[ImportOutcome]):
    """Runs on the worker thread; `progressed` carries `JobProgress`, `done` an `ImportOutcome`."""

    def __init__(self, project_path: Path, files: list[Path], options: ImportOptions) -> None:
        super().__init__()
        self.project_path = project_path
        self.files = files
        self.options = options
        self._sizes = [_size(path) for path in files]
        self._rows_before = 0
        self._started = 0.0

    def work(self) -> ImportOutcome:
        """Import every file (a cancel rolls back the file being read)."""
        outcome = ImportOutcome()
        self._started = time.monotonic()
        try:
            with Project.open(self.project_path, create=False) as project:
                self._import_all(project, outcome)
                if outcome.changed and not self.options.site:
                    with transaction(project.db):
                        outcome.site = settle_site(project.db)
        except ProjectError as error:
            outcome.failures.append((self.project_path.name, str(error)))
        outcome.seconds = time.monotonic() - self._started
        return outcome

    def failure(self, message: str) -> ImportOutcome:
        return ImportOutcome(failures=[(self.project_path.name, message)])

    def _import_all(self, project: Project, outcome: ImportOutcome) -> None:
        """Import the files in batches (`import_files`); a bug met in one file is logged and
        reported for that file, and the files after it are still imported."""
        number = -1  # of the file being imported
        rows_done = 0  # rows read in that file
        reported = 0  # files whose outcome `done` has had

        def files() -> Iterator[Path]:
            nonlocal number, rows_done
            while number + 1 < len(self.files):
                if self.cancelled():
                    outcome.cancelled = True
                    return
                number += 1
                self._rows_before += rows_done
                rows_done = 0
                yield self.files[number]

        def report(progress: ImportProgress) -> None:
            nonlocal rows_done
            rows_done = progress.rows
            self._report(number, self.files[number], progress)

        def done(file: FileOutcome) -> None:
            nonlocal reported
            reported += 1
            outcome.results.extend(file.results)
            if isinstance(file.error, ImportCancelled):
                outcome.cancelled = True
            elif file.error is not None:
                outcome.failures.append((file.path.name, str(file.error)))

        pending = files()
        while not outcome.cancelled and number + 1 < len(self.files):
            try:
                outcome.status_moves += import_files(
                    project, pending, self.options, done=done, progress=report,
                    cancelled=self.cancelled)
            except Exception as error:  # a bug, not a bad file: say it plainly, log the details
                path = self.files[max(number, 0)]
                log.exception("importing %s failed", path)
                if reported > number:  # saving its batch failed: reported with the batch
                    continue
                outcome.failures.append(
                    (path.name, f"could not be imported because of an internal error ({error}); "
                                "the project is unchanged")
                )

    def _report(self, number: int, path: Path, progress: ImportProgress) -> None:
        total = sum(self._sizes) or 1
        within = progress.bytes_done / progress.bytes_total if progress.bytes_total else 0.0
        done = sum(self._sizes[:number]) + min(within, 1.0) * self._sizes[number]
        self.progressed.emit(JobProgress(
            file=path.name, file_number=number + 1, files=len(self.files),
            rows=self._rows_before + progress.rows, fraction=min(done / total, 1.0),
            seconds=time.monotonic() - self._started,
        ))


class ImportJob(ThreadJob[ImportOutcome]):
    """An import in the background: `progressed(JobProgress)`, `finished(ImportOutcome)`."""

    def __init__(self, project_path: Path, files: list[Path], options: ImportOptions,
                 parent: QObject | None = None) -> None:
        super().__init__(ImportWorker(project_path, files, options), "import", parent)
        self.files = files


def _size(path: Path) -> int:
    try:
        return max(path.stat().st_size, 1)
    except OSError:
        return 1
