"""The dashboard's bar charts, each a pyqtgraph plot filled from one core dataclass."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from linkdesk.core.profile import (
    BUCKET_POINTS,
    CLASS_LABELS,
    AnchorMix,
    Attributes,
    Quality,
    Velocity,
)
from linkdesk.ui.dashboard import theme
from linkdesk.ui.dashboard.charts import (
    compact,
    horizontal_bars,
    make_plot,
    placeholder,
    stacked_bars,
)
from linkdesk.ui.dashboard.top_list import TopList

MONTH_SECONDS = 30.44 * 86400
# TLD bars before "Other": as many rows as the anchor classes, so both read on a laptop screen.
SHOWN_TLDS = 8


def switch(*choices: str) -> QComboBox:
    """A small menu that switches what a chart shows."""
    menu = QComboBox()
    menu.addItems(list(choices))
    menu.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return menu


class BarChart:
    """A plot and the bar items it shows now (tests read them)."""

    def __init__(self) -> None:
        self.plot = make_plot()
        self.items: list[pg.GraphicsObject] = []

    def reset(self) -> None:
        """Remove every item, restyle in the current palette, automatic ticks again."""
        item = self.plot.getPlotItem()
        item.clear()
        self.items = []
        for name in ("left", "bottom"):
            item.getAxis(name).setTicks(None)
        theme.style_plot(self.plot)

    def message(self, text: str) -> None:
        """Show a message instead of bars."""
        self.reset()
        self.items.append(placeholder(self.plot, text))

    def heights(self, name: str) -> np.ndarray:
        """The heights (or widths) of the bar item called `name`, zeros if there is none."""
        for item in self.items:
            if isinstance(item, pg.BarGraphItem) and item.objectName() == name:
                # Vertical bars have an array of heights, horizontal ones of widths.
                values = [item.opts.get(key) for key in ("height", "width")]
                found = [value for value in values if np.ndim(value) == 1]
                return np.asarray(found[0], dtype=np.float64)
        return np.zeros(0)


def _unscored_text(what: str, scored: bool) -> str:
    """Why a chart of scores is empty: no links (an empty project, or filters letting none
    through), or scores still to come (`what` "quality": "Quality shows once..."); re-scoring
    usually runs already, so no order to re-score."""
    verb = "show" if what.endswith("es") else "shows"
    return "No links to chart" if scored else f"{what} {verb} once the project is scored"


class QualityChart(BarChart):
    """Links or referring domains per quality bucket, stacked by band."""

    def __init__(self) -> None:
        super().__init__()
        self.choice = switch("Over links", "Over referring domains")
        self.data: Quality | None = None
        self.scored: bool = True
        self.choice.currentIndexChanged.connect(lambda _i: self.show(self.data, self.scored))
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "Quality")

    def show(self, data: Quality | None, scored: bool = True) -> None:
        """Draw the histogram the switch chooses; `scored`: the scores are current (else
        the qualities are still to come)."""
        self.data, self.scored = data, scored
        self.reset()
        if data is None:
            return
        over_domains = self.choice.currentIndex() == 1
        histogram = data.domains if over_domains else data.links
        self.plot.getPlotItem().setLabel("left", "Domains" if over_domains else "Links")
        if not histogram.total:
            self.message(_unscored_text("Quality", scored) if not data.links.total
                         and not data.domains.total else "Nothing to chart")
            return
        x = histogram.edges + BUCKET_POINTS / 2
        self.items = stacked_bars(self.plot, x, histogram.counts, theme.BAND_COLOURS,
                                  BUCKET_POINTS * 0.88, names=theme.BAND_NAMES)
        # Where the bands begin (risky is any quality with enough risk points).
        muted = theme.palette().color(QPalette.ColorRole.PlaceholderText)
        for value, name in ((data.fair, "fair"), (data.strong, "strong")):
            line = pg.InfiniteLine(pos=value, angle=90, label=name,
                                   pen=pg.mkPen(muted, style=Qt.PenStyle.DashLine),
                                   labelOpts={"position": 0.92, "color": muted})
            self.plot.addItem(line)
        self.plot.getPlotItem().getViewBox().setRange(
            xRange=(0, 100), yRange=(0, float(histogram.counts.sum(axis=0).max()) * 1.05),
            padding=0.02)


def month_stamp(month: str) -> float:
    """The middle of a "YYYY-MM" month, in seconds since 1970 (for the date axis)."""
    year, number = int(month[:4]), int(month[5:7])
    days = calendar.monthrange(year, number)[1]
    start = datetime(year, number, 1, tzinfo=UTC).timestamp()
    return start + days * 86400 / 2


class VelocityChart(BarChart):
    """New (up) and lost (down) links or domains per month, stacked by band."""

    def __init__(self) -> None:
        super().__init__()
        self.plot.getPlotItem().setAxisItems({"bottom": pg.DateAxisItem(orientation="bottom")})
        self.choice = switch("Links", "Referring domains")
        self.choice.currentIndexChanged.connect(lambda _i: self.show(self.data))
        self.data: Velocity | None = None
        self.plot.getPlotItem().setLabel("left", "New ↑  lost ↓")

    def show(self, data: Velocity | None) -> None:
        """Draw the months the switch chooses."""
        self.data = data
        self.reset()
        if data is None:
            return
        if not data.months:
            self.message("No dates to chart")
            return
        domains = self.choice.currentIndex() == 1
        new, lost = (data.new_domains, data.lost_domains) if domains else (
            data.new_links, data.lost_links)
        x = np.array([month_stamp(month) for month in data.months])
        width = MONTH_SECONDS * 0.8
        names = tuple(f"new {name}" for name in theme.BAND_NAMES)
        self.items = stacked_bars(self.plot, x, new, theme.BAND_COLOURS, width, names=names)
        faded = tuple(_faded(colour) for colour in theme.BAND_COLOURS)
        names = tuple(f"lost {name}" for name in theme.BAND_NAMES)
        self.items += stacked_bars(self.plot, x, lost, faded, width, sign=-1, names=names)
        zero = pg.InfiniteLine(pos=0, angle=0,
                               pen=pg.mkPen(theme.palette().color(QPalette.ColorRole.Mid)))
        self.plot.addItem(zero)
        top = max(float(new.sum(axis=0).max()), 1.0)
        bottom = float(lost.sum(axis=0).max()) if lost.size else 0.0
        self.plot.getPlotItem().getViewBox().setRange(
            xRange=(x[0] - MONTH_SECONDS, x[-1] + MONTH_SECONDS),
            yRange=(-bottom * 1.05, top * 1.05), padding=0)


def _faded(colour: QColor) -> QColor:
    shade = QColor(colour)
    shade.setAlpha(130)
    return shade


class LabelledBars(BarChart):
    """Horizontal bars with their value written at the end."""

    def draw(self, labels: list[str], values: np.ndarray, colours: list[QColor],
             total: int, name: str) -> None:
        """Bars for `labels`, each value followed by its share of `total`."""
        self.reset()
        item = horizontal_bars(self.plot, labels, values, colours)
        item.setObjectName(name)
        self.items = [item]
        text_colour = theme.palette().color(QPalette.ColorRole.Text)
        for row, value in enumerate(values):
            share = f" ({100.0 * value / total:.0f}%)" if total else ""
            label = pg.TextItem(f" {compact(int(value))}{share}", color=text_colour,
                                anchor=(0, 0.5))
            label.setPos(float(value), float(len(values) - 1 - row))
            self.plot.addItem(label)
        top = float(values.max()) if len(values) else 1.0
        self.plot.getPlotItem().getViewBox().setXRange(0, max(top, 1.0) * 1.7, padding=0)
        self.plot.getPlotItem().hideAxis("bottom")


class AnchorChart(LabelledBars):
    """Links per anchor class, beside the most used anchors."""

    def __init__(self) -> None:
        super().__init__()
        self.top = TopList("Top anchors")
        self.top.setObjectName("topAnchors")
        self.widget = QWidget()
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 3)
        layout.addWidget(self.top, 2)

    def show(self, data: AnchorMix | None, scored: bool = True) -> None:
        """Draw the classes and list the top anchors; `scored` as for QualityChart."""
        self.top.clear()
        if data is None:
            self.reset()
            return
        self.top.set_rows([(_short(anchor), compact(n)) for anchor, n in data.top])
        if not data.links.sum():
            self.message(_unscored_text("Anchor classes", scored))
            return
        labels = [CLASS_LABELS[name] for name in data.classes]
        colours = [theme.ANCHOR_COLOURS[name] for name in data.classes]
        self.draw(labels, data.links, colours, data.total, "anchor classes")


def _short(anchor: str | None, limit: int = 120) -> str:
    """One line of an anchor (the list elides it to its width)."""
    if anchor is None:
        return "(not known)"
    text = " ".join(anchor.split()) or "(no anchor text)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RelChart(LabelledBars):
    """Dofollow, nofollow, ugc, sponsored and unknown links."""

    LABELS = ("Dofollow", "Nofollow", "UGC", "Sponsored", "Rel not known")
    COLOURS = (QColor(46, 160, 67), QColor(120, 144, 156), QColor(0, 150, 136),
               QColor(255, 160, 0), QColor(189, 189, 189))

    def show(self, data: Attributes | None) -> None:
        """Draw the rel attributes."""
        if data is None:
            self.reset()
            return
        rel = data.rel
        values = np.array([rel.dofollow, rel.nofollow, rel.ugc, rel.sponsored, rel.unknown])
        self.draw(list(self.LABELS), values, list(self.COLOURS), rel.links, "rel")


class TldChart(LabelledBars):
    """Referring domains per top-level domain."""

    def show(self, data: Attributes | None) -> None:
        """Draw the top TLDs (and the rest together)."""
        if data is None:
            self.reset()
            return
        tlds = data.tlds
        if not tlds.domains:
            self.message("No referring domains")
            return
        shown, rest = tlds.top[:SHOWN_TLDS], tlds.top[SHOWN_TLDS:]
        others = tlds.others + sum(n for _, n in rest)
        labels = [tld if tld.startswith("(") else f".{tld}" for tld, _ in shown]
        values = [n for _, n in shown]
        if others:
            labels.append("Other")
            values.append(others)
        colour = theme.palette().color(QPalette.ColorRole.Highlight)
        colours = [colour] * len(values)
        if others:
            colours[-1] = QColor(170, 170, 170)
        self.draw(labels, np.array(values), colours, tlds.domains, "tlds")
