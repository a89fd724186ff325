"""Marks on links and referring domains: storing, effective status, bulk, undo, tables."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_semrush
from oldlayout import old_observations
from test_tables import SITE, build_project

from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.marks import (
    MarkKind,
    MarksError,
    Rule,
    Target,
    apply_change,
    domain_key,
    effective_link_marks,
    mark,
    mark_counts,
    plan_marks,
    preview,
    revert_change,
    targets_by_rule,
    targets_from_ids,
)
from linkdesk.core.scoring import rescore
from linkdesk.core.scoring.engine import forget_signals
from linkdesk.core.stats import project_stats
from linkdesk.core.store import Project, schema
from linkdesk.core.tables import (
    DOMAINS,
    LINKS,
    Filters,
    Sort,
    TableQuery,
    marked_tables,
    targets_from_filter,
)
from linkdesk.core.tables.marks import MARK_LABELS, with_marks

DISAVOW, KEEP, REVIEW = MarkKind.DISAVOW, MarkKind.KEEP, MarkKind.REVIEW


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_project(tmp_path_factory.mktemp("marks") / "built.linkdesk")
    with Project.open(path) as project:
        rescore(project.db)
    return path


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A fresh copy of the scored sample project for each test."""
    path = tmp_path / "copy.linkdesk"
    shutil.copy(built, path)
    with Project.open(path) as project:
        yield project.db


def marks_snapshot(db: sqlite3.Connection) -> tuple[list[tuple[object, ...]], ...]:
    return tuple(
        db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        for table in ("domain_marks", "link_marks", "disavow_withdrawn")
    )


def domains_by_links(db: sqlite3.Connection, count: int) -> list[str]:
    return [row[0] for row in db.execute(
        "SELECT domain FROM referring_domains WHERE links >= 3 ORDER BY links DESC, domain "
        "LIMIT ?", (count,))]


def links_of(db: sqlite3.Connection, domain: str) -> list[tuple[int, str, str]]:
    return db.execute("SELECT id, source_url, target_url FROM links WHERE domain = ? "
                      "ORDER BY id", (domain,)).fetchall()


def python_effective(db: sqlite3.Connection) -> dict[int, tuple[str, str]]:
    """The rule written out in Python: own mark, else domain's; domain keep beats an unforced
    own disavow."""
    domain_marks = {d: (k, bool(f)) for d, k, f in db.execute(
        "SELECT domain, kind, forced FROM domain_marks")}
    link_marks = {(s, t): (k, bool(f)) for s, t, k, f in db.execute(
        "SELECT source_url, target_url, kind, forced FROM link_marks")}
    result = {}
    for link_id, source, target, domain in db.execute(
            "SELECT id, source_url, target_url, domain FROM links"):
        own, dom = link_marks.get((source, target)), domain_marks.get(domain)
        if own and not (own[0] == "disavow" and not own[1] and dom and dom[0] == "keep"):
            result[link_id] = (own[0], "link")
        elif dom:
            result[link_id] = (dom[0], "domain")
    return result


# -- the schema -------------------------------------------------------------------------------


def test_a_v2_project_migrates_to_marks_keeping_its_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.linkdesk"
    with monkeypatch.context() as patch:
        patch.setattr("linkdesk.core.store.project.MIGRATIONS", schema.MIGRATIONS[:2])
        patch.setattr("linkdesk.core.store.project.SCHEMA_VERSION", 2)
        with Project.open(path) as project:
            export = tmp_path / "semrush.csv"
            write_semrush(export, list(make_profile(120, site=SITE, seed=3)))
            with old_observations(project.db):  # stored as version 2 stored them
                import_file(project, export, ImportOptions(site=SITE))
            links = project.db.execute("SELECT count(*) FROM links").fetchone()[0]
            assert project.db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert links > 100
    with Project.open(path) as project:
        db = project.db
        assert db.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 3
        assert db.execute("SELECT count(*) FROM links").fetchone()[0] == links
        domain = db.execute("SELECT domain FROM links LIMIT 1").fetchone()[0]
        mark(db, Target(domains=(domain,)), DISAVOW, "old spam")
        assert mark_counts(db)["disavowed_domains"] == 1
    assert path.with_name("old.linkdesk.v2.bak").exists()


