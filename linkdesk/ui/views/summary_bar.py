"""The bar above the tables that says what changed since the last review.

    Since your review of 3 Nov: 312 new links from 40 new domains (5 risky), 18 links from
    strong domains lost, 3 disavowed domains gone                                        ×

Each part of the sentence is a link: clicking it shows the table filtered to its rows
(`part_clicked(SummaryPart)`). A project never reviewed says so, with a link to Finish Review
(`review_requested`). Nothing to say: no bar. × hides it (`dismissed`).
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from linkdesk.core.timeline import OpeningSummary

REVIEW_LINK = "finish-review"
NEVER_REVIEWED = ("No review yet: every link counts as new. When you have been through them, "
                  f"<a href='{REVIEW_LINK}'>finish a review</a> (Tools ▸ Finish Review…); "
                  "the next imports are compared with it.")


def has_news(summary: OpeningSummary) -> bool:
    """Whether the summary is worth a bar: something changed since the review, or there is
    no review yet of a project with links."""
    if summary.since.review is None:
        return summary.part["new_links"].count > 0
    return any(part.count for part in summary.parts)


def linked_sentence(summary: OpeningSummary) -> str:
    """The summary's sentence as rich text, each counted part a link to its rows."""
    text = summary.text
    spans: list[tuple[int, int, str]] = []
    for part in summary.parts:
        if not part.count:
            continue
        for found in re.finditer(re.escape(part.text), text):
            start, end = found.span()
            if start and (text[start - 1].isdigit() or text[start - 1] == ","):
                continue  # "1 link" inside "11 links"
            if any(start < e and s < end for s, e, _key in spans):
                continue
            spans.append((start, end, part.key))
            break
    pieces, at = [], 0
    for start, end, key in sorted(spans):
        pieces.append(html.escape(text[at:start]))
        pieces.append(f"<a href='{key}'>{html.escape(text[start:end])}</a>")
        at = end
    pieces.append(html.escape(text[at:]))
    return "".join(pieces)


class SummaryBar(QFrame):
    """The opening summary, its parts clickable; hidden while there is nothing to say."""

    part_clicked = Signal(object)  # SummaryPart
    review_requested = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.summary: OpeningSummary | None = None
        self.label = QLabel()
        self.label.setObjectName("summaryText")
        self.label.setTextFormat(Qt.TextFormat.RichText)  # built from escaped text only
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.label.linkActivated.connect(self._link)
        self.close_button = QToolButton()
        self.close_button.setObjectName("dismissSummary")
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Hide this summary (it shows again when the project is "
                                     "next opened)")
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 3, 3)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_summary(self, summary: OpeningSummary | None) -> bool:
        """Show the summary if it says anything (True when shown); None hides the bar."""
        self.summary = summary
        if summary is None or not has_news(summary):
            self.hide()
            return False
        self.label.setText(NEVER_REVIEWED if summary.since.review is None
                           else linked_sentence(summary))
        self.label.setToolTip("Click a part to see its rows" if summary.since.review else "")
        self.show()
        return True

    def text(self) -> str:
        """What the bar says, as plain text ("" while hidden)."""
        if self.isHidden() or self.summary is None:
            return ""
        if self.summary.since.review is None:
            return re.sub("<[^>]+>", "", NEVER_REVIEWED)
        return self.summary.text

    def dismiss(self) -> None:
        """Hide it until the project is opened again."""
        self.hide()
        self.dismissed.emit()

    def _link(self, key: str) -> None:
        if key == REVIEW_LINK:
            self.review_requested.emit()
            return
        if self.summary is not None and key in self.summary.part:
            self.part_clicked.emit(self.summary.part[key])

