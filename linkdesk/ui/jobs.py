"""The window's background work and its one rule: one writer at a time.

`JobCoordinator` owns the jobs that write to the open project — imports, live checks,
reviews (workers/reviewer.py) and the upkeep job (missing sort indexes, then scores:
workers/scorer.py) — and the work waiting to start. Everything that wants to write asks it
and gets a typed `Decision`:

- an import, a check or a review is refused while another import, check or review runs;
- a re-score gives way: it is cancelled, the import, check or review waits in the queue and
  starts as soon as the re-score has stopped, and the scores are brought up to date after it
  (a review re-scores itself first);
- marks and settings (short writes on the GUI thread) ask `writer_busy` / `pause_for_write`;
- a part's short work that must not hold the GUI thread (a plan to preview, the rows a filter
  shows, placement statuses) runs as a `run_task` task on its own connection; one that writes
  keeps to one short transaction, which a write from the window simply waits for.

It shows nothing itself: the window's parts listen to its signals (a progress dialog, the
status bar's widgets, summaries) and turn refusals into messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from linkdesk.core.importers.pipeline import ImportOptions
from linkdesk.core.tables import missing_table_indexes
from linkdesk.ui.parts import OpenProject, StatusPoster
from linkdesk.ui.preferences import Preferences
from linkdesk.ui.workers.checker import CheckRequest, start_check
from linkdesk.ui.workers.importer import ImportJob, ImportOutcome
from linkdesk.ui.workers.reviewer import ReviewJob, ReviewOutcome
from linkdesk.ui.workers.scorer import ScoreJob, ScoreOutcome
from linkdesk.ui.workers.task import Task, TaskOutcome, Work
from linkdesk.ui.workspace import Workspace


class Admission(Enum):
    """What became of a request to write in the background."""

    STARTED = "started"
    QUEUED = "queued"  # it starts once the running re-score has stopped
    REFUSED = "refused"


@dataclass(frozen=True)
class Decision:
    """The answer to a request; true unless refused. A refusal with a `title` is worth a
    message (`title`, `reason`); one without is silent (nothing to do, no project)."""

    admission: Admission
    title: str = ""
    reason: str = ""

    def __bool__(self) -> bool:
        return self.admission is not Admission.REFUSED


STARTED, QUEUED = Decision(Admission.STARTED), Decision(Admission.QUEUED)
SILENT_REFUSAL = Decision(Admission.REFUSED)


def refused(title: str, reason: str) -> Decision:
    """A refusal the user is told about."""
    return Decision(Admission.REFUSED, title, reason)


@dataclass(frozen=True)
class PendingImport:
    """An import waiting for the re-score to stop."""

    paths: tuple[Path, ...]
    options: ImportOptions | None


class JobCoordinator(QObject):
    """Starts, queues, refuses and stops the window's background writers (see the module)."""

    import_started = Signal(object)  # ImportJob
    import_finished = Signal(object)  # ImportOutcome
    import_stopped = Signal()  # closing: the import was cancelled and nothing is shown
    score_started = Signal(object)  # ScoreJob
    scoring_finished = Signal(object)  # ScoreOutcome
    check_started = Signal(object, object)  # Task (progress: CheckProgress), CheckRequest
    check_finished = Signal(object)  # TaskOutcome (result: CheckResult)
    check_stopped = Signal()  # closing: the check was cancelled and nothing is shown
    review_started = Signal(object)  # ReviewJob
    review_finished = Signal(object)  # ReviewOutcome

    def __init__(self, opened: OpenProject, workspace: Workspace, preferences: Preferences,
                 post: StatusPoster, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._opened = opened
        self._workspace = workspace
        self._prefs = preferences
        self._post = post
        self._import: ImportJob | None = None
        self._score: ScoreJob | None = None  # sort indexes and re-scoring
        self._check: Task | None = None
        self._pending_import: PendingImport | None = None
        self._pending_check: CheckRequest | None = None
        self._review: ReviewJob | None = None
        self._pending_review: str | None = None  # the note of a review waiting to start
        self._tasks: set[Task] = set()  # a part's short tasks (run_task)
        self.upkeep = True  # False: no sort indexes built, no re-score (a screenshot)

    # -- what runs ---------------------------------------------------------------------------

    @property
    def import_job(self) -> ImportJob | None:
        """The running import, if any."""
        return self._import

    @property
    def score_job(self) -> ScoreJob | None:
        """The running upkeep job (sort indexes, re-scoring), if any."""
        return self._score

    @property
    def check_job(self) -> Task | None:
        """The running check, if any."""
        return self._check

    @property
    def review_job(self) -> ReviewJob | None:
        """The review being recorded, if any."""
        return self._review

    def has_pending(self) -> bool:
        """Whether an import, a check or a review waits for the re-score to stop."""
        return (self._pending_import is not None or self._pending_check is not None
                or self._pending_review is not None)

    def holding_writer(self) -> str:
        """Which job holds the project and will not give way ("" if none): an import or a
        check, each one long write transaction after another."""
        if self._import is not None:
            return "an import is running"
        if self._check is not None:
            return "a link check is running"
        if self._review is not None:
            return "a review is being recorded"
        return ""

    def writer_busy(self) -> str:
        """Why the project cannot be written from the window now ("" if it can).

        Imports, checks and re-scoring hold long write transactions; building a sort index
        holds one for a second or two, which a write simply waits for.
        """
        if self._import is not None or self._pending_import is not None:
            return "an import is running"
        if self._check is not None or self._pending_check is not None:
            return "a link check is running"
        if self._review is not None or self._pending_review is not None:
            return "a review is being recorded"
        if self._score is not None and self._score.scoring:
            return "re-scoring is running"
        return ""

    def run_task(self, name: str, work: Work, done: Callable[[TaskOutcome], None]
                 ) -> Task | None:
        """Run a part's short `work(project, progress, cancelled)` on its own thread and
        connection; `done(outcome)` follows on the GUI thread, unless the project is closed
        first (then the task is cancelled and nothing follows). Work that writes keeps to
        one short transaction (a write from the window waits for it, as for a sort index).
        None: no project."""
        project = self._opened.project
        if project is None:
            return None
        task = Task(project.path, work, self, name=name)
        self._tasks.add(task)

        def finished(outcome: TaskOutcome) -> None:
            self._tasks.discard(task)
            task.deleteLater()
            done(outcome)

        task.finished.connect(finished)
        task.start()
        return task

    # -- requests ----------------------------------------------------------------------------

    def request_import(self, paths: list[Path], options: ImportOptions | None = None
                       ) -> Decision:
        """Import `paths` now, or once the running re-score has stopped."""
        project = self._opened.project
        if project is None:
            return refused("No project is open",
                           "Open or create a project first, then import exports into it.")
        if self._import is not None:
            return refused("An import is running", "Wait for it to finish, or cancel it.")
        if self._check is not None:
            return refused("A link check is running",
                           "Wait for it to finish, or cancel it (Cancel in the status bar).")
        if self._review is not None or self._pending_review is not None:
            return refused("A review is being recorded", "Import once it is finished.")
        if not paths:
            return SILENT_REFUSAL
        if self._pending_import is not None:
            return refused("An import is waiting to start",
                           "It starts as soon as the re-score has stopped; import these "
                           "after it.")
        if self._score is not None:
            self._pending_import = PendingImport(tuple(paths), options)
            self.cancel_rescore()
            self._post("Stopping the re-score to import…", 0)
            return QUEUED
        job = ImportJob(project.path, list(paths), options or ImportOptions(), self)
        self._import = job
        job.finished.connect(self._import_done)
        self.import_started.emit(job)
        job.start()
        return STARTED

    def request_check(self, request: CheckRequest) -> Decision:
        """Check links now, or once the running re-score has stopped (it runs again after)."""
        project = self._opened.project
        if project is None:
            return SILENT_REFUSAL
        if self._review is not None or self._pending_review is not None:
            return refused("A review is being recorded", "Check links once it is finished.")
        busy = self.holding_writer()
        if busy:
            running = "An import" if self._import is not None else "A link check"
            return refused(f"{running} is running", "Wait for it to finish, or cancel it.")
        if self._score is not None:
            self._pending_check = request
            self.cancel_rescore()
            self._post("Stopping the re-score to check links…", 0)
            return QUEUED
        job = start_check(project.path, request, self)
        self._check = job
        job.finished.connect(self._check_done)
        self.check_started.emit(job, request)
        return STARTED

    def request_review(self, note: str = "") -> Decision:
        """Record a review now (re-scoring first if needed), or once the running re-score
        has stopped."""
        if self._opened.project is None:
            return SILENT_REFUSAL
        if self._opened.project.read_only:
            return refused("The project is read-only",
                           "A review is recorded in the project file, which cannot be changed.")
        busy = self.holding_writer() or ("a review is waiting to start"
                                         if self._pending_review is not None else "")
        if busy or self._pending_import is not None or self._pending_check is not None:
            return refused("Cannot finish the review now",
                           f"{(busy or 'other work is waiting to start').capitalize()}: "
                           "finish the review once it is done.")
        if self._score is not None:
            self._pending_review = note
            self.cancel_rescore()
            self._post("Stopping the re-score to record the review…", 0)
            return QUEUED
        self._start_review(note)
        return STARTED

    def rescore(self) -> Decision:
        """Re-score the project in the background (even if the scores look current)."""
        if self._opened.project is None or self._import is not None or (
                self._score is not None or self._check is not None
                or self._review is not None):
            return SILENT_REFUSAL
        self._start_score(force=True, scoring=True)
        return STARTED

    def start_upkeep(self) -> None:
        """Build missing sort indexes and, if automatic, re-score stale scores in the
        background; nothing if another job runs (upkeep follows it)."""
        project = self._opened.project
        if not self.upkeep or project is None or project.read_only or (
                self._import is not None or self._score is not None
                or self._check is not None or self._review is not None):
            return  # a read-only project cannot be given indexes or scores
        stale = self._prefs.automatic_scoring and not self._workspace.scores_current
        if stale or missing_table_indexes(project.db):
            self._start_score(force=False, scoring=stale)

    def pause_for_write(self) -> str:
        """Make way for a write on the GUI thread (saving settings): stop the re-score, keep
        what waits for it. Returns why it cannot be written now ("" if it can); after the
        write, call `resume_after_write`."""
        busy = self.holding_writer()
        if not busy:
            self._stop_score(keep_pending=True)  # its transaction would hold the write back
        return busy

    def resume_after_write(self, *, rescore: bool) -> None:
        """After `pause_for_write`: start what waits, else re-score if asked (the scores
        depend on what was written), else the usual upkeep."""
        if rescore and not self.has_pending():
            self.rescore()
        else:
            self._run_pending()

    # -- cancelling and stopping -------------------------------------------------------------

    def cancel_rescore(self) -> None:
        """Ask the running re-score to stop; the stored scores stay as they were."""
        if self._score is not None:
            self._score.cancel()

    def cancel_check(self) -> None:
        """Ask the running check to stop; the links checked so far keep their results."""
        if self._check is not None:
            self._check.cancel()

    def stop_import(self) -> None:
        """Closing the window: cancel the import and wait (its file is rolled back)."""
        if self._import is None:
            return
        job, self._import = self._import, None
        job.finished.disconnect(self._import_done)  # no summary over a closed window
        job.cancel()
        job.wait()
        job.deleteLater()
        self.import_stopped.emit()

    def stop_scoring(self, *, keep_pending: bool = False) -> None:
        """Cancel the upkeep job and wait for it; work queued behind it is dropped, or kept
        (`keep_pending`: it starts when upkeep next runs)."""
        self._stop_score(keep_pending=keep_pending)

    def close_project(self) -> None:
        """Another project (or none): stop every job of this one, drop what waits."""
        for task in list(self._tasks):
            task.retire()  # its answer is about the project being closed; not waited for
        self._tasks.clear()
        if self._review is not None:  # one transaction: let it end, show nothing
            job, self._review = self._review, None
            job.finished.disconnect(self._review_done)
            job.wait()
            job.deleteLater()
        if self._check is not None:
            check, self._check = self._check, None
            check.finished.disconnect(self._check_done)
            check.cancel()
            check.wait()  # a moment: requests in flight are dropped
            check.deleteLater()
            self.check_stopped.emit()
        self._stop_score(keep_pending=False)

    # -- ends --------------------------------------------------------------------------------

    def _start_score(self, *, force: bool, scoring: bool) -> None:
        project = self._opened.project
        assert project is not None
        job = ScoreJob(project.path, self, force=force, scoring=scoring)
        self._score = job
        job.finished.connect(self._score_done)
        self.score_started.emit(job)
        job.start()

    def _stop_score(self, *, keep_pending: bool) -> None:
        if self._score is not None:
            job, self._score = self._score, None
            job.finished.disconnect(self._score_done)
            job.cancel()
            job.wait()
            job.deleteLater()
        if not keep_pending:
            self._pending_import = None
            self._pending_check = None
            self._pending_review = None

    def _import_done(self, outcome: ImportOutcome) -> None:
        if self._import is not None:
            self._import.deleteLater()
        self._import = None
        self.import_finished.emit(outcome)
        self._run_pending()  # a check asked for meanwhile, else score the new links

    def _score_done(self, outcome: ScoreOutcome) -> None:
        if self._score is not None:
            self._score.deleteLater()
        self._score = None
        self.scoring_finished.emit(outcome)  # listeners see `has_pending()` as it was
        if self.has_pending():  # the re-score gave way to an import or a check
            self._run_pending()

    def _check_done(self, outcome: TaskOutcome) -> None:
        if self._check is not None:
            self._check.deleteLater()
        self._check = None
        self.check_finished.emit(outcome)
        self.start_upkeep()  # a re-score that gave way to the check

    def _start_review(self, note: str) -> None:
        project = self._opened.project
        assert project is not None
        job = ReviewJob(project.path, note, self)
        self._review = job
        job.finished.connect(self._review_done)
        self.review_started.emit(job)
        job.start()

    def _review_done(self, outcome: ReviewOutcome) -> None:
        if self._review is not None:
            self._review.deleteLater()
        self._review = None
        self.review_finished.emit(outcome)
        self.start_upkeep()

    def _run_pending(self) -> None:
        """Start what waited for a re-score that was stopped, else the usual upkeep."""
        if self._pending_import is not None:
            waiting, self._pending_import = self._pending_import, None
            self._post("", 0)
            self.request_import(list(waiting.paths), waiting.options)
        elif self._pending_check is not None:
            request, self._pending_check = self._pending_check, None
            self._post("", 0)
            self.request_check(request)
        elif self._pending_review is not None:
            note, self._pending_review = self._pending_review, None
            self._post("", 0)
            if self._opened.project is not None:
                self._start_review(note)
        else:
            self.start_upkeep()
