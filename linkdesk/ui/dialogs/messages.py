"""Messages in plain words: errors, and the summary after an import.

Every text here can contain file names and imported text, so every widget shows plain text
(QLabel with PlainText, QPlainTextEdit); QMessageBox's informative and detailed texts guess
HTML and are not used. Dialogs are opened with `open()`, never `exec()`: the window keeps
running (and tests can look at them).
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.importers.pipeline import ImportResult
from linkdesk.core.importers.reader import MEMBER_MARK
from linkdesk.core.timeline.dates import FROM_MTIME, FROM_RUN
from linkdesk.ui.format import counted, ui_locale
from linkdesk.ui.workers.importer import ImportOutcome

MAX_SKIPPED_SHOWN = 5
# A report's dialog fits its text, between these bounds (and never more than most of the
# screen); past them the lines wrap and the text scrolls.
REPORT_MIN = QSize(480, 220)
REPORT_MAX = QSize(1100, 760)
SCREEN_SHARE = 0.85


def show_error(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """A window-modal warning with plain text; returned so callers (and tests) can see it."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setObjectName("errorMessage")
    box.open()
    return box


class TextReport(QDialog):
    """A headline and a scrollable plain-text report, with OK."""

    def __init__(self, title: str, headline: str, report: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.headline = QLabel(headline)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        self.report = QPlainTextEdit(report)
        self.report.setReadOnly(True)
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.report.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self._layout = layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.report)
        layout.addWidget(self.buttons)
        self.resize(self.fitting_size(report))

    def fitting_size(self, report: str) -> QSize:
        """The size that shows the whole report unwrapped, within REPORT_MIN and REPORT_MAX
        (and most of the screen): a five-file import's lines are long, a check's few."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().size() * SCREEN_SHARE if screen else REPORT_MAX
        largest = REPORT_MAX.boundedTo(room)
        metrics = self.report.fontMetrics()
        lines = report.splitlines() or [""]
        margins = self._layout.contentsMargins()
        # The text's frame and document margins; across, a vertical scroll bar's width too.
        frame = 2 * self.report.frameWidth() + 2 * int(self.report.document().documentMargin())
        chrome = (margins.left() + margins.right() + frame
                  + self.report.verticalScrollBar().sizeHint().width())
        widest = max(metrics.horizontalAdvance(line) for line in lines[:5_000])
        width = max(REPORT_MIN.width(), min(widest + chrome, largest.width()))
        text_width = max(1, width - chrome)
        # Wrapped a little narrower than the text is: word breaks differ slightly.
        wrapped = QRect(0, 0, max(1, text_width - 2 * metrics.averageCharWidth()), 100_000)
        wraps = Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere
        shown_lines = sum(max(1, metrics.boundingRect(wrapped, wraps, line).height()
                              // metrics.lineSpacing()) for line in lines[:5_000])
        others = (self.headline.heightForWidth(width - margins.left() - margins.right())
                  + self.buttons.sizeHint().height()
                  + 2 * self._layout.spacing() + margins.top() + margins.bottom())
        text = (shown_lines + 1) * metrics.lineSpacing() + frame  # a line spare: no needless bar
        height = max(REPORT_MIN.height(), min(others + text, largest.height()))
        return QSize(width, height)


def import_headline(outcome: ImportOutcome, locale: QLocale | None = None) -> str:
    """One sentence: what the import did to the project."""
    locale = locale or ui_locale()
    added = sum(r.links_added for r in outcome.results if r.vendor != "gsc")
    merged = sum(r.links_merged for r in outcome.results if r.vendor != "gsc")
    imported = [r for r in outcome.results if r.rows_imported]
    parts = []
    if imported:
        # The files chosen, not the CSVs: a Search Console ZIP is one file of two reports.
        files = len({r.file.split(MEMBER_MARK)[0] for r in imported})
        parts.append(
            f"Imported {counted(files, 'file', locale)}: "
            f"{counted(added, 'new link', locale)}, {locale.toString(merged)} merged with links "
            f"already in the project."
        )
    moved = outcome.status_moves.text(locale.toString)
    if moved:  # what this import did to the links imported before
        parts.append(f"{moved}.")
    site = outcome.site
    if site is not None and site.site is not None:
        parts.append(f"The client's site is taken to be {site.describe(site.site)}; "
                     "if it is not, change it in File ▸ Project Settings.")
    elif site is not None:
        parts.append("The client's site is not set: the links point to "
                     f"{site.list_candidates()}.")
    if outcome.cancelled:
        parts.append("Import cancelled: the file being read was rolled back, nothing of it "
                     "was added.")
    if outcome.failures:
        parts.append(f"{counted(len(outcome.failures), 'file', locale)} could not be "
                     "imported and changed nothing.")
    if not parts:
        parts.append("Nothing new was imported.")
    return " ".join(parts)


def import_report(outcome: ImportOutcome, locale: QLocale | None = None) -> str:
    """File by file: rows read, imported, skipped (with reasons), links added and merged."""
    locale = locale or ui_locale()
    lines = [result_line(r, locale) for r in outcome.results]
    for result in outcome.results:
        lines.extend(f"{result.file}: warning: {warning}" for warning in result.warnings)
        for skipped in result.skipped[:MAX_SKIPPED_SHOWN]:
            lines.append(f"{result.file}, line {skipped.line}: skipped, {skipped.reason}")
        hidden = result.rows_skipped - min(len(result.skipped), MAX_SKIPPED_SHOWN)
        if hidden > 0:
            lines.append(f"{result.file}: {counted(hidden, 'more skipped row', locale)}")
    lines.extend(f"{name}: not imported: {message.removeprefix(name + ': ')}"
                 for name, message in outcome.failures)
    # Files without dates: the day they got, and why (each day is an export of its own).
    # And files with rows dated in the future: those were not used for the day.
    for r in outcome.results:
        future = r.future_dates is not None and r.future_dates.future_rows > 0
        if future or r.as_of_source in (FROM_RUN, FROM_MTIME):
            undated = r.as_of_source == FROM_MTIME and not future
            lines.append(f"{r.file}: dated {r.as_of} by {r.day_words()}"
                         + (" (its rows hold no dates)" if undated else ""))
    return "\n".join(lines)


def result_line(result: ImportResult, locale: QLocale) -> str:
    """One imported CSV in one line."""
    if result.passed_over:  # the reason may start with the member's name: say it once
        why = result.passed_over.removeprefix(f"{result.file}: ")
        return f"{result.file}: passed over, {why}"
    if result.duplicate_of:
        return f"{result.file}: already imported on {result.duplicate_of}; nothing added"
    n = locale.toString
    what = (f"{counted(*result.seen_by_google(), locale)} seen by Google"
            if result.vendor == "gsc" else
            f"{counted(result.links_added, 'new link', locale)}, {n(result.links_merged)} merged")
    return (f"{result.file} ({result.label}): {counted(result.rows_read, 'row', locale)} read, "
            f"{n(result.rows_imported)} imported, {n(result.rows_skipped)} skipped; {what}")


def show_import_summary(parent: QWidget | None, outcome: ImportOutcome) -> TextReport:
    """The window-modal summary after an import."""
    dialog = TextReport("Import finished", import_headline(outcome), import_report(outcome),
                        parent)
    dialog.setObjectName("importSummary")
    dialog.open()
    return dialog