def test_marks_refuse_unknown_kinds(db: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO domain_marks (domain, kind, marked_at) VALUES ('a.com', 'x', "
                   "'2026-01-01T00:00:00Z')")
    with pytest.raises(MarksError):
        plan_marks(db, Target(domains=("a.com",)), "disavow")  # type: ignore[arg-type]


def test_domain_keys_are_registered_punycode_domains() -> None:
    assert domain_key("https://Blog.Bücher.de/seite") == "xn--bcher-kva.de"
    assert domain_key("domain:www.example.co.uk") == "example.co.uk"
    assert domain_key("foo.blogspot.com") == "foo.blogspot.com"
    with pytest.raises(MarksError):
        domain_key("not a domain")


# -- effective marks --------------------------------------------------------------------------


def test_a_domain_mark_covers_its_links_and_a_link_mark_wins(db: sqlite3.Connection) -> None:
    domain = domains_by_links(db, 1)[0]
    links = links_of(db, domain)
    mark(db, Target(domains=(domain,)), DISAVOW, "link network")
    own = links[0]
    mark(db, Target(links=((own[1], own[2]),)), REVIEW, "check by hand")
    found = effective_link_marks(db, [link[0] for link in links])
    assert found[own[0]].label == "Review"
    assert {found[link[0]].label for link in links[1:]} == {"Disavow (domain)"}
    assert found[links[1][0]].mark.reason == "link network"
    assert {i: (m.mark.kind.value, m.level) for i, m in found.items()} == {
        i: v for i, v in python_effective(db).items() if i in found}


def test_keep_on_a_domain_beats_a_link_disavow_unless_forced(db: sqlite3.Connection) -> None:
    domain = domains_by_links(db, 1)[0]
    links = links_of(db, domain)
    first, second = links[0], links[1]
    mark(db, Target(domains=(domain,)), KEEP, "client's partner")
    mark(db, Target(links=((first[1], first[2]),)), DISAVOW, "paid link")
    mark(db, Target(links=((second[1], second[2]),)), DISAVOW, "paid link", forced=True)
    found = effective_link_marks(db, [first[0], second[0]])
    assert found[first[0]].label == "Keep (domain)"
    assert found[second[0]].label == "Disavow"
    assert mark_counts(db)["disavowed_links"] == 1
    assert python_effective(db)[first[0]] == ("keep", "domain")


def test_bulk_disavow_leaves_kept_rows_alone_unless_forced(db: sqlite3.Connection) -> None:
    domains = domains_by_links(db, 4)
    mark(db, Target(domains=(domains[0],)), KEEP, "brand mention")
    change = plan_marks(db, Target(domains=tuple(domains)), DISAVOW, "spam")
    summary = preview(db, change)
    assert (summary.added, summary.changed, summary.skipped) == (3, 0, {"keep": 1})
    forced = preview(db, plan_marks(db, Target(domains=tuple(domains)), DISAVOW, "spam",
                                    forced=True))
    assert (forced.added, forced.changed, forced.skipped) == (3, 1, {})


def test_stats_count_marks(db: sqlite3.Connection) -> None:
    domains = domains_by_links(db, 3)
    mark(db, Target(domains=tuple(domains[:2])), DISAVOW, "spam")
    mark(db, Target(domains=(domains[2],)), KEEP, "")
    mark(db, Target(domains=("not-in-the-profile.example",)), DISAVOW, "old file")
    stats = project_stats(db)
    links = db.execute("SELECT count(*) FROM links WHERE domain IN (?, ?)",
                       tuple(domains[:2])).fetchone()[0]
    assert (stats["disavowed_links"], stats["disavowed_domains"], stats["kept_domains"]) == (
        links, 3, 1)
    assert stats["disavowed_links"] == sum(
        1 for kind, _ in python_effective(db).values() if kind == "disavow")


def test_marks_survive_a_reimport_that_adds_links(db: sqlite3.Connection, tmp_path: Path
                                                  ) -> None:
    domain = domains_by_links(db, 1)[0]
    source, target = links_of(db, domain)[0][1:]
    mark(db, Target(links=((source, target),)), KEEP, "editorial")
    before = db.execute("SELECT count(*) FROM links").fetchone()[0]
    export = tmp_path / "semrush-new.csv"
    write_semrush(export, list(make_profile(200, site=SITE, seed=99)))
    project = Project(Path("unused"), db)
    import_file(project, export, ImportOptions(site=SITE))
    assert db.execute("SELECT count(*) FROM links").fetchone()[0] > before
    link_id = db.execute("SELECT id FROM links WHERE source_url = ? AND target_url = ?",
                         (source, target)).fetchone()[0]
    assert effective_link_marks(db, [link_id])[link_id].label == "Keep"


# -- bulk, preview and undo -------------------------------------------------------------------


def test_preview_writes_nothing_and_apply_revert_are_inverses(db: sqlite3.Connection) -> None:
    domains = domains_by_links(db, 5)
    mark(db, Target(domains=(domains[0],)), KEEP, "partner")
    mark(db, Target(domains=(domains[1],)), REVIEW, "look again")
    start = marks_snapshot(db)
    change = plan_marks(db, Target(domains=tuple(domains)), DISAVOW, "network", forced=True)
    summary = preview(db, change)
    assert marks_snapshot(db) == start  # planning and previewing wrote nothing
    assert (summary.added, summary.changed, summary.removed) == (3, 2, 0)
    assert summary.links_affected == db.execute(
        "SELECT sum(links) FROM referring_domains WHERE domain IN (?, ?, ?, ?, ?)",
        tuple(domains)).fetchone()[0]
    assert len(summary.sample) == 5 and f"{domains[0]}: keep -> disavow" in summary.sample
    apply_change(db, change)
    after = marks_snapshot(db)
    assert after != start
    revert_change(db, change)
    assert marks_snapshot(db) == start
    apply_change(db, change)  # redo
    assert marks_snapshot(db) == after
    apply_change(db, change.inverse())
    assert marks_snapshot(db) == start


def test_clearing_is_undoable_too(db: sqlite3.Connection) -> None:
    domain = domains_by_links(db, 1)[0]
    mark(db, Target(domains=(domain,)), DISAVOW, "spam")
    start = marks_snapshot(db)
    change = plan_marks(db, Target(domains=(domain,)), None)
    assert preview(db, change).removed == 1
    apply_change(db, change)
    assert marks_snapshot(db)[0] == []
    revert_change(db, change)
    assert marks_snapshot(db) == start


def test_marking_from_a_table_filter_marks_exactly_the_rows_shown(
    db: sqlite3.Connection,
) -> None:
    links, domains = marked_tables(db)
    filters = Filters(search="forum")
    shown = TableQuery(db, links, filters).ordered_ids()
    assert 0 < len(shown) < TableQuery(db, links).count()
    target = targets_from_filter(db, links, filters)
    apply_change(db, plan_marks(db, target, REVIEW, "forum links"))
    marked = TableQuery(db, links, Filters(marked="review")).ordered_ids()
    assert sorted(marked) == sorted(shown)
    domain_target = targets_from_filter(db, domains, Filters(search=".top"))
    assert domain_target.domains and all(".top" in d for d in domain_target.domains)


def test_marking_from_ids(db: sqlite3.Connection) -> None:
    ids = list(TableQuery(db, DOMAINS, sort=Sort("links", True)).ordered_ids()[:3])
    target = targets_from_ids(db, "domains", ids)
    assert set(target.domains) == set(domains_by_links(db, 3))
    link_ids = [row[0] for row in db.execute("SELECT id FROM links ORDER BY id LIMIT 4")]
    assert len(targets_from_ids(db, "links", link_ids).links) == 4
    with pytest.raises(MarksError):
        targets_from_ids(db, "anchors", [1])


def test_marking_by_rule_uses_the_stored_scores(db: sqlite3.Connection) -> None:
    rule = Rule(level="domains", min_risk=3, max_quality=30)
    target = targets_by_rule(db, rule)
    expected = {row[0] for row in db.execute(
        "SELECT domain FROM domain_scores WHERE risk_level >= 3 AND quality < 30")}
    assert expected and set(target.domains) == expected
    assert rule.describe() == "domains with risk high or higher and quality below 30"
    mark(db, Target(domains=(sorted(expected)[0],)), KEEP, "")
    assert len(targets_by_rule(db, rule).domains) == len(expected) - 1  # unmarked only
    links = targets_by_rule(db, Rule(level="links", min_risk=3))
    assert len(links.links) == db.execute(
        "SELECT count(*) FROM link_scores AS ls JOIN links AS l ON l.id = ls.link_id "
        "WHERE ls.risk_level >= 3 AND l.domain <> ?", (sorted(expected)[0],)).fetchone()[0]
    forget_signals(db)  # as after an unusual data change: the scores are out of date
    with pytest.raises(MarksError, match="out of date"):
        targets_by_rule(db, rule)


# -- tables -----------------------------------------------------------------------------------


def test_mark_column_and_filter_in_both_tables(db: sqlite3.Connection) -> None:
    domain, other = domains_by_links(db, 2)
    mark(db, Target(domains=(domain,)), DISAVOW, "network")
    own = links_of(db, other)[0]
    mark(db, Target(links=((own[1], own[2]),)), KEEP, "good")
    links, domains = marked_tables(db)
    assert links.column("quality") and not links.column("mark").sortable
    expected = python_effective(db)
    query = TableQuery(db, links, Filters(marked=True))
    ids = list(query.ordered_ids())
    assert sorted(ids) == sorted(expected)
    rows = query.rows(ids)
    column, reason = links.column_index("mark"), links.column_index("mark_reason")
    labels = {i: MARK_LABELS[row[column]] for i, row in rows.items()}
    assert labels[own[0]] == "Keep" and rows[own[0]][reason] == "good"
    assert {labels[i] for i in ids if i != own[0]} == {"Disavow (domain)"}
    unmarked = TableQuery(db, links, Filters(marked=False)).count()
    assert unmarked + len(ids) == TableQuery(db, LINKS).count()
    assert TableQuery(db, links, Filters(marked="keep")).ordered_ids().tolist() == [own[0]]
    domain_rows = TableQuery(db, domains, Filters(marked="disavow"))
    assert domain_rows.count() == 1
    row = next(iter(domain_rows.rows(list(domain_rows.ordered_ids())).values()))
    assert MARK_LABELS[row[domains.column_index("mark")]] == "Disavow"
    with pytest.raises(ValueError, match="unknown mark"):
        TableQuery(db, links, Filters(marked="maybe")).count()
    with pytest.raises(ValueError, match="cannot be filtered by marked"):
        TableQuery(db, LINKS, Filters(marked=True))


def test_marks_compose_with_unscored_tables_and_keep_sorting(db: sqlite3.Connection) -> None:
    links = with_marks(LINKS)
    assert "mark" in [c.name for c in links.columns]
    sortable = [c.name for c in links.columns if c.sortable]
    assert sortable == [c.name for c in LINKS.columns if c.sortable]
    with pytest.raises(ValueError, match="cannot be sorted"):
        TableQuery(db, links, sort=Sort("mark"))
