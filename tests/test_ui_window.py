"""The main window, offscreen: projects, counts, sorting, search, imports, messages, screenshots."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QWidget

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_ahrefs, write_majestic
from test_tables import SITE, build_project

from linkdesk.cli import main as linkdesk_main
from linkdesk.core.stats import project_stats
from linkdesk.core.store import Project
from linkdesk.core.tables import LINKS, Filters, Follow, Sort, TableQuery
from linkdesk.ui.dialogs.messages import TextReport
from linkdesk.ui.format import ui_locale
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.models import ID_ROLE
from linkdesk.ui.preferences import Preferences, qt_key
from linkdesk.ui.views.details import DetailsPanel
from linkdesk.ui.workers.importer import ImportOutcome

WAIT_MS = 30_000
DialogType = TypeVar("DialogType", bound=QDialog)


def shown_dialog(window: QWidget, kind: type[DialogType]) -> DialogType:
    """The newest dialog of type `kind` open over `window`, as the user sees it."""
    shown = [dialog for dialog in window.findChildren(kind) if dialog.isVisible()]
    assert shown, f"no {kind.__name__} is open"
    return shown[-1]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_project(tmp_path_factory.mktemp("window") / "sample.linkdesk", links=600)


@pytest.fixture
def copy(sample: Path, tmp_path: Path) -> Path:
    """A copy of the sample project the test may change."""
    return Path(shutil.copy(sample, tmp_path / "client.linkdesk"))


@pytest.fixture
def prefs(tmp_path: Path) -> Preferences:
    settings = Preferences(QSettings(str(tmp_path / "settings.ini"),
                                     QSettings.Format.IniFormat))
    # These tests look at unscored tables; automatic scoring has its own tests.
    settings.set_value("scoring/automatic", "false")
    return settings


@pytest.fixture
def window(qtbot: Any, prefs: Preferences) -> Iterator[MainWindow]:
    main = MainWindow(prefs)
    qtbot.addWidget(main)
    main.resize(1200, 800)
    main.show()
    yield main
    main.close()


def stats(path: Path) -> dict[str, Any]:
    with Project.open(path, create=False) as project:
        return project_stats(project.db)


def shown_ids(window: MainWindow) -> list[int]:
    view = window.workspace.current_view()
    assert view is not None
    return [view.table.index(row, 0).data(ID_ROLE) for row in range(view.table.rowCount())]


def test_opens_a_project_and_shows_its_counts(window: MainWindow, sample: Path) -> None:
    assert window.stack.currentWidget() is window.welcome
    assert window.open_project(sample)
    expected = stats(sample)
    assert window.totals() == (expected["links"], expected["referring_domains"])
    assert window.workspace.shown_count() == expected["links"]
    links = ui_locale().toString(expected["links"])
    assert window.totals_label.text().startswith(f"{links} links")
    assert f"Shown: {links}" in window.shown_label.text()
    assert "Selected: 0" in window.shown_label.text()
    assert window.workspace.models["anchors"].rowCount() == 0  # not loaded until shown
    window.workspace.show_tab("domains")
    assert window.workspace.shown_count() == expected["referring_domains"]
    assert window.windowTitle().startswith("sample")


def test_a_header_click_sorts_rows_as_sql_does(
    qtbot: Any, window: MainWindow, sample: Path
) -> None:
    window.open_project(sample)
    view = window.workspace.current_view()
    assert view is not None
    header = view.horizontalHeader()
    section = view.table.spec.column_index("trust_flow")
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    with qtbot.waitSignal(view.table.modelReset, timeout=WAIT_MS):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(x, header.height() // 2))
    with Project.open(sample, create=False) as project:
        expected = list(TableQuery(project.db, LINKS, sort=view.table.sort_order).ordered_ids())
    assert view.table.sort_order.column == "trust_flow"
    assert view.table.sort_order.descending  # numbers: strongest first on the first click
    assert shown_ids(window) == expected
    assert header.sortIndicatorSection() == section


def test_quick_search_filters_as_you_type(qtbot: Any, window: MainWindow, sample: Path) -> None:
    window.open_project(sample)
    with Project.open(sample, create=False) as project:
        expected = list(TableQuery(project.db, LINKS, Filters(search="blog"),
                                   window.workspace.models["links"].sort_order).ordered_ids())
    assert 0 < len(expected) < window.totals()[0]
    search = window.workspace.filter_bar.search
    with qtbot.waitSignal(window.workspace.filter_bar.filters_changed, timeout=WAIT_MS):
        qtbot.keyClicks(search, "blog")
    qtbot.waitUntil(lambda: window.workspace.shown_count() == len(expected), timeout=WAIT_MS)
    assert shown_ids(window) == expected
    assert "Shown:" in window.shown_label.text()
    window.workspace.show_tab("domains")  # the other tables follow the same search
    assert all("blog" in window.workspace.current_view().table.index(r, 0).data()  # type: ignore[union-attr]
               for r in range(window.workspace.shown_count()))
    with qtbot.waitSignal(window.workspace.filter_bar.filters_changed, timeout=WAIT_MS):
        window.workspace.filter_bar.clear()
    assert window.workspace.shown_count() == stats(sample)["referring_domains"]


def test_selecting_a_link_shows_every_observation_as_plain_text(
    qtbot: Any, window: MainWindow, sample: Path
) -> None:
    window.open_project(sample)
    view = window.workspace.current_view()
    assert view is not None
    seen_by = view.table.spec.column_index("seen_by")
    row = next(r for r in range(view.table.rowCount())
               if "Majestic" in str(view.table.index(r, seen_by).data()))
    view.selectRow(row)
    details = window.workspace.details
    assert details.title.text() == view.table.index(row, 0).data()
    assert details.title.textFormat() == Qt.TextFormat.PlainText
    grid = details.grid
    headers = [grid.horizontalHeaderItem(c).text() for c in range(grid.columnCount())]
    assert headers[0] == "Merged" and "Majestic" in headers
    assert "Score: not up to date" in details.score.text()
    assert "Selected: 1" in window.shown_label.text()


def test_details_never_interpret_html(qtbot: Any) -> None:
    from linkdesk.core.tables.details import LinkDetails, Observation

    panel = DetailsPanel()
    qtbot.addWidget(panel)
    evil = "<img src=x onerror=alert(1)><b>Big</b> sale"
    panel.show_link(LinkDetails(
        1, "https://a.example/<b>", "https://t.example/", "a.example", "a.example", False,
        False, None, {"title": evil},
        [Observation("ahrefs", "Ahrefs", "<i>x</i>.csv", "", 3, {"title": evil})],
    ))
    labels = panel.findChildren(QLabel)
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    assert panel.title.text() == "https://a.example/<b>"
    texts = {panel.grid.item(r, c).text() for r in range(panel.grid.rowCount())
             for c in range(panel.grid.columnCount()) if panel.grid.item(r, c)}
    assert evil in texts


def test_import_runs_in_the_background_and_updates_the_tables(
    qtbot: Any, window: MainWindow, copy: Path, tmp_path: Path
) -> None:
    window.open_project(copy)
    before = window.totals()
    export = tmp_path / "majestic-new.csv"
    write_majestic(export, make_profile(120, site=SITE, seed=404))
    with qtbot.waitSignal(window.jobs.import_finished, timeout=WAIT_MS) as finished:
        assert window.import_files([export])
    outcome: ImportOutcome = finished.args[0]
    assert not outcome.failures and not outcome.cancelled
    after = stats(copy)
    assert after["links"] > before[0]
    assert window.totals() == (after["links"], after["referring_domains"])
    assert window.workspace.shown_count() == after["links"]
    summary = shown_dialog(window, TextReport)
    assert "majestic-new.csv" in summary.report.toPlainText()
    assert "120 rows read" in summary.report.toPlainText()
    assert "new links" in summary.headline.text()


def test_cancel_leaves_the_project_unchanged(
    qtbot: Any, window: MainWindow, copy: Path, tmp_path: Path
) -> None:
    export = tmp_path / "big.csv"
    write_ahrefs(export, make_profile(25_000, site=SITE, seed=8))
    window.open_project(copy)
    before = stats(copy)
    window.import_files([export])
    job = window.jobs.import_job
    assert job is not None
    # Cancel from inside the first progress report (on the worker thread): mid-file, for sure.
    job.worker.progressed.connect(lambda _p: window.importing.cancel(),
                                  Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(window.jobs.import_finished, timeout=WAIT_MS) as finished:
        pass
    outcome: ImportOutcome = finished.args[0]
    assert outcome.cancelled and not outcome.results
    assert stats(copy) == before
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.jobs.import_job is None and window.menu_actions.import_files.isEnabled()


def test_a_bad_file_says_so_in_plain_words(
    qtbot: Any, window: MainWindow, copy: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "invoice.csv"
    bad.write_text("Invoice,Amount\nINV-1,100\n", encoding="utf-8")
    window.open_project(copy)
    before = stats(copy)
    with qtbot.waitSignal(window.jobs.import_finished, timeout=WAIT_MS):
        window.import_files([bad])
    summary = shown_dialog(window, TextReport)
    text = summary.headline.text() + summary.report.toPlainText()
    assert "invoice.csv: not imported" in text and "not a backlink export" in text
    assert "Traceback" not in text
    assert stats(copy) == before


def test_dropping_files_imports_them(qtbot: Any, window: MainWindow, copy: Path,
                                     tmp_path: Path) -> None:
    export = tmp_path / "dropped.csv"
    write_ahrefs(export, make_profile(40, site="dropped-client.com", seed=3))
    window.open_project(copy)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(export))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.jobs.import_finished, timeout=WAIT_MS) as finished:
        window.dropEvent(event)
    assert finished.args[0].results[0].rows_imported == 40


def test_errors_opening_a_project_are_plain_messages(window: MainWindow, tmp_path: Path) -> None:
    not_a_project = tmp_path / "notes.linkdesk"
    not_a_project.write_text("hello, this is not SQLite\n" * 100)
    assert not window.open_project(not_a_project)
    assert "not a LinkDesk project" in shown_dialog(window, QMessageBox).text()
    assert window.stack.currentWidget() is window.welcome
    assert not window.open_project(tmp_path / "missing.linkdesk")
    assert not (tmp_path / "missing.linkdesk").exists()


def test_layout_and_recent_projects_are_remembered(
    qtbot: Any, prefs: Preferences, sample: Path
) -> None:
    first = MainWindow(prefs)
    qtbot.addWidget(first)
    first.open_project(sample)
    view = first.workspace.current_view()
    assert view is not None
    view.setColumnHidden(LINKS.column_index("anchor"), True)
    view.setColumnWidth(0, 333)
    first.workspace.models["links"].set_sort(Sort("first_seen", descending=False))
    first.close()
    assert prefs.blob("window/geometry") is not None
    assert prefs.settings.contains(qt_key("window/geometry"))
    assert prefs.last_project() == sample.resolve()
    assert prefs.recent_projects() == [sample.resolve()]

    second = MainWindow(prefs)
    qtbot.addWidget(second)
    second.open_project(prefs.last_project())  # type: ignore[arg-type]
    view = second.workspace.current_view()
    assert view is not None
    assert view.isColumnHidden(LINKS.column_index("anchor"))
    assert view.columnWidth(0) == 333
    assert second.workspace.models["links"].sort_order == Sort("first_seen", False)
    second.close()


def test_state_saved_by_another_qt_is_ignored(prefs: Preferences) -> None:
    prefs.settings.setValue("window/geometry-qt5.15", b"garbage")
    assert prefs.blob("window/geometry") is None


def test_screenshot_option_writes_a_png(qtbot: Any, sample: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "domains.png"
    assert linkdesk_main([str(sample), "--screenshot", str(output), "--tab", "domains"]) == 0
    image = QImage(str(output))
    assert (image.width(), image.height()) == (1400, 900)
    assert "Screenshot:" in capsys.readouterr().out
    assert linkdesk_main([str(tmp_path / "nope.linkdesk"), "--screenshot", str(output)]) == 1
    QApplication.processEvents()


def test_copy_rows_and_column_chooser(qtbot: Any, window: MainWindow, sample: Path) -> None:
    window.open_project(sample)
    view = window.workspace.current_view()
    assert view is not None
    view.selectRow(0)
    view.selectionModel().select(
        view.table.index(1, 0),
        view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows)
    window.menu_actions.copy.trigger()
    lines = QApplication.clipboard().text().splitlines()
    assert lines[0].startswith("Source URL\tAnchor\t")  # shown columns, in order
    assert len(lines) == 3 and lines[1].split("\t")[0] == view.table.index(0, 0).data()
    menu = view.column_menu()
    anchor = next(a for a in menu.actions() if a.text() == "Anchor")
    anchor.toggle()
    assert view.isColumnHidden(LINKS.column_index("anchor"))


def test_shortcuts(window: MainWindow, sample: Path) -> None:
    actions = window.menu_actions
    assert actions.import_files.shortcut().toString() == "Ctrl+I"
    assert actions.quit.shortcut().toString() == "Ctrl+Q"
    assert actions.find.shortcut().toString() == "Ctrl+F"
    assert actions.tabs[2].shortcut().toString() == "Ctrl+3"
    assert not actions.import_files.isEnabled()  # no project yet
    window.open_project(sample)
    assert actions.import_files.isEnabled()
    actions.tabs[2].trigger()
    assert window.workspace.current_name() == "anchors"


def test_progress_dialog_reports_and_cancels_once(qtbot: Any) -> None:
    from linkdesk.ui.dialogs.import_progress import ImportProgressDialog, time_left_text
    from linkdesk.ui.workers.importer import JobProgress

    dialog = ImportProgressDialog(2)
    qtbot.addWidget(dialog)
    dialog.update_progress(JobProgress("a.csv", 1, 2, 1_234_567, 0.41, 20.0))
    assert "file 1 of 2" in dialog.file_label.text()
    assert dialog.rows_label.text() == (f"{ui_locale().toString(1_234_567)} rows read in all "
                                        "· 41% of the 2 files")
    assert dialog.bar.value() == 410
    assert dialog.time_label.text() == "About 30 s left"
    assert time_left_text(None).startswith("Estimating")
    assert time_left_text(150) == "About 2 min left"
    with qtbot.waitSignal(dialog.cancelled):
        dialog.reject()
    with qtbot.assertNotEmitted(dialog.cancelled):
        dialog.reject()


def test_filter_menus_filter_every_table(qtbot: Any, window: MainWindow, sample: Path) -> None:
    window.open_project(sample)
    menu = window.workspace.filter_bar.menus["follow"]
    with qtbot.waitSignal(window.workspace.filter_bar.filters_changed, timeout=WAIT_MS):
        menu.setCurrentIndex(menu.findData(Follow.NOFOLLOW))
    assert window.workspace.shown_count() == stats(sample)["nofollow_links"]
    assert window.workspace.filter_bar.clear_button.isEnabled()
    window.workspace.show_tab("anchors")
    anchors = window.workspace.models["anchors"]
    assert anchors.filters.follow is Follow.NOFOLLOW
    links = sum(anchors.values(row)[1] for row in range(anchors.rowCount()))
    assert links == stats(sample)["nofollow_links"]


def test_selection_is_kept_across_a_sort(window: MainWindow, sample: Path) -> None:
    window.open_project(sample)
    view = window.workspace.current_view()
    assert view is not None
    for row in (3, 7, 8, 20, 40, 41):
        view.selectionModel().select(
            view.table.index(row, 0),
            view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows)
    view.selectRow(5)  # also current
    view.selectionModel().select(
        view.table.index(9, 0),
        view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows)
    kept = set(view.selected_ids())
    current = view.current_id()
    view.table.sort(view.table.spec.column_index("first_seen"), Qt.SortOrder.AscendingOrder)
    assert set(view.selected_ids()) == kept
    assert view.current_id() == current
