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

from conftest import BLOCKED

from linkdesk.core.store import Project
from linkdesk.ui.dashboard import worker as dashboard_worker
from linkdesk.ui.history import worker as history_worker
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.workers import job, summary


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
        qtbot: Any, open_window: Any, scored_300: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, reader: str) -> None:
    window: MainWindow = open_window(scored_300)
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
    qtbot.waitUntil(lambda: not window.workspace.dashboard.busy(), timeout=60_000)


def test_closing_the_window_does_not_wait_for_a_reader_and_it_ends_after(
        qtbot: Any, open_window: Any, scored_300: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window: MainWindow = open_window(scored_300)
    held = _hold(monkeypatch, "history")
    _start(window, "history")
    assert held.entered.wait(BLOCKED)
    window.close()
    assert not window.isVisible() and not held.left.is_set()
    held.release.set()
    job.wait_for_retired()  # as the application does once its window is gone
    assert held.left.is_set() and job.retired_running() == 0


def test_a_parts_task_is_not_waited_for_either(
        qtbot: Any, open_window: Any, scored_300: Path, tmp_path: Path) -> None:
    window: MainWindow = open_window(scored_300)
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


def test_the_table_loader_stops_a_query_that_began_just_after_its_close(
        qtbot: Any, scored_300: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing a 1M-link project right after opening it waited 11 s for the loader: its
    query began a moment after `close` interrupted (an interrupt stops only statements
    already running), and ran to its end."""
    from linkdesk.core.tables import LINKS, Filters
    from linkdesk.ui.workers import table_loader

    connecting = Held(table_loader.Project.open)  # the loader opens its connection
    endings: list[str] = []

    def long_query(query: Any) -> Any:  # as long as a first sort of a million links, longer
        try:
            query.db.execute("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n "
                             "WHERE x < 100000000) SELECT count(*) FROM n").fetchone()
        except Exception as error:
            endings.append(str(error))
            raise
        endings.append("ran to its end")
        return []

    monkeypatch.setattr(table_loader.Project, "open", connecting)
    monkeypatch.setattr(table_loader.TableQuery, "ordered_ids", long_query)
    loader = table_loader.TableLoader(scored_300)
    real_interrupt = loader.worker.interrupt

    def interrupt() -> None:
        real_interrupt()  # nothing runs yet: it has no effect
        connecting.release.set()  # the loader connects, then starts its query

    monkeypatch.setattr(loader.worker, "interrupt", interrupt)
    loader.request(table_loader.IdRequest("links", loader.next_generation(), LINKS, Filters(),
                                          LINKS.default_sort))
    assert connecting.entered.wait(BLOCKED)
    loader.close()
    assert endings == ["interrupted"]
    loader.deleteLater()
