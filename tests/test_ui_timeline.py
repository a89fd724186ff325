"""The time axis in the window: the opening summary, Finish Review, the since-review filters,
the History tab and the import flow's date question.

Projects are built from the three months of Ahrefs and Semrush exports of
tests/test_timeline.py (known additions, drops, changes), reviewed after October.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import OpenWindow
from PySide6.QtGui import QImage
from test_timeline import SITE, _check, exports  # noqa: F401 (fixture)

from linkdesk.cli import main as linkdesk_main
from linkdesk.core.colours import BAND_COLOURS
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.marks import MarkKind, Target, mark
from linkdesk.core.scoring import BANDS, rescore
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, TableQuery, scored_tables, with_marks
from linkdesk.core.timeline import (
    finish_review,
    latest_review,
    opening_summary,
    profile_history,
    snapshots,
    with_since_review,
)
from linkdesk.ui import marking as marking_module
from linkdesk.ui.dashboard.charts import export_chart
from linkdesk.ui.dialogs.mark_dialog import MarkDialog
from linkdesk.ui.jobs import Admission
from linkdesk.ui.main_window import MainWindow

WAIT_MS = 30_000
REVIEWED = dt.datetime(2026, 10, 22, 9, 0, tzinfo=dt.UTC)


def _build(path: Path, files: dict[str, Path], *, review: bool = True) -> Path:
    """September and October imported and (if `review`) reviewed on 22 Oct; then November
    and a live check. Scored, with one domain marked for disavow."""
    with Project.open(path, create=True) as project:
        db = project.db
        for name in ("a0", "s0", "a1", "s1"):
            import_file(project, files[name], ImportOptions(site=SITE))
        mark(db, Target(domains=("disavowedgone.org",)), MarkKind.DISAVOW, "spam")
        rescore(db)
        if review:
            finish_review(db, "October", at=REVIEWED)
        for name in ("a2", "s2"):
            import_file(project, files[name], ImportOptions(site=SITE))
        _check(db)
        rescore(db)
    return path


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory, exports: dict[str, Path]  # noqa: F811
             ) -> Path:
    """A project reviewed after October, with November's exports since."""
    return _build(tmp_path_factory.mktemp("reviewed") / "acme.linkdesk", exports)


@pytest.fixture(scope="module")
def unreviewed(tmp_path_factory: pytest.TempPathFactory, exports: dict[str, Path]  # noqa: F811
               ) -> Path:
    """The same project, never reviewed."""
    return _build(tmp_path_factory.mktemp("unreviewed") / "acme.linkdesk", exports,
                  review=False)


def _opened(open_window: OpenWindow, path: Path, size: tuple[int, int] = (1280, 800)
            ) -> MainWindow:
    window = open_window(path, size)
    assert window.reviewing.wait_until_ready()
    return window


def _rows(qtbot: Any, window: MainWindow, table: str) -> int:
    model = window.workspace.models[table]
    qtbot.waitUntil(lambda: not model.loading, timeout=WAIT_MS)
    return model.rowCount()


def _expected(path: Path, table: str, filters: Filters) -> int:
    with Project.open(path, create=False) as project:
        links, domains = scored_tables(project.db) or (None, None)
        assert links is not None and domains is not None
        spec = with_since_review(with_marks(links if table == "links" else domains))
        return TableQuery(project.db, spec, filters).count()


# -- the opening summary ---------------------------------------------------------------------


def test_opening_shows_what_changed_since_the_review_and_each_part_shows_its_rows(
        qtbot: Any, open_window: OpenWindow, reviewed: Path) -> None:
    window = _opened(open_window, reviewed)
    bar = window.reviewing.bar
    with Project.open(reviewed, create=False) as project:
        expected = opening_summary(project.db)  # as the window words it: today is now
    assert not bar.isHidden()
    assert bar.text() == expected.text
    assert bar.text().startswith("Since your review of 22 Oct: 1 new link from 1 new domain")
    assert "1 disavowed domain gone" in bar.text()
    assert "href='new_links'" in bar.label.text() and "href='lost_links'" in bar.label.text()
    # Each part is a click to the filtered table.
    bar.label.linkActivated.emit("lost_links")
    assert window.workspace.current_name() == "links"
    assert window.workspace.filter_bar.filters() == Filters(since_review="lost")
    lost = expected.part["lost_links"].count
    assert _rows(qtbot, window, "links") == lost == 6
    bar.label.linkActivated.emit("disavowed_domains_gone")
    assert window.workspace.current_name() == "domains"
    assert window.workspace.filter_bar.filters() == Filters(since_review="lost",
                                                            marked="disavow")
    assert _rows(qtbot, window, "domains") == 1
    # × hides it for the rest of the session with this project.
    bar.close_button.click()
    assert bar.isHidden()
    window.reviewing.refresh_summary()
    assert bar.isHidden() and not window.reviewing.busy()


