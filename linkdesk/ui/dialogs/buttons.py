"""The OK / Cancel row of a dialog, its buttons named for what they do."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox


def accept_buttons(dialog: QDialog, accept_text: str,
                   reject_text: str | None = None) -> QDialogButtonBox:
    """OK (shown as `accept_text`) and Cancel (or `reject_text`), wired to the dialog's accept
    and reject."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(accept_text)
    if reject_text is not None:
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(reject_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
