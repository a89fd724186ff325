"""The window keeps a project's derived data up to date by itself: sort indexes and scores.

Both are built on a worker thread when a project opens and after an import; an import asked
for meanwhile makes the worker give way, then runs, then the scores are brought up to date.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_majestic
from test_tables import SITE, write_exports
from test_ui_window import WAIT_MS

from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.scoring import scores_current
from linkdesk.core.store import Project
from linkdesk.core.tables import missing_table_indexes
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.preferences import Preferences
from linkdesk.ui.rescoring import SCORES_OUT_OF_DATE


@pytest.fixture(scope="module")
def unprepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project as `linkdesk import --no-score` leaves it: no scores, no sort indexes."""
    folder = tmp_path_factory.mktemp("upkeep")
    path = folder / "fresh.linkdesk"
    with Project.open(path) as project:
        for export in write_exports(folder, 400, seed=21):
            import_file(project, export, ImportOptions(site=SITE))
    return path


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    prefs = Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    main = MainWindow(prefs)
    qtbot.addWidget(main)
    main.resize(1200, 800)
    main.show()
    yield main
    main.close()


def _copy(source: Path, folder: Path) -> Path:
    path = folder / "client.linkdesk"
    path.write_bytes(source.read_bytes())
    return path


def _state(path: Path) -> tuple[list[str], bool, int]:
    with Project.open(path, create=False) as project:
        links = project.db.execute("SELECT count(*) FROM links").fetchone()[0]
        return missing_table_indexes(project.db), scores_current(project.db), links


def test_opening_a_project_builds_indexes_and_scores_in_the_background(
    qtbot: Any, window: MainWindow, unprepared: Path, tmp_path: Path
) -> None:
    path = _copy(unprepared, tmp_path)
    missing, current, _ = _state(path)
    assert missing and not current
    progress: list[Any] = []
    with qtbot.waitSignal(window.jobs.scoring_finished, timeout=WAIT_MS) as finished:
        assert window.open_project(path)
        assert window.jobs.score_job is not None  # the window is shown while it works
        assert window.workspace.shown_count() > 0
        window.jobs.score_job.progressed.connect(progress.append)
    outcome = finished.args[0]
    assert outcome.indexes_built == len(missing)
    assert outcome.summary is not None and not outcome.cancelled
    assert _state(path)[:2] == ([], True)
    assert window.workspace.scores_current and window.scores_status() == ""
    assert "quality" in [c.name for c in window.workspace.models["links"].spec.columns]


def test_without_automatic_scoring_only_the_indexes_are_built(
    qtbot: Any, window: MainWindow, unprepared: Path, tmp_path: Path
) -> None:
    window.automatic_scoring = False
    path = _copy(unprepared, tmp_path)
    with qtbot.waitSignal(window.jobs.scoring_finished, timeout=WAIT_MS) as finished:
        window.open_project(path)
    assert finished.args[0].summary is None
    assert _state(path)[:2] == ([], False)
    assert window.scores_status() == SCORES_OUT_OF_DATE


def test_an_import_is_scored_by_itself(
    qtbot: Any, window: MainWindow, unprepared: Path, tmp_path: Path
) -> None:
    path = _copy(unprepared, tmp_path)
    with qtbot.waitSignal(window.jobs.scoring_finished, timeout=WAIT_MS):
        window.open_project(path)
    links_before = _state(path)[2]
    export = tmp_path / "majestic-more.csv"
    write_majestic(export, make_profile(60, site=SITE, seed=808))
    with qtbot.waitSignal(window.jobs.scoring_finished, timeout=WAIT_MS) as finished:
        assert window.import_files([export])
    assert finished.args[0].summary is not None
    missing, current, links_after = _state(path)
    assert links_after > links_before and current and missing == []
    assert window.workspace.scores_current


def test_an_import_asked_for_while_scoring_waits_for_it_to_give_way(
    qtbot: Any, window: MainWindow, unprepared: Path, tmp_path: Path
) -> None:
    path = _copy(unprepared, tmp_path)
    export = tmp_path / "majestic-more.csv"
    write_majestic(export, make_profile(60, site=SITE, seed=909))
    links_before = _state(path)[2]
    outcomes: list[Any] = []
    window.jobs.scoring_finished.connect(outcomes.append)
    window.open_project(path)
    assert window.jobs.score_job is not None
    with qtbot.waitSignal(window.jobs.import_finished, timeout=WAIT_MS) as imported:
        assert window.import_files([export])  # accepted: it runs once scoring has stopped
    assert imported.args[0].changed
    qtbot.waitUntil(lambda: window.jobs.score_job is None and len(outcomes) >= 2, timeout=WAIT_MS)
    _, current, links_after = _state(path)
    assert links_after > links_before and current
    assert window.workspace.scores_current
