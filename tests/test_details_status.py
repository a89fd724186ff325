"""The Links table's details panel says the link's status as the Lost column has it.

The panel showed only the vendors' own lost flag ("Lost: No" in the Merged column) for a link
the Lost column counted lost because no vendor lists it any more, or a live check found it
gone. It now says the status in words, with what says so.

The project: Ahrefs and Semrush in October; in November an Ahrefs export of the client's other
site (10 Nov), then Ahrefs' export of this site (20 Nov) without links 0-30 (only Ahrefs had
them) and with link 40 marked lost.
"""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path
from typing import Any

import pytest
from exportgen import LinkRecord, live_per_page, make_profile, write_ahrefs, write_semrush

from linkdesk.core.checker.model import MISSING, LinkCheck
from linkdesk.core.checker.store import finish_run, save_checks, start_run
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.store import Project
from linkdesk.core.tables import LINKS, Filters, TableQuery, link_details
from linkdesk.core.urls import normalize_url

SITE, OTHER = "acme-widgets.com", "acme-gadgets.net"
OCT, NOV_OTHER, NOV = (datetime.date(2026, 10, 20), datetime.date(2026, 11, 10),
                       datetime.date(2026, 11, 20))


_live = live_per_page


@pytest.fixture(scope="module")
def records() -> list[LinkRecord]:
    return _live(list(make_profile(700, site=SITE, seed=21)))[:400]


@pytest.fixture()
def project(tmp_path: Path, records: list[LinkRecord]) -> Path:
    files = {name: tmp_path / f"{name}.csv" for name in ("a1", "s1", "other", "a2")}
    write_ahrefs(files["a1"], records[:300])
    write_semrush(files["s1"], records[100:400])
    write_ahrefs(files["other"], _live(list(make_profile(40, site=OTHER, seed=5))))
    november = list(records[30:280])
    november[10] = dataclasses.replace(november[10], lost=datetime.date(2026, 11, 3))  # link 40
    write_ahrefs(files["a2"], november)
    path = tmp_path / "acme.linkdesk"
    with Project.open(path) as opened:
        for name, day in (("a1", OCT), ("s1", OCT), ("other", NOV_OTHER), ("a2", NOV)):
            import_file(opened, files[name], ImportOptions(site=SITE, as_of=day))
    return path


def _id(db: Any, record: LinkRecord) -> int:
    source, target = normalize_url(record.source_url), normalize_url(record.target_url)
    assert source is not None and target is not None
    return int(db.execute("SELECT id FROM links WHERE source_url = ? AND target_url = ?",
                          (source[0], target[0])).fetchone()[0])


def _status(db: Any, link_id: int) -> str:
    details = link_details(db, link_id)
    assert details is not None
    return details.status


def test_the_details_say_each_link_s_status_as_the_lost_column_does(
        project: Path, records: list[LinkRecord]) -> None:
    with Project.open(project) as opened:
        db = opened.db
        dropped, kept, vendor_lost = (_id(db, records[0]), _id(db, records[150]),
                                      _id(db, records[40]))
        assert _status(db, dropped) == ("No longer reported since 2026-11-20 (Ahrefs' export "
                                        "of 2026-11-20 no longer lists it)")
        assert _status(db, kept) == "Live"
        assert _status(db, vendor_lost) == "Lost (vendor: Ahrefs, 2026-11-03)"
        gone = _id(db, records[200])
        run = start_run(db, 1, {})
        save_checks(db, run, [LinkCheck(gone, MISSING, detail="no link to the target")])
        finish_run(db, run, links=1, pages=1, requests=1, cancelled=False)
        today = db.execute("SELECT substr(checked_at, 1, 10) FROM link_checks").fetchone()[0]
        assert _status(db, gone) == f"Gone (live check {today}: Missing)"
        # Every link: lost in the table exactly when its details do not read "Live".
        lost = set(TableQuery(db, LINKS, Filters(lost=True)).ordered_ids())
        every = [row[0] for row in db.execute("SELECT id FROM links")]
        assert {i for i in every if _status(db, i) != "Live"} == lost
        assert {dropped, vendor_lost, gone} <= lost and len(lost) == 32


def test_the_panel_shows_the_status_in_the_merged_column(
        qtbot: Any, project: Path, records: list[LinkRecord]) -> None:
    from linkdesk.ui.views.details import DetailsPanel

    panel = DetailsPanel()
    qtbot.addWidget(panel)
    with Project.open(project) as opened:
        details = link_details(opened.db, _id(opened.db, records[0]))
    assert details is not None
    panel.show_link(details)
    grid = panel.grid
    rows = {grid.verticalHeaderItem(r).text(): r for r in range(grid.rowCount())}
    assert grid.item(rows["Status"], 0).text().startswith("No longer reported since 2026-11-20")
    assert "Lost" not in rows  # the tools' flags read as theirs
