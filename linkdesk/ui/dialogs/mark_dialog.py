"""The Mark dialog: disavow, keep, review or clear rows, with a preview before anything changes.

The rows come from the window (the selection, every row the filters show, or a rule over the
scores); the dialog plans the change in the core (`plan_marks`, which writes nothing) and
shows what it would do: rows added, changed, cleared, left alone, protected by a keep mark,
links affected, and a sample. Apply hands the planned change back; the window applies it as
one undoable step.

On a big project the window passes `run_task` (JobCoordinator.run_task): a preview of 2,000
rows or more (as for writing them, mark_writing.py) is then planned on a worker with its own
connection (a rule's 64,000 domains took 0.5-1.5 s of the GUI thread, its 326,000 links 10 s),
the text saying so meanwhile and Apply waiting for the plan; an answer for choices changed
since, or for a dialog closed, is dropped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

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

from linkdesk.core.importers.rows import cyclic_gc_paused
from linkdesk.core.marks import MarkChange, MarkKind, Preview, Target, plan_marks, preview
from linkdesk.ui.mark_writing import BACKGROUND_FROM_EDITS
from linkdesk.ui.workers.task import Task, TaskOutcome, Work

KIND_CHOICES: tuple[tuple[str, MarkKind | None], ...] = (
    ("Disavow", MarkKind.DISAVOW), ("Keep (never disavow)", MarkKind.KEEP),
    ("Review later", MarkKind.REVIEW), ("Clear the mark", None),
)
LEVEL_TITLES = {"links": "These links", "domains": "Their referring domains (every link)"}

TargetFor = Callable[[str], Target]  # level ("links" or "domains") -> the rows to mark
# JobCoordinator.run_task: (name, work, done) -> the task, None without a project
RunTask = Callable[[str, Work, Callable[[TaskOutcome], None]], Task | None]
PLANNING = "Working out what the mark would change…"
Choices = tuple[str, MarkKind | None, str, bool]  # level, kind, reason, forced


def plan_preview(db: sqlite3.Connection, target: Target, kind: MarkKind | None, reason: str,
                 forced: bool) -> tuple[MarkChange, Preview]:
    """The change for these choices and what it would do (reads only; any thread's own
    connection). The cycle collector waits meanwhile: a plan of 326,000 links set it off
    again and again, each pass holding every thread, the GUI's too, 0.2 s."""
    with cyclic_gc_paused():
        change = plan_marks(db, target, kind, reason, forced=forced)
        return change, preview(db, change)


def preview_text(seen: Preview) -> str:
    """The preview as the dialog shows it."""
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
    return "\n".join(lines)


class MarkDialog(QDialog):
    """Choose a mark and a reason, see what it would change, apply."""

    def __init__(self, db: sqlite3.Connection, what: str, target_for: TargetFor,
                 levels: tuple[str, ...], kind: MarkKind | None,
                 apply: Callable[[MarkChange], None], parent: QWidget | None = None, *,
                 run_task: RunTask | None = None) -> None:
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
        self._run_task = run_task
        self.planning: Task | None = None  # the worker planning the preview (run_task)
        self._planned: Choices | None = None  # the choices `change` was planned for
        self._planning_for: Choices | None = None  # the choices `planning` plans for
        self._apply_when_planned = False  # Apply was asked while the plan was under way
        self._closed = False
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

    def choices(self) -> Choices:
        """Level, mark, reason and force as chosen now."""
        kind = KIND_CHOICES[self.kind.currentIndex()][1]  # the enum, not Qt's copy of it
        forced = self.forced.isChecked() and kind not in (None, MarkKind.KEEP)
        return self.level(), kind, self.reason.text().strip(), forced

    def update_preview(self) -> None:
        """Plan the change for the current choices (nothing is written) and describe it:
        here, or on a worker when the window gave `run_task`."""
        choices = level, kind, reason, forced = self.choices()
        self.forced.setEnabled(kind not in (None, MarkKind.KEEP))
        if level not in self._targets:
            self._targets[level] = self._target_for(level)
        target = self._targets[level]
        if self._run_task is None or len(target) < BACKGROUND_FROM_EDITS:  # milliseconds
            self._show(choices, *plan_preview(self._db, target, kind, reason, forced))
            return
        if self.planning is not None:
            self.planning.cancel()  # its answer is dropped: the choices changed
        self.change, self._planned = None, None
        self.preview.setPlainText(PLANNING)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(False)

        def work(project: Any, _progress: Any, cancelled: Callable[[], bool]) -> Any:
            return None if cancelled() else plan_preview(project.db, target, kind, reason,
                                                         forced)

        def planned(outcome: TaskOutcome) -> None:
            if self._closed or self.planning is not task:
                return  # closed, or planned for choices changed since
            self.planning = None
            if outcome.error:
                self._apply_when_planned = False
                self.preview.setPlainText(f"Cannot work out what it would change: "
                                          f"{outcome.error}")
            elif outcome.result is not None:
                self._show(choices, *outcome.result)

        task = self._run_task("mark preview", work, planned)
        self.planning, self._planning_for = task, choices
        if task is None:
            self.preview.setPlainText("The project was closed.")

    def _show(self, choices: Choices, change: MarkChange, seen: Preview) -> None:
        self.change, self._planned = change, choices
        self.preview.setPlainText(preview_text(seen))
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(seen.total > 0)
        if self._apply_when_planned:
            self._apply_when_planned = False
            self.accept()

    def accept(self) -> None:
        """Apply the previewed change (the reason as typed now) and close.

        Planned again only if the reason was edited since (the dialog is window-modal: the
        marks cannot change meanwhile); planning thousands of rows takes a second. On a
        worker, the change is applied once its plan is known."""
        if self._planned != self.choices():
            if self._run_task is not None:  # `_show` accepts once planned
                self._apply_when_planned = True
                if self.planning is None or self._planning_for != self.choices():
                    self.update_preview()
                return
            self.update_preview()
        if self.change:
            self._apply(self.change)
        self._closing()
        super().accept()

    def reject(self) -> None:
        """Close without marking; a plan under way is dropped."""
        self._closing()
        super().reject()

    def _closing(self) -> None:
        self._closed = True
        if self.planning is not None:
            self.planning.cancel()
            self.planning = None
