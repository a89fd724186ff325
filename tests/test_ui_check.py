"""Tools ▸ Check Links in the window, against a real HTTP server on loopback.

The window checks links in the background, shows progress and Cancel in the status bar, then
the Check column, the check filter and the details panel show what the pages said.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import LinkRecord, write_ahrefs
from test_checker_server import TARGET, PageServer, make_project, page, page_server, send
from test_ui_window import WAIT_MS, shown_dialog

from linkdesk.core.checker import CheckOptions, check_stats
from linkdesk.core.store import Project
from linkdesk.core.tables import UNCHECKED
from linkdesk.ui.dialogs.messages import TextReport
from linkdesk.ui.format import display_text
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.preferences import Preferences
from linkdesk.ui.workers.checker import CheckResult

FAST = CheckOptions(connect_timeout=2.0, read_timeout=2.0, page_timeout=3.0, backoff=0.05)
LINK = f'<p>Read <a href="{TARGET}">Acme widgets</a> today.</p>'
PAGES = ("/live", "/review", "/gone", "/deleted", "/later")  # /deleted is not served: 404


@pytest.fixture
def server() -> Iterator[PageServer]:
    with page_server() as serving:
        serving.routes["/live"] = page(LINK)
        serving.routes["/review"] = page(LINK)
        serving.routes["/gone"] = page("<p>This post no longer links anywhere.</p>")
        serving.routes["/later"] = page(LINK)
        yield serving


@pytest.fixture
def project_path(tmp_path: Path, server: PageServer) -> Path:
    return make_project(tmp_path / "client.linkdesk",
                        [(server.url(path), TARGET) for path in PAGES], anchor="Acme widgets")


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, project_path: Path) -> Iterator[MainWindow]:
    prefs = Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    main = MainWindow(prefs)
    qtbot.addWidget(main)
    main.resize(1400, 900)
    main.show()
    main.checking.options = FAST
    assert main.open_project(project_path)
    yield main
    main.close()


def _rows(window: MainWindow) -> dict[str, int]:
    """Path of the source page → row in the Links table."""
    model = window.workspace.models["links"]
    source = model.spec.column_index("source_url")
    return {model.values(row)[source].split(":", 2)[2].split("/", 1)[1]: row
            for row in range(model.rowCount())}


def _check_column(window: MainWindow) -> dict[str, str]:
    """Path → the Check column as shown."""
    model = window.workspace.models["links"]
    column = model.spec.column("check")
    position = model.spec.column_index("check")
    return {f"/{path}": display_text(column, model.values(row)[position])
            for path, row in _rows(window).items()}


def _select(window: MainWindow, *paths: str) -> None:
    view = window.workspace.views["links"]
    view.clearSelection()
    rows = _rows(window)
    for path in paths:
        view.selectionModel().select(
            view.table.index(rows[path.lstrip("/")], 0),
            view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows)


def _check(qtbot: Any, window: MainWindow, start: Any) -> CheckResult:
    with qtbot.waitSignal(window.jobs.check_finished, timeout=WAIT_MS) as finished:
        assert start()
    outcome = finished.args[0]
    assert not outcome.error, outcome.error
    return outcome.result


def _show_details(window: MainWindow, path: str) -> str:
    view = window.workspace.views["links"]
    view.selectRow(_rows(window)[path.lstrip("/")])
    return window.workspace.details.check.text()


def test_checking_selected_links_fills_the_check_column_and_filter(
    qtbot: Any, window: MainWindow, server: PageServer, project_path: Path
) -> None:
    # Right after opening, the window scores the project: the check waits for it to stop.
    _select(window, "/live", "/review", "/gone", "/deleted")
    result = _check(qtbot, window, window.checking.check_selected)
    assert result.summary.links == 4 and not result.summary.cancelled
    assert set(server.stats.hits) == {"/live", "/review", "/gone", "/deleted"}
    assert _check_column(window) == {"/live": "Live", "/review": "Live", "/gone": "Missing",
                                     "/deleted": "Page error 404", "/later": ""}
    dialog = shown_dialog(window, TextReport)
    assert dialog.objectName() == "checkSummary"
    assert dialog.headline.text() == ("Checked 4 links on 4 pages: 2 live, 1 missing, "
                                      "1 with errors. No changes since the last check.")
    assert "Page error: 1" in dialog.report.toPlainText()
    dialog.accept()

    menu = window.workspace.filter_bar.menus["check"]
    assert menu.isEnabled()
    expected = {"missing": ["gone"], "live": ["live", "review"], "page_error": ["deleted"],
                UNCHECKED: ["later"]}
    for value, paths in expected.items():
        menu.setCurrentIndex(menu.findData(value))
        count = len(paths)
        qtbot.waitUntil(lambda n=count: window.workspace.shown_count() == n, timeout=WAIT_MS)
        assert sorted(_rows(window)) == paths, value
    menu.setCurrentIndex(0)
    window.workspace.show_tab("domains")
    assert not menu.isEnabled()  # domains have no check status
    window.workspace.show_tab("links")

    text = _show_details(window, "/live")
    assert text.startswith("Live check: Live · checked 20")
    assert "On the page: follow link, anchor “Acme widgets”\n" in text
    assert f"final URL {server.url('/live')}" in text and "indexable" in text
    assert _show_details(window, "/later") == "Live check: never checked (Tools ▸ Check Links)"
    assert _show_details(window, "/deleted").startswith("Live check: Page error 404 · ")


def test_a_second_check_shows_the_changes(
    qtbot: Any, window: MainWindow, server: PageServer, tmp_path: Path
) -> None:
    _check(qtbot, window, window.checking.check_all)
    server.routes["/live"] = page("<p>Removed the link, sorry.</p>")
    server.routes["/review"] = page(f'<a href="{TARGET}" rel="nofollow">Acme widgets</a>')
    result = _check(qtbot, window, window.checking.check_all)
    assert result.change_count == 2
    assert {change.what for change in result.changes} == {
        ("live → missing",), ("follow → nofollow",)}
    summary = shown_dialog(window, TextReport)
    assert summary.headline.text().endswith("2 links changed since their last check.")
    assert "live → missing" in summary.report.toPlainText()
    summary.accept()
    assert _check_column(window)["/live"] == "Missing"

    gone = _show_details(window, "/live")
    assert gone.startswith("Live check: Missing")
    history = gone.split("History:\n", 1)[1].splitlines()
    assert "Missing  (live → missing)" in history[0]
    assert history[1].endswith("Live  (first check)")
    assert "Live  (follow → nofollow)" in _show_details(window, "/review")
    window.grab().save(str(tmp_path / "check.png"))
    window.grab().save("/tmp/check.png")  # for a look by eye after a run


def test_checking_the_links_shown_follows_the_filter(
    qtbot: Any, window: MainWindow, server: PageServer
) -> None:
    window.workspace.views["links"].clearSelection()
    assert not window.checking.check_selected()  # nothing selected: said, nothing fetched
    assert window.statusBar().currentMessage() == (
        "Select links, or referring domains, to check their links.")
    search = window.workspace.filter_bar.search
    search.setText("/gone")
    search.returnPressed.emit()
    qtbot.waitUntil(lambda: window.workspace.shown_count() == 1, timeout=WAIT_MS)
    result = _check(qtbot, window, window.checking.check_shown)
    assert result.summary.links == 1 and set(server.stats.hits) == {"/gone"}


def test_cancel_keeps_the_project_consistent_and_blocks_no_one_after(
    qtbot: Any, tmp_path: Path, server: PageServer
) -> None:
    def slow(handler: BaseHTTPRequestHandler, hit: int) -> None:
        time.sleep(0.15)
        send(handler, 200, LINK.encode())

    paths = [f"/slow{n}" for n in range(60)]
    for path in paths:
        server.routes[path] = slow
    project = make_project(tmp_path / "slow.linkdesk", [(server.url(p), TARGET) for p in paths])
    prefs = Preferences(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(prefs)
    qtbot.addWidget(window)
    window.checking.options = CheckOptions(concurrency=2, connect_timeout=2.0)
    assert window.open_project(project)
    qtbot.waitUntil(lambda: window.jobs.score_job is None, timeout=WAIT_MS)
    reports: list[Any] = []
    with qtbot.waitSignal(window.jobs.check_finished, timeout=WAIT_MS) as finished:
        assert window.checking.check_all()
        assert window.jobs.check_job is not None and window.checking.status.isVisibleTo(window)
        window.jobs.check_job.progressed.connect(reports.append)
        qtbot.waitUntil(lambda: any(r.pages_done >= 2 for r in reports), timeout=WAIT_MS)
        assert "pages" in window.checking.status.label.text()
        # One writer at a time: no import while the check runs.
        assert not window.import_files([tmp_path / "slow.csv"])
        refused = shown_dialog(window, QMessageBox)
        assert refused.windowTitle() == "A link check is running"
        refused.accept()
        window.checking.status.cancel.click()
    result: CheckResult = finished.args[0].result
    assert result.summary.cancelled and 0 < result.summary.links < len(paths)
    assert not window.checking.status.isVisibleTo(window)
    summary = shown_dialog(window, TextReport)
    assert summary.headline.text().startswith(f"Checked {result.summary.links} links")
    assert "left unchecked" in summary.headline.text()
    column = [value for value in _check_column(window).values() if value]
    assert len(column) == result.summary.links and set(column) == {"Live"}
    with Project.open(project) as opened:
        run = opened.db.execute(
            "SELECT cancelled, links_checked, finished_at IS NOT NULL FROM check_runs"
        ).fetchone()
        assert run == (1, result.summary.links, 1)
        assert check_stats(opened.db)["checked_links"] == result.summary.links
    assert window.menu_actions.check_all.isEnabled()
    summary.accept()

    # ...and no check while an import runs.
    qtbot.waitUntil(lambda: window.jobs.score_job is None, timeout=WAIT_MS)
    export = tmp_path / "more.csv"
    write_ahrefs(export, [LinkRecord(source_url=server.url("/new"), target_url=TARGET)])
    with qtbot.waitSignal(window.jobs.import_finished, timeout=WAIT_MS):
        assert window.import_files([export])
        assert not window.checking.check_all()
        refused = shown_dialog(window, QMessageBox)
        assert refused.windowTitle() == "An import is running"
        refused.accept()
    assert "/new" not in server.stats.hits
    window.close()


def test_checking_selected_domains_checks_their_links(
    qtbot: Any, window: MainWindow, server: PageServer
) -> None:
    window.workspace.show_tab("domains")
    view = window.workspace.current_view()
    assert view is not None and view.table.rowCount() == 1  # every page is on one host
    view.selectRow(0)
    result = _check(qtbot, window, window.checking.check_selected)
    assert result.summary.links == len(PAGES)
    assert set(server.stats.hits) == set(PAGES)  # /deleted too: a 404 is an answer
