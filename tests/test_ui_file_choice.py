"""The file dialogs' one wrapper: a chosen file comes back as a Path, a cancel as None."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QWidget

from linkdesk.ui.file_choice import ask_open_path, ask_save_path


@pytest.mark.parametrize("ask, method", [(ask_open_path, "getOpenFileName"),
                                         (ask_save_path, "getSaveFileName")])
def test_chosen_file_and_cancel(qtbot, monkeypatch, tmp_path: Path, ask, method: str) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    asked: list[tuple[object, ...]] = []
    answer = str(tmp_path / "links.csv")

    def dialog(*args: object) -> tuple[str, str]:
        asked.append(args)
        return answer, "CSV files (*.csv)"

    monkeypatch.setattr(QFileDialog, method, staticmethod(dialog))
    assert ask(parent, "Title", tmp_path / "start.csv", "CSV files (*.csv)") == Path(answer)
    assert asked == [(parent, "Title", str(tmp_path / "start.csv"), "CSV files (*.csv)")]
    answer = ""  # the user cancelled
    assert ask(parent, "Title", tmp_path, "CSV files (*.csv)") is None
