"""The window's tables in SQL: sorting, filtering, row fetching, details (linkdesk.core.tables)."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import (
    make_profile,
    write_ahrefs,
    write_gsc_latest,
    write_majestic,
    write_moz,
    write_semrush,
)

from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.scoring import rescore
from linkdesk.core.stats import project_stats
from linkdesk.core.store import Project
from linkdesk.core.tables import (
    ANCHORS,
    DOMAINS,
    LINKS,
    TABLES,
    Column,
    Filters,
    Follow,
    IndexingCancelled,
    Kind,
    Sort,
    TableQuery,
    TableSpec,
    domain_details,
    ensure_table_indexes,
    link_details,
    missing_table_indexes,
)
from linkdesk.core.tables.details import FIELD_LABELS
from linkdesk.core.tables.indexes import PARTIAL_INDEXES
from linkdesk.core.tables.query import QueryCache

SITE = "acme-widgets.com"


def write_exports(folder: Path, links: int = 800, seed: int = 11) -> list[Path]:
    """One profile as five tools see it, each seeing part of it (realistic overlaps)."""
    profile = list(make_profile(links, site=SITE, seed=seed))
    n = len(profile)
    writers: list[tuple[str, Callable[..., int], slice]] = [
        ("ahrefs.csv", write_ahrefs, slice(0, n * 3 // 4)),
        ("semrush.csv", write_semrush, slice(n // 4, n)),
        ("majestic.csv", write_majestic, slice(0, n, 2)),
        ("moz.csv", write_moz, slice(n // 8, n // 2)),
        ("gsc.csv", write_gsc_latest, slice(n // 3, n, 3)),
    ]
    paths = []
    for name, writer, part in writers:
        writer(folder / name, profile[part])
        paths.append(folder / name)
    return paths


def build_project(path: Path, links: int = 800, seed: int = 11) -> Path:
    """A project with every vendor's view of a generated profile, and the table indexes."""
    folder = path.parent / f"{path.stem}-exports"
    folder.mkdir(parents=True, exist_ok=True)
    with Project.open(path) as project:
        for export in write_exports(folder, links, seed):
            import_file(project, export, ImportOptions(site=SITE))
        ensure_table_indexes(project.db)
    return path


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_project(tmp_path_factory.mktemp("tables") / "sample.linkdesk")


@pytest.fixture
def db(sample: Path) -> Iterator[sqlite3.Connection]:
    with Project.open(sample) as project:
        yield project.db


def reference_order(db: sqlite3.Connection, query: TableQuery) -> list[int]:
    """The same order asked of SQLite the plain way: blanks last, then the keys, then the id."""
    spec, column = query.spec, query.sort_column
    direction = "DESC" if query.sort.descending else "ASC"
    keys = ", ".join(f"{key} {direction}" for key in column.sort_keys)
    joins = spec.joins[column.join] if column.join else ""
    query._prepare()
    return [row[0] for row in db.execute(
        f"SELECT {spec.id_sql} FROM {spec.source} NOT INDEXED {joins} "
        f"ORDER BY ({column.sql}) IS NULL, {keys}, {spec.id_sql} {direction}"
    )]


def all_rows(db: sqlite3.Connection, spec_query: TableQuery) -> dict[int, dict[str, Any]]:
    ids = list(TableQuery(db, spec_query.spec, spec_query.filters).ordered_ids())
    rows = spec_query.rows(ids)
    names = [column.name for column in spec_query.spec.columns]
    return {i: dict(zip(names, values, strict=True)) for i, values in rows.items()}


# -- sorting -----------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", TABLES, ids=lambda spec: spec.name)
def test_every_sortable_column_sorts_as_sql_does_blanks_last(
    db: sqlite3.Connection, spec: TableSpec
) -> None:
    sortable = [column for column in spec.columns if column.sortable]
    assert len(sortable) >= 5
    for column in sortable:
        position = spec.columns.index(column)
        for descending in (False, True):
            query = TableQuery(db, spec, sort=Sort(column.name, descending))
            ids = list(query.ordered_ids())
            assert ids == reference_order(db, query), (column.name, descending)
            rows = query.rows(ids)
            values = [rows[i][position] for i in ids]
            known = [value for value in values if value is not None]
            assert values[: len(known)] == known  # blanks last
            if column.kind in (Kind.NUMBER, Kind.PERCENT, Kind.DATE):
                assert known == sorted(known, reverse=descending), column.name
            assert len(set(known)) > 1, f"{column.name}: the sample should vary"


