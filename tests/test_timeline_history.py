"""The profile over time (core/timeline/history.py): referring domains per band at each
export day, strong domains gained and lost, disavowed domains; following the table filters.

The three months of Ahrefs and Semrush exports of tests/test_timeline.py, imported in
several orders: each named domain must be counted exactly at the months it was live.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_timeline import MONTHS, ORDERS, SITE, exports  # noqa: F401 (fixture)

from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.marks import MarkKind, Target, mark
from linkdesk.core.scoring import rescore
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, scored_tables, with_marks
from linkdesk.core.timeline import profile_history
from linkdesk.core.timeline.history import history_days

DAYS = tuple(day.isoformat() for day in MONTHS)


def _project(tmp_path: Path, files: dict[str, Path], order: str) -> Project:
    project = Project.open(tmp_path / "p.linkdesk", create=True)
    for name in order.split():
        import_file(project, files[name], ImportOptions(site=SITE))
    return project


def _domains(project: Project, search: str) -> list[int]:
    history = profile_history(project.db, Filters(search=search))
    assert [point.day for point in history.points] == list(DAYS)
    assert history.filtered
    return [point.domains for point in history.points]


@pytest.mark.parametrize("order", ORDERS)
def test_each_domain_counts_at_the_months_it_was_live(
        tmp_path: Path, exports: dict[str, Path], order: str) -> None:  # noqa: F811
    with _project(tmp_path, exports, order) as project:
        assert _domains(project, "bothdropoct.org") == [1, 0, 0]
        assert _domains(project, "bothdropnov.org") == [1, 1, 0]
        assert _domains(project, "newoct.org") == [0, 1, 1]
        assert _domains(project, "newnov.org") == [0, 0, 1]
        assert _domains(project, "ahrefsdrops.org") == [1, 1, 1]  # Semrush still has it
        assert _domains(project, "ahrefslost.org") == [1, 1, 0]  # Ahrefs: lost
        assert _domains(project, "semrushlost.org") == [1, 1, 1]  # Ahrefs: still live
        everything = profile_history(project.db)
        assert not everything.filtered and not everything.monthly
        totals = [point.domains for point in everything.points]
        # October: newoct arrives, bothdropoct leaves; November: newnov arrives, bothdropnov,
        # ahrefslost and disavowedgone leave (mixedgone keeps a link the tools report).
        assert totals[1] - totals[0] == 0 and totals[2] - totals[1] == 1 - 3
        assert all(point.bands[:4] == (0, 0, 0, 0) for point in everything.points)


def test_strong_domains_gained_and_lost_and_disavowed_domains(
        tmp_path: Path, exports: dict[str, Path]) -> None:  # noqa: F811
    with _project(tmp_path, exports, ORDERS[0]) as project:
        db = project.db
        rescore(db)
        mark(db, Target(domains=("disavowedgone.org",)), MarkKind.DISAVOW, "spam")
        # Today's bands decide: make the two domains that come and go in October strong.
        db.execute("UPDATE domain_scores SET band = 3 WHERE domain IN "
                   "('bothdropoct.org', 'newoct.org')")
        links, domains = scored_tables(db) or (None, None)
        assert links is not None and domains is not None
        tables = (with_marks(links), with_marks(domains))
        history = profile_history(db, Filters(), tables)
        assert history.scored
        assert [(p.strong_gained, p.strong_lost) for p in history.points][1] == (1, 1)
        assert [p.disavowed for p in history.points] == [1, 1, 0]
        strong = profile_history(db, Filters(band=3), tables)
        assert all(p.bands[3] and p.domains == p.bands[3] for p in strong.points)
        marked = profile_history(db, Filters(marked="disavow"), tables)
        assert [p.domains for p in marked.points] == [1, 1, 0]


def test_many_export_days_become_one_point_a_month() -> None:
    days = [f"2026-{month:02d}-{day:02d}" for month in range(1, 8) for day in (3, 10, 17, 24)]
    chosen, monthly = history_days(days)
    assert monthly and chosen == [f"2026-{month:02d}-24" for month in range(1, 8)]
    assert history_days(days[:5]) == (days[:5], False)
