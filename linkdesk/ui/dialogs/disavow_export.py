"""Export Disavow File: what the file will hold, what to check first, what changed since last time.

An upload replaces the client's previous file, so the dialog shows, before anything is
written: the entries (domains and URLs), the warnings (high-quality domains, big platforms,
keep conflicts, stale scores), what the keep marks left out, and the difference from the
last file imported or exported. Warnings that need confirmation keep Save disabled until
the user ticks "I have reviewed the warnings". The file itself is written by the core
(`write_disavow`): UTF-8 without BOM, within Google's limits, validated before it is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.disavow import DisavowError
from linkdesk.core.disavow.write import DisavowPlan
from linkdesk.core.words import counted, plural

MAX_LISTED = 2_000  # lines shown per list; the file itself has them all


class DisavowExportDialog(QDialog):
    """Review the planned disavow file, then choose where to save it."""

    def __init__(self, plan: DisavowPlan, choose_path: Callable[[], Path | None],
                 write: Callable[[DisavowPlan, Path, bool], Path],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("disavowExport")
        self.setWindowTitle("Export Disavow File")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(720, 520)
        self.plan = plan
        self._choose_path = choose_path
        self._write = write
        self.written: Path | None = None
        confirm_count = sum(w.needs_confirmation for w in plan.warnings)
        self.summary = QLabel(self._summary_text(confirm_count))
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(_text(plan.text), "File")
        warnings = [("! " if w.needs_confirmation else "· ") + str(w) for w in plan.warnings]
        self.tabs.addTab(_text("\n".join(warnings) or "No warnings."),
                         f"Warnings ({len(plan.warnings):,})")
        diff = plan.diff
        against = diff.against or "no earlier file"
        changes = [f"Compared with {against}:", ""]
        changes += [f"+ {line}" for line in diff.added[:MAX_LISTED]]
        changes += [f"- {line}" for line in diff.removed[:MAX_LISTED]]
        if not diff.added and not diff.removed:
            changes.append("No change.")
        self.tabs.addTab(_text("\n".join(changes)),
                         f"Changes (+{len(diff.added):,} −{len(diff.removed):,})")
        left = [f"{line}  ({why})" for line, why in plan.left_out[:MAX_LISTED]]
        self.tabs.addTab(_text("\n".join(left) or "Nothing left out."),
                         f"Left out ({len(plan.left_out):,})")
        self.confirm = QCheckBox("I have reviewed the warnings marked ! and want these entries "
                                 "in the file")
        self.confirm.setVisible(confirm_count > 0)
        self.error = QLabel()
        self.error.setObjectName("disavowError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setVisible(bool(plan.errors))
        self.error.setText("Cannot be written: " + "; ".join(plan.errors) if plan.errors else "")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.confirm.toggled.connect(self._update_save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.confirm)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if confirm_count:
            self.tabs.setCurrentIndex(1)
        self._update_save()

    def _summary_text(self, confirm_count: int) -> str:
        plan = self.plan
        if plan.domains or plan.urls:  # as the file's own header counts them
            text = (f"The file holds {counted(plan.domains, 'domain')} and "
                    f"{counted(plan.urls, 'URL')} ({counted(plan.lines, 'line')}). "
                    "Uploading it to Google replaces the previous file.")
        else:
            text = ("Nothing is marked for disavow: uploading this file (a header only) to "
                    "Google would withdraw the previous one.")
        if confirm_count:
            text += (f" {counted(confirm_count, 'warning')} "
                     f"{plural(confirm_count, 'needs', 'need')} your confirmation.")
        if plan.comments_dropped:
            text += " Reasons were left out of the file to stay within Google's size limit."
        return text

    def _update_save(self) -> None:
        ready = not self.plan.errors and (not self.plan.needs_confirmation
                                          or self.confirm.isChecked())
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ready)

    def save(self) -> None:
        """Ask where, write the file (never half of it), close; on failure say why and stay."""
        path = self._choose_path()
        if path is None:
            return
        try:
            self.written = self._write(self.plan, path, self.confirm.isChecked())
        except DisavowError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        self.accept()


def _text(content: str) -> QPlainTextEdit:
    box = QPlainTextEdit(content)
    box.setReadOnly(True)
    box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return box
