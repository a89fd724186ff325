"""What each tab shows around its table: only the filter menus that filter it, a status bar
that counts what the tab lists, the Judged before column sized to what it holds, and an
opening summary that reads right whenever the review was."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).parent))

from test_timeline import SITE, _check, exports
from test_ui_placements import build_ledger
from test_ui_verdict_library import DISAVOW, _settle, built, clients, make_window, mark, shared
from test_ui_window import shown_dialog

from linkdesk.core.checker.model import LIVE, LinkCheck
from linkdesk.core.checker.store import save_checks, start_run
from linkdesk.core.demo import demo_project
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.marks import MarkKind
from linkdesk.core.scoring import rescore
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters
from linkdesk.core.timeline import finish_review, opening_summary
from linkdesk.ui.dialogs.disavow_export import DisavowExportDialog
from linkdesk.ui.dialogs.mark_dialog import MarkDialog

__all__ = ["built", "clients", "exports", "make_window"]  # fixtures

LINKS_MENUS = ["follow", "vendor", "google_seen", "lost", "band", "risk", "marked", "check",
               "since_review"]


def _shown(bar: Any) -> list[str]:
    """The filter menus the tab shows (hidden ones do nothing there)."""
    return [name for name, menu in bar.menus.items() if not menu.isHidden()]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scored project of 300 links with three placements."""
    return build_ledger(tmp_path_factory.mktemp("polish") / "ledger.linkdesk")


def test_the_placements_tab_shows_its_own_filters_and_counts_placements(
        open_window: Any, ledger: Path) -> None:
    window = open_window(ledger, (1366, 768))
    workspace, bar = window.workspace, window.workspace.filter_bar
    links, domains = window.totals()
    assert window.totals_label.text() == f"{links} links · {domains:,} referring domains"
    assert _shown(bar) == LINKS_MENUS  # Judged or not filters referring domains only

    workspace.show_tab("placements")
    QApplication.processEvents()
    # Search and band filter placements (the tab's own menu picks the status); nothing
    # greyed out that would do nothing here, and the band menu sits beside the search box.
    assert _shown(bar) == ["band"]
    hidden = [menu for name, menu in bar.menus.items() if name != "band"]
    assert all(not menu.isVisible() for menu in hidden)
    assert bar.menus["band"].isVisible() and bar.menus["band"].isEnabled()
    assert abs(bar.menus["band"].geometry().center().y()
               - bar.search.geometry().center().y()) < bar.search.height()
    assert "anchor" in bar.search.placeholderText()
    # The status bar speaks of placements, not of the links the tab does not list.
    assert window.totals_label.text() == "3 placements"
    assert window.shown_label.text() == "Shown: 3 · Selected: 0"

    workspace.show_tab("domains")
    assert "check" not in _shown(bar) and "judged" in _shown(bar)
    workspace.show_tab("anchors")
    assert _shown(bar) == ["follow", "vendor", "google_seen", "lost"]
    workspace.show_tab("links")
    QApplication.processEvents()
    assert _shown(bar) == LINKS_MENUS
    assert bar.menus["band"].geometry().top() > bar.search.geometry().bottom()  # second row
    assert window.totals_label.text().endswith(f"{domains:,} referring domains")


def test_judged_before_shows_once_the_library_knows_a_domain_and_fits_its_text(
        qtbot: Any, make_window: Any, clients: dict[str, Path]) -> None:
    # A first project and an empty verdict library: no wide, empty column.
    window = make_window(clients["bolt"])
    view = window.workspace.views["domains"]
    column = view.table.spec.column_index("judged")
    assert view.table.rowCount() > 0
    assert view.isColumnHidden(column)

    # Decided in another client's project: the column shows what, no wider than that.
    domains = shared(clients, 3)
    mark(clients["acme"], domains, DISAVOW, "PBN footer links")
    window.workspace.reload()
    _settle(qtbot, window)
    assert not view.isColumnHidden(column)
    text = "disavowed in 1 project"
    char = view.fontMetrics().averageCharWidth()
    # As wide as the text (in average characters, with the cell's margins), not more.
    assert len(text) * char <= view.columnWidth(column) <= (len(text) + 3) * char + 12

    # Hidden by the user with the column chooser: it stays hidden.
    view._choose_column(column, False)
    window.workspace.reload()
    _settle(qtbot, window)
    assert view.isColumnHidden(column)


