"""The Anchors table and the one-column details panels use the width there is.

Found at 1400x900: the Anchors table's columns (an anchor, counts) took half the width, its
details and a placement's details grid left half of the panel empty.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from conftest import OpenWindow
from test_ui_placements import build_ledger

from linkdesk.ui.main_window import MainWindow

SHOTS = os.environ.get("LINKDESK_SHOTS")  # a folder: save the screenshots there to look at


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_ledger(tmp_path_factory.mktemp("wide") / "ledger.linkdesk")


def _shot(window: MainWindow, name: str) -> None:
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _table_fills(window: MainWindow, tab: str) -> tuple[int, int]:
    """(the visible columns' total width, the viewport's width) of a tab's table."""
    view = window.workspace.views[tab]
    header = view.horizontalHeader()
    used = sum(header.sectionSize(i) for i in range(header.count())
               if not header.isSectionHidden(i))
    return used, view.viewport().width()


def test_the_anchors_table_and_its_details_use_the_width(
    qtbot: Any, open_window: OpenWindow, ledger: Path
) -> None:
    window = open_window(ledger, (1400, 900))
    window.workspace.show_tab("anchors")
    qtbot.waitUntil(lambda: not window.workspace.loading())
    view = window.workspace.views["anchors"]
    view.selectRow(0)
    _shot(window, "anchors")
    used, room = _table_fills(window, "anchors")
    assert used >= room - 2  # the columns reach the right edge
    _values_take_the_panel(window)


def test_a_placements_details_use_the_panels_width(
    qtbot: Any, open_window: OpenWindow, ledger: Path
) -> None:
    window = open_window(ledger, (1400, 900))
    window.workspace.show_tab("placements")
    window.workspace.views["placements"].selectRow(0)
    _shot(window, "placement")
    _values_take_the_panel(window)


def _values_take_the_panel(window: MainWindow) -> None:
    """A row shown as label/value pairs: the title alone on the left, the grid the rest."""
    details = window.workspace.details
    grid = details.grid
    assert grid.columnCount() == 1
    assert grid.width() >= 0.75 * details.width()  # it had 3/5, beside an empty left side
    assert grid.columnWidth(0) >= grid.viewport().width() - 2


def test_a_filled_column_hidden_and_shown_again_gives_the_room_back(
    qtbot: Any, open_window: OpenWindow, ledger: Path
) -> None:
    """The Anchor column, widened to fill the table, hidden and shown again: its own width is
    kept (it was taken as 8 px, and saved so) and a narrower window takes the room back."""
    window = open_window(ledger, (1400, 900))
    window.workspace.show_tab("anchors")
    qtbot.waitUntil(lambda: not window.workspace.loading())
    view = window.workspace.views["anchors"]
    chosen = view.column_layout()[0][1]
    wide = view.viewport().width()
    view._choose_column(0, False)
    view._choose_column(0, True)
    window.resize(1000, 900)
    qtbot.waitUntil(lambda: view.viewport().width() < wide - 200)
    used, room = _table_fills(window, "anchors")
    assert room - 2 <= used <= room + 2
    assert view.column_layout()[0][1] == chosen  # saved as chosen, not as filled
