"""The Dashboard tab: the profile's balance of quality against quantity, in charts.

    view = DashboardView()
    view.set_project(project)           # or None
    view.refresh(filters)               # after a filter change, an import, a re-score, marks
    view.domains_selected               # list[int]: Referring domains row ids picked on the map
    view.show_domains_requested         # list[int]: "Show in Referring domains" was clicked

The numbers are computed on two worker threads (worker.py, LANES) and drawn section by
section as they arrive; a refresh while hidden waits until the tab is shown, and a newer
refresh makes the older one's results stale (dropped). `wait_until_ready()` runs the event
loop until everything is drawn (the screenshot option uses it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from linkdesk.core.files import ProtectedFileError, refuse_project_file
from linkdesk.core.profile import ProfileReport, Scope, domain_summary
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, TableSpec
from linkdesk.ui.dashboard import theme
from linkdesk.ui.dashboard.balance_panel import BalancePanel
from linkdesk.ui.dashboard.charts import ChartCard
from linkdesk.ui.dashboard.map_view import DomainMap, legend_html
from linkdesk.ui.dashboard.panels import (
    AnchorChart,
    QualityChart,
    RelChart,
    TldChart,
    VelocityChart,
)
from linkdesk.ui.dashboard.worker import ProfileJob, ProfileOutcome
from linkdesk.ui.dialogs.messages import show_error
from linkdesk.ui.file_choice import ask_save_path
from linkdesk.ui.format import number_text
from linkdesk.ui.refresh_when_shown import RefreshWhenShown

# Below this the dashboard scrolls instead of squeezing charts; the height fits a 1366×768
# laptop screen (637 pixels for the tab there), so nothing is cut off on one.
MINIMUM_SIZE = (1000, 600)
# Two worker threads share a request: the map needs one pass over the domains, every other
# chart that pass (read again) and one over the links (core/profile). The map then shows
# at once and the rest comes about a quarter sooner (benchmarks/bench_dashboard.py).
LANES = (("map",), ("attributes", "quality", "anchors", "balance", "velocity"))


class DashboardView(RefreshWhenShown, QScrollArea):
    """Every chart of the open project, following the table filters."""

    domains_selected = Signal(list)  # Referring domains row ids
    show_domains_requested = Signal(list)
    updated = Signal()  # every section of the latest request has been drawn
    section_drawn = Signal(str)  # a section of the latest request ("map", "velocity"...)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        # The content fills the viewport down to MINIMUM_SIZE, then scrolls (resizeEvent):
        # widgetResizable would size it by the plots' preferred heights, twice the window's.
        self.setWidgetResizable(False)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.project: Project | None = None
        self.filters = Filters()
        # The window's (links, domains) table specs: the charts filter as they do (None: the
        # scored or plain tables, built by the worker).
        self.tables: tuple[TableSpec, TableSpec] | None = None
        self.report = ProfileReport()
        self._request = 0
        self._jobs: dict[int, list[ProfileJob]] = {}  # request -> its running jobs
        self._stale = False
        self.error = ""
        self.map = DomainMap(self._summary)
        self.map.domains_selected.connect(self._selected)
        self.balance = BalancePanel()
        self.quality = QualityChart()
        self.velocity = VelocityChart()
        self.anchors = AnchorChart()
        self.rel = RelChart()
        self.tlds = TldChart()
        self.cards = {
            "balance": ChartCard("Profile balance", self.balance),
            "map": ChartCard("Quality vs quantity", self.map, self.map),
            "quality": ChartCard("Quality distribution", self.quality.plot, self.quality.plot),
            "velocity": ChartCard("Link velocity", self.velocity.plot, self.velocity.plot),
            "anchors": ChartCard("Anchor text", self.anchors.widget, self.anchors.plot),
            "rel": ChartCard("Link attributes", self.rel.plot, self.rel.plot),
            "tlds": ChartCard("Top TLDs of referring domains", self.tlds.plot, self.tlds.plot),
        }
        self.cards["map"].note.setTextFormat(Qt.TextFormat.RichText)
        self.cards["map"].note.setText(legend_html())
        # The bars' colours in the header: the panel keeps its height for figures and hints.
        self.cards["balance"].note.setTextFormat(Qt.TextFormat.RichText)
        self.cards["balance"].note.setText(theme.band_legend())
        self.cards["map"].note.setToolTip("Click a point, or drag a box, to select domains "
                                          "(Ctrl adds); the wheel zooms")
        self.cards["quality"].add_control(self.quality.choice)
        self.cards["velocity"].add_control(self.velocity.choice)
        self.status = QLabel()
        self.status.setObjectName("dashboardStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # an error may quote imported text
        self.selection = QToolButton()
        self.selection.setObjectName("showSelection")
        self.selection.setAutoRaise(True)
        self.selection.clicked.connect(
            lambda: self.show_domains_requested.emit([int(i) for i in self.map.selected]))
        self.selection.hide()
        save = QToolButton()
        save.setText("Save dashboard…")
        save.setAutoRaise(True)
        save.setToolTip("Save the whole dashboard as a PNG image")
        save.clicked.connect(self._save_dashboard)
        self._content = self._layout(save)
        self.setWidget(self._content)
        self._content.installEventFilter(self)  # more hints need more height: _fit_content

    def _layout(self, save: QToolButton) -> QWidget:
        content = QWidget()
        content.setMinimumSize(*MINIMUM_SIZE)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.selection)
        top.addWidget(save)
        grid = QGridLayout()
        grid.setSpacing(8)
        cards = self.cards
        grid.addWidget(cards["balance"], 0, 0)
        grid.addWidget(cards["map"], 0, 1, 1, 2)
        grid.addWidget(cards["quality"], 1, 0)
        grid.addWidget(cards["velocity"], 1, 1, 1, 2)
        grid.addWidget(cards["anchors"], 2, 0)
        grid.addWidget(cards["rel"], 2, 1)
        grid.addWidget(cards["tlds"], 2, 2)
        for column, stretch in enumerate((5, 4, 4)):
            grid.setColumnStretch(column, stretch)
        for row, stretch in enumerate((4, 3, 3)):
            grid.setRowStretch(row, stretch)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        return content

    # -- project and refresh -----------------------------------------------------------------

    def set_project(self, project: Project | None) -> None:
        """Chart this project (None: nothing); computed when the tab is next shown."""
        self.shutdown()
        self.project = project
        self.filters = Filters()
        self.map.selected = self.map.selected[:0]
        self._clear()
        self._stale = project is not None
        if project is not None and self.isVisible():
            self.refresh()

    def refresh(self, filters: Filters | None = None) -> None:
        """Chart again (new filters, an import, a re-score, marks); waits while hidden."""
        if filters is not None:
            self.filters = filters
        project = self._next_request()
        if project is None:
            return
        self.error = ""
        self.status.setText("Updating the charts…")
        jobs = [ProfileJob(project.path, self.filters, self._request, lane, self.tables,
                           self)
                for lane in LANES]
        self._jobs[self._request] = jobs
        for job in jobs:
            job.section.connect(self._section)
            job.finished.connect(lambda outcome, done=job: self._finished(outcome, done))
            job.start()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the content to the viewport, never below MINIMUM_SIZE nor below what its
        cards need (the hints' lines): a short window scrolls, nothing is squeezed over."""
        super().resizeEvent(event)
        self._fit_content()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The content's layout changed (the hints' lines): fit it again."""
        if watched is self._content and event.type() == QEvent.Type.LayoutRequest:
            self._fit_content()
        return super().eventFilter(watched, event)

    def _fit_content(self) -> None:
        viewport, needed = self.viewport().size(), self._content.minimumSizeHint()
        self._content.resize(max(viewport.width(), MINIMUM_SIZE[0], needed.width()),
                             max(viewport.height(), MINIMUM_SIZE[1], needed.height()))

    def changeEvent(self, event: QEvent) -> None:
        """Light or dark: redraw in the new palette."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.map.apply_palette()
            self._redraw()

    # -- sections ----------------------------------------------------------------------------

    def _section(self, request: int, name: str, data: Any) -> None:
        if request != self._request:
            return  # a newer request is under way: this one is stale
        setattr(self.report, name, data)
        self._draw(name)
        self.section_drawn.emit(name)

    def _finished(self, outcome: ProfileOutcome, job: ProfileJob) -> None:
        request, error = outcome.request, outcome.error
        running = self._jobs.get(request, [])
        if job in running:
            running.remove(job)
        job.deleteLater()
        if request == self._request and error:
            self.error = error
        if running:
            return
        self._jobs.pop(request, None)
        if request != self._request:
            return
        self._status()
        self.updated.emit()

    def _draw(self, name: str) -> None:
        report = self.report
        if name == "scope":
            self._status()
        elif name == "map":
            message = "" if report.scope is None or report.scope.scored else (
                "Scores are out of date: re-score the project to map quality")
            self.map.set_points(report.map if not message else None, message)
        elif name == "attributes":
            self.rel.show(report.attributes)
            self.tlds.show(report.attributes)
            for chart in ("quality", "anchors"):  # drawn first: "no links" may be known now
                if getattr(report, chart) is not None:
                    self._draw(chart)
        elif name == "quality":
            self.quality.show(report.quality, self._scored())
        elif name == "anchors":
            self.anchors.show(report.anchors, self._scored())
        elif name == "balance" and report.balance is not None:
            self.balance.set_balance(report.balance, filtered=bool(self.filters.active()))
            if not report.balance.domains:
                self.map.set_points(None, "No referring domains to show")
            self._status()
        elif name == "velocity":
            self.velocity.show(report.velocity)

    def _scored(self) -> bool:
        """Whether the score charts may say "no links" when empty (rather than "scores to
        come"): the scores are current, or the links the filters let through are none."""
        report = self.report
        no_links = report.attributes is not None and not report.attributes.rel.links
        return report.scope is None or report.scope.scored or no_links

    def _redraw(self) -> None:
        for name in ("map", "attributes", "quality", "anchors", "balance", "velocity"):
            if getattr(self.report, name) is not None:
                self._draw(name)

    def _clear(self) -> None:
        self.report = ProfileReport()
        self.map.set_points(None, "")
        self.balance.clear()
        for chart in (self.quality, self.velocity, self.anchors, self.rel, self.tlds):
            chart.show(None)
        self.selection.hide()
        self.status.clear()

    def _status(self) -> None:
        if self.error:
            self.status.setText(f"The charts could not be computed: {self.error}")
            return
        scope: Scope | None = self.report.scope
        balance = self.report.balance
        if scope is None:
            return
        parts = []
        if balance is not None:
            parts.append(f"{number_text(balance.links)} links · "
                         f"{number_text(balance.domains)} referring domains")
        if scope.links_filtered or scope.domains_filtered:
            parts.append("filtered as the tables are")
        if not scope.scored:
            parts.append("scores out of date: re-score to see quality and bands")
        if self.busy():
            parts.append("updating…")
        self.status.setText(" · ".join(parts))

    # -- selection and saving ----------------------------------------------------------------

    def _summary(self, domain_id: int) -> Any:
        return domain_summary(self.project.db, domain_id) if self.project else None

    def _selected(self, ids: list[int]) -> None:
        count = len(ids)
        if count:
            noun = "domain" if count == 1 else "domains"
            self.selection.setText(f"{number_text(count)} {noun} selected: "
                                   "show in Referring domains")
        self.selection.setVisible(bool(count))
        self.domains_selected.emit(ids)

    def _save_dashboard(self) -> None:
        path = ask_save_path(self, "Save Dashboard", "dashboard.png", "PNG image (*.png)")
        if path is not None:
            try:
                self.save_image(path)
            except ProtectedFileError as error:
                show_error(self, "Cannot save the dashboard", str(error))

    def save_image(self, path: Path) -> bool:
        """The whole dashboard as a PNG; ProtectedFileError where the file is a project."""
        refuse_project_file(path)
        return self._content.grab().save(str(path), "PNG")

    def _cancel_jobs(self) -> None:
        for jobs in self._jobs.values():
            for job in jobs:
                job.cancel()
        self._request += 1  # whatever they still send is stale

    def shutdown(self) -> None:
        """Stop every running job (another project, or closing) without waiting for its
        thread: each ends by itself (job.py, `retire`)."""
        self._cancel_jobs()
        for job in [job for jobs in self._jobs.values() for job in jobs]:
            job.retire()
        self._jobs.clear()
