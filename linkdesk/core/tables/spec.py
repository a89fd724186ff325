"""What a table of the main window is made of: columns, filters, joins, the default sort.

A table is declared, not coded: `TableSpec` lists its columns (display SQL, kind, whether
sortable and by what), the filters it understands (each a function from the filter's value to a
SQL clause) and the joins those need. `TableQuery` (query.py) turns a spec plus the user's
filters and sort into SQL. Adding a column — e.g. a score's quality, band or risk level — is
one more `Column` in the list (`TableSpec.with_columns`), with the join it needs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from typing import Any

from linkdesk.core.values import ASCII_LOWER


class Kind(Enum):
    """What a column's values are; the UI formats and aligns by it."""

    TEXT = "text"
    URL = "url"  # text that can be opened in the browser
    NUMBER = "number"
    PERCENT = "percent"  # a number 0-100
    DATE = "date"  # ISO text, YYYY-MM-DD
    BOOL = "bool"  # 0/1 or NULL (unknown)
    LABEL = "label"  # a small integer shown through `Column.labels` (band, risk level)

    @property
    def numeric(self) -> bool:
        """Numbers are right-aligned and sort numerically."""
        return self in (Kind.NUMBER, Kind.PERCENT)


@dataclass(frozen=True)
class Column:
    """One column of a table.

    `sql` gives the displayed value. A sortable column sorts by `order` (default: `sql`);
    only sortable columns' expressions ever reach an `ORDER BY`, and every one of them is
    served by an index (see indexes.py), so a sort never sorts rows in memory.
    """

    name: str
    title: str
    sql: str
    kind: Kind = Kind.TEXT
    sortable: bool = False
    order: tuple[str, ...] = ()
    join: str | None = None  # a key of `TableSpec.joins` the expressions need
    visible: bool = True  # shown by default; the column chooser can change it
    width: int = 10  # default width, in average characters
    tooltip: str = ""
    blank: str = ""  # what an empty text reads as, e.g. "(no anchor text)"
    unknown: str = ""  # what a NULL (no tool gave a value) reads as
    labels: Mapping[int, str] | None = None  # for Kind.LABEL
    decimals: int | None = None  # for numbers: fixed decimals (None: as many as the value has)

    @property
    def sort_keys(self) -> tuple[str, ...]:
        """The ORDER BY expressions, most significant first."""
        return self.order or (self.sql,)

    def label(self, value: object) -> str:
        """A LABEL column's text for a stored value: its label, else the value as it is (a
        project file another program edited may hold any value there, text or a blob)."""
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        code = int(value) if isinstance(value, int | float) and float(value).is_integer() \
            else None
        return (self.labels or {}).get(code, str(value)) if code is not None else str(value)

    @property
    def right_aligned(self) -> bool:
        """Numbers line up on the right."""
        return self.kind.numeric


@dataclass(frozen=True)
class Clause:
    """A piece of WHERE: SQL with `?` parameters, and the joins it needs."""

    sql: str
    params: tuple[Any, ...] = ()
    joins: tuple[str, ...] = ()


FilterSQL = Callable[[Any], Clause]
Prepare = Callable[[sqlite3.Connection, "Filters"], None]
# What prepare steps found out during one `prepare_tables` call (None outside of one).
_REQUEST: ContextVar[dict[Any, Any] | None] = ContextVar("linkdesk_prepare_request",
                                                         default=None)


def prepare_tables(db: sqlite3.Connection, filters: Filters,
                   tables: Iterable[TableSpec]) -> None:
    """Run the tables' prepare steps for one request (a chart, a history): a step two tables
    share (the since-review changes' check of the project's state) runs once, not per table."""
    token = _REQUEST.set({})
    try:
        for spec in tables:
            if spec.prepare is not None:
                spec.prepare(db, filters)
    finally:
        _REQUEST.reset(token)


def once_per_request(key: Any) -> bool:
    """Whether a prepare step keyed `key` should run: always outside `prepare_tables`, and
    the first time within one."""
    done = _REQUEST.get()
    if done is None:
        return True
    if key in done:
        return False
    done[key] = True
    return True


