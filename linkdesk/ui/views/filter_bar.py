"""The quick-search box and the filter menus above the tables."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.tables import (
    JUDGED_TITLES,
    JUDGED_VALUES,
    STATUS_TITLES,
    UNCHECKED,
    VENDOR_NAMES,
    Filters,
    Follow,
    TableSpec,
)
from linkdesk.core.timeline import SINCE_REVIEW, SINCE_REVIEW_TITLES

SEARCH_DELAY_MS = 150  # one query per pause in typing, not one per key

# (label, value) choices of each filter menu; None means "any".
CHOICES: dict[str, list[tuple[str, Any]]] = {
    "follow": [("Any rel", None), ("Dofollow", Follow.DOFOLLOW),
               ("Nofollow, ugc, sponsored", Follow.NOFOLLOW)],
    "vendor": [("All tools", None)] + [
        (f"Seen by {VENDOR_NAMES[v]}", v)
        for v in ("ahrefs", "majestic", "moz", "semrush", "generic", "gsc")
    ],
    "google_seen": [("Google: any", None), ("Seen by Google", True),
                    ("Not seen by Google", False)],
    "lost": [("Live and lost", None), ("Live", False), ("Lost", True)],
    # Band and risk level indexes (scoring.BANDS, scoring.RISK_LEVELS); enabled while the
    # table shown has current scores.
    "band": [("Any band", None), ("Strong", 3), ("Fair", 2), ("Weak", 1), ("Risky", 0)],
    "risk": [("Any risk", None), ("No risk", 0), ("Low risk", 1), ("Medium risk", 2),
             ("High risk", 3)],
    # Marks (tables/marks.py): a link's own mark, else its domain's.
    "marked": [("Marked or not", None), ("Marked", True), ("Not marked", False),
               ("Disavow", "disavow"), ("Keep", "keep"), ("Review", "review")],
    # The latest live check (tables/checks.py); the Links table only.
    "check": [("Any check", None),
              *((title, status) for status, title in STATUS_TITLES.items()),
              ("Unchecked", UNCHECKED)],
    # The verdict library (tables/judged.py); the Referring domains table only.
    "judged": [("Judged or not", None), *((JUDGED_TITLES[v], v) for v in JUDGED_VALUES)],
}
# Since the last review (core/timeline/filters.py): in the search row, where there is room.
SINCE_REVIEW_CHOICES: list[tuple[str, Any]] = [
    ("Any time", None), *((SINCE_REVIEW_TITLES[value], value) for value in SINCE_REVIEW)]
SINCE_REVIEW_TABLES = ("links", "domains")  # the tables the core filters this way
# Band and risk filter the links and referring domains once their scores are current: until
# then the menus stay in place, greyed, with a tip saying when they work. Every other menu a
# table cannot filter by is hidden (a control that does nothing on a tab has no place there).
SCORED_TABLES = ("links", "domains")
SCORE_FILTERS = ("band", "risk")
# A table with this many menus or fewer shows them in the search row (the Placements tab:
# band only), and the window gives the tables the second row's height.
ONE_ROW_MENUS = 2
SINCE_REVIEW_TIP = ("What changed since your last review (Tools ▸ Finish Review); before "
                    "the first review, since the first import")
JUDGED_TIP = ("What other projects and imported lists decided (the verdict library); Never "
              "judged: no mark here and no verdict anywhere")
CHECK_TIP = "The latest live check of the links (Tools ▸ Check Links)"
SEARCH_HINTS = {
    "links": "Search URL, domain, title, anchor",
    "domains": "Search domains",
    "anchors": "Search anchor text",
    "placements": "Search page, target, anchor, contact, notes, tag",
}


class FilterBar(QWidget):
    """Emits `filters_changed` with the new `Filters` when the user changes any of them."""

    filters_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setObjectName("quickSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(SEARCH_HINTS["links"] + " (Ctrl+F)")
        self.search.setMinimumWidth(280)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(SEARCH_DELAY_MS)
        self._delay.timeout.connect(self._emit)
        self.search.textEdited.connect(lambda _text: self._delay.start())
        self.search.returnPressed.connect(self._emit)
        self.search.textChanged.connect(self._cleared)
        self.menus: dict[str, QComboBox] = {}
        # Two rows: the search box, the since-review menu and Clear filters, then one menu
        # per filter (nine menus and a search box in one row would not fit a 1280-pixel
        # window).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.search_row = QHBoxLayout()
        self.search_row.addWidget(self.search, 1)
        self.menus_row = QHBoxLayout()
        for name, choices in CHOICES.items():
            self.menus_row.addWidget(self._menu(name, choices))
        self.menus_row.addStretch(1)
        self.search_row.addWidget(self._menu("since_review", SINCE_REVIEW_CHOICES))
        self.clear_button = QToolButton()
        self.clear_button.setText("Clear filters")
        self.clear_button.setToolTip("Show every row again")
        self.clear_button.clicked.connect(self.clear)
        self.search_row.addWidget(self.clear_button)
        layout.addLayout(self.search_row)
        layout.addLayout(self.menus_row)
        for name, tip in (("since_review", SINCE_REVIEW_TIP), ("judged", JUDGED_TIP),
                          ("check", CHECK_TIP)):
            self.menus[name].setToolTip(tip)
        self._last = Filters()
        self._update_clear_button()

    def _menu(self, name: str, choices: list[tuple[str, Any]]) -> QComboBox:
        menu = QComboBox()
        menu.setObjectName(f"filter_{name}")
        for label, value in choices:
            menu.addItem(label, value)
        menu.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        menu.currentIndexChanged.connect(self._emit)
        self.menus[name] = menu
        return menu

    def filters(self) -> Filters:
        """The filters as the controls show them."""
        values = {name: menu.currentData() for name, menu in self.menus.items()}
        return Filters(search=self.search.text().strip(), **values)

    def set_table(self, spec: TableSpec) -> None:
        """Adapt the hints and menus to the table shown."""
        hint = SEARCH_HINTS.get(spec.name, "Search")
        self.search.setPlaceholderText(f"{hint} (Ctrl+F)")
        for name, menu in self.menus.items():
            menu.setEnabled(spec.supports(name) or (
                name == "since_review" and spec.name in SINCE_REVIEW_TABLES))
            menu.setVisible(menu.isEnabled() or (
                name in SCORE_FILTERS and spec.name in SCORED_TABLES))
            if name in SCORE_FILTERS:
                menu.setToolTip("" if spec.supports(name) else
                                "Shown when the scores of this project are up to date")
        self._place_menus()

    def _place_menus(self) -> None:
        """Few menus join the search row (no second row for one menu); else their own row."""
        row_menus = [menu for name, menu in self.menus.items() if name in CHOICES]
        one_row = sum(not menu.isHidden() for menu in row_menus) <= ONE_ROW_MENUS
        source, target = ((self.menus_row, self.search_row) if one_row
                          else (self.search_row, self.menus_row))
        if source.indexOf(row_menus[0]) < 0:
            return  # already in place
        for index, menu in enumerate(row_menus):
            source.removeWidget(menu)
            # In the search row: after the search box, before the since-review menu.
            target.insertWidget(1 + index if one_row else index, menu)

    def show_filters(self, filters: Filters) -> None:
        """Set every control to `filters` (a summary's part was clicked), then apply them."""
        self.reset()
        for name, menu in self.menus.items():
            index = menu.findData(getattr(filters, name))
            menu.blockSignals(True)
            menu.setCurrentIndex(max(index, 0))
            menu.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(filters.search)
        self.search.blockSignals(False)
        self._emit()

    def clear(self) -> None:
        """Back to every row."""
        changed = self._last != Filters()
        self.reset()
        if changed:
            self.filters_changed.emit(self._last)

    def reset(self) -> None:
        """Every control to "any", without telling anyone (another project opens)."""
        self._delay.stop()
        for menu in self.menus.values():
            menu.blockSignals(True)
            menu.setCurrentIndex(0)
            menu.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._last = Filters()
        self._update_clear_button()

    def focus_search(self) -> None:
        """Ctrl+F: type to search."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _cleared(self, text: str) -> None:
        # The clear button (×) empties the box without textEdited: apply at once.
        if not text and self._last.search:
            self._emit()

    def _emit(self) -> None:
        self._delay.stop()
        filters = self.filters()
        self._update_clear_button()
        if filters != self._last:
            self._last = filters
            self.filters_changed.emit(filters)

    def _update_clear_button(self) -> None:
        self.clear_button.setEnabled(bool(self.filters().active()))
