"""Page breaks a reader expects from a QTextDocument: no table row cut across two pages, no
heading left alone at the foot of a page.

Qt's layout breaks a table row between two lines of a cell, and a heading may end a page
with its table or chart on the next. `keep_together(document)` walks the laid-out document
once, in order, and pushes such a row (with its cells' top padding) or heading (its top
margin) to the next page; everything after moves with it.
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
    shift = (_page(top, height) + 1) * height - top + 2
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        style = cell.format().toTableCellFormat()
        style.setTopPadding(style.topPadding() + shift)
        cell.setFormat(style)


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
    style = block.blockFormat()
    style.setTopMargin(style.topMargin() + (_page(top, height) + 1) * height - top + 2)
    QTextCursor(block).setBlockFormat(style)