# -- the opening summary ---------------------------------------------------------------------


def _reviewed_at(folder: Path, files: dict[str, Path], when: dt.datetime) -> Path:
    """September and October imported and reviewed `when`, then November's exports."""
    path = folder / f"reviewed-{when:%Y%m%d}.linkdesk"
    with Project.open(path, create=True) as project:
        for name in ("a0", "s0", "a1", "s1"):
            import_file(project, files[name], ImportOptions(site=SITE))
        mark(path, ["disavowedgone.org"], DISAVOW, "spam")
        rescore(project.db)
        finish_review(project.db, "October", at=when)
        for name in ("a2", "s2"):
            import_file(project, files[name], ImportOptions(site=SITE))
        rescore(project.db)
    return path


@pytest.mark.parametrize("days_ago, words", [
    (0, "Since your review today: "),
    (1, "Since your review yesterday: "),
    (40, "Since your review of {day.day} {day:%b}"),
    (800, "Since your review of {day.day} {day:%b %Y}: "),
], ids=["today", "yesterday", "weeks", "years"])
def test_the_summary_says_when_the_review_was_in_a_line_that_fits(
        open_window: Any, tmp_path: Path, exports: dict[str, Path], days_ago: int,
        words: str) -> None:
    now = dt.datetime.now(dt.UTC)
    when = now - dt.timedelta(days=days_ago)
    if days_ago == 40 and when.year != now.year:
        when = now.replace(month=1, day=1)  # in early January: the same year still
    window = open_window(_reviewed_at(tmp_path, exports, when), (1366, 768))
    assert window.reviewing.wait_until_ready()
    bar = window.reviewing.bar
    text = bar.text()
    day = when.date()
    assert text.startswith(words.format(day=day))
    assert "1 new link from 1 new domain" in text and "1 disavowed domain gone" in text
    assert " 0 " not in text
    # One line at 1366 pixels: nothing cut off, the tables keep their height.
    label = bar.label
    assert label.fontMetrics().horizontalAdvance(text) <= label.contentsRect().width()
    assert label.height() < 2 * label.fontMetrics().lineSpacing()


