"""Colours and plot styling of the dashboard, from the tables' band colours and the palette."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from linkdesk.core.colours import NOT_SCORED_COLOUR as NOT_SCORED_HEX
from linkdesk.core.scoring import BANDS
from linkdesk.ui.models import TINTS

NOT_SCORED_COLOUR = QColor(NOT_SCORED_HEX)
BAND_COLOURS: tuple[QColor, ...] = (*(TINTS["band"][band] for band in range(len(BANDS))),
                                    NOT_SCORED_COLOUR)
BAND_NAMES: tuple[str, ...] = (*(name.capitalize() for name in BANDS), "Not scored")
MARKED_COLOUR = QColor(123, 31, 162)  # marked for disavow: apart from every band colour
SELECTED_COLOUR = QColor(33, 150, 243)



def band_legend(bands: tuple[int, ...] = (3, 2, 1, 0), symbol: str = "■") -> str:
    """The bands' colours, strongest first, as rich text for a card's header."""
    return "&nbsp;&nbsp;".join(f"<span style='color:{BAND_COLOURS[band].name()}'>{symbol}</span> "
                               f"{BAND_NAMES[band]}" for band in bands)


# Anchor classes: brand-like anchors calm, money keywords warm, the rest grey.
ANCHOR_COLOURS: dict[str, QColor] = {
    "brand": QColor(46, 160, 67), "naked_url": QColor(56, 142, 160),
    "generic": QColor(96, 125, 139),
    "compound": QColor(192, 160, 0), "partial_match": QColor(239, 108, 0),
    "exact_match": QColor(211, 47, 47), "other": QColor(150, 130, 200),
    "empty_image": QColor(170, 170, 170), "unknown": QColor(200, 200, 200),
}

# For paper (the client report): a light palette; the band colours stay the window's
# (core/colours.py), so the client and the freelancer see the same ones.
_printing: QPalette | None = None


def palette() -> QPalette:
    """The application's palette (light or dark); a light one while `printing()`."""
    return _printing if _printing is not None else QApplication.palette()


@contextmanager
def printing() -> Iterator[None]:
    """Draw charts for paper meanwhile: the light palette."""
    global _printing
    saved = _printing
    _printing = QApplication.style().standardPalette()
    try:
        yield
    finally:
        _printing = saved


def style_plot(widget: pg.PlotWidget, colours: QPalette | None = None) -> None:
    """Background, axes and text of a plot in the palette's colours."""
    colours = colours or palette()
    widget.setBackground(colours.color(QPalette.ColorRole.Base))
    text = colours.color(QPalette.ColorRole.Text)
    muted = colours.color(QPalette.ColorRole.PlaceholderText)
    for name in ("left", "bottom", "right", "top"):
        axis = widget.getPlotItem().getAxis(name)
        axis.setPen(pg.mkPen(muted))
        axis.setTextPen(pg.mkPen(text))


def brush(colour: QColor, alpha: int = 255) -> pg.QtGui.QBrush:
    """A solid brush of `colour` with `alpha`."""
    shade = QColor(colour)
    shade.setAlpha(alpha)
    return pg.mkBrush(shade)
