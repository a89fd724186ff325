"""File ▸ Import Placements… on a worker: the window keeps working, Cancel adds nothing, an
unreadable file is said in a message, and the result is the core's own import."""

from __future__ import annotations

import random
import shutil
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QPushButton

sys.path.insert(0, str(Path(__file__).parent))

from test_ui_placements import _import, _wait_for_import, build_ledger
from test_ui_window import shown_dialog

from linkdesk.core.placements import import_placements, load_placements
from linkdesk.core.placements.csvio import CHECK_EVERY
from linkdesk.core.store import Project
from linkdesk.ui import placements_import
from linkdesk.ui.main_window import MainWindow

# A guard only: each wait ends as soon as its event is set (10 s was short on a
# loaded two-core CI). Seconds a worker waits for the GUI thread before the test gives up.
BLOCKED = 60.0


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_ledger(tmp_path_factory.mktemp("placements-import") / "ledger.linkdesk")


@pytest.fixture
def window(open_window: Any, ledger: Path) -> MainWindow:
    shown = open_window(ledger, (1366, 768))
    shown.workspace.show_tab("placements")
    return shown


def _ledger_csv(path: Path, rows: int, seed: int = 5) -> Path:
    """A vendor's ledger: pages on many blogs, prices, dates, notes."""
    rng = random.Random(seed)
    lines = ["source_url,target_url,anchor,rel,placed_on,expires_on,price,currency,type,"
             "contact,notes,tag"]
    for n in range(rows):
        path_part = "/".join(f"p{i}" for i in range(rng.randint(1, 4)))
        lines.append(f"https://blog{n}.example{n % 97}.com/{path_part}/post-{n},"
                     f"https://acme-widgets.com/shop/{n % 50},Acme widgets {n % 13},"
                     f"{'nofollow' if n % 5 == 0 else 'follow'},2026-0{1 + n % 9}-1{n % 9},"
                     f"2027-01-0{1 + n % 9},{100 + n % 400},EUR,guest post,"
                     f"vendor{n % 31}@example.com,note {n},campaign-{n % 7}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stored(path: Path) -> list[tuple[object, ...]]:
    with Project.open(path, create=False) as project:
        return [(p.placement.page, p.placement.target_url, p.placement.anchor,
                 p.placement.rel, p.placement.placed_on, p.placement.expires_on,
                 p.placement.price, p.placement.notes, p.status)
                for p in load_placements(project.db)]


def test_the_import_runs_on_a_worker_while_the_window_keeps_working(
        window: MainWindow, tmp_path: Path, ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_file = _ledger_csv(tmp_path / "bought.csv", 500)
    ticked = threading.Event()
    threads: list[str] = []
    real = placements_import.import_placements

    def waiting(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        assert ticked.wait(BLOCKED)  # only if the GUI thread's timer fires meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(placements_import, "import_placements", waiting)
    timer = QTimer(window)
    timer.timeout.connect(ticked.set)
    timer.start(10)
    result = _import(window, csv_file)
    timer.stop()
    assert result is not None and result.added == 500
    assert threads and threads[0] != threading.main_thread().name
    # The same placements as the core's own import of the file.
    expected = tmp_path / "expected.linkdesk"
    shutil.copy(ledger, expected)
    with Project.open(expected, create=False) as project:
        import_placements(project.db, csv_file)
    assert window.project is not None
    assert _stored(window.project.path) == _stored(expected)
    window.marking.undo()  # still one undoable step
    assert len(_stored(window.project.path)) == 3


def test_cancel_adds_nothing(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    csv_file = _ledger_csv(tmp_path / "big.csv", 3 * CHECK_EVERY)
    asked = threading.Event()
    real = placements_import.import_placements
    steps = window.marking.undo_stack.count()

    def press_cancel() -> None:
        dialog = window.placements.importing.progress
        assert dialog is not None
        dialog.findChild(QPushButton).click()
        asked.set()

    def cancelled_while_checking(*args: Any, **kwargs: Any) -> Any:
        shown = kwargs["progress"]

        def then_cancel(done: int, rows: int) -> None:
            shown(done, rows)
            if not asked.is_set():  # the user presses Cancel while the rows are checked
                QTimer.singleShot(0, window, press_cancel)
                assert asked.wait(BLOCKED)

        kwargs["progress"] = then_cancel
        return real(*args, **kwargs)

    monkeypatch.setattr(placements_import, "import_placements", cancelled_while_checking)
    assert _import(window, csv_file) is None
    assert window.project is not None
    assert len(_stored(window.project.path)) == 3
    assert window.marking.undo_stack.count() == steps
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.placements.importing.progress is None


def test_a_file_that_cannot_be_read_is_said_in_a_message(
        window: MainWindow, tmp_path: Path) -> None:
    missing = tmp_path / "gone.csv"
    assert _import(window, missing) is None
    box = shown_dialog(window, QMessageBox)
    assert box.windowTitle() == "Nothing imported"
    assert str(missing) in box.text() and "Traceback" not in box.text()
    box.close()
    assert window.project is not None and len(_stored(window.project.path)) == 3


def test_statuses_wait_for_the_upkeep_that_holds_the_project(
        qtbot: Any, window: MainWindow) -> None:
    """On a 1M-link project the refresh of placement statuses started while the sort
    indexes were built, waited for the write lock and failed: "database is locked"."""
    from linkdesk.ui.workers.scorer import ScoreOutcome

    class Indexing:  # what the coordinator holds while it builds sort indexes
        scoring = False

    placements = window.placements
    assert window.project is not None
    # a refresh the window started while opening (slow machines) must end first
    qtbot.waitUntil(lambda: not placements.refreshing)
    window.jobs._score = Indexing()  # type: ignore[assignment]
    try:
        placements.mark_stale()  # the tab is shown: statuses would be refreshed now
        assert not placements.refreshing
    finally:
        window.jobs._score = None  # closing the window must not meet the stand-in
    window.jobs.scoring_finished.emit(ScoreOutcome(window.project.path, scoring=False))
    assert placements.refreshing  # it runs once the indexes are built
    qtbot.waitUntil(lambda: not placements.refreshing and not placements.stale)


def test_the_totals_line_is_read_on_a_worker(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """74,499 placements: their totals held the window half a second at every refresh."""
    from linkdesk.ui import placements as placements_part

    ticked = threading.Event()
    threads: list[str] = []
    real = placements_part.totals

    def waiting(db: Any) -> Any:
        threads.append(threading.current_thread().name)
        assert ticked.wait(BLOCKED)  # only if the GUI thread's timer fires meanwhile
        return real(db)

    monkeypatch.setattr(placements_part, "totals", waiting)
    timer = QTimer(window)
    timer.timeout.connect(ticked.set)
    timer.start(10)
    window.workspace.placements.totals.setText("")
    with qtbot.waitSignal(window.placements.totals_shown, timeout=int(BLOCKED * 1000)):
        window.placements.changed.emit()  # a change: the tab reads again
    timer.stop()
    assert threads and threading.main_thread().name not in threads
    assert window.workspace.placements.totals.text().startswith("3 placements")


def test_cancel_of_an_import_with_a_mapping_keeps_the_question_open(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linkdesk.ui.dialogs.placement_mapping import PlacementMappingDialog

    plain = _ledger_csv(tmp_path / "plain.csv", 3 * CHECK_EVERY)
    lines = plain.read_text(encoding="utf-8").splitlines()
    lines[0] = "Seite,Ziel,Ankertext,Rel,Datum,Ablaufdatum,Kosten,Währung,Typ,Kontakt,Notiz,Tag"
    sheet = tmp_path / "seiten.csv"
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _import(window, sheet) is None
    dialog = shown_dialog(window, PlacementMappingDialog)
    seen: list[tuple[bool, bool]] = []
    real = placements_import.import_placements

    def cancelled_while_checking(*args: Any, **kwargs: Any) -> Any:
        shown, asked = kwargs["progress"], threading.Event()

        def press_cancel() -> None:
            progress = window.placements.importing.progress
            assert progress is not None
            cancel = progress.findChild(QPushButton)
            ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
            seen.append((cancel.isEnabled() and progress.isEnabled(), ok.isEnabled()))
            cancel.click()
            asked.set()

        def then_cancel(done: int, rows: int) -> None:
            shown(done, rows)
            if not asked.is_set():
                QTimer.singleShot(0, window, press_cancel)
                assert asked.wait(BLOCKED)

        kwargs["progress"] = then_cancel
        return real(*args, **kwargs)

    monkeypatch.setattr(placements_import, "import_placements", cancelled_while_checking)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert _wait_for_import(window, ok.click) is None
    assert seen == [(True, False)]  # Cancel usable, Import off while it ran
    assert dialog.isVisible() and ok.isEnabled()  # the question stays, to try again
    assert window.project is not None and len(_stored(window.project.path)) == 3
    dialog.reject()



def _cancel_when(window: MainWindow, monkeypatch: pytest.MonkeyPatch, when: str) -> list[int]:
    """Make the next import press Cancel (as the user clicks it) once every row is checked
    and the placements are being added (`when` "adding"), or once they are saved ("saved");
    the progress bar's values at the click are returned in the list."""
    asked, values = threading.Event(), []
    real = placements_import.import_placements

    def press_cancel() -> None:
        dialog = window.placements.importing.progress
        assert dialog is not None
        values.append(dialog.value())
        dialog.findChild(QPushButton).click()
        asked.set()

    def wait_for_the_click() -> None:
        QTimer.singleShot(0, window, press_cancel)
        assert asked.wait(BLOCKED)

    def cancelling(*args: Any, **kwargs: Any) -> Any:
        shown = kwargs["progress"]

        def then_cancel(done: int, rows: int) -> None:
            shown(done, rows)
            if when == "adding" and (done, rows) == (1, 1):  # the adding begins
                wait_for_the_click()

        kwargs["progress"] = then_cancel
        result = real(*args, **kwargs)
        if when == "saved":  # committed: too late to take back
            wait_for_the_click()
        return result

    monkeypatch.setattr(placements_import, "import_placements", cancelling)
    return values


def test_cancel_in_the_last_tenth_adds_nothing(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row checked, the placements being added: Cancel completed the import anyway."""
    steps = window.marking.undo_stack.count()
    values = _cancel_when(window, monkeypatch, "adding")
    assert _import(window, _ledger_csv(tmp_path / "late.csv", 300)) is None
    assert values and values[0] >= placements_import.CHECKED  # it was the last tenth
    assert window.project is not None
    assert len(_stored(window.project.path)) == 3
    assert window.marking.undo_stack.count() == steps
    assert "no placement was added" in window.statusBar().currentMessage()


def test_a_cancel_after_the_placements_were_saved_says_the_import_completed(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Too late to take back: the window says so, and the import is one undoable step."""
    steps = window.marking.undo_stack.count()
    values = _cancel_when(window, monkeypatch, "saved")
    result = _import(window, _ledger_csv(tmp_path / "saved.csv", 40))
    assert values and result is not None and result.added == 40
    assert window.project is not None
    assert len(_stored(window.project.path)) == 43
    message = window.statusBar().currentMessage()
    assert "too late to cancel" in message and "40 placements added" in message, message
    assert window.marking.undo_stack.count() == steps + 1
    window.marking.undo()
    assert len(_stored(window.project.path)) == 3
