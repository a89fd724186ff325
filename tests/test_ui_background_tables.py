"""Big projects: the tables' queries run on a loader thread, and only the newest answer shows.

The sample project is small, so the tests lower the workspace's threshold to 0 links to take
the background path a million-link project takes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QThread

sys.path.insert(0, str(Path(__file__).parent))

from test_ui_window import WAIT_MS, sample, shown_ids  # noqa: F401 (sample is a fixture)

from linkdesk.core.store import Project
from linkdesk.core.tables import ANCHORS, LINKS, Filters, Sort, TableQuery
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.preferences import Preferences
from linkdesk.ui.workers.table_loader import FIRST_SCREEN


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    prefs = Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    prefs.set_value("scoring/automatic", "false")
    main = MainWindow(prefs)
    main.workspace.background_from_links = 0  # every project counts as big
    qtbot.addWidget(main)
    main.resize(1200, 800)
    main.show()
    yield main
    main.close()


def _expected(path: Path, filters: Filters, sort: Sort | None = None) -> list[int]:
    with Project.open(path, create=False) as project:
        return list(TableQuery(project.db, LINKS, filters, sort).ordered_ids())


def _open(qtbot: Any, window: MainWindow, path: Path) -> None:
    assert window.open_project(path)
    assert window.workspace.loading()  # the window is shown before its rows arrive
    qtbot.waitUntil(lambda: not window.workspace.loading(), timeout=WAIT_MS)


def test_the_first_rows_arrive_from_the_loader_thread(
    qtbot: Any, window: MainWindow, sample: Path  # noqa: F811
) -> None:
    _open(qtbot, window, sample)
    assert window.workspace.loader is not None
    assert shown_ids(window) == _expected(sample, Filters())
    assert not window.workspace.loading()
    assert window.shown_label.text().startswith(f"Shown: {len(shown_ids(window))}")


def test_a_header_click_sorts_in_the_background(
    qtbot: Any, window: MainWindow, sample: Path  # noqa: F811
) -> None:
    _open(qtbot, window, sample)
    view = window.workspace.current_view()
    assert view is not None
    header = view.horizontalHeader()
    section = view.table.spec.column_index("first_seen")
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    with qtbot.waitSignal(view.table.modelReset, timeout=WAIT_MS):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(x, header.height() // 2))
        assert window.workspace.loading()  # the old rows stay while the query runs
        assert "Shown: …" in window.shown_label.text()
    assert view.table.sort_order.column == "first_seen"
    assert shown_ids(window) == _expected(sample, Filters(), view.table.sort_order)


def test_fast_typing_shows_only_the_last_texts_rows(
    qtbot: Any, window: MainWindow, sample: Path  # noqa: F811
) -> None:
    _open(qtbot, window, sample)
    model = window.workspace.models["links"]
    shown: list[float] = []
    model.loaded.connect(shown.append)
    for text in ("f", "fo", "for", "foru", "forum", "blog"):
        window.workspace.filter_bar.search.setText(text)
        window.workspace.filter_bar._emit()  # as the typing delay would, one per keystroke
    qtbot.waitUntil(lambda: not window.workspace.loading(), timeout=WAIT_MS)
    expected = _expected(sample, Filters(search="blog"))
    assert 0 < len(expected) < len(_expected(sample, Filters()))
    assert shown_ids(window) == expected
    assert len(shown) <= 6  # superseded answers are dropped, never shown after a newer one
    assert model.filters.search == "blog"


def test_a_search_shows_its_first_rows_before_the_whole_answer(
    qtbot: Any, window: MainWindow, sample: Path  # noqa: F811
) -> None:
    _open(qtbot, window, sample)
    model = window.workspace.models["links"]
    resets: list[tuple[int, bool, str]] = []
    model.modelReset.connect(lambda: resets.append(
        (model.rowCount(), window.workspace.loading(), window.shown_label.text())))
    finals: list[float] = []
    model.loaded.connect(finals.append)
    window.workspace.filter_bar.search.setText("e")  # most rows have an "e"
    window.workspace.filter_bar._emit()
    qtbot.waitUntil(lambda: not window.workspace.loading(), timeout=WAIT_MS)
    expected = _expected(sample, Filters(search="e"))
    assert len(expected) > FIRST_SCREEN
    assert shown_ids(window) == expected and len(finals) == 1
    first, last = resets[0], resets[-1]
    # The first screenful first, still loading (the count waits for the whole answer).
    assert first[0] == FIRST_SCREEN and first[1] and "Shown: …" in first[2]
    assert last[0] == len(expected)


def test_a_search_in_two_steps_reads_its_first_rows_once(
    qtbot: Any, window: MainWindow, sample: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    """The first screenful and the whole answer start with the same rows: the loader read
    them twice. (Referring domains are not searched in two steps: their Judged before
    column is prepared on the loader's connection.)"""
    _open(qtbot, window, sample)
    model = window.workspace.models["links"]
    gui = QThread.currentThread()
    reads: list[list[int]] = []  # the ids of each read on the loader's thread
    real_rows = TableQuery.rows

    def rows(query: TableQuery, ids: Any) -> Any:
        if QThread.currentThread() is not gui:
            reads.append(list(ids))
        return real_rows(query, ids)

    monkeypatch.setattr(TableQuery, "rows", rows)
    partial: list[bool] = []
    model.modelReset.connect(lambda: partial.append(window.workspace.loading()))
    _search(qtbot, window, "e")  # most rows have an "e": two steps
    assert partial[0] and not partial[-1]  # the first screenful, then the whole answer
    assert len(reads) == 1 and reads[0] == [model.row_id(row) for row in range(len(reads[0]))]
    with Project.open(sample, create=False) as project:
        expected = TableQuery(project.db, model.spec).rows(reads[0])
    assert [model.values(row) for row in range(len(reads[0]))] == [
        expected[i] for i in reads[0]]


def _search(qtbot: Any, window: MainWindow, text: str) -> None:
    window.workspace.filter_bar.search.setText(text)
    window.workspace.filter_bar._emit()
    qtbot.waitUntil(lambda: not window.workspace.loading(), timeout=WAIT_MS)


@pytest.mark.parametrize("position", [5, -1], ids=["in the first screenful", "beyond it"])
def test_the_current_row_survives_a_search_shown_in_two_steps(
    qtbot: Any, window: MainWindow, sample: Path, position: int  # noqa: F811
) -> None:
    _open(qtbot, window, sample)
    view = window.workspace.current_view()
    assert view is not None
    expected = _expected(sample, Filters(search="e"))
    assert len(expected) > FIRST_SCREEN + 10
    target = expected[position]
    view.selectRow(view.table.row_of(target))
    resets: list[int] = []
    view.table.modelReset.connect(lambda: resets.append(view.table.rowCount()))
    _search(qtbot, window, "e")
    assert resets[0] == FIRST_SCREEN and shown_ids(window) == expected
    assert view.current_id() == target and view.selected_ids() == [target]
    assert isinstance(view.current_id(), int)  # a plain int reaches SQLite as an integer


def test_a_selection_survives_a_re_sort_under_a_broad_search(
    qtbot: Any, window: MainWindow, sample: Path, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    # As a search matching over NARROW_LIMIT of a million links: each re-sort scans again.
    monkeypatch.setattr("linkdesk.core.tables.query.NARROW_LIMIT", 100)
    _open(qtbot, window, sample)
    _search(qtbot, window, "e")
    view = window.workspace.current_view()
    assert view is not None
    view.selectAll()
    before = sorted(view.selected_ids())
    assert len(before) > FIRST_SCREEN
    assert window.workspace.loader is not None
    window.workspace.loader.worker.cache.clear()  # idle now; as after an import or a mark
    resets: list[int] = []
    view.table.modelReset.connect(lambda: resets.append(view.table.rowCount()))
    view.table.set_sort(Sort("first_seen", descending=True))
    qtbot.waitUntil(lambda: not window.workspace.loading(), timeout=WAIT_MS)
    assert resets == [FIRST_SCREEN, len(before)]  # the first screenful, then the rest
    assert sorted(view.selected_ids()) == before


def test_the_anchors_table_groups_and_reads_on_its_own_loader(
    qtbot: Any, window: MainWindow, sample: Path  # noqa: F811
) -> None:
    _open(qtbot, window, sample)
    window.workspace.show_tab("anchors")
    assert window.workspace.loading()  # grouping a million links would take ~0.7 s
    qtbot.waitUntil(lambda: not window.workspace.loading(), timeout=WAIT_MS)
    with Project.open(sample, create=False) as project:
        query = TableQuery(project.db, ANCHORS)
        ids = list(query.ordered_ids())
        first = query.rows(ids[:3])
    assert window.workspace.shown_count() == len(ids) > 0
    model = window.workspace.models["anchors"]
    # Rows come through the anchors' loader: the window's own connection has no groups.
    assert [model.values(row) for row in range(3)] == [first[i] for i in ids[:3]]
    assert window.workspace.anchor_loader is not None
    assert window.workspace.anchor_loader is not window.workspace.loader


def test_closing_the_project_mid_query_stops_the_loader(
    qtbot: Any, window: MainWindow, sample: Path  # noqa: F811
) -> None:
    _open(qtbot, window, sample)
    loader = window.workspace.loader
    assert loader is not None
    window.workspace.filter_bar.search.setText("a")
    window.workspace.filter_bar._emit()
    window.workspace.set_project(None)
    assert not loader.worker_thread.isRunning()
    assert window.workspace.loader is None


def test_the_loader_keeps_qobjects_thread_method(
    qtbot: Any, window: MainWindow, sample: Path  # noqa: F811
) -> None:
    """The loader lives on the GUI thread; its worker's thread is a separate attribute, so
    QObject.thread() (which Qt-aware code calls on any object) still answers."""
    _open(qtbot, window, sample)
    loader = window.workspace.loader
    assert loader is not None
    assert loader.thread() is QThread.currentThread()
    assert loader.worker.thread() is loader.worker_thread


def test_marking_the_rows_shown_waits_for_them(
    qtbot: Any, window: MainWindow, sample: Path  # noqa: F811
) -> None:
    _open(qtbot, window, sample)
    window.workspace.filter_bar.search.setText("blog")
    window.workspace.filter_bar._emit()
    assert window.workspace.loading()
    assert window.marking.mark_shown() is None  # the old rows are still on screen
    assert "still loading" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.workspace.loading(), timeout=WAIT_MS)
    dialog = window.marking.mark_shown()
    assert dialog is not None
    assert f"All {len(_expected(sample, Filters(search='blog'))):,} links" in dialog.what.text()
    dialog.reject()


def test_switching_projects_frees_the_old_models_and_loaders(
    qtbot: Any, window: MainWindow, sample: Path  # noqa: F811
) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    from linkdesk.ui.models import TableModel
    from linkdesk.ui.workers.table_loader import TableLoader

    for _ in range(3):
        _open(qtbot, window, sample)
        window.workspace.show_tab("anchors")
        qtbot.waitUntil(lambda: not window.workspace.loading(), timeout=WAIT_MS)
        window.workspace.set_project(None)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert window.workspace.findChildren(TableModel) == []
    assert window.workspace.findChildren(TableLoader) == []


def test_a_screenshot_of_a_big_project_waits_for_its_rows(
    sample: Path, tmp_path: Path, monkeypatch: Any  # noqa: F811
) -> None:
    from PySide6.QtGui import QImage

    from linkdesk.ui import workspace
    from linkdesk.ui.app import screenshot
    from linkdesk.ui.workers import table_loader

    class SlowQuery(table_loader.TableQuery):  # type: ignore[misc, name-defined]
        def ordered_ids(self) -> Any:
            time.sleep(0.5)  # a million links take a while
            return super().ordered_ids()

    monkeypatch.setattr(workspace, "BACKGROUND_FROM_LINKS", 0)  # as with a million links
    monkeypatch.setattr(table_loader, "TableQuery", SlowQuery)
    output = tmp_path / "big.png"
    assert screenshot(sample, output) is None
    image = QImage(str(output))
    # The third row of the table (about y=175) holds text: many shades along it.
    shades = {image.pixelColor(x, 175).name() for x in range(0, 1400, 3)}
    assert len(shades) > 5
    # And the details panel shows the first row (dark title text at the panel's top left).
    # (Its top moves down by the opening summary's bar: "No review yet" above the tables.)
    title = {image.pixelColor(x, 636).name() for x in range(10, 300)}
    assert len(title) > 3


def test_a_query_that_fails_says_so_instead_of_showing_an_empty_table(
    qtbot: Any, window: MainWindow, sample: Path, monkeypatch: Any  # noqa: F811
) -> None:
    import sqlite3

    from linkdesk.ui.workers import table_loader

    class BrokenQuery(table_loader.TableQuery):  # type: ignore[misc, name-defined]
        def ordered_ids(self) -> Any:
            raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(table_loader, "TableQuery", BrokenQuery)
    _open(qtbot, window, sample)
    assert window.workspace.shown_count() == 0
    assert window.workspace.details.title.text() == (
        "This table could not be read: database disk image is malformed")


@pytest.mark.parametrize("tab", ["links", "domains", "anchors"])
def test_a_tabs_first_paint_reads_no_rows_on_the_gui_thread(
    qtbot: Any, window: MainWindow, sample: Path, tab: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first block comes with the ids from the loader: on a million links the Referring
    domains' top rows took 0.3-1.6 s to read, a freeze when read on the GUI thread."""
    gui = QThread.currentThread()
    threads: list[bool] = []  # True: rows read on the GUI thread
    real_rows = TableQuery.rows

    def rows(query: TableQuery, ids: Any) -> Any:
        threads.append(QThread.currentThread() is gui)
        return real_rows(query, ids)

    monkeypatch.setattr(TableQuery, "rows", rows)
    _open(qtbot, window, sample)
    window.workspace.show_tab(tab)
    qtbot.waitUntil(lambda: not window.workspace.loading(), timeout=WAIT_MS)
    view = window.workspace.current_view()
    assert view is not None and view.table.rowCount() > 0
    view.grab()  # paint every row on screen
    texts = [view.table.index(row, 0).data() for row in range(min(20, view.table.rowCount()))]
    assert all(texts)  # the rows are there ...
    assert threads and not any(threads)  # ... read on the loader's thread only
