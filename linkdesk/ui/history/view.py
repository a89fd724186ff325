"""The History tab: the profile at each export day (or month), in three charts.

    view = HistoryView()
    view.set_project(project)            # or None
    view.refresh(filters, tables)        # after a filter change, an import, a re-score, marks
    view.wait_until_ready()              # screenshots and tests

Referring domains per band (today's bands: core/timeline/history.py says why), strong
domains gained and lost from one point to the next, and domains marked for disavow that were
still linking. The numbers are computed on a worker thread (worker.py); a refresh while the
tab is hidden waits until it is shown; a newer refresh makes the older answer stale.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, TableSpec
from linkdesk.core.timeline import History, HistoryPoint
from linkdesk.ui.dashboard import theme
from linkdesk.ui.dashboard.charts import ChartCard, compact, stacked_bars
from linkdesk.ui.dashboard.panels import BarChart
from linkdesk.ui.format import counted
from linkdesk.ui.history.worker import HistoryJob, HistoryOutcome
from linkdesk.ui.refresh_when_shown import RefreshWhenShown

GAINED_COLOUR = theme.BAND_COLOURS[3]
LOST_COLOUR = theme.BAND_COLOURS[0]
BAR_WIDTH = 0.6
LABEL_ROOM = 0.3  # share of the bars' whole span added past each labelled end: room for labels
SMALL_COUNTS = 8  # up to this many, the count axis ticks every whole number


def day_labels(points: tuple[HistoryPoint, ...], monthly: bool) -> list[str]:
    """The bottom axis: "20 Sep" (with the year when the points span several), or "Sep 2026"
    for one point a month."""
    days = [date.fromisoformat(point.day) for point in points]
    if monthly:
        return [day.strftime("%b %Y") for day in days]
    years = {day.year for day in days}
    return [f"{day.day} {day.strftime('%b')}" + (f" {day.year}" if len(years) > 1 else "")
            for day in days]


def legend_html() -> str:
    """The bands' colours, strongest first, then Not scored (rich text for the card's header)."""
    return theme.band_legend((3, 2, 1, 0, 4))


class HistoryChart(BarChart):
    """Bars at each point, labelled by day on the bottom axis."""

    def show(self, history: History | None, labels: list[str]) -> None:
        """Draw the points (None: nothing yet, and no axis numbers: an empty chart showed
        0.1 … 0.9 on both axes while the first answer was computed)."""
        self.reset()
        if history is None:
            self.message("")
            return
        if not history.points:
            self.message("No exports imported yet")
            return
        self.draw(history, labels)

    def draw(self, history: History, labels: list[str]) -> None:
        """Draw the points of a history that has some."""
        raise NotImplementedError

    def axis(self, labels: list[str]) -> np.ndarray:
        """Name the points on the bottom axis; returns their x positions."""
        x = np.arange(len(labels), dtype=np.float64)
        self.plot.getPlotItem().getAxis("bottom").setTicks(
            [[(float(i), label) for i, label in enumerate(labels)]])
        return x

    def reset(self) -> None:
        """Empty, with automatic tick spacing again."""
        super().reset()
        self.plot.getPlotItem().getAxis("left").setTickSpacing()

    def fit(self, count: int, bottom: float, top: float) -> None:
        """Show every bar, from `bottom` to `top` (with room for labels above); counts of a
        few get whole-number ticks (no "0.5 domains")."""
        if max(top, -bottom) <= SMALL_COUNTS:
            self.plot.getPlotItem().getAxis("left").setTickSpacing(1.0, 1.0)
        top = max(top, 1.0)
        # The room is a share of the whole span, not of each end's bar: a label is as tall
        # below a short loss bar as above a long gain bar.
        room = (top - bottom) * LABEL_ROOM
        self.plot.getPlotItem().getViewBox().setRange(
            xRange=(-0.6, count - 0.4), yRange=(bottom - room if bottom < 0 else bottom,
                                               top + room), padding=0)

    def label(self, x: float, y: float, value: int, above: bool = True) -> None:
        """The value written by a bar's end."""
        colour = theme.palette().color(QPalette.ColorRole.Text)
        text = pg.TextItem(compact(value), color=colour, anchor=(0.5, 1.0 if above else 0.0))
        text.setPos(x, y)
        self.plot.addItem(text)


