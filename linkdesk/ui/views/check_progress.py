"""The status bar's part of a running check: what it has done so far, a bar, and Cancel.

Not a dialog: a check of thousands of pages takes minutes, and the window stays usable
meanwhile (the tables show the results as they are saved once the check ends).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from linkdesk.core.checker import CheckProgress
from linkdesk.ui.format import ui_locale
from linkdesk.ui.workers.checker import progress_text


class CheckStatus(QWidget):
    """Hidden until a check starts; `cancel_requested` when its Cancel button is clicked."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkStatus")
        self.label = QLabel()
        self.label.setObjectName("checkProgressText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        # Room for a big check's figures: the status bar does not jump as they grow.
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance(
            "Checking: 0,000 of 0,000 pages · 0,000 live · 000 missing"))
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(100)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.cancel = QToolButton()
        self.cancel.setObjectName("checkCancel")
        self.cancel.setText("Cancel")
        self.cancel.setAutoRaise(True)
        self.cancel.setToolTip("Stop the check; the links checked so far keep their results")
        self.cancel.clicked.connect(self._cancel_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self._locale = ui_locale()
        self.hide()

    def start(self, links: str) -> None:
        """A check starts (`links`: what it checks, in words)."""
        self.label.setText(f"Checking {links}…")
        self.bar.setRange(0, 0)  # busy until the pages are counted
        self.cancel.setEnabled(True)
        self.show()

    def update_progress(self, progress: CheckProgress) -> None:
        """Pages done of the total, links live and missing so far."""
        if self.cancel.isEnabled():  # once Cancel is clicked, the label says it is stopping
            self.label.setText(progress_text(progress, self._locale.toString))
        self.bar.setRange(0, max(1, progress.pages_total))
        self.bar.setValue(progress.pages_done)

    def finish(self) -> None:
        """The check ended: hide."""
        self.hide()

    def _cancel_clicked(self) -> None:
        self.cancel.setEnabled(False)
        self.label.setText("Stopping the check…")
        self.cancel_requested.emit()
