"""The window opening project files as the world leaves them: damaged ones say so and are
forgotten (the next start shows the welcome screen), read-only ones open to be read."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

sys.path.insert(0, str(Path(__file__).parent))

from damaged import damage_pages
from test_tables import build_project
from test_ui_window import shown_dialog

from linkdesk.ui.app import start_window
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.preferences import Preferences


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_project(tmp_path_factory.mktemp("opening") / "sample.linkdesk", links=3_000)


@pytest.fixture
def prefs(tmp_path: Path) -> Preferences:
    settings = Preferences(QSettings(str(tmp_path / "settings.ini"),
                                     QSettings.Format.IniFormat))
    settings.set_value("scoring/automatic", "false")
    return settings


def started(qtbot: Any, prefs: Preferences, project: Path | None = None) -> MainWindow:
    window = start_window(prefs, project)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_damaged_project_shows_a_message_and_is_forgotten(
        qtbot: Any, prefs: Preferences, sample: Path, tmp_path: Path) -> None:
    good = Path(shutil.copy(sample, tmp_path / "good.linkdesk"))
    damaged = Path(shutil.copy(sample, tmp_path / "acme.linkdesk"))
    window = started(qtbot, prefs)
    assert window.open_project(good) and window.open_project(damaged)
    window.close()
    assert prefs.last_project() == damaged.resolve()
    damage_pages(damaged, "links")  # opening reads past the first pages: the tables do

    again = started(qtbot, prefs)  # the next start reopens the last project
    assert again.stack.currentWidget() is again.welcome
    assert again.project is None
    text = shown_dialog(again, QMessageBox).text()
    assert text.startswith(f"{damaged} is damaged (database disk image is malformed)")
    assert prefs.last_project() is None
    assert prefs.recent_projects() == [good.resolve()]
    again.close()

    third = started(qtbot, prefs)  # and the one after shows the welcome screen, no error
    assert third.stack.currentWidget() is third.welcome
    assert not [box for box in third.findChildren(QMessageBox) if box.isVisible()]
    third.close()


def test_a_project_failing_to_open_leaves_the_open_one_and_the_recent_list(
        qtbot: Any, prefs: Preferences, sample: Path, tmp_path: Path) -> None:
    good = Path(shutil.copy(sample, tmp_path / "good.linkdesk"))
    cut = Path(shutil.copy(sample, tmp_path / "cut.linkdesk"))
    window = started(qtbot, prefs, good)
    assert window.open_project(cut)
    assert window.open_project(good)
    cut.write_bytes(cut.read_bytes()[:100_000])
    assert not window.open_project(cut)
    assert "is truncated" in shown_dialog(window, QMessageBox).text()
    assert window.project is not None and window.project.path == good
    assert cut.resolve() not in prefs.recent_projects()
    window.close()


def test_a_read_only_project_opens_to_be_read(
        qtbot: Any, prefs: Preferences, sample: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    project = Path(shutil.copy(sample, tmp_path / "shared.linkdesk"))
    before = project.read_bytes()
    real_access = os.access

    def no_writing(path: Any, mode: int, **options: Any) -> bool:
        return False if mode & os.W_OK else real_access(path, mode, **options)

    monkeypatch.setattr("linkdesk.core.store.health.os.access", no_writing)
    prefs.set_value("scoring/automatic", "true")  # the scores are stale: upkeep would score
    window = started(qtbot, prefs, project)
    assert window.project is not None and window.project.read_only
    assert "(read-only)" in window.windowTitle()
    assert "read-only" in window.statusBar().currentMessage()
    assert window.totals()[0] == 3_000  # the links are read
    assert not window.menu_actions.import_files.isEnabled()
    assert not window.menu_actions.rescore.isEnabled()
    assert not any(action.isEnabled() for action in window.mark_actions)
    assert window.jobs.score_job is None  # no upkeep: sort indexes and scores are writes
    window.close()
    assert project.read_bytes() == before


def test_a_settings_file_edited_by_hand_still_gives_a_recent_list(
        tmp_path: Path, sample: Path) -> None:
    """`recent=5` in the settings file (not a list, not a file name): no recent projects,
    no TypeError at start-up."""
    int_five = "@Variant(\\0\\0\\0\\x2\\0\\0\\0\\x5)"  # QVariant(int 5), as Qt writes it
    (tmp_path / "settings.ini").write_text(f"[projects]\nrecent={int_five}\n", encoding="latin-1")
    prefs = Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert not isinstance(prefs.settings.value("projects/recent"), str | list)  # an int
    assert prefs.recent_projects() == []
    prefs.add_recent_project(sample)
    assert prefs.recent_projects() == [sample.resolve()]
