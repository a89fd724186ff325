"""Found by a freelancer's trial: two clients, two months, four vendors, a ledger of built
links and a client report. Each test is one thing that was wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import OpenWindow
from exportgen import make_profile, write_ahrefs, write_gsc_zip
from PySide6.QtCore import QLocale

from linkdesk import cli
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.placements import (
    PlacementError,
    PlacementInput,
    load_placements,
    parse_placement,
)
from linkdesk.core.scoring import rescore
from linkdesk.core.store import Project

SITE = "acme-widgets.com"
TARGET = f"https://{SITE}/widgets"
PAGE = "https://blog.example.com/a"


def _one_domain_disavowed(tmp_path: Path) -> Path:
    """A project of 200 links whose first referring domain is marked disavow."""
    export = tmp_path / "ahrefs.csv"
    records = list(make_profile(200, site=SITE, seed=4))
    write_ahrefs(export, records)
    path = tmp_path / "acme.linkdesk"
    with Project.open(path) as project:
        import_file(project, export, ImportOptions(site=SITE))
    domain = records[0].source_url.split("/")[2].removeprefix("www.")
    assert cli.main(["mark", str(path), "--domain", domain, "--disavow"]) == 0
    return path


@pytest.mark.parametrize(("price", "currency"), [
    ("€1200", "EUR"), ("$95", "USD"), ("£80.50", "GBP"), ("120 EUR", "EUR"),
    ("EUR 100", "EUR"), ("120 usd", "USD"), ("120", ""),
])
def test_a_price_written_with_its_currency_keeps_it(price: str, currency: str) -> None:
    """A ledger row `bigmagazine.com,…,€1200,` (the currency column left empty) was stored
    as 1200 of no currency: the report then said "1,200 (currency not recorded)"."""
    placement = parse_placement(PlacementInput(PAGE, TARGET, price=price))
    assert placement.currency == currency


def test_a_price_and_a_currency_that_disagree_are_refused() -> None:
    with pytest.raises(PlacementError, match="the price is in EUR but the currency says USD"):
        parse_placement(PlacementInput(PAGE, TARGET, price="€120", currency="USD"))
    same = parse_placement(PlacementInput(PAGE, TARGET, price="€120", currency="eur"))
    assert (same.price, same.currency) == (120.0, "EUR")


def test_an_imported_ledger_keeps_the_currency_of_its_prices(tmp_path: Path) -> None:
    ledger = tmp_path / "bought.csv"
    ledger.write_text("page,target_url,price,currency,type\n"
                      f"bigmagazine.com,{TARGET},€1200,,pr\n"
                      f"{PAGE},{TARGET},95,USD,guest_post\n", encoding="utf-8")
    project = tmp_path / "acme.linkdesk"
    Project.open(project).close()
    assert cli.main(["placements", "import", str(project), str(ledger)]) == 0
    with Project.open(project) as opened:
        stored = [(p.placement.price, p.placement.currency) for p in load_placements(opened.db)]
    assert stored == [(1200.0, "EUR"), (95.0, "USD")]


def test_search_console_top_linking_sites_say_how_many_sites_google_listed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The import said "770 rows read, 770 imported, 0 skipped; 0 linking pages seen by
    Google" of a Top linking sites file: as if Google had seen none of the client's links."""
    from linkdesk.ui.dialogs.messages import result_line

    records = list(make_profile(300, site=SITE, seed=3))
    ahrefs, gsc = tmp_path / "ahrefs.csv", tmp_path / "gsc.zip"
    write_ahrefs(ahrefs, records)
    write_gsc_zip(gsc, records)
    project = tmp_path / "acme.linkdesk"
    assert cli.main(["import", str(project), str(ahrefs), "--site", SITE, "--no-score"]) == 0
    capsys.readouterr()
    assert cli.main(["import", str(project), str(gsc), "--no-score"]) == 0
    lines = capsys.readouterr().out.splitlines()
    sites = next(line for line in lines if "Top linking sites.csv:" in line)
    pages = next(line for line in lines if "Latest links.csv:" in line)
    with Project.open(tmp_path / "again.linkdesk") as again:
        results = import_file(again, gsc, ImportOptions(site=SITE))
    by_name = {r.file.rsplit(" ", 1)[-1]: r for r in results}
    listed = by_name["sites.csv"].rows_imported
    assert listed > 0 and sites.endswith(f"; {listed:,} linking sites seen by Google")
    assert pages.endswith(f"{by_name['links.csv'].links_merged:,} linking pages seen by Google")
    english = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    assert result_line(by_name["sites.csv"], english).endswith(
        f"; {listed:,} linking sites seen by Google")


