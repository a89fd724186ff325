"""A screenshot of a project without its sort indexes shows the project as it is: it builds
no index (it writes none to the project) and the picture says nothing of preparing them."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_tables import build_project

from linkdesk.core.store import Project
from linkdesk.core.tables import missing_table_indexes
from linkdesk.core.tables.indexes import TABLE_INDEXES
from linkdesk.ui.main_window import MainWindow


def _schema(path: Path) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT type, name, sql FROM sqlite_schema ORDER BY name").fetchall()
    finally:
        db.close()


@pytest.mark.parametrize("tab", ["links", "domains"])
def test_a_screenshot_builds_no_sort_index(qtbot: Any, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch, tab: str) -> None:
    import linkdesk.ui.app as app
    from linkdesk.core.scoring import rescore

    path = build_project(tmp_path / "unindexed.linkdesk", links=300)
    with Project.open(path) as project:
        rescore(project.db)  # scored: the screenshot has nothing to score first
        for name in TABLE_INDEXES:
            project.db.execute(f'DROP INDEX IF EXISTS "{name}"')
        missing = missing_table_indexes(project.db)
    assert missing
    before = _schema(path)
    shown: list[str] = []

    class Watched(MainWindow):
        def grab(self, *args: Any) -> Any:
            label = self.rescoring.label
            shown.append(label.text() if label.isVisible() else "")
            return super().grab(*args)

    monkeypatch.setattr(app, "MainWindow", Watched)
    assert app.screenshot(path, tmp_path / f"{tab}.png", tab) is None
    assert shown and "sort indexes" not in shown[0]
    assert _schema(path) == before
    with Project.open(path, create=False) as project:
        assert missing_table_indexes(project.db) == missing