def test_the_summary_leaves_out_what_did_not_happen(
        tmp_path: Path, exports: dict[str, Path]) -> None:
    # Reviewed after every import: a re-import of November brings nothing new, and a live
    # check afterwards loses links: no "0 new links from 0 new domains".
    path = _reviewed_at(tmp_path, exports, dt.datetime(2026, 11, 25, tzinfo=dt.UTC))
    with Project.open(path) as project:
        finish_review(project.db, "November", at=dt.datetime(2026, 11, 26, tzinfo=dt.UTC))
        _check(project.db)
        summary = opening_summary(project.db, today=dt.datetime(2027, 2, 1, tzinfo=dt.UTC))
    assert summary.part["new_links"].count == 0 and summary.part["lost_links"].count > 0
    assert summary.text.startswith("Since your review of 26 Nov 2026: ")
    assert "new" not in summary.text and " 0 " not in summary.text


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample project (seven hints on its dashboard)."""
    return demo_project(tmp_path_factory.mktemp("sample"))


def test_a_short_window_scrolls_the_dashboard_rather_than_squeezing_its_cards(
        open_window: Any, sample: Path) -> None:
    window = open_window(sample, (1366, 768))
    window.workspace.show_tab("dashboard")
    dashboard = window.workspace.dashboard
    assert dashboard.wait_until_ready()
    QApplication.processEvents()
    hints = dashboard.balance.hints
    assert hints.text().count("<li>") >= 3
    for name, card in dashboard.cards.items():
        assert card.height() >= card.minimumSizeHint().height(), name
    assert hints.height() >= hints.heightForWidth(hints.width())  # every hint's line shows


def test_the_disavow_dialog_counts_as_the_file_does_and_says_when_it_is_empty(
        open_window: Any, sample: Path, tmp_path: Path) -> None:
    window = open_window(sample, (1366, 768))
    empty = window.marking.export_disavow_file(tmp_path / "none.txt")
    assert isinstance(empty, DisavowExportDialog) and empty.plan.lines and not empty.plan.domains
    assert empty.summary.text().startswith("Nothing is marked for disavow: uploading this file "
                                           "(a header only) to Google would withdraw")
    empty.reject()
    window.workspace.show_tab("domains")
    view = window.workspace.views["domains"]
    view.selectRow(0)
    window.marking.mark_selected(MarkKind.DISAVOW)
    mark_dialog = shown_dialog(window, MarkDialog)
    mark_dialog.accept()
    dialog = window.marking.export_disavow_file(tmp_path / "one.txt")
    assert isinstance(dialog, DisavowExportDialog)
    assert dialog.summary.text().startswith(
        f"The file holds 1 domain and 0 URLs ({dialog.plan.lines} lines).")
    dialog.reject()


def test_check_columns_show_once_a_link_was_checked(
        qtbot: Any, open_window: Any, sample: Path) -> None:
    window = open_window(sample, (1366, 768))
    view = window.workspace.views["links"]
    spec = view.table.spec
    columns = [spec.column_index(name) for name in ("check", "checked")]
    assert view.table.rowCount() > 0
    assert all(view.isColumnHidden(column) for column in columns)  # never checked

    link_id = view.table.row_id(0)
    with Project.open(window.project.path) as project:  # as a check's worker saves it
        save_checks(project.db, start_run(project.db, 1, {}), [LinkCheck(link_id, LIVE, found=1)])
    window.workspace.reload()
    qtbot.waitUntil(lambda: not window.workspace.loading(), timeout=30_000)
    assert not any(view.isColumnHidden(column) for column in columns)


def test_an_empty_dashboard_says_how_to_fill_it(
        qtbot: Any, open_window: Any, tmp_path: Path, sample: Path) -> None:
    first = tmp_path / "first.linkdesk"
    with Project.open(first, create=True):
        pass
    window = open_window(first, (1366, 768))
    window.workspace.show_tab("dashboard")
    dashboard = window.workspace.dashboard
    assert dashboard.wait_until_ready()
    hints = dashboard.balance.hints.text()
    assert "No links yet: import the client&#x27;s exports" in hints
    assert "clear the filters" not in hints.lower()  # there are none to clear
    figures = dashboard.balance.figures
    assert [figures[name].text() for name in ("dofollow", "risky", "median", "marked")] == [
        "–", "–", "–", "0 domains"]  # no "0%" share of nothing

    window.open_project(sample)
    window.workspace.show_tab("dashboard")
    window.workspace.filter_bar.show_filters(Filters(search="no-such-page-anywhere"))
    qtbot.waitUntil(lambda: "No links match the filters" in dashboard.balance.hints.text(),
                    timeout=30_000)


def test_the_placement_dialog_hints_fit_their_fields(open_window: Any, ledger: Path) -> None:
    window = open_window(ledger, (1366, 768))
    window.workspace.show_tab("placements")
    dialog = window.placements.add()
    assert dialog is not None and dialog.isVisible()
    QApplication.processEvents()
    for name, edit in dialog.fields.items():
        hint = edit.placeholderText()
        room = edit.contentsRect().width() - 8  # the line edit's own text margins
        assert edit.fontMetrics().horizontalAdvance(hint) <= room, name
    dialog.reject()
