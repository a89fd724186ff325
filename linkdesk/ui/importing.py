"""File ▸ Import Exports in the window: asking for files, the progress dialog, the summary.

The coordinator (jobs.py) decides whether an import starts now, waits for a re-score to stop,
or is refused; this part asks it, says why when it refuses, and shows the import's progress
and end. The tables read again when the import added links.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QWidget

from linkdesk.core.importers.pipeline import ImportOptions
from linkdesk.core.importers.site import SiteGuess, choose_site
from linkdesk.ui.dialogs.export_date import ExportDateDialog
from linkdesk.ui.dialogs.import_progress import ImportProgressDialog
from linkdesk.ui.dialogs.messages import show_error, show_import_summary
from linkdesk.ui.dialogs.site_choice import SiteChoiceDialog
from linkdesk.ui.parts import WindowContext, WindowPart
from linkdesk.ui.workers.importer import ImportJob, ImportOutcome

log = logging.getLogger(__name__)
EXPORT_FILTER = "Backlink exports (*.csv *.tsv *.txt *.gz *.zip);;All files (*)"


class Importing(WindowPart):
    """Imports asked for from the window, with their progress dialog and summary."""

    def __init__(self, window: QWidget, context: WindowContext) -> None:
        super().__init__(window, context)
        self.action: QAction | None = None  # File ▸ Import: off while an import runs
        self.progress: ImportProgressDialog | None = None
        self.date_dialog: ExportDateDialog | None = None  # which day the exports describe
        self.jobs.import_started.connect(self._started)
        self.jobs.import_finished.connect(self._done)
        self.jobs.import_stopped.connect(self._finish_progress)

    def choose(self) -> None:
        """Ask for export files and the day they describe, then import them."""
        names, _ = QFileDialog.getOpenFileNames(self.window(), "Import Exports",
                                                str(Path.home()), EXPORT_FILTER)
        if names:
            self.ask_date([Path(name) for name in names])

    def ask_date(self, paths: list[Path]) -> ExportDateDialog:
        """Ask which day the exports describe (dialogs/export_date.py), then import them."""
        dialog = ExportDateDialog(paths, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.import_files(paths, ImportOptions(as_of=dialog.as_of())))
        dialog.destroyed.connect(self._date_dialog_gone)
        self.date_dialog = dialog
        dialog.open()
        return dialog

    def _date_dialog_gone(self) -> None:
        self.date_dialog = None

    def import_files(self, paths: list[Path], options: ImportOptions | None = None) -> bool:
        """Import files in the background; the window stays usable. False if it cannot start."""
        decision = self.jobs.request_import(paths, options)
        if decision.title:
            show_error(self.window(), decision.title, decision.reason)
        return bool(decision)

    def cancel(self) -> None:
        """Cancel the running import (as its Cancel button does)."""
        if self.progress is not None:
            self.progress.reject()

    def _started(self, job: ImportJob) -> None:
        self.progress = ImportProgressDialog(len(job.files), self.window())
        self.progress.cancelled.connect(job.cancel)
        job.progressed.connect(self.progress.update_progress)
        self._enable(False)
        self.post("Importing…", 0)
        self.progress.start()

    def _done(self, outcome: ImportOutcome) -> None:
        self._finish_progress()
        self._enable(self.opened.project is not None)
        self.post("", 0)
        if outcome.changed and self.opened.project is not None:
            started = time.perf_counter()
            self.workspace.reload()
            log.info("tables reloaded in %.2f s", time.perf_counter() - started)
        if outcome.cancelled and not outcome.results and not outcome.failures:
            self.post("Import cancelled; the project is unchanged.", 10_000)
            return
        summary = show_import_summary(self.window(), outcome)
        guess = outcome.site
        if guess is not None and guess.site is None and self.opened.project is not None:
            summary.finished.connect(lambda _result: self.ask_site(guess))

    def ask_site(self, guess: SiteGuess) -> SiteChoiceDialog:
        """Ask which domain the links point to is the client's site (none clearly leads)."""
        dialog = SiteChoiceDialog(guess, self._save_site, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _save_site(self, site: str) -> str:
        """Store the client's site and re-score; why it cannot be stored, or ""."""
        project = self.opened.project
        if project is None:
            return "The project was closed."
        if self.jobs.pause_for_write():
            return "An import or a link check is running: choose once it has finished."
        problem = ""
        try:
            if not choose_site(project.db, site):
                problem = f"{site!r} is not a domain (e.g. acme-widgets.com)."
        except sqlite3.Error as error:
            problem = f"The project cannot be written now ({error})."
        if not problem:
            self.workspace.reload()  # the brand anchors and the scores depend on the site
            self.post(f"The client's site is {site}.", 10_000)
        self.jobs.resume_after_write(rescore=not problem and not self.workspace.scores_current)
        return problem

    def _finish_progress(self) -> None:
        if self.progress is not None:
            self.progress.finish()
            self.progress.deleteLater()
        self.progress = None

    def _enable(self, on: bool) -> None:
        if self.action is not None:
            self.action.setEnabled(on)
