"""Reviews in the window: Tools ▸ Finish Review…, and the opening summary bar.

Opening a project computes what changed since its last review on a worker
(workers/summary.py) and shows it above the tables (views/summary_bar.py); each part of the
sentence shows the table filtered to its rows. Finish Review asks for a note
(dialogs/finish_review.py), then the coordinator (jobs.py) records the review on a worker,
one writer at a time; afterwards the tables' since-review filters start from it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from linkdesk.core.timeline import SummaryPart, latest_review
from linkdesk.ui.dialogs.finish_review import FinishReviewDialog
from linkdesk.ui.dialogs.messages import show_error
from linkdesk.ui.parts import WindowContext, WindowPart
from linkdesk.ui.views.summary_bar import SummaryBar
from linkdesk.ui.waiting import wait_for
from linkdesk.ui.workers.importer import ImportOutcome
from linkdesk.ui.workers.reviewer import ReviewJob, ReviewOutcome
from linkdesk.ui.workers.scorer import ScoreOutcome
from linkdesk.ui.workers.summary import SummaryJob, SummaryOutcome


class Reviewing(WindowPart):
    """Finish Review and the summary bar (`bar`, laid out by the window above the tables)."""

    summary_ready = Signal()  # the latest summary request has been answered

    def __init__(self, window: QWidget, context: WindowContext) -> None:
        super().__init__(window, context)
        self.action: QAction | None = None  # Tools ▸ Finish Review: off while one is recorded
        self.bar = SummaryBar()
        self.bar.part_clicked.connect(self.show_part)
        self.bar.review_requested.connect(self.finish_review)
        self.bar.dismissed.connect(self._dismissed)
        self.dialog: FinishReviewDialog | None = None
        self._job: SummaryJob | None = None
        self._request = 0
        self._dismissed_for: Path | None = None  # × hides the bar until the project reopens
        self.jobs.review_started.connect(self._review_started)
        self.jobs.review_finished.connect(self._review_done)
        self.jobs.import_finished.connect(self._imported)
        self.jobs.scoring_finished.connect(self._rescored)  # "risky", "strong": the scores

    # -- the summary -------------------------------------------------------------------------

    def project_opened(self) -> None:
        """A project was opened: compute its summary in the background (the bar shows it)."""
        self._dismissed_for = None
        self.refresh_summary()

    def refresh_summary(self) -> None:
        """Compute the summary again (unless the user hid it for this project)."""
        self.stop()
        project = self.opened.project
        if project is None or self._dismissed_for == project.path:
            self.bar.show_summary(None)
            return
        self._request += 1
        job = SummaryJob(project.path, self._request, self)
        self._job = job
        job.finished.connect(self._summary_done)
        job.start()

    def busy(self) -> bool:
        """Whether a summary is being computed."""
        return self._job is not None

    def wait_until_ready(self, timeout_ms: int = 60_000) -> bool:
        """Run the event loop until the summary is in (screenshots, tests)."""
        return wait_for(self.summary_ready, self.busy, timeout_ms)

    def stop(self) -> None:
        """Stop computing the summary (another project, or closing); nothing is shown."""
        if self._job is not None:
            job, self._job = self._job, None
            job.retire()  # it ends by itself; the GUI thread does not wait for it
        self._request += 1

    def show_part(self, part: SummaryPart) -> None:
        """Show the rows of a part of the summary: its table, filtered."""
        self.workspace.filter_bar.show_filters(part.filters)
        self.workspace.show_tab(part.table)

    def _summary_done(self, outcome: SummaryOutcome) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.deleteLater()
        project = self.opened.project
        if (outcome.request == self._request and project is not None
                and project.path == outcome.project_path):
            if outcome.error:
                self.post(f"What changed since the last review could not be computed: "
                          f"{outcome.error}", 10_000)
            self.bar.show_summary(outcome.summary)
        self.summary_ready.emit()

    def _dismissed(self) -> None:
        project = self.opened.project
        self._dismissed_for = project.path if project is not None else None

    def _imported(self, outcome: ImportOutcome) -> None:
        if outcome.changed:
            self.refresh_summary()

    def _rescored(self, outcome: ScoreOutcome) -> None:
        if outcome.summary is not None and not self.bar.isHidden():
            self.refresh_summary()

    # -- Finish Review -----------------------------------------------------------------------

    def finish_review(self) -> FinishReviewDialog | None:
        """Ask for a note, then record the review in the background."""
        project = self.opened.project
        if project is None:
            return None
        busy = self.jobs.holding_writer()
        if busy:
            show_error(self.window(), "Cannot finish the review now",
                       f"{busy.capitalize()}: finish the review once it is done.")
            return None
        self.dialog = FinishReviewDialog(latest_review(project.db), self.request_review,
                                         self.window())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(self._dialog_gone)
        self.dialog.open()
        return self.dialog

    def request_review(self, note: str) -> bool:
        """Record a review with `note` in the background; False (with a message) if it
        cannot start."""
        decision = self.jobs.request_review(note)
        if decision.title:
            show_error(self.window(), decision.title, decision.reason)
        return bool(decision)

    def _dialog_gone(self) -> None:
        self.dialog = None

    def _review_started(self, _job: ReviewJob) -> None:
        self._enable(False)
        self.post("Recording the review (re-scoring first if needed)…", 0)

    def _review_done(self, outcome: ReviewOutcome) -> None:
        self._enable(self.opened.project is not None)
        project = self.opened.project
        if project is None or project.path != outcome.project_path:
            return
        if outcome.error or outcome.review is None:
            self.post("", 0)
            show_error(self.window(), "Cannot finish the review",
                       outcome.error or "The review was not recorded.")
            return
        day = outcome.review.day
        self.post(f"Review of {day.day} {day.strftime('%b %Y')} recorded: what is imported "
                  "from now on is compared with it.", 10_000)
        self.workspace.reload()  # the since-review filters start from the new review
        self._dismissed_for = None
        self.refresh_summary()

    def _enable(self, on: bool) -> None:
        if self.action is not None:
            self.action.setEnabled(on)
