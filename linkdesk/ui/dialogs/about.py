"""Help > About LinkDesk: the name, the version, what it runs on."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

import linkdesk
from linkdesk.ui.icons import app_icon

DESCRIPTION = "A desktop backlink manager: merge, score and disavow a client's backlinks offline."


def app_version() -> str:
    """LinkDesk's version: the installed (or packaged) metadata, else the package's own."""
    try:
        return version("linkdesk")
    except PackageNotFoundError:
        return linkdesk.__version__


class AboutDialog(QDialog):
    """A small window-modal dialog with the icon, the version and the libraries' versions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About LinkDesk")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(f"LinkDesk {app_version()}")
        self.title.setObjectName("aboutTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        description = QLabel(DESCRIPTION)
        description.setWordWrap(True)
        description.setAlignment(Qt.AlignmentFlag.AlignCenter)
        frozen = " (packaged)" if getattr(sys, "frozen", False) else ""
        self.details = QLabel(
            f"Python {platform.python_version()}{frozen} · Qt {qVersion()} · "
            f"PySide6 {pyside_version}\n{platform.system()} {platform.machine()} · MIT licence"
        )
        self.details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for label in (self.title, description, self.details):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (icon, self.title, description, self.details, buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(380)


def show_about(parent: QWidget | None) -> AboutDialog:
    """Open the About dialog (with `open()`: the window keeps running); returned for tests."""
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