@pytest.mark.parametrize("spec", [LINKS, DOMAINS], ids=lambda spec: spec.name)
def test_every_sortable_column_is_sorted_by_an_index(
    db: sqlite3.Connection, spec: TableSpec
) -> None:
    for column in spec.columns:
        if not column.sortable:
            continue
        for descending in (False, True):
            query = TableQuery(db, spec, sort=Sort(column.name, descending))
            plan = " / ".join(
                row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {query.order_sql()}")
            )
            assert "TEMP B-TREE" not in plan, (column.name, plan)
            assert "INDEX" in plan or "PRIMARY KEY" in plan, (column.name, plan)


def test_sort_and_filter_whitelists(db: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="cannot be sorted"):
        TableQuery(db, LINKS, sort=Sort("rel"))
    with pytest.raises(ValueError, match="no column"):
        TableQuery(db, LINKS, sort=Sort("id; DROP TABLE links"))
    with pytest.raises(ValueError, match="cannot be filtered by band"):
        TableQuery(db, LINKS, Filters(band=2))
    with pytest.raises(ValueError, match="unknown vendor"):
        TableQuery(db, LINKS, Filters(vendor="nope"))


# -- filtering ---------------------------------------------------------------------------------


def test_quick_search_matches_url_title_anchor_and_domain(db: sqlite3.Connection) -> None:
    rows = all_rows(db, TableQuery(db, LINKS))
    assert all(str(row["domain"]) in str(row["source_url"]) for row in rows.values())
    for text in ("forum", "BLOG", "widget", "de/", ".org"):
        query = TableQuery(db, LINKS, Filters(search=text))
        expected = {
            i for i, row in rows.items()
            if any(text.lower() in str(row[name] or "").lower()
                   for name in ("source_url", "title", "anchor", "domain"))
        }
        assert expected, text
        assert set(query.ordered_ids()) == expected, text
        assert query.count() == len(expected)


def test_search_text_is_taken_literally(db: sqlite3.Connection) -> None:
    for text in ("%", "_", "'", "\\", "100%_off'--"):
        ids = TableQuery(db, LINKS, Filters(search=text)).ordered_ids()
        rows = TableQuery(db, LINKS).rows(list(ids))
        for values in rows.values():
            assert any(text.lower() in str(v).lower() for v in values if isinstance(v, str))


@pytest.mark.parametrize(("text", "sort"), [
    ("e", Sort("source_url")), ("a", Sort("first_seen", descending=True)),
    ("forum", Sort("anchor")), ("zzz-nowhere", Sort("source_url")),
])
def test_a_searchs_first_screenful_is_the_start_of_its_whole_answer(
        db: sqlite3.Connection, text: str, sort: Sort) -> None:
    query = TableQuery(db, LINKS, Filters(search=text), sort)
    whole = list(query.ordered_ids())
    first = query.first_ids(50)
    assert isinstance(first, array) and list(first) == whole[:50]  # as ordered_ids gives
    cache = QueryCache()  # the loader's: once the whole answer is in it, no probing for it
    TableQuery(db, LINKS, Filters(search=text), sort, cache).ordered_ids()
    assert TableQuery(db, LINKS, Filters(search=text), sort, cache).first_ids(50) is None
    # Probing fewer rows than it takes to find 50: no answer rather than a short one.
    rare = query.first_ids(50, probe=60)
    if len(whole) < len(list(TableQuery(db, LINKS, sort=sort).ordered_ids())) * 0.5:
        assert rare is None
    else:
        assert rare is None or list(rare) == whole[:50]
    # The Anchors table's rows are grouped first: nothing to probe.
    assert TableQuery(db, ANCHORS, Filters(search=text)).first_ids(50) is None


