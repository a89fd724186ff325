"""Asking the user for one file to read or write: the file dialog, and `None` when cancelled.

One place for what every "path given, or ask for it" action did in the same four lines.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget


def ask_open_path(parent: QWidget, title: str, start: Path | str,
                  file_filter: str) -> Path | None:
    """The file the user chose to open, or `None` when the dialog was cancelled."""
    name, _ = QFileDialog.getOpenFileName(parent, title, str(start), file_filter)
    return Path(name) if name else None


def ask_save_path(parent: QWidget, title: str, suggested: Path | str,
                  file_filter: str) -> Path | None:
    """The file the user chose to write, or `None` when the dialog was cancelled."""
    name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
    return Path(name) if name else None