class BandsChart(HistoryChart):
    """Referring domains per band at each point, stacked strongest on top."""

    def draw(self, history: History, labels: list[str]) -> None:
        """Stacked bars, their totals above."""
        x = self.axis(labels)
        counts = np.array([point.bands for point in history.points], np.int64).T
        self.items = stacked_bars(self.plot, x, counts, theme.BAND_COLOURS, BAR_WIDTH,
                                  names=theme.BAND_NAMES)
        totals = counts.sum(axis=0)
        for position, total in zip(x, totals, strict=True):
            self.label(float(position), float(total), int(total))
        self.fit(len(x), 0.0, float(totals.max()))


class StrongChart(HistoryChart):
    """Strong domains gained (up) and lost (down) since the point before."""

    def draw(self, history: History, labels: list[str]) -> None:
        """Gains up, losses down."""
        if not history.scored:
            self.message("Strong domains show once the project is scored")
            return
        if len(history.points) < 2:
            self.message("Import a later export to see what changed")
            return
        gained = np.array([[p.strong_gained for p in history.points]], np.int64)
        lost = np.array([[p.strong_lost for p in history.points]], np.int64)
        if not gained.any() and not lost.any():
            self.message("No strong domain gained or lost")
            return
        x = self.axis(labels)
        self.items = stacked_bars(self.plot, x, gained, (GAINED_COLOUR,), BAR_WIDTH,
                                  names=("gained",))
        self.items += stacked_bars(self.plot, x, lost, (LOST_COLOUR,), BAR_WIDTH, sign=-1,
                                   names=("lost",))
        for position, up, down in zip(x, gained[0], lost[0], strict=True):
            if up:
                self.label(float(position), float(up), int(up))
            if down:
                self.label(float(position), -float(down), int(down), above=False)
        self.plot.addItem(pg.InfiniteLine(
            pos=0, angle=0, pen=pg.mkPen(theme.palette().color(QPalette.ColorRole.Mid))))
        self.fit(len(x), -float(lost.max()), float(gained.max()))


class DisavowedChart(HistoryChart):
    """Domains marked for disavow that still linked at each point."""

    def draw(self, history: History, labels: list[str]) -> None:
        """One bar a point."""
        x = self.axis(labels)
        counts = np.array([[p.disavowed for p in history.points]], np.int64)
        if not counts.any():
            self.message("No domain marked for disavow linked at any point")
            return
        self.items = stacked_bars(self.plot, x, counts, (theme.MARKED_COLOUR,), BAR_WIDTH,
                                  names=("disavowed",))
        for position, count in zip(x, counts[0], strict=True):
            if count:
                self.label(float(position), float(count), int(count))
        self.fit(len(x), 0.0, float(counts.max()))


