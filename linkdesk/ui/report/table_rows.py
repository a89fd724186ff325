"""Where a table's rows fall on the pages, worked out from their heights (for paging.py).

Pushing a row to the next page one at a time costs a layout of the rest of the document per
row: a report with 200 placements took seconds. Yet once a row is pushed, Qt puts it at the
same place on every new page (just below the repeated header rows), and the rows that follow
it keep the steps they have when no page end cuts them. So a run of rows is planned by
arithmetic from each row's step (its top from the previous row's top) and its height, both
measured once on a copy of the document laid out as one endless page; the place a pushed row
lands on is learnt from the table's first push, made by Qt. A row whose outcome the plan
cannot foresee (a header row, a row nearly as tall as the keep limit) ends the run and is
left to the row-by-row way. Whatever the plan says is checked against Qt's layout after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QTextCursor, QTextDocument, QTextTable

KEEP_LIMIT = 0.5  # rows taller than this share of a page are left to break
ENDLESS = -1.0  # a page height that never ends a page
SLACK = 8.0  # pixels of doubt when telling whether a cut row stays under the keep limit
EDGE = 1.0  # pixels of doubt at a page's edges: nearer, the plan stops and Qt decides
EXACT = 0.01  # how far Qt's place for a row may be from the planned one


def page_of(y: float, height: float) -> int:
    """The page `y` is on (a block starting a page may sit a rounding above it)."""
    return int((y + 0.5) // height)


def row_span(document: QTextDocument, table: QTextTable, row: int) -> tuple[float, float]:
    """The top of a row's first line and the bottom of its last, over all its cells."""
    layout = document.documentLayout()
    tops, bottoms = [], []
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        tops.append(layout.blockBoundingRect(cell.firstCursorPosition().block()).top())
        bottoms.append(layout.blockBoundingRect(cell.lastCursorPosition().block()).bottom())
    return min(tops), max(bottoms)


class RowMeasures:
    """Each table's row steps and heights on one endless page, and where a pushed row lands
    on a new page; measured on a copy made before any change (the rows' text never moves)."""

    def __init__(self, document: QTextDocument) -> None:
        self._document = document
        self._endless: QTextDocument | None = None
        self._rows: dict[int, tuple[list[float], list[float]]] = {}
        self._landing: dict[int, float] = {}

    def rows(self, table: QTextTable) -> tuple[list[float], list[float]]:
        """(steps, heights): row r's top minus row r-1's, and its bottom minus its top."""
        key = table.firstPosition()
        if key not in self._rows:
            endless = self._endless_copy()
            cursor = QTextCursor(endless)
            cursor.setPosition(key)
            copy = cursor.currentTable()
            assert copy is not None  # the same text at the same positions
            spans = [row_span(endless, copy, row) for row in range(copy.rows())]
            steps = [0.0] + [spans[r][0] - spans[r - 1][0] for r in range(1, len(spans))]
            self._rows[key] = (steps, [bottom - top for top, bottom in spans])
        return self._rows[key]

    def landing(self, table: QTextTable) -> float | None:
        """How far below a page's start a row pushed to it sits; None until seen."""
        return self._landing.get(table.firstPosition())

    def learn(self, document: QTextDocument, table: QTextTable, row: int,
              height: float) -> None:
        """After Qt laid out `row`: if it starts a page the row above is not on, it shows
        where a pushed row of this table lands."""
        if row <= table.format().headerRowCount():
            return
        top = row_span(document, table, row)[0]
        if page_of(top, height) > page_of(row_span(document, table, row - 1)[0], height):
            self._landing.setdefault(table.firstPosition(), top - page_of(top, height) * height)

    def _endless_copy(self) -> QTextDocument:
        if self._endless is None:
            self._endless = self._document.clone()
            self._endless.setPageSize(QSizeF(self._document.pageSize().width(), ENDLESS))
            self._endless.documentLayout().documentSize()
        return self._endless


@dataclass
class RowPlan:
    """A run of rows from a start: which to push (row, by how much the row above grows),
    where each row's top should then be, and the row the run stopped at (or the row count)."""

    pushes: list[tuple[int, float]] = field(default_factory=list)
    expected: list[tuple[int, float]] = field(default_factory=list)
    stop: int = 0

    def first_misplaced(self, document: QTextDocument, table: QTextTable) -> int | None:
        """The first row Qt did not put where planned, None if every one is."""
        for row, top in self.expected:
            if abs(row_span(document, table, row)[0] - top) > EXACT:
                return row
        return None


def plan_rows(document: QTextDocument, table: QTextTable, start: int, height: float,
              measures: RowMeasures) -> RowPlan:
    """Plan rows `start`... of `table` as laid out now: what pushing them one by one would
    do, up to the first row the plan cannot foresee (`stop`).

    Qt's rules, in the rows' own terms: a row that would start above where a pushed row lands
    on its page starts there (below the repeated header); a row whose last line would end in
    the page's foot (under `_foot`) is cut, so it is pushed to the next page."""
    steps, heights = measures.rows(table)
    landing = measures.landing(table)
    headers = table.format().headerRowCount()
    limit = KEEP_LIMIT * height
    plan = RowPlan(stop=table.rows())
    top = row_span(document, table, start)[0]
    for row in range(start, table.rows()):
        page = page_of(top, height)
        if row > start:
            top += steps[row]
            page = page_of(top, height)
            if landing is not None and row > headers and top < page * height + landing:
                if top > page * height + landing - EDGE:
                    plan.stop = row  # too near the landing to be sure
                    break
                top = page * height + landing
        end = (page + 1) * height
        bottom = top + heights[row]
        room = end - _foot(table, row)
        if abs(bottom - room) < EDGE:
            plan.stop = row  # too near the foot to be sure whether Qt cuts it
            break
        if bottom < room:
            plan.expected.append((row, top))
            continue
        # Cut by Qt, the row grows by at most the rest of the page and the landing: whether
        # it then passes the keep limit is only sure with room to spare.
        if row <= headers or landing is None or \
                heights[row] + (end - top) + landing + SLACK > limit:
            plan.stop = row
            break
        plan.pushes.append((row, end - top + 1))
        top = end + landing
        plan.expected.append((row, top))
    return plan


def _foot(table: QTextTable, row: int) -> float:
    """How far above a page's end a row's last line must end for Qt not to cut the row: the
    row's bottom padding and the table's own margins (as Qt's table layout counts them)."""
    style = table.format()
    paddings = []
    for column in range(table.columns()):
        cell = table.cellAt(row, column).format().toTableCellFormat()
        given = cell.hasProperty(cell.Property.TableCellBottomPadding)
        paddings.append(cell.bottomPadding() if given else style.cellPadding())
    return max(paddings) + 2 * style.border() + style.cellSpacing() + style.topMargin() + \
        style.padding()
