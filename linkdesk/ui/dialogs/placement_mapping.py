"""Which column is which: a placements CSV whose header the import does not recognise.

One row per placement field (in the placement dialog's words), each a menu of the file's
columns with an example value from the first data row, prefilled with the core's guess
(`guess_mapping`). Import stays off until the page and the target have a column. The dialog
writes nothing: its answer (`mapping()`, field -> column, what `--map` takes) is handed to
`on_accept`, which imports with it; the import remembers it for files with this header.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.placements.csvio import FIELDS, REQUIRED, column_reference
from linkdesk.ui.dialogs.buttons import accept_buttons

NONE = "(not in this file)"
EXAMPLE_CHARS = COLUMN_CHARS = 40  # a menu entry's parts, shortened (long cells: a wide dialog)
TIP_CHARS = 300
MENU_CHARS = 30  # a menu's least width, in characters
# The fields as the placement dialog names them.
LABELS = {
    "source_url": "Page:", "target_url": "Links to:", "anchor": "Anchor text:", "rel": "Rel:",
    "placed_on": "Placed on:", "expires_on": "Expires on:", "price": "Price:",
    "currency": "Currency:", "type": "Type:", "contact": "Vendor or contact:",
    "notes": "Notes:", "tag": "Tag:",
}


class PlacementMappingDialog(QDialog):
    """The file's columns for each field; Import hands the mapping to `on_accept`."""

    def __init__(self, name: str, header: Sequence[str], example: Sequence[str],
                 guess: dict[str, str], on_accept: Callable[[dict[str, str]], bool],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placementMappingDialog")
        self.setWindowTitle("Which Column Is Which?")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        self._on_accept = on_accept
        intro = QLabel(f"The columns of {name} are not named as LinkDesk expects. Choose the "
                       "column that holds each field; the choice is remembered for files with "
                       "the same columns.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.menus: dict[str, QComboBox] = {}
        for field_name in FIELDS:
            menu = QComboBox()
            menu.setObjectName(f"map_{field_name}")
            menu.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            # As wide as the dialog gives, not as its longest entry: the field names beside
            # the menus keep their width (long entries had squeezed them to nothing).
            menu.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            menu.setMinimumContentsLength(MENU_CHARS)
            menu.addItem(NONE, "")
            for index, column in enumerate(header):
                value = example[index] if index < len(example) else ""
                reference = column_reference(header, index)  # a name, or "#3" when unclear
                menu.addItem(_item_text(_column_title(column, index, reference), value),
                             reference)
                # The whole name and more of the example: the entry itself is shortened.
                menu.setItemData(menu.count() - 1, f"{column}\n{value[:TIP_CHARS]}",
                                 Qt.ItemDataRole.ToolTipRole)
            menu.setCurrentIndex(max(menu.findData(guess.get(field_name, "")), 0))
            menu.currentIndexChanged.connect(self._update)
            self.menus[field_name] = menu
            label = LABELS.get(field_name, f"{field_name}:")
            form.addRow(f"{label[:-1]} (required):" if field_name in REQUIRED else label, menu)
        self.problem = QLabel()
        self.problem.setObjectName("placementMappingProblem")
        self.problem.setWordWrap(True)
        self.buttons = accept_buttons(self, "Import")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._update()

    def mapping(self) -> dict[str, str]:
        """Field -> column for each field given a column."""
        return {name: str(menu.currentData()) for name, menu in self.menus.items()
                if menu.currentData()}

    def _update(self) -> None:
        chosen = self.mapping()
        missing = [LABELS[name][:-1].lower() for name in REQUIRED if name not in chosen]
        columns = list(chosen.values())
        twice = sorted({column for column in columns if columns.count(column) > 1})
        if missing:
            said = f"Choose the column of the {' and the '.join(missing)}."
        elif twice:
            said = f"The column {_shortened(twice[0], COLUMN_CHARS)!r} is chosen for two fields."
        else:
            said = ""
        self.problem.setText(said)
        self.problem.setVisible(bool(said))
        self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(not said)

    def set_busy(self, busy: bool) -> None:
        """While the import with this mapping runs: the menus and buttons are off (the
        import's own progress dialog, over this one, keeps its Cancel)."""
        for menu in self.menus.values():
            menu.setEnabled(not busy)
        self.buttons.setEnabled(not busy)
        if not busy:
            self._update()  # Import on or off as the mapping says

    def accept(self) -> None:
        """Hand the mapping on; close when the import took it."""
        if self._on_accept(self.mapping()):
            super().accept()


def _item_text(column: str, example: str) -> str:
    """"Seite — https://blog.example.com/post" (both shortened)."""
    name = _shortened(column, COLUMN_CHARS)
    shown = _shortened(example, EXAMPLE_CHARS)
    return f"{name} — {shown}" if shown else name


def _column_title(column: str, index: int, reference: str) -> str:
    """A column as the menus name it: "Seite", "URL (column 2)" when two are called URL,
    "Column 3" when it has no name."""
    if reference == column:
        return column
    return f"{_shortened(column, COLUMN_CHARS)} (column {index + 1})" if column.strip() \
        else f"Column {index + 1}"


def _shortened(text: str, chars: int) -> str:
    """`text` on one line, cut to `chars` with an ellipsis."""
    shown = " ".join(text.split())
    return shown[: chars - 1] + "…" if len(shown) > chars else shown
