"""The client report's and the disavow file's words, as a freelancer's monthly loop found them.

A user trial (two months imported, a burst of throw-away domains, marks, a review, a report)
found: the period named the review's day instead of the exports' dates; "What changed" did
not say how many new domains were risky; "A disavow file is in use" with only marks; "1 pages",
"1 URLs"; and the disavow file's first line naming the client differently from the window.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage, qGray
from test_cli_changes_agree import SITE, two_months_project

from linkdesk.cli import main
from linkdesk.core.colours import BAND_COLOURS, NOT_SCORED_COLOUR
from linkdesk.core.disavow import plan_disavow, write_disavow
from linkdesk.core.report import ReportData, gather_report
from linkdesk.core.report.texts import band_legend
from linkdesk.core.scoring import BANDS
from linkdesk.core.store import Project
from linkdesk.core.timeline import opening_summary
from linkdesk.ui.dashboard import theme
from linkdesk.ui.dialogs.disavow_export import DisavowExportDialog
from linkdesk.ui.models import TINTS
from linkdesk.ui.report.charts import chart_image
from linkdesk.ui.report.html import report_html


@pytest.fixture(scope="module")
def two_months(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """October's export (dated 20 Oct), reviewed; November's (dated 20 Nov) drops 500 links
    and brings 1,000 more, among them throw-away domains."""
    return two_months_project(tmp_path_factory.mktemp("months"))


@pytest.fixture
def project(two_months: Path, tmp_path: Path) -> Path:
    """A copy of the two months this test may mark and write disavow files in."""
    copy = tmp_path / "acme.linkdesk"
    shutil.copyfile(two_months, copy)
    return copy


def _report(path: Path) -> tuple[ReportData, str]:
    """The report's data and its HTML as plain text (tags dropped, one space apart)."""
    with Project.open(path, create=False) as opened:
        data = gather_report(opened.db)
    page = report_html(data, [], lambda chart: "", None, browser=True)
    words = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return data, " ".join(words.split())


def _new_domains(path: Path, count: int, *, risky: bool) -> list[str]:
    with Project.open(path, create=False) as opened:
        summary = opening_summary(opened.db)
        assert summary.part["new_domains"].count >= count
        band = "= 0" if risky else "> 0"
        rows = opened.db.execute(
            "SELECT t.domain FROM temp.tl_domains AS t JOIN domain_scores AS s "
            f"ON s.domain = t.domain WHERE t.kind = 'new' AND s.band {band} "
            "AND t.domain GLOB '*[a-z]*' ORDER BY t.domain LIMIT ?", (count,)).fetchall()
    return [row[0] for row in rows]


def test_the_period_is_the_dates_of_the_exports_compared(two_months: Path) -> None:
    data, words = _report(two_months)
    assert (data.since, data.until) == ("20 October 2026", "20 November 2026")
    assert "Period covered From 20 October 2026 to 20 November 2026" in words


def test_what_changed_says_how_many_new_domains_are_risky(two_months: Path) -> None:
    with Project.open(two_months, create=False) as opened:
        parts = opening_summary(opened.db).part
    risky, new = parts["risky_new_domains"].count, parts["new_domains"].count
    assert risky > 0
    data, words = _report(two_months)
    assert data.risky_new_domains == risky
    assert f"{risky:,} of the new referring domains look risky ({100 * risky / new:.1f}%)" \
        in words


def test_marks_alone_are_a_file_being_prepared_not_one_in_use(project: Path) -> None:
    for domain in _new_domains(project, 2, risky=True):
        assert main(["mark", str(project), "--domain", domain, "--disavow",
                     "--reason", "spam burst"]) == 0
    data, words = _report(project)
    assert data.verdict is not None and data.verdict.case == "planned"
    assert "A disavow file is in use" not in words
    # Not "2 domains and 0 pages" (found in a trial: "159 domains and 0 pages").
    assert "A disavow file is being prepared: 2 domains are marked to be disavowed" in words
    with Project.open(project, create=False) as opened:
        write_disavow(opened.db, plan_disavow(opened.db), project.with_name("d.txt"),
                      confirmed=True)
    data, words = _report(project)
    assert data.verdict is not None and data.verdict.case == "file"
    assert "A disavow file is in use: 2 domains." in words


