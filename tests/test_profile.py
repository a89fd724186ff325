"""The dashboard's numbers (linkdesk.core.profile) against SQL written independently here."""

from __future__ import annotations

import sqlite3
import statistics
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_tables import build_project
from test_tables_scores import build_scored_project

from linkdesk.core.profile import (
    BUCKET_POINTS,
    BUCKETS,
    NOT_SCORED,
    anchor_mix,
    balance,
    build_report,
    domain_points,
    domain_quality_histogram,
    domain_summary,
    link_facts,
    link_quality_histogram,
    make_scope,
    materialize,
    profile_sections,
    rel_counts,
    tld_counts,
    velocity,
)
from linkdesk.core.scoring import ANCHOR_CLASSES
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, Follow, TableQuery, scored_domains, scored_links

FILTER_CASES = [
    Filters(),
    Filters(band=0),
    Filters(band=3),
    Filters(search="forum"),
    Filters(follow=Follow.NOFOLLOW),
    Filters(lost=True, risk=0),
]
CASE_IDS = ["none", "risky", "strong", "search", "nofollow", "lost-no-risk"]


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_project(tmp_path_factory.mktemp("profile") / "scored.linkdesk", 700)


@pytest.fixture
def db(scored: Path) -> Iterator[sqlite3.Connection]:
    with Project.open(scored) as project:
        yield project.db


def link_ids(db: sqlite3.Connection, filters: Filters) -> list[int]:
    """The Links table's rows under `filters` (TableQuery, as the window shows them)."""
    return list(TableQuery(db, scored_links(db), filters).ordered_ids())


def domain_ids(db: sqlite3.Connection, filters: Filters) -> list[int]:
    return list(TableQuery(db, scored_domains(db), filters).ordered_ids())


def listed(ids: list[int]) -> str:
    return ",".join(map(str, ids)) or "NULL"


def test_the_map_has_every_domain_shown_with_its_numbers(db: sqlite3.Connection) -> None:
    points = domain_points(db, make_scope(db))
    expected = {row[0]: row[1:] for row in db.execute(
        "SELECT r.rowid, r.links, s.quality, s.band FROM referring_domains r, domain_scores s "
        "WHERE s.domain = r.domain")}
    assert len(points) == len(expected) > 100
    for index, domain_id in enumerate(points.ids):
        links, quality, band = expected[int(domain_id)]
        assert (points.links[index], points.quality[index], points.band[index]) == (
            links, pytest.approx(quality), band)
    assert not points.marked.any()
    one = int(points.ids[0])
    summary = domain_summary(db, one)
    assert summary is not None and summary.id == one
    name = db.execute("SELECT domain FROM referring_domains WHERE rowid = ?", (one,)).fetchone()
    assert summary.domain == name[0]
    assert domain_summary(db, 10**9) is None


