"""File → Project Settings: the client's words, weights, flag points, thresholds, detection,
what the disavow file warns about, and how the project takes part in the verdict library.

The dialog edits a copy of the project's scoring model (`load_model`) and disavow settings
and, on OK, hands back what differs from the defaults; the window stores it
(`save_project_settings`, one transaction) and re-scores in the background. Values are
checked by the core (`set_overrides` validates): a bad value is shown in the dialog, which
stays open, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.disavow import BUILTIN_PLATFORMS
from linkdesk.core.library import ProjectOptions
from linkdesk.core.project_settings import DisavowSettings
from linkdesk.core.scoring.model import RISK_LEVELS, TERM_KEYS, Model, defaults

# What each list means to the scores (shown beside it).
TERM_HELP: dict[str, tuple[str, str]] = {
    "sites": ("Client sites", "The client's domains, one per line. Links are links to these."),
    "brands": ("Brand terms", "Brand names as they appear in anchors (empty: taken from the "
               "sites' names)."),
    "money": ("Money keywords", "The keywords the client wants to rank for: anchors made of "
              "them are exact or partial matches."),
    "topics": ("Topic keywords", "Words of the client's topic: pages about it are relevant."),
    "languages": ("Market languages", "Language codes of the client's market (e.g. en, de)."),
    "countries": ("Market countries", "Country codes of the client's market (e.g. gb, de). "
                  "Empty: the countries of the sites' domains (English-speaking countries "
                  "for .com sites)."),
}

SECTIONS: dict[str, tuple[str, str]] = {
    "weights": ("Weights", "Points each signal moves a link's quality at full strength "
                "(0-100). Base is the quality of a link where every signal is neutral."),
    "flag_points": ("Risk flags", "Risk points each flag adds (0-10). A link's risk level "
                    "comes from its points; see Thresholds."),
    "thresholds": ("Thresholds", "Where bands and risk levels start."),
    "detection": ("Detection", "When a flag or signal applies (counts, shares 0-1, percent)."),
}


@dataclass(frozen=True)
class SettingsChange:
    """What OK hands back: every term list, and each section's values differing from default."""

    terms: dict[str, list[str]]
    overrides: dict[str, dict[str, Any]]
    platforms: list[str] | None = None  # None: the built-in list
    warn_quality: float | None = None  # None: the strong band's threshold
    library: ProjectOptions | None = None  # None: the dialog did not show the library page


def label_of(name: str) -> str:
    """`page_traffic` → "Page traffic"."""
    return name.replace("_", " ").capitalize()


