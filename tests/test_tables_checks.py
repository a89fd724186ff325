"""The Check and Checked columns and the `check` filter (tables/checks.py), and schema v4."""

from __future__ import annotations

import random
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_tables import build_project, reference_order

from linkdesk.core.checker import (
    LIVE,
    MISSING,
    PAGE_ERROR,
    STATUSES,
    LinkCheck,
    changes,
    check_history,
    latest_check,
)
from linkdesk.core.checker.store import finish_run, save_checks, start_run
from linkdesk.core.store import Project, schema
from linkdesk.core.tables import (
    CHECK_LABELS,
    DOMAINS,
    LINKS,
    UNCHECKED,
    Filters,
    Follow,
    Sort,
    TableQuery,
    scored_links,
    with_checks,
    with_marks,
)

CHECKED = with_checks(LINKS)


def check_code(status: str, http_code: int | None = None) -> int:
    """The Check column's value, worked out here: the status's place in STATUSES from 1; a
    page error with an HTTP code, 1000 + the code."""
    if status == PAGE_ERROR and http_code is not None:
        return 1000 + http_code
    return STATUSES.index(status) + 1


def _outcome(link_id: int, status: str, rng: random.Random) -> LinkCheck:
    """A check result as the checker stores it for this status."""
    if status == LIVE:
        return LinkCheck(link_id, LIVE, 200, found=1, anchor=rng.choice(["Acme", "widgets"]),
                         nofollow=rng.random() < 0.3, ugc=False, sponsored=False, noindex=False)
    if status == MISSING:
        return LinkCheck(link_id, MISSING, 200, noindex=False, detail="no link to the target")
    if status == PAGE_ERROR:
        return LinkCheck(link_id, PAGE_ERROR, rng.choice([404, 410, 500]))
    return LinkCheck(link_id, status, detail=status)


def _run(db: sqlite3.Connection, checks: list[LinkCheck]) -> int:
    run_id = start_run(db, len(checks), {"test": True})
    for start in range(0, len(checks), 97):  # saved in batches, as the checker does
        save_checks(db, run_id, checks[start : start + 97])
    finish_run(db, run_id, links=len(checks), pages=len(checks), requests=len(checks),
               cancelled=False)
    return run_id


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tables' sample project; two thirds of its links checked, some of them twice."""
    path = build_project(tmp_path_factory.mktemp("checks") / "sample.linkdesk", links=500)
    rng = random.Random(7)
    with Project.open(path) as project:
        ids = [row[0] for row in project.db.execute("SELECT id FROM links ORDER BY id")]
        first = [_outcome(i, rng.choice(STATUSES), rng) for i in ids if rng.random() < 0.67]
        _run(project.db, first)
        again = [_outcome(c.link_id, rng.choice((LIVE, MISSING, PAGE_ERROR)), rng)
                 for c in first if rng.random() < 0.4]
        _run(project.db, again)
    return path


@pytest.fixture
def db(sample: Path) -> Iterator[sqlite3.Connection]:
    with Project.open(sample) as project:
        yield project.db


def _latest(db: sqlite3.Connection) -> dict[int, LinkCheck | None]:
    """Every link's latest check, read through the checker's own API."""
    ids = [row[0] for row in db.execute("SELECT id FROM links")]
    return {i: (stored.check if (stored := latest_check(db, i)) else None) for i in ids}


def test_columns_are_placed_and_compose_with_scores_and_marks(db: sqlite3.Connection) -> None:
    names = [column.name for column in CHECKED.columns]
    assert names[names.index("rel") + 1] == "check"
    assert names[names.index("last_seen") + 1] == "checked"
    assert CHECKED.supports("check") and not LINKS.supports("check")
    with pytest.raises(ValueError):
        with_checks(DOMAINS)
    everything = with_checks(with_marks(scored_links(db)))
    names = [column.name for column in everything.columns]
    assert {"quality", "band", "risk", "mark", "check", "checked"} <= set(names)
    assert len(names) == len(set(names))
    query = TableQuery(db, everything, Filters(check=LIVE, follow=Follow.DOFOLLOW))
    assert query.count() > 0


def test_values_and_labels_are_the_latest_check(db: sqlite3.Connection) -> None:
    latest = _latest(db)
    ids = list(TableQuery(db, CHECKED).ordered_ids())
    rows = TableQuery(db, CHECKED).rows(ids)
    position = CHECKED.column_index("check")
    dates = CHECKED.column_index("checked")
    seen_labels = set()
    for link_id, check in latest.items():
        value, date = rows[link_id][position], rows[link_id][dates]
        if check is None:
            assert value is None and date is None
            continue
        assert value == check_code(check.status, check.http_code)
        label = CHECK_LABELS[value]
        seen_labels.add(label.split()[0])
        if check.status == PAGE_ERROR:
            assert label == f"Page error {check.http_code}"
        assert len(date) == 10 and date[4] == "-"
    assert {"Live", "Missing", "Page", "Redirected", "Blocked", "Timeout", "DNS"} <= seen_labels
    assert None in latest.values()


