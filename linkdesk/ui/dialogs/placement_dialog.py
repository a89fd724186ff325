"""Add or edit one placement: its page, target, agreed anchor and rel, dates, price and more.

What is typed is checked by the core (`parse_placement`) when OK is pressed: a bad URL, date
or price is said in the dialog, in red above the buttons, and the dialog stays open. The
dialog writes nothing: its answer (`accepted_placement`) is handed to `on_accept`, which
plans the change and pushes it on the undo stack (ui/placements.py).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.placements import (
    RELS,
    TYPES,
    Placement,
    PlacementError,
    PlacementInput,
    parse_placement,
)

_ERROR_COLOUR = QColor(200, 30, 30)
# The line edits and their placeholders.
_LINES = {
    "source_url": "https://blog.example.com/post, or its domain for now",
    "target_url": "https://client.com/page",
    "anchor": "as agreed; empty: any anchor",
    "placed_on": "2026-03-02 or 02.03.2026",
    "expires_on": "empty: never",
    "price": "120 or 120,50",
    "currency": "EUR",
    "contact": "",
    "tag": "",
}


def placement_input(placement: Placement) -> PlacementInput:
    """What the dialog shows for a stored placement (the form of what a user types)."""
    price = "" if placement.price is None else f"{placement.price:g}"
    return PlacementInput(
        source_url=placement.page, target_url=placement.target_url, anchor=placement.anchor,
        rel=placement.rel, placed_on=placement.placed_on or "",
        expires_on=placement.expires_on or "", price=price, currency=placement.currency,
        type=placement.type, contact=placement.contact, notes=placement.notes,
        tag=placement.tag)


class PlacementDialog(QDialog):
    """The form; OK checks it and hands the placement to `on_accept`."""

    def __init__(self, on_accept: Callable[[Placement], bool],
                 given: PlacementInput | None = None, parent: QWidget | None = None, *,
                 found_page: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("placementDialog")
        self.setWindowTitle("Edit Placement" if given else "Add Placement")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(560)
        self._on_accept = on_accept
        self.accepted_placement: Placement | None = None
        given = given or PlacementInput()
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for name, placeholder in _LINES.items():
            edit = QLineEdit(getattr(given, name))
            edit.setObjectName(f"placement_{name}")
            edit.setPlaceholderText(placeholder)
            self.fields[name] = edit
        self.fields["source_url"].setToolTip("The page the link is on; until it is known, "
                                             "its domain (example.com)")
        self.rel = QComboBox()
        self.rel.addItems(list(RELS))
        self.rel.setCurrentIndex(max(self.rel.findText(given.rel or "follow"), 0))
        self.type = QComboBox()
        for key, title in TYPES.items():
            self.type.addItem(title, key)
        self.type.setCurrentIndex(max(self.type.findData(given.type or "other"), 0))
        self.notes = QPlainTextEdit(given.notes)
        self.notes.setObjectName("placement_notes")
        self.notes.setFixedHeight(self.fontMetrics().height() * 4)
        f = self.fields
        form.addRow("Page:", f["source_url"])
        self.use_found: QPushButton | None = None
        if found_page:  # known only by its domain; an export shows the page: offer it
            form.addRow("", self._found_row(found_page))
        form.addRow("Links to:", f["target_url"])
        form.addRow("Anchor text:", f["anchor"])
        form.addRow("Rel:", self.rel)
        form.addRow("Type:", self.type)
        form.addRow("Placed on:", _pair(f["placed_on"], "Expires on:", f["expires_on"]))
        form.addRow("Price:", _pair(f["price"], "Currency:", f["currency"]))
        form.addRow("Vendor or contact:", f["contact"])
        form.addRow("Tag:", f["tag"])
        form.addRow("Notes:", self.notes)
        self.error = QLabel()
        self.error.setObjectName("placementError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        palette = self.error.palette()
        palette.setColor(QPalette.ColorRole.WindowText, _ERROR_COLOUR)
        self.error.setPalette(palette)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _found_row(self, page: str) -> QWidget:
        """"Found in the exports on PAGE [Use This Page]": fills the page field on a click;
        what the user typed is never replaced without it."""
        label = _ElidedLabel(f"The exports found it on {page.split('://', 1)[-1]}")
        label.setObjectName("placementFoundPage")
        label.setToolTip(page)  # the whole address, when the line shortens it
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.use_found = QPushButton("Use This Page")
        self.use_found.setObjectName("placementUseFoundPage")
        self.use_found.setAutoDefault(False)
        self.use_found.clicked.connect(lambda: self.fields["source_url"].setText(page))
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label, 1)
        layout.addWidget(self.use_found)
        return row

    def typed(self) -> PlacementInput:
        """What the form holds, as typed."""
        return PlacementInput(
            **{name: edit.text() for name, edit in self.fields.items()},
            rel=self.rel.currentText(), type=str(self.type.currentData()),
            notes=self.notes.toPlainText())

    def accept(self) -> None:
        """Check what was typed; say what is wrong, or hand the placement on and close."""
        try:
            placement = parse_placement(self.typed())
        except PlacementError as error:
            self.show_error(f"{str(error)[:1].upper()}{str(error)[1:]}.")
            return
        if not self._on_accept(placement):
            return  # the caller said why (the project cannot be written now)
        self.accepted_placement = placement
        super().accept()

    def show_error(self, text: str) -> None:
        """Say what is wrong, under the form."""
        self.error.setText(text)
        self.error.show()


class _ElidedLabel(QLabel):
    """One line of text shortened in its middle ("…") to the width it is given."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.full_text = text
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Shorten the text to the new width."""
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideMiddle,
                                                   max(event.size().width(), 0)))
        super().resizeEvent(event)


def _pair(first: QWidget, label: str, second: QWidget) -> QWidget:
    """Two fields on one row: "Placed on: [  ] Expires on: [  ]"."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(first, 1)
    layout.addWidget(QLabel(label))
    layout.addWidget(second, 1)
    return row
