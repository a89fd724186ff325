"""The Dashboard of a new project, and right after an import: the empty charts say why.

Found in a user trial: a new project's Dashboard said "Re-score the project to see quality"
and "... anchor classes" over zero links, where nothing can be scored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exportgen import make_profile, write_ahrefs
from test_ui_dashboard import ready_dashboard

from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.store import Project


def _messages(qtbot: Any, path: Path) -> dict[str, str]:
    with Project.open(path) as project:
        view = ready_dashboard(qtbot, project)
        texts = {name: chart.items[0].toPlainText() if chart.items else ""
                 for name, chart in (("quality", view.quality), ("anchors", view.anchors))}
        view.shutdown()
    return texts


def test_a_new_project_says_there_are_no_links(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "new.linkdesk"
    Project.open(path, create=True).close()
    assert _messages(qtbot, path) == {"quality": "No links to chart",
                                      "anchors": "No links to chart"}


def test_an_unscored_import_says_the_scores_are_to_come(qtbot: Any, tmp_path: Path) -> None:
    write_ahrefs(tmp_path / "ahrefs.csv", make_profile(200, seed=3))
    path = tmp_path / "acme.linkdesk"
    with Project.open(path, create=True) as project:
        import_file(project, tmp_path / "ahrefs.csv", ImportOptions(site="acme-widgets.com"))
    assert _messages(qtbot, path) == {
        "quality": "Quality shows once the project is scored",
        "anchors": "Anchor classes show once the project is scored"}
