"""The quality-vs-quantity map: one point per referring domain, all in one graphics item.

x is the domain's links on a log scale, y its quality; colour is the band, a cross marks a
domain marked for disavow. Hovering a point shows the domain and its numbers; a click selects
one domain (Ctrl adds), a left-drag box selects every point inside, a click on empty space
clears. The wheel zooms, a middle-drag pans, "A" (bottom left) shows everything again.
Everything is arrays: 100,000 points draw (points.py) and hit-test without a Python loop.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent, MouseDragEvent
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QPixmap
from PySide6.QtWidgets import QToolTip

from linkdesk.core.profile import DomainPoints, DomainSummary
from linkdesk.ui.dashboard import theme
from linkdesk.ui.dashboard.charts import placeholder
from linkdesk.ui.dashboard.points import PointCloud, dot
from linkdesk.ui.format import number_text, plain_tooltip

HOVER_PIXELS = 6  # how near the pointer a point must be to count as hovered or clicked
POINT_SIZE = 6
MARKED_SIZE = 9
COLUMN_FILL = 0.8  # share of its column (n ± ½ link, on the log scale) a count's points spread over
JITTER_Y = 0.8  # in quality points
X_START = float(np.log10(1 - COLUMN_FILL / 2)) - 0.02  # the 1-link column's left edge, and a bit


class _SelectingViewBox(pg.ViewBox):
    """A left-drag draws a box and reports it (instead of panning); a left click reports too."""

    # (where in data coordinates, add: 1 while Ctrl is held). Not `bool`: PySide6 6.12 drops a
    # reference to False with every bool it passes to a Python slot, until Python aborts.
    box_selected = Signal(object, int)
    clicked = Signal(object, int)

    def mouseDragEvent(self, ev: MouseDragEvent, axis: int | None = None) -> None:
        """Left button: a selection box; other buttons as pyqtgraph does."""
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        if ev.isFinish():
            self.rbScaleBox.hide()
            corners = QRectF(self.mapToView(ev.buttonDownPos()), self.mapToView(ev.pos()))
            add = int(bool(ev.modifiers() & Qt.KeyboardModifier.ControlModifier))
            self.box_selected.emit(corners.normalized(), add)
        else:
            self.updateScaleBox(ev.buttonDownPos(), ev.pos())

    def mouseClickEvent(self, ev: MouseClickEvent) -> None:
        """Left click: report where; right click: pyqtgraph's menu."""
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            add = int(bool(ev.modifiers() & Qt.KeyboardModifier.ControlModifier))
            self.clicked.emit(self.mapToView(ev.pos()), add)
            return
        super().mouseClickEvent(ev)


