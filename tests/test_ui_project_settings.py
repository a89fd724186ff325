"""File → Project Settings: edits reach the project, refused values change nothing, re-scoring."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

sys.path.insert(0, str(Path(__file__).parent))

from test_tables_scores import build_scored_project
from test_ui_window import WAIT_MS

from linkdesk.core.scoring import load_model, scores_current
from linkdesk.core.scoring.model import DEFAULT_FLAG_POINTS, DEFAULT_WEIGHTS
from linkdesk.core.store import Project
from linkdesk.ui.dialogs.project_settings import ProjectSettingsDialog
from linkdesk.ui.main_window import MainWindow


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_project(tmp_path_factory.mktemp("settings") / "scored.linkdesk",
                                links=300)


@pytest.fixture
def window(open_window: Any, scored: Path) -> MainWindow:
    return open_window(scored)


def _dialog(window: MainWindow) -> ProjectSettingsDialog:
    dialog = window.edit_project_settings()
    assert isinstance(dialog, ProjectSettingsDialog) and dialog.isVisible()
    return dialog


def _stored_scoring(path: Path) -> dict[str, Any]:
    with Project.open(path, create=False) as project:
        row = project.db.execute("SELECT value FROM settings WHERE key = 'scoring'").fetchone()
        return json.loads(row[0]) if row else {}


def test_saving_stores_the_settings_and_rescores_in_the_background(
    qtbot: Any, window: MainWindow
) -> None:
    assert window.project is not None
    path = window.project.path
    dialog = _dialog(window)
    dialog.terms["brands"].setPlainText("Acme Widgets\nacmewidgets, AW")
    dialog.terms["money"].setPlainText("blue widgets")
    authority = dialog.fields["weights"]["authority"]
    assert isinstance(authority, QDoubleSpinBox)
    authority.setValue(30.5)
    closed: list[int] = []
    dialog.finished.connect(closed.append)
    with qtbot.waitSignal(window.jobs.scoring_finished, timeout=WAIT_MS) as finished:
        dialog.accept()
    assert closed == [1]  # accepted and closed
    assert finished.args[0].summary is not None
    with Project.open(path, create=False) as project:
        model = load_model(project.db)
        assert model.terms.brands == ("Acme Widgets", "acmewidgets", "AW")
        assert model.terms.money == ("blue widgets",)
        assert model.weights["authority"] == 30.5
        assert scores_current(project.db)
    # Only what differs from the defaults is stored: improved defaults still reach the project.
    assert _stored_scoring(path)["weights"] == {"authority": 30.5}
    assert window.workspace.scores_current


def test_a_refused_value_keeps_the_dialog_open_and_changes_nothing(
    qtbot: Any, window: MainWindow
) -> None:
    assert window.project is not None
    path = window.project.path
    before = _stored_scoring(path)
    dialog = _dialog(window)
    dialog.terms["sites"].setPlainText("not a site at all!")
    dialog.fields["weights"]["trust"].setValue(20)  # type: ignore[attr-defined]
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.isVisible() and "not a domain" in dialog.error.text()
    assert _stored_scoring(path) == before
    assert window.jobs.score_job is None
    dialog.reject()


def test_restore_defaults_resets_the_page_on_screen(qtbot: Any, window: MainWindow) -> None:
    dialog = _dialog(window)
    points = dialog.fields["flag_points"]["poison_domain"]
    weight = dialog.fields["weights"]["follow"]
    assert isinstance(points, QSpinBox) and isinstance(weight, QDoubleSpinBox)
    points.setValue(7)
    weight.setValue(3)
    dialog.tabs.setCurrentIndex(list(dialog.fields).index("flag_points") + 1)
    dialog.restore_page_defaults()
    assert points.value() == DEFAULT_FLAG_POINTS["poison_domain"]
    assert weight.value() == 3  # another page: untouched
    change = dialog.change()
    assert change.overrides["weights"]["follow"] == 3
    assert change.overrides["weights"]["authority"] is None  # default: nothing stored
    assert DEFAULT_WEIGHTS["follow"] != 3
    dialog.reject()


def test_every_page_fits_the_dialog_without_cramping(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    dialog = _dialog(window)
    assert (dialog.width(), dialog.height()) == (620, 560)
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        page = dialog.tabs.currentWidget()
        # Long pages scroll vertically; none may need more width than the dialog gives.
        assert page.minimumSizeHint().width() <= page.width(), dialog.tabs.tabText(index)
        dialog.grab().save(str(tmp_path / f"settings-{index}.png"))  # to look at
    dialog.reject()


def test_the_disavow_page_edits_platforms_and_the_warning_quality(
    qtbot: Any, window: MainWindow
) -> None:
    from linkdesk.core.disavow import BUILTIN_PLATFORMS
    from linkdesk.core.project_settings import disavow_settings

    assert window.project is not None
    path = window.project.path
    dialog = _dialog(window)
    assert sorted(dialog.platforms.toPlainText().split()) == sorted(BUILTIN_PLATFORMS)
    dialog.platforms.setPlainText("blogspot.com\nBig-Forum.example\nnot a domain!")
    dialog.warn_quality.setValue(50)
    dialog.accept()
    assert dialog.isVisible() and "not a domain" in dialog.error.text()  # refused: nothing kept
    with Project.open(path, create=False) as project:
        assert disavow_settings(project.db).builtin
    dialog.platforms.setPlainText("blogspot.com\nBig-Forum.example")
    dialog.accept()
    # The platforms feed scoring (a large platform's subdomains are not "many subdomains"):
    # saving them re-scores.
    assert window.jobs.score_job is not None
    qtbot.waitUntil(lambda: window.jobs.score_job is None, timeout=60_000)
    with Project.open(path, create=False) as project:
        saved = disavow_settings(project.db)
    assert saved.platforms == ("big-forum.example", "blogspot.com")
    assert saved.warn_quality == 50 and not saved.builtin


def test_saving_during_an_import_is_refused_in_the_dialog(
    qtbot: Any, window: MainWindow, monkeypatch: Any
) -> None:
    assert window.project is not None
    before = _stored_scoring(window.project.path)
    dialog = _dialog(window)
    dialog.fields["weights"]["trust"].setValue(20)  # type: ignore[attr-defined]
    monkeypatch.setattr(window.jobs, "holding_writer", lambda: "an import is running")
    dialog.accept()
    assert dialog.isVisible() and "import" in dialog.error.text()
    monkeypatch.undo()
    assert _stored_scoring(window.project.path) == before
    dialog.reject()
