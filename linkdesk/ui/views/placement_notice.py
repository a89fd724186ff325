"""The short notice above the tables when a project opens: placements that changed since
the last look, or that expire within 14 days.

    Placements: 2 changed since you last looked (guest.example.com/post: changed: rel), 1
    expires within 14 days (blog.example.org, on 2026-12-12). Show placements          ×

"Show placements" shows the Placements tab (`show_requested`); × hides the notice.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

SHOW_LINK = "show-placements"
NAMED = 2  # placements named in the sentence; the rest are counted


class PlacementNotice(QFrame):
    """Hidden while there is nothing to say."""

    show_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placementNotice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.sentence = ""
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)  # the sentence is escaped
        self.label.setWordWrap(True)
        self.label.linkActivated.connect(lambda _link: self.show_requested.emit())
        close = QToolButton()
        close.setText("×")
        close.setAutoRaise(True)
        close.setToolTip("Hide this notice")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 3, 3)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def say(self, changed: list[str], expiring: list[str]) -> bool:
        """Show what changed ("page: status") and what expires ("page, on DATE"); nothing to
        say hides the notice. True when shown."""
        parts = []
        if changed:
            parts.append(f"{len(changed)} changed since you last looked ({_named(changed)})")
        if expiring:
            verb = "expires" if len(expiring) == 1 else "expire"
            parts.append(f"{len(expiring)} {verb} within 14 days ({_named(expiring)})")
        if not parts:
            self.sentence = ""
            self.hide()
            return False
        self.sentence = "Placements: " + ", ".join(parts) + "."
        self.label.setText(f"{html.escape(self.sentence)} <a href='{SHOW_LINK}'>Show "
                           "placements</a>")
        self.show()
        return True


def _named(items: list[str]) -> str:
    shown = "; ".join(items[:NAMED])
    more = len(items) - NAMED
    return f"{shown}; and {more} more" if more > 0 else shown
