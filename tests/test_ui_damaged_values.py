"""The window on a project file edited to hold values of the wrong kind in `links`.

A value a re-score reads as missing (a blob first-seen date) leaves the window scoring as
usual; a blob referring domain, which it refuses, shows the tables and one message naming
the project, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_scoring_damaged_values import VALUES, damaged_copy, scored  # noqa: F401 (a fixture)

from linkdesk.core.scoring.engine import forget_signals
from linkdesk.core.store import Project, transaction

WAIT_MS = 30_000


def _unscored(path: Path) -> Path:
    """Forget the stored signals, so opening the project re-scores it."""
    with Project.open(path) as project, transaction(project.db):
        forget_signals(project.db)
    return path


@pytest.mark.parametrize(("column", "refused"), [("first_seen", False), ("domain", True)])
def test_the_window_shows_the_tables_and_at_most_a_message(
    qtbot: Any, open_window: Any, scored: Path, tmp_path: Path,  # noqa: F811
    column: str, refused: bool,
) -> None:
    path, _ = damaged_copy(scored, tmp_path, column, VALUES["blob"])
    window = open_window(_unscored(path))
    qtbot.waitUntil(lambda: not window.workspace.loading(), timeout=WAIT_MS)
    view = window.workspace.current_view()
    assert view is not None and view.table.rowCount() > 0
    box = window.findChild(object, "errorMessage")
    if refused:
        assert box is not None
        assert "client.linkdesk" in box.text() and "binary data as its domain" in box.text()
        assert "Traceback" not in box.text() and "internal error" not in box.text()
        box.close()
    else:
        assert box is None
