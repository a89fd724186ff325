"""The details panel at the window's usual size: every tool's values get the room there is.

Found in a user trial (1400x900 window, a link reported by Ahrefs in two monthly exports):
the grid's three columns were 22 characters each, cutting "openchronicle.co…" and
"ahrefs-2026-10.cs…" while the right half of the grid stayed empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import OpenWindow
from exportgen import make_profile, write_ahrefs, write_semrush

from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.store import Project
from linkdesk.ui.views.details import DetailsPanel

SITE = "acme-widgets.com"


@pytest.fixture(scope="module")
def two_tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("details")
    records = list(make_profile(300, site=SITE, seed=11))
    write_ahrefs(folder / "ahrefs.csv", records)
    write_semrush(folder / "semrush.csv", records)
    path = folder / "acme.linkdesk"
    with Project.open(path, create=True) as project:
        for name in ("ahrefs.csv", "semrush.csv"):
            import_file(project, folder / name, ImportOptions(site=SITE))
    return path


def _grid_widths(open_window: OpenWindow, path: Path, width: int) -> tuple[list[int], int, int]:
    window = open_window(path, (width, 900))
    window.workspace.show_tab("links")
    view = window.workspace.current_view()
    assert view is not None
    view.selectRow(0)
    grid = window.workspace.details.grid
    assert grid.columnCount() == 3  # merged, Ahrefs, Semrush
    widths = [grid.columnWidth(column) for column in range(grid.columnCount())]
    return widths, grid.viewport().width(), grid.fontMetrics().averageCharWidth()


def test_the_tools_columns_share_the_grids_width(open_window: OpenWindow,
                                                  two_tools: Path) -> None:
    widths, room, char = _grid_widths(open_window, two_tools, 1400)
    assert room > 3 * 22 * char  # there is room to spare at this size
    assert sum(widths) >= room - len(widths)  # and the columns take it
    assert max(widths) - min(widths) <= 1


def test_many_tools_keep_columns_readable_and_scroll(qtbot: Any) -> None:
    """Merged and five tools' columns in a panel narrower than six times 22 characters."""
    panel = DetailsPanel()
    qtbot.addWidget(panel)
    panel.resize(500, 300)
    panel.show()
    qtbot.waitExposed(panel)
    grid = panel.grid
    grid.setColumnCount(6)
    grid.fit_columns()
    char = grid.fontMetrics().averageCharWidth()
    assert grid.viewport().width() < 6 * 22 * char
    assert min(grid.columnWidth(c) for c in range(6)) >= 22 * char  # it scrolls instead
