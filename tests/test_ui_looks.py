"""Looks: the window follows a dark palette as well as a light one, and renders at 200%.

The band and risk tints are translucent over the palette's base colour, so a dark theme
gets dark cells with light text: these tests read the rendered pixels to check it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).parent))

from test_tables_scores import build_scored_project

from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.preferences import Preferences

DARK = {
    QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e0e0e0",
    QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#262626",
    QPalette.ColorRole.Text: "#e0e0e0", QPalette.ColorRole.Button: "#333333",
    QPalette.ColorRole.ButtonText: "#e0e0e0", QPalette.ColorRole.Highlight: "#2f65ca",
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.PlaceholderText: "#8a8a8a",
}


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_project(tmp_path_factory.mktemp("looks") / "looks.linkdesk", links=200)


@pytest.fixture
def dark_palette(qapp: QApplication) -> Iterator[None]:
    saved = qapp.palette()
    palette = QPalette(saved)
    for role, colour in DARK.items():
        palette.setColor(role, QColor(colour))
    qapp.setPalette(palette)
    yield
    qapp.setPalette(saved)


def _lightness(image: QImage, x: int, y: int) -> float:
    return image.pixelColor(x, y).lightnessF()


def _band_cell_and_text(qtbot: Any, scored: Path, tmp_path: Path) -> tuple[float, float, float]:
    """Lightness of a band cell's background, of the table's base, and of a cell's text."""
    prefs = Preferences(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(prefs)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    assert window.open_project(scored)
    qtbot.waitUntil(lambda: window.jobs.score_job is None, timeout=30_000)
    view = window.workspace.current_view()
    assert view is not None
    model = view.table
    band = model.spec.column_index("band")
    row = 1  # not the current row: no selection colour
    image = view.viewport().grab().toImage()
    rect = view.visualRect(model.index(row, band))
    cell = _lightness(image, rect.left() + 2, rect.top() + 2)
    url = view.visualRect(model.index(row, 0))
    base = _lightness(image, url.right() - 2, url.bottom() - 2)
    # The darkest (light theme) or lightest (dark theme) pixel of the URL text.
    pixels = [_lightness(image, x, url.center().y()) for x in range(url.left(), url.right())]
    text = min(pixels) if base > 0.5 else max(pixels)
    window.close()
    return cell, base, text


def test_light_palette_gives_light_cells_with_dark_text(
    qtbot: Any, scored: Path, tmp_path: Path
) -> None:
    cell, base, text = _band_cell_and_text(qtbot, scored, tmp_path)
    assert base > 0.8 and cell > 0.55 and text < 0.35


def test_dark_palette_gives_dark_cells_with_light_text(
    qtbot: Any, scored: Path, tmp_path: Path, dark_palette: None
) -> None:
    cell, base, text = _band_cell_and_text(qtbot, scored, tmp_path)
    assert base < 0.2 and cell < 0.45 and text > 0.65


def test_the_window_renders_at_200_percent(scored: Path, tmp_path: Path) -> None:
    output = tmp_path / "window-200.png"
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "linkdesk.cli", str(scored), "--screenshot", str(output)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "propagateSizeHints" not in done.stderr  # Qt's offscreen notes are not the user's
    image = QImage(str(output))
    assert (image.width(), image.height()) == (2800, 1800)
    # Not blank: the table's text gives many shades along a row of pixels.
    shades = {image.pixelColor(x, 600).name() for x in range(0, 2800, 7)}  # a table row
    assert len(shades) > 5
