"""The window feeds the verdict library through its marks (issue 20): marking, undo and redo
change the library; a library that cannot be written is said in the status bar, and the
mark stays."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_tables_scores import build_scored_project
from test_ui_marks import _mark_dialog, _marks

from linkdesk.core.library import Library, all_verdicts
from linkdesk.core.marks import MarkKind
from linkdesk.ui.main_window import MainWindow


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_project(tmp_path_factory.mktemp("library") / "client.linkdesk",
                                links=300)


@pytest.fixture
def window(open_window: Any, scored: Path) -> MainWindow:
    return open_window(scored, (1280, 800))


def _library() -> dict[str, list[tuple[str, str | None]]]:
    with Library.open(create=False) as library:
        return {d.domain: [(v.verdict, v.source_name) for v in d.verdicts]
                for d in all_verdicts(library)}


def test_marking_undo_and_redo_in_the_window_feed_the_library(window: MainWindow) -> None:
    dialog = _mark_dialog(window, "domains", [0, 2], MarkKind.DISAVOW)
    dialog.reason.setText("PBN footer links")
    dialog.accept()
    assert list(_library().values()) == [[("disavow", "client")]] * 2
    window.marking.undo_stack.undo()
    assert _library() == {}
    window.marking.undo_stack.redo()
    assert len(_library()) == 2


def test_a_damaged_library_is_said_in_the_status_bar_and_the_mark_stays(
        window: MainWindow, private_library: Path) -> None:
    private_library.write_bytes(b"not a database" * 100)
    dialog = _mark_dialog(window, "domains", [1], MarkKind.KEEP)
    dialog.accept()
    assert _marks(window, [1]) == ["Keep"]
    message = window.statusBar().currentMessage()
    assert "verdict library was not updated" in message and str(private_library) in message
    assert window.marking.undo_stack.canUndo()
