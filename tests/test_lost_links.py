"""A link no vendor reports any more reads as lost everywhere, as `linkdesk changes` says.

Found by a user trial at 340k links: a link in month 1's Ahrefs export and absent from month
2's kept `lost = 0`, so the tables' Live/Lost filter, the Dashboard's lost share and the
report counted it live while `linkdesk changes` called it lost (no_longer_reported).

The project: month 1 (20 Oct) Ahrefs and Semrush, month 2 (20 Nov) Ahrefs alone.
"""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

import pytest
from exportgen import LinkRecord, live_per_page, make_profile, write_ahrefs, write_semrush

from linkdesk.core.checker.model import LIVE as CHECK_LIVE
from linkdesk.core.checker.model import LinkCheck
from linkdesk.core.checker.store import finish_run, save_checks, start_run
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.profile.report import build_report
from linkdesk.core.report import gather_report
from linkdesk.core.scoring import rescore
from linkdesk.core.stats import project_stats
from linkdesk.core.store import Project
from linkdesk.core.tables import DOMAINS, LINKS, Filters, TableQuery
from linkdesk.core.timeline import compute_changes, now, on_day
from linkdesk.core.urls import normalize_url

SITE = "acme-widgets.com"
LIVE, NOT_REPORTED = 1, 2  # links.status (linkdesk/core/link_status.py)
OCT, NOV = datetime.date(2026, 10, 20), datetime.date(2026, 11, 20)


_live_in_exports = live_per_page


@pytest.fixture(scope="module")
def records() -> list[LinkRecord]:
    return _live_in_exports(list(make_profile(700, site=SITE, seed=21)))[:400]


def _import(project: Project, path: Path, day: datetime.date, site: str = SITE) -> None:
    import_file(project, path, ImportOptions(site=site, as_of=day))


def _ids(db: sqlite3.Connection, records: list[LinkRecord]) -> set[int]:
    found: set[int] = set()
    for record in records:
        source, target = normalize_url(record.source_url), normalize_url(record.target_url)
        assert source is not None and target is not None
        found |= {row[0] for row in db.execute(
            "SELECT id FROM links WHERE source_url = ? AND target_url = ?",
            (source[0], target[0]))}
    assert len(found) == len(records)
    return found


def _two_months(tmp_path: Path, records: list[LinkRecord]) -> Path:
    """Ahrefs 0-300 and Semrush 100-400 in October; Ahrefs 30-280 in November: 0-30 only
    Ahrefs had, now no longer reported; 280-300 Semrush still lists."""
    a1, s1, a2 = tmp_path / "a1.csv", tmp_path / "s1.csv", tmp_path / "a2.csv"
    write_ahrefs(a1, records[:300])
    write_semrush(s1, records[100:400])
    write_ahrefs(a2, records[30:280])
    path = tmp_path / "acme.linkdesk"
    with Project.open(path) as project:
        _import(project, a1, OCT)
        _import(project, s1, OCT)
        _import(project, a2, NOV)
    return path


def test_links_every_vendor_dropped_are_lost_in_tables_dashboard_report_and_changes(
        tmp_path: Path, records: list[LinkRecord]) -> None:
    path = _two_months(tmp_path, records)
    with Project.open(path) as project:
        db = project.db
        dropped, kept_by_semrush = _ids(db, records[:30]), _ids(db, records[280:300])
        # changes: these links, no longer reported
        changes = compute_changes(db, on_day(db, OCT), now())
        lost = {row[0] for row in db.execute(
            "SELECT link_id FROM temp.tl_changes WHERE kind = 'lost' "
            "AND reason = 'no_longer_reported'")}
        assert lost == dropped
        assert changes.counts.lost_links == len(dropped)
        # the Links table's Lost filter, and Live: the same links
        lost_rows = set(TableQuery(db, LINKS, Filters(lost=True)).ordered_ids())
        live_rows = set(TableQuery(db, LINKS, Filters(lost=False)).ordered_ids())
        assert lost_rows == dropped
        assert not live_rows & dropped and kept_by_semrush <= live_rows
        statuses = dict(db.execute("SELECT id, status FROM links"))
        assert {statuses[i] for i in dropped} == {NOT_REPORTED}
        assert {statuses[i] for i in kept_by_semrush} == {LIVE}
        # the Referring domains table's lost links, and the stats
        assert project_stats(db)["lost_links"] == len(dropped)
        lost_domains = set(TableQuery(db, DOMAINS, Filters(lost=True)).ordered_ids())
        assert len(lost_domains) > 0
        # the Dashboard's lost share and the report's, after scoring
        rescore(db)
        report = build_report(db)
        assert report.attributes is not None
        assert report.attributes.rel.lost == len(dropped)
        data = gather_report(db)
        assert data.profile.attributes is not None
        assert data.profile.attributes.rel.lost == len(dropped)
        gone_domains = {row[0] for row in db.execute(
            "SELECT domain FROM links GROUP BY domain HAVING min(status) <> 1")}
        assert gone_domains  # some domain had only dropped links
        shown = {row.domain for row in data.strongest.rows + data.risky.rows}
        assert not shown & gone_domains


