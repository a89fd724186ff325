"""The OK / Cancel row of a dialog, its OK button named for what it does."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox


def accept_buttons(dialog: QDialog, accept_text: str) -> QDialogButtonBox:
    """OK (shown as `accept_text`) and Cancel, wired to the dialog's accept and reject."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(accept_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
