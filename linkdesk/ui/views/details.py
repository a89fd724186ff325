"""The details panel: the selected link with every tool's report side by side, or a domain.

Everything shown comes from imported files, so every widget here shows plain text
(QLabel with PlainText, QTableWidgetItem): a title such as "<img src=x>" reads as typed.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.checker import LIVE, PAGE_ERROR, StoredCheck
from linkdesk.core.checker.store import describe_change
from linkdesk.core.library import DomainVerdicts
from linkdesk.core.scoring import DomainExplanation, LinkExplanation
from linkdesk.core.tables import FIELD_LABELS, STATUS_TITLES, DomainDetails, LinkDetails
from linkdesk.core.tables.details import BOOL_FIELDS
from linkdesk.ui.format import number_text, plain_tooltip, ui_locale

# Shown when the project's scores do not describe its data as it is (never scored, or changed
# since): the status bar offers the re-score.
SCORE_PLACEHOLDER = "Score: not up to date with the data (Re-score in the status bar)"
CHECK_PLACEHOLDER = "Live check: never checked (Tools ▸ Check Links)"
CHECKS_SHOWN = 5  # the latest checks listed in the history
VERDICTS_SHOWN = 5  # earlier verdicts listed, newest first

_DOMAIN_LABELS = {
    "links": "Links", "hosts": "Hosts", "dofollow_links": "Dofollow links",
    "lost_links": "Lost links", "google_seen": "Seen by Google",
    "google_linking_pages": "Linking pages (Search Console)", "first_seen": "First seen",
    "last_seen": "Last seen", "domain_rating": "Domain Rating (Ahrefs)",
    "trust_flow": "Trust Flow (Majestic)", "citation_flow": "Citation Flow (Majestic)",
    "domain_authority": "Domain Authority (Moz)", "spam_score": "Spam Score (Moz)",
}


class _Label(QLabel):
    """A wrapped label that never widens the window: a word longer than its width (a URL
    with a long query) is cut at the label's edge and shown whole in its tooltip."""

    LONG_WORD = 60

    def setText(self, text: str) -> None:
        """Show `text`; a tooltip holds it when one of its words is long enough to be cut."""
        super().setText(text)
        long_word = any(len(word) > self.LONG_WORD for word in text.split())
        self.setToolTip(plain_tooltip(text) if long_word else "")


def _label(object_name: str, *, bold: bool = False) -> QLabel:
    label = _Label()
    label.setObjectName(object_name)
    # Its width comes from the panel: a long word no longer sets the window's minimum width.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


# (summary, grid) shares of the width: a link's or domain's summary holds its score, checks
# and explanation; an anchor's or a placement's only its title.
SUMMARY_SHARE = {False: (2, 3), True: (1, 4)}


