"""How the History tab and the import's date question read: labels that fit their chart,
words in the right number.

Found in a user trial on two months of a 200k-link client: after November's import the
strong domains chart showed 628 gained over ~100 lost, and the label of the loss bar was cut
off by the bottom of the chart; a project with one export day said "1 points".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication, QLabel

from linkdesk.core.timeline import History, HistoryPoint
from linkdesk.ui.dialogs.export_date import ExportDateDialog
from linkdesk.ui.history.view import HistoryView, StrongChart, day_labels


def _point(day: str, gained: int, lost: int) -> HistoryPoint:
    return HistoryPoint(day=day, bands=(4_000, 3_000, 9_000, 3_000, 0), strong_gained=gained,
                        strong_lost=lost, disavowed=1)


def test_a_small_loss_under_a_large_gain_keeps_its_label_inside_the_chart(qtbot: Any) -> None:
    history = History(points=(_point("2026-10-21", 0, 0), _point("2026-11-20", 628, 100),
                              _point("2026-12-05", 0, 0)), scored=True)
    chart = StrongChart()
    qtbot.addWidget(chart.plot)
    chart.plot.resize(660, 230)  # the card's plot in a 1400x900 window
    chart.plot.show()
    chart.show(history, day_labels(history.points, monthly=False))
    qtbot.waitExposed(chart.plot)
    QApplication.processEvents()  # pyqtgraph applies the view's range on a later event
    labels = [item for item in chart.plot.getPlotItem().items if isinstance(item, pg.TextItem)]
    assert sorted(label.toPlainText() for label in labels) == ["100", "628"]
    shown = chart.plot.getPlotItem().getViewBox().sceneBoundingRect()
    for label in labels:
        box = label.sceneBoundingRect()
        assert shown.top() <= box.top() and box.bottom() <= shown.bottom(), label.toPlainText()


def test_one_export_day_is_one_point(qtbot: Any) -> None:
    view = HistoryView()
    qtbot.addWidget(view)
    view.history = History(points=(HistoryPoint("2026-10-21", (0, 0, 0, 1, 0), 0, 0, 0),),
                           scored=True)
    view._status()
    text = view.status.text()
    assert "1 referring domain linking on 21 Oct 2026 · 1 point, one per export day" in text


def test_the_date_question_agrees_with_its_count(qtbot: Any, tmp_path: Path) -> None:
    """Seen importing a month's three exports: "Which day does these 3 exports describe?"."""
    files = [tmp_path / name for name in ("semrush.csv", "moz.csv", "gsc.zip")]
    many = ExportDateDialog(files)
    one = ExportDateDialog(files[:1])
    for dialog in (many, one):
        qtbot.addWidget(dialog)
    texts = {label.text() for label in many.findChildren(QLabel)}
    assert any(text.startswith("Which day do these 3 exports describe?") for text in texts)
    texts = {label.text() for label in one.findChildren(QLabel)}
    assert any(text.startswith("Which day does “semrush.csv” describe?") for text in texts)


def test_an_empty_project_says_nothing_about_bands(qtbot: Any) -> None:
    """A new project's History tab said "bands as scored today" above three empty charts."""
    view = HistoryView()
    qtbot.addWidget(view)
    view.history = History(points=(), scored=True)
    view._status()
    assert view.status.text() == ""


def test_unscored_bands_say_what_comes_not_what_to_do(qtbot: Any) -> None:
    """Right after an import the window re-scores by itself: "re-score to see the bands"
    asked for what was already running."""
    view = HistoryView()
    qtbot.addWidget(view)
    points = (_point("2026-11-20", 0, 0), _point("2026-12-05", 0, 0))
    view.history = History(points=points, scored=False)
    view._status()
    assert view.status.text().endswith(
        "scores out of date: the bands show once the project is scored")
    chart = StrongChart()
    qtbot.addWidget(chart.plot)
    chart.show(view.history, day_labels(points, monthly=False))
    assert "re-score" not in chart.items[0].toPlainText().lower()
