"""Qt's own notes on stderr: the offscreen platform's ones mean nothing to a user."""

from __future__ import annotations

import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

_OFFSCREEN_NOTES = ("propagateSizeHints",)  # "This plugin does not support ...": never shown


def quiet_offscreen_notes() -> None:
    """Drop the offscreen platform's notes (a screenshot or a report is never shown on a
    screen); every other Qt message still reaches stderr."""

    def handler(_kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if not any(note in message for note in _OFFSCREEN_NOTES):
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)
