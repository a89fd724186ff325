"""The Mark dialog: disavow, keep, review or clear rows, with a preview before anything changes.

The rows come from the window (the selection, every row the filters show, or a rule over the
scores); the dialog plans the change in the core (`plan_marks`, which writes nothing) and
shows what it would do: rows added, changed, cleared, left alone, protected by a keep mark,
links affected, and a sample. Apply hands the planned change back; the window applies it as
one undoable step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.marks import MarkChange, MarkKind, Target, plan_marks, preview

KIND_CHOICES: tuple[tuple[str, MarkKind | None], ...] = (
    ("Disavow", MarkKind.DISAVOW), ("Keep (never disavow)", MarkKind.KEEP),
    ("Review later", MarkKind.REVIEW), ("Clear the mark", None),
)
LEVEL_TITLES = {"links": "These links", "domains": "Their referring domains (every link)"}

TargetFor = Callable[[str], Target]  # level ("links" or "domains") -> the rows to mark


class MarkDialog(QDialog):
    """Choose a mark and a reason, see what it would change, apply."""

    def __init__(self, db: sqlite3.Connection, what: str, target_for: TargetFor,
                 levels: tuple[str, ...], kind: MarkKind | None,
                 apply: Callable[[MarkChange], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("markDialog")
        self.setWindowTitle("Mark")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(620, 460)
        self._db = db
        self._target_for = target_for
        self._apply = apply
        self._targets: dict[str, Target] = {}
        self.change: MarkChange | None = None
        self._planned_reason = ""  # the reason the planned change holds
        self.what = QLabel(what)
        self.what.setTextFormat(Qt.TextFormat.PlainText)
        self.what.setWordWrap(True)
        self.kind = QComboBox()
        for title, _ in KIND_CHOICES:
            self.kind.addItem(title)
        self.kind.setCurrentIndex([value for _, value in KIND_CHOICES].index(kind))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why (kept with the mark and written in the disavow file)")
        self.levels = QButtonGroup(self)
        level_row = QWidget()
        level_layout = QHBoxLayout(level_row)
        level_layout.setContentsMargins(0, 0, 0, 0)
        for position, level in enumerate(levels):
            button = QRadioButton(LEVEL_TITLES[level])
            button.setProperty("level", level)
            button.setChecked(position == 0)
            self.levels.addButton(button, position)
            level_layout.addWidget(button)
        level_layout.addStretch(1)
        level_row.setVisible(len(levels) > 1)
        self.forced = QCheckBox("Also where a keep mark protects the row")
        self.forced.setToolTip("Keep wins unless you tick this")
        form = QFormLayout()
        form.addRow(self.what)
        form.addRow("Mark:", self.kind)
        form.addRow("Reason:", self.reason)
        if len(levels) > 1:
            form.addRow("Apply to:", level_row)
        form.addRow("", self.forced)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("markPreview")
        self.preview.setReadOnly(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("What it would change:"))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self.update_preview)
        self.levels.idToggled.connect(lambda *_: self.update_preview())
        self.forced.toggled.connect(self.update_preview)
        self.reason.editingFinished.connect(self.update_preview)
        self.update_preview()

    def level(self) -> str:
        """"links" or "domains"."""
        button = self.levels.checkedButton()
        return str(button.property("level")) if button is not None else "domains"

    def update_preview(self) -> None:
        """Plan the change for the current choices (nothing is written) and describe it."""
        level = self.level()
        if level not in self._targets:
            self._targets[level] = self._target_for(level)
        kind = KIND_CHOICES[self.kind.currentIndex()][1]  # the enum, not Qt's copy of it
        self.forced.setEnabled(kind not in (None, MarkKind.KEEP))
        self._planned_reason = self.reason.text().strip()
        self.change = plan_marks(self._db, self._targets[level], kind, self._planned_reason,
                                 forced=self.forced.isChecked() and self.forced.isEnabled())
        seen = preview(self._db, self.change)
        lines = [seen.text, ""]
        lines.append(f"{seen.added:,} marked · {seen.changed:,} changed · {seen.removed:,} "
                     f"cleared · {seen.unchanged:,} already so")
        for reason, count in sorted(seen.skipped.items()):
            why = ("not a valid domain name" if reason == "invalid"
                   else f"protected by a {reason} mark")
            lines.append(f"{count:,} left alone: {why}")
        lines.append(f"Links of the profile affected: {seen.links_affected:,}")
        if seen.sample:
            lines += ["", *seen.sample]
            if seen.total > len(seen.sample):
                lines.append(f"… and {seen.total - len(seen.sample):,} more")
        self.preview.setPlainText("\n".join(lines))
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(seen.total > 0)

    def accept(self) -> None:
        """Apply the previewed change (the reason as typed now) and close.

        Planned again only if the reason was edited since (the dialog is window-modal: the
        marks cannot change meanwhile); planning thousands of rows takes a second."""
        if self.reason.text().strip() != self._planned_reason:
            self.update_preview()
        if self.change:
            self._apply(self.change)
        super().accept()
