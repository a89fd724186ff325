"""Mark by Rule on a big project: the rule's rows and each preview are worked out on a worker
while the window keeps answering; the preview says what the GUI thread's own plan says;
Apply waits for the plan; closing the dialog meanwhile drops it without harm."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

sys.path.insert(0, str(Path(__file__).parent))

from conftest import BLOCKED
from test_ui_window import shown_dialog

from linkdesk.core.store import Project
from linkdesk.ui import marking
from linkdesk.ui.dialogs import mark_dialog
from linkdesk.ui.dialogs.mark_dialog import PLANNING, MarkDialog
from linkdesk.ui.main_window import MainWindow


@pytest.fixture
def window(open_window: Any, scored_300: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    # This project's few hundred rows stand for a big project's thousands: from 2,000 rows a
    # preview is planned on a worker when the project is big.
    monkeypatch.setattr(mark_dialog, "BACKGROUND_FROM_EDITS", 1)
    return open_window(scored_300, (1280, 800))


@pytest.fixture
def ticking(window: MainWindow) -> Iterator[threading.Event]:
    """An event only the GUI thread's timer sets: a worker waiting on it needs the window to
    keep answering."""
    ticked = threading.Event()
    timer = QTimer(window)
    timer.timeout.connect(ticked.set)
    timer.start(10)
    yield ticked
    timer.stop()


def _rule_preview(window: MainWindow, qtbot: Any, *, level: int = 0) -> MarkDialog:
    """Any risk, quality below 50, disavow; the Mark dialog once its preview is shown."""
    rule = window.marking.mark_by_rule()
    assert rule is not None
    rule.level.setCurrentIndex(level)
    rule.risk.setCurrentIndex(0)
    rule.quality.setValue(50)
    rule.accept()
    qtbot.waitUntil(lambda: any(d.isVisible() and d.preview.toPlainText() != PLANNING
                                for d in window.findChildren(MarkDialog)),
                    timeout=int(BLOCKED * 1000))
    return shown_dialog(window, MarkDialog)


def _disavowed(window: MainWindow) -> int:
    assert window.project is not None
    with Project.open(window.project.path, create=False) as project:
        return int(project.db.execute(
            "SELECT count(*) FROM domain_marks WHERE kind = 'disavow'").fetchone()[0])


@pytest.mark.parametrize("level", [0, 1], ids=["domains", "links"])
def test_the_rule_and_its_preview_are_worked_out_on_a_worker(
        qtbot: Any, window: MainWindow, ticking: threading.Event,
        monkeypatch: pytest.MonkeyPatch, level: int) -> None:
    """A rule over 64,632 of 109,132 domains held the window 0.5-3.6 s, over 326,000 links
    10 s: now the rows and the plan wait here for the GUI thread's timer, and still come."""
    here = _rule_preview(window, qtbot, level=level)  # a small project: the GUI thread
    expected = (here.what.text(), here.preview.toPlainText())
    here.reject()
    threads: list[str] = []

    def waiting(real: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            threads.append(threading.current_thread().name)
            assert ticking.wait(BLOCKED)  # only if the GUI thread's timer fires meanwhile
            return real(*args, **kwargs)
        return run

    monkeypatch.setattr(window.marking, "_plan_in_background", lambda: True)
    monkeypatch.setattr(marking, "targets_by_rule", waiting(marking.targets_by_rule))
    monkeypatch.setattr(mark_dialog, "plan_marks", waiting(mark_dialog.plan_marks))
    dialog = _rule_preview(window, qtbot, level=level)
    assert len(threads) == 2 and threading.main_thread().name not in threads
    assert (dialog.what.text(), dialog.preview.toPlainText()) == expected
    assert " marked · " in expected[1] and "Links of the profile affected" in expected[1]
    dialog.kind.setCurrentText("Review later")  # another choice: planned there again
    qtbot.waitUntil(lambda: dialog.preview.toPlainText().startswith("Mark review"),
                    timeout=int(BLOCKED * 1000))
    assert len(threads) == 3 and threading.main_thread().name not in threads
    dialog.reject()


def test_apply_while_the_preview_is_planned_marks_once_it_is_known(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(window.marking, "_plan_in_background", lambda: True)
    dialog = _rule_preview(window, qtbot)
    weak = int(dialog.what.text().split()[0].replace(",", ""))
    release = threading.Event()
    real = mark_dialog.plan_marks

    def held(*args: Any, **kwargs: Any) -> Any:
        assert release.wait(BLOCKED)
        return real(*args, **kwargs)

    monkeypatch.setattr(mark_dialog, "plan_marks", held)
    dialog.reason.setText("spam network")  # typed, Enter not pressed: planned again
    dialog.accept()
    assert dialog.isVisible() and dialog.preview.toPlainText() == PLANNING
    assert _disavowed(window) == 0  # nothing is written before its plan is known
    release.set()
    qtbot.waitUntil(lambda: not any(d.isVisible() for d in window.findChildren(MarkDialog)),
                    timeout=int(BLOCKED * 1000))  # applied and closed (and deleted)
    qtbot.waitUntil(lambda: _disavowed(window) == weak, timeout=int(BLOCKED * 1000))
    assert weak > 0


def test_closing_the_dialog_while_it_plans_drops_the_plan(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(window.marking, "_plan_in_background", lambda: True)
    dialog = _rule_preview(window, qtbot)
    release = threading.Event()
    started = threading.Event()
    real = mark_dialog.plan_marks

    def held(*args: Any, **kwargs: Any) -> Any:
        started.set()
        assert release.wait(BLOCKED)
        return real(*args, **kwargs)

    monkeypatch.setattr(mark_dialog, "plan_marks", held)
    dialog.kind.setCurrentText("Keep (never disavow)")
    assert started.wait(BLOCKED)
    dialog.reject()  # the worker is still planning
    release.set()
    qtbot.waitUntil(lambda: not window.jobs._tasks, timeout=int(BLOCKED * 1000))
    qtbot.wait(50)  # the dropped answer's turn of the event loop
    assert _disavowed(window) == 0
    assert window.marking.undo_stack.count() == 0
    # The window still marks: the next rule opens and applies as usual.
    again = _rule_preview(window, qtbot)
    again.kind.setCurrentText("Disavow")
    qtbot.waitUntil(lambda: again.preview.toPlainText() != PLANNING, timeout=60_000)
    again.accept()
    qtbot.waitUntil(lambda: _disavowed(window) > 0, timeout=60_000)
    assert window.marking.undo_stack.count() == 1
