"""The report's page breaks: the arithmetic row pass (paging.py, table_rows.py) gives the
same pages as pushing rows one at a time (paging.py's own row-by-row fallback, with the plan
made empty), with a layout per run of rows instead of one per pushed row."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from test_report import _project

from linkdesk.core.report import ReportData, gather_report
from linkdesk.core.report.placements import PlacedLink, PlacementsReport
from linkdesk.core.store import Project


def _placements(count: int, seed: int) -> PlacementsReport:
    """`count` placements that differ from what was agreed, rows of many heights."""
    rng = random.Random(seed)
    rows = [PlacedLink(
        page=f"https://blog{n}.example.com/" + "/".join(
            f"part-{i}" for i in range(rng.randint(1, 9))),
        type="guest_post", placed_on="2026-03-02", expires_on=None, price=100.0 + n,
        currency="EUR", status="changed",
        differences=("rel", "anchor", "target")[: 1 + n % 3], agreed_rel="follow",
        found_rel="nofollow", agreed_anchor="Acme widgets " * rng.randint(1, 12),
        found_anchor="click here") for n in range(count)]
    return PlacementsReport(total=count, by_status={"changed": count},
                            by_type={"guest_post": count}, spend_by_type={},
                            spend={"EUR": 1.0}, strong_domains=0, strong_spend={}, rows=rows)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ReportData:
    path = _project(Path(tmp_path_factory.mktemp("paging")), 600)
    with Project.open(path, create=False) as project:
        return gather_report(project.db)


def _blocks(document: object) -> list[tuple[int, float, int]]:
    """(position, top, page) of every block."""
    layout, height = document.documentLayout(), document.pageSize().height()  # type: ignore[attr-defined]
    found, block = [], document.begin()  # type: ignore[attr-defined]
    while block.isValid():
        top = layout.blockBoundingRect(block).top()
        found.append((block.position(), round(top, 3), int((top + 0.5) // height)))
        block = block.next()
    return found


@pytest.mark.parametrize(("rows", "height", "seed"), [(90, 700.0, 1), (60, 911.0, 2)])
def test_the_row_pass_breaks_pages_as_pushing_rows_one_by_one(
        qapp: object, report: ReportData, monkeypatch: pytest.MonkeyPatch, rows: int,
        height: float, seed: int) -> None:
    from PySide6.QtCore import QSizeF

    from linkdesk.ui.report import document as report_document
    from linkdesk.ui.report import paging
    from linkdesk.ui.report.table_rows import RowPlan

    report.placements = _placements(rows, seed)
    new = report_document.build_document(report, [], None, QSizeF(600, height))
    # A plan that foresees nothing: every row is left to `_keep_row`, pushed one at a time.
    monkeypatch.setattr(paging, "plan_rows",
                        lambda _document, _table, start, _height, _measures: RowPlan(stop=start))
    old = report_document.build_document(report, [], None, QSizeF(600, height))
    assert new.pageCount() == old.pageCount() > 10
    assert _blocks(new) == _blocks(old)


def test_a_long_placements_list_is_laid_out_a_few_times_not_once_per_pushed_row(
        qapp: object, report: ReportData) -> None:
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QTextDocument

    from linkdesk.ui.report.html import report_html
    from linkdesk.ui.report.paging import keep_together

    report.placements = _placements(200, 3)
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setHtml(report_html(report, [], lambda _chart: "", None, browser=False))
    document.setPageSize(QSizeF(600, 700))
    edits: list[object] = []  # each change is a layout of the rest of the document
    document.contentsChange.connect(lambda *change: edits.append(change))
    keep_together(document)
    # The list alone runs over some 30 pages, each a row pushed (before: 5 layouts a row).
    assert document.pageCount() > 45
    assert 0 < len(edits) < 25, len(edits)


def test_the_renewal_list_is_as_long_as_the_placements_list_at_most() -> None:
    """A ledger bought in one go expires in one go: 70,000 rows of renewals made a PDF of
    thousands of pages whose layout took minutes (and held the window: see document.py)."""
    import dataclasses

    from linkdesk.core.report.placements import PLACEMENT_ROWS
    from linkdesk.core.report.texts import text
    from linkdesk.ui.report.html import number
    from linkdesk.ui.report.placements_section import placements_section

    placements = _placements(PLACEMENT_ROWS + 300, 4)
    placements.expiring = [dataclasses.replace(row, expires_on="2026-12-20")
                           for row in placements.rows]
    html = "".join(placements_section(placements, "acme-widgets.com"))
    renewals = html[html.index(text("placements_expiring_title")):]
    assert renewals.count("<tr>") == PLACEMENT_ROWS + 1  # the header and the rows shown
    assert text("more_rows", count=number(300)) in renewals
