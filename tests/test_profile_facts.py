"""The links' facts the dashboard counts (scoring/facts.py, profile/links.py).

They are copies: the `rel` bits, months and anchor groups stored with the scores must select
and group exactly what the tables' filters and the Anchors table do on `links` itself.
"""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_profile import link_ids
from test_tables_scores import build_scored_project

from linkdesk.core.profile import (
    NOT_SCORED,
    anchor_mix,
    build_report,
    link_facts,
    make_scope,
    materialize,
)
from linkdesk.core.profile.scope import LINKS_TEMP
from linkdesk.core.scoring import rescore
from linkdesk.core.scoring.engine import forget_signals
from linkdesk.core.scoring.facts import month_sql
from linkdesk.core.store import Project, schema
from linkdesk.core.tables import (
    ANCHORS,
    DOMAINS,
    Filters,
    Follow,
    TableQuery,
    scored_domains,
)

# Every filter the facts answer without `links`, each value, and mixes with other filters.
FACT_CASES = [
    Filters(follow=Follow.DOFOLLOW),
    Filters(follow=Follow.NOFOLLOW),
    Filters(lost=True),
    Filters(lost=False),
    Filters(google_seen=True),
    Filters(google_seen=False),
    *(Filters(band=band) for band in range(4)),
    *(Filters(risk=level) for level in range(4)),
    Filters(follow=Follow.DOFOLLOW, lost=False, band=1),
    *(Filters(vendor=vendor) for vendor in ("ahrefs", "majestic", "moz", "semrush", "gsc")),
    Filters(follow=Follow.NOFOLLOW, vendor="ahrefs"),
    Filters(search="forum", vendor="majestic"),  # the search needs `links`
    Filters(search="blog", band=2),
]


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_project(tmp_path_factory.mktemp("facts") / "facts.linkdesk", 500)


@pytest.fixture
def db(scored: Path) -> Iterator[sqlite3.Connection]:
    with Project.open(scored) as project:
        yield project.db


def shown(db: sqlite3.Connection, filters: Filters) -> int:
    """How many rows the Links table shows under `filters`."""
    return len(link_ids(db, filters))


@pytest.mark.parametrize("filters", FACT_CASES, ids=lambda filters: repr(filters.active()))
def test_the_facts_select_what_the_link_filters_select(db: sqlite3.Connection,
                                                       filters: Filters) -> None:
    expected = shown(db, filters)
    facts = link_facts(db, make_scope(db, filters))
    assert len(facts) == expected
    assert expected > 0 or filters.risk is not None  # the sample has every kind but a risk


@pytest.mark.parametrize("vendor", ["ahrefs", "majestic", "moz", "semrush", "generic", "gsc"])
def test_the_domains_vendors_select_what_their_links_select(db: sqlite3.Connection,
                                                            vendor: str) -> None:
    # Scored, the Referring domains table filters by the vendors kept per domain.
    def ids(spec: object) -> list[int]:
        return sorted(TableQuery(db, spec, Filters(vendor=vendor)).ordered_ids())

    assert ids(scored_domains(db)) == ids(DOMAINS)
    assert ids(DOMAINS) or vendor == "generic"  # the sample has no generic export


def test_filters_on_the_scores_alone_make_no_temporary_table(db: sqlite3.Connection) -> None:
    scope = make_scope(db, Filters(band=0, follow=Follow.DOFOLLOW, lost=False))
    assert scope.facts is not None and "links" not in scope.facts.source
    link_facts(db, scope)
    assert db.execute("SELECT count(*) FROM temp.sqlite_schema WHERE name = ?",
                      (LINKS_TEMP.split(".")[1],)).fetchone()[0] == 0
    searched = make_scope(db, Filters(search="blog"))
    assert searched.facts is None
    assert materialize(db, searched).facts is not None


def test_the_facts_hold_each_links_months_and_rel(db: sqlite3.Connection) -> None:
    facts = link_facts(db, make_scope(db))
    rows = db.execute("SELECT first_seen, status <> 1, coalesce(lost_at, last_seen), nofollow "
                      "FROM links").fetchall()

    def month(date: str | None) -> int:
        return int(date[:4]) * 12 + int(date[5:7]) - 1 if date else -1

    assert Counter(facts.first_month.tolist()) == Counter(month(row[0]) for row in rows)
    assert Counter(facts.lost_month.tolist()) == Counter(
        month(row[2]) if row[1] == 1 else -1 for row in rows)
    assert int((facts.rel & 2 > 0).sum()) == sum(row[3] == 1 for row in rows)


def test_anchors_group_as_the_anchors_table_groups(scored: Path, tmp_path: Path) -> None:
    copy = tmp_path / "anchors.linkdesk"
    copy.write_bytes(scored.read_bytes())
    variants = ["Blue Widgets", "blue widgets", "BLUE WIDGETS", "Ünïque Anchor", "ünïque anchor"]
    with Project.open(copy) as project:
        db = project.db
        ids = [row[0] for row in db.execute("SELECT id FROM links ORDER BY id LIMIT 400")]
        with db:
            for index, link_id in enumerate(ids):
                db.execute("UPDATE links SET anchor = ? WHERE id = ?",
                           (variants[index % len(variants)] if index < 300 else None, link_id))
            forget_signals(db)  # anchors changed without an import
        rescore(db)
        scope = make_scope(db)
        mix = anchor_mix(db, scope, link_facts(db, scope), top=5)
        # The texts and counts the Anchors table shows (tables/anchors.py groups so).
        expected = db.execute("SELECT min(anchor), count(*) AS n FROM links "
                              "GROUP BY anchor COLLATE NOCASE ORDER BY n DESC LIMIT 5").fetchall()
        assert [n for _, n in mix.top] == [n for _, n in expected]
        assert dict(mix.top) == dict(expected)
        texts = dict(mix.top)
        # ASCII case folds, as COLLATE NOCASE does; the other letters' case does not.
        assert texts["BLUE WIDGETS"] >= 180 and None in texts
        assert texts["Ünïque Anchor"] >= 60 and texts["ünïque anchor"] >= 60


