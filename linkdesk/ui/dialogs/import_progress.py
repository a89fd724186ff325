"""The import progress dialog: file, rows, percent, time left, Cancel.

It appears only when an import runs longer than `SHOW_AFTER_MS` (as Anki's progress does):
a small file imports without a flash of a dialog.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from linkdesk.ui.format import counted, ui_locale
from linkdesk.ui.workers.importer import JobProgress

SHOW_AFTER_MS = 600


class ImportProgressDialog(QDialog):
    """Window-modal progress of an import job; `cancelled` fires once on Cancel."""

    cancelled = Signal()

    def __init__(self, files: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Importing")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(440)
        self.file_label = QLabel(f"Reading {files} file{'s' if files != 1 else ''}…")
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)  # file names are not HTML
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.rows_label = QLabel(" ")
        self.time_label = QLabel(" ")
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self._cancel)
        layout = QVBoxLayout(self)
        for widget in (self.file_label, self.bar, self.rows_label, self.time_label, self.buttons):
            layout.addWidget(widget)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.open)
        self._locale = ui_locale()

    def start(self) -> None:
        """Show the dialog if the import is still running in a moment."""
        self._timer.start(SHOW_AFTER_MS)

    def update_progress(self, progress: JobProgress) -> None:
        """Show a progress report of the job."""
        if progress.files > 1:
            self.file_label.setText(
                f"{progress.file} (file {progress.file_number} of {progress.files})")
        else:
            self.file_label.setText(progress.file)
        self.bar.setValue(round(progress.fraction * 1000))
        percent = self._locale.toString(round(progress.fraction * 100))
        rows = counted(progress.rows, 'row', self._locale)
        # Rows and share are of every file: under "semrush.csv (file 2 of 4)", "292,848
        # rows · 74%" read as Semrush's own (its file had 191,435 rows).
        self.rows_label.setText(f"{rows} read in all · {percent}% of the {progress.files} files"
                                if progress.files > 1 else f"{rows} · {percent}%")
        if progress.fraction >= 0.999:
            self.time_label.setText("Merging links…")
        else:
            self.time_label.setText(time_left_text(progress.seconds_left))

    def finish(self) -> None:
        """The job ended: never show, or close."""
        self._timer.stop()
        self.done(QDialog.DialogCode.Accepted)

    def reject(self) -> None:
        """Escape and the window's close button cancel too."""
        self._cancel()

    def _cancel(self) -> None:
        if self.buttons.isEnabled():
            self.buttons.setEnabled(False)
            self.time_label.setText("Cancelling… the project stays as it was")
            self.cancelled.emit()


def time_left_text(seconds: float | None) -> str:
    """"About 2 min left", or a blank while there is no estimate yet."""
    if seconds is None:
        return "Estimating time left…"
    if seconds < 5:
        return "A few seconds left"
    if seconds < 60:
        return f"About {round(seconds / 5) * 5} s left"
    minutes = round(seconds / 60)
    return f"About {minutes} min left"