def test_rows_read_once_serve_again_only_while_the_project_is_unchanged(
        sample: Path, tmp_path: Path) -> None:
    """`first_rows` hands back rows it read before for the same ids of the same table (a
    search's first screenful, then its whole answer), unless the project changed since: then
    it reads them again, and what another connection committed shows."""
    path = Path(shutil.copy(sample, tmp_path / "p.linkdesk"))
    with Project.open(path) as project, Project.open(path) as other:
        db = project.db
        query = TableQuery(db, LINKS, Filters(search="e"))
        ids = list(query.ordered_ids()[:100])
        statements: list[str] = []
        db.set_trace_callback(statements.append)

        def reads() -> int:
            return sum(" IN (" in sql for sql in statements)

        first = query.first_rows(ids)
        assert first.rows == TableQuery(db, LINKS).rows(ids) and reads() == 2
        assert query.first_rows(ids, first) is first and reads() == 2  # not read again
        assert query.first_rows(ids[1:], first).rows == {i: first.rows[i] for i in ids[1:]}
        assert reads() == 3  # other ids: read
        assert TableQuery(db, DOMAINS).first_rows(ids, first) is not first  # another table
        anchor = LINKS.column_index("anchor")
        with other.db:
            other.db.execute("UPDATE links SET anchor = 'changed meanwhile' WHERE id = ?",
                             (ids[0],))
        again = query.first_rows(ids, first)
        db.set_trace_callback(None)
        assert again is not first and again.rows[ids[0]][anchor] == "changed meanwhile"


def test_filters_match_the_project_stats_and_combine(db: sqlite3.Connection) -> None:
    stats = project_stats(db)

    def ids(**filters: Any) -> set[int]:
        return set(TableQuery(db, LINKS, Filters(**filters)).ordered_ids())

    everything = ids()
    assert len(everything) == stats["links"]
    dofollow, nofollow = ids(follow=Follow.DOFOLLOW), ids(follow=Follow.NOFOLLOW)
    assert len(dofollow) == stats["dofollow_links"]
    assert len(nofollow) == stats["nofollow_links"]
    assert not dofollow & nofollow
    for vendor, count in stats["by_vendor"].items():
        assert len(ids(vendor=vendor)) == count, vendor
    seen, unseen = ids(google_seen=True), ids(google_seen=False)
    assert len(seen) == stats["google_seen_links"] and seen | unseen == everything
    lost, live = ids(lost=True), ids(lost=False)
    assert len(lost) == stats["lost_links"] and lost | live == everything and lost
    combined = ids(search="blog", follow=Follow.DOFOLLOW, vendor="majestic", lost=False)
    assert combined == ids(search="blog") & dofollow & ids(vendor="majestic") & live
    assert combined


def test_a_filtered_list_keeps_the_sort_order(db: sqlite3.Connection) -> None:
    sort = Sort("trust_flow", descending=True)
    order = list(TableQuery(db, LINKS, sort=sort).ordered_ids())
    filters = Filters(follow=Follow.NOFOLLOW, vendor="semrush")
    filtered = list(TableQuery(db, LINKS, filters, sort).ordered_ids())
    assert filtered == [i for i in order if i in set(filtered)]
    assert 0 < len(filtered) < len(order)


def test_domain_filters(db: sqlite3.Connection) -> None:
    rows = all_rows(db, TableQuery(db, DOMAINS))
    assert len(rows) == project_stats(db)["referring_domains"]

    def ids(**filters: Any) -> set[int]:
        return set(TableQuery(db, DOMAINS, Filters(**filters)).ordered_ids())

    assert ids(search="blog") == {i for i, r in rows.items() if "blog" in str(r["domain"])}
    assert ids(follow=Follow.DOFOLLOW) == {i for i, r in rows.items() if r["dofollow_links"]}
    assert ids(lost=True) == {i for i, r in rows.items() if r["lost_links"]}
    linked = {row[0] for row in db.execute("SELECT DISTINCT domain FROM links WHERE vendors & 4")}
    assert {rows[i]["domain"] for i in ids(vendor="moz")} == linked


