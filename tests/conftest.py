"""Shared fixtures: an open project, and a runner for the `linkdesk` command."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # `from exportgen import ...`
# Qt tests run without a display, here and in CI.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from linkdesk.core.store import Project

# pytest-qt waits 5 s by default: on CI's two shared cores a worker's table load or preview
# took longer, and one flaky failure blocks everything. A wait returns as soon as its condition
# holds, so a longer guard costs a passing test nothing. Explicit timeouts are left as given.
QT_WAIT_GUARD_MS = 60_000
# Seconds a worker a test holds on an event waits before the test gives up: a guard only, each
# wait ends as soon as its event is set (10 s was short on a loaded two-core CI).
BLOCKED = QT_WAIT_GUARD_MS / 1000


def _longer_default_qt_waits() -> None:
    try:
        from pytestqt.qtbot import QtBot
    except ImportError:  # pytest-qt absent: no Qt tests to guard
        return
    for name in ("waitUntil", "waitSignal", "waitSignals", "waitCallback"):
        defaults = getattr(QtBot, name).__kwdefaults__
        if defaults and defaults.get("timeout") == 5000:
            defaults["timeout"] = QT_WAIT_GUARD_MS


_longer_default_qt_waits()

RunLinkdesk = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(autouse=True)
def collect_closed_windows(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a Qt test, delete what it left to Python's collector, here, while Qt is idle.

    A Qt object held by reference cycles is destroyed whenever the collector next runs: once
    that was a closed window, in the middle of a later test's Qt call, and its destructor hung
    on a lock Qt held. The window is no longer in a cycle (its parts keep no reference to it:
    test_ui_jobs.py), but pyqtgraph's view box menus (QMenus without a Qt parent, in cycles of
    their own) still are, so the collector still runs here. Autouse fixtures are set up first,
    so this runs after qtbot has closed the test's widgets.
    """
    yield
    if "qtbot" in request.fixturenames:
        gc.collect()


@pytest.fixture(autouse=True)
def private_library(tmp_path_factory: pytest.TempPathFactory,
                    monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test's verdict library is its own file, never the user's real one: marking in
    any project writes the library (core/library), and so do the commands run by tests."""
    path = tmp_path_factory.mktemp("library") / "library.sqlite"
    monkeypatch.setenv("LINKDESK_LIBRARY", str(path))
    return path


@pytest.fixture(scope="module")
def scored_300(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scored project of 300 links, built once per test module (and shared by its tests)."""
    from test_tables_scores import build_scored_project

    return build_scored_project(tmp_path_factory.mktemp("scored") / "client.linkdesk", links=300)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A new, empty project file in the test's temporary folder."""
    opened = Project.open(tmp_path / "p.linkdesk")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def run_linkdesk() -> RunLinkdesk:
    """Run the `linkdesk` command line (as installed in the venv) and capture its output."""
    script = Path(sys.executable).with_name("linkdesk")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "linkdesk.cli"]
    # The code under test, not whatever the venv's script was installed from (a worktree).
    repo = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONUTF8": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")]))}

    def run(*args: object) -> subprocess.CompletedProcess[str]:
        # The timeout guards against a hang only: a loaded two-core machine is slow.
        return subprocess.run(
            [*command, *map(str, args)],
            capture_output=True, text=True, encoding="utf-8", env=env, timeout=600, check=False,
        )

    return run


OpenWindow = Callable[..., Any]


@pytest.fixture
def open_window(qtbot: Any, tmp_path: Path) -> Iterator[OpenWindow]:
    """A factory: a shown main window with throwaway settings, on a copy of a project.

    `open_window(path)` copies `path` into the test's folder, opens the copy and waits until
    the window's background upkeep (sort indexes, scores) is done; the window closes after
    the test.
    """
    from PySide6.QtCore import QSettings

    from linkdesk.ui.main_window import MainWindow
    from linkdesk.ui.preferences import Preferences

    windows: list[MainWindow] = []

    def make(path: Path, size: tuple[int, int] = (1200, 800)) -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Preferences(settings))
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        windows.append(window)
        copy = tmp_path / "client.linkdesk"
        copy.write_bytes(path.read_bytes())
        assert window.open_project(copy)
        qtbot.waitUntil(lambda: window.jobs.score_job is None, timeout=30_000)
        return window

    yield make
    for window in windows:
        window.close()