class _Grid(QTableWidget):
    """The values side by side: the columns share the grid's width (each at least
    `MIN_CHARS` wide, then it scrolls), so a domain or a file name is not cut while the
    rest of the panel stays empty; one column (a domain, an anchor) takes all of it."""

    MIN_CHARS = 22

    def fit_columns(self) -> None:
        """Spread the columns over the width the grid has now."""
        columns = self.columnCount()
        header = self.horizontalHeader()
        header.setStretchLastSection(columns == 1)
        if columns < 2:
            return
        narrowest = self.MIN_CHARS * self.fontMetrics().averageCharWidth()
        width = max(narrowest, self.viewport().width() // columns)
        for column in range(columns):
            self.setColumnWidth(column, width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A wider or narrower panel: spread the columns again."""
        super().resizeEvent(event)
        self.fit_columns()


class DetailsPanel(QWidget):
    """Shows one link, domain or anchor; `clear()` when nothing is selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("details")
        self.title = _label("detailsTitle", bold=True)
        self.subtitle = _label("detailsSubtitle")
        self.score = _label("detailsScore")
        self.score.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.check = _label("detailsCheck")  # the latest live check and the history
        self.mark = _label("detailsMark")  # disavow / keep / review, with its reason
        self.judged = _label("detailsJudged")  # earlier verdicts from the verdict library
        # Plain text only: evidence quotes imported anchors, titles and URLs.
        self.explanation = QPlainTextEdit()
        self.explanation.setObjectName("detailsExplanation")
        self.explanation.setReadOnly(True)
        self.explanation.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.explanation.setFrameShape(QPlainTextEdit.Shape.NoFrame)
        self.explanation.viewport().setAutoFillBackground(False)
        self.grid = _Grid()
        self.grid.setObjectName("detailsGrid")
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.grid.setAlternatingRowColors(True)
        self.grid.setWordWrap(False)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.grid.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.horizontalHeader().setStretchLastSection(False)
        # Below the tables: what the row is on the left, every tool's values side by side
        # on the right (five tools need the window's width, not a side panel's).
        summary = QVBoxLayout()
        for widget in (self.title, self.subtitle, self.mark, self.judged, self.score,
                       self.check):
            summary.addWidget(widget)
        summary.addWidget(self.explanation, 1)
        summary.addStretch(0)  # keeps the labels at the top while there is no explanation
        self._layout = layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 6, 0, 0)
        layout.addLayout(summary, SUMMARY_SHARE[False][0])
        layout.addWidget(self.grid, SUMMARY_SHARE[False][1])
        self._locale = ui_locale()
        self.clear()

    def clear(self, hint: str = "Select a row to see its details.") -> None:
        """Nothing selected."""
        self._share(values_only=False)
        self.title.setText(hint)
        self.subtitle.clear()
        self.subtitle.hide()
        self.score.hide()
        self.check.hide()
        self.mark.hide()
        self.judged.hide()
        self._hide_explanation()
        self._fill([], [])

    def show_link(self, details: LinkDetails) -> None:
        """A link: the merged values, then each tool's observation in its own column."""
        self._share(values_only=False)
        self.title.setText(details.source_url)
        self.judged.hide()  # verdicts are about whole domains
        self.subtitle.setText(f"links to {details.target_url}")
        self.subtitle.show()
        self._no_score()
        observations = details.observations
        headers = ["Merged"] + [obs.vendor_name for obs in observations]
        rows: list[tuple[str, list[str]]] = [
            # As the Lost column has it; the tools' own lost flags are rows further down.
            ("Status", [details.status] + [""] * len(observations)),
            ("Reported in", [""] + [f"{obs.file_name}, line {obs.line_no}"
                                    for obs in observations]),
            ("Domain", [details.domain] + [""] * len(observations)),
            ("Seen by Google", [self._value("google_seen", details.google_seen)]
             + [""] * len(observations)),
        ]
        if details.google_last_crawled:
            rows.append(("Last crawled by Google",
                         [details.google_last_crawled] + [""] * len(observations)))
        if details.placeholder:
            rows.append(("Note", ["Known from Search Console only; no tool reported the "
                                  "link itself"] + [""] * len(observations)))
        for name, label in FIELD_LABELS.items():
            merged = details.values.get(name)
            reported = [obs.values.get(name) for obs in observations]
            if merged is None and all(value is None for value in reported):
                continue  # no tool says anything about it
            rows.append((label, [self._value(name, v) for v in (merged, *reported)]))
        self._fill(headers, rows)

    def show_checks(self, history: list[StoredCheck]) -> None:
        """The link's live checks, newest first (its latest, then the history with changes);
        `history` may hold one check more than CHECKS_SHOWN, to tell the last one's change."""
        self.check.setText(check_text(history) if history else CHECK_PLACEHOLDER)
        self.check.setForegroundRole(QPalette.ColorRole.WindowText if history
                                     else QPalette.ColorRole.PlaceholderText)
        self.check.show()

    def show_domain(self, details: DomainDetails) -> None:
        """A referring domain: its counts and metrics, and its links per tool."""
        self._share(values_only=False)
        self.title.setText(details.domain)
        by_tool = ", ".join(f"{tool} {self._locale.toString(n)}"
                            for tool, n in details.links_by_vendor.items())
        self.subtitle.setText(f"Links by tool: {by_tool}" if by_tool else "")
        self.subtitle.setVisible(bool(by_tool))
        self._no_score()
        self.check.hide()
        rows = [(label, [self._value(name, details.values.get(name))])
                for name, label in _DOMAIN_LABELS.items() if name in details.values]
        self._fill(["Value"], rows)

    def show_values(self, title: str, values: list[tuple[str, str]]) -> None:
        """Any row as label/value pairs (an anchor, a placement): the title alone on the
        left, so the values take most of the width."""
        self._share(values_only=True)
        self.title.setText(title)
        self.subtitle.hide()
        self.score.hide()
        self.check.hide()
        self.mark.hide()
        self.judged.hide()
        self._hide_explanation()
        self._fill(["Value"], [(label, [value]) for label, value in values])

    def show_mark(self, label: str, reason: str = "", marked_at: str = "") -> None:
        """The row's mark ("Disavow (domain)"), its reason and date; "" label: not marked."""
        parts = [f"Marked: {label}"] if label else []
        if label and reason:
            parts.append(_one_line(reason))
        if label and marked_at:
            parts.append(marked_at[:10])
        self.mark.setText(" · ".join(parts))
        self.mark.setVisible(bool(label))

    def show_judged(self, found: DomainVerdicts | None, problem: str = "") -> None:
        """What other projects and lists decided about the domain (the verdict library);
        None: nothing, or `problem` when the library cannot be read."""
        if found is None:
            self.judged.setText(problem or "Not judged in any other project or list")
            self.judged.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        else:
            self.judged.setText(judged_text(found))
            self.judged.setForegroundRole(QPalette.ColorRole.WindowText)
        self.judged.show()

    def show_explanation(self, explained: LinkExplanation | DomainExplanation | None) -> None:
        """The score of the link or domain shown: what adds up to it, then its risk flags."""
        if explained is None:
            return
        self.score.setText(score_summary(explained, self._locale))
        self.score.setForegroundRole(QPalette.ColorRole.WindowText)
        self.score.show()
        self.explanation.setPlainText(explanation_text(explained))
        self.explanation.show()

    def explanation_text(self) -> str:
        """The explanation as shown (empty when none is)."""
        return self.explanation.toPlainText() if self.explanation.isVisible() else ""

    def _no_score(self) -> None:
        self.score.setText(SCORE_PLACEHOLDER)
        self.score.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.score.show()
        self._hide_explanation()

    def _hide_explanation(self) -> None:
        self.explanation.clear()
        self.explanation.hide()

    def _value(self, name: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if name in BOOL_FIELDS or name == "google_seen":
            return "Yes" if value else "No"
        if isinstance(value, int | float):
            return number_text(value, self._locale)
        return " ".join(str(value).split())

    def _share(self, *, values_only: bool) -> None:
        """How the width is shared between the summary (left) and the grid."""
        summary, grid = SUMMARY_SHARE[values_only]
        self._layout.setStretch(0, summary)
        self._layout.setStretch(1, grid)

    def _fill(self, headers: list[str], rows: list[tuple[str, list[str]]]) -> None:
        grid = self.grid
        grid.clear()
        grid.setColumnCount(len(headers))
        grid.setRowCount(len(rows))
        grid.setHorizontalHeaderLabels(headers)
        grid.setVerticalHeaderLabels([label for label, _ in rows])
        for row, (_, values) in enumerate(rows):
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if len(text) > 20:  # likely elided in the cell
                    item.setToolTip(plain_tooltip(text))
                grid.setItem(row, column, item)
        grid.setVisible(bool(rows))
        grid.fit_columns()


def score_summary(explained: LinkExplanation | DomainExplanation, locale: Any = None) -> str:
    """Quality, band and risk level; then, on a line of its own, why it has that band."""
    quality = number_text(explained.quality, locale, decimals=1)
    text = (f"Quality {quality} · {explained.band.capitalize()} · "
            f"risk {explained.risk_level} ({_points(explained.risk_points)})")
    if explained.low_confidence:
        text += " · low confidence (few tools report it)"
    if not explained.current:
        text += " · out of date"
    if explained.band_reason:  # why this band: a 0.0 can read "weak" or "risky"
        text += f"\n{explained.band_reason[:1].upper()}{explained.band_reason[1:]}"
    return text


def explanation_text(explained: LinkExplanation | DomainExplanation) -> str:
    """The contributions (signal, evidence, effect), then the risk flags with their evidence."""
    lines: list[str] = []
    if isinstance(explained, DomainExplanation):
        lines.append(f"{explained.counts_text(ui_locale().toString)}; scored by its best link:")
        lines.append(_one_line(explained.best_link.source_url))
        lines.append("")
    lines.append("Contributions:")
    neutral = 0
    for item in explained.contributions:
        if item.effect == 0 and item.signal != "base":
            neutral += 1
            continue
        lines.append(f"  {item.effect:+.1f}  {item.signal}: {_one_line(item.evidence)}")
    if neutral:
        lines.append(f"  (and {neutral} neutral signals)")
    lines.append("")
    if explained.flags:
        lines.append("Risk flags:")
        for flag in explained.flags:
            lines.append(f"  {flag.flag} ({_points(flag.points)}): {_one_line(flag.evidence)}")
    else:
        lines.append("Risk flags: none")
    return "\n".join(lines)


def judged_text(found: DomainVerdicts) -> str:
    """"Judged before: disavowed in 2 projects", then the newest verdicts: verdict, who
    (a confidential project is never named), date and reason."""
    lines = [f"Judged before: {found.summary}"]
    for verdict in found.verdicts[:VERDICTS_SHOWN]:
        parts = [verdict.verdict.capitalize(), _one_line(verdict.who), verdict.decided_at[:10]]
        if verdict.reason:
            parts.append(_one_line(verdict.reason))
        lines.append("  " + " · ".join(parts))
    more = len(found.verdicts) - VERDICTS_SHOWN
    if more > 0:
        lines.append(f"  … and {more} more")
    return "\n".join(lines)


def status_title(stored: StoredCheck) -> str:
    """"Live", "Missing", "Page error 404"…"""
    check = stored.check
    title = STATUS_TITLES.get(check.status, check.status)
    if check.status == PAGE_ERROR and check.http_code is not None:
        title += f" {check.http_code}"
    return title


def check_text(history: list[StoredCheck]) -> str:
    """The latest check in words (status, rel and anchor found, noindex, final URL, when),
    then the latest CHECKS_SHOWN checks, each with what changed since the one before."""
    latest = history[0]
    check = latest.check
    lines = [f"Live check: {status_title(latest)} · checked {_when(latest.checked_at)}"]
    if check.status == LIVE:
        anchor = f"anchor “{_one_line(check.anchor)}”" if check.anchor else "no anchor text"
        found = f" ({check.found} links to the target)" if check.found > 1 else ""
        lines.append(f"On the page: {latest.rel} link, {anchor}{found}")
    if check.detail:  # why: "no link to the target", "robots nofollow", "not an HTML page"…
        lines.append(_one_line(check.detail))
    page = []
    if check.noindex is not None:
        page.append("noindex" if check.noindex else "indexable")
    if check.final_url:
        hops = len(check.redirects)
        after = f" (after {hops} redirect{'s' if hops != 1 else ''})" if hops else ""
        page.append(f"final URL {_one_line(check.final_url)}{after}")
    if page:
        lines.append("Page: " + " · ".join(page))
    if len(history) > 1:
        lines.append("History:")
        for newer, older in pairwise(history[: CHECKS_SHOWN + 1]):
            what = describe_change(older.check, newer.check)
            change = f"  ({'; '.join(what)})" if what else ""
            lines.append(f"  {_when(newer.checked_at)}  {status_title(newer)}{change}")
        if len(history) <= CHECKS_SHOWN:
            lines.append(f"  {_when(history[-1].checked_at)}  {status_title(history[-1])}"
                         "  (first check)")
        else:
            lines.append("  … and earlier checks")
    return "\n".join(lines)


def _when(checked_at: str) -> str:
    """2026-11-26T16:40:12Z reads 2026-11-26 16:40 UTC."""
    return checked_at[:16].replace("T", " ") + " UTC"


def _points(points: int) -> str:
    return "1 point" if points == 1 else f"{points} points"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