def test_a_live_check_that_finds_the_link_keeps_it_live(
        tmp_path: Path, records: list[LinkRecord]) -> None:
    path = _two_months(tmp_path, records)
    with Project.open(path) as project:
        db = project.db
        found = min(_ids(db, records[:1]))
        run = start_run(db, 1, {})
        save_checks(db, run, [LinkCheck(found, CHECK_LIVE, found=1)])
        finish_run(db, run, links=1, pages=1, requests=1, cancelled=False)
        compute_changes(db, on_day(db, OCT), now())
        lost = {row[0] for row in db.execute("SELECT link_id FROM temp.tl_changes "
                                             "WHERE kind = 'lost'")}
        assert found not in lost and len(lost) == 29
        assert set(TableQuery(db, LINKS, Filters(lost=True)).ordered_ids()) == lost
        assert db.execute("SELECT status FROM links WHERE id = ?", (found,)).fetchone()[0] == LIVE


def test_an_export_of_another_target_site_marks_nothing(
        tmp_path: Path, records: list[LinkRecord]) -> None:
    """A newer, partial Ahrefs export of the client's other site says nothing of the links to
    this one."""
    a1, other = tmp_path / "a1.csv", tmp_path / "other.csv"
    write_ahrefs(a1, records[:300])
    write_ahrefs(other, _live_in_exports(list(make_profile(40, site="acme-gadgets.net", seed=5))))
    with Project.open(tmp_path / "acme.linkdesk") as project:
        db = project.db
        _import(project, a1, OCT)
        _import(project, other, NOV, site=SITE)
        changes = compute_changes(db, on_day(db, OCT), now())
        assert changes.counts.lost_links == 0
        assert set(TableQuery(db, LINKS, Filters(lost=True)).ordered_ids()) == set()
        assert db.execute("SELECT count(*) FROM links WHERE status <> 1").fetchone()[0] == 0


def _lost_signal(db: sqlite3.Connection, ids: set[int]) -> set[int]:
    listed = ",".join(map(str, ids))
    return {row[0] for row in db.execute(
        f"SELECT DISTINCT lost FROM link_features WHERE link_id IN ({listed})")}


def test_a_link_no_longer_reported_weighs_as_a_lost_one_and_a_check_gives_it_back(
        tmp_path: Path, records: list[LinkRecord]) -> None:
    """Scored after month 1, re-scored after month 2 (its dropped links' domains touched by
    no row of the new export) and after a live check that finds one of them."""
    a1, s1, a2 = tmp_path / "a1.csv", tmp_path / "s1.csv", tmp_path / "a2.csv"
    write_ahrefs(a1, records[:300])
    write_semrush(s1, records[100:400])
    write_ahrefs(a2, records[30:280])
    with Project.open(tmp_path / "acme.linkdesk") as project:
        db = project.db
        _import(project, a1, OCT)
        _import(project, s1, OCT)
        rescore(db)
        dropped = _ids(db, records[:30])
        assert _lost_signal(db, dropped) == {0}
        _import(project, a2, NOV)
        rescore(db)
        assert _lost_signal(db, dropped) == {-1000}
        assert _lost_signal(db, _ids(db, records[280:300])) == {0}
        found = min(dropped)
        run = start_run(db, 1, {})
        save_checks(db, run, [LinkCheck(found, CHECK_LIVE, found=1)])
        finish_run(db, run, links=1, pages=1, requests=1, cancelled=False)
        rescore(db)
        assert _lost_signal(db, {found}) == {0}
        assert _lost_signal(db, dropped - {found}) == {-1000}