def test_one_domain_and_one_page_are_singular(project: Path) -> None:
    domain, other = _new_domains(project, 2, risky=True)
    with Project.open(project, create=False) as opened:
        (page,) = opened.db.execute("SELECT source_url FROM links WHERE domain = ? LIMIT 1",
                                    (other,)).fetchone()
    assert main(["mark", str(project), "--domain", domain, "--disavow"]) == 0
    assert main(["mark", str(project), "--url", page, "--disavow"]) == 0
    _data, words = _report(project)
    assert "being prepared: 1 domain and 1 page are marked" in words
    with Project.open(project, create=False) as opened:
        plan = plan_disavow(opened.db)
    assert plan.text.splitlines()[1].startswith("# 1 domain and 1 URL. ")


def test_the_disavow_file_names_the_clients_site_wherever_it_is_made(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The project file is acme.linkdesk; the client's site is acme-widgets.com."""
    (domain,) = _new_domains(project, 1, risky=True)
    assert main(["mark", str(project), "--domain", domain, "--disavow"]) == 0
    with Project.open(project, create=False) as opened:
        plan = plan_disavow(opened.db)
    assert plan.text.startswith(f"# Disavow file for {SITE}, written by LinkDesk on ")
    out = tmp_path / "cli.txt"
    assert main(["disavow", str(project), "-o", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == plan.text.splitlines()[0]


def test_the_windows_disavow_file_names_the_clients_site_too(
        open_window: Any, project: Path, tmp_path: Path) -> None:
    (domain,) = _new_domains(project, 1, risky=True)
    assert main(["mark", str(project), "--domain", domain, "--disavow"]) == 0
    window = open_window(project)
    output = tmp_path / "window.txt"
    export = window.marking.export_disavow_file(output)
    assert isinstance(export, DisavowExportDialog)
    if export.plan.needs_confirmation:
        export.confirm.setChecked(True)
    export.save()
    first = output.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(f"# Disavow file for {SITE}, written by LinkDesk on ")


def test_the_reports_band_colours_are_the_windows(two_months: Path, qapp: object) -> None:
    with Project.open(two_months, create=False) as opened:
        profile = gather_report(opened.db).profile
    with theme.printing():
        chart = chart_image(profile, "balance")
    assert chart is not None
    image = QImage.fromData(chart.png)
    painted = {QColor(image.pixel(x, y)).name() for x in range(0, image.width(), 2)
               for y in range(0, image.height(), 2)}
    window = [TINTS["band"][band].name() for band in range(len(BANDS))]
    assert window == [QColor(colour).name() for colour in BAND_COLOURS]
    assert set(window) <= painted  # each band's bar segment, in the window's colour
    assert band_legend() == ("Colours: strong green, fair yellow, weak orange, risky red; "
                             "grey: not scored.")
    # On a greyscale printer: risky darkest, then strong, weak, fair; not scored lightest.
    grey = [qGray(QColor(colour).rgb()) for colour in (*BAND_COLOURS, NOT_SCORED_COLOUR)]
    risky, weak, fair, strong, unscored = grey
    assert risky + 15 < strong and strong + 15 < weak and weak + 15 < fair
    assert fair + 15 < unscored


def test_the_disavow_commands_count_one_as_one(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client_file = tmp_path / "old-disavow.txt"
    client_file.write_text("domain:not-linking-here.example\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["validate-disavow", str(client_file)]) == 0
    assert capsys.readouterr().out.endswith("1 line, 1 entry, 0 errors, 0 warnings: valid\n")
    assert main(["import-disavow", str(project), str(client_file)]) == 0
    out = capsys.readouterr().out
    assert "1 line, 1 domain entry, 0 URL entries, 0 invalid lines" in out
    assert "1 entry matches nothing in the profile" in out
    assert "marks added: 1 domain, 0 links" in out
