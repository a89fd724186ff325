"""Imported text never renders as HTML in the window: a project imported before hosts were
checked can hold a referring domain such as `<h1>big<h1>`, and the Dashboard's tooltips
(the map's hover, "Most from one domain") must show it as typed; marking it is refused with
the reason."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QWidget

sys.path.insert(0, str(Path(__file__).parent))

from test_tables_scores import build_scored_project
from test_ui_dashboard import dashboard, project  # noqa: F401 (fixtures, over `sample` here)

from linkdesk.core.marks import MarkKind, Target
from linkdesk.core.store import Project
from linkdesk.ui.dashboard import DashboardView, map_view
from linkdesk.ui.dialogs.mark_dialog import MarkDialog

HOSTILE = "<h1>big<h1>"
ESCAPED = "&lt;h1&gt;big&lt;h1&gt;"


def rename_top_domain(path: Path) -> None:
    """Give the domain with the most links a name an older LinkDesk imported unchecked."""
    db = sqlite3.connect(path)
    with db:
        top = db.execute("SELECT domain FROM referring_domains "
                         "ORDER BY links DESC, domain LIMIT 1").fetchone()[0]
        for table in ("links", "referring_domains", "domain_scores"):
            db.execute(f"UPDATE {table} SET domain = ? WHERE domain = ?", (HOSTILE, top))
    db.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_scored_project(tmp_path_factory.mktemp("hostile") / "hostile.linkdesk", 400)
    rename_top_domain(path)
    return path


def assert_literal(tooltip: str) -> None:
    assert ESCAPED in tooltip and HOSTILE not in tooltip


def test_most_from_one_domain_shows_the_domain_as_typed(
        dashboard: DashboardView) -> None:  # noqa: F811
    worst = dashboard.balance.figures["worst"]
    assert HOSTILE in worst.text() and worst.textFormat() == Qt.TextFormat.PlainText
    assert_literal(worst.toolTip())


def test_the_maps_hover_shows_the_domain_as_typed(
        dashboard: DashboardView, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    shown: list[str] = []

    class Recorder:
        @staticmethod
        def showText(_pos: Any, text: str, _widget: Any = None) -> None:
            shown.append(text)

        @staticmethod
        def hideText() -> None:
            shown.clear()

    monkeypatch.setattr(map_view, "QToolTip", Recorder)
    chart = dashboard.map
    assert chart.points is not None
    ids = [int(i) for i in chart.points.ids]
    index = next(i for i, domain_id in enumerate(ids)
                 if dashboard._summary(domain_id).domain == HOSTILE)
    chart._hover(index)
    assert len(shown) == 1
    assert_literal(shown[0])


def test_no_label_or_tooltip_of_the_dashboard_reads_the_domain_as_html(
        dashboard: DashboardView) -> None:  # noqa: F811
    seen = 0
    for widget in dashboard.findChildren(QWidget):
        if "big" in widget.toolTip():
            assert_literal(widget.toolTip())
            seen += 1
        if isinstance(widget, QLabel) and "big" in widget.text():
            if widget.textFormat() == Qt.TextFormat.PlainText:
                assert HOSTILE in widget.text()
            else:
                assert_literal(widget.text())
            seen += 1
    assert seen >= 2  # the "most from one domain" figure and its tooltip at least


def test_the_mark_dialog_says_why_an_invalid_domain_is_left_alone(
        qtbot: Any, project: Project) -> None:  # noqa: F811
    target = Target(domains=(HOSTILE,))
    dialog = MarkDialog(project.db, f"the domain {HOSTILE}", lambda _level: target,
                        ("domains",), MarkKind.DISAVOW, lambda _change: None)
    qtbot.addWidget(dialog)
    assert "1 left alone: not a valid domain name" in dialog.preview.toPlainText()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Apply).isEnabled()
    assert dialog.what.textFormat() == Qt.TextFormat.PlainText
