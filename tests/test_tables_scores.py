"""Score columns and filters of the Links and Referring domains tables (tables/scores.py)."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_tables import build_project, reference_order

from linkdesk.core.scoring import BANDS, RISK_LEVELS, rescore
from linkdesk.core.store import Project
from linkdesk.core.tables import (
    DOMAINS,
    LINKS,
    Filters,
    Kind,
    Sort,
    TableQuery,
    ensure_table_indexes,
    scored_domains,
    scored_links,
    scored_tables,
)
from linkdesk.core.tables.indexes import TABLE_INDEXES

SCORE_TABLES = {"links": "link_scores", "domains": "domain_scores"}


def build_scored_project(path: Path, links: int = 600) -> Path:
    """The tables' sample project, scored."""
    build_project(path, links=links)
    with Project.open(path) as project:
        rescore(project.db)
        ensure_table_indexes(project.db)
    return path


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_project(tmp_path_factory.mktemp("scores") / "scored.linkdesk")


@pytest.fixture
def db(scored: Path) -> Iterator[sqlite3.Connection]:
    with Project.open(scored) as project:
        yield project.db


def test_scored_tables_only_while_scores_are_current(tmp_path: Path) -> None:
    path = build_project(tmp_path / "unscored.linkdesk", links=200)
    with Project.open(path) as project:
        assert scored_tables(project.db) is None
        rescore(project.db)
        tables = scored_tables(project.db)
        assert tables is not None
        assert [spec.name for spec in tables] == ["links", "domains"]


def test_link_scores_carry_only_the_windows_lazy_sort_indexes(tmp_path: Path) -> None:
    # Issue 21: link_scores' indexes only sort (34 MB at a million links), so a project has
    # none until the window builds its sort indexes, and then only those.
    query = ("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL "
             "AND tbl_name = 'link_scores' ORDER BY name")
    with Project.open(tmp_path / "new.linkdesk") as project:
        assert project.db.execute(query).fetchall() == []
    with Project.open(build_scored_project(tmp_path / "scored.linkdesk", links=200)) as project:
        built = [name for (name,) in project.db.execute(query)]
    assert built == sorted(name for name, (table, _) in TABLE_INDEXES.items()
                           if table == "link_scores")
    assert "link_scores_quality" in built


@pytest.mark.parametrize("build", [scored_links, scored_domains], ids=["links", "domains"])
def test_score_columns_sort_as_sql_does_through_an_index(
    db: sqlite3.Connection, build: object
) -> None:
    spec = build(db)  # type: ignore[operator]
    base = LINKS if spec.name == "links" else DOMAINS
    # Every row keeps its place in the table: the join drops none.
    assert TableQuery(db, spec).count() == TableQuery(db, base).count()
    for name in ("quality", "band", "risk"):
        column = spec.column(name)
        assert column.sortable
        position = spec.column_index(name)
        for descending in (False, True):
            query = TableQuery(db, spec, sort=Sort(name, descending))
            ids = list(query.ordered_ids())
            assert ids == reference_order(db, query), (name, descending)
            rows = query.rows(ids)
            values = [rows[i][position] for i in ids]
            assert None not in values
            assert values == sorted(values, reverse=descending)
            plan = " / ".join(
                row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {query.order_sql()}"))
            assert "TEMP B-TREE" not in plan, (name, plan)
    assert spec.column("band").kind is Kind.LABEL
    assert spec.column("band").labels == {i: b.capitalize() for i, b in enumerate(BANDS)}


@pytest.mark.parametrize("build", [scored_links, scored_domains], ids=["links", "domains"])
def test_band_and_risk_filters_match_the_stored_scores(
    db: sqlite3.Connection, build: object
) -> None:
    spec = build(db)  # type: ignore[operator]
    table = SCORE_TABLES[spec.name]
    total = 0
    for band in range(len(BANDS)):
        expected = db.execute(f"SELECT count(*) FROM {table} WHERE band = ?", (band,)).fetchone()[0]
        query = TableQuery(db, spec, Filters(band=band))
        assert query.count() == expected, BANDS[band]
        ids = list(query.ordered_ids())
        rows = query.rows(ids)
        assert {rows[i][spec.column_index("band")] for i in ids} <= {band}
        total += expected
    assert total == TableQuery(db, spec).count()
    for level in range(len(RISK_LEVELS)):
        expected = db.execute(f"SELECT count(*) FROM {table} WHERE risk_level = ?",
                              (level,)).fetchone()[0]
        assert TableQuery(db, spec, Filters(risk=level)).count() == expected
    # Combined with the other filters, and whitelisted.
    both = TableQuery(db, spec, Filters(band=0, risk=3)).count()
    assert both == db.execute(f"SELECT count(*) FROM {table} WHERE band = 0 AND risk_level = 3"
                              ).fetchone()[0]
    with pytest.raises(ValueError, match="unknown band"):
        TableQuery(db, spec, Filters(band=7))
    with pytest.raises(ValueError, match="unknown risk"):
        TableQuery(db, spec, Filters(risk=-1))


def test_every_band_occurs_in_the_sample(db: sqlite3.Connection) -> None:
    bands = {row[0] for row in db.execute("SELECT DISTINCT band FROM link_scores")}
    assert len(bands) >= 3  # the filters above are tested on real variety