@pytest.mark.parametrize("value", [*STATUSES, UNCHECKED])
def test_check_filter_matches_the_latest_status(db: sqlite3.Connection, value: str) -> None:
    latest = _latest(db)
    expected = {i for i, check in latest.items()
                if (check is None if value == UNCHECKED else check and check.status == value)}
    assert expected, value
    found = set(TableQuery(db, CHECKED, Filters(check=value)).ordered_ids())
    assert found == expected


def test_check_filter_combines_and_refuses_unknown_values(db: sqlite3.Connection) -> None:
    live = set(TableQuery(db, CHECKED, Filters(check=LIVE)).ordered_ids())
    dofollow = set(TableQuery(db, CHECKED, Filters(follow=Follow.DOFOLLOW)).ordered_ids())
    both = set(TableQuery(db, CHECKED, Filters(check=LIVE, follow=Follow.DOFOLLOW))
               .ordered_ids())
    assert both == live & dofollow and 0 < len(both) < len(live)
    with pytest.raises(ValueError, match="unknown check status"):
        TableQuery(db, CHECKED, Filters(check="gone"))
    with pytest.raises(ValueError, match="cannot be filtered"):
        TableQuery(db, LINKS, Filters(check=LIVE))


@pytest.mark.parametrize("column", ["check", "checked"])
def test_sorts_as_sql_does_and_from_an_index(db: sqlite3.Connection, column: str) -> None:
    statements: list[str] = []
    for descending in (False, True):
        query = TableQuery(db, CHECKED, sort=Sort(column, descending))
        db.set_trace_callback(statements.append)
        try:
            ids = list(query.ordered_ids())
        finally:
            db.set_trace_callback(None)
        assert ids == reference_order(db, query), (column, descending)
    # Both halves (known values in order, then blanks) are read from indexes, never sorted.
    orders = [sql.split(" FROM (", 1)[1].rsplit(")", 1)[0] for sql in statements
              if sql.startswith("SELECT group_concat(id)")]
    assert len(orders) == 4
    for sql in orders:
        plan = " / ".join(row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "TEMP B-TREE" not in plan, (sql, plan)
    checked_order = [row for row in TableQuery(db, CHECKED, sort=Sort("checked")).ordered_ids()]
    check_ids = [db.execute("SELECT check_id FROM check_latest WHERE link_id = ?", (i,))
                 .fetchone() for i in checked_order]
    known = [row[0] for row in check_ids if row is not None]
    assert known == sorted(known) and check_ids[len(known):] == [None] * (
        len(check_ids) - len(known))


def test_changes_and_history_follow_the_two_runs(db: sqlite3.Connection) -> None:
    changed = changes(db)
    assert changed and all(change.what for change in changed)
    some = changed[0]
    history = check_history(db, some.link_id)
    assert len(history) == 2 and history[0].check == some.after.check


# -- schema v4 ---------------------------------------------------------------------------------


def _v3_project(path: Path, monkeypatch: pytest.MonkeyPatch, links: int = 3) -> int:
    """A project made by a LinkDesk with schema v3 (marks, no check tables), with links."""
    with monkeypatch.context() as patch:
        patch.setattr("linkdesk.core.store.project.MIGRATIONS", schema.MIGRATIONS[:3])
        patch.setattr("linkdesk.core.store.project.SCHEMA_VERSION", 3)
        with Project.open(path) as project:
            project.db.executemany(
                "INSERT INTO links(source_url, target_url, source_host, domain) "
                "VALUES (?, 'https://acme-widgets.com/', 'blog.example', 'example')",
                [(f"https://blog.example/{n}",) for n in range(links)])
            assert project.db.execute("PRAGMA user_version").fetchone()[0] == 3
            names = {row[0] for row in project.db.execute("SELECT name FROM sqlite_schema")}
    assert "link_marks" in names and "check_latest" not in names
    return links


def test_a_v3_project_upgrades_to_the_check_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.linkdesk"
    links = _v3_project(path, monkeypatch)
    assert schema.MIGRATIONS[3].__name__ == "_v4_checks"
    with Project.open(path) as project:
        db = project.db
        assert db.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 4
        indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_schema")}
        assert {"check_runs", "link_checks", "check_latest", "latest_checks",
                "check_latest_status", "check_latest_check", "link_checks_link"} <= indexes
        assert TableQuery(db, CHECKED, Filters(check=UNCHECKED)).count() == links
        _run(db, [LinkCheck(1, LIVE, 200, found=1, nofollow=False, ugc=False,
                            sponsored=False, noindex=False)])
        assert TableQuery(db, CHECKED, Filters(check=LIVE)).count() == 1
    assert path.with_name("old.linkdesk.v3.bak").exists()
