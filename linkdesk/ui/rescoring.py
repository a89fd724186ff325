"""The status bar's scores part: "Scores out of date" with Re-score, or the upkeep job's
progress with Cancel, and what the job's end means for the tables.

The coordinator (jobs.py) runs the upkeep job (sort indexes, then scores); this part shows it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton, QWidget

from linkdesk.core.scoring import ScoreProgress
from linkdesk.ui.dialogs.messages import show_error
from linkdesk.ui.parts import WindowContext, WindowPart
from linkdesk.ui.workers.scorer import ScoreJob, ScoreOutcome, progress_text

SCORES_OUT_OF_DATE = "Scores out of date"


class Rescoring(WindowPart):
    """`label` and `button` for the status bar, kept in step with the upkeep job."""

    def __init__(self, window: QWidget, context: WindowContext) -> None:
        super().__init__(window, context)
        self.label = QLabel()
        self.label.setObjectName("scoresStatus")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        # Wide enough for the longest progress text: a status bar does not grow it in time.
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance(
            "Scoring: computing signal values (step 5 of 5)…"))
        self.label.setToolTip("The tables show no scores until the project is re-scored")
        self.button = QToolButton()
        self.button.setObjectName("rescoreButton")
        self.button.setAutoRaise(True)
        self.button.clicked.connect(self._clicked)
        self.button.hide()
        self.jobs.score_started.connect(self._started)
        self.jobs.scoring_finished.connect(self._done)

    def show_idle(self) -> None:
        """No upkeep job runs (else nothing): say whether the scores are out of date."""
        if self.jobs.score_job is not None:
            return
        stale = self.opened.project is not None and not self.workspace.scores_current
        self.label.setText(SCORES_OUT_OF_DATE if stale else "")
        self.label.setVisible(stale)
        self.button.setText("Re-score")
        self.button.setToolTip("Compute the scores in the background")
        self.button.setVisible(stale)

    def _clicked(self) -> None:
        if self.jobs.score_job is not None:
            self.jobs.cancel_rescore()
        else:
            self.jobs.rescore()

    def _started(self, job: ScoreJob) -> None:
        job.progressed.connect(self._progressed)
        self.label.setText("Scoring…" if job.scoring else "Preparing sort indexes…")
        self.label.show()
        self.button.setText("Cancel")
        self.button.setToolTip(
            "Stop; the scores stay as they were" if job.scoring else
            "Stop; columns without their index sort more slowly until the project is next "
            "opened")
        self.button.show()

    def _progressed(self, progress: ScoreProgress) -> None:
        if self.jobs.score_job is not None:
            self.label.setText(progress_text(progress))

    def _done(self, outcome: ScoreOutcome) -> None:
        project = self.opened.project
        if project is None or project.path != outcome.project_path:
            return
        if outcome.summary is not None:
            self.workspace.reload()  # the tables gain their score columns
        self.show_idle()
        if outcome.cancelled and not self.jobs.has_pending():
            self.post("Re-scoring cancelled; the scores are unchanged." if outcome.scoring else
                      "Stopped preparing the sort indexes; they are finished next time.",
                      10_000)
        elif outcome.error:
            show_error(self.window(), "Cannot re-score the project", outcome.error)