class DomainMap(pg.PlotWidget):
    """The map. `domains_selected(list[int])` gives Referring domains row ids."""

    domains_selected = Signal(list)

    def __init__(self, summary: Callable[[int], DomainSummary | None] | None = None) -> None:
        self.view_box = _SelectingViewBox()
        super().__init__(viewBox=self.view_box)
        self.summary = summary  # looks a hovered domain up by id
        self.setMinimumHeight(170)  # still room for both axes' labels
        item = self.getPlotItem()
        item.setLabel("left", "Domain quality")
        item.setLabel("bottom", "Links from the domain (log scale)")
        item.showGrid(x=True, y=True, alpha=0.15)
        self.cloud = PointCloud()  # every domain
        self.selection_item = PointCloud()  # rings around the selected ones
        item.addItem(self.cloud)
        item.addItem(self.selection_item)
        self.points: DomainPoints | None = None
        self._x = np.zeros(0)
        self._y = np.zeros(0)
        self.selected = np.zeros(0, dtype=np.int64)  # row ids
        self._hovered: int | None = None
        self._message: pg.TextItem | None = None
        self.view_box.box_selected.connect(self._box_selected)
        self.view_box.clicked.connect(self._clicked)
        self.scene().sigMouseMoved.connect(self._mouse_moved)
        self.apply_palette()

    # -- data --------------------------------------------------------------------------------

    def set_points(self, points: DomainPoints | None, message: str = "") -> None:
        """Show these domains (or a message instead); the selection is kept where it can be."""
        self.points = points
        if self._message is not None:
            self.removeItem(self._message)
            self._message = None
            self.getPlotItem().getAxis("left").setTicks(None)
        if points is None or not len(points):
            self.cloud.clear()
            self.selection_item.clear()
            self._x = self._y = np.zeros(0)
            self._message = placeholder(self, message or "No referring domains to show")
            return
        self._x = column_positions(points.links, points.ids)
        self._y = points.quality + (((points.ids * 40503) % 997) / 997.0 - 0.5) * JITTER_Y
        # Groups in drawing order: the bands, then marked domains on top of them.
        group = np.clip(points.band, 0, len(theme.BAND_COLOURS) - 1)
        group = np.where(points.marked, len(theme.BAND_COLOURS), group)
        self.cloud.set_points(self._x, self._y, group, self._pictures())
        decades = max(1.0, float(self._x.max()) + 0.1)
        self.getPlotItem().getAxis("bottom").setTicks(log_ticks(decades))
        self.getPlotItem().getViewBox().setRange(xRange=(X_START, decades), yRange=(-2, 102),
                                                 padding=0)
        self._show_selection()

    def apply_palette(self) -> None:
        """Colours of the axes and background from the palette."""
        theme.style_plot(self)

    @staticmethod
    def _pictures() -> list[QPixmap]:
        bands = [dot(_alpha(colour, 170), POINT_SIZE) for colour in theme.BAND_COLOURS]
        return [*bands, dot(theme.MARKED_COLOUR, MARKED_SIZE, cross=True)]

    # -- selection ---------------------------------------------------------------------------

    def select_ids(self, ids: np.ndarray, add: int = 0) -> None:
        """Select these domains (row ids) and emit `domains_selected`."""
        ids = np.asarray(ids, dtype=np.int64)
        self.selected = np.union1d(self.selected, ids) if add else np.unique(ids)
        self._show_selection()
        self.domains_selected.emit([int(i) for i in self.selected])

    def nearest(self, pos: QPointF) -> int | None:
        """The index of the point within HOVER_PIXELS of `pos` (data coordinates), if any."""
        if not len(self._x):
            return None
        width, height = self.view_box.viewPixelSize()
        distance = ((self._x - pos.x()) / width) ** 2 + ((self._y - pos.y()) / height) ** 2
        index = int(np.argmin(distance))
        return index if distance[index] <= HOVER_PIXELS**2 else None

    def _show_selection(self) -> None:
        if self.points is None or not len(self.selected):
            self.selection_item.clear()
            return
        shown = np.isin(self.points.ids, self.selected)
        self.selection_item.set_points(self._x[shown], self._y[shown],
                                       np.zeros(int(shown.sum()), dtype=np.int64),
                                       [dot(theme.SELECTED_COLOUR, POINT_SIZE + 6, ring=True)])

    def _box_selected(self, rect: QRectF, add: int) -> None:
        if self.points is None:
            return
        inside = ((self._x >= rect.left()) & (self._x <= rect.right())
                  & (self._y >= rect.top()) & (self._y <= rect.bottom()))
        self.select_ids(self.points.ids[inside], add)

    def _clicked(self, pos: QPointF, add: int) -> None:
        index = self.nearest(pos)
        if self.points is None or (index is None and add):
            return
        ids = self.points.ids[[index]] if index is not None else np.zeros(0, dtype=np.int64)
        self.select_ids(ids, add)

    # -- hover -------------------------------------------------------------------------------

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        if self.points is None or not self.view_box.sceneBoundingRect().contains(scene_pos):
            self._hover(None)
            return
        self._hover(self.nearest(self.view_box.mapSceneToView(scene_pos)))

    def _hover(self, index: int | None) -> None:
        domain_id = int(self.points.ids[index]) if index is not None and self.points else None
        if domain_id == self._hovered:
            return
        self._hovered = domain_id
        if domain_id is None or self.summary is None:
            QToolTip.hideText()
            return
        found = self.summary(domain_id)
        if found is not None:
            QToolTip.showText(QCursor.pos(), plain_tooltip(hover_text(found)), self)

    def hovered_id(self) -> int | None:
        """The domain under the pointer (tests)."""
        return self._hovered


def _alpha(colour: QColor, alpha: int) -> QColor:
    shade = QColor(colour)
    shade.setAlpha(alpha)
    return shade


def legend_html() -> str:
    """The map's legend (rich text for the card's header): band colours and the mark."""
    marked = f"<span style='color:{theme.MARKED_COLOUR.name()}'>✕</span> marked for disavow"
    return f"{theme.band_legend(symbol='●')}&nbsp;&nbsp;{marked}"


def column_positions(links: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """x of each domain: log10 of its links, spread across that count's column.

    Domains with 1, 2, 3… links would stand in vertical stripes; each is placed at a
    deterministic place (from its id: the same on every redraw) within the column from
    n - ½ to n + ½ links on the log scale, narrowed to COLUMN_FILL so columns stay apart.
    Many links make narrow columns: a count there is read as before.
    """
    count = np.maximum(np.asarray(links, dtype=np.float64), 1.0)
    # A hash of the id, uniform in [0, 1): neighbouring ids land far apart.
    share = ((np.asarray(ids, dtype=np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)
             ).astype(np.float64) / 2.0**32
    offset = (share - 0.5) * COLUMN_FILL  # in links, within ±COLUMN_FILL/2
    return np.log10(count + offset)


def log_ticks(decades: float) -> list[list[tuple[float, str]]]:
    """Ticks of a log10 axis as plain numbers: 1, 10, 100, 1k … and 2, 5, 20, 50 … between."""
    major, minor = [], []
    for power in range(int(decades) + 2):
        major.append((float(power), _compact(10**power)))
        minor += [(float(np.log10(m * 10**power)), _compact(m * 10**power)) for m in (2, 5)]
    return [major, minor]


def _compact(value: int) -> str:
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if value >= size:
            return f"{value // size}{suffix}"
    return str(value)


def hover_text(domain: DomainSummary) -> str:
    """The tooltip of a point: the domain and its numbers, as plain text (shown through
    `plain_tooltip`: a domain imported before hosts were checked may look like HTML)."""
    lines = [domain.domain,
             f"Links: {number_text(domain.links)} ({number_text(domain.dofollow_links)} "
             f"dofollow, {number_text(domain.lost_links)} lost)"]
    if domain.quality is not None and domain.band is not None:
        lines.append(f"Quality: {number_text(domain.quality, decimals=1)} · "
                     f"{theme.BAND_NAMES[int(domain.band)]}")
    if domain.marked:
        lines.append("Marked for disavow")
    return "\n".join(lines)