def test_a_project_never_reviewed_says_so_with_how_to_review(
        qtbot: Any, open_window: OpenWindow, unreviewed: Path) -> None:
    window = _opened(open_window, unreviewed)
    bar = window.reviewing.bar
    assert bar.text().startswith("No review yet")
    assert "Finish Review" in bar.text()
    bar.label.linkActivated.emit("finish-review")
    qtbot.waitUntil(lambda: window.reviewing.dialog is not None, timeout=WAIT_MS)
    window.reviewing.dialog.reject()


def test_nothing_is_shown_when_nothing_changed_since_the_review(
        qtbot: Any, open_window: OpenWindow, tmp_path: Path,
        exports: dict[str, Path]) -> None:  # noqa: F811
    path = tmp_path / "quiet.linkdesk"
    with Project.open(path, create=True) as project:
        import_file(project, exports["a0"], ImportOptions(site=SITE))
        rescore(project.db)
        finish_review(project.db)
    window = _opened(open_window, path)
    assert window.reviewing.bar.isHidden() and window.reviewing.bar.text() == ""


# -- Finish Review ---------------------------------------------------------------------------


def test_finish_review_records_the_note_on_a_worker_and_the_filters_start_from_it(
        qtbot: Any, open_window: OpenWindow, reviewed: Path) -> None:
    window = _opened(open_window, reviewed)
    assert not window.reviewing.bar.isHidden()
    window.menu_actions.finish_review.trigger()
    dialog = window.reviewing.dialog
    assert dialog is not None and "22 Oct 2026 — October" in dialog.last.text()
    dialog.note.setPlainText("  November: disavowed the spam  ")
    with qtbot.waitSignal(window.jobs.review_finished, timeout=WAIT_MS) as finished:
        dialog.accept()
        assert window.jobs.review_job is not None  # on a worker, not the GUI thread
        assert not window.menu_actions.finish_review.isEnabled()
    assert finished.args[0].review.note == "November: disavowed the spam"
    assert window.menu_actions.finish_review.isEnabled()
    assert window.reviewing.wait_until_ready()
    assert window.reviewing.bar.isHidden()  # nothing new since this review
    assert latest_review(window.project.db).note == "November: disavowed the spam"
    window.workspace.filter_bar.show_filters(Filters(since_review="new"))
    assert _rows(qtbot, window, "links") == 0


def test_a_review_waits_for_the_rescore_to_stop_and_refuses_during_a_check(
        qtbot: Any, open_window: OpenWindow, reviewed: Path) -> None:
    window = _opened(open_window, reviewed)
    jobs = window.jobs
    assert jobs.rescore()
    with qtbot.waitSignal(jobs.review_finished, timeout=WAIT_MS) as finished:
        decision = jobs.request_review("after the re-score")
        assert decision.admission is Admission.QUEUED
        assert jobs.writer_busy() == "a review is being recorded"
        assert not jobs.request_import([reviewed])  # one writer at a time
    assert finished.args[0].review is not None and not finished.args[0].error
    qtbot.waitUntil(lambda: jobs.score_job is None, timeout=WAIT_MS)
    jobs._check = object()  # type: ignore[assignment]  # as if a check ran
    try:
        refused = jobs.request_review("")
        assert refused.admission is Admission.REFUSED and refused.title
    finally:
        jobs._check = None


# -- the since-review filters ----------------------------------------------------------------


