"""The report's charts, drawn by the Dashboard's own chart classes into PNG images.

Each chart is the widget the Dashboard shows (ui/dashboard), filled from the same core
dataclass, rendered off screen at twice its size in the printing palette (theme.printing: a
light palette; the band colours are the window's, core/colours.py). Runs on the GUI thread.
"""

from __future__ import annotations

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


def chart_images(profile: ProfileReport) -> list[ChartImage]:
    """Every chart the profile has data for, as PNG images."""
    with theme.printing():
        return [image for name in CHARTS if (image := chart_image(profile, name)) is not None]


def chart_image(profile: ProfileReport, name: str) -> ChartImage | None:
    """One chart (call inside `theme.printing()`), None when it has nothing to show."""
    balance = profile.balance
    if balance is None or not balance.links:
        return None
    note = ""
    if name == "balance":
        if not balance.scored:
            return None
        widget, height = _balance_widget(profile), 90
    elif name == "map":
        if not balance.scored or profile.map is None:
            return None
        widget, height = DomainMap(), HEIGHT
        widget.set_points(profile.map)
        note = f'{text("chart_map_note")} {band_legend()}'

    elif name == "quality":
        if not balance.scored:
            return None
        chart = QualityChart()
        chart.show(profile.quality)
        widget, height = chart.plot, HEIGHT
        note = band_legend()
    elif name == "velocity":
        if profile.velocity is None or not profile.velocity.months:
            return None
        velocity = VelocityChart()
        velocity.show(profile.velocity)
        widget, height = velocity.plot, HEIGHT
        note = band_legend() if balance.scored else ""
    else:
        if profile.anchors is None or not profile.anchors.links.sum():
            return None
        anchors = AnchorChart()
        anchors.show(profile.anchors)
        widget, height = anchors.widget, HEIGHT  # the classes beside the top anchors
        note = text("chart_anchors_note")
    try:
        png = widget_png(widget, WIDTH, height)
    finally:
        widget.deleteLater()
    return ChartImage(name, text(f"chart_{name}"), note, png, WIDTH, height)


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


def widget_png(widget: QWidget, width: int, height: int, scale: int = SCALE) -> bytes:
    """Render `widget` at width x height (logical) into a PNG, `scale` times as many pixels.

    The widget is laid out without appearing on any screen.
    """
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    widget.resize(width, height)
    widget.show()  # delivers the pending resize: pyqtgraph lays its axes and ranges out
    for _ in range(2):  # axes widen to their labels in posted events (LayoutRequest)
        QCoreApplication.sendPostedEvents()
    image = QImage(width * scale, height * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        QWidget.render(widget, painter, QPoint(0, 0))  # the widget as shown (not the scene)
    finally:
        painter.end()
    widget.hide()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub wants bytes; Qt takes str
    return bytes(buffer.data().data())
