"""Placement statuses are brought up to date on a worker thread (one short write); the tab
shows the result when it arrives."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from test_ui_placements import build_ledger

from linkdesk.ui import placements as placements_module


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_ledger(tmp_path_factory.mktemp("refresh") / "ledger.linkdesk")


def test_statuses_are_refreshed_off_the_gui_thread(
        open_window: Any, ledger: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(ledger)
    qtbot.waitUntil(lambda: not window.placements.refreshing, timeout=60_000)
    threads: list[str] = []
    real = placements_module.refresh_statuses

    def refresh(db: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(db)

    monkeypatch.setattr(placements_module, "refresh_statuses", refresh)
    window.workspace.show_tab("placements")
    window.placements.mark_stale()  # a check or an import ended
    assert window.placements.refreshing  # started, not done here
    qtbot.waitUntil(lambda: not window.placements.refreshing, timeout=60_000)
    assert threads and threading.main_thread().name not in threads
    assert not window.placements.stale
    assert "placement" in window.workspace.placements.totals.text().lower()


def test_a_refresh_dropped_with_its_project_does_not_stop_the_next(
        open_window: Any, ledger: Path, qtbot: Any) -> None:
    window = open_window(ledger)
    qtbot.waitUntil(lambda: not window.placements.refreshing, timeout=60_000)
    window.workspace.show_tab("placements")
    window.placements.mark_stale()
    assert window.placements.refreshing
    assert window.open_project(window.project.path)  # its answer is dropped; a new one runs
    qtbot.waitUntil(lambda: not window.placements.refreshing, timeout=60_000)
    assert not window.placements.stale


def test_a_change_while_statuses_are_refreshed_refreshes_them_again(
        open_window: Any, ledger: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check or an import that ends while a refresh is reading: what the refresh read may
    be older than what they wrote, so the statuses are still stale and refreshed again (the
    refresh's answer used to mark them up to date)."""
    window = open_window(ledger)
    qtbot.waitUntil(lambda: not window.placements.refreshing, timeout=60_000)
    reading, release = threading.Event(), threading.Event()
    calls: list[int] = []
    real = placements_module.refresh_statuses

    def refresh(db: Any) -> Any:
        calls.append(1)
        reading.set()
        release.wait(60)
        return real(db)

    monkeypatch.setattr(placements_module, "refresh_statuses", refresh)
    window.workspace.show_tab("placements")
    window.placements.mark_stale()
    assert reading.wait(60)  # the refresh is under way on its worker
    window.placements.mark_stale()  # a check ended meanwhile
    release.set()
    qtbot.waitUntil(lambda: len(calls) == 2 and not window.placements.refreshing,
                    timeout=60_000)
    assert not window.placements.stale