@pytest.mark.parametrize("filters", FILTER_CASES, ids=CASE_IDS)
def test_every_chart_counts_what_the_tables_show(db: sqlite3.Connection,
                                                 filters: Filters) -> None:
    links, domains = link_ids(db, filters), domain_ids(db, filters)
    scope = make_scope(db, filters)
    assert sorted(domain_points(db, scope).ids.tolist()) == sorted(domains)
    facts = link_facts(db, scope)
    histogram = link_quality_histogram(facts)
    assert histogram.total == len(links)
    rows = db.execute(f"SELECT band, quality FROM link_scores WHERE link_id IN ({listed(links)})")
    expected = np.zeros_like(histogram.counts)
    for band, quality in rows:
        expected[band, min(int(quality // BUCKET_POINTS), BUCKETS - 1)] += 1
    assert (histogram.counts == expected).all()
    assert domain_quality_histogram(domain_points(db, scope)).total == len(domains)
    rel = rel_counts(facts)
    assert rel.links == len(links)
    expected_rel = db.execute(
        f"SELECT sum(nofollow = 1), sum(ugc = 1), sum(sponsored = 1), sum(status <> 1), "
        f"sum(placeholder = 0 AND coalesce(nofollow, 0) + coalesce(ugc, 0) "
        f"+ coalesce(sponsored, 0) = 0) FROM links WHERE id IN ({listed(links)})").fetchone()
    assert (rel.nofollow, rel.ugc, rel.sponsored, rel.lost, rel.dofollow) == tuple(
        int(n or 0) for n in expected_rel)
    # The same numbers when the filtered links are first computed into a temporary table
    # (as a filter on the links themselves needs).
    kept = materialize(db, replace(scope, facts=None))
    assert rel_counts(link_facts(db, kept)) == rel
    assert (link_quality_histogram(link_facts(db, kept)).counts == histogram.counts).all()


def test_filters_change_the_numbers(db: sqlite3.Connection) -> None:
    everything = make_scope(db)
    risky = make_scope(db, Filters(band=0))
    assert risky.links_filtered and risky.domains_filtered
    assert not everything.links_filtered
    all_links = link_quality_histogram(link_facts(db, everything)).counts
    risky_links = link_quality_histogram(link_facts(db, risky)).counts
    assert risky_links[1:].sum() == 0 < risky_links[0].sum() == all_links[0].sum()
    assert len(domain_points(db, risky)) < len(domain_points(db, everything))


def test_dofollow_count_is_the_dofollow_filter(db: sqlite3.Connection) -> None:
    rel = rel_counts(link_facts(db, make_scope(db)))
    assert rel.dofollow == len(link_ids(db, Filters(follow=Follow.DOFOLLOW)))
    assert rel.nofollow + rel.ugc + rel.sponsored >= len(link_ids(db, Filters(
        follow=Follow.NOFOLLOW)))
    assert 0 < rel.dofollow_share < 1


def test_tlds_are_counted_from_domain_names(db: sqlite3.Connection) -> None:
    names = [row[0] for row in db.execute("SELECT domain FROM referring_domains")]
    expected = Counter("(IP address)" if name[-1].isdigit() else name.rsplit(".", 1)[-1]
                       for name in names)
    tlds = tld_counts(db, make_scope(db), limit=5)
    assert tlds.domains == len(names)
    assert [n for _, n in tlds.top] == [n for _, n in expected.most_common(5)]
    assert all(expected[tld] == n for tld, n in tlds.top)
    assert tlds.others == len(names) - sum(n for _, n in tlds.top)


def test_anchor_classes_and_top_anchors(db: sqlite3.Connection) -> None:
    scope = make_scope(db)
    mix = anchor_mix(db, scope, link_facts(db, scope), top=5)
    expected = dict(db.execute("SELECT anchor_class, count(*) FROM link_scores GROUP BY 1"))
    for index, name in enumerate(ANCHOR_CLASSES):
        assert mix.links[mix.classes.index(name)] == expected.get(index, 0)
    assert mix.total == sum(expected.values())
    anchors = Counter(None if anchor is None else anchor.lower()
                      for (anchor,) in db.execute("SELECT anchor FROM links"))
    assert [n for _, n in mix.top] == [n for _, n in anchors.most_common(5)]
    assert all(anchors[None if a is None else a.lower()] == n for a, n in mix.top)


def test_velocity_counts_links_and_domains_by_month(db: sqlite3.Connection) -> None:
    scope = make_scope(db)
    result = velocity(link_facts(db, scope), domain_points(db, scope))
    assert result.months == sorted(result.months) and len(result.months) > 12
    expected = Counter()
    for month, band in db.execute("SELECT substr(first_seen, 1, 7), band FROM links "
                                  "JOIN link_scores ON link_id = id WHERE first_seen IS NOT NULL"):
        expected[month, band] += 1
    for (month, band), n in expected.items():
        assert result.new_links[band, result.months.index(month)] == n
    assert result.new_links.sum() == sum(expected.values())
    lost = db.execute("SELECT count(*) FROM links WHERE status <> 1").fetchone()[0]
    assert result.lost_links.sum() == lost > 0
    first = Counter(month for (month,) in db.execute(
        "SELECT substr(first_seen, 1, 7) FROM referring_domains WHERE first_seen IS NOT NULL"))
    assert [int(result.new_domains[:, result.months.index(m)].sum()) for m in first] == list(
        first.values())
    gone = db.execute("SELECT count(*) FROM referring_domains WHERE links > 0 "
                      "AND lost_links = links").fetchone()[0]
    assert result.lost_domains.sum() == gone


def test_balance_figures_and_hints(db: sqlite3.Connection) -> None:
    scope = make_scope(db)
    facts = link_facts(db, scope)
    result = balance(db, scope, facts, domain_points(db, scope), anchor_mix(db, scope, facts))
    bands = dict(db.execute("SELECT band, count(*) FROM link_scores GROUP BY band"))
    assert [result.link_bands[b] for b in range(4)] == [bands.get(b, 0) for b in range(4)]
    per_domain = [n for (n,) in db.execute("SELECT links FROM referring_domains")]
    assert result.median_links == statistics.median(per_domain)
    assert result.worst_links == max(per_domain)
    # The fewest domains, largest first, that give half of the links.
    ordered = sorted(per_domain, reverse=True)
    needed = next(i for i in range(1, len(ordered) + 1) if sum(ordered[:i]) >= sum(ordered) / 2)
    assert result.concentration is not None and result.concentration.domains == needed
    assert result.concentration.link_share >= 0.5
    assert result.hints and all(hint.endswith(".") for hint in result.hints)
    share = round(100 * result.link_share(0))
    if share >= 10:
        assert f"{share}% of links are risky: review them for disavow." in result.hints


def test_marked_domains_are_flagged(scored: Path, tmp_path: Path) -> None:
    copy = tmp_path / "marked.linkdesk"
    copy.write_bytes(scored.read_bytes())
    with Project.open(copy) as project:
        db = project.db
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_schema")}
        if "domain_marks" not in tables:
            pytest.skip("this version has no marks")
        domain_id, domain = db.execute("SELECT rowid, domain FROM referring_domains "
                                       "ORDER BY links DESC LIMIT 1").fetchone()
        with db:
            db.execute("INSERT INTO domain_marks (domain, kind, marked_at) "
                       "VALUES (?, 'disavow', '2026-11-26T00:00:00Z')", (domain,))
        scope = make_scope(db)
        points = domain_points(db, scope)
        assert points.ids[points.marked].tolist() == [domain_id]
        assert balance(db, scope, link_facts(db, scope), points).marked_domains == 1
        summary = domain_summary(db, domain_id)
        assert summary is not None and summary.marked
        # The window's own table specs carry the `marked` filter: the charts apply it.
        from linkdesk.core.tables import with_marks

        tables = (with_marks(scored_links(db)), with_marks(scored_domains(db)))
        only = make_scope(db, Filters(marked="disavow"), tables)
        assert domain_points(db, only).ids.tolist() == [domain_id]
        links = db.execute("SELECT count(*) FROM links WHERE domain = ?", (domain,)).fetchone()
        assert rel_counts(link_facts(db, only)).links == links[0]


def test_an_unscored_project_charts_everything_but_quality(tmp_path: Path) -> None:
    path = build_project(tmp_path / "unscored.linkdesk", links=150)
    with Project.open(path) as project:
        report = build_report(project.db)
        assert report.scope is not None and not report.scope.scored
        assert report.map is not None and len(report.map) == 0
        assert report.quality is not None and report.quality.links.total == 0
        links = project.db.execute("SELECT count(*) FROM links").fetchone()[0]
        assert report.balance is not None
        assert report.balance.link_bands[NOT_SCORED] == report.balance.links == links
        assert report.velocity is not None
        assert report.velocity.new_links[:NOT_SCORED].sum() == 0
        assert report.velocity.new_links[NOT_SCORED].sum() > 0
        gone = project.db.execute("SELECT count(*) FROM referring_domains WHERE links > 0 "
                                  "AND lost_links = links").fetchone()[0]
        assert report.velocity.lost_domains[NOT_SCORED].sum() == gone > 0
        assert report.balance.domains == project.db.execute(
            "SELECT count(*) FROM referring_domains").fetchone()[0]
        assert report.attributes is not None and report.attributes.tlds.domains > 0


def test_counts_from_the_two_passes_equal_the_queries(db: sqlite3.Connection) -> None:
    # The report counts domains from the map's points and links from the links' facts.
    for filters in (Filters(), Filters(band=2), Filters(search="blog")):
        scope = make_scope(db, filters)
        points = domain_points(db, scope)
        counted = domain_quality_histogram(points).counts
        expected = np.zeros_like(counted)
        for band, quality in db.execute(
                f"SELECT s.band, s.quality FROM referring_domains AS d JOIN domain_scores AS s "
                f"ON s.domain = d.domain WHERE d.rowid IN ({listed(domain_ids(db, filters))})"):
            expected[band, min(int(quality // BUCKET_POINTS), BUCKETS - 1)] += 1
        assert (counted == expected).all()
        facts = link_facts(db, scope)
        result = balance(db, scope, facts, points)
        assert (result.link_bands == link_quality_histogram(facts).counts.sum(axis=1)).all()
        assert (result.domain_bands == counted.sum(axis=1)).all()
        ids = domain_ids(db, filters)
        assert result.domains == len(points) == len(ids)
        links = db.execute(f"SELECT links, domain FROM referring_domains WHERE rowid IN "
                           f"({listed(ids)}) ORDER BY links DESC, domain").fetchall()
        assert result.median_links == statistics.median(n for n, _ in links)
        assert (result.worst_links, result.worst_domain) == links[0]
        first_months = Counter(db.execute(
            f"SELECT substr(first_seen, 1, 7) FROM referring_domains WHERE rowid IN "
            f"({listed(ids)}) AND first_seen IS NOT NULL").fetchall())
        assert len(first_months) == len({m for m in points.first_month.tolist() if m >= 0})


def test_band_hints_are_left_out_when_a_band_filter_chose_the_rows(
        db: sqlite3.Connection) -> None:
    scope = make_scope(db, Filters(band=0))
    result = balance(db, scope, link_facts(db, scope), domain_points(db, scope))
    assert result.link_share(0) == 1.0
    assert not any("risky:" in hint or "are strong" in hint for hint in result.hints)


def test_every_section_counts_one_snapshot(scored: Path, tmp_path: Path) -> None:
    copy = tmp_path / "snapshot.linkdesk"
    copy.write_bytes(scored.read_bytes())
    with Project.open(copy) as reader, Project.open(copy) as writer:
        sections = profile_sections(reader.db)
        assert next(sections)[0] == "scope"
        with writer.db:  # another connection (an import) commits meanwhile
            writer.db.execute("DELETE FROM links WHERE id IN (SELECT id FROM links LIMIT 50)")
        rest = dict(sections)
        links = reader.db.execute("SELECT count(*) FROM links").fetchone()[0]
        assert rest["balance"].links == links + 50  # counted before the delete
        assert not reader.db.in_transaction  # the snapshot ended with the sections
