"""The table models: Qt's model tester, SQL sorting and filtering, lazy rows, formatting."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).parent))

from test_tables import build_project

from linkdesk.core.store import Project
from linkdesk.core.tables import (
    ANCHORS,
    DOMAINS,
    LINKS,
    TABLES,
    Column,
    Filters,
    Follow,
    Kind,
    Sort,
    TableQuery,
    TableSpec,
)
from linkdesk.ui import models
from linkdesk.ui.format import display_text, number_text, plain_tooltip, ui_locale
from linkdesk.ui.models import ID_ROLE, VALUE_ROLE, TableModel


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_project(tmp_path_factory.mktemp("models") / "sample.linkdesk", links=500)


@pytest.fixture
def db(sample: Path) -> Iterator[sqlite3.Connection]:
    with Project.open(sample) as project:
        yield project.db


def column_values(model: TableModel, name: str, role: int = VALUE_ROLE) -> list[object]:
    position = model.spec.column_index(name)
    return [model.index(row, position).data(role) for row in range(model.rowCount())]


@pytest.mark.parametrize("spec", TABLES, ids=lambda spec: spec.name)
def test_models_pass_qt_model_tester(
    qtmodeltester: Any, db: sqlite3.Connection, spec: TableSpec
) -> None:
    model = TableModel(spec, db)
    model.reload()
    assert model.rowCount() > 0
    qtmodeltester.check(model, force_py=True)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.set_filters(Filters(search="a"))
    qtmodeltester.check(model, force_py=True)


@pytest.mark.parametrize("spec", TABLES, ids=lambda spec: spec.name)
def test_header_sort_orders_rows_as_sql_does(db: sqlite3.Connection, spec: TableSpec) -> None:
    model = TableModel(spec, db)
    for position, column in enumerate(spec.columns):
        if not column.sortable:
            continue
        model.sort(position, Qt.SortOrder.DescendingOrder)
        expected = list(TableQuery(db, spec, sort=Sort(column.name, descending=True)).ordered_ids())
        assert column_values(model, column.name, ID_ROLE) == expected, column.name
        assert model.sort_column() == position


def test_a_click_on_a_column_that_cannot_sort_changes_nothing(db: sqlite3.Connection) -> None:
    model = TableModel(LINKS, db)
    model.reload()
    before = column_values(model, "source_url", ID_ROLE)
    model.sort(LINKS.column_index("rel"), Qt.SortOrder.AscendingOrder)
    assert model.sort_order == LINKS.default_sort
    assert column_values(model, "source_url", ID_ROLE) == before


def test_filters_the_table_lacks_are_left_out(db: sqlite3.Connection) -> None:
    model = TableModel(ANCHORS, db)
    model.set_filters(Filters(search="acme", follow=Follow.DOFOLLOW, band=2))
    assert model.filters == Filters(search="acme", follow=Follow.DOFOLLOW)
    assert 0 < model.rowCount() < TableQuery(db, ANCHORS).count()


def test_rows_are_fetched_lazily_in_blocks(
    db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[int] = []
    original = TableQuery.rows

    def counting_rows(self: TableQuery, ids: list[int]) -> dict[int, tuple[object, ...]]:
        fetched.append(len(ids))
        return original(self, ids)

    monkeypatch.setattr(TableQuery, "rows", counting_rows)
    monkeypatch.setattr(models, "BLOCK_ROWS", 50)
    model = TableModel(LINKS, db)
    model.reload()
    assert fetched == []  # no row is read before it is painted
    model.index(0, 0).data()
    model.index(49, 3).data()
    assert fetched == [50]
    model.index(model.rowCount() - 1, 0).data()
    assert len(fetched) == 2


def test_numbers_are_right_aligned_and_formatted(db: sqlite3.Connection) -> None:
    model = TableModel(DOMAINS, db)
    model.reload()
    links = DOMAINS.column_index("links")
    domain = DOMAINS.column_index("domain")
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert model.index(0, links).data(Qt.ItemDataRole.TextAlignmentRole) == int(right)
    assert model.headerData(links, Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.TextAlignmentRole) == int(right)
    left = model.index(0, domain).data(Qt.ItemDataRole.TextAlignmentRole)
    assert not left & int(Qt.AlignmentFlag.AlignRight)
    value = model.index(0, links).data(VALUE_ROLE)
    assert model.index(0, links).data() == ui_locale().toString(int(value))


def test_display_text_is_plain_and_one_line() -> None:
    text = Column("t", "T", "x")
    anchor = Column("a", "A", "x", blank="(no anchor text)", unknown="(not known)")
    assert display_text(text, "<b>Big</b>\nsale") == "<b>Big</b> sale"
    assert display_text(anchor, "") == "(no anchor text)"
    assert display_text(anchor, None) == "(not known)"
    assert display_text(Column("b", "B", "x", Kind.BOOL), 1) == "Yes"
    assert display_text(Column("b", "B", "x", Kind.BOOL), 0) == ""
    percent = Column("p", "P", "x", Kind.PERCENT)
    assert display_text(percent, 63.94) == number_text(63.9, None, 1) + "%"
    band = Column("band", "Band", "x", Kind.LABEL, labels={3: "strong"})
    assert display_text(band, 3) == "strong"
    assert number_text(54.0) == ui_locale().toString(54)
    assert "&lt;script&gt;" in plain_tooltip("<script>")


def test_a_saved_layout_without_score_columns_keeps_them_in_place(
    qtbot: Any, tmp_path: Path
) -> None:
    """Once a project is scored, Quality/Band/Risk appear after Rel, not at the far right."""
    from test_tables_scores import build_scored_project

    from linkdesk.core.tables import scored_links
    from linkdesk.ui.views.table_view import TableView

    path = build_scored_project(tmp_path / "layout.linkdesk", links=120)
    with Project.open(path) as project:
        plain = TableView(TableModel(LINKS, project.db))
        qtbot.addWidget(plain)
        header = plain.horizontalHeader()
        header.moveSection(LINKS.column_index("domain_rating"), 0)  # the user's own order
        plain.setColumnHidden(LINKS.column_index("url_rating"), True)
        plain.setColumnWidth(LINKS.column_index("anchor"), 333)
        saved = plain.column_layout()
        spec = scored_links(project.db)
        view = TableView(TableModel(spec, project.db))
        qtbot.addWidget(view)
        view.apply_column_layout(saved)
        shown = [name for name, _, _ in view.column_layout()]
        assert shown[0] == "domain_rating"
        rel = shown.index("rel")
        assert shown[rel + 1 : rel + 4] == ["quality", "band", "risk"]
        assert view.isColumnHidden(spec.column_index("url_rating"))
        assert view.columnWidth(spec.column_index("anchor")) == 333
        assert sorted(shown) == sorted(column.name for column in spec.columns)