def test_anchor_groups_add_up_and_follow_the_link_filters(db: sqlite3.Connection) -> None:
    links = all_rows(db, TableQuery(db, LINKS))
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in links.values():
        key = "\0" if row["anchor"] is None else str(row["anchor"]).lower()
        groups[key].append(row)
    anchors = all_rows(db, TableQuery(db, ANCHORS))
    assert len(anchors) == len(groups)
    assert sum(row["links"] for row in anchors.values()) == len(links)
    for row in anchors.values():
        key = "\0" if row["anchor"] is None else str(row["anchor"]).lower()
        members = groups[key]
        assert row["links"] == len(members)
        assert row["domains"] == len({member["domain"] for member in members})
        dofollow = sum(member["rel"] == "follow" for member in members)
        assert row["dofollow"] == dofollow
        assert row["dofollow_share"] == pytest.approx(100 * dofollow / len(members))
    assert sum(row["share"] for row in anchors.values()) == pytest.approx(100)

    nofollow = TableQuery(db, ANCHORS, Filters(follow=Follow.NOFOLLOW))
    nofollow_links = TableQuery(db, LINKS, Filters(follow=Follow.NOFOLLOW)).count()
    assert sum(r["links"] for r in all_rows(db, nofollow).values()) == nofollow_links
    searched = all_rows(db, TableQuery(db, ANCHORS, Filters(search="acme")))
    assert searched and all("acme" in str(r["anchor"]).lower() for r in searched.values())


# -- rows, caching, details --------------------------------------------------------------------


