"""Marks ▸ Apply Earlier Verdicts…: what the verdict library would change, before it changes.

The plan comes from the core (`plan_apply`, which writes nothing): the project's undecided
domains (no mark, or review) that other projects or lists judged, with the mark each would
take (keep wins, then disavow, then review), why, and what stays as it is (the project's
own disavow and keep marks always win). Ticking a verdict off plans again without it. Apply
hands the planned change back; the window applies it as one undoable step.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.library import VERDICTS
from linkdesk.core.marks import MarkChange
from linkdesk.core.verdicts import ApplyPlan
from linkdesk.ui.format import plain_tooltip

ROWS_SHOWN = 1_000  # the preview lists this many domains; the counts cover them all
HEADERS = ("Domain", "Now", "Becomes", "Judged before", "Reason given")
TAKES = {"disavow": "Disavow", "keep": "Keep", "review": "Review"}

# The verdicts to apply -> the plan, or None: it is being worked out (then `show_plan`).
PlanFor = Callable[[tuple[str, ...]], ApplyPlan | None]


class ApplyVerdictsDialog(QDialog):
    """Preview applying earlier verdicts; Apply hands the change to `apply`."""

    def __init__(self, plan_for: PlanFor, apply: Callable[[MarkChange], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("applyVerdictsDialog")
        self.setWindowTitle("Apply Earlier Verdicts")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(820, 500)
        self._plan_for = plan_for
        self._apply = apply
        self.plan: ApplyPlan | None = None
        intro = QLabel("Domains this project has not decided (no mark, or review) take what "
                       "other projects and imported lists decided: keep if any kept it, else "
                       "disavow, else review. This project's own disavow and keep marks "
                       "always win. Edit ▸ Undo takes it back.")
        intro.setWordWrap(True)
        self.verdicts: dict[str, QCheckBox] = {}
        choices = QHBoxLayout()
        choices.addWidget(QLabel("Apply:"))
        for name in VERDICTS:
            box = QCheckBox(TAKES[name])
            box.setChecked(True)
            box.toggled.connect(self.update_preview)
            self.verdicts[name] = box
            choices.addWidget(box)
        choices.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("applySummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("applyPreview")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        char = self.fontMetrics().averageCharWidth()
        for column, width in enumerate((26, 9, 10, 26)):
            self.table.setColumnWidth(column, width * char)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(choices)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.update_preview()

    def chosen(self) -> tuple[str, ...]:
        """The verdicts ticked."""
        return tuple(name for name, box in self.verdicts.items() if box.isChecked())

    def update_preview(self) -> None:
        """Plan again for the verdicts ticked (nothing is written) and show it; a plan
        worked out in the background arrives through `show_plan`."""
        plan = self._plan_for(self.chosen())
        if plan is None:
            self.plan = None
            self.summary.setText("Working out what would change…")
            self.table.setRowCount(0)
            self.buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(False)
            return
        self._show(plan)

    def show_plan(self, verdicts: tuple[str, ...], plan: ApplyPlan) -> None:
        """A plan worked out in the background: shown if those verdicts are still ticked."""
        if verdicts == self.chosen():
            self._show(plan)

    def _show(self, plan: ApplyPlan) -> None:
        self.plan = plan
        self.summary.setText(plan_summary(plan))
        rows = plan.rows[:ROWS_SHOWN]
        self.table.setRowCount(len(rows))
        for row, planned in enumerate(rows):
            cells = (planned.domain, TAKES.get(planned.before or "", "—"), TAKES[planned.after],
                     planned.summary, planned.given or "—")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 3 and len(text) > 20:
                    item.setToolTip(plain_tooltip(text))
                self.table.setItem(row, column, item)
        for column in (1, 2):  # "Disavow" in full, whatever the font
            self.table.resizeColumnToContents(column)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(bool(plan))

    def accept(self) -> None:
        """Apply the previewed change and close."""
        if self.plan:
            self._apply(self.plan.change)
        super().accept()


def plan_summary(plan: ApplyPlan) -> str:
    """What the plan would do, in counts: "12 domains would change: 9 disavow, 3 keep" and
    what stays as it is."""
    changes = len(plan.rows)
    if not plan.judged:
        return ("No referring domain of this project has a verdict from another project or "
                "list yet: nothing to apply.")
    lines = [f"{_domains(plan.judged)} of this project were judged before."]
    if changes:
        by = ", ".join(f"{count:,} {TAKES[name].lower()}" for name, count in plan.counts.items())
        lines.append(f"{_domains(changes)} would change: {by}.")
    else:
        lines.append("Nothing would change.")
    kept = []
    if plan.project_wins:
        kept.append(f"{plan.project_wins:,} marked disavow or keep in this project")
    if plan.unchanged:
        kept.append(f"{plan.unchanged:,} already marked so")
    for reason, count in sorted(plan.skipped.items()):
        kept.append(f"{count:,} not a valid domain name" if reason == "invalid"
                    else f"{count:,} {reason}")
    if kept:
        lines.append("Left as they are: " + "; ".join(kept) + ".")
    if changes > ROWS_SHOWN:
        lines.append(f"The first {ROWS_SHOWN:,} are listed below.")
    return "\n".join(lines)


def _domains(count: int) -> str:
    return f"{count:,} domain{'' if count == 1 else 's'}"
