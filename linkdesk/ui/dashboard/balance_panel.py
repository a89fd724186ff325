"""The headline panel: the profile's balance by band, key figures and plain-words hints."""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, qGray
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from linkdesk.core.profile import Balance
from linkdesk.ui.dashboard import theme
from linkdesk.ui.format import counted, number_text, plain_tooltip

EMPTY_HINTS = {
    False: "No links yet: import the client's exports (File ▸ Import Exports, Ctrl+I).",
    True: "No links match the filters: Clear filters to chart every link.",
}


def percent(part: float, whole: float) -> str:
    """"42%" (one decimal under 10%, "0%" for nothing)."""
    if not whole or not part:
        return "0%"
    share = 100.0 * part / whole
    return f"{share:.1f}%" if share < 10 else f"{share:.0f}%"


class ShareBar(QWidget):
    """A 100% bar split by band, with each band's share written in it where it fits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts = np.zeros(0, dtype=np.int64)
        self.setMinimumHeight(self.fontMetrics().height() + 10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_counts(self, counts: np.ndarray) -> None:
        """Counts per band slot (risky, weak, fair, strong, not scored)."""
        self.counts = np.asarray(counts, dtype=np.int64)
        total = int(self.counts.sum())
        self.setToolTip("\n".join(
            f"{name}: {number_text(int(n))} ({percent(int(n), total)})"
            for name, n in zip(theme.BAND_NAMES, self.counts, strict=False) if n))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Segments left to right: strong, fair, weak, risky, not scored."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRect(rect)
        total = float(self.counts.sum())
        if not total:
            return
        x = rect.left()
        for band in (3, 2, 1, 0, 4):
            if band >= len(self.counts) or not self.counts[band]:
                continue
            width = rect.width() * self.counts[band] / total
            segment = QRectF(x, rect.top(), width, rect.height())
            colour = theme.BAND_COLOURS[band]
            painter.fillRect(segment, colour)
            label = percent(int(self.counts[band]), total)
            if painter.fontMetrics().horizontalAdvance(label) + 6 < width:
                light = qGray(colour.rgb()) > 150  # dark text on light ones (yellow, grey)
                painter.setPen(Qt.GlobalColor.black if light else Qt.GlobalColor.white)
                painter.drawText(segment, Qt.AlignmentFlag.AlignCenter, label)
            x += width


class BalancePanel(QWidget):
    """Share of domains and links per band, figures, hints."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.domain_bar, self.link_bar = ShareBar(), ShareBar()
        self.figures: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.addWidget(QLabel("Domains"), 0, 0)
        grid.addWidget(self.domain_bar, 0, 1, 1, 3)
        grid.addWidget(QLabel("Links"), 1, 0)
        grid.addWidget(self.link_bar, 1, 1, 1, 3)
        rows = (("links", "Links"), ("domains", "Referring domains"), ("dofollow", "Dofollow"),
                ("risky", "Risky links"), ("median", "Links per domain"),
                ("worst", "Most from one domain"), ("marked", "Marked for disavow"))
        for index, (name, title) in enumerate(rows):
            row, column = 2 + index // 2, (index % 2) * 2
            caption = QLabel(title)
            caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            value = QLabel("–")
            value.setObjectName(f"figure_{name}")
            value.setTextFormat(Qt.TextFormat.PlainText)
            font = value.font()
            font.setBold(True)
            value.setFont(font)
            grid.addWidget(caption, row, column)
            grid.addWidget(value, row, column + 1)
            self.figures[name] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.hints = QLabel()
        self.hints.setObjectName("hints")
        self.hints.setWordWrap(True)
        self.hints.setTextFormat(Qt.TextFormat.RichText)
        self.hints.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(grid)
        layout.addWidget(self.hints, 1)

    def clear(self) -> None:
        """Nothing shown (another project, or a new request under way)."""
        self.domain_bar.set_counts(np.zeros(0))
        self.link_bar.set_counts(np.zeros(0))
        for label in self.figures.values():
            label.setText("–")
        self.hints.clear()

    def set_balance(self, balance: Balance, filtered: bool = False) -> None:
        """Show the figures of `balance` (`filtered`: the table filters are on)."""
        self.domain_bar.set_counts(balance.domain_bands)
        self.link_bar.set_counts(balance.link_bands)
        rel = balance.rel
        none = "–" if not balance.links else ""  # shares and a median of nothing: no figure
        figures = {
            "links": number_text(balance.links),
            "domains": number_text(balance.domains),
            "dofollow": none or percent(rel.dofollow, rel.links),
            "risky": none or (percent(int(balance.link_bands[0]), balance.links)
                              if balance.scored else "not scored"),
            "median": none or f"{number_text(balance.median_links)} (median)",
            "worst": f"{number_text(balance.worst_links)} ({_short(balance.worst_domain)})"
            if balance.worst_domain else "–",
            "marked": counted(balance.marked_domains, "domain"),
        }
        for name, text in figures.items():
            self.figures[name].setText(text)
        self.figures["worst"].setToolTip(plain_tooltip(balance.worst_domain))  # imported text
        # No links: the way out depends on why (a new project, or filters that match none).
        hints = [EMPTY_HINTS[filtered] if fact.kind == "empty" else words
                 for fact, words in zip(balance.hint_facts, balance.hints, strict=True)]
        items = "".join(f"<li>{html.escape(hint)}</li>" for hint in hints)
        self.hints.setText(f"<ul style='margin-left:-20px'>{items}</ul>")


def _short(domain: str, limit: int = 22) -> str:
    """A long domain cut to fit the panel's column (the figure's tooltip has it whole)."""
    return domain if len(domain) <= limit else domain[: limit - 1] + "…"