class ProjectSettingsDialog(QDialog):
    """Edit the scoring settings of the open project."""

    def __init__(self, model: Model, disavow: DisavowSettings, project_name: str,
                 save: Callable[[SettingsChange], None], parent: QWidget | None = None, *,
                 library: ProjectOptions | None = None) -> None:
        super().__init__(parent)
        self._save = save  # raises ValueError for a value the core refuses
        self.setObjectName("projectSettings")
        self.setWindowTitle(f"Project Settings — {project_name}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(620, 560)
        self.terms: dict[str, QPlainTextEdit] = {}
        self.fields: dict[str, dict[str, QWidget]] = {}
        self.tabs = QTabWidget()
        self.tabs.addTab(self._terms_page(model), "Client")
        current = {"weights": model.weights, "flag_points": model.flag_points,
                   "thresholds": model.thresholds, "detection": model.detection}
        for section, (title, text) in SECTIONS.items():
            self.tabs.addTab(self._numbers_page(section, text, current[section]), title)
        self._strong = float(model.thresholds["strong"])
        self.tabs.addTab(self._disavow_page(disavow), "Disavow")
        self.library_feed: QCheckBox | None = None
        self.library_confidential: QCheckBox | None = None
        if library is not None:
            self.tabs.addTab(self._library_page(library), "Verdict Library")
        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: palette(highlight); font-weight: bold;")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip(
            "Store the settings; the scores are computed again in the background when they "
            "depend on what changed")
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).setToolTip(
            "Restore the defaults of the numbers on this page")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self.restore_page_defaults)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    # -- pages -------------------------------------------------------------------------------

    def _terms_page(self, model: Model) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for name, (title, text) in TERM_HELP.items():
            editor = QPlainTextEdit("\n".join(getattr(model.terms, name)))
            editor.setObjectName(f"terms_{name}")
            editor.setPlaceholderText(text)
            editor.setToolTip(text)
            editor.setTabChangesFocus(True)
            lines = 3 if name in ("sites", "brands", "money", "topics") else 1
            editor.setFixedHeight(editor.fontMetrics().lineSpacing() * (lines + 1) + 12)
            form.addRow(f"{title}:", editor)
            self.terms[name] = editor
        hint = QLabel("One entry per line (or separated by commas). Changing these recomputes "
                      "every link's signals.")
        hint.setWordWrap(True)
        form.addRow(hint)
        return page

    def _numbers_page(self, section: str, text: str, values: Mapping[str, Any]) -> QWidget:
        inner = QWidget()
        form = QFormLayout(inner)
        intro = QLabel(text)
        intro.setWordWrap(True)
        form.addRow(intro)
        self.fields[section] = {}
        for name, default in defaults(section).items():
            editor = _editor(section, name, default, values.get(name, default))
            editor.setObjectName(f"{section}_{name}")
            editor.setToolTip(f"Default: {default}")
            editor.setMaximumWidth(180)  # a number needs no full-width box
            form.addRow(f"{label_of(name)}:", editor)
            self.fields[section][name] = editor
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setWidget(inner)
        return area

    def _disavow_page(self, disavow: DisavowSettings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        intro = QLabel("Before a disavow file is written, LinkDesk asks you to confirm entries "
                       "that disavow a whole large platform or a domain of high quality.")
        intro.setWordWrap(True)
        form.addRow(intro)
        self.warn_quality = QDoubleSpinBox()
        self.warn_quality.setObjectName("disavow_warn_quality")
        self.warn_quality.setRange(0, 100)
        self.warn_quality.setDecimals(1)
        self.warn_quality.setValue(disavow.warn_quality)
        self.warn_quality.setMaximumWidth(180)
        self.warn_quality.setToolTip(f"Default: the strong band's threshold ({self._strong:g})")
        form.addRow("Confirm disavowing quality from:", self.warn_quality)
        self.platforms = QPlainTextEdit("\n".join(disavow.platforms))
        self.platforms.setObjectName("disavow_platforms")
        self.platforms.setToolTip("Registered domains, one per line; a domain: entry for one of "
                                  "them needs confirmation")
        form.addRow("Large platforms:", self.platforms)
        restore = QPushButton("Built-in list")
        restore.setToolTip("Put back the platforms LinkDesk knows")
        restore.clicked.connect(
            lambda: self.platforms.setPlainText("\n".join(BUILTIN_PLATFORMS)))
        form.addRow("", restore)
        return page

    def _library_page(self, options: ProjectOptions) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel("LinkDesk remembers what you decided about a domain in every project, "
                       "on this computer only, so other projects can show it (Judged before) "
                       "and apply it (Marks ▸ Apply Earlier Verdicts…). Nothing is ever "
                       "pushed into a project by itself.")
        intro.setWordWrap(True)
        self.library_feed = QCheckBox("Remember this project's domain marks in the verdict "
                                      "library")
        self.library_feed.setObjectName("library_feed")
        self.library_feed.setChecked(options.feed)
        self.library_feed.setToolTip("Off: this project's verdicts are taken out of the "
                                     "library, and its marks are not recorded")
        self.library_confidential = QCheckBox("Confidential client: count its verdicts, "
                                              "never show its name")
        self.library_confidential.setObjectName("library_confidential")
        self.library_confidential.setChecked(options.confidential)
        self.library_confidential.setToolTip("Other projects read e.g. \"disavowed in 3 "
                                             "projects\" without this project's name")
        for widget in (intro, self.library_feed, self.library_confidential):
            layout.addWidget(widget)
        layout.addStretch(1)
        return page

    # -- values ------------------------------------------------------------------------------

    def change(self) -> SettingsChange:
        """The settings as edited: term lists, and the numbers that differ from the defaults."""
        terms = {name: _entries(editor.toPlainText()) for name, editor in self.terms.items()}
        overrides: dict[str, dict[str, Any]] = {}
        for section, editors in self.fields.items():
            section_defaults = defaults(section)
            values: dict[str, Any] = {}
            for name, editor in editors.items():
                value = _value(editor)
                # None restores a default, so a value put back to its default is not kept.
                values[name] = None if value == section_defaults[name] else value
            overrides[section] = values
        names = _entries(self.platforms.toPlainText())
        platforms = None if sorted(names) == sorted(BUILTIN_PLATFORMS) else names
        quality = round(self.warn_quality.value(), 1)
        library = None
        if self.library_feed is not None and self.library_confidential is not None:
            library = ProjectOptions(self.library_feed.isChecked(),
                                     self.library_confidential.isChecked())
        return SettingsChange(terms, overrides, platforms,
                              None if quality == self._strong else quality, library)

    def accept(self) -> None:
        """Save (the window stores and re-scores); on a refused value, say why and stay open."""
        try:
            self._save(self.change())
        except ValueError as error:
            self.show_error(f"Not saved: {error}.")
            return
        super().accept()

    def restore_page_defaults(self) -> None:
        """Put the numbers of the page on screen back to their defaults."""
        if not 0 < self.tabs.currentIndex() <= len(SECTIONS):
            return  # the client's words have no defaults; the Disavow page has its own button
        section = list(SECTIONS)[self.tabs.currentIndex() - 1]
        for name, default in defaults(section).items():
            _set_value(self.fields[section][name], default)

    def show_error(self, text: str) -> None:
        """Say why the settings cannot be saved; the dialog stays open."""
        self.error.setText(text)
        self.error.show()


def _entries(text: str) -> list[str]:
    parts = (part.strip() for line in text.splitlines() for part in line.split(","))
    return [part for part in parts if part]


def _editor(section: str, name: str, default: Any, value: Any) -> QWidget:
    if section == "thresholds" and name == "risky_level":
        combo = QComboBox()
        combo.addItems(list(RISK_LEVELS[1:]))
        combo.setCurrentText(str(value))
        return combo
    if section == "flag_points" or (isinstance(default, int) and not name.endswith("share")
                                     and section != "weights"):
        spin = QSpinBox()
        spin.setRange(0, {"flag_points": 10, "thresholds": 100}.get(section, 1_000_000))
        spin.setValue(int(value))
        return spin
    number = QDoubleSpinBox()
    share = name.endswith("share")
    number.setDecimals(2 if share else 1)
    number.setRange(0.0, 1.0 if share else (100.0 if section in ("weights", "thresholds")
                                            else 1_000_000.0))
    number.setSingleStep(0.05 if share else 1.0)
    number.setValue(float(value))
    return number


def _value(editor: QWidget) -> Any:
    if isinstance(editor, QComboBox):
        return editor.currentText()
    if isinstance(editor, QSpinBox):
        return editor.value()
    assert isinstance(editor, QDoubleSpinBox)
    value = round(editor.value(), editor.decimals())
    return int(value) if value == int(value) else value


def _set_value(editor: QWidget, value: Any) -> None:
    if isinstance(editor, QComboBox):
        editor.setCurrentText(str(value))
    elif isinstance(editor, QSpinBox):
        editor.setValue(int(value))
    elif isinstance(editor, QDoubleSpinBox):
        editor.setValue(float(value))


assert set(TERM_HELP) == set(TERM_KEYS), "every term list has a field"
