"""File ▸ Import Placements… (and the tab's Import button): a placements CSV read, checked
and added on a worker, with progress and Cancel, all or nothing.

The file is read and every row checked on a worker thread with its own connection
(`JobCoordinator.run_task`); a good file is added there in one transaction. A header without
the page or target column comes back to the GUI thread, which asks which column is which
(`PlacementMappingDialog`) before the import runs again with the mapping; the dialog stays
open, its menus and buttons off, while it runs (the progress dialog over it keeps Cancel),
and closes once the placements are added. A cancel, a bad
row or an error leaves the placements as they were; the user reads why in a message. A
cancel that comes after the placements were saved (the last instant of the import) cannot
take them back: the message says the import completed, and Edit ▸ Undo removes it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QProgressDialog, QWidget

from linkdesk.core.placements import (
    ImportResult,
    PlacementError,
    PlacementImportCancelled,
    UnknownHeader,
    import_placements,
)
from linkdesk.core.store import Project
from linkdesk.ui.dialogs.messages import show_error
from linkdesk.ui.dialogs.placement_mapping import PlacementMappingDialog
from linkdesk.ui.format import counted
from linkdesk.ui.workers.task import Task, TaskOutcome

if TYPE_CHECKING:
    from linkdesk.ui.placements import Placements

STEPS, CHECKED = 100, 90  # the progress dialog's range; the rows checked fill up to 90


class PlacementImport(QObject):
    """At most one placements import at a time, for the Placements part."""

    finished = Signal(object)  # the ImportResult, or None when nothing was added

    def __init__(self, part: Placements) -> None:
        super().__init__(part)
        self.part = part
        self.task: Task | None = None
        self.progress: QProgressDialog | None = None
        self.mapping_dialog: PlacementMappingDialog | None = None  # the latest one opened
        self.cancel_asked = False  # Cancel pressed during the running import

    def start(self, path: Path, mapping: dict[str, str] | None = None,
              dialog: PlacementMappingDialog | None = None) -> bool:
        """Import `path` (with `mapping`, chosen in `dialog`) in the background; False if it
        cannot start (another import runs, no project)."""
        if self.task is not None:
            self.part.post("Placements are being imported: wait for the import to end, or "
                           "cancel it.", 10_000)
            return False

        def work(project: Project, progress: Any, cancelled: Any) -> object:
            def checked(done: int, rows: int) -> None:
                progress(CHECKED * done // rows)

            try:
                return import_placements(project.db, path, mapping, progress=checked,
                                         cancelled=cancelled)
            except PlacementImportCancelled:
                return None
            except (PlacementError, sqlite3.Error) as error:  # said on the GUI thread
                return error

        task = self.part.jobs.run_task(
            "placements import", work, lambda outcome: self._done(outcome, path, mapping,
                                                                  dialog))
        if task is None:
            return False
        self.task = task
        self.cancel_asked = False
        progress = QProgressDialog(f"Importing placements from {path.name}…", "Cancel", 0,
                                   STEPS, dialog or self.part.window())
        progress.setObjectName("placementsImportProgress")
        progress.setWindowTitle("Import Placements")
        progress.setMinimumDuration(400)
        progress.setAutoReset(False)  # it ends with the import, not at 100
        progress.setAutoClose(False)
        progress.canceled.connect(self.cancel)
        task.progressed.connect(progress.setValue)
        self.progress = progress
        if dialog is not None:
            dialog.set_busy(True)  # no second Import while this one runs
        return True

    def cancel(self) -> None:
        """Stop the import: nothing is added (unless the placements were saved already:
        then the message at the end says that the import completed)."""
        if self.task is not None:
            self.cancel_asked = True
            self.task.cancel()
            # The adding stops at its next look (at the latest before it commits).
            self.part.post("Cancelling the placements import…", 10_000)

    def drop(self) -> None:
        """Another project: its import was cancelled with it (no answer follows), and the
        question about its file's columns is closed."""
        self.task = None
        self._close_progress()
        if self.mapping_dialog is not None:
            self.mapping_dialog.reject()
            self.mapping_dialog = None

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.hide()  # not close(): closing a progress dialog means Cancel
            self.progress.deleteLater()
        self.progress = None

    def _done(self, outcome: TaskOutcome, path: Path, mapping: dict[str, str] | None,
              dialog: PlacementMappingDialog | None) -> None:
        self.task = None
        self._close_progress()
        if dialog is not None:
            dialog.set_busy(False)
        parent: QWidget = dialog or self.part.window()
        result = outcome.result
        if outcome.error:
            show_error(parent, "Nothing imported", f"{path}: {outcome.error}.")
        elif result is None:
            self.part.post(f"{path.name}: import cancelled; no placement was added.", 10_000)
        elif isinstance(result, UnknownHeader) and mapping is None:
            self._ask_mapping(path, result)
        elif isinstance(result, Exception):
            self.part.not_imported(path, result, parent)
        else:
            self.part.imported(path, result)
            if self.cancel_asked:  # too late: the placements were saved before the cancel
                self.part.post(f"{path.name}: too late to cancel, the import had completed: "
                               f"{counted(result.added, 'placement')} added (Edit ▸ Undo "
                               "removes them).", 20_000)
            if dialog is not None:
                QDialog.accept(dialog)  # the mapping was taken: close the dialog
        self.finished.emit(result if isinstance(result, ImportResult) else None)

    def _ask_mapping(self, path: Path, unknown: UnknownHeader) -> None:
        """Which column is which: Import imports with the mapping (remembered for this
        header); Cancel leaves everything as it was."""
        def accepted(mapping: dict[str, str]) -> bool:
            if self.part.writable() is not None:
                self.start(path, mapping, dialog)
            return False  # it closes once the import has added the placements

        dialog = PlacementMappingDialog(path.name, unknown.header, unknown.example,
                                        unknown.guess, accepted, self.part.window())
        self.mapping_dialog = dialog
        dialog.open()