def test_a_filtered_top_anchor_is_spelt_as_its_links_in_scope_spell_it(
        scored: Path, tmp_path: Path) -> None:
    copy = tmp_path / "spelling.linkdesk"
    copy.write_bytes(scored.read_bytes())
    with Project.open(copy) as project:
        db = project.db
        with db:  # one spelling on lost links, another on live ones
            db.execute("UPDATE links SET anchor = CASE WHEN status <> 1 THEN 'Zebra Widgets' "
                       "ELSE 'zebra widgets' END WHERE id % 3 = 0")
            forget_signals(db)
        rescore(db)
        for filters, spelling in ((Filters(lost=False), "zebra widgets"),
                                  (Filters(lost=True), "Zebra Widgets"),
                                  (Filters(), "Zebra Widgets")):  # min(), as the table shows
            scope = make_scope(db, filters)
            top = dict(anchor_mix(db, scope, link_facts(db, scope), top=3).top)
            expected = db.execute(
                "SELECT min(anchor), count(*) FROM links WHERE anchor = 'zebra widgets' "
                f"COLLATE NOCASE AND id IN ({','.join(map(str, link_ids(db, filters)))})"
            ).fetchone()
            assert top.get(spelling) == expected[1] and expected[0] == spelling


def test_the_charts_work_beside_the_anchors_tables_temporary_groups(
        db: sqlite3.Connection) -> None:
    # The Anchors table keeps `temp.anchor_groups` on the connection that shows it.
    TableQuery(db, ANCHORS, Filters()).count()
    report = build_report(db)
    assert report.anchors is not None and report.anchors.top


def test_odd_values_in_the_links_are_selected_as_the_tables_select_them(
        scored: Path, tmp_path: Path) -> None:
    copy = tmp_path / "odd.linkdesk"
    copy.write_bytes(scored.read_bytes())
    with Project.open(copy) as project:
        db = project.db
        with db:  # not what importers write, but what a filter must still agree with
            db.execute("UPDATE links SET nofollow = 2 WHERE id % 7 = 0")
            db.execute("UPDATE links SET status = 7 WHERE id % 11 = 0")
            db.execute("UPDATE links SET ugc = -1 WHERE id % 13 = 0")
            db.execute("UPDATE links SET google_seen = 2 WHERE id % 17 = 0")
            forget_signals(db)
        rescore(db)
        for filters in FACT_CASES:
            assert len(link_facts(db, make_scope(db, filters))) == shown(db, filters), filters


def test_domains_without_links_count_but_are_not_on_the_map(scored: Path,
                                                            tmp_path: Path) -> None:
    copy = tmp_path / "linkless.linkdesk"
    copy.write_bytes(scored.read_bytes())
    with Project.open(copy) as project:
        db = project.db
        with db:  # a domain only Search Console's top linking sites lists, marked
            db.execute("INSERT INTO referring_domains (domain, links, hosts, dofollow_links, "
                       "lost_links, google_seen) VALUES ('gsc-only.example', 0, 0, 0, 0, 1)")
            db.execute("INSERT INTO domain_marks (domain, kind, marked_at) "
                       "VALUES ('gsc-only.example', 'disavow', '2026-11-26T00:00:00Z')")
        report = build_report(db)
        total = db.execute("SELECT count(*) FROM referring_domains").fetchone()[0]
        assert report.balance is not None and report.map is not None
        assert report.balance.domains == total and report.balance.marked_domains == 1
        assert report.balance.domain_bands[NOT_SCORED] == 1
        assert len(report.map) == total - 1 and not report.map.marked.any()
        assert report.quality is not None and report.quality.domains.total == total - 1


@pytest.mark.parametrize(("date", "month"), [
    ("2024-03-05", 2024 * 12 + 2), ("2024-03-05T10:00:00Z", 2024 * 12 + 2),
    (None, -1), ("not a date", -1), ("9999-01-01", -1), ("", -1),
])
def test_months_of_dates(date: str | None, month: int) -> None:
    db = sqlite3.connect(":memory:")
    assert db.execute(f"SELECT {month_sql(':date')}", {"date": date}).fetchone()[0] == month


def test_older_projects_get_the_facts_at_the_next_rescore(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.linkdesk"
    before = schema.MIGRATIONS[:4]
    monkeypatch.setattr("linkdesk.core.store.project.MIGRATIONS", before)
    monkeypatch.setattr("linkdesk.core.store.project.SCHEMA_VERSION", len(before))
    with Project.open(path) as project, project.db:
        project.db.execute("INSERT INTO scoring_state VALUES ('scores', '{}')")
    monkeypatch.undo()
    with Project.open(path) as project:
        columns = {row[1] for row in project.db.execute("PRAGMA table_info(link_scores)")}
        assert {"rel", "vendors", "first_month", "lost_month", "anchor_id"} <= columns
        # Scores computed before the facts existed are no longer current.
        assert project.db.execute("SELECT count(*) FROM scoring_state").fetchone()[0] == 0
