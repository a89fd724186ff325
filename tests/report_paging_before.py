"""The page breaks of the report before the arithmetic row pass (a copy of
linkdesk/ui/report/paging.py as it was): tests compare the two.

Page breaks a reader expects from a QTextDocument: no table row cut across two pages, no
heading left alone at the foot of a page.

Qt's layout breaks a table row between two lines of a cell, and a heading may end a page
with its table or chart on the next. `keep_together(document)` walks the laid-out document
once, in order, and pushes such a row (by growing the row above it; Qt then repeats the
table's header rows above it on the new page), a table whose first row would leave its header
alone at a page's foot (with the heading above it), or a heading (its top margin) to the next
page; everything after moves with it.
"""

from __future__ import annotations

from PySide6.QtGui import QTextBlock, QTextCursor, QTextDocument, QTextTable

KEEP_LIMIT = 0.5  # rows taller than this share of a page are left to break


def keep_together(document: QTextDocument) -> None:
    """Move rows and headings that a page end would cut to the next page."""
    height = document.pageSize().height()
    if height <= 0:
        return
    document.documentLayout().documentSize()  # lay it all out before reading positions
    block = document.begin()
    while block.isValid():
        table = QTextCursor(block).currentTable()
        if table is not None:
            cell = table.cellAt(block.position())
            if cell.column() == 0 and cell.firstCursorPosition().block() == block:
                _keep_row(document, table, cell.row(), height)
        elif block.blockFormat().headingLevel():
            _keep_heading(document, block, height)
        block = block.next()


def _rect(document: QTextDocument, block: QTextBlock) -> tuple[float, float]:
    rect = document.documentLayout().blockBoundingRect(block)
    return rect.top(), rect.bottom()


def _page(y: float, height: float) -> int:
    return int((y + 0.5) // height)  # a block starting a page may sit a rounding above it


def _keep_row(document: QTextDocument, table: QTextTable, row: int, height: float) -> None:
    tops, bottoms = [], []
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        tops.append(_rect(document, cell.firstCursorPosition().block())[0])
        bottoms.append(_rect(document, cell.lastCursorPosition().block())[1])
    top, bottom = min(tops), max(bottoms)
    if _page(top, height) == _page(bottom - 1, height) or bottom - top > KEEP_LIMIT * height:
        return
    if row <= table.format().headerRowCount():  # a header alone at the foot: move the table
        _move_table(document, table, height)
        return
    # Grow the row above instead of padding this one: Qt then lays the row out on the next
    # page just below the table's repeated header rows, with no gap (padding would travel).
    shift = (_page(top, height) + 1) * height - top + 1
    for column in range(table.columns()):
        cell = table.cellAt(row - 1, column)
        style = cell.format().toTableCellFormat()
        style.setBottomPadding(style.bottomPadding() + shift)
        cell.setFormat(style)


def _move_table(document: QTextDocument, table: QTextTable, height: float) -> None:
    """Start `table` (and the heading just above it, if any) on the next page."""
    top = document.documentLayout().frameBoundingRect(table).top()
    before = table.firstCursorPosition().block().previous()
    if before.isValid() and before.blockFormat().headingLevel():
        heading_top = _rect(document, before)[0]
        if _page(heading_top, height) == _page(top, height):
            _push_block(before, (_page(heading_top, height) + 1) * height - heading_top + 2)
            return
    style = table.format()
    style.setTopMargin(style.topMargin() + (_page(top, height) + 1) * height - top + 2)
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
    if _page(top, height) == _page(end - 1, height):
        return
    _push_block(block, (_page(top, height) + 1) * height - top + 2)
