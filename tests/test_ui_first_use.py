"""What a new user meets in the window (issue 18): the client's site worked out after an
import (asked when unclear), the empty project's guidance, the metric columns a project has
data for, and a Dashboard that reads well on a laptop screen."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QWidget

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_semrush

from linkdesk.core.store import Project, settings
from linkdesk.ui.dialogs.messages import TextReport
from linkdesk.ui.dialogs.site_choice import SiteChoiceDialog
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.preferences import Preferences

WAIT_MS = 30_000


@pytest.fixture
def prefs(tmp_path: Path) -> Preferences:
    return Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot: Any, prefs: Preferences) -> Iterator[MainWindow]:
    main = MainWindow(prefs)
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    yield main
    main.close()


def new_project(tmp_path: Path) -> Path:
    path = tmp_path / "client.linkdesk"
    Project.open(path).close()
    return path


def shown(window: QWidget, kind: type[QDialog]) -> list[QDialog]:
    return [dialog for dialog in window.findChildren(kind) if dialog.isVisible()]


def project_sites(path: Path) -> list[str]:
    with Project.open(path, create=False) as project:
        return settings.sites(project.db)


def import_and_wait(qtbot: Any, window: MainWindow, files: list[Path]) -> None:
    with qtbot.waitSignal(window.jobs.import_finished, timeout=WAIT_MS):
        assert window.import_files(files)


def test_importing_into_a_new_project_sets_the_site_and_says_so(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    export = tmp_path / "semrush.csv"
    write_semrush(export, make_profile(200, site="acme-widgets.com", seed=7))
    path = new_project(tmp_path)
    window.open_project(path)
    import_and_wait(qtbot, window, [export])
    (summary,) = shown(window, TextReport)
    assert ("The client's site is taken to be acme-widgets.com (100% of the links point to "
            "it); if it is not, change it in File ▸ Project Settings.") in summary.headline.text()
    assert project_sites(path) == ["acme-widgets.com"]
    summary.accept()
    assert not shown(window, SiteChoiceDialog)  # nothing to ask


def test_an_unclear_site_is_asked_after_the_import(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    write_semrush(tmp_path / "a.csv", make_profile(200, site="acme-widgets.com", seed=7))
    write_semrush(tmp_path / "b.csv", make_profile(180, site="other-shop.net", seed=8))
    path = new_project(tmp_path)
    window.open_project(path)
    import_and_wait(qtbot, window, [tmp_path / "a.csv", tmp_path / "b.csv"])
    (summary,) = shown(window, TextReport)
    assert "The client's site is not set" in summary.headline.text()
    summary.accept()
    (dialog,) = shown(window, SiteChoiceDialog)
    assert isinstance(dialog, SiteChoiceDialog)
    assert [dialog.choice.itemText(i) for i in range(dialog.choice.count())] == [
        "acme-widgets.com", "other-shop.net"]
    dialog.choice.setEditText("not a domain")
    dialog.accept()
    assert dialog.isVisible() and "is not a domain" in dialog.error.text()
    assert project_sites(path) == []
    buttons = {button.text(): button for button in dialog.findChildren(QPushButton)}
    assert {"Use this site", "Not now"} <= set(buttons)
    dialog.choice.setCurrentIndex(1)
    buttons["Use this site"].click()
    assert project_sites(path) == ["other-shop.net"]
    assert "other-shop.net" in window.statusBar().currentMessage()


def column_shown(window: MainWindow, table: str, name: str) -> bool:
    view = window.workspace.views[table]
    return not view.isColumnHidden(view.table.spec.column_index(name))


def test_a_semrush_project_shows_its_metric_sorted_by_quality(
    qtbot: Any, prefs: Preferences, window: MainWindow, tmp_path: Path
) -> None:
    from test_data_columns import semrush_project

    path = semrush_project(tmp_path)
    prefs.set_sort("links", "domain_rating", True)  # from an Ahrefs client's project
    window.open_project(path)
    assert window.workspace.scores_current
    for table in ("links", "domains"):
        assert column_shown(window, table, "page_ascore"), table
        assert not column_shown(window, table, "domain_rating"), table
        assert not column_shown(window, table, "trust_flow"), table
        assert window.workspace.models[table].sort_order.column == "quality", table
    # The user shows the empty DR column: that choice is remembered, for this table only.
    view = window.workspace.views["links"]
    menu = view.column_menu()
    (dr,) = [action for action in menu.actions() if action.text() == "DR"]
    dr.setChecked(True)
    assert column_shown(window, "links", "domain_rating")
    window.close()
    again = MainWindow(prefs)
    qtbot.addWidget(again)
    again.open_project(path)
    assert column_shown(again, "links", "domain_rating")
    assert not column_shown(again, "domains", "domain_rating")
    assert column_shown(again, "links", "page_ascore")
    again.close()


def ink(image: Any) -> int:
    """Pixels clearly darker than the background, in the middle half of an image."""
    from PySide6.QtGui import QColor

    background = QColor(image.pixel(2, image.height() - 3)).lightness()
    count = 0
    for y in range(image.height() // 4, 3 * image.height() // 4, 2):
        for x in range(image.width() // 4, 3 * image.width() // 4, 2):
            if QColor(image.pixel(x, y)).lightness() < background - 60:
                count += 1
    return count


def test_a_new_project_says_what_to_do(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    window.open_project(new_project(tmp_path))
    view = window.workspace.current_view()
    assert view is not None and view.table.rowCount() == 0
    assert "Drop the client's backlink exports here, or press Ctrl+I" in view.placeholder
    for vendor in ("Ahrefs", "Semrush", "Majestic", "Moz", "Google Search Console"):
        assert vendor in view.placeholder
    qtbot.waitUntil(lambda: not view.table.loading)
    window.grab().save(str(tmp_path / "empty.png"))  # looked at: 1280×800
    written = ink(view.viewport().grab().toImage())
    view.set_placeholder("")
    blank = ink(view.viewport().grab().toImage())
    assert blank == 0 and written > 200  # the text is drawn, not just set
    # After an import the rows show; a search that finds nothing says so instead.
    export = tmp_path / "semrush.csv"
    write_semrush(export, make_profile(30, seed=7))
    import_and_wait(qtbot, window, [export])
    view = window.workspace.current_view()
    assert view is not None and view.placeholder == "No rows match the search and filters."


def test_a_screenshot_of_an_unscored_project_shows_its_scores(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import linkdesk.ui.app as app
    from linkdesk.core.importers.pipeline import ImportOptions, import_file
    from linkdesk.core.scoring import scores_current

    export = tmp_path / "semrush.csv"
    write_semrush(export, make_profile(80, seed=9))
    path = tmp_path / "unscored.linkdesk"
    with Project.open(path) as project:
        import_file(project, export, ImportOptions())  # as `linkdesk import --no-score`
        assert not scores_current(project.db)
    headers: list[str] = []

    class Watched(MainWindow):
        def grab(self, *args: Any) -> Any:
            view = self.workspace.current_view()
            assert view is not None
            headers.extend(column.title for position, column in enumerate(view.table.spec.columns)
                           if not view.isColumnHidden(position))
            return super().grab(*args)

    monkeypatch.setattr(app, "MainWindow", Watched)
    assert app.screenshot(path, tmp_path / "links.png", "links") is None
    assert {"Quality", "Band", "Risk", "AS"} <= set(headers)
    with Project.open(path, create=False) as project:
        assert scores_current(project.db)


def test_the_map_spreads_domains_across_their_column(qtbot: Any) -> None:
    """Domains with 1, 2, 3 links fill their column on the log scale, not three stripes."""
    import numpy as np
    from PySide6.QtGui import QColor

    from linkdesk.core.profile import DomainPoints
    from linkdesk.ui.dashboard.map_view import DomainMap, column_positions

    n = 600
    ids = np.arange(1, 3 * n + 1, dtype=np.int64)
    links = np.repeat(np.array([1, 2, 3], dtype=np.int64), n)
    x = column_positions(links, ids)
    assert np.array_equal(x, column_positions(links, ids))  # the same on every redraw
    one, two, three = x[:n], x[n:2 * n], x[2 * n:]
    assert one.max() < two.min() and two.max() < three.min()  # columns stay apart
    assert np.ptp(one) > 0.3 and np.ptp(two) > 0.15  # ...and are filled
    assert abs(float(np.median(one))) < 0.05  # centred on 1 link
    assert np.all(np.abs(column_positions(np.array([5000]), ids[:50]) - np.log10(5000)) < 1e-4)

    chart = DomainMap()
    qtbot.addWidget(chart)
    chart.resize(600, 360)
    chart.show()
    quality = 10 + (ids * 37 % 80).astype(np.float64)
    chart.set_points(DomainPoints(ids, links, quality, np.full(3 * n, 2), np.zeros(3 * n, bool),
                                  np.full(3 * n, -1), np.full(3 * n, -1)))
    image = chart.grab().toImage()
    background = chart.backgroundBrush().color()
    columns = set()
    for px in range(image.width()):
        for py in range(0, image.height(), 2):
            colour = QColor(image.pixel(px, py))
            if colour.saturation() > 80 and colour != background:  # a band's colour
                columns.add(px)
                break
    assert len(columns) > 120  # three stripes would be about 3 × 6 pixels wide


LONG_ANCHOR = ("The complete and very long guide to choosing acme widgets for industrial "
               "kitchens and bakeries in 2025")


def long_anchor_project(tmp_path: Path) -> Path:
    """A scored project whose most used anchor is very long."""
    from test_data_columns import write_semrush_links

    from linkdesk.core.importers.pipeline import ImportOptions, import_file
    from linkdesk.core.scoring import rescore

    export = tmp_path / "semrush.csv"
    write_semrush(export, make_profile(400, site="acme-widgets.com", seed=12))
    extra = tmp_path / "semrush-guides.csv"
    write_semrush_links(extra, [(f"https://blog{i}.example.org/guide", LONG_ANCHOR,
                                 20 + i % 50, False) for i in range(1234)])
    path = tmp_path / "long.linkdesk"
    with Project.open(path) as project:
        for file in (export, extra):
            import_file(project, file, ImportOptions(site="acme-widgets.com"))
        rescore(project.db)
    return path


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768)], ids=["1280x800", "1366x768"])
def test_the_dashboard_reads_well_on_a_laptop_screen(
    qtbot: Any, prefs: Preferences, tmp_path: Path, size: tuple[int, int]
) -> None:
    from PySide6.QtGui import QColor

    path = long_anchor_project(tmp_path)
    window = MainWindow(prefs)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.open_project(path)
    window.workspace.show_tab("dashboard")
    dashboard = window.workspace.dashboard
    assert dashboard.wait_until_ready()
    window.resize(*size)
    QApplication.processEvents()  # the layout settles, the plots draw at their sizes
    window.grab().save(str(tmp_path / f"dashboard-{size[0]}.png"))  # looked at
    # Nothing is cut off: no scrolling, every card at least as tall as it needs.
    assert dashboard.verticalScrollBar().maximum() == 0
    for name, card in dashboard.cards.items():
        assert card.height() >= card.minimumSizeHint().height(), name
        assert card.geometry().bottom() < dashboard.widget().height(), name
    # The map keeps its x-axis labels: its axis lies inside the plot widget.
    chart = dashboard.map
    axis = chart.getPlotItem().getAxis("bottom")
    assert axis.isVisible() and chart.height() >= chart.minimumHeight()
    assert axis.sceneBoundingRect().bottom() <= chart.height()
    # Long anchors are elided; their counts are written whole, on the right.
    top = dashboard.anchors.top
    rows = top.visible_rows()
    assert len(rows) >= 5
    name, count = rows[0]
    assert count == "1.2k" and name.endswith("…") and name.startswith("The complete")
    image = top.grab().toImage()
    right = [QColor(image.pixel(x, y)).lightness()
             for x in range(image.width() - 20, image.width())
             for y in range(top.line_height(), 2 * top.line_height())]
    assert min(right) < 100  # the count's digits are drawn at the right edge
    # Every bar of the anchor classes, attributes and TLDs keeps its label.
    for chart in (dashboard.anchors, dashboard.rel, dashboard.tlds):
        assert drawn_labels(chart.plot) == tick_labels(chart.plot)


def tick_labels(plot: Any) -> set[str]:
    axis = plot.getPlotItem().getAxis("left")
    return {label for level in axis._tickLevels for _, label in level}


def drawn_labels(plot: Any) -> set[str]:
    """The left axis's labels pyqtgraph draws at the plot's size (it leaves out any that
    would not fit)."""
    from PySide6.QtGui import QImage, QPainter

    axis = plot.getPlotItem().getAxis("left")
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return {text for _, _, text in texts}


def test_the_window_counts_in_words(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    """One row is "1 row", one file "1 file", in the progress and the summary."""
    from linkdesk.ui.dialogs.import_progress import ImportProgressDialog
    from linkdesk.ui.workers.importer import JobProgress

    dialog = ImportProgressDialog(1)
    qtbot.addWidget(dialog)
    dialog.update_progress(JobProgress("a.csv", 1, 1, 1, 0.5, 1.0))
    assert dialog.rows_label.text() == "1 row · 50%"
    export = tmp_path / "one.csv"
    write_semrush(export, make_profile(1, seed=7))
    window.open_project(new_project(tmp_path))
    import_and_wait(qtbot, window, [export])
    (summary,) = shown(window, TextReport)
    assert summary.headline.text().startswith("Imported 1 file: 1 new link, 0 merged")
    assert "one.csv (Semrush backlinks): 1 row read, 1 imported" in summary.report.toPlainText()


def test_the_import_summary_of_five_files_fits_its_text(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    """It was 640 x 320 whatever it said: five files' long lines wrapped and scrolled."""
    from exportgen import write_ahrefs, write_majestic, write_moz

    from linkdesk.ui.dialogs.messages import REPORT_MAX, SCREEN_SHARE

    profile = list(make_profile(150, site="acme-widgets.com", seed=3))
    files = [tmp_path / "ahrefs-backlinks-acme-widgets-2026-12-01.csv",
             tmp_path / "semrush-backlinks-acme-widgets-2026-12-01.csv",
             tmp_path / "majestic-fresh-index-acme-widgets-2026-12-01.csv",
             tmp_path / "moz-link-explorer-acme-widgets-2026-12-01.csv",
             tmp_path / "ahrefs-backlinks-acme-widgets-2026-11-01.csv"]
    for path, write in zip(files, (write_ahrefs, write_semrush, write_majestic, write_moz,
                                   write_ahrefs), strict=True):
        write(path, profile[: 100 + 10 * files.index(path)])
    window.open_project(new_project(tmp_path))
    import_and_wait(qtbot, window, files)
    (summary,) = shown(window, TextReport)
    assert isinstance(summary, TextReport)
    qtbot.waitExposed(summary)
    text = summary.report
    lines = text.toPlainText().splitlines()
    assert len(lines) >= 5
    summary.grab().save(str(tmp_path / "summary.png"))  # to look at
    assert text.verticalScrollBar().maximum() == 0  # every line shows, nothing scrolls ...
    widest = max(text.fontMetrics().horizontalAdvance(line) for line in lines)
    room = summary.screen().availableGeometry().size() * SCREEN_SHARE
    assert summary.width() >= min(widest, REPORT_MAX.width(), room.width())  # ... across too
    screen = summary.screen().availableGeometry()
    assert summary.width() <= screen.width() and summary.height() <= screen.height()


def test_a_long_report_scrolls_within_a_bounded_dialog(qtbot: Any) -> None:
    from linkdesk.ui.dialogs.messages import REPORT_MAX

    report = "\n".join(f"export-{n}.csv, line {n}: skipped, " + "no source URL " * 20
                       for n in range(400))
    dialog = TextReport("Import finished", "Imported 400 files.", report)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.width() <= REPORT_MAX.width() and dialog.height() <= REPORT_MAX.height()
    assert dialog.report.verticalScrollBar().maximum() > 0
