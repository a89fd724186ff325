"""Scores in the main window: columns, sorting, band/risk filters, explanations, stale scores."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

sys.path.insert(0, str(Path(__file__).parent))

from test_tables_scores import build_scored_project
from test_ui_window import WAIT_MS, shown_ids

from linkdesk.core.scoring import explain_domain, explain_link, set_terms
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, Sort, TableQuery, scored_links
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.models import TINT_ROLE
from linkdesk.ui.preferences import Preferences
from linkdesk.ui.rescoring import SCORES_OUT_OF_DATE


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_project(tmp_path_factory.mktemp("ui-scores") / "scored.linkdesk")


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    prefs = Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    main = MainWindow(prefs)
    main.automatic_scoring = False  # these tests look at out-of-date scores; see test_upkeep_*
    qtbot.addWidget(main)
    main.resize(1200, 800)
    main.show()
    yield main
    main.close()


def _sql_count(path: Path, sql: str, *args: object) -> int:
    with Project.open(path) as project:
        return int(project.db.execute(sql, args).fetchone()[0])


def test_a_quality_header_click_sorts_as_sql_does(
    qtbot: Any, window: MainWindow, scored: Path
) -> None:
    assert window.open_project(scored)
    assert window.workspace.scores_current
    assert window.scores_status() == ""
    view = window.workspace.current_view()
    assert view is not None
    spec = view.table.spec
    assert view.table.sort_order == Sort("quality", descending=True)  # a new project's sort
    section = spec.column_index("quality")
    header = view.horizontalHeader()
    with qtbot.waitSignal(view.table.modelReset, timeout=WAIT_MS):  # sorted otherwise first
        header.setSortIndicator(spec.column_index("first_seen"), Qt.SortOrder.AscendingOrder)
    view.scrollTo(view.table.index(0, section))
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    with qtbot.waitSignal(view.table.modelReset, timeout=WAIT_MS):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(x, header.height() // 2))
    assert view.table.sort_order.column == "quality"
    assert view.table.sort_order.descending  # best first on the first click
    with Project.open(scored) as project:
        expected = [row[0] for row in project.db.execute(
            "SELECT link_id FROM link_scores "
            "ORDER BY quality DESC, risk_points DESC, link_id DESC")]
    assert shown_ids(window) == expected
    top = view.table.index(0, section).data()
    with Project.open(scored) as project:  # a float: _sql_count would truncate 80.9 to 80
        best = project.db.execute("SELECT max(quality) FROM link_scores").fetchone()[0]
    assert float(top.replace(",", "")) == pytest.approx(best, abs=0.06)


def test_band_and_risk_cells_have_colour_and_text(window: MainWindow, scored: Path) -> None:
    window.open_project(scored)
    model = window.workspace.models["links"]
    band, risk = model.spec.column_index("band"), model.spec.column_index("risk")
    texts = {model.index(row, band).data() for row in range(min(200, model.rowCount()))}
    assert texts <= {"Risky", "Weak", "Fair", "Strong"} and len(texts) > 1
    for row in range(min(50, model.rowCount())):
        assert model.index(row, band).data(TINT_ROLE) is not None  # every band is coloured
        if model.index(row, risk).data() == "None":
            assert model.index(row, risk).data(TINT_ROLE) is None


@pytest.mark.parametrize("table", ["links", "domains"])
def test_the_band_filter_shows_only_that_band(
    qtbot: Any, window: MainWindow, scored: Path, table: str
) -> None:
    window.open_project(scored)
    window.workspace.show_tab(table)
    bar = window.workspace.filter_bar
    menu = bar.menus["band"]
    assert menu.isEnabled() and bar.menus["risk"].isEnabled()
    scores = "link_scores" if table == "links" else "domain_scores"
    model = window.workspace.models[table]
    position = model.spec.column_index("band")
    for band, label in ((3, "Strong"), (0, "Risky"), (2, "Fair")):
        with qtbot.waitSignal(bar.filters_changed, timeout=WAIT_MS):
            menu.setCurrentIndex(menu.findData(band))
        expected = _sql_count(scored, f"SELECT count(*) FROM {scores} WHERE band = ?", band)
        assert window.workspace.shown_count() == expected
        assert {model.index(row, position).data() for row in range(model.rowCount())} \
            <= {label}
    risk = bar.menus["risk"]
    with qtbot.waitSignal(bar.filters_changed, timeout=WAIT_MS):
        risk.setCurrentIndex(risk.findData(3))
    assert window.workspace.shown_count() == _sql_count(
        scored, f"SELECT count(*) FROM {scores} WHERE band = 2 AND risk_level = 3")
    window.workspace.show_tab("anchors")
    assert not menu.isEnabled()  # the anchors have no scores


def test_details_explain_the_selected_link(window: MainWindow, scored: Path) -> None:
    window.open_project(scored)
    view = window.workspace.current_view()
    assert view is not None
    view.selectRow(3)
    link_id = view.table.row_id(3)
    with Project.open(scored) as project:
        explained = explain_link(project.db, link_id)
    assert explained is not None
    details = window.workspace.details
    text = details.explanation_text()
    assert text.startswith("Contributions:")
    for item in explained.contributions:
        if item.effect:
            assert f"{item.effect:+.1f}  {item.signal}: " in text
    if explained.flags:
        assert "Risk flags:" in text
        for flag in explained.flags:
            assert flag.flag in text
    else:
        assert "Risk flags: none" in text
    assert f"{explained.band.capitalize()}" in details.score.text()
    assert "Quality" in details.score.text()
    # Why that band, on its own line (issue 17: a 0.0 can read "weak" or "risky").
    assert details.score.text().splitlines()[1].startswith(f"{explained.band.capitalize()}: ")

    window.workspace.show_tab("domains")
    domains = window.workspace.current_view()
    assert domains is not None
    domains.selectRow(0)
    name = domains.table.values(0)[0]
    with Project.open(scored) as project:
        domain = explain_domain(project.db, name)
    assert domain is not None
    assert domain.best_link.source_url in details.explanation_text()


def test_explanations_are_plain_text(qtbot: Any) -> None:
    from linkdesk.core.scoring import Contribution, FlagEvidence, LinkExplanation
    from linkdesk.ui.views.details import DetailsPanel

    panel = DetailsPanel()
    qtbot.addWidget(panel)
    panel.show()
    evil = "<img src=x onerror=alert(1)><b>bold</b>"
    panel.show_explanation(LinkExplanation(
        1, "https://a.example/", "https://b.example/", "a.example", evil, "exact", 12.5,
        "weak", "high", 9, 1, True, True,
        [Contribution("anchor", f"anchor {evil}", 0.5, -3.0)],
        [FlagEvidence("poison_anchor", 5, f"anchor {evil}")],
    ))
    assert evil in panel.explanation.toPlainText()
    assert "low confidence" in panel.score.text()
    assert panel.score.textFormat() == Qt.TextFormat.PlainText


def test_out_of_date_scores_show_no_score_columns(
    qtbot: Any, window: MainWindow, scored: Path, tmp_path: Path
) -> None:
    path = tmp_path / "stale.linkdesk"
    path.write_bytes(scored.read_bytes())
    # New settings (here: the brand terms) make the stored scores out of date.
    with Project.open(path) as project, project.db:
        set_terms(project.db, brands=["acme", "widgets"])
    window.open_project(path)
    assert not window.workspace.scores_current
    assert window.scores_status() == SCORES_OUT_OF_DATE
    names = [c.name for c in window.workspace.models["links"].spec.columns]
    assert "quality" not in names and "band" not in names
    assert not window.workspace.filter_bar.menus["band"].isEnabled()
    view = window.workspace.current_view()
    assert view is not None
    view.selectRow(0)
    assert window.workspace.details.explanation_text() == ""
    assert "Score:" in window.workspace.details.score.text()


def test_scored_links_count_equals_the_table(scored: Path) -> None:
    with Project.open(scored) as project:
        spec = scored_links(project.db)
        assert TableQuery(project.db, spec, Filters()).count() == _sql_count(
            scored, "SELECT count(*) FROM links")


def test_an_import_makes_the_scores_out_of_date(
    qtbot: Any, window: MainWindow, scored: Path, tmp_path: Path
) -> None:
    from exportgen import make_profile, write_majestic
    from test_tables import SITE

    path = tmp_path / "client.linkdesk"
    path.write_bytes(scored.read_bytes())
    window.open_project(path)
    window.workspace.show_tab("domains")
    assert window.workspace.scores_current
    export = tmp_path / "majestic-new.csv"
    write_majestic(export, make_profile(80, site=SITE, seed=404))
    with qtbot.waitSignal(window.jobs.import_finished, timeout=WAIT_MS):
        assert window.import_files([export])
    # The window never scores on its own thread: the new rows show, without scores.
    assert not window.workspace.scores_current
    assert window.scores_status() == SCORES_OUT_OF_DATE
    assert window.workspace.current_name() == "domains"
    assert "quality" not in [c.name for c in window.workspace.models["links"].spec.columns]
    assert window.workspace.shown_count() == window.totals()[1]


def test_rescore_runs_in_the_background_and_shows_the_scores(
    qtbot: Any, window: MainWindow, scored: Path, tmp_path: Path
) -> None:
    path = tmp_path / "stale.linkdesk"
    path.write_bytes(scored.read_bytes())
    with Project.open(path) as project, project.db:
        set_terms(project.db, brands=["acme"])
    window.open_project(path)
    assert window.scores_status() == SCORES_OUT_OF_DATE
    assert window.rescore_button.isVisible()
    progress: list[object] = []
    with qtbot.waitSignal(window.jobs.scoring_finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(window.rescore_button, Qt.MouseButton.LeftButton)
        assert window.jobs.score_job is not None
        window.jobs.score_job.progressed.connect(progress.append)
    outcome = finished.args[0]
    assert outcome.summary is not None and not outcome.cancelled
    assert window.workspace.scores_current
    assert window.scores_status() == ""
    assert not window.rescore_button.isVisible()
    assert "quality" in [c.name for c in window.workspace.models["links"].spec.columns]
    assert window.workspace.filter_bar.menus["band"].isEnabled()
    window.close()  # nothing left running


def test_closing_mid_rescore_cancels_it(
    qtbot: Any, window: MainWindow, scored: Path, tmp_path: Path
) -> None:
    path = tmp_path / "stale.linkdesk"
    path.write_bytes(scored.read_bytes())
    with Project.open(path) as project, project.db:
        set_terms(project.db, brands=["acme"])
    window.open_project(path)
    assert window.jobs.rescore()
    assert not window.jobs.rescore()  # already running
    window.close()
    assert window.jobs.score_job is None


def test_quality_always_shows_one_decimal() -> None:
    from linkdesk.core.tables.spec import Column, Kind
    from linkdesk.ui.format import display_text

    quality = Column("quality", "Quality", "q", Kind.NUMBER, decimals=1)
    links = Column("links", "Links", "n", Kind.NUMBER)
    assert [display_text(quality, v) for v in (30.0, 24.4, 100)] == ["30.0", "24.4", "100.0"]
    assert [display_text(links, v) for v in (30, 1234)] == ["30", "1,234"]
