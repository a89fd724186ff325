"""Starting the window: the application object, the project to open, screenshots."""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from linkdesk import __version__
from linkdesk.core.files import ProtectedFileError, refuse_project_file
from linkdesk.core.scoring import rescore, scores_current
from linkdesk.core.store import Project, ProjectError
from linkdesk.ui.icons import app_icon
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.preferences import Preferences
from linkdesk.ui.qt_messages import quiet_offscreen_notes
from linkdesk.ui.workers.job import wait_for_retired

SCREENSHOT_SIZE = (1400, 900)
TABS = ("links", "domains", "anchors", "placements", "dashboard", "history")


def application(offscreen: bool = False) -> QApplication:
    """The QApplication (created once), named so QSettings has a stable place."""
    if offscreen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    QCoreApplication.setOrganizationName("LinkDesk")
    QCoreApplication.setApplicationName("LinkDesk")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("linkdesk")
    return app


def run_window(project: Path | None = None) -> int:
    """Open the window on `project`, else on the last project, else the welcome screen."""
    app = application()
    window = start_window(Preferences(), project)
    window.show()
    code = app.exec()
    wait_for_retired()  # readers of the closed project, cancelled: the window is gone already
    return code


def start_window(preferences: Preferences, project: Path | None = None) -> MainWindow:
    """The main window on `project`, else on the last project, else on the welcome screen.

    A project that fails to open says why in a message and is forgotten as the last project,
    so the next start shows the welcome screen instead of the same error.
    """
    window = MainWindow(preferences)
    target = project or preferences.last_project()
    if target is not None:
        window.open_project(target)  # a missing file says so; New Project creates one
    return window


def screenshot(project: Path, output: Path, tab: str = "links") -> str | None:
    """Render the window on `project` at 1400×900 into a PNG; an error message, or None.

    A project whose scores are out of date is scored first (the window would score it);
    missing sort indexes are not built (the rows are sorted without them).

    Uses throwaway settings: a screenshot shows the defaults, and never changes the user's
    recent projects or window layout.
    """
    if not project.is_file():
        return f"{project}: no such project file"
    try:
        refuse_project_file(output, [project])
    except ProtectedFileError as error:
        return str(error)
    quiet_offscreen_notes()
    problem = _score_if_stale(project)
    if problem:
        return problem
    app = application(offscreen=True)
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        preferences = Preferences(settings)
        # A picture of the project as it is: no re-score starting (and rebuilding the tables)
        # while the window is rendered.
        preferences.set_value("scoring/automatic", "false")
        window = MainWindow(preferences)
        window.jobs.upkeep = False  # the picture shows no "Preparing sort indexes"
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        window.resize(*SCREENSHOT_SIZE)
        if not window.open_project(project):
            shown = [box.text() for box in window.findChildren(QMessageBox) if box.isVisible()]
            window.deleteLater()
            return shown[-1] if shown else f"{project}: cannot be opened"
        window.show()
        window.workspace.show_tab(tab)
        _wait_for_rows(app, window)  # big projects load their rows on a loader thread
        window.workspace.select_first_row()
        app.processEvents()
        if tab == "dashboard":  # its charts are computed on a worker thread
            window.workspace.dashboard.wait_until_ready()
        elif tab == "history":
            window.workspace.history.wait_until_ready()
        window.reviewing.wait_until_ready()  # the opening summary, also on a worker thread
        window.resize(*SCREENSHOT_SIZE)  # showing can adjust the size; the image must not
        app.processEvents()
        image = window.grab()
        saved = image.save(str(output), "PNG")
        window.close()
        window.deleteLater()
        app.processEvents()
    return None if saved else f"{output}: cannot write the PNG file"


def _score_if_stale(path: Path) -> str | None:
    """Score a project whose scores are out of date, as the window would on opening it: the
    picture then shows Quality, Band and Risk. An error message, or None."""
    try:
        with Project.open(path, create=False) as project:
            if not scores_current(project.db):
                rescore(project.db)
    except ProjectError as error:
        return str(error)
    except sqlite3.Error as error:
        return f"{path}: cannot be scored ({error})"
    return None


def _wait_for_rows(app: QApplication, window: MainWindow, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while window.workspace.loading() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
