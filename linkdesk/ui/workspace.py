"""The open project's workspace: filter bar, the three tables, the Placements tab, the
details panel, the Dashboard and History tabs.

Tables load lazily: only the table on screen runs its query; the others are marked stale and
load when their tab is shown (the Anchors table groups every link, so it waits until asked).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QLocale, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from linkdesk.core.checker import check_history
from linkdesk.core.library import LibraryError, earlier_verdicts
from linkdesk.core.marks import Mark, domain_marks, effective_link_marks
from linkdesk.core.placements import status_history
from linkdesk.core.scoring import explain_domain, explain_link
from linkdesk.core.store import Project
from linkdesk.core.tables import (
    ANCHORS,
    DOMAINS,
    LINKS,
    METRIC_COLUMNS,
    TABLES,
    Filters,
    Sort,
    TableQuery,
    TableSpec,
    domain_details,
    empty_metric,
    fields_with_data,
    judged_extent,
    judged_stale,
    link_details,
    links_checked,
    refresh_judged,
    scored_tables,
    with_checks,
    with_data_columns,
    with_judged,
    with_marks,
)
from linkdesk.core.tables.placements import PLACEMENTS
from linkdesk.core.tables.query import QueryCache
from linkdesk.ui.dashboard import DashboardView
from linkdesk.ui.dashboard.selection import select_ids
from linkdesk.ui.format import counted, display_text
from linkdesk.ui.history import HistoryView
from linkdesk.ui.models import TableModel
from linkdesk.ui.preferences import Preferences
from linkdesk.ui.review_filters import SinceReviewTables
from linkdesk.ui.views.details import CHECKS_SHOWN, DetailsPanel
from linkdesk.ui.views.filter_bar import FilterBar
from linkdesk.ui.views.placements_panel import PlacementsModel, PlacementsPanel, placements_layout
from linkdesk.ui.views.table_view import TableView
from linkdesk.ui.workers.table_loader import TableLoader

DASHBOARD, HISTORY = "dashboard", "history"
# links, domains, anchors, placements, dashboard, history
TAB_NAMES = (*(spec.name for spec in TABLES), PLACEMENTS.name, DASHBOARD, HISTORY)
CHART_TABS = (DASHBOARD, HISTORY)  # no table, no details panel
# From this many links, sorting and filtering run on a loader thread (workers/table_loader.py):
# below it every query takes a few milliseconds and the tables update at once.
BACKGROUND_FROM_LINKS = 50_000
EMPTY_PROJECT = (
    "This project has no links yet.\n\n"
    "Drop the client's backlink exports here, or press Ctrl+I (File ▸ Import Exports).\n\n"
    "LinkDesk reads the backlink exports of Ahrefs, Semrush, Majestic and Moz, and Google "
    "Search Console's links reports: CSV files, .gz files or ZIP archives."
)
NO_MATCH = "No rows match the search and filters."
JUDGED = "judged"  # the Referring domains' Judged before column (core/tables/judged.py)
CHECK_COLUMNS = ("check", "checked")  # the Links table's Check and Checked (tables/checks.py)
# Columns shown while they have data, unless the user chose with the column chooser (kept).
CHOSEN_COLUMNS = (*METRIC_COLUMNS, *CHECK_COLUMNS, JUDGED)
JUDGED_MAX_CHARACTERS = 30  # longer verdict sentences elide (the details panel has them all)


class Workspace(QWidget):
    """Everything below the menu bar while a project is open."""

    counts_changed = Signal()  # rows shown or selected changed
    library_warning = Signal(str)  # the verdict library cannot be read (said by the window)
    placements_shown = Signal()  # the Placements tab came on screen (ui/placements.py)

    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = preferences
        self.project: Project | None = None
        self.cache = QueryCache()
        self.models: dict[str, TableModel] = {}
        self.views: dict[str, TableView] = {}
        self._stale: set[str] = set()
        self.specs: dict[str, TableSpec] = {spec.name: spec for spec in TABLES}
        self.scores_current = False  # the tables show Quality, Band and Risk
        self.data_fields: frozenset[str] = frozenset()  # metrics the project has values for
        self.loader: TableLoader | None = None
        self.anchor_loader: TableLoader | None = None
        self.background_from_links = BACKGROUND_FROM_LINKS
        self.filter_bar = FilterBar()
        self.filter_bar.filters_changed.connect(self._filters_changed)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tables")
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.details = DetailsPanel()
        self.dashboard = DashboardView()  # the last tab; kept across projects
        self.dashboard.domains_selected.connect(self._select_domains)
        self.dashboard.show_domains_requested.connect(self._show_domains)
        self.history = HistoryView()  # after the dashboard; kept across projects
        self.placements = PlacementsPanel()  # after Anchors; kept across projects
        self.placements.status_chosen.connect(self._placement_status_chosen)
        self.since_review = SinceReviewTables(self)  # the since-review filters' specs
        self._details_hidden_by_dashboard = False
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("detailsSplitter")
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.splitter, 1)

    # -- project -----------------------------------------------------------------------------

    def set_project(self, project: Project | None) -> None:
        """Show a project's tables (or nothing); the previous tables' layouts are saved."""
        self.save_layout()
        self.tabs.blockSignals(True)
        self._remove_tabs()
        self.tabs.blockSignals(False)
        self._drop_models()
        self.since_review.close()
        self.views.clear()
        self.details.clear()
        for loader in (self.loader, self.anchor_loader):
            if loader is not None:
                loader.close()
                loader.deleteLater()
        self.loader = self.anchor_loader = None
        self.project = project
        self.dashboard.set_project(project)
        self.history.set_project(project)
        self.cache = QueryCache()
        self.filter_bar.reset()  # a search for one client means nothing in another's project
        self.placements.reset_status()
        self.placements.set_view(None)
        if project is None:
            self.scores_current = False
            self.specs = {spec.name: spec for spec in TABLES}
            return
        self._build_tables(project, self.filter_bar.filters())

    def _build_tables(self, project: Project, filters: Filters) -> None:
        # Scores are shown only while they match the data and settings (never computed here).
        scored = scored_tables(project.db)
        self.scores_current = scored is not None
        links, domains = scored or (LINKS, DOMAINS)
        # The metric columns the project has data for (tables/data_columns.py).
        self.data_fields = fields_with_data(project.db)
        links, domains = (with_data_columns(spec, self.data_fields) for spec in (links, domains))
        # Mark columns (tables/marks.py); Check and Checked (tables/checks.py); Judged before
        # (tables/judged.py: its spec's prepare reads the verdict library on each connection).
        specs = [with_checks(with_marks(links)), with_judged(with_marks(domains)), ANCHORS]
        self.specs = {spec.name: spec for spec in specs}
        self.dashboard.tables = (self.specs[LINKS.name], self.specs[DOMAINS.name])
        links_count = TableQuery(project.db, LINKS, cache=self.cache).count()
        if self.loader is None and links_count >= self.background_from_links:
            self.loader = TableLoader(project.path, self)
        for spec in specs:
            model = TableModel(spec, project.db, self.cache, self)
            if spec.name != ANCHORS.name:  # rows by id on the GUI thread (Judged before: below)
                model.load_in_background(self.loader)
            elif self.loader is not None:  # Anchors: groups live on the connection that made them
                if self.anchor_loader is None:
                    self.anchor_loader = TableLoader(project.path, self)
                model.load_in_background(self.anchor_loader, rows_too=True)
            model.loading_changed.connect(self.counts_changed)
            if spec.name == DOMAINS.name:
                # New ids, whichever connection found them: before the view paints their rows
                # (read here), this connection's Judged before catches up (the query's own
                # connection read the library: this copies its rows in).
                model.modelReset.connect(self.refresh_judged)
            saved = self.prefs.sort(spec.name)
            known = saved and any(c.name == saved[0] and c.sortable for c in spec.columns) and (
                not empty_metric(spec, saved[0], self.data_fields))  # sorted by an empty DR
            model.configure(filters, Sort(saved[0], saved[1]) if saved and known else None)
            view = TableView(model)
            view.apply_column_layout(self.prefs.column_layout(spec.name))
            view.apply_chosen_columns(self.prefs.chosen_columns(spec.name), CHOSEN_COLUMNS)
            view.selectionModel().currentRowChanged.connect(self._current_changed)
            view.selectionModel().selectionChanged.connect(lambda *_: self.counts_changed.emit())
            view.doubleClicked.connect(lambda _index, v=view: v.open_current_url())
            model.modelReset.connect(self._model_reset)
            if spec.name == LINKS.name:  # after a check, or a project never checked
                model.modelReset.connect(self._show_check_columns)
            self.models[spec.name], self.views[spec.name] = model, view
            self.tabs.addTab(view, spec.title)
        self._build_placements(project, filters)
        self.tabs.addTab(self.dashboard, "Dashboard")
        self.tabs.addTab(self.history, "History")
        self._set_placeholders(links_count == 0)
        self.filter_bar.set_table(self.specs.get(self.current_name(), self.specs[LINKS.name]))
        self._filters_changed(filters)

    def _build_placements(self, project: Project, filters: Filters) -> None:
        """The Placements tab: a small table, always read on the GUI thread. Its status menu
        is the tab's own (the filter bar's Check menu is about links' checks)."""
        model = PlacementsModel(PLACEMENTS, project.db, self.cache, self)
        model.status = self.placements.status_menu.currentData()
        model.loading_changed.connect(self.counts_changed)
        saved = self.prefs.sort(PLACEMENTS.name)
        known = saved and any(c.name == saved[0] and c.sortable for c in PLACEMENTS.columns)
        model.configure(filters, Sort(saved[0], saved[1]) if saved and known else None)
        view = TableView(model)
        view.apply_column_layout(self.prefs.column_layout(PLACEMENTS.name)
                                 or placements_layout())
        view.selectionModel().currentRowChanged.connect(self._current_changed)
        view.selectionModel().selectionChanged.connect(lambda *_: self.counts_changed.emit())
        model.modelReset.connect(self._model_reset)
        self.models[PLACEMENTS.name], self.views[PLACEMENTS.name] = model, view
        # The filter bar offers what the tab filters by: search and band, not links' checks.
        self.specs[PLACEMENTS.name] = replace(PLACEMENTS, filters={
            name: how for name, how in PLACEMENTS.filters.items() if name != "check"})
        self.placements.set_view(view)
        self.tabs.addTab(self.placements, PLACEMENTS.title)

    def _placement_status_chosen(self, status: str | None) -> None:
        model = self.models.get(PLACEMENTS.name)
        if isinstance(model, PlacementsModel):
            model.choose_status(status)

    def _drop_models(self) -> None:
        """Forget the tables' models: no more answers from a loader, memory freed."""
        for model in self.models.values():
            model.load_in_background(None)
            model.deleteLater()
        self.models.clear()

    def _rebuild_tables(self) -> None:
        """The scores became current or out of date: the same project, other columns."""
        if self.project is None:
            return
        self.save_layout()
        tab = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        self._remove_tabs()
        self._drop_models()
        self.views.clear()
        self.details.clear()
        self._build_tables(self.project, self.filter_bar.filters())
        self.tabs.blockSignals(False)
        self.show_tab(max(tab, 0))
        self._tab_changed(self.tabs.currentIndex())

    def _remove_tabs(self) -> None:
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if widget is not None and widget not in (self.dashboard, self.history,
                                                     self.placements):
                widget.deleteLater()

    def reload(self) -> None:
        """The project changed (an import): every table reads again, the shown one now."""
        self.dashboard.refresh()
        self.history.refresh()
        if self.project is not None and (scored_tables(self.project.db) is not None
                                         ) != self.scores_current:
            self._rebuild_tables()
            return
        self._stale = set(self.models)
        self._set_placeholders(TableQuery(self.project.db, LINKS).count() == 0
                               if self.project is not None else False)
        self._load_current()

    def _set_placeholders(self, empty_project: bool) -> None:
        """An empty project says how to fill it; a table filtered to nothing says so."""
        for name, view in self.views.items():
            if name != PLACEMENTS.name:  # placements are entered by hand: the tab says how
                view.set_placeholder(EMPTY_PROJECT if empty_project else NO_MATCH)

    def add_banner(self, widget: QWidget) -> None:
        """A bar between the filter bar and the tables (the opening summary)."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, widget)

    def save_layout(self) -> None:
        """Remember each table's columns and sort."""
        for name, view in self.views.items():
            self.prefs.set_column_layout(name, view.column_layout())
            self.prefs.set_chosen_columns(name, view.chosen)
            sort = self.models[name].sort_order
            self.prefs.set_sort(name, sort.column, sort.descending)

    # -- what is shown -----------------------------------------------------------------------

    def current_name(self) -> str:
        """The name of the table on screen."""
        index = self.tabs.currentIndex()
        return TAB_NAMES[index] if 0 <= index < len(TAB_NAMES) else LINKS.name

    def current_view(self) -> TableView | None:
        """The table view on screen."""
        return self.views.get(self.current_name())

    def show_tab(self, name_or_index: str | int) -> None:
        """Show a tab by name ("links", "domains", "anchors", "dashboard") or position."""
        index = TAB_NAMES.index(name_or_index) if isinstance(name_or_index, str) else name_or_index
        if 0 <= index < self.tabs.count():
            self.tabs.setCurrentIndex(index)

    def loading(self) -> bool:
        """Whether the table on screen is waiting for a background query."""
        model = self.models.get(self.current_name())
        return model is not None and model.loading

    def totals_text(self, links: int, domains: int, locale: QLocale) -> str:
        """The status bar's totals for the tab shown: the project's links and referring
        domains, or on the Placements tab its placements (what the tab counts)."""
        if self.project is not None and self.current_name() == PLACEMENTS.name:
            placements = TableQuery(self.project.db, PLACEMENTS, cache=self.cache).count()
            return counted(placements, "placement", locale)
        return (f"{counted(links, 'link', locale)} · "
                f"{counted(domains, 'referring domain', locale)}")

    def shown_count(self) -> int:
        """Rows of the table on screen."""
        view = self.current_view()
        return view.table.rowCount() if view else 0

    def selected_count(self) -> int:
        """Rows selected in the table on screen."""
        view = self.current_view()
        return view.selected_count() if view else 0

    def select_first_row(self) -> None:
        """Make the first row current (the screenshot shows its details)."""
        view = self.current_view()
        if view is not None and view.table.rowCount():
            view.selectRow(0)

    # -- reactions ---------------------------------------------------------------------------

    def _filters_changed(self, filters: Filters) -> None:
        # The since-review filters run their own specs, on their own loader (review_filters.py).
        charted = self.since_review.apply(self.models, self.specs, self.loader, filters,
                                          self.project.path if self.project else None)
        if charted is not None:
            self.dashboard.tables = charted
        for model in self.models.values():
            model.configure(filters=filters)
        self._stale = set(self.models)
        self._load_current()
        self.dashboard.refresh(filters)
        self.history.refresh(filters, charted)

    def _tab_changed(self, _index: int) -> None:
        name = self.current_name()
        self._dashboard_details(name in CHART_TABS)
        # The dashboard charts links and domains alike: the filter bar offers the links' menus.
        self.filter_bar.set_table(self.specs.get(name, self.specs[LINKS.name]))
        self._load_current()
        if name == PLACEMENTS.name:
            self.placements_shown.emit()
        self._current_changed(self.views[name].currentIndex() if name in self.views
                              else QModelIndex())
        self.counts_changed.emit()

    def _dashboard_details(self, dashboard: bool) -> None:
        """The details panel makes room for the dashboard and comes back after it."""
        if dashboard and not self.details.isHidden():
            self.details.hide()
            self._details_hidden_by_dashboard = True
        elif not dashboard and self._details_hidden_by_dashboard:
            self.details.show()
            self._details_hidden_by_dashboard = False

    def _select_domains(self, ids: list[int]) -> None:
        """Domains picked on the dashboard's map become the Referring domains selection."""
        view = self.views.get(DOMAINS.name)
        if view is None:
            return
        if DOMAINS.name in self._stale:
            self._stale.discard(DOMAINS.name)
            self.models[DOMAINS.name].reload()
        select_ids(view, ids)

    def _show_domains(self, ids: list[int]) -> None:
        self._select_domains(ids)
        self.show_tab(DOMAINS.name)

    def _load_current(self) -> None:
        name = self.current_name()
        if name in self._stale and name in self.models:
            self._stale.discard(name)
            self.models[name].reload()

    def changeEvent(self, event: QEvent) -> None:
        """Back to the front: another window or a command may have judged domains meanwhile."""
        super().changeEvent(event)
        if (event.type() == QEvent.Type.ActivationChange and self.project is not None
                and DOMAINS.name in self.models and judged_stale(self.project.db)):
            self._stale.add(DOMAINS.name)
            self._load_current()

    def refresh_judged(self) -> None:
        """Bring this connection's copy of the earlier verdicts up to date: the Referring
        domains rows on screen are read here, while the connection that runs the query (a
        loader's, or this one) refreshes its copy first (the spec's prepare)."""
        if self.project is None:
            return
        warning = refresh_judged(self.project.db)
        if warning:
            self.library_warning.emit(warning)
        self._fit_judged_column()

    def _fit_judged_column(self) -> None:
        """Judged before shows once the verdict library knows one of the project's domains,
        as wide as its longest text within bounds (not over a width the user chose)."""
        view = self.views.get(DOMAINS.name)
        if view is None or self.project is None or not _has_column(view, JUDGED):
            return
        position = view.table.spec.column_index(JUDGED)
        judged, longest = judged_extent(self.project.db)
        default = view.width_for(position, view.table.spec.columns[position].width)
        untouched = view.columnWidth(position) == default
        if view.show_while_filled(JUDGED, judged > 0) or (judged and untouched):
            view.setColumnWidth(position, view.width_for(
                position, min(longest + 1, JUDGED_MAX_CHARACTERS)))

    def _show_check_columns(self) -> None:
        """Check and Checked show once a link was checked (Tools ▸ Check Links)."""
        view = self.views.get(LINKS.name)
        if view is None or self.project is None:
            return
        checked = links_checked(self.project.db)
        for name in CHECK_COLUMNS:
            if _has_column(view, name):
                view.show_while_filled(name, checked)

    def _model_reset(self) -> None:
        self.counts_changed.emit()
        view = self.current_view()
        self._current_changed(view.currentIndex() if view else QModelIndex())
        if view is not None and view.table.last_error:  # an empty table must say why
            self.details.clear(f"This table could not be read: {view.table.last_error}")

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        view = self.current_view()
        if view is None or self.project is None or not current.isValid():
            self.details.clear()
            return
        row_id = view.table.row_id(current.row())
        name = view.table.spec.name
        db = self.project.db
        if name == LINKS.name:
            details = link_details(db, row_id)
            if details is None:
                self.details.clear()
            else:
                self.details.show_link(details)
                self.details.show_checks(check_history(db, row_id, limit=CHECKS_SHOWN + 1))
                marked = effective_link_marks(db, [row_id]).get(row_id)
                self.details.show_mark(*_mark_parts(marked.label, marked.mark) if marked
                                       else ("",))
                if self.scores_current:
                    self.details.show_explanation(explain_link(db, row_id))
        elif name == DOMAINS.name:
            domain = domain_details(db, row_id)
            if domain is None:
                self.details.clear()
            else:
                self.details.show_domain(domain)
                mark = domain_marks(db, [domain.domain]).get(domain.domain)
                self.details.show_mark(*_mark_parts(mark.kind.label, mark) if mark else ("",))
                self._show_earlier_verdicts(domain.domain)
                if self.scores_current:
                    self.details.show_explanation(explain_domain(db, domain.domain))
        elif name == PLACEMENTS.name:
            self._show_placement(view, current.row(), row_id)
        else:
            values = view.table.values(current.row())
            pairs = [(c.title, display_text(c, v)) for c, v in zip(ANCHORS.columns, values,
                                                                     strict=False)]
            self.details.show_values(pairs[0][1] if pairs else "", pairs[1:])

    def _show_placement(self, view: TableView, row: int, placement_id: int) -> None:
        """A placement's cells as the tab shows them, then its statuses with their dates."""
        assert self.project is not None
        model = view.table
        pairs = [(column.title, str(model.data(model.index(row, index)) or ""))
                 for index, column in enumerate(model.spec.columns) if column.name != "id"]
        for recorded_at, status, differences, detail in reversed(
                status_history(self.project.db, placement_id)):
            words = f"{status}: {', '.join(differences.split())}" if differences else status
            pairs.append((recorded_at[:16].replace("T", " "),
                          f"{words} ({detail})" if detail else words))
        self.details.show_values(pairs[0][1] if pairs else "", pairs[1:])

    def _show_earlier_verdicts(self, domain: str) -> None:
        """The details panel lists what other projects and lists decided about `domain`."""
        assert self.project is not None
        try:
            found = earlier_verdicts(self.project.db, domains=[domain]).get(domain)
        except LibraryError as error:
            self.details.show_judged(None, "The verdict library cannot be read.")
            self.library_warning.emit(f"The verdict library cannot be read: {error}")
            return
        self.details.show_judged(found)


def _has_column(view: TableView, name: str) -> bool:
    return any(column.name == name for column in view.table.spec.columns)


def _mark_parts(label: str, mark: Mark) -> tuple[str, str, str]:
    return label, mark.reason, mark.marked_at
