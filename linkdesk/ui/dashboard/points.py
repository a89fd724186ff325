"""A cloud of points drawn from arrays: one graphics item for every domain of the map.

pyqtgraph's ScatterPlotItem keeps a record per point (a structured array with Python objects,
a style key per point): 100,000 points with a colour each took 1-2.5 s of the GUI thread to
set (measured, benchmarks/bench_dashboard.py). This item keeps only the arrays: painting
maps them to pixels with numpy and draws a pre-rendered dot per point with one
`drawPixmapFragments` call per colour, as ScatterPlotItem's own fast path does.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import internals
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget


def dot(colour: QColor, size: int, cross: bool = False, ring: bool = False) -> QPixmap:
    """A point's picture: a filled circle, a ring, or a cross, `size` pixels wide."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if cross:
        painter.setPen(QPen(colour, 2))
        painter.drawLine(QPointF(1.5, 1.5), QPointF(size - 1.5, size - 1.5))
        painter.drawLine(QPointF(1.5, size - 1.5), QPointF(size - 1.5, 1.5))
    elif ring:
        painter.setPen(QPen(colour, 2))
        painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(QRectF(0.5, 0.5, size - 1, size - 1))
    painter.end()
    return pixmap


class PointCloud(pg.GraphicsObject):
    """Points at (x, y), each drawn with the picture of its group (a band, "marked"...)."""

    def __init__(self) -> None:
        super().__init__()
        self.x = np.zeros(0)
        self.y = np.zeros(0)
        self.group = np.zeros(0, dtype=np.int64)
        self.pictures: list[QPixmap] = []
        self._bounds = QRectF()
        self._fragments = internals.PrimitiveArray(QPainter.PixmapFragment, 10)

    def set_points(self, x: np.ndarray, y: np.ndarray, group: np.ndarray,
                   pictures: list[QPixmap]) -> None:
        """Show these points; `group[i]` indexes `pictures` (drawn in that order, last on top)."""
        self.prepareGeometryChange()
        self.x, self.y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        self.group = np.asarray(group, dtype=np.int64)
        self.pictures = pictures
        if len(self.x):
            self._bounds = QRectF(QPointF(self.x.min(), self.y.min()),
                                  QPointF(self.x.max(), self.y.max()))
        else:
            self._bounds = QRectF()
        self.informViewBoundsChanged()
        self.update()

    def clear(self) -> None:
        """No points."""
        self.set_points(np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64), [])

    def __len__(self) -> int:
        return len(self.x)

    def boundingRect(self) -> QRectF:
        """The data's extent (points are drawn in pixels around it)."""
        return QRectF(self._bounds)

    def dataBounds(self, axis: int, frac: float = 1.0,
                   orthoRange: tuple[float, float] | None = None) -> tuple[float, float] | None:
        """For the view's auto-range."""
        values = self.x if axis == 0 else self.y
        return (float(values.min()), float(values.max())) if len(values) else None

    def pixelPadding(self) -> float:
        """Points stick out of the data's extent by half their size."""
        return max((picture.width() for picture in self.pictures), default=0) / 2

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Each group's points with one drawPixmapFragments call, in device pixels."""
        if not len(self.x) or not self.pictures:
            return
        transform = painter.transform()
        px = transform.m11() * self.x + transform.m21() * self.y + transform.dx()
        py = transform.m12() * self.x + transform.m22() * self.y + transform.dy()
        device = painter.device()
        width, height = device.width(), device.height()
        margin = self.pixelPadding() + 1
        shown = (px > -margin) & (px < width + margin) & (py > -margin) & (py < height + margin)
        painter.save()
        painter.resetTransform()
        for index, picture in enumerate(self.pictures):
            mask = shown & (self.group == index)
            count = int(mask.sum())
            if not count:
                continue
            self._fragments.resize(count)
            fragments = self._fragments.ndarray()
            fragments[:, 0] = px[mask]
            fragments[:, 1] = py[mask]
            fragments[:, 2:6] = (0, 0, picture.width(), picture.height())
            fragments[:, 6:10] = (1.0, 1.0, 0.0, 1.0)
            # drawargs() is untyped: (pointer, count) here, which the stub's overload takes.
            painter.drawPixmapFragments(*self._fragments.drawargs(), picture)  # type: ignore[call-arg]
        painter.restore()
