"""Writing a big mark change on a worker thread, with a busy note if it takes a while.

Accepting a rule's 24,125 domains took 1.1 s on the GUI thread (the marks, then the verdict
library), its undo 0.4 s and its redo 0.9 s; more on a bigger profile. A change of
`BACKGROUND_FROM_EDITS` rows or more is written on a worker (`JobCoordinator.run_task`, its
own connection, one transaction as before); smaller ones take milliseconds and stay on the
GUI thread, so a click's mark shows at once. The undo stack moves only once the write is
done (`WrittenStep.written_ahead`), so undo and redo stay exact.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from linkdesk.core.marks import MarkChange
from linkdesk.core.store import Project
from linkdesk.ui.undo_step import Write, WrittenStep

BACKGROUND_FROM_EDITS = 2_000  # rows changed from which a mark is written on a worker
SHOW_BUSY_AFTER_MS = 500  # a write that ends sooner shows no dialog

How = Callable[[sqlite3.Connection, MarkChange], str]  # apply_change or revert_change


class MarkStep(WrittenStep):
    """A marks step: knows its change, so a big one's undo and redo can run on a worker."""

    def __init__(self, change: MarkChange, apply: Write, revert: Write) -> None:
        super().__init__(change.text, apply, revert)
        self.change = change


def in_background(change: MarkChange) -> bool:
    """Whether `change` is big enough to be written on a worker."""
    return len(change.edits) >= BACKGROUND_FROM_EDITS


def write_work(how: How, change: MarkChange
               ) -> Callable[[Project, object, object], tuple[str, str]]:
    """A task's work: write `change` on the task's connection; gives (error, warning)."""

    def work(project: Project, *_: object) -> tuple[str, str]:
        try:
            return "", how(project.db, change)
        except sqlite3.Error as error:  # one transaction: nothing was written
            return str(error), ""

    return work


def busy_dialog(text: str, parent: QWidget) -> QProgressDialog:
    """A modal 'busy' dialog without Cancel that shows only if the work takes a while
    (a transaction is not stopped halfway); close it with `close()`."""
    dialog = QProgressDialog(text, "", 0, 0, parent)
    dialog.setWindowTitle("Marks")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setMinimumDuration(SHOW_BUSY_AFTER_MS)
    dialog.setMinimumWidth(440)
    dialog.setValue(0)  # starts the show-after timer
    return dialog
