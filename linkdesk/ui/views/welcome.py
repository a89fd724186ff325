"""The welcome screen: shown when no project is open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from linkdesk.ui.format import plain_tooltip
from linkdesk.ui.icons import app_icon


class WelcomePage(QWidget):
    """New, Open, the sample project, and the recent projects."""

    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()
    recent_chosen = Signal(object)  # Path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(QSize(72, 72)))
        title = QLabel("LinkDesk")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        title.setFont(font)
        tagline = QLabel("Every tool's backlinks for a client, merged in one project file.")
        heading = QHBoxLayout()
        heading.addWidget(icon)
        names = QVBoxLayout()
        names.addWidget(title)
        names.addWidget(tagline)
        heading.addLayout(names, 1)

        buttons = QHBoxLayout()
        for text, signal in (("New project…", self.new_requested),
                             ("Open project…", self.open_requested),
                             ("Open the sample project", self.demo_requested)):
            button = QPushButton(text)
            button.setMinimumHeight(button.sizeHint().height() + 8)
            button.clicked.connect(signal)
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.recent_label = QLabel("Recent projects")
        self.recent = QListWidget()
        self.recent.setObjectName("recentProjects")
        self.recent.setMaximumHeight(12 * (self.fontMetrics().height() + 6))
        self.recent.itemActivated.connect(
            lambda item: self.recent_chosen.emit(Path(item.data(Qt.ItemDataRole.UserRole))))

        column = QVBoxLayout()
        column.addStretch(1)
        column.addLayout(heading)
        column.addSpacing(18)
        column.addLayout(buttons)
        column.addSpacing(18)
        column.addWidget(self.recent_label)
        column.addWidget(self.recent, 2)
        column.addStretch(1)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 3)
        outer.addStretch(1)

    def set_recent(self, paths: list[Path]) -> None:
        """List the recent projects (name, then folder)."""
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{path.stem}    —    {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(plain_tooltip(str(path)))
            self.recent.addItem(item)
        self.recent_label.setVisible(bool(paths))
        self.recent.setVisible(bool(paths))
