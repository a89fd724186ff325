"""Table models over SQL that hold only the ordered row ids (as Anki's browser does).

A model never holds rows: the view asks for the cells it paints, the model fetches that block
of rows by id (`TableQuery.rows`) into a small cache. A header click re-runs the query with a
new `ORDER BY` (`sort`); there is no QSortFilterProxyModel (123 s to sort a million rows in
memory, measured). Filtering is SQL too (`set_filters`).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QApplication

from linkdesk.core.colours import BAND_COLOURS
from linkdesk.core.tables import Column, Filters, Kind, Sort, TableQuery, TableSpec
from linkdesk.core.tables.query import QueryCache
from linkdesk.ui.format import display_text, is_stand_in, plain_tooltip, ui_locale
from linkdesk.ui.workers.table_loader import IdRequest, IdResult, TableLoader

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's id (int)
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value from the project
COLUMN_NAME_ROLE = Qt.ItemDataRole.UserRole + 3  # header: the column's name
TINT_ROLE = Qt.ItemDataRole.UserRole + 4  # a band's or risk level's colour (QColor), or None

# Band and risk cells are tinted as well as labelled: translucent colours over the base, so the
# palette's text stays readable on light and dark themes alike.
_TINT_ALPHA = 90
TINTS: dict[str, dict[int, QColor]] = {
    "band": {band: QColor(colour) for band, colour in enumerate(BAND_COLOURS)},
    "risk": {1: QColor(192, 160, 0), 2: QColor(239, 108, 0), 3: QColor(211, 47, 47)},
    # Marks (tables/marks.py): disavow, keep, review; 4-6 the same inherited from the domain.
    "mark": {1: QColor(211, 47, 47), 2: QColor(46, 160, 67), 3: QColor(41, 121, 255),
             4: QColor(211, 47, 47), 5: QColor(46, 160, 67), 6: QColor(41, 121, 255)},
}

BLOCK_ROWS = 100  # rows fetched at once: about a screenful and a half
CACHED_ROWS = 3_000

ModelIndex = QModelIndex | QPersistentModelIndex
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter


class TableModel(QAbstractTableModel):
    """One table (a `TableSpec`) of one project connection."""

    loaded = Signal(float)  # seconds the last query took; emitted after every (re)load
    # A background query started or ended (see `loading`). No bool argument: with one,
    # PySide6 6.12 crashed at exit (bool_dealloc) after queued loads; seen in bench_window.
    loading_changed = Signal()

    def __init__(
        self,
        spec: TableSpec,
        db: sqlite3.Connection,
        cache: QueryCache | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.spec = spec
        self._db = db
        self._cache = cache or QueryCache()
        self._filters = Filters()
        self._sort = spec.default_sort
        self._ids: array[int] = array("q")
        self._rows: OrderedDict[int, tuple[Any, ...]] = OrderedDict()
        self._locale = ui_locale()
        self.last_query_seconds = 0.0
        self.last_error = ""
        # Big projects: queries run on a loader's thread (see workers/table_loader.py).
        self._loader: TableLoader | None = None
        self._generation = 0
        self._rows_from_loader = False
        self.loading = False
        self.partial = False  # the rows shown are a search's first screenful (loading on)

    def load_in_background(self, loader: TableLoader | None, *, rows_too: bool = False) -> None:
        """Run this table's queries on `loader` (None: on the GUI thread, for small projects).

        `rows_too`: read the rows on screen through the loader as well (a table whose rows
        exist only on the connection that prepared them: Anchors).
        """
        if self._loader is not None:
            self._loader.loaded.disconnect(self._ids_loaded)
        self._loader = loader
        self._rows_from_loader = rows_too and loader is not None
        if loader is not None:
            loader.loaded.connect(self._ids_loaded)

    # -- what is shown -----------------------------------------------------------------------

    @property
    def filters(self) -> Filters:
        """The filters in force."""
        return self._filters

    @property
    def sort_order(self) -> Sort:
        """The sort in force."""
        return self._sort

    def set_filters(self, filters: Filters) -> None:
        """Show only the rows that pass `filters` (the filters this table lacks are ignored)."""
        self.configure(filters=filters)
        self.reload()

    def configure(self, filters: Filters | None = None, sort: Sort | None = None) -> None:
        """Set filters and sort for the next `reload` (a table not on screen waits)."""
        if filters is not None:
            kept = {name: getattr(filters, name) for name in Filters.names()
                    if name == "search" or self.spec.supports(name)}
            self._filters = Filters(**kept)
        if sort is not None and self.spec.column(sort.column).sortable:
            self._sort = sort

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's header click: sort in SQL by a sortable column (others are ignored)."""
        if not 0 <= column < len(self.spec.columns) or not self.spec.columns[column].sortable:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        sort = Sort(self.spec.columns[column].name, descending)
        if sort != self._sort:  # enabling sorting on a view "sorts" by the current order
            self._sort = sort
            self.reload()

    def set_sort(self, sort: Sort) -> None:
        """Sort by a column name (e.g. restored from the settings)."""
        if self.spec.column(sort.column).sortable:
            self._sort = sort
            self.reload()

    def reload(self) -> None:
        """Run the query again (after a sort, a filter, or an import).

        In the background if the model has a loader: the rows shown stay until the new ids
        arrive (`loading` meanwhile), and only the newest request's answer is shown.
        """
        # One counter per loader: a model built later never takes an older model's answer.
        self._generation = (self._loader.next_generation() if self._loader is not None
                            else self._generation + 1)
        if self._loader is not None:
            # The first block comes with the ids: the first paint reads nothing here.
            self._loader.request(IdRequest(self.spec.name, self._generation, self.spec,
                                           self._filters, self._sort, first_rows=BLOCK_ROWS))
            self._set_loading(True)
            return
        started = time.perf_counter()
        try:
            ids = self._query().ordered_ids()
        except sqlite3.Error as error:  # e.g. a project file gone bad: an empty table, a note
            self._show_ids(array("q"), 0.0, str(error))
            return
        self._show_ids(ids, time.perf_counter() - started)

    def _ids_loaded(self, result: IdResult) -> None:
        if result.request.table != self.spec.name or result.request.generation != self._generation:
            return  # an answer to an older question
        if result.partial:  # the first rows, shown while the rest is found (still loading)
            self._show_ids(result.ids, result.seconds, final=False, rows=result.rows)
            return
        self._set_loading(False)
        ids = result.ids if result.ids is not None else array("q")
        self._show_ids(ids, result.seconds, result.error, rows=result.rows)

    def _show_ids(self, ids: Any, seconds: float, error: str = "", final: bool = True,
                  rows: dict[int, tuple[Any, ...]] | None = None) -> None:
        self.beginResetModel()  # listeners read `partial` of the rows still shown
        self._ids = ids
        self._rows.clear()
        self._rows.update(rows or {})  # the first block, read with the ids (loader thread)
        self.last_error = error  # before the reset ends: its listeners read it
        self.endResetModel()
        self.partial = not final
        if final:
            self.last_query_seconds = seconds
            self.loaded.emit(seconds)

    def _set_loading(self, loading: bool) -> None:
        if loading != self.loading:
            self.loading = loading
            self.loading_changed.emit()

    # -- ids ---------------------------------------------------------------------------------

    def row_id(self, row: int) -> int:
        """The id of the row at `row`."""
        return self._ids[row]

    def row_of(self, row_id: int) -> int | None:
        """The row showing `row_id`, if it is shown (a linear search: use it for a few ids)."""
        try:
            return self._ids.index(row_id)
        except ValueError:
            return None

    def rows_of(self, row_ids: Sequence[int]) -> list[int]:
        """The rows showing any of `row_ids`, top to bottom (one pass over the ids)."""
        if len(row_ids) <= 4:
            return sorted(row for row in map(self.row_of, row_ids) if row is not None)
        # numpy finds a thousand selected ids among a million rows at once.
        shown = np.frombuffer(self._ids, dtype=np.int64)
        wanted = np.asarray(row_ids, dtype=np.int64)
        return [int(row) for row in np.flatnonzero(np.isin(shown, wanted))]

    def values(self, row: int) -> tuple[Any, ...]:
        """The raw values of the row at `row`, in column order (fetched if needed)."""
        return self._row_values(row) or ()

    def sort_column(self) -> int:
        """The position of the sort column."""
        return self.spec.column_index(self._sort.column)

    # -- QAbstractTableModel -----------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Rows shown (0 under a valid parent: this is a flat table)."""
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Every column of the spec; the view hides the ones the user does not want."""
        return 0 if parent.isValid() else len(self.spec.columns)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Cells can be selected, not edited."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's text, alignment, tooltip, dimming, id or raw value."""
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        column = self.spec.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role not in _VALUE_ROLES:
            return None
        values = self._row_values(index.row())
        value = values[index.column()] if values else None
        if role == VALUE_ROLE:
            return value
        if role in (TINT_ROLE, Qt.ItemDataRole.BackgroundRole):
            tint = _tint(column, value)
            if tint is None or role == TINT_ROLE:
                return tint
            return QBrush(tint)
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(column, value, self._locale)
        if role == Qt.ItemDataRole.ForegroundRole:
            if is_stand_in(column, value):
                return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            text = display_text(column, value, self._locale)
            if column.kind in (Kind.TEXT, Kind.URL) and len(text) > column.width:
                return plain_tooltip(text)
            return None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles, tooltips, alignment and the first sort direction of a click."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.spec.columns):
            return None
        column = self.spec.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            note = "" if column.sortable else " (not sortable)"
            return plain_tooltip((column.tooltip or column.title) + note)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            # The first click on DR shows the strongest links, on a date the newest.
            numeric = column.kind.numeric or column.kind in (Kind.DATE, Kind.LABEL)
            return Qt.SortOrder.DescendingOrder if numeric else Qt.SortOrder.AscendingOrder
        if role == COLUMN_NAME_ROLE:
            return column.name
        return None

    # -- fetching ----------------------------------------------------------------------------

    def _query(self) -> TableQuery:
        return TableQuery(self._db, self.spec, self._filters, self._sort, self._cache)

    def _row_values(self, row: int) -> tuple[Any, ...] | None:
        row_id = self._ids[row]
        values = self._rows.get(row_id)
        if values is None and self._rows_from_loader and self.loading:
            return None  # the loader is regrouping: these ids will mean other rows
        if values is None:
            self._fetch_block(row)
            values = self._rows.get(row_id)
        return values

    def _fetch_block(self, row: int) -> None:
        start = row - row % BLOCK_ROWS
        wanted: Sequence[int] = self._ids[start : start + BLOCK_ROWS]
        if self._rows_from_loader and self._loader is not None:
            try:
                found = self._loader.fetch_rows(self.spec, wanted)
            except Exception:  # a failed read shows blanks; the next reload tries again
                log.warning("reading rows of %s failed", self.spec.name, exc_info=True)
                found = {}
        else:
            found = TableQuery(self._db, self.spec, self._filters, self._sort).rows(wanted)
        for row_id in wanted:
            # Rows deleted since the ids were read show blank instead of failing.
            self._rows[row_id] = found.get(row_id, (None,) * len(self.spec.columns))
        while len(self._rows) > CACHED_ROWS:
            self._rows.popitem(last=False)


_VALUE_ROLES = frozenset((
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
    VALUE_ROLE, TINT_ROLE, Qt.ItemDataRole.BackgroundRole,
))


def _tint(column: Column, value: Any) -> QColor | None:
    colours = TINTS.get(column.name) if column.kind is Kind.LABEL else None
    if colours is None or value is None:
        return None
    colour = colours.get(int(value))
    if colour is None:
        return None
    tint = QColor(colour)
    tint.setAlpha(_TINT_ALPHA)
    return tint


def _alignment(column: Column) -> int:
    if column.right_aligned:
        return int(_RIGHT)
    if column.kind in (Kind.BOOL, Kind.DATE, Kind.LABEL):
        return int(_CENTER)
    return int(_LEFT)
