"""The Placements tab: the table with status, quality and band, totals, the dialog with
undo, CSV import and export, pasted rows, and statuses refreshed when the tab is shown."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEventLoop, QItemSelectionModel, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

sys.path.insert(0, str(Path(__file__).parent))

from test_checker_server import PageServer, page, page_server
from test_placements import FAST, _a, _add, _project
from test_tables_scores import build_scored_project
from test_ui_window import shown_dialog

from linkdesk.core.placements import (
    PlacementInput,
    apply_change,
    check_placements,
    load_placements,
    parse_placement,
    plan_add,
)
from linkdesk.core.store import Project
from linkdesk.ui.dialogs.messages import TextReport
from linkdesk.ui.dialogs.placement_dialog import PlacementDialog
from linkdesk.ui.main_window import MainWindow

TARGET = "https://acme-widgets.com/widgets"
IMPORT_WAIT_MS = 30_000  # an import of a few rows takes a moment


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_ledger(tmp_path_factory.mktemp("placements") / "ledger.linkdesk")


def build_ledger(path: Path) -> Path:
    """A scored project with three placements (also the screenshots' project)."""
    build_scored_project(path, links=300)
    project = Project.open(path)
    try:
        # Two placements on scored referring domains (one strong, if any), one on a domain
        # no vendor reported.
        rows = project.db.execute(
            "SELECT domain, band FROM domain_scores ORDER BY band DESC, quality DESC LIMIT 2"
        ).fetchall()
        placements = [
            parse_placement(PlacementInput(source_url=f"https://{rows[0][0]}/guest-post",
                                           target_url=TARGET, anchor="Acme widgets",
                                           price="120", currency="EUR", type="guest post",
                                           placed_on="2026-03-02")),
            parse_placement(PlacementInput(source_url=f"https://{rows[1][0]}/resources",
                                           target_url=TARGET, price="80", currency="USD",
                                           type="niche edit", expires_on="2020-01-01")),
            parse_placement(PlacementInput(source_url="new-blog.example", target_url=TARGET,
                                           type="outreach")),
        ]
        apply_change(project.db, plan_add(project.db, placements))
    finally:
        project.close()
    return path


@pytest.fixture
def window(open_window: Any, scored: Path) -> MainWindow:
    window = open_window(scored, (1366, 768))
    window.workspace.show_tab("placements")
    return window


def _wait_for_import(window: MainWindow, start: Any) -> Any:
    """Call `start()`, which starts an import, and wait for its end: its ImportResult or
    None (nothing added)."""
    ended: list[Any] = []
    loop = QEventLoop()
    window.placements.import_finished.connect(ended.append)
    window.placements.import_finished.connect(loop.quit)
    try:
        start()
        if not ended:
            QTimer.singleShot(IMPORT_WAIT_MS, loop.quit)
            loop.exec()
    finally:
        window.placements.import_finished.disconnect(ended.append)
        window.placements.import_finished.disconnect(loop.quit)
    assert ended, "the import did not end"
    return ended[0]


def _import(window: MainWindow, path: Path) -> Any:
    """File ▸ Import Placements… of `path`, waited for: the result, or None."""
    started: list[bool] = []
    result = _wait_for_import(window, lambda: started.append(
        window.placements.import_csv(path)))
    assert started == [True]
    return result


def _column(window: MainWindow, name: str) -> list[str]:
    model = window.workspace.models["placements"]
    index = next(i for i, c in enumerate(model.spec.columns) if c.name == name)
    return [model.data(model.index(row, index)) for row in range(model.rowCount())]


def _select(window: MainWindow, rows: list[int]) -> None:
    view = window.workspace.views["placements"]
    view.clearSelection()
    for row in rows:
        view.selectionModel().select(view.table.index(row, 0),
                                     QItemSelectionModel.SelectionFlag.Select
                                     | QItemSelectionModel.SelectionFlag.Rows)


def test_the_tab_shows_status_band_and_totals(qtbot: Any, window: MainWindow) -> None:
    assert window.workspace.current_name() == "placements"
    qtbot.waitUntil(lambda: window.workspace.placements.totals.text().startswith("3 "))
    # Shown after opening: statuses were refreshed (the second one is past its expiry).
    assert _column(window, "status") == ["unchecked", "expired", "unchecked"]
    bands = _column(window, "band")
    assert bands[0] in ("Strong", "Fair", "Weak", "Risky") and bands[2] == "Unscored"
    assert _column(window, "type") == ["Guest post", "Niche edit", "Outreach"]
    totals = window.workspace.placements.totals.text()
    assert totals.startswith("3 placements")
    assert "Guest post 1" in totals and "Outreach 1" in totals
    if bands[0] == "Strong":  # spend per strong domain, never across currencies
        assert "spend per strong domain" in totals and "120.00 EUR" in totals


def test_details_show_the_placement_and_its_statuses(window: MainWindow) -> None:
    window.workspace.views["placements"].selectRow(1)
    details = window.workspace.details
    assert details.title.text().endswith("/resources")
    grid = details.grid
    shown = {grid.verticalHeaderItem(r).text(): grid.item(r, 0).text()
             for r in range(grid.rowCount())}
    assert shown["Type"] == "Niche edit" and shown["Status"] == "expired"  # titles, not names
    assert shown["Band"] in ("Strong", "Fair", "Weak", "Risky")
    # Its statuses with their dates: added past its expiry date, so expired from the start.
    assert any(label[:4].isdigit() and text.startswith("expired")
               for label, text in shown.items())


def test_status_menu_filters_the_tab(window: MainWindow, qtbot: Any) -> None:
    menu = window.workspace.placements.status_menu
    menu.setCurrentIndex(menu.findData("expired"))
    assert _column(window, "status") == ["expired"]
    # The shared filter bar's search works here too.
    window.workspace.filter_bar.search.setText("new-blog")
    window.workspace.filter_bar.search.returnPressed.emit()
    assert _column(window, "status") == []
    menu.setCurrentIndex(0)
    assert _column(window, "source_url") == ["new-blog.example"]


def test_add_with_errors_then_undo_and_redo(window: MainWindow) -> None:
    dialog = window.placements.add()
    assert isinstance(dialog, PlacementDialog) and dialog.isVisible()
    dialog.fields["source_url"].setText("https://guest.example.org/post")
    dialog.fields["target_url"].setText("not a url")
    dialog.fields["price"].setText("twelve")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible()  # still open, saying what is wrong
    assert "Target URL 'not a url'" in dialog.error.text()
    dialog.fields["target_url"].setText(TARGET)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert "Price 'twelve' is not a number" in dialog.error.text()
    dialog.fields["price"].setText("€95,50")
    dialog.fields["placed_on"].setText("31.02.2026")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert "Placed date '31.02.2026' is not a date" in dialog.error.text()
    dialog.fields["placed_on"].setText("02.03.2026")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not dialog.isVisible()
    assert "https://guest.example.org/post" in _column(window, "source_url")
    project = window.project
    assert project is not None
    added = load_placements(project.db)[-1].placement
    assert (added.price, added.placed_on) == (95.5, "2026-03-02")
    window.marking.undo()
    assert "https://guest.example.org/post" not in _column(window, "source_url")
    window.marking.redo()
    assert "https://guest.example.org/post" in _column(window, "source_url")


def test_edit_then_delete_each_one_undo_step(window: MainWindow) -> None:
    _select(window, [2])
    dialog = window.placements.edit()
    assert dialog is not None
    assert dialog.fields["source_url"].text() == "new-blog.example"
    dialog.fields["source_url"].setText("https://new-blog.example/review")
    dialog.fields["anchor"].setText("widgets")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert _column(window, "source_url")[2] == "https://new-blog.example/review"
    _select(window, [0, 2])
    assert window.placements.delete()
    assert len(_column(window, "source_url")) == 1
    window.marking.undo()  # the delete
    assert _column(window, "source_url")[2] == "https://new-blog.example/review"
    window.marking.undo()  # the edit
    assert _column(window, "source_url")[2] == "new-blog.example"
    assert _column(window, "anchor")[2] == "(any anchor)"


def test_editing_a_domain_only_placement_offers_the_page_the_exports_found(
        window: MainWindow) -> None:
    project = window.project
    assert project is not None
    domain, target, page_url = project.db.execute(
        "SELECT domain, target_url, min(source_url) FROM links GROUP BY domain, target_url "
        "HAVING count(*) = 1 ORDER BY domain LIMIT 1").fetchone()
    placement = parse_placement(PlacementInput(source_url=domain, target_url=target))
    assert window.placements.push(plan_add(project.db, [placement]))
    assert _column(window, "found_page")[-1] == page_url
    _select(window, [3])
    dialog = window.placements.edit()
    assert dialog is not None and dialog.use_found is not None
    assert dialog.fields["source_url"].text() == domain  # what the user typed stays
    found = dialog.findChild(QLabel, "placementFoundPage")
    assert found.toolTip() == page_url
    assert found.full_text == f"The exports found it on {page_url.split('://', 1)[1]}"
    dialog.use_found.click()
    assert dialog.fields["source_url"].text() == page_url
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert load_placements(project.db)[-1].placement.source_url == page_url
    _select(window, [0])  # a placement with its page: nothing to offer
    other = window.placements.edit()
    assert other is not None and other.use_found is None
    other.reject()


def test_a_blog_on_a_platform_added_in_the_dialog_keeps_its_host(window: MainWindow) -> None:
    """Issue 19: the dialog keeps the host typed, not only its registered domain."""
    dialog = window.placements.add()
    assert isinstance(dialog, PlacementDialog)
    dialog.fields["source_url"].setText("TravelTalk.WordPress.com")
    dialog.fields["target_url"].setText(TARGET)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not dialog.isVisible()
    assert _column(window, "source_url")[-1] == "traveltalk.wordpress.com"
    project = window.project
    assert project is not None
    added = load_placements(project.db)[-1].placement
    assert (added.host, added.domain) == ("traveltalk.wordpress.com", "wordpress.com")
    _select(window, [3])
    again = window.placements.edit()
    assert again is not None
    assert again.fields["source_url"].text() == "traveltalk.wordpress.com"
    again.reject()


def test_import_csv_all_or_nothing_naming_the_lines(window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "bought.csv"
    bad.write_text("source_url,target_url,price,currency\n"
                   "https://a.example/1,https://acme-widgets.com/,100,EUR\n"
                   "https://b.example/2,not a url,50,EUR\n"
                   "https://c.example/3,https://acme-widgets.com/,12x,EUR\n", encoding="utf-8")
    assert not _import(window, bad)
    box = shown_dialog(window, QMessageBox)
    assert "2 bad rows; nothing imported" in box.text()
    assert "line 3: target URL 'not a url'" in box.text()
    assert "line 4: price '12x'" in box.text()
    box.close()
    assert len(_column(window, "source_url")) == 3
    good = tmp_path / "good.csv"
    good.write_text(bad.read_text(encoding="utf-8").replace("not a url", TARGET)
                    .replace("12x", "12"), encoding="utf-8")
    assert _import(window, good)
    assert len(_column(window, "source_url")) == 6
    window.marking.undo()  # the whole import is one step
    assert len(_column(window, "source_url")) == 3


def _unknown_header_file(path: Path, rows: int = 2) -> Path:
    lines = ["Seite;Ziel;Kosten;Währung;Veröffentlicht am;Notiz"]
    lines += [f"https://blog{n}.example/post;https://acme-widgets.com/;{100 + n};EUR;"
              f"0{n + 1}.03.2026;row {n}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_unknown_header_asks_which_column_is_which_and_cancel_changes_nothing(
        window: MainWindow, tmp_path: Path) -> None:
    from linkdesk.core.store.settings import Key
    from linkdesk.ui.dialogs.placement_mapping import PlacementMappingDialog

    project = window.project
    assert project is not None
    before = project.setting(Key.PLACEMENT_MAPPINGS, {})
    steps = window.marking.undo_stack.count()
    odd = _unknown_header_file(tmp_path / "seiten.csv")
    assert not _import(window, odd)
    dialog = shown_dialog(window, PlacementMappingDialog)
    # Prefilled with guesses, each column shown with an example value.
    assert dialog.mapping() == {"source_url": "Seite", "target_url": "Ziel", "placed_on":
                                "Veröffentlicht am", "price": "Kosten", "currency": "Währung",
                                "notes": "Notiz"}
    assert dialog.menus["source_url"].currentText() == "Seite — https://blog0.example/post"
    assert dialog.menus["anchor"].currentText() == "(not in this file)"
    dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()
    assert not dialog.isVisible()
    assert len(_column(window, "source_url")) == 3
    assert project.setting(Key.PLACEMENT_MAPPINGS, {}) == before
    assert window.marking.undo_stack.count() == steps


def test_the_mapping_imports_and_is_remembered_for_the_same_header(
        window: MainWindow, tmp_path: Path) -> None:
    from linkdesk.ui.dialogs.placement_mapping import PlacementMappingDialog

    odd = _unknown_header_file(tmp_path / "seiten.csv")
    assert not _import(window, odd)
    dialog = shown_dialog(window, PlacementMappingDialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    target = dialog.menus["target_url"]
    target.setCurrentIndex(0)  # no column for the target: Import is off, and says why
    assert not ok.isEnabled() and "links to" in dialog.problem.text()
    target.setCurrentIndex(target.findData("Seite"))  # one column for two fields
    assert not ok.isEnabled() and "'Seite' is chosen for two fields" in dialog.problem.text()
    target.setCurrentIndex(target.findData("Ziel"))
    assert ok.isEnabled()
    _wait_for_import(window, ok.click)
    assert not dialog.isVisible()
    pages = _column(window, "source_url")
    assert pages[-2:] == ["https://blog0.example/post", "https://blog1.example/post"]
    project = window.project
    assert project is not None
    added = load_placements(project.db)[-1].placement
    assert (added.price, added.currency, added.placed_on, added.notes) == (
        101.0, "EUR", "2026-03-02", "row 1")
    window.marking.undo()  # one step
    assert len(_column(window, "source_url")) == 3
    # A file with the same columns is imported without asking again.
    window.placements.importing.mapping_dialog = None
    again = _unknown_header_file(tmp_path / "more.csv", rows=3)
    assert _import(window, again)
    assert window.placements.importing.mapping_dialog is None
    assert len(_column(window, "source_url")) == 6


def test_a_mapping_that_reads_bad_rows_keeps_the_dialog_open(
        window: MainWindow, tmp_path: Path) -> None:
    from linkdesk.ui.dialogs.placement_mapping import PlacementMappingDialog

    odd = _unknown_header_file(tmp_path / "seiten.csv")
    assert not _import(window, odd)
    dialog = shown_dialog(window, PlacementMappingDialog)
    dialog.menus["price"].setCurrentIndex(dialog.menus["price"].findData("Notiz"))
    dialog.menus["notes"].setCurrentIndex(0)
    _wait_for_import(window, dialog.buttons.button(dialog.buttons.StandardButton.Ok).click)
    box = shown_dialog(dialog, QMessageBox)
    assert "line 2: price 'row 0' is not a number" in box.text()
    box.close()
    assert dialog.isVisible() and len(_column(window, "source_url")) == 3


def test_export_reads_back(window: MainWindow, tmp_path: Path) -> None:
    out = tmp_path / "ledger.csv"
    assert window.placements.export_csv(out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("source_url,target_url,anchor,rel")
    assert len(lines) == 4


def test_paste_rows_with_and_without_a_header(window: MainWindow) -> None:
    clipboard = QApplication.clipboard()
    clipboard.setText("https://x.example/a\thttps://acme-widgets.com/\tWidgets\n"
                      "https://y.example/b\thttps://acme-widgets.com/\t\tnofollow\n")
    assert window.placements.paste()
    assert _column(window, "source_url")[-2:] == ["https://x.example/a", "https://y.example/b"]
    assert _column(window, "rel")[-1] == "nofollow"
    clipboard.setText("target_url\tsource_url\n"
                      "https://acme-widgets.com/\thttps://z.example/c\n")
    assert window.placements.paste()
    assert _column(window, "source_url")[-1] == "https://z.example/c"
    # A bad row: nothing of the paste is added, and its line is named.
    clipboard.setText("https://w.example/d\thttps://acme-widgets.com/\n"
                      "https://v.example/e\tnope\n")
    assert not window.placements.paste()
    assert "line 2: target URL 'nope'" in shown_dialog(window, QMessageBox).text()
    assert len(_column(window, "source_url")) == 6
    window.marking.undo()
    assert len(_column(window, "source_url")) == 5


# -- Tools ▸ Check Placements and the opening notice -------------------------------------


@pytest.fixture
def server() -> Iterator[PageServer]:
    with page_server() as served:
        yield served


def _ledger_with_pages(path: Path, server: PageServer) -> Path:
    server.routes.update({
        "/kept": page(_a(TARGET)),
        "/nofollowed": page(_a(TARGET, rel="nofollow")),
        "/reworded": page(_a(TARGET, text="click here", rel="nofollow")),
    })
    with _project(path) as project:
        for name in ("kept", "nofollowed", "reworded"):
            _add(project, source_url=server.url(f"/{name}"), target_url=TARGET,
                 anchor="Acme widgets")
    return path


def test_check_placements_with_progress_then_what_changed(
        open_window: Any, tmp_path: Path, server: PageServer, qtbot: Any) -> None:
    window = open_window(_ledger_with_pages(tmp_path / "built.linkdesk", server))
    window.placements.options = FAST
    assert window.placements.check_action.isEnabled()
    assert window.placements.check()
    assert window.jobs.check_job is not None  # a writer job: marks and edits wait for it
    assert window.placements.add() is None
    qtbot.waitUntil(lambda: window.jobs.check_job is None, timeout=60_000)
    report = shown_dialog(window, TextReport)
    text = report.report.toPlainText()
    assert "3 placements changed since the previous check" in report.headline.text()
    assert "/nofollowed: unchecked → changed: rel" in text
    assert "/reworded: unchecked → changed: rel, anchor" in text
    assert window.workspace.current_name() == "placements"
    assert sorted(_column(window, "status")) == [
        "changed: rel", "changed: rel, anchor", "live"]


def test_check_can_be_cancelled_from_the_status_bar(
        open_window: Any, tmp_path: Path, server: PageServer, qtbot: Any) -> None:
    window = open_window(_ledger_with_pages(tmp_path / "built.linkdesk", server))
    window.placements.options = FAST
    assert window.placements.check()
    assert window.checking.status.isVisible()
    window.checking.status.cancel_requested.emit()
    qtbot.waitUntil(lambda: window.jobs.check_job is None, timeout=60_000)
    assert not window.checking.status.isVisible()


def test_a_failed_check_says_it_could_not_check_the_placements(
        open_window: Any, tmp_path: Path, server: PageServer, qtbot: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from linkdesk.core.placements import check

    def fails(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(check, "check_placements", fails)
    window = open_window(_ledger_with_pages(tmp_path / "built.linkdesk", server))
    assert window.placements.check()
    qtbot.waitUntil(lambda: window.jobs.check_job is None, timeout=60_000)
    box = shown_dialog(window, QMessageBox)
    assert (box.windowTitle(), box.text()) == ("Cannot check the placements", "disk full")


def test_opening_notice_changed_and_expiring(open_window: Any, tmp_path: Path,
                                             server: PageServer, qtbot: Any) -> None:
    path = _ledger_with_pages(tmp_path / "built.linkdesk", server)
    soon = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    with Project.open(path) as project:
        check_placements(project, options=FAST)
        _add(project, source_url="https://renewals.example/post", target_url=TARGET,
             expires_on=soon)
        _add(project, source_url="https://later.example/post", target_url=TARGET,
             expires_on="2099-01-01")
    window = open_window(path)
    notice = window.placements.notice
    qtbot.waitUntil(notice.isVisible, timeout=60_000)  # after the statuses' refresh
    # The page that kept its link is no news (unchecked → live); the two others are.
    assert "2 changed since you last looked" in notice.sentence
    assert "/kept" not in notice.sentence.split("expires")[0]
    assert "/nofollowed: changed: rel" in notice.sentence
    assert f"1 expires within 14 days (renewals.example/post, on {soon})" \
        in notice.sentence
    assert "later.example" not in notice.sentence
    window.workspace.show_tab("links")
    notice.show_requested.emit()
    assert window.workspace.current_name() == "placements"
    # Opened again with nothing new: only what still expires soon.
    assert window.open_project(tmp_path / "client.linkdesk")
    qtbot.waitUntil(lambda: bool(notice.sentence), timeout=60_000)
    assert "changed since" not in notice.sentence and "expires within" in notice.sentence


def test_the_totals_line_counts_in_the_users_locale(qapp: Any) -> None:
    """A large count reads "1,250 placements", as every other count in the window."""
    from collections import Counter

    from linkdesk.core.placements.value import Totals
    from linkdesk.ui.views.placements_panel import totals_text

    text = totals_text(Totals(by_band=Counter(strong=1_000, fair=250),
                              by_type=Counter(guest_post=1_250)))
    assert text.startswith("1,250 placements")
    assert totals_text(Totals(by_band=Counter(strong=1), by_type=Counter(guest_post=1))
                       ).startswith("1 placement ")


def test_the_mapping_dialog_keeps_its_width_with_long_column_names_and_values(
        qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    from linkdesk.ui.dialogs.placement_mapping import PlacementMappingDialog

    header = [f"{word} " + "column name " * 250 for word in ("Page", "Target", "Notes")]
    example = ["https://blog.example/" + "a" * 3000, "https://acme-widgets.com/",
               "note " * 1000]
    dialog = PlacementMappingDialog("wide.csv", header, example,
                                    {"source_url": header[0], "target_url": header[0]},
                                    lambda mapping: False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.width() < 1_000 and dialog.sizeHint().width() < 1_000
    # Each field's name is shown whole beside its menu (the menus took all the width).
    form_labels = [label for label in dialog.findChildren(QLabel)
                   if label.text().endswith(":")]
    assert len(form_labels) == len(dialog.menus)
    assert all(label.width() >= label.sizeHint().width() for label in form_labels)
    for menu in dialog.menus.values():
        assert all(len(menu.itemText(i)) <= 100 for i in range(menu.count()))
        # The whole name, and the start of the example, in each entry's tooltip.
        tips = [str(menu.itemData(i, Qt.ItemDataRole.ToolTipRole)) for i in range(1, 4)]
        assert [tip.split("\n")[0] for tip in tips] == header
    # The whole column name stays what the mapping gives (what --map takes).
    assert dialog.mapping()["source_url"] == header[0]
    assert "chosen for two fields" in dialog.problem.text()
    assert len(dialog.problem.text()) < 200


def test_a_page_address_without_spaces_does_not_widen_the_window(
        window: MainWindow, tmp_path: Path) -> None:
    """A tracking query of 400 characters (no place to wrap) made the details' title as wide
    as itself: the window grew to 3,600 pixels and the details grid was squeezed to nothing."""
    from linkdesk.ui.format import plain_tooltip

    page = "https://blog.example.com/post?utm_source=" + "z" * 400
    ledger = tmp_path / "long.csv"
    ledger.write_text(f"source_url,target_url\n{page},https://acme-widgets.com/\n",
                      encoding="utf-8")
    assert _import(window, ledger)
    window.workspace.views["placements"].selectRow(_column(window, "source_url").index(page))
    details = window.workspace.details
    assert details.title.text() == page  # the whole address is there (and selectable)
    assert window.minimumSizeHint().width() < 1_400
    assert details.minimumSizeHint().width() < 700
    assert details.title.toolTip() == plain_tooltip(page)  # all of it, when it is cut


def test_a_placements_one_column_of_details_fills_the_panel(window: MainWindow) -> None:
    """The details of a placement are one column of values: it takes the grid's width (it
    was 22 characters wide, cutting target and notes with the rest of the panel empty)."""
    window.workspace.views["placements"].selectRow(0)
    grid = window.workspace.details.grid
    assert grid.columnCount() == 1
    assert grid.columnWidth(0) >= grid.viewport().width() - 1
    assert grid.viewport().width() > 22 * grid.fontMetrics().averageCharWidth()


def test_a_price_is_shown_to_the_cent(window: MainWindow, tmp_path: Path) -> None:
    """80.55 EUR was shown as 80.6 (one decimal, as for a quality) in the tab and details."""
    ledger = tmp_path / "cents.csv"
    ledger.write_text("source_url,target_url,price,currency\n"
                      "https://cents.example/post,https://acme-widgets.com/,80.55,EUR\n",
                      encoding="utf-8")
    assert _import(window, ledger)
    row = _column(window, "source_url").index("https://cents.example/post")
    assert _column(window, "price")[row] == "80.55"
    window.workspace.views["placements"].selectRow(row)
    grid = window.workspace.details.grid
    shown = {grid.verticalHeaderItem(r).text(): grid.item(r, 0).text()
             for r in range(grid.rowCount())}
    assert shown["Price"] == "80.55"


def test_columns_without_a_name_or_with_the_same_name_can_be_chosen(
        window: MainWindow, tmp_path: Path) -> None:
    """A sheet with two columns called URL (page, then target) and one without a name: each
    is its own entry, and the one chosen is the one read (the second URL used to be the
    first one again, and the unnamed column meant "not in this file")."""
    from linkdesk.ui.dialogs.placement_mapping import PlacementMappingDialog

    sheet = tmp_path / "sheet.csv"
    sheet.write_text("URL;URL;;Kosten\n"
                     "https://same-name.example/post;https://acme-widgets.com/shop;"
                     "a note without a column name;90\n", encoding="utf-8")
    assert not _import(window, sheet)
    dialog = shown_dialog(window, PlacementMappingDialog)
    source, target, notes = (dialog.menus[name] for name in ("source_url", "target_url",
                                                               "notes"))
    assert source.currentText() == "URL (column 1) — https://same-name.example/post"
    assert target.currentText() == "URL (column 2) — https://acme-widgets.com/shop"
    notes.setCurrentIndex(notes.findText("Column 3 — a note without a column name"))
    assert notes.currentIndex() > 0
    assert dialog.problem.text() == ""
    _wait_for_import(window, dialog.buttons.button(dialog.buttons.StandardButton.Ok).click)
    assert not dialog.isVisible()
    project = window.project
    assert project is not None
    added = load_placements(project.db)[-1].placement
    assert (added.source_url, added.target_url, added.notes, added.price) == (
        "https://same-name.example/post", "https://acme-widgets.com/shop",
        "a note without a column name", 90.0)