class Follow(Enum):
    """The follow filter."""

    DOFOLLOW = "dofollow"
    NOFOLLOW = "nofollow"  # nofollow, ugc or sponsored


@dataclass(frozen=True)
class Filters:
    """The user's filters; `None` (or an empty search) means "any".

    `band`, `risk` and `marked` are understood once scoring and marks add them to a spec's
    `filters`; until then a spec does not support them and `TableQuery` refuses them.
    """

    search: str = ""
    follow: Follow | None = None
    vendor: str | None = None  # a name from fields.VENDORS, or "gsc" (seen by Google)
    google_seen: bool | None = None
    lost: bool | None = None
    band: int | None = None
    risk: int | None = None
    marked: bool | str | None = None  # any mark / none, or a kind: "disavow", "keep"…
    check: str | None = None  # latest live check: a status ("live", …) or "unchecked"
    # Since the last review (core/timeline/filters.py): "new", "changed", "lost", "unjudged".
    since_review: str | None = None
    # The verdict library (tables/judged.py): "judged", "disavow", "keep", "review", "never".
    judged: str | None = None

    def active(self) -> dict[str, Any]:
        """The filters that restrict anything, by name."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["search"] = self.search.strip()
        return {name: value for name, value in values.items() if value not in (None, "")}

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every filter's name."""
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True)
class Sort:
    """Sort by a sortable column, ascending or descending. Blank values always come last."""

    column: str
    descending: bool = False


@dataclass(frozen=True)
class TableSpec:
    """A table: where its rows come from and what can be shown, sorted and filtered."""

    name: str
    title: str
    source: str  # FROM clause, with the alias the expressions use
    id_sql: str  # the row id (an INTEGER, unique in `source`)
    columns: tuple[Column, ...]
    filters: Mapping[str, FilterSQL]
    default_sort: Sort
    joins: Mapping[str, str] = field(default_factory=dict)
    # Filters applied while `prepare` builds `source` (an aggregate), not in the WHERE.
    prepared_filters: frozenset[str] = frozenset()
    prepare: Prepare | None = None

    def __post_init__(self) -> None:
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate column names")
        for column in self.columns:
            if column.join is not None and column.join not in self.joins:
                raise ValueError(f"{self.name}.{column.name}: unknown join {column.join!r}")
        if not self.column(self.default_sort.column).sortable:
            raise ValueError(f"{self.name}: default sort column is not sortable")

    def column(self, name: str) -> Column:
        """The column called `name` (KeyError if there is none)."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")

    def column_index(self, name: str) -> int:
        """The position of the column called `name`."""
        return [column.name for column in self.columns].index(name)

    def supports(self, filter_name: str) -> bool:
        """Whether this table can filter by `filter_name`."""
        return filter_name in self.filters or filter_name in self.prepared_filters

    def with_columns(
        self, *extra: Column, joins: Mapping[str, str] | None = None,
        filters: Mapping[str, FilterSQL] | None = None,
    ) -> TableSpec:
        """This table with more columns (and the joins and filters they bring)."""
        return replace(
            self,
            columns=(*self.columns, *extra),
            joins={**self.joins, **(joins or {})},
            filters={**self.filters, **(filters or {})},
        )


def like_pattern(text: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') that finds `text` anywhere, wildcards taken literally.

    LIKE ignores the case of ASCII letters (only), so the pattern folds them: "Forum" and
    "forum" are the same search, and a cached result serves both.
    """
    folded = text.translate(ASCII_LOWER)
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_clause(expressions: tuple[str, ...], text: str) -> Clause:
    """Rows where any of `expressions` contains `text`, ignoring ASCII case."""
    pattern = like_pattern(text.strip())
    sql = " OR ".join(f"{expression} LIKE ? ESCAPE '\\'" for expression in expressions)
    return Clause(f"({sql})", (pattern,) * len(expressions))