def test_the_report_gives_each_risky_domain_its_reasons_in_full(tmp_path: Path) -> None:
    """Spam domains with six or seven flags had their reasons cut at 300 characters in the
    client's report: "…; A page with hundreds of ou…", "The same…"."""
    from linkdesk.core.report import gather_report
    from linkdesk.core.report.texts import FLAG_WORDS
    from linkdesk.ui.report.html import report_html

    export = tmp_path / "ahrefs.csv"
    write_ahrefs(export, make_profile(3000, site=SITE, seed=7))
    with Project.open(tmp_path / "acme.linkdesk") as project:
        import_file(project, export, ImportOptions(site=SITE))
        rescore(project.db)
        data = gather_report(project.db)
    page = report_html(data, [], lambda _chart: "", None, browser=True)
    reasons = ["; ".join(FLAG_WORDS.get(f, f) for f in row.flags) for row in data.risky.rows]
    assert max(map(len, reasons)) > 300  # long enough to have been cut
    for said in reasons:
        assert f"<td>{said}</td>" in page.replace("&#x27;", "'")


def test_a_links_mark_from_its_domain_is_not_cut_off(open_window: OpenWindow,
                                                     tmp_path: Path) -> None:
    """The Links table's Mark column showed "Keep (dom…" and "Review (d…" at its default
    width: the words that say the mark is the domain's were the ones cut."""
    path = _one_domain_disavowed(tmp_path)
    window = open_window(path, (1400, 900))
    window.workspace.show_tab("links")
    view = window.workspace.current_view()
    assert view is not None
    model = view.table
    column = next(i for i, c in enumerate(model.spec.columns) if c.name == "mark")
    shown = {model.index(row, column).data() for row in range(model.rowCount())}
    assert "Disavow (domain)" in shown
    margins = 2 * (view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin) + 1)
    needed = view.fontMetrics().horizontalAdvance("Disavow (domain)") + margins
    assert view.columnWidth(column) >= needed


def test_the_history_charts_show_no_made_up_axis_while_the_first_answer_is_computed(
        qtbot: Any) -> None:
    """Opening the History tab of a 340k-link project showed three empty charts with
    0.1, 0.2 … 0.9 on both axes for several seconds: numbers of nothing."""
    from linkdesk.ui.history.view import BandsChart, DisavowedChart, StrongChart

    for chart in (BandsChart(), StrongChart(), DisavowedChart()):
        qtbot.addWidget(chart.plot)
        chart.show(None, [])
        for side in ("left", "bottom"):
            assert chart.plot.getPlotItem().getAxis(side)._tickLevels == [[]]


def test_the_import_progress_says_its_rows_are_of_every_file(qtbot: Any) -> None:
    """Under "semrush.csv (file 2 of 4)" the dialog said "292,848 rows · 74%": the rows and
    the share of all four files, read as Semrush's (a file of 191,435 rows)."""
    from linkdesk.ui.dialogs.import_progress import ImportProgressDialog
    from linkdesk.ui.workers.importer import JobProgress

    dialog = ImportProgressDialog(4)
    qtbot.addWidget(dialog)
    dialog.update_progress(JobProgress("semrush.csv", 2, 4, 292_848, 0.74, 44.0))
    assert dialog.file_label.text() == "semrush.csv (file 2 of 4)"
    assert dialog.rows_label.text().endswith(" rows read in all · 74% of the 4 files")
    dialog.update_progress(JobProgress("ahrefs.csv", 1, 1, 1_000, 0.5, 4.0))
    assert dialog.rows_label.text().endswith(" rows · 50%")


def test_the_import_summary_counts_the_files_chosen(tmp_path: Path) -> None:
    """Four files chosen (Ahrefs, Semrush, Majestic and a Search Console ZIP of two reports)
    were summed up as "Imported 5 files"."""
    from linkdesk.ui.dialogs.messages import import_headline
    from linkdesk.ui.workers.importer import ImportOutcome

    records = list(make_profile(200, site=SITE, seed=6))
    ahrefs, gsc = tmp_path / "ahrefs.csv", tmp_path / "gsc.zip"
    write_ahrefs(ahrefs, records)
    write_gsc_zip(gsc, records)
    with Project.open(tmp_path / "acme.linkdesk") as project:
        results = [*import_file(project, ahrefs, ImportOptions(site=SITE)),
                   *import_file(project, gsc)]
    assert len([r for r in results if r.rows_imported]) == 3
    english = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    assert import_headline(ImportOutcome(results=results), english).startswith(
        "Imported 2 files: ")


