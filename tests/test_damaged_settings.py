"""A project whose settings table was edited by hand: a setting that is not JSON, or not the
kind of value its key holds, is named with its problem in one message (never an unexpected
error or a traceback); settings that only remember a choice fall back to their default, and
setting a damaged value again repairs it."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_ahrefs
from test_ui_window import shown_dialog

from linkdesk.cli import main
from linkdesk.core.store import Project, settings
from linkdesk.core.store.settings import Key, SettingError
from linkdesk.ui.app import start_window
from linkdesk.ui.preferences import Preferences

DAMAGE = [  # (key, stored text, words of the message)
    ("scoring", "{bad", "not valid JSON"),
    ("scoring", '{"weights": 3}', "sections"),
    ("scoring", '{"weights": {"follow": "abc"}}', "weights: follow wants a number, got 'abc'"),
    ("scoring", '{"thresholds": {"strong": null}}', "thresholds: strong wants a number"),
    ("sites", '"acme-widgets.com"', "list of text"),
    ("brand_terms", "[1, 2]", "list of text"),
    ("disavow_platforms", "{bad", "not valid JSON"),
    ("report_branding", "[]", "JSON object"),
]
# Read as JSON, found wrong by the scoring model.
MODEL = [("scoring", '{"thresholds": {"risky_level": "banana"}}', "risky_level must be one of")]
UNREAD_BY_REPORT = [
    ("disavow_warn_quality", '"high"', "a number"),
    ("library_confidential", "1", "true or false"),
    ("library_id", "7", "expected text"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("settings")
    write_ahrefs(folder / "ahrefs.csv", make_profile(400, seed=31))
    assert main(["import", str(folder / "acme.linkdesk"), str(folder / "ahrefs.csv"),
                 "--quiet"]) == 0
    return folder / "acme.linkdesk"


def damaged(built: Path, folder: Path, key: str, text: str) -> Path:
    path = Path(shutil.copy(built, folder / "acme.linkdesk"))
    db = sqlite3.connect(path)
    with db:
        db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (key, text))
    db.close()
    return path


@pytest.mark.parametrize(("key", "text", "problem"), DAMAGE + MODEL)
def test_a_damaged_setting_is_named_in_one_message(
        built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        key: str, text: str, problem: str) -> None:
    path = damaged(built, tmp_path, key, text)
    assert main(["report", str(path), "-o", str(tmp_path / "report.html")]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert f"the setting {key!r} is damaged" in lines[0] and problem in lines[0]
    assert str(path) in lines[0] and "unexpected" not in lines[0]
    assert not (tmp_path / "report.html").exists()


@pytest.mark.parametrize(("key", "text", "problem"), DAMAGE + UNREAD_BY_REPORT)
def test_reading_a_damaged_setting_names_it(
        built: Path, tmp_path: Path, key: str, text: str, problem: str) -> None:
    path = damaged(built, tmp_path, key, text)
    with Project.open(path) as project:
        with pytest.raises(SettingError, match=f"the setting {key!r} is damaged") as error:
            settings.get(project.db, Key(key))
        assert problem in str(error.value)
        with pytest.raises(SettingError):
            settings.get_many(project.db, [Key.SITES, Key(key)])


@pytest.mark.parametrize("command", [["export", "--table", "links", "-o", "out.csv"],
                                     ["disavow", "-o", "disavow.txt"], ["stats"]])
def test_every_command_reading_scores_names_the_setting(
        built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        command: list[str]) -> None:
    path = damaged(built, tmp_path, "scoring", "{bad")
    args = [command[0], str(path), *[str(tmp_path / a) if "." in a else a for a in command[1:]]]
    status = main(args)
    err = capsys.readouterr().err
    assert "unexpected" not in err and "Traceback" not in err
    if status:
        assert "the setting 'scoring' is damaged (not valid JSON" in err


def test_setting_a_damaged_value_again_repairs_it(
        built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = damaged(built, tmp_path, "scoring", "{bad")
    assert main(["settings", str(path), "--weight", "follow=2"]) == 0
    with Project.open(path) as project:
        assert project.setting(Key.SCORING) == {"weights": {"follow": 2.0}}


def test_a_remembered_mapping_falls_back_to_none(built: Path, tmp_path: Path) -> None:
    path = damaged(built, tmp_path, "column_mappings", '{"a|b": "not a mapping"}')
    with Project.open(path) as project:
        with pytest.raises(SettingError, match="header mappings"):
            settings.get(project.db, Key.COLUMN_MAPPINGS)
        assert settings.get(project.db, Key.COLUMN_MAPPINGS, {}, lenient=True) == {}
    write_ahrefs(tmp_path / "more.csv", make_profile(50, seed=32))
    assert main(["import", str(path), str(tmp_path / "more.csv"), "--quiet"]) == 0


def test_the_window_shows_a_damaged_setting_and_stays(
        qtbot: Any, built: Path, tmp_path: Path) -> None:
    path = damaged(built, tmp_path, "sites", "{bad")
    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    prefs.set_value("scoring/automatic", "false")
    window = start_window(prefs, None)
    qtbot.addWidget(window)
    window.show()
    assert not window.open_project(path)
    text = shown_dialog(window, QMessageBox).text()
    assert "the setting 'sites' is damaged" in text
    assert window.project is None
    window.close()


def test_a_background_task_says_a_damaged_setting(
        qtbot: Any, built: Path, tmp_path: Path) -> None:
    from linkdesk.core.report.branding import project_branding
    from linkdesk.ui.workers.task import Task

    path = damaged(built, tmp_path, "report_branding", "[]")
    task = Task(path, lambda project, *_: project_branding(project.db))
    with qtbot.waitSignal(task.finished, timeout=30_000) as finished:
        task.start()
    outcome = finished.args[0]
    assert outcome.error.startswith(f"{path}: the setting 'report_branding' is damaged")
    assert "internal error" not in outcome.error