@pytest.mark.parametrize(("table", "value"), [
    ("links", "new"), ("links", "changed"), ("links", "lost"), ("links", "unjudged"),
    ("domains", "new"), ("domains", "lost"), ("domains", "unjudged"),
])
def test_since_review_filters_show_the_core_rows(
        qtbot: Any, open_window: OpenWindow, reviewed: Path, table: str, value: str) -> None:
    window = _opened(open_window, reviewed)
    window.workspace.show_tab(table)
    menu = window.workspace.filter_bar.menus["since_review"]
    assert menu.isEnabled()
    menu.setCurrentIndex(menu.findData(value))
    model = window.workspace.models[table]
    usual = window.workspace.specs[table]
    assert model.spec is not usual  # wrapped only while the filter is on
    expected = _expected(reviewed, table, Filters(since_review=value))
    assert _rows(qtbot, window, table) == expected
    assert expected > 0
    window.workspace.filter_bar.clear()
    assert model.spec is usual
    assert _rows(qtbot, window, table) > expected


def test_the_charts_follow_a_since_review_filter(
        qtbot: Any, open_window: OpenWindow, reviewed: Path) -> None:
    window = _opened(open_window, reviewed)
    window.workspace.filter_bar.show_filters(Filters(since_review="lost"))
    window.workspace.show_tab("dashboard")
    dashboard = window.workspace.dashboard
    assert dashboard.wait_until_ready()
    assert dashboard.error == ""
    assert dashboard.report.balance is not None
    assert dashboard.report.balance.links == 6  # the six links lost since the review
    window.workspace.show_tab("anchors")
    assert not window.workspace.filter_bar.menus["since_review"].isEnabled()


# -- History ---------------------------------------------------------------------------------


def test_the_history_tab_computes_when_it_is_first_shown(
        qtbot: Any, open_window: OpenWindow, reviewed: Path) -> None:
    window = _opened(open_window, reviewed)
    history = window.workspace.history
    assert not history.busy() and history.history is None  # hidden: nothing computed yet
    window.workspace.show_tab("history")  # the show event starts the request
    assert history.busy()
    assert history.wait_until_ready()
    assert history.history is not None and history.history.points

def test_the_history_tab_charts_the_core_numbers_and_follows_the_filters(
        qtbot: Any, open_window: OpenWindow, reviewed: Path, tmp_path: Path) -> None:
    window = _opened(open_window, reviewed)
    window.workspace.show_tab("history")
    history = window.workspace.history
    assert history.wait_until_ready()
    assert window.workspace.details.isHidden()
    with Project.open(reviewed, create=False) as project:
        links, domains = scored_tables(project.db) or (None, None)
        assert links is not None and domains is not None
        expected = profile_history(project.db, Filters(),
                                   (with_marks(links), with_marks(domains)))
    assert history.history == expected
    strong = BANDS.index("strong")
    heights = {item.objectName(): item.opts["height"] for item in history.bands.items}
    assert list(heights["Strong"]) == [p.bands[strong] for p in expected.points]
    assert [p.disavowed for p in expected.points] == [1, 1, 0]
    assert "3 points" in history.status.text()
    window.workspace.filter_bar.search.setText("bothdrop")
    window.workspace.filter_bar.search.returnPressed.emit()
    assert history.wait_until_ready()
    assert [p.domains for p in history.history.points] == [2, 1, 0]
    assert "filtered as the tables are" in history.status.text()
    export_chart(history.bands.plot, tmp_path / "bands.svg")
    assert "<svg" in (tmp_path / "bands.svg").read_text(encoding="utf-8")
    export_chart(history.strong.plot, tmp_path / "strong.png")
    assert QImage(str(tmp_path / "strong.png")).width() >= 800


def test_screenshot_of_the_history_tab_with_the_summary(
        qtbot: Any, reviewed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
        ) -> None:
    output = tmp_path / "history.png"
    assert linkdesk_main([str(reviewed), "--screenshot", str(output), "--tab", "history"]) == 0
    image = QImage(str(output))
    assert (image.width(), image.height()) == (1400, 900)
    # The band colours of the bars are on the picture: the chart was drawn before the grab.
    colours = {image.pixelColor(x, y).name() for x in range(100, 1300, 7)
               for y in range(250, 550, 7)}
    assert {BAND_COLOURS[BANDS.index("strong")], BAND_COLOURS[BANDS.index("risky")]} <= colours
    assert "Screenshot:" in capsys.readouterr().out


