"""A table of the main window: fixed row heights, column chooser, copy, kept selection."""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QDesktopServices,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from linkdesk.core.tables import Kind
from linkdesk.ui.models import VALUE_ROLE, TableModel

MAX_COPIED_ROWS = 100_000
KEPT_SELECTION = 1_000  # rows re-selected after a sort; more would cost a search each


class _Delegate(QStyledItemDelegate):
    """URLs elide in the middle: the host and the end of the path stay readable."""

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        model = index.model()
        if isinstance(model, TableModel) and model.spec.columns[index.column()].kind is Kind.URL:
            option.textElideMode = Qt.TextElideMode.ElideMiddle


class TableView(QTableView):
    """Shows a `TableModel`; the header sorts in SQL."""

    def __init__(self, model: TableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"table_{model.spec.name}")
        self.setModel(model)
        self.table = model
        self.setItemDelegate(_Delegate(self))
        self.chosen: dict[str, bool] = {}  # columns shown or hidden with the chooser
        self.placeholder = ""  # what the empty table says (a new project: how to fill it)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setCornerButtonEnabled(False)
        rows = self.verticalHeader()
        rows.hide()
        # Fixed heights: Qt never measures a million rows.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.set_default_layout()
        # The indicator first: enabling sorting "sorts" by it, which the model then ignores.
        header.setSortIndicator(model.sort_column(), _qt_order(model.sort_order.descending))
        self.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self._kept: tuple[int | None, list[int]] = (None, [])
        # Room the columns leave goes to the first text column (an anchor, a URL): pixels
        # added, not chosen by the user, so given back when the window narrows.
        self._fill_column = next((position for position, column in enumerate(model.spec.columns)
                                  if column.kind in (Kind.TEXT, Kind.URL)), None)
        self._filled = 0
        self._filling = False
        header.sectionResized.connect(self._section_resized)
        model.modelAboutToBeReset.connect(self._remember_selection)
        model.modelReset.connect(self._restore_selection)

    def set_placeholder(self, text: str) -> None:
        """What the table says while it has no rows ("" for nothing)."""
        self.placeholder = text
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The rows; on an empty table, its placeholder in the middle."""
        super().paintEvent(event)
        if not self.placeholder or self.table.rowCount() or self.table.loading:
            return
        painter = QPainter(self.viewport())
        colour = self.palette().color(QPalette.ColorRole.Text)
        colour.setAlpha(175)  # quieter than the rows, still easy to read
        painter.setPen(colour)
        area = self.viewport().rect().adjusted(40, 30, -40, -30)
        width = min(area.width(), 76 * self.fontMetrics().averageCharWidth())
        area.setLeft(area.center().x() - width // 2)
        area.setWidth(width)
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                         self.placeholder)
        painter.end()

    # -- columns -----------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A wider or narrower table: the fill column takes the room, or gives it back."""
        super().resizeEvent(event)
        self.fill_width()

    def fill_width(self) -> None:
        """Widen the first text column so the columns reach the right edge (no gap)."""
        column = self._fill_column
        header = self.horizontalHeader()
        # A size of 0: the column is being hidden (Qt says so before isSectionHidden does).
        if column is None or header.isSectionHidden(column) or self._filling or \
                header.sectionSize(column) == 0:
            return
        own = max(8, header.sectionSize(column) - self._filled)  # its width without the fill
        others = header.length() - header.sectionSize(column)
        self._filled = max(0, self.viewport().width() - others - own)
        self._filling = True
        try:
            self.setColumnWidth(column, own + self._filled)
        finally:
            self._filling = False

    def _section_resized(self, logical: int, old: int, new: int) -> None:
        if self._filling:
            return
        if logical == self._fill_column and old and new:  # not hidden or shown again
            self._filled = 0  # the user's width now
        self.fill_width()

    def set_default_layout(self) -> None:
        """Default widths from the spec (in average characters) and default visibility."""
        self.chosen = {}  # the user's own choices are forgotten too
        for position, column in enumerate(self.table.spec.columns):
            self.setColumnWidth(position, self.width_for(position, column.width))
            self.setColumnHidden(position, not column.visible)

    def width_for(self, position: int, characters: int) -> int:
        """The width of a column `characters` average characters wide, never narrower than
        its title."""
        title = self.table.spec.columns[position].title
        return max(characters, len(title) + 2) * self.fontMetrics().averageCharWidth() + 12

    def column_layout(self) -> list[tuple[str, int, bool]]:
        """(name, width, hidden) of every column, in the order shown."""
        header = self.horizontalHeader()
        layout = []
        for visual in range(header.count()):
            logical = header.logicalIndex(visual)
            column = self.table.spec.columns[logical]
            hidden = header.isSectionHidden(logical)
            width = header.sectionSize(logical) if not hidden else self.columnWidth(logical)
            if logical == self._fill_column and not hidden:
                width -= self._filled  # saved as chosen, not as the window gave it
            layout.append((column.name, width, hidden))
        return layout

    def apply_column_layout(self, layout: list[tuple[str, int, bool]]) -> None:
        """Restore a saved layout; unknown names are skipped.

        Columns the layout lacks (score columns appear once a project is scored) keep their
        default width and sit after the column they follow in the table's own order, not at
        the far right.
        """
        header = self.horizontalHeader()
        names = [column.name for column in self.table.spec.columns]
        saved = {name: (width, hidden) for name, width, hidden in layout if name in names}
        order = [name for name, _, _ in layout if name in names]
        for position, name in enumerate(names):
            if name not in saved:
                before = [n for n in names[:position] if n in order]
                order.insert(order.index(before[-1]) + 1 if before else 0, name)
        for visual, name in enumerate(order):
            logical = names.index(name)
            header.moveSection(header.visualIndex(logical), visual)
            if name in saved:
                width, hidden = saved[name]
                if width > 8:
                    self.setColumnWidth(logical, width)
                self.setColumnHidden(logical, hidden)

    def apply_chosen_columns(self, chosen: dict[str, bool], names: tuple[str, ...]) -> None:
        """Show the columns `names` as the spec says (the metrics by the project's data),
        except those the user showed or hid with the column chooser: as they chose."""
        self.chosen = {name: shown for name, shown in chosen.items() if name in names}
        for position, column in enumerate(self.table.spec.columns):
            if column.name in names:
                self.setColumnHidden(position, not self.chosen.get(column.name, column.visible))

    def show_while_filled(self, name: str, filled: bool) -> bool:
        """Show column `name` while it has something to show (an empty library, no link
        checked yet: no wide empty column), unless the user showed or hid it with the column
        chooser. True when it has just come back (the caller may size it)."""
        position = self.table.spec.column_index(name)
        if name in self.chosen:
            return False
        came_back = filled and self.isColumnHidden(position)
        self.setColumnHidden(position, not filled)
        return came_back

    def _choose_column(self, position: int, shown: bool) -> None:
        self.setColumnHidden(position, not shown)
        self.chosen[self.table.spec.columns[position].name] = shown

    def _header_menu(self, position: QPoint) -> None:
        self.column_menu().popup(self.horizontalHeader().mapToGlobal(position))

    def column_menu(self) -> QMenu:
        """The column chooser: one checkable entry per column."""
        menu = QMenu(self)
        for position, column in enumerate(self.table.spec.columns):
            action = menu.addAction(column.title)
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(position))
            if column.tooltip:
                action.setToolTip(column.tooltip)
            action.toggled.connect(lambda shown, p=position: self._choose_column(p, shown))
        menu.addSeparator()
        menu.addAction("Default columns", self.set_default_layout)
        return menu

    # -- sorting and selection ---------------------------------------------------------------

    def _sort_indicator_changed(self, section: int, order: Qt.SortOrder) -> None:
        # Qt moves the indicator to any clicked column; put it back if that one cannot sort.
        if not self.table.spec.columns[section].sortable:
            header = self.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self.table.sort_column(),
                                    _qt_order(self.table.sort_order.descending))
            header.blockSignals(False)

    def selected_rows(self) -> list[tuple[int, int]]:
        """Selected rows as (first, last) ranges: cheap even with a million selected."""
        ranges = self.selectionModel().selection() if self.selectionModel() else QItemSelection()
        # QItemSelection is a list of ranges; the PySide6 stub lacks its __iter__.
        return sorted({(r.top(), r.bottom()) for r in ranges})  # type: ignore[attr-defined]

    def selected_count(self) -> int:
        """How many rows are selected."""
        return sum(last - first + 1 for first, last in self.selected_rows())

    def selected_ids(self, limit: int | None = None) -> list[int]:
        """Ids of the selected rows, top to bottom (the first `limit` of them)."""
        ids: list[int] = []
        for first, last in self.selected_rows():
            ids.extend(self.table.row_id(row) for row in range(first, last + 1))
            if limit is not None and len(ids) >= limit:
                return ids[:limit]
        return ids

    def current_id(self) -> int | None:
        """Id of the current row (the one the details panel shows)."""
        index = self.currentIndex()
        return self.table.row_id(index.row()) if index.isValid() else None

    def _remember_selection(self) -> None:
        current, selected = self.current_id(), self.selected_ids(KEPT_SELECTION)
        if self.table.partial:
            # Only a search's first screenful is shown: what was selected further down is
            # still wanted in the whole answer, with whatever was picked meanwhile.
            kept_current, kept = self._kept
            current = current if current is not None else kept_current
            selected = list(dict.fromkeys([*kept, *selected]))[:KEPT_SELECTION]
        self._kept = (current, selected)

    def _restore_selection(self) -> None:
        current, selected = self._kept
        model, selection = self.table, QItemSelection()
        for row in model.rows_of(selected):
            selection.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.selectionModel().select(selection, flags)
        current_row = model.row_of(current) if current is not None else None
        if current_row is not None:
            self.selectionModel().setCurrentIndex(
                model.index(current_row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollTo(model.index(current_row, 0))
        else:
            self.scrollToTop()

    # -- copy and open -----------------------------------------------------------------------

    def copy_selection(self) -> int:
        """Copy the selected rows (shown columns, as shown) as tab-separated text."""
        header = self.horizontalHeader()
        columns = [header.logicalIndex(v) for v in range(header.count())]
        columns = [c for c in columns if not header.isSectionHidden(c)]
        lines = ["\t".join(self.table.spec.columns[c].title for c in columns)]
        copied = 0
        for first, last in self.selected_rows():
            for row in range(first, last + 1):
                if copied >= MAX_COPIED_ROWS:
                    break
                cells = [str(self.table.index(row, c).data() or "") for c in columns]
                lines.append("\t".join(cell.replace("\t", " ") for cell in cells))
                copied += 1
        if copied:
            QGuiApplication.clipboard().setText("\n".join(lines) + "\n")
        return copied

    def current_url(self) -> str | None:
        """The first URL of the current row (the source URL on the Links tab)."""
        index = self.currentIndex()
        if not index.isValid():
            return None
        for position, column in enumerate(self.table.spec.columns):
            if column.kind is Kind.URL:
                value = self.table.index(index.row(), position).data(VALUE_ROLE)
                return str(value) if value else None
        return None

    def open_current_url(self) -> bool:
        """Open the current row's URL in the browser (web addresses only)."""
        url = self.current_url()
        if not url or not url.startswith(("http://", "https://")):
            return False
        return QDesktopServices.openUrl(QUrl(url))


def _qt_order(descending: bool) -> Qt.SortOrder:
    return Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
