"""Mark by Rule: which rows (referring domains or links), by which scores, and which mark.

The rule picks the rows not marked yet whose risk is at least X and quality below Y; the Mark
dialog then previews what the chosen mark would change before anything is written.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.marks import MarkKind, Rule
from linkdesk.core.scoring import RISK_LEVELS
from linkdesk.ui.dialogs.mark_dialog import KIND_CHOICES

# A rule marks rows not marked yet: clearing marks is not one of its choices.
RULE_KINDS = tuple((title, kind) for title, kind in KIND_CHOICES if kind is not None)


class RuleDialog(QDialog):
    """Mark by rule: referring domains or links whose risk is at least X and quality below Y."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark by Rule")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        heading = QLabel("Mark the rows whose scores match this rule:")
        self.level = QComboBox()
        self.level.addItems(["Referring domains", "Links"])
        self.risk = QComboBox()
        self.risk.addItems(["any"] + [f"{name} or higher" for name in RISK_LEVELS[1:]])
        self.risk.setCurrentIndex(len(RISK_LEVELS) - 1)  # high
        self.quality = QDoubleSpinBox()
        self.quality.setRange(0, 100)
        self.quality.setValue(30)
        self.quality.setDecimals(1)
        self.quality.setSpecialValueText("any")  # 0: no quality condition
        self.kind = QComboBox()
        for title, _kind in RULE_KINDS:
            self.kind.addItem(title)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        form.addRow("Rows:", self.level)
        form.addRow("Risk:", self.risk)
        form.addRow("Quality below:", self.quality)
        form.addRow("Mark as:", self.kind)
        note = QLabel("Rows already marked are left alone. The next step shows what the mark "
                      "would change; nothing is written before you apply it there.")
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Preview…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def rule(self) -> Rule:
        """The rule as chosen (rows already marked are left alone)."""
        risk = self.risk.currentIndex()
        return Rule(level="domains" if self.level.currentIndex() == 0 else "links",
                    min_risk=risk or None, max_quality=self.quality.value() or None)

    def mark_kind(self) -> MarkKind:
        """The mark chosen for the rows."""
        kind = RULE_KINDS[self.kind.currentIndex()][1]
        assert kind is not None  # RULE_KINDS holds no "clear"
        return kind
