"""The main window: projects, imports in the background, the workspace, the status bar."""

from __future__ import annotations

import logging
import sqlite3
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
from linkdesk.core.marks import MarkKind
from linkdesk.core.project_settings import disavow_settings, save_project_settings
from linkdesk.core.scoring import ScoreProgress, load_model
from linkdesk.core.store import Project, ProjectError
from linkdesk.core.store.project import PROJECT_SUFFIX
from linkdesk.core.tables import DOMAINS, LINKS, TableQuery, missing_table_indexes
from linkdesk.ui.actions import Actions, build_marks_menu, build_menus
from linkdesk.ui.dialogs.about import show_about
from linkdesk.ui.dialogs.import_progress import ImportProgressDialog
from linkdesk.ui.dialogs.messages import show_error, show_import_summary
from linkdesk.ui.dialogs.project_settings import ProjectSettingsDialog, SettingsChange
from linkdesk.ui.format import ui_locale
from linkdesk.ui.icons import app_icon
from linkdesk.ui.link_checking import LinkChecking
from linkdesk.ui.marking import Marking
from linkdesk.ui.preferences import Preferences
from linkdesk.ui.table_export import TableExport
from linkdesk.ui.views.welcome import WelcomePage
from linkdesk.ui.workers.checker import CheckRequest
from linkdesk.ui.workers.importer import ImportJob, ImportOutcome
from linkdesk.ui.workers.scorer import ScoreJob, ScoreOutcome, progress_text
from linkdesk.ui.workers.task import TaskOutcome
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
    check_finished = Signal(object)  # TaskOutcome (result: CheckResult)

    def __init__(self, preferences: Preferences | None = None) -> None:
        super().__init__()
        self.prefs = preferences or Preferences()
        self.project: Project | None = None
        self.job: ImportJob | None = None
        self.score_job: ScoreJob | None = None  # sort indexes and re-scoring
        self._pending_import: tuple[list[Path], ImportOptions | None] | None = None
        self.table_export = TableExport(self)  # File ▸ Export Table as CSV (table_export.py)
        self.checking = LinkChecking(self)  # live checks (link_checking.py)
        self._pending_check: CheckRequest | None = None  # waits for the re-score to stop
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
            "tab": self.workspace.show_tab, "about": lambda: show_about(self),
            "settings": self.edit_project_settings, "rescore": self.rescore,
            "export": self.table_export.choose,
            "check_selected": self.checking.check_selected,
            "check_shown": self.checking.check_shown, "check_all": self.checking.check_all,
        })
        self.checking.actions = self.actions.check_actions()
        self.checking.finished.connect(self._check_done)
        self.actions.auto_score.setChecked(self.automatic_scoring)
        self.marking = Marking(self)
        self.marking.changed.connect(self.workspace.reload)  # marks change no link or score
        mark = self.marking.mark_selected
        self.mark_actions = build_marks_menu(self, {
            "disavow": lambda: mark(MarkKind.DISAVOW), "keep": lambda: mark(MarkKind.KEEP),
            "review": lambda: mark(MarkKind.REVIEW), "clear_mark": lambda: mark(None),
            "mark_shown": self.marking.mark_shown, "mark_rule": self.marking.mark_by_rule,
            "import_disavow": self.marking.import_disavow_file,
            "export_disavow": self.marking.export_disavow_file,
        }, self.marking.undo_action, self.marking.redo_action)
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
        # Wide enough for the longest progress text: a status bar does not grow it in time.
        self.scores_label.setMinimumWidth(
            self.scores_label.fontMetrics().horizontalAdvance(
                "Scoring: computing signal values (step 5 of 5)…"))
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
        self.statusBar().addPermanentWidget(self.checking.status)
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
        self.marking.forget()
        self.checking.stop()
        self._pending_check = None
        self._stop_scoring()
        self.workspace.set_project(None)
        if self.project is not None:
            self.project.close()
            self.project = None

    def _show_project(self, project: Project | None) -> None:
        self.workspace.set_project(project)
        self.stack.setCurrentWidget(self.workspace if project else self.welcome)
        for action in [*self.actions.project_actions(), *self.mark_actions]:
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
        if self.checking.running:  # one writer at a time
            self._error("A link check is running",
                        "Wait for it to finish, or cancel it (Cancel in the status bar).")
            return False
        if not paths:
            return False
        if self._pending_import is not None:
            self._error("An import is waiting to start",
                        "It starts as soon as the re-score has stopped; import these after it.")
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
        if self.job is not None:
            self.job.deleteLater()
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
        self._run_pending()  # a check asked for meanwhile, else score the new links

    # -- checking links live (link_checking.py runs them) -----------------------------------

    def start_check(self, request: CheckRequest) -> bool:
        """Check links in the background, with progress and Cancel in the status bar.

        One writer at a time: refused during an import or another check; a re-score gives
        way (it runs again after the check). False if the check cannot start now.
        """
        if self.project is None:
            return False
        if self.job is not None or self.checking.running:
            running = "An import" if self.job is not None else "A link check"
            self._error(f"{running} is running", "Wait for it to finish, or cancel it.")
            return False
        if self.score_job is not None:
            self._pending_check = request
            self.cancel_rescore()
            self.statusBar().showMessage("Stopping the re-score to check links…")
            return True
        self.checking.start(request)
        return True

    def _check_done(self, outcome: TaskOutcome) -> None:
        self.check_finished.emit(outcome)
        self._start_upkeep()  # a re-score that gave way to the check

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
        dialog = ProjectSettingsDialog(load_model(self.project.db),
                                       disavow_settings(self.project.db),
                                       self.project.path.stem, self._save_settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.last_dialog = dialog
        return dialog

    def _save_settings(self, change: SettingsChange) -> None:
        """Store the settings, then re-score in the background if the scores depend on them.

        Raises ValueError (shown in the dialog, which stays open) for a refused value or
        while an import or a check holds the project.
        """
        assert self.project is not None
        if self.job is not None or self.checking.running:
            raise ValueError("an import or a link check is running; save once it has finished")
        self._stop_scoring(keep_pending=True)  # its transaction would hold the write back
        try:
            save_project_settings(self.project.db, change.terms, change.overrides,
                                  platform_names=change.platforms,
                                  warn_above=change.warn_quality)
        except sqlite3.Error as error:
            raise ValueError(f"the project cannot be written now ({error})") from None
        finally:
            self.workspace.reload()  # the old scores may no longer match the settings
            self._update_totals()
            if self._pending_import is None and self._pending_check is None and (
                    not self.workspace.scores_current):
                self.rescore()  # the button says so, even with Score Automatically off
            else:
                self._run_pending()

    def _start_upkeep(self) -> None:
        """Build missing sort indexes and, if automatic, re-score stale scores in the background.

        Both derived from the data, so both run on a worker and give way to an import.
        """
        if (self.project is None or self.job is not None or self.score_job is not None
                or self.checking.running):
            return
        stale = self.automatic_scoring and not self.workspace.scores_current
        if stale or missing_table_indexes(self.project.db):
            self._start_score_job(force=False, scoring=stale)

    def rescore(self) -> bool:
        """Re-score the project in the background; False if it cannot start now."""
        if (self.project is None or self.job is not None or self.score_job is not None
                or self.checking.running):
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
        self.rescore_button.setToolTip(
            "Stop; the scores stay as they were" if scoring else
            "Stop; columns without their index sort more slowly until the project is next "
            "opened")
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
        if self.score_job is not None:
            self.score_job.deleteLater()
        self.score_job = None
        waiting = self._pending_import is not None or self._pending_check is not None
        if self.project is not None and self.project.path == outcome.project_path:
            if outcome.summary is not None:
                self.workspace.reload()  # the tables gain their score columns
            self._update_totals()
            if outcome.cancelled and not waiting:
                self.statusBar().showMessage(
                    "Re-scoring cancelled; the scores are unchanged." if outcome.scoring else
                    "Stopped preparing the sort indexes; they are finished next time.", 10_000)
            elif outcome.error:
                self._error("Cannot re-score the project", outcome.error)
        self.scoring_finished.emit(outcome)
        if waiting:  # the re-score gave way to an import or a check
            self._run_pending()

    def _stop_scoring(self, *, keep_pending: bool = False) -> None:
        """Cancel a running re-score and wait for it; work queued behind it is dropped
        (closing) or kept (`keep_pending`: it starts when the caller starts upkeep)."""
        if self.score_job is not None:
            job, self.score_job = self.score_job, None
            job.finished.disconnect(self._score_done)
            job.cancel()
            job.wait()
            job.deleteLater()
        if not keep_pending:
            self._pending_import = None
            self._pending_check = None

    def writer_busy(self) -> str:
        """Why the project cannot be written from the window now ("" if it can).

        Imports, checks and re-scoring hold long write transactions; building a sort index
        holds one for a second or two, which a write simply waits for.
        """
        if self.job is not None or self._pending_import is not None:
            return "an import is running"
        if self.checking.running or self._pending_check is not None:
            return "a link check is running"
        if self.score_job is not None and self.score_job.worker.scoring:
            return "re-scoring is running"
        return ""

    def _run_pending(self) -> None:
        """Start what waited for a re-score that was stopped, else the usual upkeep."""
        if self._pending_import is not None:
            paths, options = self._pending_import
            self._pending_import = None
            self.statusBar().clearMessage()
            self.import_files(paths, options)
        elif self._pending_check is not None:
            request, self._pending_check = self._pending_check, None
            self.statusBar().clearMessage()
            self.start_check(request)
        else:
            self._start_upkeep()

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
        if self.project is None or self.workspace.current_view() is None:
            self.shown_label.clear()  # no table on screen (the Dashboard): nothing shown
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
            job, self.job = self.job, None
            job.finished.disconnect(self._import_done)  # no summary over a closed window
            job.cancel()
            job.wait()
            if self.progress is not None:
                self.progress.finish()
        self.table_export.wait()  # cancels: the half-written file is removed
        self._stop_scoring()
        self.save_state()
        self._close_project()
        super().closeEvent(event)


def _local_files(urls: list[QUrl]) -> list[Path]:
    paths = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return [path for path in paths if path.is_file()]
