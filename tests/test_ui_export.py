"""File → Export Table as CSV: the table on screen, as filtered and sorted, its shown columns."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

sys.path.insert(0, str(Path(__file__).parent))

from test_tables_scores import build_scored_project
from test_ui_window import WAIT_MS, shown_dialog

from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, Sort, TableQuery, scored_links
from linkdesk.ui.main_window import MainWindow


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_project(tmp_path_factory.mktemp("export") / "export.linkdesk", links=300)


@pytest.fixture
def window(open_window: Any, scored: Path) -> MainWindow:
    return open_window(scored)


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_the_export_is_the_table_as_shown(
    qtbot: Any, window: MainWindow, scored: Path, tmp_path: Path
) -> None:
    view = window.workspace.current_view()
    assert view is not None
    model = view.table
    filters = Filters(search="guide")
    model.configure(filters=filters)
    model.set_sort(Sort("quality", descending=True))
    view.setColumnHidden(model.spec.column_index("target_url"), True)
    output = tmp_path / "links.csv"
    with qtbot.waitSignal(window.table_export.finished, timeout=WAIT_MS) as finished:
        assert window.table_export.export(output)
    assert finished.args[0].result > 0 and not finished.args[0].error
    rows = _read(output)
    header, body = rows[0], rows[1:]
    assert "Target URL" not in header and "Source URL" in header and "Quality" in header
    assert header[-1] == "Risk flags"
    with Project.open(scored, create=False) as project:
        spec = scored_links(project.db)
        query = TableQuery(project.db, spec, filters, Sort("quality", descending=True))
        ids = list(query.ordered_ids())
        expected_urls = [query.rows([i])[i][spec.column_index("source_url")] for i in ids]
    assert len(body) == finished.args[0].result == len(ids)
    assert [row[header.index("Source URL")] for row in body] == expected_urls
    qualities = [float(row[header.index("Quality")]) for row in body]
    assert qualities == sorted(qualities, reverse=True)
    assert "Exported" in window.statusBar().currentMessage()


def test_the_excel_variant_starts_with_a_bom(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    window.workspace.show_tab("domains")
    output = tmp_path / "domains.csv"
    with qtbot.waitSignal(window.table_export.finished, timeout=WAIT_MS):
        assert window.table_export.export(output, bom=True)
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert len(_read(output)) - 1 == window.workspace.shown_count()


def test_an_unwritable_place_is_said_plainly(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    output = tmp_path / "no-such-folder" / "links.csv"
    with qtbot.waitSignal(window.table_export.finished, timeout=WAIT_MS) as finished:
        assert window.table_export.export(output)
    assert finished.args[0].error
    assert shown_dialog(window, QMessageBox).windowTitle() == "Cannot export the table"
    assert not output.exists()


def test_the_open_project_is_never_replaced(qtbot: Any, window: MainWindow) -> None:
    """Issue 13: only Qt's overwrite prompt stood between File ▸ Export and the project."""
    assert window.project is not None
    opened = window.project.path
    with qtbot.waitSignal(window.table_export.finished, timeout=WAIT_MS) as finished:
        assert window.table_export.export(opened)
    error = finished.args[0].error
    assert "not written" in error and "open project" in error and str(opened) in error
    assert "choose another file name" in shown_dialog(window, QMessageBox).text()
    assert opened.read_bytes()[:16] == b"SQLite format 3\x00"
    with Project.open(opened, create=False) as project:
        assert TableQuery(project.db, scored_links(project.db)).count() == 300
