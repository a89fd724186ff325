"""The Placements tab: its buttons, a status menu, the table and a line of totals.

The panel is kept across projects (as the dashboard is); the workspace hands it each
project's table view (`set_view`). What the buttons do belongs to ui/placements.py.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.placements import STATUSES, Totals
from linkdesk.core.placements.model import TYPES
from linkdesk.core.placements.value import UNSCORED
from linkdesk.core.scoring.model import BANDS
from linkdesk.core.tables.placements import PLACEMENTS
from linkdesk.ui.format import counted, number_text
from linkdesk.ui.models import TableModel
from linkdesk.ui.views.table_view import TableView

# The status menu: (label, value); None: any status.
STATUS_CHOICES: list[tuple[str, Any]] = [("Any status", None)] + [
    (status.capitalize(), status) for status in STATUSES]
EMPTY = ("No placements yet.\n\nAdd the links you built or bought (Add…), import a CSV "
         "(Import CSV…) or paste rows copied from a spreadsheet (Ctrl+V).")


class PlacementsPanel(QWidget):
    """The Placements tab's widgets; the buttons only say what was asked."""

    add_requested = Signal()
    edit_requested = Signal()
    delete_requested = Signal()
    import_requested = Signal()
    export_requested = Signal()
    paste_requested = Signal()
    status_chosen = Signal(object)  # a status, or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placementsPanel")
        self.view: TableView | None = None
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, text, tip, signal in (
            ("add", "Add…", "Add a placement you built or bought", self.add_requested),
            ("edit", "Edit…", "Change the selected placement's terms", self.edit_requested),
            ("delete", "Delete", "Delete the selected placements (Edit ▸ Undo brings them "
             "back)", self.delete_requested),
            ("import", "Import CSV…", "Add the placements of a CSV file",
             self.import_requested),
            ("export", "Export CSV…", "Write every placement to a CSV file",
             self.export_requested),
        ):
            button = QPushButton(text)
            button.setObjectName(f"placement_{name}")
            button.setToolTip(tip)
            button.clicked.connect(signal)
            buttons.addWidget(button)
            self.buttons[name] = button
        self.status_menu = QComboBox()
        self.status_menu.setObjectName("placement_status")
        for label, value in STATUS_CHOICES:
            self.status_menu.addItem(label, value)
        self.status_menu.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_menu.currentIndexChanged.connect(
            lambda _index: self.status_chosen.emit(self.status_menu.currentData()))
        buttons.addStretch(1)
        buttons.addWidget(QLabel("Show:"))
        buttons.addWidget(self.status_menu)
        self.totals = QLabel()
        self.totals.setObjectName("placementTotals")
        self.totals.setTextFormat(Qt.TextFormat.PlainText)
        self.totals.setWordWrap(True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 4, 0, 0)
        self._layout.setSpacing(4)
        self._layout.addLayout(buttons)
        self._layout.addWidget(self.totals)
        paste = QShortcut(QKeySequence.StandardKey.Paste, self)
        paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        paste.activated.connect(self.paste_requested)

    def set_view(self, view: TableView | None) -> None:
        """Show this project's table (None: no project); the previous one is deleted."""
        if self.view is not None:
            self._layout.removeWidget(self.view)
            self.view.deleteLater()
        self.view = view
        if view is not None:
            view.set_placeholder(EMPTY)
            view.doubleClicked.connect(lambda _index: self.edit_requested.emit())
            self._layout.insertWidget(1, view, 1)

    def reset_status(self) -> None:
        """Back to every status, without telling anyone (another project opens)."""
        self.status_menu.blockSignals(True)
        self.status_menu.setCurrentIndex(0)
        self.status_menu.blockSignals(False)

    def show_totals(self, found: Totals) -> None:
        """The line under the table: count per band and type, spend per strong domain."""
        self.totals.setText(totals_text(found))


# The tab's first look: what matters (is it there, is it worth it) next to the page; the
# status says what differs ("changed: rel"), so Differences starts hidden.
FIRST_COLUMNS = ("source_url", "target_url", "status", "band", "quality")
HIDDEN_AT_FIRST = ("differences",)
WIDTHS = {"status": 150, "band": 84}  # room for "changed: rel, anchor" and "Unscored"


def placements_layout() -> list[tuple[str, int, bool]]:
    """The default column layout (name, width 0: the default, hidden) before any is saved."""
    columns = {column.name: column for column in PLACEMENTS.columns}
    order = [*FIRST_COLUMNS, *(name for name in columns if name not in FIRST_COLUMNS)]
    return [(name, WIDTHS.get(name, 0), not columns[name].visible or name in HIDDEN_AT_FIRST)
            for name in order]


class PlacementsModel(TableModel):
    """The Placements table: its own status menu, and a changed status says what differs."""

    status: str | None = None

    def configure(self, filters: Any = None, sort: Any = None) -> None:
        """As TableModel's, with the tab's status menu as the `check` filter."""
        if filters is not None:
            filters = _with_status(filters, self.status)
        super().configure(filters, sort)

    def choose_status(self, status: str | None) -> None:
        """Show only placements with `status` (None: all); reads again."""
        self.status = status
        self.configure(self.filters)
        self.reload()

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A changed status reads "changed: rel, anchor"; a type as written ("Guest post");
        a domain no vendor reported reads "Unscored" (dimmed)."""
        text = super().data(index, role)
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                               Qt.ItemDataRole.ForegroundRole):
            return text
        name = self.spec.columns[index.column()].name
        if role == Qt.ItemDataRole.ForegroundRole:
            if name == "band" and self.value_of(index.row(), "band") is None:
                return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
            return text
        if name == "status" and text == "changed":
            differences = self.value_of(index.row(), "differences")
            if differences:
                return f"changed: {', '.join(str(differences).split())}"
        elif name == "type":
            return TYPES.get(str(text), text)
        elif name == "band" and self.value_of(index.row(), "band") is None:
            return UNSCORED.capitalize()  # as the bands read: "Strong", "Unscored"
        return text

    def value_of(self, row: int, name: str) -> Any:
        """The raw value of column `name` in `row`."""
        values = self.values(row)
        for column, value in zip(self.spec.columns, values, strict=False):
            if column.name == name:
                return value
        return None


def _with_status(filters: Any, status: str | None) -> Any:
    return replace(filters, check=status)


def totals_text(found: Totals) -> str:
    """"12 placements · by band: Strong 4, Fair 3… · by type: … · spend per strong domain: …"."""
    count = sum(found.by_band.values())
    if not count:
        return ""
    bands = [band for band in (*reversed(BANDS), "unscored") if found.by_band.get(band)]
    parts = [
        counted(count, "placement"),
        "by band: " + ", ".join(f"{band.capitalize()} {found.by_band[band]}" for band in bands),
        "by type: " + ", ".join(f"{TYPES.get(kind, kind)} {number}"
                                for kind, number in found.by_type.most_common()),
    ]
    strong = found.spend_per_strong_domain
    if strong:
        spent = "; ".join(f"{domain} {_money(amounts)}" for domain, amounts in strong.items())
        parts.append(f"spend per strong domain: {spent}")
    return "  ·  ".join(parts)


def _money(amounts: dict[str, float]) -> str:
    """Amounts per currency, never added across currencies: "120.00 EUR + 80.00 USD" (to
    the cent, as the Price column)."""
    return " + ".join(f"{number_text(amount, decimals=2)} {currency}".strip()
                      for currency, amount in sorted(amounts.items()))
