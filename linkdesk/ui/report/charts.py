"""The report's charts, drawn by the Dashboard's own chart classes into PNG images.

Each chart is the widget the Dashboard shows (ui/dashboard), filled from the same core
dataclass, rendered off screen at twice its size in the printing palette (theme.printing: a
light palette; the band colours are the window's, core/colours.py). Widgets live on the GUI
thread: `chart_steps` draws a chart in three short steps (build, lay out, render) that the
window runs a turn of its event loop apart, and the PNG is encoded where the report is
written (`ChartDrawing.encoded`, any thread). The 109,132 domains of a 1M-link map held the
GUI thread 0.4-1.0 s in one piece.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QCoreApplication, QIODevice, QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from linkdesk.core.profile import ProfileReport
from linkdesk.core.report.texts import band_legend, text
from linkdesk.ui.dashboard import theme
from linkdesk.ui.dashboard.balance_panel import ShareBar
from linkdesk.ui.dashboard.map_view import DomainMap
from linkdesk.ui.dashboard.panels import AnchorChart, QualityChart, VelocityChart

WIDTH, HEIGHT = 660, 290  # logical pixels of a chart; images are SCALE times that
SCALE = 2
CHARTS = ("balance", "map", "quality", "velocity", "anchors")


@dataclass(frozen=True)
class ChartImage:
    """One chart as a PNG, with its title and note."""

    name: str
    title: str
    note: str
    png: bytes
    width: int  # logical size (the HTML shows it at this size)
    height: int


@dataclass(frozen=True)
class ChartDrawing:
    """One chart drawn into an image, not yet a PNG (encoding it needs no widget)."""

    name: str
    title: str
    note: str
    image: QImage
    width: int
    height: int

    def encoded(self) -> ChartImage:
        """The chart as a PNG (any thread: QImage is reentrant)."""
        return ChartImage(self.name, self.title, self.note, png_bytes(self.image), self.width,
                          self.height)


# (a chart's name, its drawing once drawn, else None): `drawing_steps`
Steps = Generator[tuple[str, ChartDrawing | None], None, None]


def chart_images(profile: ProfileReport) -> list[ChartImage]:
    """Every chart the profile has data for, as PNG images."""
    with theme.printing():
        return [image for name in CHARTS if (image := chart_image(profile, name)) is not None]


def chart_image(profile: ProfileReport, name: str) -> ChartImage | None:
    """One chart (call inside `theme.printing()`), None when it has nothing to show."""
    drawing = None
    for step in chart_steps(profile, name):
        drawing = step or drawing
    return drawing.encoded() if drawing is not None else None


def drawing_steps(profile: ProfileReport) -> Steps:
    """Every chart's `chart_steps`, one after the other: (the chart's name, its drawing
    once drawn, else None)."""
    for name in CHARTS:
        for drawing in chart_steps(profile, name):
            yield name, drawing


def chart_steps(profile: ProfileReport, name: str
                ) -> Generator[ChartDrawing | None, None, None]:
    """One chart in short steps, each to run inside `theme.printing()`: None after building
    the widget and after laying it out, then the drawing. Nothing when it has nothing to
    show; closing the generator early deletes the widget."""
    built = _chart_widget(profile, name)
    if built is None:
        return
    widget, height, note = built
    try:
        yield None
        lay_out(widget, WIDTH, height)
        yield None
        image = render_image(widget, WIDTH, height)
    finally:
        widget.deleteLater()
    yield ChartDrawing(name, text(f"chart_{name}"), note, image, WIDTH, height)


def _chart_widget(profile: ProfileReport, name: str) -> tuple[QWidget, int, str] | None:
    """The chart's widget filled with the profile's data, its height and note (None when it
    has nothing to show)."""
    balance = profile.balance
    if balance is None or not balance.links:
        return None
    note = ""
    if name == "balance":
        if not balance.scored:
            return None
        return _balance_widget(profile), 90, note
    if name == "map":
        if not balance.scored or profile.map is None:
            return None
        domain_map = DomainMap()
        domain_map.set_points(profile.map)
        return domain_map, HEIGHT, f'{text("chart_map_note")} {band_legend()}'
    if name == "quality":
        if not balance.scored:
            return None
        chart = QualityChart()
        chart.show(profile.quality)
        return chart.plot, HEIGHT, band_legend()
    if name == "velocity":
        if profile.velocity is None or not profile.velocity.months:
            return None
        velocity = VelocityChart()
        velocity.show(profile.velocity)
        return velocity.plot, HEIGHT, band_legend() if balance.scored else ""
    if profile.anchors is None or not profile.anchors.links.sum():
        return None
    anchors = AnchorChart()
    anchors.show(profile.anchors)
    return anchors.widget, HEIGHT, text("chart_anchors_note")  # classes beside top anchors


def _balance_widget(profile: ProfileReport) -> QWidget:
    balance = profile.balance
    assert balance is not None
    widget = QWidget()
    grid = QGridLayout(widget)
    for row, (label, counts) in enumerate(((text("col_domain"), balance.domain_bands),
                                           (text("col_links"), balance.link_bands))):
        bar = ShareBar()
        bar.set_counts(counts)
        grid.addWidget(QLabel(label), row, 0)
        grid.addWidget(bar, row, 1)
    legend = QLabel("   ".join(
        f"<span style='color:{theme.BAND_COLOURS[band].name()}'>■</span> "
        f"{text('band_' + name)}" for band, name in ((3, "strong"), (2, "fair"),
                                                      (1, "weak"), (0, "risky"))))
    legend.setTextFormat(Qt.TextFormat.RichText)
    grid.addWidget(legend, 2, 1)
    grid.setColumnStretch(1, 1)
    widget.setPalette(theme.palette())
    widget.setAutoFillBackground(True)
    return widget


def lay_out(widget: QWidget, width: int, height: int) -> None:
    """Lay `widget` out at width x height (logical) without showing it on any screen."""
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    widget.resize(width, height)
    widget.show()  # delivers the pending resize: pyqtgraph lays its axes and ranges out
    for _ in range(2):  # axes widen to their labels in posted events (LayoutRequest)
        QCoreApplication.sendPostedEvents()
    widget.hide()  # laid out: rendering it needs no more events


def render_image(widget: QWidget, width: int, height: int, scale: int = SCALE) -> QImage:
    """A laid-out `widget` drawn into an image `scale` times its size (the GUI thread)."""
    image = QImage(width * scale, height * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        QWidget.render(widget, painter, QPoint(0, 0))  # the widget as shown (not the scene)
    finally:
        painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    """`image` as a PNG file's bytes (any thread)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub wants bytes; Qt takes str
    return bytes(buffer.data().data())
