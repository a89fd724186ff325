"""Filtering and sorting a table in SQL: the ordered row ids, then the rows on screen by id.

This is how Anki's browser stays fast on huge collections: the model holds only the ordered
list of row ids (8 bytes a row: 8 MB for a million links) and fetches the few rows the view
paints. There is no deep `OFFSET` (it walks the index from the start: 36 s for 20 jumps
across a million rows, measured) and no sorting in Python.

A filtered, sorted list is computed in two halves that a `QueryCache` keeps: the whole table
in the sort order (read from the sort column's index) and the set of rows that pass the
filters (one scan, no sort); the result is the first masked by the second. So a new sort
reuses the filter's rows and a search keystroke reuses the order. Measured on a million
links: the order 0.2 s, a search scan 0.3-0.5 s, the mask 0.01 s. Letting SQLite do both in
one statement took 1-2 s: it walks the sort index and looks up every row to test the filter.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from linkdesk.core.tables.spec import Filters, Sort, TableSpec
from linkdesk.core.values import ASCII_LOWER

ROWS_PER_STATEMENT = 500  # ids per `IN (...)`, well under SQLite's parameter limit
NARROW_LIMIT = 200_000  # above this many candidates a full scan is as fast (measured)
FIRST_PROBE = 42_000  # rows of the sort order `first_ids` tests, at most, for a screenful
FIRST_STEP = 2_000  # ... in steps of 2,000, 8,000 and 32,000
Ids = npt.NDArray[np.int64]  # numpy parses and masks ids 15x faster than pure Python


class QueryCache:
    """Recent orders and filter results of one connection, valid while the project is unchanged.

    Keep one per connection (a window's tables share it); a few entries of 8 MB at most each.
    """

    def __init__(self, size: int = 6) -> None:
        self.size = size
        self._state: tuple[int, int] | None = None
        # Ids (an order, a filter's matches) or (search text, its matches).
        self._entries: OrderedDict[Hashable, Ids | tuple[str, Ids]] = OrderedDict()

    def get(self, db: sqlite3.Connection, key: Hashable) -> Ids | None:
        """The cached ids for `key`, unless the project changed since they were stored."""
        value = self._get(db, key)
        return None if isinstance(value, tuple) else value

    def get_search(self, db: sqlite3.Connection, key: Hashable) -> tuple[str, Ids] | None:
        """The cached (search text, matching ids) for `key`, as `get`."""
        value = self._get(db, key)
        return value if isinstance(value, tuple) else None

    def _get(self, db: sqlite3.Connection, key: Hashable) -> Ids | tuple[str, Ids] | None:
        self._check(db)
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, db: sqlite3.Connection, key: Hashable, value: Ids | tuple[str, Ids]) -> None:
        """Remember a value, dropping the least recently used beyond `size`."""
        self._check(db)
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (e.g. after this connection changed the project)."""
        self._entries.clear()
        self._state = None

    def _check(self, db: sqlite3.Connection) -> None:
        state = project_state(db)
        if state != self._state:
            self._entries.clear()
            self._state = state


def project_state(db: sqlite3.Connection) -> tuple[int, int]:
    """Moves whenever the project may have changed, as this connection sees it:
    data_version when another connection (an import) commits, total_changes when this one
    writes (including the anchors' temporary table)."""
    return db.execute("PRAGMA data_version").fetchone()[0], db.total_changes


@dataclass(frozen=True)
class RowsRead:
    """Rows a `TableQuery` read by id (`first_rows`), and the project's state before."""

    spec: TableSpec
    ids: tuple[int, ...]
    rows: dict[int, tuple[Any, ...]]
    state: tuple[int, int]


class TableQuery:
    """One table with the user's filters and sort, over one connection.

    Raises ValueError for a sort column that is not sortable or a filter the table lacks:
    only whitelisted SQL ever runs, whatever the UI asks for.
    """

    def __init__(
        self,
        db: sqlite3.Connection,
        spec: TableSpec,
        filters: Filters | None = None,
        sort: Sort | None = None,
        cache: QueryCache | None = None,
    ) -> None:
        self.db = db
        self.spec = spec
        self.filters = filters or Filters()
        self.sort = sort or spec.default_sort
        self.cache = cache or QueryCache(size=0)
        try:
            column = spec.column(self.sort.column)
        except KeyError:
            raise ValueError(f"{spec.title} has no column {self.sort.column!r}") from None
        if not column.sortable:
            raise ValueError(f"{spec.title} cannot be sorted by {column.title}")
        self.sort_column = column
        active = self.filters.active()
        unsupported = sorted(name for name in active if not spec.supports(name))
        if unsupported:
            raise ValueError(f"{spec.title} cannot be filtered by {', '.join(unsupported)}")
        clauses = {name: spec.filters[name](value) for name, value in active.items()
                   if name not in spec.prepared_filters}
        self._filtered = bool(clauses)
        self._where = " AND ".join(clause.sql for clause in clauses.values()) or "1"
        self._params = tuple(param for clause in clauses.values() for param in clause.params)
        self._joins = _unique(join for clause in clauses.values() for join in clause.joins)
        # The search on its own, for narrowing the previous keystroke's result (_matching).
        self._search = clauses.pop("search", None)
        others = list(clauses.values())
        self._others_key = (" AND ".join(c.sql for c in others),
                            tuple(p for c in others for p in c.params))

    # -- the whole result --------------------------------------------------------------------

    def count(self) -> int:
        """How many rows pass the filters."""
        self._prepare()
        if self._filtered:
            return len(self._matching())
        sql = f"SELECT count(*) FROM {self._from([])}"
        return int(self.db.execute(sql).fetchone()[0])

    def ordered_ids(self) -> array[int]:
        """The ids of the rows that pass the filters, in the sort order; blanks last."""
        self._prepare()
        order = self._order()
        if self._filtered:
            order = _keep(order, self._matching())
        return _as_array(order)

    def matching_sql(self) -> tuple[str, tuple[Any, ...]]:
        """The statement selecting the `id` of every row that passes the filters (in no
        particular order), with its parameters: for work done in SQL over all of them, that
        never holds their ids in memory (marking every row a filter shows)."""
        self._prepare()
        return (f"SELECT {self.spec.id_sql} AS id FROM {self._from(self._joins)} "
                f"WHERE {self._where}", self._params)

    def first_ids(self, limit: int, probe: int = FIRST_PROBE) -> array[int] | None:
        """The first `limit` rows of `ordered_ids()`, if found among the first `probe` rows
        of the sort order; else None (the filters keep too few of them to tell quickly).

        The first letters of a search match most rows: the whole answer scans every row
        (0.3-0.4 s on a million), but a screenful is found by testing the first rows of the
        sort order by id, in steps growing fourfold (a few milliseconds a step: matches may
        cluster in the order). Tables whose rows are prepared (Anchors) are not probed, nor
        are queries whose whole answer comes quickly (typing on, or already in the cache).
        """
        if self.spec.prepare is not None or self._narrowable() is not None:
            return None
        if self.cache.get(self.db, self._matching_key()) is not None:
            return None
        order = self._order()
        if not self._filtered:
            return _as_array(order[:limit])
        found: list[Ids] = []
        kept, start, step = 0, 0, min(FIRST_STEP, probe)
        while kept < limit and start < min(probe, len(order)):
            head = order[start:min(start + step, probe)]
            listed = "[" + ",".join(str(int(i)) for i in head) + "]"
            matching = self._ids(
                f"SELECT {self.spec.id_sql} AS id FROM {self._from(self._joins)} "
                f"WHERE {self.spec.id_sql} IN (SELECT value FROM json_each(?)) "
                f"AND {self._where}",
                (listed, *self._params),
            )
            found.append(_keep(head, matching))
            kept += len(found[-1])
            start += len(head)
            step *= 4
        if kept < limit and start < len(order):
            return None
        first = found[0] if len(found) == 1 else np.concatenate(found)
        return _as_array(first[:limit])

    def order_sql(self) -> str:
        """The statement that lists the rows with a value in the sort order (tests check its
        plan); rows without one follow them, by id."""
        column = self.sort_column
        direction = "DESC" if self.sort.descending else "ASC"
        keys = ", ".join(f"{key} {direction}" for key in column.sort_keys)
        joins = [column.join] if column.join else []
        return (f"SELECT {self.spec.id_sql} AS id FROM {self._from(joins)} "
                f"WHERE {self._first_sort_key()} IS NOT NULL "
                f"ORDER BY {keys}, {self.spec.id_sql} {direction}")

    def _first_sort_key(self) -> str:
        return self.sort_column.sort_keys[0].split(" COLLATE ")[0]

    # -- the rows on screen ------------------------------------------------------------------

    def rows(self, ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
        """The raw values of every column (in `spec.columns` order) of the given rows, by id.

        Ids that no longer exist are missing from the result.
        """
        columns = self.spec.columns
        joins = _unique(column.join for column in columns if column.join)
        select = ", ".join(column.sql for column in columns)
        found: dict[int, tuple[Any, ...]] = {}
        for start in range(0, len(ids), ROWS_PER_STATEMENT):
            chunk = [int(i) for i in ids[start : start + ROWS_PER_STATEMENT]]
            marks = ", ".join("?" * len(chunk))
            sql = (f"SELECT {self.spec.id_sql}, {select} FROM {self._from(joins)} "
                   f"WHERE {self.spec.id_sql} IN ({marks})")
            for row in self.db.execute(sql, chunk):
                found[row[0]] = tuple(row[1:])
        return found

    def first_rows(self, ids: Sequence[int], earlier: RowsRead | None = None) -> RowsRead:
        """`rows(ids)`, unless `earlier` holds these rows of this table read while the
        project stood as it stands now: a search's first screenful and its whole answer
        usually begin with the same rows (on a million links, the Referring domains' first
        block takes 0.3 s to read)."""
        wanted = tuple(int(i) for i in ids)
        state = project_state(self.db)  # before reading: a commit meanwhile moves it
        if earlier is not None and earlier.spec is self.spec and (earlier.ids, earlier.state) == (
                wanted, state):
            return earlier
        return RowsRead(self.spec, wanted, self.rows(wanted), state)

    # -- the two halves ----------------------------------------------------------------------

    def _order(self) -> Ids:
        key = ("order", self.spec.name, self.sort)
        order = self.cache.get(self.db, key)
        if order is None:
            column = self.sort_column
            direction = "DESC" if self.sort.descending else "ASC"
            joins = [column.join] if column.join else []
            base = f"SELECT {self.spec.id_sql} AS id FROM {self._from(joins)}"
            # Blank values last in both directions, as two queries; a single
            # `ORDER BY x IS NULL, x` would sort every row in memory. The first reads an index
            # (of the rows with a value only, for the metrics: tables/indexes.py).
            known = self._ids(self.order_sql())
            blank = self._ids(f"{base} WHERE {self._first_sort_key()} IS NULL "
                              f"ORDER BY {self.spec.id_sql} {direction}")
            order = np.concatenate((known, blank))
            self.cache.put(self.db, key, order)
        return order

    def _matching_key(self) -> Hashable:
        return ("matching", self.spec.name, self._where, self._params)

    def _matching(self) -> Ids:
        key = self._matching_key()
        matching = self.cache.get(self.db, key)
        if matching is None:
            matching = self._narrowed_search()
        if matching is None:
            matching = self._ids(
                f"SELECT {self.spec.id_sql} AS id FROM {self._from(self._joins)} "
                f"WHERE {self._where}",
                self._params,
            )
        self.cache.put(self.db, key, matching)
        if self._search is not None:
            self.cache.put(self.db, self._search_key(), (self._search_text(), matching))
        return matching

    def _narrowed_search(self) -> Ids | None:
        """Typing on: search only the rows the previous, shorter text found.

        A row that contains "forum" contains "foru". Below NARROW_LIMIT rows, testing those
        by id is much faster than a scan (0.03 s instead of 0.5 s for 25k of a million).
        """
        candidates = self._narrowable()
        if candidates is None or self._search is None:
            return None
        if len(candidates) == 0:
            return candidates
        listed = "[" + ",".join(str(int(i)) for i in candidates) + "]"
        return self._ids(
            f"SELECT {self.spec.id_sql} AS id FROM {self._from(self._joins)} "
            f"WHERE {self.spec.id_sql} IN (SELECT value FROM json_each(?)) "
            f"AND {self._search.sql}",
            (listed, *self._search.params),
        )

    def _narrowable(self) -> Ids | None:
        """The previous keystroke's matches, if this search can look only at them."""
        if self._search is None:
            return None
        previous = self.cache.get_search(self.db, self._search_key())
        if previous is None:
            return None
        text, candidates = previous
        if text not in self._search_text() or len(candidates) > NARROW_LIMIT:
            return None
        return candidates

    def _search_key(self) -> Hashable:
        return ("search", self.spec.name, self._others_key)

    def _search_text(self) -> str:
        # LIKE ignores the case of ASCII letters only; so must the "contains" test.
        return self.filters.search.strip().translate(ASCII_LOWER)

    # -- helpers -----------------------------------------------------------------------------

    def _prepare(self) -> None:
        if self.spec.prepare is not None:
            self.spec.prepare(self.db, self.filters)

    def _from(self, joins: Iterable[str]) -> str:
        return " ".join([self.spec.source, *(self.spec.joins[name] for name in joins)])

    def _ids(self, sql: str, params: tuple[Any, ...] = ()) -> Ids:
        # One string from SQLite parsed at once: fetching a million 1-tuples costs 0.5 s,
        # group_concat plus numpy's parser 0.15 s. The subquery's order is kept (tested).
        text = self.db.execute(f"SELECT group_concat(id) FROM ({sql})", params).fetchone()[0]
        if not text:
            return np.zeros(0, dtype=np.int64)
        return np.fromstring(text, dtype=np.int64, sep=",")


def _as_array(ids: Ids) -> array[int]:
    """Ids as `array('q')`, what the models keep (numpy's int64 would reach sqlite3 as BLOBs)."""
    return array("q", ids.tobytes())


def _keep(order: Ids, matching: Ids) -> Ids:
    """The ids of `order` that are in `matching`, in the order of `order`."""
    if len(matching) == 0 or len(order) == 0:
        return order[:0]
    # A bitmap indexed by id: ids are rowids, dense from 1, so it is at most a few MB.
    wanted = np.zeros(int(max(order.max(), matching.max())) + 1, dtype=bool)
    wanted[matching] = True
    return order[wanted[order]]


def _unique(names: Iterable[str | None]) -> list[str]:
    return [name for name in dict.fromkeys(names) if name]
