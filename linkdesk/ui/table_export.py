"""File ▸ Export Table as CSV: the table on screen, as shown, written in the background.

The export follows the table's filters, order and shown columns (then the columns only a
file carries, core/exports/table_csv.py), with a progress dialog and Cancel; a cancelled or
failed export leaves no file.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from linkdesk.core.exports import CsvExportCancelled, export_table_csv
from linkdesk.core.exports.table_csv import csv_columns
from linkdesk.core.store import Project
from linkdesk.ui.dialogs.messages import show_error
from linkdesk.ui.format import counted, ui_locale
from linkdesk.ui.parts import WindowContext, WindowPart
from linkdesk.ui.workers.task import Task, TaskOutcome

CSV_FILTERS = ("CSV, UTF-8 (*.csv)", "CSV for Excel, UTF-8 with BOM (*.csv)")


class TableExport(WindowPart):
    """At most one export at a time, with its progress dialog. An export only reads the
    project, so it needs no turn from the coordinator (jobs.py)."""

    finished = Signal(object)  # TaskOutcome (result: rows written)

    def __init__(self, window: QWidget, context: WindowContext) -> None:
        super().__init__(window, context)
        self.job: Task | None = None
        self.progress: QProgressDialog | None = None
        self._locale: QLocale = ui_locale()

    def choose(self) -> None:
        """Ask where to write the table on screen, then export it in the background."""
        view = self.workspace.current_view()
        project = self.opened.project
        if project is None or view is None:
            return
        today = time.strftime("%Y-%m-%d")
        suggested = project.path.with_name(f"{project.path.stem}-{view.table.spec.name}-"
                                           f"{today}.csv")
        name, chosen = QFileDialog.getSaveFileName(
            self.window(), "Export Table as CSV", str(suggested), ";;".join(CSV_FILTERS))
        if name:
            path = Path(name) if Path(name).suffix else Path(name + ".csv")
            self.export(path, bom=chosen == CSV_FILTERS[1])

    def export(self, path: Path, *, bom: bool = False) -> bool:
        """Write the table on screen to `path`: its filters, its order, its shown columns.

        Runs in the background with a progress dialog and Cancel (a cancelled export leaves
        no file). False if it cannot start now.
        """
        view = self.workspace.current_view()
        if self.opened.project is None or view is None or self.job is not None:
            return False
        model = view.table
        spec, filters, sort = model.spec, model.filters, model.sort_order
        shown = [name for name, _, hidden in view.column_layout() if not hidden]
        columns = shown + [name for name in csv_columns(spec) if name not in
                           {column.name for column in spec.columns}]

        def work(project: Project, progress: Any, cancelled: Any) -> int:
            return export_table_csv(project.db, spec, filters, sort, path, columns=columns,
                                    bom=bom, progress=progress, cancel=cancelled)

        self.job = Task(self.opened.project.path, work, self,
                        cancelled_errors=(CsvExportCancelled,))
        dialog = QProgressDialog(f"Exporting {spec.title} to {path.name}…", "Cancel", 0, 100,
                                 self.window())
        dialog.setWindowTitle("Export")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)  # small tables finish before it would show
        dialog.canceled.connect(self.job.cancel)
        self.job.progressed.connect(
            lambda step: dialog.setValue(100 * step.rows_written // max(1, step.rows_total)))
        self.job.finished.connect(lambda outcome: self._done(outcome, path))
        self.progress = dialog
        self.job.start()
        return True

    def stop(self) -> None:
        """Closing the window: cancel the export and wait (the half-written file is removed)."""
        if self.job is not None:
            self.job.cancel()
            self.job.wait()

    def _done(self, outcome: TaskOutcome, path: Path) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
        if self.job is not None:
            self.job.deleteLater()
        self.job, self.progress = None, None
        if outcome.cancelled:
            self.post("Export cancelled; no file was written.", 10_000)
        elif outcome.error:
            show_error(self.window(), "Cannot export the table", outcome.error)
        else:
            rows = counted(int(outcome.result), "row", self._locale)
            self.post(f"Exported {rows} to {path}.", 10_000)
        self.finished.emit(outcome)
