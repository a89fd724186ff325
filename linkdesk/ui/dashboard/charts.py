"""Building blocks of the dashboard's charts: a titled card with a save menu, stacked bars."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters as exporters
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.files import ProtectedFileError, refuse_project_file
from linkdesk.ui.dashboard import theme
from linkdesk.ui.dialogs.messages import show_error

EXPORT_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"


def export_chart(plot: pg.PlotWidget, path: Path | str) -> None:
    """Save a chart as PNG (pyqtgraph's exporter, twice the size on screen) or SVG.

    Raises ProtectedFileError, writing nothing, where the file is a project."""
    path = Path(path)
    refuse_project_file(path)
    if path.suffix.lower() == ".svg":
        # pyqtgraph's SVGExporter fails on the paths this Qt writes (ValueError in its
        # coordinate rewriting); Qt's own SVG generator draws the chart as it looks.
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(plot.size())
        generator.setViewBox(QRect(QPoint(0, 0), plot.size()))
        generator.setTitle(path.stem)
        painter = QPainter(generator)
        try:
            plot.render(painter)
        finally:
            painter.end()
        return
    exporter = exporters.ImageExporter(plot.getPlotItem())
    exporter.parameters()["width"] = max(800, int(plot.width() * 2))
    exporter.export(str(path))


class ChartCard(QFrame):
    """A chart (or any widget) under a title, with an optional note and a save button."""

    def __init__(self, title: str, body: QWidget, plot: pg.PlotWidget | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.plot = plot
        self.title = QLabel(title)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.note = QLabel()
        self.note.setObjectName("chartNote")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.header = QHBoxLayout()
        self.header.setContentsMargins(0, 0, 0, 0)
        self.header.addWidget(self.title)
        self.header.addWidget(self.note, 1)
        if plot is not None:
            save = QToolButton()
            save.setObjectName("saveChart")
            save.setText("Save…")
            save.setAutoRaise(True)
            save.setToolTip("Save this chart as a PNG image or an SVG drawing")
            save.clicked.connect(self.save)
            self.header.addWidget(save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addLayout(self.header)
        layout.addWidget(body, 1)

    def add_control(self, widget: QWidget) -> None:
        """A small control (a view switch) in the header, before the save button."""
        self.header.insertWidget(2, widget)

    def save(self) -> None:
        """Ask where, then save the chart."""
        if self.plot is None:
            return
        name = self.title.text().lower().replace(" ", "-")
        path, chosen = QFileDialog.getSaveFileName(self, "Save Chart", f"{name}.png",
                                                   EXPORT_FILTER)
        if path:
            if not Path(path).suffix:
                path += ".svg" if "svg" in chosen.lower() else ".png"
            try:
                export_chart(self.plot, path)
            except ProtectedFileError as error:
                show_error(self, "Cannot save the chart", str(error))


def compact(value: float) -> str:
    """A count in few characters: 950, 12k, 1.2M (axis ticks and bar labels)."""
    size = abs(value)
    for unit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if size >= unit:
            digits = 1 if size < 10 * unit and value % unit else 0
            text = f"{value / unit:.{digits}f}"
            # 4,012 reads "4k" beside "38k", not "4.0k"
            return f"{text.removesuffix('.0')}{suffix}"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


class CountAxis(pg.AxisItem):
    """An axis of counts written compactly (200k rather than 200000)."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Compact labels."""
        return [compact(value * scale) for value in values]


def make_plot(menu: bool = False) -> pg.PlotWidget:
    """A plot in the palette's colours: no mouse zoom or menu (bar charts stay put)."""
    plot = pg.PlotWidget(axisItems={"left": CountAxis("left")})
    plot.setMinimumHeight(120)
    item = plot.getPlotItem()
    item.setMenuEnabled(menu)
    item.hideButtons()
    item.getViewBox().setMouseEnabled(x=False, y=False)
    item.showGrid(x=False, y=True, alpha=0.15)
    theme.style_plot(plot)
    return plot


def stacked_bars(plot: pg.PlotWidget, x: np.ndarray, counts: np.ndarray,
                 colours: tuple[QColor, ...], width: float, sign: int = 1,
                 names: tuple[str, ...] = ()) -> list[pg.BarGraphItem]:
    """One BarGraphItem per row of `counts` (e.g. per band), stacked upward (or down).

    Rows that are all zero get no item. Returns the items (tests read their heights).
    """
    items = []
    base = np.zeros(counts.shape[1], dtype=np.float64)
    for row, colour in enumerate(colours):
        heights = counts[row].astype(np.float64) * sign
        if not heights.any():
            continue
        item = pg.BarGraphItem(x=x, height=heights, y0=base.copy(), width=width,
                               brush=theme.brush(colour), pen=pg.mkPen(None))
        item.setObjectName(names[row] if names else "")
        plot.addItem(item)
        items.append(item)
        base = base + heights
    return items


def horizontal_bars(plot: pg.PlotWidget, labels: list[str], values: np.ndarray,
                    colours: list[QColor]) -> pg.BarGraphItem:
    """Bars left to right, the first label on top; the left axis names them."""
    count = len(labels)
    y = np.arange(count)[::-1].astype(np.float64)
    item = pg.BarGraphItem(x0=0, y=y, width=values.astype(np.float64), height=0.7,
                           brushes=[theme.brush(colour) for colour in colours],
                           pen=pg.mkPen(None))
    plot.addItem(item)
    axis = plot.getPlotItem().getAxis("left")
    axis.setTicks([[(float(y[i]), labels[i]) for i in range(count)]])
    plot.getPlotItem().getViewBox().setYRange(-0.6, count - 0.4, padding=0)
    top = float(values.max()) if count else 1.0
    plot.getPlotItem().getViewBox().setXRange(0, max(top, 1.0) * 1.08, padding=0)
    return item


def placeholder(plot: pg.PlotWidget, text: str) -> pg.TextItem:
    """A centred message instead of data (no scores, nothing to chart)."""
    colour = theme.palette().color(QPalette.ColorRole.PlaceholderText)
    item = pg.TextItem(text, color=colour, anchor=(0.5, 0.5))
    plot.addItem(item)
    for name in ("left", "bottom"):  # no numbers on the axes of an empty chart
        plot.getPlotItem().getAxis(name).setTicks([[]])
    item.setPos(0.5, 0.5)
    plot.getPlotItem().getViewBox().setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
    return item
