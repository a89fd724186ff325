"""Tools ▸ Finish Review…: record that the profile has been reviewed, with an optional note.

The dialog only asks; the review is recorded on a worker (reviewing.py, jobs.py) because it
re-scores first when the scores are out of date. Opened with `open()`: the window keeps
running.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.timeline import Review
from linkdesk.ui.dialogs.buttons import accept_buttons

NOTE_SHOWN = 300  # characters of the last review's note the dialog shows
EXPLAINED = ("A review covers everything imported so far. What later imports bring is then "
             "new, changed or lost since it: the opening summary and the filters *New*, "
             "*Changed*, *Lost since last review* and *Not yet judged* start from it.")


def last_review_text(review: Review | None) -> str:
    """"Your last review: 3 Nov 2026 (note)" or that there is none."""
    if review is None:
        return "This project has no review yet."
    day = review.day
    note = " ".join(str(review.note or "").split())  # one line, however it was written
    if len(note) > NOTE_SHOWN:  # a pasted 10 MB note would freeze the label's layout
        note = note[:NOTE_SHOWN - 1] + "…"
    return f"Your last review: {day.day} {day.strftime('%b %Y')}" + (f" — {note}" if note else "")


class FinishReviewDialog(QDialog):
    """The note and Finish Review; `finish(note)` is called on accept."""

    def __init__(self, last: Review | None, finish: Callable[[str], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("finishReview")
        self.setWindowTitle("Finish Review")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        self._finish = finish
        intro = QLabel(EXPLAINED)
        intro.setTextFormat(Qt.TextFormat.MarkdownText)
        intro.setWordWrap(True)
        self.last = QLabel(last_review_text(last))
        self.last.setTextFormat(Qt.TextFormat.PlainText)  # the note is the user's text
        self.last.setWordWrap(True)
        self.note = QPlainTextEdit()
        self.note.setObjectName("reviewNote")
        self.note.setPlaceholderText("Note (optional): what you did, e.g. "
                                     "\"disavowed the casino domains\"")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 4 + 12)
        buttons = accept_buttons(self, "Finish Review")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.last)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Ask for the review, then close."""
        self._finish(self.note.toPlainText().strip())
        super().accept()
