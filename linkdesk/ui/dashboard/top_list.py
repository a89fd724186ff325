"""A ranked list that fits its space: names elided on the left, counts always whole on the
right, as many rows as the height allows (the Dashboard's top anchors)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

GAP = 8  # pixels between a name and its count


class TopList(QWidget):
    """A title over (name, count) rows; a long name is elided, never its count."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.rows: list[tuple[str, str]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        """The rows, best first: (name, count as text)."""
        self.rows = rows
        self.setToolTip("\n".join(f"{name}: {count}" for name, count in rows))
        self.update()

    def clear(self) -> None:
        """No rows."""
        self.set_rows([])

    def line_height(self) -> int:
        """The height of one row."""
        return self.fontMetrics().height() + 2

    def visible_rows(self) -> list[tuple[str, str]]:
        """The rows as drawn at the current size: (elided name, count)."""
        fitting = max(0, self.height() // self.line_height() - 1)  # the title takes one
        count_width = max((self.fontMetrics().horizontalAdvance(c) for _, c in self.rows),
                          default=0)
        room = max(0, self.width() - count_width - GAP)
        return [(self.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, room), count)
                for name, count in self.rows[:fitting]]

    def minimumSizeHint(self) -> QSize:
        """Room for the title and four rows, and a few characters of each name."""
        return QSize(14 * self.fontMetrics().averageCharWidth(), 5 * self.line_height())

    def sizeHint(self) -> QSize:
        """Room for every row."""
        return QSize(24 * self.fontMetrics().averageCharWidth(),
                     (len(self.rows) + 1) * self.line_height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        """The title in bold, then the rows: names left, counts right-aligned."""
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        line = self.line_height()
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(QRect(0, 0, self.width(), line), Qt.AlignmentFlag.AlignLeft
                         | Qt.AlignmentFlag.AlignVCenter, self.title)
        painter.setFont(self.font())
        for index, (name, count) in enumerate(self.visible_rows(), start=1):
            area = QRect(0, index * line, self.width(), line)
            painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             name)
            painter.drawText(area, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             count)
        painter.end()
