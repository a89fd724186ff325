"""File ▸ Export Report… and File ▸ Report Settings… in the window.

The report's data is gathered on a worker (its own connection, progress per step, Cancel);
the charts and the PDF are then drawn on the GUI thread (Qt painting belongs there: about a
second), and the window offers to open the file.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from linkdesk.core.report import STEPS, ReportCancelled, report_steps
from linkdesk.core.store import Project
from linkdesk.ui.dialogs.messages import show_error
from linkdesk.ui.parts import WindowContext, WindowPart
from linkdesk.ui.report.document import FORMATS, ReportError, write_report
from linkdesk.ui.report.settings_dialog import ReportSettingsDialog
from linkdesk.ui.workers.task import Task, TaskOutcome

FILTERS = ("PDF document (*.pdf)", "Web page, one file (*.html)")


class ReportExport(WindowPart):
    """At most one report at a time. It only reads the project: no turn from the coordinator."""

    finished = Signal(object)  # the path written, or None

    def __init__(self, window: QWidget, context: WindowContext) -> None:
        super().__init__(window, context)
        self.job: Task | None = None
        self.progress: QProgressDialog | None = None
        self.ask_to_open = True  # tests turn the question off

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
        """Gather in the background, then draw and write `path`. False if it cannot start."""
        if self.opened.project is None or self.job is not None:
            return False

        def work(project: Project, progress: Any, cancelled: Any) -> Any:
            gathered = None
            for _name, done, data in report_steps(project.db, cancelled=cancelled):
                progress(done)
                gathered = data
            return gathered

        self.job = Task(self.opened.project.path, work, self, name="report",
                        cancelled_errors=(ReportCancelled,))
        dialog = QProgressDialog(f"Writing the report {path.name}…", "Cancel", 0,
                                 len(STEPS) + 1, self.window())
        dialog.setWindowTitle("Export Report")
        dialog.setMinimumDuration(400)
        dialog.canceled.connect(self.job.cancel)
        self.job.progressed.connect(dialog.setValue)
        self.job.finished.connect(lambda outcome: self._gathered(outcome, path, page))
        self.progress = dialog
        self.job.start()
        return True

    def stop(self) -> None:
        """Closing the window: cancel and wait."""
        if self.job is not None:
            self.job.cancel()
            self.job.wait()

    def _gathered(self, outcome: TaskOutcome, path: Path, page: str) -> None:
        if self.job is not None:
            self.job.deleteLater()
        self.job = None
        written: Path | None = None
        try:
            if outcome.cancelled:
                self.post("Report cancelled; no file was written.", 10_000)
            elif outcome.error:
                show_error(self.window(), "Cannot write the report", outcome.error)
            else:
                project = self.opened.project
                write_report(outcome.result, path, page,  # Qt painting: the GUI thread
                             protect=[project.path] if project is not None else [])
                written = path
        except ReportError as error:
            show_error(self.window(), "Cannot write the report", str(error))
        finally:
            if self.progress is not None:
                self.progress.reset()
                self.progress.deleteLater()
            self.progress = None
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