def test_the_verdict_names_only_what_is_marked(tmp_path: Path) -> None:
    """The small client's report said "159 domains and 0 pages are marked to be disavowed";
    one domain alone "1 domain are marked"."""
    from linkdesk.ui.report.html import _entries

    assert _entries(159, 0) == "159 domains"
    assert _entries(0, 7) == "7 pages"
    assert _entries(25, 7) == "25 domains and 7 pages"
    path = _one_domain_disavowed(tmp_path)
    report = tmp_path / "report.html"
    assert cli.main(["report", str(path), "-o", str(report)]) == 0
    assert "being prepared: 1 domain is marked to be disavowed" in report.read_text("utf-8")


def test_the_strongest_domains_of_a_report_are_still_linking(tmp_path: Path) -> None:
    """December's report listed travelinsider7.co.uk third among the strongest referring
    domains and again among the domains lost in the period: no tool reported it any more."""
    import dataclasses
    import datetime as dt

    from linkdesk.core.report import gather_report

    november = list(make_profile(800, site=SITE, seed=9))
    path = tmp_path / "acme.linkdesk"
    first, second = tmp_path / "november.csv", tmp_path / "december.csv"
    write_ahrefs(first, november)
    with Project.open(path) as project:
        import_file(project, first, ImportOptions(site=SITE))
        rescore(project.db)
        strongest = gather_report(project.db).strongest.rows
    gone = strongest[0].domain
    december = [dataclasses.replace(r, last_seen=dt.date(2026, 12, 4)) for r in november
                if gone not in r.source_url]
    write_ahrefs(second, december)
    assert cli.main(["review", str(path), "--done"]) == 0
    assert cli.main(["import", str(path), str(second)]) == 0
    with Project.open(path) as project:
        data = gather_report(project.db, since="review")
    assert gone in [row.domain for row in data.lost.rows]
    shown = [row.domain for row in data.strongest.rows]
    assert gone not in shown and shown[:5] == [row.domain for row in strongest[1:6]]


def test_the_risky_hint_stops_asking_for_a_review_once_it_is_done(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """After the risky domains of December's spam burst were all marked for disavow, the
    Dashboard and `linkdesk balance` still said "39% of links are risky: review them for
    disavow"."""
    export = tmp_path / "ahrefs.csv"
    write_ahrefs(export, make_profile(1500, site=SITE, seed=7))
    path = tmp_path / "acme.linkdesk"
    with Project.open(path) as project:
        import_file(project, export, ImportOptions(site=SITE))
        rescore(project.db)
    assert cli.main(["balance", str(path)]) == 0
    before = capsys.readouterr().out
    assert "of links are risky: review them for disavow." in before
    assert cli.main(["mark", str(path), "--table", "domains", "--band", "risky",
                     "--disavow"]) == 0
    capsys.readouterr()
    assert cli.main(["balance", str(path)]) == 0
    after = capsys.readouterr().out
    assert "review them for disavow" not in after
    assert "of links are risky; nearly all of their domains are marked for disavow." in after


def test_the_list_of_placed_links_leaves_out_an_empty_what_is_different_column() -> None:
    """Before the first check no placement differs from its agreement, and the empty column
    took the room the page addresses lacked: "www.metroyard.co m/2025/05/…" wrapped."""
    from linkdesk.core.report.placements import PlacedLink, PlacementsReport
    from linkdesk.ui.report.placements_section import placements_section

    unchecked = PlacedLink("https://www.metroyard.com/2025/05/weekly-local-home/",
                           "guest_post", "2026-05-15", None, 290.0, "GBP", "unchecked")
    report = PlacementsReport(1, {"unchecked": 1}, {"guest_post": 1},
                              {"guest_post": {"GBP": 290.0}}, {"GBP": 290.0}, 0, {},
                              rows=[unchecked])
    page = "".join(placements_section(report, SITE))
    assert "What is different" not in page and "290" in page
    changed = PlacedLink("https://blog.example.com/a", "guest_post", "2026-05-15", None,
                         120.0, "EUR", "changed", ("rel",), "follow", "nofollow")
    report.rows.append(changed)
    assert "What is different" in "".join(placements_section(report, SITE))