def test_rows_are_fetched_by_id(db: sqlite3.Connection) -> None:
    query = TableQuery(db, LINKS)
    ids = list(query.ordered_ids())
    picked = [ids[0], ids[len(ids) // 2], ids[-1]]
    rows = query.rows([*picked, 10**9])
    assert set(rows) == set(picked)
    url = db.execute("SELECT source_url FROM links WHERE id = ?", (picked[1],)).fetchone()[0]
    assert rows[picked[1]][LINKS.column_index("source_url")] == url
    assert len(query.rows(ids)) == len(ids)  # more than one IN (...) statement


def test_cache_is_dropped_when_another_connection_imports(tmp_path: Path, sample: Path) -> None:
    path = shutil.copy(sample, tmp_path / "copy.linkdesk")
    extra = tmp_path / "extra.csv"
    write_ahrefs(extra, make_profile(50, site="other-client.com", seed=99))
    cache = QueryCache()
    with Project.open(path) as viewer, Project.open(path) as importer:
        def counts() -> list[int]:
            return [len(TableQuery(viewer.db, spec, cache=cache).ordered_ids()) for spec in TABLES]

        before = counts()
        assert counts() == before  # served from the cache
        import_file(importer, extra, ImportOptions())
        after = counts()
        stats = project_stats(importer.db)
    assert after[0] == before[0] + 50 == stats["links"]
    assert after[1] == stats["referring_domains"] > before[1]


def test_link_details_list_every_vendor_observation(db: sqlite3.Connection) -> None:
    link_id = db.execute(
        "SELECT id FROM links WHERE observation_count >= 3 ORDER BY id LIMIT 1"
    ).fetchone()[0]
    details = link_details(db, link_id)
    assert details is not None
    assert len(details.observations) >= 3
    assert len({obs.vendor for obs in details.observations}) >= 2
    assert all(obs.file_name.endswith(".csv") and obs.line_no > 0 for obs in details.observations)
    assert details.values["first_seen"] == min(
        obs.values["first_seen"] for obs in details.observations if "first_seen" in obs.values
    )
    assert set(details.values) <= set(FIELD_LABELS)
    assert link_details(db, 10**9) is None


def test_domain_details(db: sqlite3.Connection) -> None:
    rowid, domain, links = db.execute(
        "SELECT rowid, domain, links FROM referring_domains ORDER BY links DESC LIMIT 1"
    ).fetchone()
    details = domain_details(db, rowid)
    assert details is not None and details.domain == domain
    assert details.values["links"] == links
    assert max(details.links_by_vendor.values()) <= links
    assert domain_details(db, 10**9) is None


def test_indexes_are_created_once(project: Project) -> None:
    missing = missing_table_indexes(project.db)
    assert len(missing) >= 10
    steps: list[tuple[int, int]] = []
    assert ensure_table_indexes(project.db, progress=lambda *step: steps.append(step)) == len(
        missing
    )
    assert steps[0] == (0, len(missing)) and steps[-1] == (len(missing), len(missing))
    assert missing_table_indexes(project.db) == []
    assert ensure_table_indexes(project.db) == 0


def test_metric_sort_indexes_of_mostly_blank_columns_hold_only_the_links_with_a_value(
    db: sqlite3.Connection,
) -> None:
    # Vendors fill their own metrics only: a column at most half the links fill leaves the
    # others out of its index; sorting by it still lists them, last (tests above), and the
    # sort is still served by the index.
    kinds = set()
    for name in PARTIAL_INDEXES:
        column = db.execute(f"SELECT name FROM pragma_index_info('{name}')").fetchone()[0]
        rows, valued = db.execute(f"SELECT count(*), count({column}) FROM links").fetchone()
        partial = db.execute("SELECT partial FROM pragma_index_list('links') WHERE name = ?",
                             (name,)).fetchone()[0]
        assert partial == (valued * 2 <= rows), name
        kinds.add(partial)
    assert kinds == {0, 1}  # the sample has both


def test_an_empty_projects_metric_sort_indexes_are_whole(tmp_path: Path) -> None:
    # The window builds them before the first import, which keeps them as they are.
    with Project.open(tmp_path / "new.linkdesk") as project:
        ensure_table_indexes(project.db)
        partial = project.db.execute(
            "SELECT count(*) FROM pragma_index_list('links') WHERE partial = 1").fetchone()[0]
    assert partial == 0


def test_building_indexes_stops_between_two_when_cancelled(project: Project) -> None:
    missing = missing_table_indexes(project.db)
    built: list[int] = []
    with pytest.raises(IndexingCancelled):
        ensure_table_indexes(project.db, progress=lambda done, _: built.append(done),
                             cancelled=lambda: len(built) > 3)
    # Those built before the cancel stay; the next call builds only the rest.
    assert len(missing_table_indexes(project.db)) == len(missing) - 3
    assert not project.db.in_transaction
    assert ensure_table_indexes(project.db) == len(missing) - 3


def test_bulk_writers_keep_the_sort_indexes(tmp_path: Path) -> None:
    """The first import and re-scoring drop indexes to load faster, and rebuild every one."""
    with Project.open(tmp_path / "kept.linkdesk") as project:
        ensure_table_indexes(project.db)  # on empty tables, as the window does on a new project
        for export in write_exports(tmp_path, 150, seed=5):
            import_file(project, export, ImportOptions(site=SITE))
        assert missing_table_indexes(project.db) == []
        rescore(project.db)
        assert missing_table_indexes(project.db) == []
        assert TableQuery(project.db, LINKS).count() > 100


def test_a_score_column_is_one_more_column(db: sqlite3.Connection) -> None:
    """Score columns (quality, band, risk) join another table; models need no change."""
    db.execute("CREATE TEMP TABLE fake_scores (link_id INTEGER PRIMARY KEY, quality REAL)")
    db.execute("INSERT INTO fake_scores SELECT id, (id * 37) % 101 FROM links WHERE id % 3 > 0")
    spec = LINKS.with_columns(
        Column("quality", "Quality", "s.quality", Kind.NUMBER, sortable=True, join="scores"),
        joins={"scores": "LEFT JOIN temp.fake_scores AS s ON s.link_id = l.id"},
    )
    query = TableQuery(db, spec, sort=Sort("quality", descending=True))
    ids = list(query.ordered_ids())
    assert ids == reference_order(db, query)
    rows = query.rows(ids[:5])
    assert [rows[i][-1] for i in ids[:2]] == [100, 100]


def test_typing_on_narrows_the_previous_result_correctly(db: sqlite3.Connection) -> None:
    cache = QueryCache()
    filters = {"follow": Follow.DOFOLLOW}
    for text in ("b", "bl", "blo", "blog", "Blog", "blog/", "blo", "blog.", "É", "Éa", "é"):
        typed = TableQuery(db, LINKS, Filters(search=text, **filters), cache=cache)
        fresh = TableQuery(db, LINKS, Filters(search=text, **filters))
        assert list(typed.ordered_ids()) == list(fresh.ordered_ids()), text
        assert typed.count() == fresh.count()