# -- the import date -------------------------------------------------------------------------


def test_the_import_flow_asks_the_export_date(
        qtbot: Any, open_window: OpenWindow, tmp_path: Path,
        exports: dict[str, Path]) -> None:  # noqa: F811
    path = tmp_path / "empty.linkdesk"
    Project.open(path, create=True).close()
    window = open_window(path)
    dialog = window.importing.ask_date([exports["a0"]])
    assert dialog.from_file.isChecked() and dialog.as_of() is None
    with qtbot.waitSignal(window.jobs.import_finished, timeout=WAIT_MS):
        dialog.accept()  # the default: the date found in the file
    dialog = window.importing.ask_date([exports["s1"]])
    dialog.day.setDate(dialog.day.date().fromString("2026-10-25", "yyyy-MM-dd"))
    assert dialog.given.isChecked() and dialog.as_of() == dt.date(2026, 10, 25)
    with qtbot.waitSignal(window.jobs.import_finished, timeout=WAIT_MS):
        dialog.accept()
    dialog = window.importing.ask_date([exports["a2"]])
    dialog.reject()  # Cancel imports nothing
    qtbot.waitUntil(lambda: window.importing.date_dialog is None, timeout=WAIT_MS)
    assert window.jobs.import_job is None
    found = {(snap.vendor, snap.as_of, snap.sources) for snap in snapshots(window.project.db)}
    assert found == {("ahrefs", "2026-09-20", ("file",)), ("semrush", "2026-10-25", ("user",))}


def _dialogs(window: MainWindow, kind: type[Any]) -> list[Any]:
    return [dialog for dialog in window.findChildren(kind) if dialog.isVisible()]


def test_mark_all_shown_marks_the_rows_a_since_review_filter_shows(
        qtbot: Any, open_window: OpenWindow, reviewed: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = _opened(open_window, reviewed)
    window.workspace.show_tab("domains")
    window.workspace.filter_bar.show_filters(Filters(since_review="new"))
    assert _rows(qtbot, window, "domains") == 1  # newnov.org, new in November
    threads: list[str] = []
    real = marking_module._shown_targets

    def found(*args: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args)

    monkeypatch.setattr(marking_module, "_shown_targets", found)
    assert window.marking.mark_shown(MarkKind.REVIEW) is None  # the rows are found first
    qtbot.waitUntil(lambda: bool(_dialogs(window, MarkDialog)), timeout=WAIT_MS)
    assert threads and threading.main_thread().name not in threads  # not on the GUI thread
    dialog = _dialogs(window, MarkDialog)[-1]
    assert "1 marked" in dialog.preview.toPlainText()
    dialog.accept()
    marked = window.project.db.execute(
        "SELECT domain FROM domain_marks WHERE kind = 'review'").fetchall()
    assert marked == [("newnov.org",)]


def test_rows_still_being_found_are_dropped_with_their_project(
        qtbot: Any, open_window: OpenWindow, reviewed: Path) -> None:
    window = _opened(open_window, reviewed)
    path = window.project.path
    window.workspace.show_tab("domains")
    window.workspace.filter_bar.show_filters(Filters(since_review="new"))
    assert _rows(qtbot, window, "domains") == 1
    assert window.marking.mark_shown(MarkKind.REVIEW) is None
    assert window.marking.finding_shown
    assert window.open_project(path)  # the same file again: the old task's answer is dropped
    assert not window.marking.finding_shown
    window.workspace.show_tab("domains")
    window.workspace.filter_bar.show_filters(Filters(since_review="new"))
    assert _rows(qtbot, window, "domains") == 1
    assert window.marking.mark_shown(MarkKind.REVIEW) is None
    qtbot.waitUntil(lambda: bool(_dialogs(window, MarkDialog)), timeout=WAIT_MS)
    assert len(_dialogs(window, MarkDialog)) == 1  # only the new project's
    _dialogs(window, MarkDialog)[0].reject()
