"""File ▸ Export Report… and File ▸ Report Settings… in the window.

Two jobs with one progress dialog and one Cancel: the report's data is gathered on a worker
(its own connection, progress per step), the charts are drawn on the GUI thread (widgets
belong there) in short steps, one per turn of the event loop (each chart built, laid out and
rendered: the window answers between two), then their PNGs are encoded, the document laid
out and the PDF or HTML written on a worker (page by page, into a temporary file put in
place at the end: a cancel leaves no file). The window then offers to open the file.

PySide6 keeps Python's GIL during a call into Qt, so one long Qt call on the worker (a layout of
the whole document) still holds the GUI thread for its length: the report's lists are bounded
(200 rows each) to keep each such call to a fraction of a second.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from linkdesk.core.report import STEPS, ReportCancelled, ReportData, report_steps
from linkdesk.core.store import Project
from linkdesk.ui.dashboard import theme
from linkdesk.ui.dialogs.messages import show_error
from linkdesk.ui.parts import WindowContext, WindowPart
from linkdesk.ui.report.charts import CHARTS, ChartDrawing, Steps, drawing_steps
from linkdesk.ui.report.document import FORMATS, ReportError, write_report
from linkdesk.ui.report.settings_dialog import ReportSettingsDialog
from linkdesk.ui.workers.task import Task, TaskOutcome

FILTERS = ("PDF document (*.pdf)", "Web page, one file (*.html)")
GATHERED, DRAWN, WRITTEN = 40, 50, 100  # the progress dialog's marks, out of WRITTEN


class ReportExport(WindowPart):
    """At most one report at a time. It only reads the project: no turn from the coordinator."""

    finished = Signal(object)  # the path written, or None

    def __init__(self, window: QWidget, context: WindowContext) -> None:
        super().__init__(window, context)
        self.job: Task | None = None
        self.progress: QProgressDialog | None = None
        self.ask_to_open = True  # tests turn the question off
        self.cancel_asked = False

    def choose(self) -> None:
        """Ask where to write the report, then write it."""
        project = self.opened.project
        if project is None:
            return
        suggested = project.path.with_name(f"{project.path.stem}-report-"
                                           f"{time.strftime('%Y-%m-%d')}.pdf")
        name, chosen = QFileDialog.getSaveFileName(self.window(), "Export Report",
                                                   str(suggested), ";;".join(FILTERS))
        if name:
            path = Path(name)
            if path.suffix.lower() not in FORMATS:
                path = path.with_name(path.name + (".html" if "html" in chosen else ".pdf"))
            self.export(path)

    def export(self, path: Path, page: str = "a4") -> bool:
        """Gather, draw and write `path` in the background. False if it cannot start."""
        if self.opened.project is None or self.job is not None or self.progress is not None:
            return False
        self.cancel_asked = False

        def work(project: Project, progress: Any, cancelled: Any) -> Any:
            gathered = None
            for _name, done, data in report_steps(project.db, cancelled=cancelled):
                progress(GATHERED * done // len(STEPS))
                gathered = data
            return gathered

        dialog = QProgressDialog(f"Writing the report {path.name}…", "Cancel", 0, WRITTEN,
                                 self.window())
        dialog.setObjectName("reportProgress")
        dialog.setWindowTitle("Export Report")
        dialog.setMinimumDuration(400)
        dialog.setAutoReset(False)  # it ends when the file is written, not at 100
        dialog.setAutoClose(False)
        dialog.canceled.connect(self.cancel)
        self.progress = dialog
        self._run(work, lambda outcome: self._gathered(outcome, path, page))
        return True

    def cancel(self) -> None:
        """Stop the report: no file is written (the place's old file, if any, stays)."""
        self.cancel_asked = True
        if self.job is not None:
            self.job.cancel()

    def stop(self) -> None:
        """Closing the window: cancel and wait."""
        self.cancel_asked = True
        if self.job is not None:
            self.job.cancel()
            self.job.wait()

    def _run(self, work: Any, then: Any) -> None:
        project = self.opened.project
        assert project is not None and self.progress is not None
        self.job = Task(project.path, work, self, name="report",
                        cancelled_errors=(ReportCancelled,))
        self.job.progressed.connect(self.progress.setValue)
        self.job.finished.connect(then)
        self.job.start()

    def _end_job(self) -> None:
        if self.job is not None:
            self.job.deleteLater()
        self.job = None

    def _gathered(self, outcome: TaskOutcome, path: Path, page: str) -> None:
        self._end_job()
        if outcome.cancelled or outcome.error:
            self._done(outcome, None)
            return
        self._draw_charts(outcome.result, path, page, drawing_steps(outcome.result.profile),
                          [])

    def _draw_charts(self, data: ReportData, path: Path, page: str,
                     steps: Steps, drawings: list[ChartDrawing]) -> None:
        """One step of a chart, then the next in a later turn of the event loop; then the
        writing."""
        if self.cancel_asked or self.opened.project is None:
            steps.close()  # the chart's widget is deleted
            self._done(TaskOutcome(cancelled=True), None)
            return
        with theme.printing():  # widgets: the GUI thread
            step = next(steps, None)
        if step is None:
            self._write(data, path, page, drawings)
            return
        name, drawing = step
        if drawing is not None:
            drawings.append(drawing)
            if self.progress is not None:
                left = len(CHARTS) - 1 - CHARTS.index(name)
                self.progress.setValue(DRAWN - (DRAWN - GATHERED) * left // len(CHARTS))
        QTimer.singleShot(0, self, lambda: self._draw_charts(data, path, page, steps, drawings))

    def _write(self, data: ReportData, path: Path, page: str, drawings: list[ChartDrawing]
               ) -> None:
        assert self.opened.project is not None
        protect = [self.opened.project.path]

        def work(_project: Project, progress: Any, cancelled: Any) -> Any:
            def drawn(done: int, pages: int) -> None:
                progress(DRAWN + (WRITTEN - 1 - DRAWN) * done // max(pages, 1))

            charts = [drawing.encoded() for drawing in drawings]  # PNGs: not the GUI thread
            try:
                write_report(data, path, page, charts, protect=protect, progress=drawn,
                             cancelled=cancelled)
            except ReportError as error:
                return error
            return path

        self._run(work, lambda written: self._done(written, path))

    def _done(self, outcome: TaskOutcome, path: Path | None) -> None:
        """The end of either job: say what happened; `path` when the writing job ended."""
        self._end_job()
        if self.progress is not None:
            self.progress.hide()  # not close(): closing a progress dialog means Cancel
            self.progress.deleteLater()
        self.progress = None
        written: Path | None = None
        if outcome.error:
            show_error(self.window(), "Cannot write the report", outcome.error)
        elif isinstance(outcome.result, ReportError):
            show_error(self.window(), "Cannot write the report", str(outcome.result))
        elif outcome.cancelled or path is None:  # or stopped between the two jobs
            self.post("Report cancelled; no file was written.", 10_000)
        else:
            written = path
        if written is not None:
            self.post(f"Report written to {written}.", 10_000)
            if self.ask_to_open and QMessageBox.question(
                    self.window(), "Export Report", f"The report {written.name} is ready. "
                    "Open it now?") == QMessageBox.StandardButton.Yes:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))
        self.finished.emit(written)

    def edit_settings(self) -> ReportSettingsDialog:
        """File ▸ Report Settings…: the user's name, logo, colour, footer; this client's."""
        dialog = ReportSettingsDialog(self.opened.project, self.jobs.pause_for_write,
                                      self.jobs.resume_after_write, self.window())
        dialog.open()
        return dialog