class HistoryView(RefreshWhenShown, QWidget):
    """The profile over time, following the table filters."""

    updated = Signal()  # the latest request has been drawn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history")
        self.project: Project | None = None
        self.filters = Filters()
        self.tables: tuple[TableSpec, TableSpec] | None = None
        self.history: History | None = None
        self.error = ""
        self._request = 0
        self._jobs: dict[int, HistoryJob] = {}
        self._stale = False
        self.bands = BandsChart()
        self.strong = StrongChart()
        self.disavowed = DisavowedChart()
        self.cards = {
            "bands": ChartCard("Referring domains by band", self.bands.plot, self.bands.plot),
            "strong": ChartCard("Strong domains gained and lost", self.strong.plot,
                                self.strong.plot),
            "disavowed": ChartCard("Disavowed domains still linking", self.disavowed.plot,
                                   self.disavowed.plot),
        }
        self.cards["bands"].note.setTextFormat(Qt.TextFormat.RichText)
        self.cards["bands"].note.setText(legend_html())
        self.cards["strong"].note.setText("gained ↑  lost ↓, since the point before")
        self.status = QLabel()
        self.status.setObjectName("historyStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # an error may quote imported text
        self.status.setWordWrap(True)
        grid = QGridLayout()
        grid.setSpacing(8)
        grid.addWidget(self.cards["bands"], 0, 0, 1, 2)
        grid.addWidget(self.cards["strong"], 1, 0)
        grid.addWidget(self.cards["disavowed"], 1, 1)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addLayout(grid, 1)

    # -- project and refresh -----------------------------------------------------------------

    def set_project(self, project: Project | None) -> None:
        """Chart this project (None: nothing); computed when the tab is next shown."""
        self.shutdown()
        self.project = project
        self.filters = Filters()
        self.history = None
        self._draw()
        self.status.clear()
        self._stale = project is not None
        if project is not None and self.isVisible():
            self.refresh()

    def refresh(self, filters: Filters | None = None,
                tables: tuple[TableSpec, TableSpec] | None = None) -> None:
        """Chart again (new filters, an import, a re-score, marks); waits while hidden."""
        if filters is not None:
            self.filters = filters
        if tables is not None:
            self.tables = tables
        project = self._next_request()
        if project is None:
            return
        self.status.setText("Updating the history…")
        job = HistoryJob(project.path, self.filters, self._request, self.tables, self)
        self._jobs[self._request] = job
        job.finished.connect(lambda outcome, done=job: self._finished(outcome, done))
        job.start()

    def changeEvent(self, event: QEvent) -> None:
        """Light or dark: redraw in the new palette."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._draw()

    # -- answers -----------------------------------------------------------------------------

    def _finished(self, outcome: HistoryOutcome, job: HistoryJob) -> None:
        self._jobs.pop(outcome.request, None)
        job.deleteLater()
        if outcome.request != self._request:
            return  # a newer request is under way: this one is stale
        self.error = outcome.error
        if outcome.history is not None or outcome.error:
            self.history = outcome.history
            self._draw()
        self._status()
        self.updated.emit()

    def _draw(self) -> None:
        history = self.history
        labels = day_labels(history.points, history.monthly) if history else []
        for chart in (self.bands, self.strong, self.disavowed):
            chart.show(history, labels)

    def _status(self) -> None:
        if self.error:
            self.status.setText(f"The history could not be computed: {self.error}")
            return
        history = self.history
        if history is None:
            self.status.clear()
            return
        parts: list[str] = []
        if history.points:
            last = history.points[-1]
            every = "month" if history.monthly else "export day"
            day = date.fromisoformat(last.day)  # as the axis writes days: "21 Oct 2026"
            parts.append(f"{counted(last.domains, 'referring domain')} linking on "
                         f"{day.day} {day:%b %Y} · {counted(len(history.points), 'point')}, "
                         f"one per {every}")
        else:  # the charts say so; "bands as scored today" would describe nothing
            self.status.clear()
            return
        if history.filtered:
            parts.append("filtered as the tables are")
        # Re-scoring usually runs already (File ▸ Score Automatically): say what comes, not
        # what to do.
        parts.append("bands as scored today" if history.scored else
                     "scores out of date: the bands show once the project is scored")
        self.status.setText(" · ".join(parts))

    def _cancel_jobs(self) -> None:
        for job in self._jobs.values():
            job.cancel()
        self._request += 1  # whatever they still send is stale

    def shutdown(self) -> None:
        """Stop every running job (another project, or closing) without waiting for its
        thread: each ends by itself (job.py, `retire`)."""
        self._cancel_jobs()
        for job in list(self._jobs.values()):
            job.retire()
        self._jobs.clear()
