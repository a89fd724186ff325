"""Which domain is the client's site? Asked after an import when the links point to several
domains and none clearly leads (the brand anchors and the Dashboard's hints depend on it)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.importers.site import SiteGuess
from linkdesk.ui.dialogs.buttons import accept_buttons


class SiteChoiceDialog(QDialog):
    """The domains the links point to, most first (editable: the site may be another)."""

    def __init__(self, guess: SiteGuess, save: Callable[[str], str],
                 parent: QWidget | None = None) -> None:
        """`save(domain)` stores the choice and returns an error message ("" when stored)."""
        super().__init__(parent)
        self.setObjectName("siteChoice")
        self.setWindowTitle("The client's site")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._save = save
        text = QLabel(
            "Which domain is the client's site? The links point to "
            f"{guess.list_candidates()}. LinkDesk uses the site to recognise brand and URL "
            "anchors and to place Search Console links; you can change it later in "
            "File ▸ Project Settings."
        )
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        self.choice = QComboBox()
        self.choice.setEditable(True)
        self.choice.addItems([domain for domain, _ in guess.candidates])
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()
        buttons = accept_buttons(self, "Use this site", "Not now")
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.choice)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def accept(self) -> None:
        """Store the chosen site; an unusable one is said and the dialog stays open."""
        problem = self._save(self.choice.currentText().strip())
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        super().accept()
