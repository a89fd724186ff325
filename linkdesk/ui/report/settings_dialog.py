"""File ▸ Report Settings…: the freelancer's name, logo, accent colour and footer text.

The values are the user's (core/report/branding.py: one JSON file the command line reads
too); "Only for this client" stores them as this project's override instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from linkdesk.core.report import (
    Branding,
    BrandingError,
    project_branding,
    save_project_branding,
    save_user_branding,
    user_branding,
)
from linkdesk.core.store import Project
from linkdesk.ui.file_choice import ask_open_path


class ReportSettingsDialog(QDialog):
    """Edit the white-label settings; Save stores them, a bad value keeps the dialog open."""

    def __init__(self, project: Project | None, pause: Callable[[], str],
                 resume: Callable[..., None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Report Settings")
        self.project, self._pause, self._resume = project, pause, resume
        self.name, self.logo = QLineEdit(), QLineEdit()
        self.accent, self.footer = QLineEdit(), QLineEdit()
        self.accent.setPlaceholderText("#1f5f8b")
        self.name.setPlaceholderText("Your name or your agency's")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(browse)
        self.for_client = QCheckBox("Only for this client (this project)")
        self.for_client.setEnabled(project is not None)
        self.for_client.toggled.connect(lambda _on: self._load())
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Logo", logo_row)
        form.addRow("Accent colour", self.accent)
        form.addRow("Footer text", self.footer)
        form.addRow(self.for_client)
        form.addRow(self.problem)
        form.addRow(buttons)
        self._load()

    def _load(self) -> None:
        if self.for_client.isChecked() and self.project is not None:
            values = project_branding(self.project.db)
        else:
            values = user_branding()
        for field, value in ((self.name, values.name), (self.logo, values.logo),
                             (self.accent, values.accent), (self.footer, values.footer)):
            field.setText(value)

    def _choose_logo(self) -> None:
        path = ask_open_path(self, "Choose a Logo", self.logo.text(),
                             "Images (*.png *.jpg *.jpeg)")
        if path is not None:
            self.logo.setText(str(path))

    def branding(self) -> Branding:
        """The values as typed."""
        return Branding(self.name.text().strip(), self.logo.text().strip(),
                        self.accent.text().strip(), self.footer.text().strip())

    def save(self) -> None:
        """Store the values where chosen; a bad value is shown and the dialog stays."""
        try:
            if self.for_client.isChecked() and self.project is not None:
                if busy := self._pause():
                    raise BrandingError(busy)
                try:
                    save_project_branding(self.project.db, self.branding())
                except sqlite3.Error as error:
                    raise BrandingError(f"the project cannot be written now ({error})"
                                        ) from None
                finally:
                    self._resume(rescore=False)
            else:
                save_user_branding(self.branding())
        except (BrandingError, OSError) as error:
            self.problem.setText(f"Not saved: {error}")
            return
        self.accept()
