"""The import flow's date question: which day do these exports describe?

By default the day is found in each file, as the core finds it (timeline/dates.py): the
latest last-seen, lost or crawl date among its rows, else the file's modification day. The
user may give a day instead (an export saved long after it was made, or a file without
dates), which every chosen file then takes: `ImportOptions(as_of=...)`.

A dialog of its own so that other questions of the import flow can be asked beside it;
`as_of()` is its whole answer. Opened with `open()`: the window keeps running.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.timeline.dates import modification_day
from linkdesk.ui.dialogs.buttons import accept_buttons

FROM_FILE_TEXT = "The date found in each file"
FROM_FILE_NOTE = ("the latest last-seen, lost or crawl date among its rows (dates in the "
                  "future are passed over, and the summary says how many); for a file "
                  "without dates, the day it was saved")


def suggested_day(paths: Sequence[Path]) -> date:
    """The day offered for "this date": the latest day the files were saved (today if
    none can be read)."""
    days = []
    for path in paths:
        try:
            days.append(modification_day(path))
        except OSError:
            continue
    return max(days) if days else datetime.now(UTC).date()


class ExportDateDialog(QDialog):
    """"Which day do these exports describe?" — from each file, or a day the user picks."""

    def __init__(self, paths: Sequence[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDate")
        self.setWindowTitle("Export Date")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.paths = list(paths)
        count = len(self.paths)
        what = f"“{self.paths[0].name}”" if count == 1 else f"these {count} exports"
        verb = "does" if count == 1 else "do"
        question = QLabel(f"Which day {verb} {what} describe? LinkDesk compares each import "
                          "with the exports of other days to tell what is new and what is "
                          "gone.")
        question.setTextFormat(Qt.TextFormat.PlainText)  # file names are the user's text
        question.setWordWrap(True)
        self.from_file = QRadioButton(FROM_FILE_TEXT if count > 1 else "The date found in the file")
        self.from_file.setChecked(True)
        note = QLabel(FROM_FILE_NOTE)
        note.setWordWrap(True)
        note.setIndent(24)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.given = QRadioButton("This date:")
        self.day = QDateEdit()
        self.day.setObjectName("exportDay")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        today = datetime.now(UTC).date()
        self.day.setMaximumDate(QDate(today.year, today.month, today.day))
        suggested = suggested_day(self.paths)
        self.day.setDate(QDate(suggested.year, suggested.month, suggested.day))
        self.day.setEnabled(False)
        self.given.toggled.connect(self.day.setEnabled)
        self.day.dateChanged.connect(lambda _day: self.given.setChecked(True))
        group = QButtonGroup(self)
        group.addButton(self.from_file)
        group.addButton(self.given)
        given_row = QHBoxLayout()
        given_row.addWidget(self.given)
        given_row.addWidget(self.day)
        given_row.addStretch(1)
        buttons = accept_buttons(self, "Import")
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addWidget(self.from_file)
        layout.addWidget(note)
        layout.addLayout(given_row)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def as_of(self) -> date | None:
        """The day chosen, or None: found in each file."""
        if not self.given.isChecked():
            return None
        chosen = self.day.date().toPython()  # typed as object by the stubs
        return chosen if isinstance(chosen, date) else None
