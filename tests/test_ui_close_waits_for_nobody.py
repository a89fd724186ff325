"""Closing a project (opening another, or closing the window) does not wait for the readers
still working on it: the dashboard's, the History tab's, the opening summary's and a part's
task are cancelled and end by themselves, their answers dropped, nothing crashes and no
thread is left once they have ended."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_tables_scores import build_scored_project

from linkdesk.core.store import Project
from linkdesk.ui.dashboard import worker as dashboard_worker
from linkdesk.ui.history import worker as history_worker
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.workers import job, summary

BLOCKED = 10.0  # seconds a held worker waits before the test gives up


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_project(tmp_path_factory.mktemp("closing") / "client.linkdesk",
                                links=300)


class Held:
    """Holds a worker inside `real` until released (or BLOCKED seconds)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.entered = threading.Event()
        self.release = threading.Event()
        self.left = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.entered.set()
        try:
            self.release.wait(BLOCKED)
            return self.real(*args, **kwargs)
        finally:
            self.left.set()


def _hold(monkeypatch: pytest.MonkeyPatch, reader: str) -> Held:
    module, name = {"dashboard": (dashboard_worker, "profile_sections"),
                    "history": (history_worker, "profile_history"),
                    "summary": (summary, "opening_summary")}[reader]
    held = Held(getattr(module, name))
    monkeypatch.setattr(module, name, held)
    return held


def _start(window: MainWindow, reader: str) -> None:
    if reader == "dashboard":
        window.workspace.show_tab("dashboard")
    elif reader == "history":
        window.workspace.show_tab("history")
    else:
        window.reviewing.refresh_summary()


@pytest.mark.parametrize("reader", ["dashboard", "history", "summary"])
def test_opening_another_project_does_not_wait_for_the_old_ones_readers(
        qtbot: Any, open_window: Any, scored: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, reader: str) -> None:
    window: MainWindow = open_window(scored)
    held = _hold(monkeypatch, reader)
    _start(window, reader)
    assert held.entered.wait(BLOCKED)
    other = tmp_path / "other.linkdesk"
    Project.open(other).close()
    assert window.open_project(other)  # returns while the old project's reader still works
    assert not held.left.is_set()
    held.release.set()
    qtbot.waitUntil(lambda: job.retired_running() == 0, timeout=int(BLOCKED * 1000))
    assert held.left.is_set()
    assert window.project is not None and window.project.path == other
    if reader == "history":
        assert window.workspace.history.history is None or not (
            window.workspace.history.history.points)  # nothing of the old project
    window.workspace.show_tab("dashboard")  # the new project's readers still work
    qtbot.waitUntil(lambda: not window.workspace.dashboard.busy(), timeout=10_000)


def test_closing_the_window_does_not_wait_for_a_reader_and_it_ends_after(
        qtbot: Any, open_window: Any, scored: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window: MainWindow = open_window(scored)
    held = _hold(monkeypatch, "history")
    _start(window, "history")
    assert held.entered.wait(BLOCKED)
    window.close()
    assert not window.isVisible() and not held.left.is_set()
    held.release.set()
    job.wait_for_retired()  # as the application does once its window is gone
    assert held.left.is_set() and job.retired_running() == 0


def test_a_parts_task_is_not_waited_for_either(
        qtbot: Any, open_window: Any, scored: Path, tmp_path: Path) -> None:
    window: MainWindow = open_window(scored)
    held = Held(lambda: "old project's answer")
    answers: list[Any] = []
    assert window.jobs.run_task("slow read", lambda *_: held(), answers.append) is not None
    assert held.entered.wait(BLOCKED)
    other = tmp_path / "other.linkdesk"
    Project.open(other).close()
    assert window.open_project(other)
    assert not held.left.is_set()
    held.release.set()
    qtbot.waitUntil(lambda: job.retired_running() == 0, timeout=int(BLOCKED * 1000))
    qtbot.wait(20)
    assert held.left.is_set() and answers == []  # its answer is about the closed project
