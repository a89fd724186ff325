"""The app icon, from `resources/icons/` (installed as `linkdesk.resources.icons`)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


@cache
def app_icon() -> QIcon:
    """LinkDesk's icon, drawn from the SVG at the usual sizes (empty if the file is missing)."""
    icon = QIcon()
    try:
        data = files("linkdesk.resources").joinpath("icons/linkdesk.svg").read_bytes()
    except (FileNotFoundError, ModuleNotFoundError):
        return icon
    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid():
        return icon
    for size in ICON_SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        icon.addPixmap(pixmap)
    return icon
