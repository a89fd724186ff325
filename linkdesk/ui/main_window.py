"""The main window: projects, imports in the background, the workspace, the status bar."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from linkdesk.core.importers.pipeline import ImportFailed, ImportOptions
from linkdesk.core.scoring import ScoreProgress, load_model
from linkdesk.core.scoring.model import save_settings
from linkdesk.core.store import Project, ProjectError
from linkdesk.core.store.project import PROJECT_SUFFIX
from linkdesk.core.tables import DOMAINS, LINKS, TableQuery, missing_table_indexes
from linkdesk.ui.actions import Actions, build_menus
from linkdesk.ui.dialogs.import_progress import ImportProgressDialog
from linkdesk.ui.dialogs.messages import show_error, show_import_summary
from linkdesk.ui.dialogs.project_settings import ProjectSettingsDialog, SettingsChange
from linkdesk.ui.format import ui_locale
from linkdesk.ui.icons import app_icon
from linkdesk.ui.preferences import Preferences
from linkdesk.ui.views.welcome import WelcomePage
from linkdesk.ui.workers.importer import ImportJob, ImportOutcome
from linkdesk.ui.workers.scorer import ScoreJob, ScoreOutcome, progress_text
from linkdesk.ui.workspace import Workspace

log = logging.getLogger(__name__)
EXPORT_FILTER = "Backlink exports (*.csv *.tsv *.txt *.gz *.zip);;All files (*)"
PROJECT_FILTER = f"LinkDesk projects (*{PROJECT_SUFFIX})"
SCORES_OUT_OF_DATE = "Scores out of date"


class MainWindow(QMainWindow):
    """One window, one project at a time."""

    project_opened = Signal(object)  # Path
    import_finished = Signal(object)  # ImportOutcome
    scoring_finished = Signal(object)  # ScoreOutcome

    def __init__(self, preferences: Preferences | None = None) -> None:
        super().__init__()
        self.prefs = preferences or Preferences()
        self.project: Project | None = None
        self.job: ImportJob | None = None
        self.score_job: ScoreJob | None = None  # sort indexes and re-scoring
        self._pending_import: tuple[list[Path], ImportOptions | None] | None = None
        self.progress: ImportProgressDialog | None = None
        self.last_dialog: QWidget | None = None  # the latest message, for tests to inspect
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.welcome = WelcomePage()
        self.workspace = Workspace(self.prefs)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.workspace)
        self.setCentralWidget(self.stack)
        self.actions: Actions = build_menus(self, {
            "new": self.new_project, "open": self.choose_project, "import": self.choose_imports,
            "quit": self.close, "copy": self._copy, "find": self.workspace.filter_bar.focus_search,
            "open_url": self._open_url, "clear_filters": self.workspace.filter_bar.clear,
            "details": self._toggle_details, "columns": self._choose_columns,
            "tab": self.workspace.show_tab,
            "settings": self.edit_project_settings, "rescore": self.rescore,
        })
        self.actions.auto_score.setChecked(self.automatic_scoring)
        self.actions.auto_score.toggled.connect(self._automatic_scoring_toggled)
        self.actions.recent.aboutToShow.connect(self._fill_recent_menu)
        self.welcome.new_requested.connect(self.new_project)
        self.welcome.open_requested.connect(self.choose_project)
        self.welcome.demo_requested.connect(self.open_demo)
        self.welcome.recent_chosen.connect(self.open_project)
        self.workspace.counts_changed.connect(self._update_counts)
        self.totals_label, self.shown_label = QLabel(), QLabel()
        self.scores_label = QLabel()
        self.scores_label.setObjectName("scoresStatus")
        self.scores_label.setToolTip("The tables show no scores until the project is re-scored")
        self.rescore_button = QToolButton()
        self.rescore_button.setObjectName("rescoreButton")
        self.rescore_button.setAutoRaise(True)
        self.rescore_button.clicked.connect(self._rescore_clicked)
        self.rescore_button.hide()
        for label in (self.scores_label, self.totals_label, self.shown_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            self.statusBar().addPermanentWidget(label)
            if label is self.scores_label:
                self.statusBar().addPermanentWidget(self.rescore_button)
        self._locale = ui_locale()
        self._totals = (0, 0)
        self._restore_window()
        self._show_project(None)

    # -- projects ----------------------------------------------------------------------------

    def open_project(self, path: Path | str, *, create: bool = False) -> bool:
        """Open (or create) a project file and show it; False, with a message, if it fails."""
        path = Path(path)
        try:
            project = Project.open(path, create=create)
        except ProjectError as error:
            self._error("Cannot open the project", str(error))
            return False
        if self.job is not None:
            project.close()
            self._error("An import is running", "Wait for the import to finish, or cancel it.")
            return False
        self._close_project()
        self.project = project
        self.prefs.add_recent_project(path)
        self._show_project(project)
        self.project_opened.emit(path)
        self._start_upkeep()
        return True

    def new_project(self) -> None:
        """Ask where to create an empty project, then open it."""
        name, _ = QFileDialog.getSaveFileName(
            self, "New Project", str(Path.home() / f"client{PROJECT_SUFFIX}"), PROJECT_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite)
        if not name:
            return
        path = Path(name) if name.endswith(PROJECT_SUFFIX) else Path(name + PROJECT_SUFFIX)
        if path.exists():
            self._error("The file exists", f"{path} already exists. Use Open Project to open "
                        "it, or choose another name.")
            return
        self.open_project(path, create=True)

    def choose_project(self) -> None:
        """Ask for a project file to open."""
        name, _ = QFileDialog.getOpenFileName(self, "Open Project", str(Path.home()),
                                              PROJECT_FILTER + ";;All files (*)")
        if name:
            self.open_project(Path(name))

    def open_demo(self) -> None:
        """Open the sample project (built on first use)."""
        from linkdesk.core.demo import demo_project

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            path = demo_project()
        except (ImportFailed, ProjectError, OSError) as error:
            self._error("Cannot build the sample project", str(error))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.open_project(path)

    def _close_project(self) -> None:
        self._stop_scoring()
        self.workspace.set_project(None)
        if self.project is not None:
            self.project.close()
            self.project = None

    def _show_project(self, project: Project | None) -> None:
        self.workspace.set_project(project)
        self.stack.setCurrentWidget(self.workspace if project else self.welcome)
        for action in self.actions.project_actions():
            action.setEnabled(project is not None)
        if project is None:
            self.setWindowTitle("LinkDesk")
            self.welcome.set_recent(self.prefs.recent_projects())
        else:
            self.setWindowTitle(f"{project.path.stem} — LinkDesk")
        self._update_totals()

    # -- importing ---------------------------------------------------------------------------

    def choose_imports(self) -> None:
        """Ask for export files, then import them."""
        names, _ = QFileDialog.getOpenFileNames(self, "Import Exports", str(Path.home()),
                                                EXPORT_FILTER)
        if names:
            self.import_files([Path(name) for name in names])

    def import_files(self, paths: list[Path], options: ImportOptions | None = None) -> bool:
        """Import files in the background; the window stays usable. False if it cannot start."""
        if self.project is None:
            self._error("No project is open",
                        "Open or create a project first, then import exports into it.")
            return False
        if self.job is not None:
            self._error("An import is running", "Wait for it to finish, or cancel it.")
            return False
        if not paths:
            return False
        if self.score_job is not None:
            # One writer at a time: scoring gives way (it starts again after the import).
            self._pending_import = (list(paths), options)
            self.cancel_rescore()
            self.statusBar().showMessage("Stopping the re-score to import…")
            return True
        self.job = ImportJob(self.project.path, list(paths), options or ImportOptions(), self)
        self.progress = ImportProgressDialog(len(paths), self)
        self.progress.cancelled.connect(self.job.cancel)
        self.job.progressed.connect(self.progress.update_progress)
        self.job.finished.connect(self._import_done)
        self.actions.import_files.setEnabled(False)
        self.statusBar().showMessage("Importing…")
        self.job.start()
        self.progress.start()
        return True

    def cancel_import(self) -> None:
        """Cancel the running import (as its Cancel button does)."""
        if self.progress is not None:
            self.progress.reject()

    def _import_done(self, outcome: ImportOutcome) -> None:
        if self.progress is not None:
            self.progress.finish()
            self.progress.deleteLater()
        self.job, self.progress = None, None
        self.actions.import_files.setEnabled(self.project is not None)
        self.statusBar().clearMessage()
        if outcome.changed and self.project is not None:
            started = time.perf_counter()
            self.workspace.reload()
            self._update_totals()
            log.info("tables reloaded in %.2f s", time.perf_counter() - started)
        if outcome.cancelled and not outcome.results and not outcome.failures:
            self.statusBar().showMessage("Import cancelled; the project is unchanged.", 10_000)
        else:
            self.last_dialog = show_import_summary(self, outcome)
        self.import_finished.emit(outcome)
        self._start_upkeep()  # new links: score them

    # -- re-scoring ----------------------------------------------------------------------------

    @property
    def automatic_scoring(self) -> bool:
        """Whether the window re-scores by itself when the scores are out of date."""
        return str(self.prefs.value("scoring/automatic", "true")).lower() == "true"

    @automatic_scoring.setter
    def automatic_scoring(self, on: bool) -> None:
        self.prefs.set_value("scoring/automatic", "true" if on else "false")

    def _automatic_scoring_toggled(self, on: bool) -> None:
        self.automatic_scoring = on
        if on:
            self._start_upkeep()

    def edit_project_settings(self) -> ProjectSettingsDialog | None:
        """Open the Project Settings dialog; saving re-scores in the background."""
        if self.project is None:
            return None
        dialog = ProjectSettingsDialog(load_model(self.project.db), self.project.path.stem,
                                       self._save_settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.last_dialog = dialog
        return dialog

    def _save_settings(self, change: SettingsChange) -> None:
        """Store the settings (ValueError if refused), then re-score in the background."""
        assert self.project is not None
        self._stop_scoring()  # its transaction would hold the settings' write back
        save_settings(self.project.db, change.terms, change.overrides)
        self.workspace.reload()  # the old scores no longer match the settings
        self._update_totals()
        self.rescore()

    def _start_upkeep(self) -> None:
        """Build missing sort indexes and, if automatic, re-score stale scores in the background.

        Both derived from the data, so both run on a worker and give way to an import.
        """
        if self.project is None or self.job is not None or self.score_job is not None:
            return
        stale = self.automatic_scoring and not self.workspace.scores_current
        if stale or missing_table_indexes(self.project.db):
            self._start_score_job(force=False, scoring=stale)

    def rescore(self) -> bool:
        """Re-score the project in the background; False if it cannot start now."""
        if self.project is None or self.job is not None or self.score_job is not None:
            return False
        self._start_score_job(force=True, scoring=True)
        return True

    def _start_score_job(self, *, force: bool, scoring: bool) -> None:
        assert self.project is not None
        self.score_job = ScoreJob(self.project.path, self, force=force, scoring=scoring)
        self.score_job.progressed.connect(self._score_progressed)
        self.score_job.finished.connect(self._score_done)
        self.scores_label.setText("Scoring…" if scoring else "Preparing sort indexes…")
        self.scores_label.show()
        self.rescore_button.setText("Cancel")
        self.rescore_button.setToolTip("Stop; the scores stay as they were (this runs again "
                                       "when the project is next opened)")
        self.rescore_button.show()
        self.score_job.start()

    def cancel_rescore(self) -> None:
        """Stop a running re-score; the stored scores stay as they were."""
        if self.score_job is not None:
            self.score_job.cancel()

    def _rescore_clicked(self) -> None:
        if self.score_job is not None:
            self.cancel_rescore()
        else:
            self.rescore()

    def _score_progressed(self, progress: ScoreProgress) -> None:
        if self.score_job is not None:
            self.scores_label.setText(progress_text(progress))

    def _score_done(self, outcome: ScoreOutcome) -> None:
        self.score_job = None
        pending, self._pending_import = self._pending_import, None
        if self.project is not None and self.project.path == outcome.project_path:
            if outcome.summary is not None:
                self.workspace.reload()  # the tables gain their score columns
            self._update_totals()
            if outcome.cancelled and pending is None:
                self.statusBar().showMessage("Re-scoring cancelled; the scores are unchanged.",
                                             10_000)
            elif outcome.error:
                self._error("Cannot re-score the project", outcome.error)
        self.scoring_finished.emit(outcome)
        if pending is not None:
            self.statusBar().clearMessage()
            self.import_files(*pending)

    def _stop_scoring(self) -> None:
        if self.score_job is not None:
            job, self.score_job = self.score_job, None
            job.finished.disconnect(self._score_done)
            job.cancel()
            job.wait()
            job.deleteLater()
        self._pending_import = None

    # -- drag and drop -----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept local files: a project to open, or exports to import."""
        if _local_files(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Open a dropped project; import dropped exports."""
        paths = _local_files(event.mimeData().urls())
        if not paths:
            return
        event.acceptProposedAction()
        if len(paths) == 1 and paths[0].suffix == PROJECT_SUFFIX:
            self.open_project(paths[0])
        else:
            self.import_files(paths)

    # -- status bar and small actions --------------------------------------------------------

    def _update_totals(self) -> None:
        if self.score_job is None:
            stale = self.project is not None and not self.workspace.scores_current
            self.scores_label.setText(SCORES_OUT_OF_DATE if stale else "")
            self.scores_label.setVisible(stale)
            self.rescore_button.setText("Re-score")
            self.rescore_button.setToolTip("Compute the scores in the background")
            self.rescore_button.setVisible(stale)
        if self.project is None:
            self._totals = (0, 0)
            self.totals_label.clear()
        else:
            self._totals = (TableQuery(self.project.db, LINKS, cache=self.workspace.cache).count(),
                            TableQuery(self.project.db, DOMAINS, cache=self.workspace.cache)
                            .count())
            n = self._locale.toString
            self.totals_label.setText(
                f"{n(self._totals[0])} links · {n(self._totals[1])} referring domains")
        self._update_counts()

    def _update_counts(self) -> None:
        if self.project is None:
            self.shown_label.clear()
            return
        n = self._locale.toString
        shown = "…" if self.workspace.loading() else n(self.workspace.shown_count())
        self.shown_label.setText(f"Shown: {shown} · "
                                 f"Selected: {n(self.workspace.selected_count())}")

    def scores_status(self) -> str:
        """What the status bar says about the scores ("" while they are current)."""
        return self.scores_label.text() if self.scores_label.isVisibleTo(self) else ""

    def totals(self) -> tuple[int, int]:
        """(links, referring domains) of the open project, as the status bar shows them."""
        return self._totals

    def _copy(self) -> None:
        view = self.workspace.current_view()
        copied = view.copy_selection() if view else 0
        if copied:
            self.statusBar().showMessage(f"Copied {self._locale.toString(copied)} rows.", 5000)

    def _open_url(self) -> None:
        view = self.workspace.current_view()
        if view is not None and not view.open_current_url():
            self.statusBar().showMessage("This row has no web address to open.", 5000)

    def _toggle_details(self) -> None:
        self.workspace.details.setVisible(self.actions.details.isChecked())

    def _choose_columns(self) -> None:
        view = self.workspace.current_view()
        if view is not None:
            view.column_menu().popup(self.mapToGlobal(view.geometry().topLeft()))

    def _fill_recent_menu(self) -> None:
        menu = self.actions.recent
        menu.clear()
        recent = self.prefs.recent_projects()
        for path in recent:
            action = menu.addAction(f"{path.stem}  ({path.parent})")
            action.triggered.connect(lambda _checked=False, p=path: self.open_project(p))
        if recent:
            menu.addSeparator()
            menu.addAction("Clear Menu", self.prefs.clear_recent_projects)
        else:
            menu.addAction("No recent projects").setEnabled(False)

    def _error(self, title: str, text: str) -> None:
        self.last_dialog = show_error(self, title, text)

    # -- window state ------------------------------------------------------------------------

    def _restore_window(self) -> None:
        geometry = self.prefs.blob("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        splitter = self.prefs.blob("window/splitter")
        if splitter is None or not self.workspace.splitter.restoreState(splitter):
            self.workspace.splitter.setSizes([540, 300])
        details = self.prefs.value("window/details", True)
        self.actions.details.setChecked(details not in (False, "false"))
        self._toggle_details()

    def save_state(self) -> None:
        """Remember geometry, splitter, columns and the open project."""
        self.prefs.set_blob("window/geometry", self.saveGeometry())
        self.prefs.set_blob("window/splitter", self.workspace.splitter.saveState())
        self.prefs.set_value("window/details", self.actions.details.isChecked())
        self.workspace.save_layout()
        if self.project is None:
            self.prefs.forget_last_project()
        self.prefs.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Cancel a running import (its file is rolled back), save state, close the project."""
        if self.job is not None:
            self.job.cancel()
            self.job.wait()
        self._stop_scoring()
        self.save_state()
        self._close_project()
        super().closeEvent(event)


def _local_files(urls: list[QUrl]) -> list[Path]:
    paths = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return [path for path in paths if path.is_file()]
