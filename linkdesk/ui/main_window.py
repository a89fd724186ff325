"""The main window: menus, layout and projects; its parts do the rest.

Background work (imports, re-scoring, checks) belongs to the job coordinator (jobs.py), which
keeps to one writer at a time; importing.py, rescoring.py, link_checking.py, marking.py and
table_export.py show it and ask it. The window builds them, hands each what it needs (the
coordinator, the workspace, the open project, the status bar) and lays them out.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QStackedWidget,
)

from linkdesk.core.importers.pipeline import ImportFailed, ImportOptions
from linkdesk.core.marks import MarkKind
from linkdesk.core.project_settings import disavow_settings, save_project_settings
from linkdesk.core.scoring import load_model
from linkdesk.core.store import Project, ProjectError
from linkdesk.core.store.health import database_problem
from linkdesk.core.store.project import PROJECT_SUFFIX
from linkdesk.core.tables import DOMAINS, LINKS, TableQuery
from linkdesk.ui.actions import Actions, build_marks_menu, build_menus
from linkdesk.ui.dialogs.about import show_about
from linkdesk.ui.dialogs.messages import show_error
from linkdesk.ui.dialogs.project_settings import ProjectSettingsDialog, SettingsChange
from linkdesk.ui.file_choice import ask_open_path
from linkdesk.ui.format import counted, ui_locale
from linkdesk.ui.icons import app_icon
from linkdesk.ui.importing import Importing
from linkdesk.ui.jobs import JobCoordinator
from linkdesk.ui.link_checking import LinkChecking
from linkdesk.ui.marking import Marking
from linkdesk.ui.parts import OpenProject, WindowContext
from linkdesk.ui.placements import Placements
from linkdesk.ui.preferences import Preferences
from linkdesk.ui.report.export import ReportExport
from linkdesk.ui.rescoring import Rescoring
from linkdesk.ui.reviewing import Reviewing
from linkdesk.ui.table_export import TableExport
from linkdesk.ui.verdict_library import VerdictLibrary
from linkdesk.ui.views.welcome import WelcomePage
from linkdesk.ui.workspace import Workspace

PROJECT_FILTER = f"LinkDesk projects (*{PROJECT_SUFFIX})"


class MainWindow(QMainWindow):
    """One window, one project at a time."""

    project_opened = Signal(object)  # Path

    def __init__(self, preferences: Preferences | None = None) -> None:
        super().__init__()
        self.prefs = preferences or Preferences()
        self.opened = OpenProject()  # shared with the parts below
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.welcome = WelcomePage()
        self.workspace = Workspace(self.prefs)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.workspace)
        self.setCentralWidget(self.stack)
        post = self.statusBar().showMessage
        self.jobs = JobCoordinator(self.opened, self.workspace, self.prefs, post, self)
        context = WindowContext(self.jobs, self.opened, self.workspace, post)
        self.importing = Importing(self, context)
        self.rescoring = Rescoring(self, context)
        self.checking = LinkChecking(self, context)
        self.table_export = TableExport(self, context)
        self.report_export = ReportExport(self, context)
        self.marking = Marking(self, context)
        self.reviewing = Reviewing(self, context)
        self.placements = Placements(self, context, self.marking.undo_stack, self.prefs)
        self.workspace.add_banner(self.placements.notice)
        self.workspace.add_banner(self.reviewing.bar)
        self.verdicts = VerdictLibrary(self, context, self.marking)
        self.menu_actions: Actions = build_menus(self, {
            "new": self.new_project, "open": self.choose_project,
            "import": self.importing.choose,
            "quit": self.close, "copy": self._copy, "find": self.workspace.filter_bar.focus_search,
            "open_url": self._open_url, "clear_filters": self.workspace.filter_bar.clear,
            "details": self._toggle_details, "columns": self._choose_columns,
            "tab": self.workspace.show_tab, "about": self._about,
            "settings": self.edit_project_settings, "rescore": self.jobs.rescore,
            "export": self.table_export.choose,
            "export_report": self.report_export.choose,
            "report_settings": self.report_export.edit_settings,
            "check_selected": self.checking.check_selected,
            "check_shown": self.checking.check_shown, "check_all": self.checking.check_all,
            "finish_review": self.reviewing.finish_review,
        })
        self.reviewing.action = self.menu_actions.finish_review
        self.importing.action = self.menu_actions.import_files
        self.checking.actions = self.menu_actions.check_actions()
        self.menu_actions.auto_score.setChecked(self.automatic_scoring)
        self.marking.changed.connect(self.workspace.reload)  # marks change no link or score
        mark = self.marking.mark_selected
        self.mark_actions = build_marks_menu(self, {
            "disavow": lambda: mark(MarkKind.DISAVOW), "keep": lambda: mark(MarkKind.KEEP),
            "review": lambda: mark(MarkKind.REVIEW), "clear_mark": lambda: mark(None),
            "mark_shown": self.marking.mark_shown, "mark_rule": self.marking.mark_by_rule,
            "apply_earlier": self.verdicts.apply_earlier,
            "import_disavow": self.marking.import_disavow_file,
            "export_disavow": self.marking.export_disavow_file,
        }, self.marking.undo_action, self.marking.redo_action)
        # After the parts' own handlers (Qt calls slots in the order connected): the tables
        # have read again by the time the totals are counted.
        self.jobs.import_finished.connect(self._update_totals)
        self.jobs.scoring_finished.connect(self._update_totals)
        self.jobs.review_finished.connect(self._update_totals)  # it may have re-scored
        self.project_opened.connect(self.reviewing.project_opened)
        self.project_opened.connect(self.placements.project_opened)
        self.jobs.import_finished.connect(self.placements.mark_stale)
        self.jobs.check_finished.connect(self.placements.mark_stale)
        self.placements.add_menus(self.menuBar())
        self.checking.actions.append(self.placements.check_action)  # off while checks run
        self.menu_actions.auto_score.toggled.connect(self._automatic_scoring_toggled)
        self.menu_actions.recent.aboutToShow.connect(self._fill_recent_menu)
        self.welcome.new_requested.connect(self.new_project)
        self.welcome.open_requested.connect(self.choose_project)
        self.welcome.demo_requested.connect(self.open_demo)
        self.welcome.recent_chosen.connect(self.open_project)
        self.workspace.counts_changed.connect(self._update_counts)
        self.totals_label, self.shown_label = QLabel(), QLabel()
        self.scores_label, self.rescore_button = self.rescoring.label, self.rescoring.button
        for label in (self.totals_label, self.shown_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        for widget in (self.scores_label, self.rescore_button, self.totals_label,
                       self.shown_label, self.checking.status):
            self.statusBar().addPermanentWidget(widget)
        self._locale = ui_locale()
        self._totals = (0, 0)
        self._restore_window()
        self._show_project(None)

    @property
    def project(self) -> Project | None:
        """The open project (None: the welcome page shows)."""
        return self.opened.project

    @project.setter
    def project(self, project: Project | None) -> None:
        self.opened.project = project

    # -- projects ----------------------------------------------------------------------------

    def open_project(self, path: Path | str, *, create: bool = False) -> bool:
        """Open (or create) a project file and show it; False, with a message, if it fails.

        A project that fails to open leaves the recent list (so the next start shows the
        welcome screen, not the same error); a read-only one opens to be read.
        """
        path = Path(path)
        try:
            project = Project.open(path, create=create, write=create)
        except (ProjectError, OSError) as error:
            self._open_failed(path, str(error) if isinstance(error, ProjectError)
                              else f"{path}: {error.strerror or error}")
            return False
        if self.jobs.import_job is not None:
            project.close()
            self._error("An import is running", "Wait for the import to finish, or cancel it.")
            return False
        self._close_project()
        self.project = project
        try:
            self._show_project(project)
        except (sqlite3.Error, ProjectError) as error:  # damage past what opening reads
            self._close_project()
            self._show_project(None)
            self._open_failed(path, str(error) if isinstance(error, ProjectError)
                              else database_problem(path, error))
            return False
        self.prefs.add_recent_project(path)
        if project.read_only:
            self._show_read_only(project)
        self.project_opened.emit(path)
        self.jobs.start_upkeep()
        return True

    def _open_failed(self, path: Path, message: str) -> None:
        self.prefs.forget_project(path)
        if self.project is None:
            self.welcome.set_recent(self.prefs.recent_projects())
        self._error("Cannot open the project", message)

    def _show_read_only(self, project: Project) -> None:
        """Say the project is read-only, and disable what would change it."""
        self.setWindowTitle(f"{project.path.stem} (read-only) — LinkDesk")
        self.statusBar().showMessage(
            f"{project.path} is read-only: it can be viewed, not changed")
        menu = self.menu_actions
        writes = [menu.import_files, menu.settings, menu.rescore, menu.finish_review,
                  *menu.check_actions(), *self.mark_actions]
        for action in writes:
            action.setEnabled(False)

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
        path = ask_open_path(self, "Open Project", Path.home(),
                             PROJECT_FILTER + ";;All files (*)")
        if path is not None:
            self.open_project(path)

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
        self.reviewing.stop()
        self.jobs.close_project()
        self.workspace.set_project(None)
        if self.project is not None:
            self.project.close()
            self.project = None

    def _show_project(self, project: Project | None) -> None:
        self.workspace.set_project(project)
        self.stack.setCurrentWidget(self.workspace if project else self.welcome)
        for action in [*self.menu_actions.project_actions(), *self.mark_actions]:
            action.setEnabled(project is not None)
        if project is None:
            self.setWindowTitle("LinkDesk")
            self.welcome.set_recent(self.prefs.recent_projects())
        else:
            self.setWindowTitle(f"{project.path.stem} — LinkDesk")
        self._update_totals()

    # -- importing (importing.py) and re-scoring (rescoring.py) ------------------------------

    def import_files(self, paths: list[Path], options: ImportOptions | None = None) -> bool:
        """Import files in the background; the window stays usable. False if it cannot start."""
        return self.importing.import_files(paths, options)

    @property
    def automatic_scoring(self) -> bool:
        """Whether the window re-scores by itself when the scores are out of date."""
        return self.prefs.automatic_scoring

    @automatic_scoring.setter
    def automatic_scoring(self, on: bool) -> None:
        self.prefs.automatic_scoring = on

    def _automatic_scoring_toggled(self, on: bool) -> None:
        self.automatic_scoring = on
        if on:
            self.jobs.start_upkeep()

    def edit_project_settings(self) -> ProjectSettingsDialog | None:
        """Open the Project Settings dialog; saving re-scores in the background."""
        if self.project is None:
            return None
        dialog = ProjectSettingsDialog(load_model(self.project.db),
                                       disavow_settings(self.project.db),
                                       self.project.path.stem, self._save_settings, self,
                                       library=self.verdicts.options())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _save_settings(self, change: SettingsChange) -> None:
        """Store the settings, then re-score in the background if the scores depend on them.

        Raises ValueError (shown in the dialog, which stays open) for a refused value or
        while an import or a check holds the project.
        """
        assert self.project is not None
        if self.jobs.pause_for_write():  # else the re-score has stopped, what waits is kept
            raise ValueError("an import or a link check is running; save once it has finished")
        try:
            save_project_settings(self.project.db, change.terms, change.overrides,
                                  platform_names=change.platforms,
                                  warn_above=change.warn_quality)
            if change.library is not None:
                self.verdicts.save_options(change.library)
        except sqlite3.Error as error:
            raise ValueError(f"the project cannot be written now ({error})") from None
        finally:
            self.workspace.reload()  # the old scores may no longer match the settings
            self._update_totals()
            # The button says so, even with Score Automatically off.
            self.jobs.resume_after_write(rescore=not self.workspace.scores_current)

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
        self.rescoring.show_idle()
        if self.project is None:
            self._totals = (0, 0)
            self.totals_label.clear()
        else:
            self._totals = (TableQuery(self.project.db, LINKS, cache=self.workspace.cache).count(),
                            TableQuery(self.project.db, DOMAINS, cache=self.workspace.cache)
                            .count())
        self._update_counts()

    def _update_counts(self) -> None:
        if self.project is not None:  # the Placements tab counts placements
            self.totals_label.setText(self.workspace.totals_text(*self._totals, self._locale))
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
            self.statusBar().showMessage(f"Copied {counted(copied, 'row', self._locale)}.", 5000)

    def _open_url(self) -> None:
        view = self.workspace.current_view()
        if view is not None and not view.open_current_url():
            self.statusBar().showMessage("This row has no web address to open.", 5000)

    def _toggle_details(self) -> None:
        self.workspace.details.setVisible(self.menu_actions.details.isChecked())

    def _choose_columns(self) -> None:
        view = self.workspace.current_view()
        if view is not None:
            view.column_menu().popup(self.mapToGlobal(view.geometry().topLeft()))

    def _fill_recent_menu(self) -> None:
        menu = self.menu_actions.recent
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
        show_error(self, title, text)

    def _about(self) -> None:
        show_about(self)

    # -- window state ------------------------------------------------------------------------

    def _restore_window(self) -> None:
        geometry = self.prefs.blob("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        splitter = self.prefs.blob("window/splitter")
        if splitter is None or not self.workspace.splitter.restoreState(splitter):
            self.workspace.splitter.setSizes([540, 300])
        details = self.prefs.value("window/details", True)
        self.menu_actions.details.setChecked(details not in (False, "false"))
        self._toggle_details()

    def save_state(self) -> None:
        """Remember geometry, splitter, columns and the open project."""
        self.prefs.set_blob("window/geometry", self.saveGeometry())
        self.prefs.set_blob("window/splitter", self.workspace.splitter.saveState())
        self.prefs.set_value("window/details", self.menu_actions.details.isChecked())
        self.workspace.save_layout()
        if self.project is None:
            self.prefs.forget_last_project()
        self.prefs.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Cancel a running import (its file is rolled back), save state, close the project."""
        self.jobs.stop_import()
        self.table_export.stop()  # the half-written file is removed
        self.report_export.stop()
        self.jobs.stop_scoring()
        self.save_state()
        self._close_project()
        super().closeEvent(event)


def _local_files(urls: list[QUrl]) -> list[Path]:
    paths = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return [path for path in paths if path.is_file()]
