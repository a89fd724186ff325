"""Page breaks a reader expects from a QTextDocument: no table row cut across two pages, no
heading left alone at the foot of a page.

Qt's layout breaks a table row between two lines of a cell, and a heading may end a page
with its table or chart on the next. `keep_together(document)` walks the laid-out document
once, in order, and pushes such a row (by growing the row above it; Qt then repeats the
table's header rows above it on the new page), a table whose first row would leave its header
alone at a page's foot (with the heading above it), or a heading (its top margin) to the next
page; everything after moves with it.

Each change makes Qt lay out the rest of the document again, so a table's rows are not pushed
one at a time: `table_rows.py` works out where the rows fall from their heights alone (an
arithmetic pass), and all the pushes of a run of rows are made in one edit (one layout). The
page breaks are those of pushing row by row (tests/test_report_paging.py compares the two).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtGui import QTextBlock, QTextCursor, QTextDocument, QTextTable

from linkdesk.ui.report.table_rows import KEEP_LIMIT, RowMeasures, page_of, plan_rows, row_span

__all__ = ["KEEP_LIMIT", "keep_together"]


def keep_together(document: QTextDocument) -> None:
    """Move rows and headings that a page end would cut to the next page."""
    height = document.pageSize().height()
    if height <= 0:
        return
    document.documentLayout().documentSize()  # lay it all out before reading positions
    measures = RowMeasures(document)
    block = document.begin()
    while block.isValid():
        table = QTextCursor(block).currentTable()
        if table is not None:
            if block == table.cellAt(0, 0).firstCursorPosition().block():
                _keep_rows(document, table, height, measures)
                block = table.lastCursorPosition().block()  # its last cell's last block
        elif block.blockFormat().headingLevel():
            _keep_heading(document, block, height)
        block = block.next()


def _keep_rows(document: QTextDocument, table: QTextTable, height: float,
               measures: RowMeasures) -> None:
    """Keep every row of `table` whole: planned runs of rows, one layout per run."""
    row, rows = 0, table.rows()
    while row < rows:
        plan = plan_rows(document, table, row, height, measures)
        before = {pushed - 1: _paddings(table, pushed - 1) for pushed, _shift in plan.pushes}
        with _one_edit(document):  # one layout for the run, not one per cell
            for pushed, shift in plan.pushes:
                _grow_row(table, pushed - 1, shift)
        wrong = plan.first_misplaced(document, table)
        if wrong is not None:  # the plan did not foresee Qt's layout: row by row from there
            with _one_edit(document):
                for above, paddings in before.items():
                    if above >= wrong - 1:
                        _set_paddings(table, above, paddings)
            for rest in range(wrong, rows):
                _keep_row(document, table, rest, height)
            return
        if plan.stop < rows:  # a row the plan leaves to Qt's own layout
            _keep_row(document, table, plan.stop, height)
            measures.learn(document, table, plan.stop, height)
        row = plan.stop + 1


@contextmanager
def _one_edit(document: QTextDocument) -> Iterator[None]:
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    try:
        yield
    finally:
        cursor.endEditBlock()


def _paddings(table: QTextTable, row: int) -> list[float]:
    return [table.cellAt(row, column).format().toTableCellFormat().bottomPadding()
            for column in range(table.columns())]


def _set_paddings(table: QTextTable, row: int, paddings: list[float]) -> None:
    for column, padding in enumerate(paddings):
        cell = table.cellAt(row, column)
        style = cell.format().toTableCellFormat()
        style.setBottomPadding(padding)
        cell.setFormat(style)


def _rect(document: QTextDocument, block: QTextBlock) -> tuple[float, float]:
    rect = document.documentLayout().blockBoundingRect(block)
    return rect.top(), rect.bottom()


def _keep_row(document: QTextDocument, table: QTextTable, row: int, height: float) -> None:
    """One row, as Qt lays it out now (a layout per change: for what the plan leaves)."""
    top, bottom = row_span(document, table, row)
    if page_of(top, height) == page_of(bottom - 1, height) or \
            bottom - top > KEEP_LIMIT * height:
        return
    if row <= table.format().headerRowCount():  # a header alone at the foot: move the table
        _move_table(document, table, height)
        return
    # Grow the row above instead of padding this one: Qt then lays the row out on the next
    # page just below the table's repeated header rows, with no gap (padding would travel).
    with _one_edit(document):
        _grow_row(table, row - 1, (page_of(top, height) + 1) * height - top + 1)


def _grow_row(table: QTextTable, row: int, shift: float) -> None:
    _set_paddings(table, row, [padding + shift for padding in _paddings(table, row)])


def _move_table(document: QTextDocument, table: QTextTable, height: float) -> None:
    """Start `table` (and the heading just above it, if any) on the next page."""
    top = document.documentLayout().frameBoundingRect(table).top()
    before = table.firstCursorPosition().block().previous()
    if before.isValid() and before.blockFormat().headingLevel():
        heading_top = _rect(document, before)[0]
        if page_of(heading_top, height) == page_of(top, height):
            _push_block(before, (page_of(heading_top, height) + 1) * height - heading_top + 2)
            return
    style = table.format()
    style.setTopMargin(style.topMargin() + (page_of(top, height) + 1) * height - top + 2)
    table.setFormat(style)


def _push_block(block: QTextBlock, shift: float) -> None:
    style = block.blockFormat()
    style.setTopMargin(style.topMargin() + shift)
    QTextCursor(block).setBlockFormat(style)


def _keep_heading(document: QTextDocument, block: QTextBlock, height: float) -> None:
    following = block.next()
    if not following.isValid():
        return
    top = _rect(document, block)[0]
    start = _rect(document, following)[0]
    lines = following.layout()
    first = lines.lineAt(0).height() if lines is not None and lines.lineCount() else 0.0
    end = start + max(first, 1.0)
    if page_of(top, height) == page_of(end - 1, height):
        return
    _push_block(block, (page_of(top, height) + 1) * height - top + 2)
