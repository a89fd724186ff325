"""Placements in the window: add, edit and delete (undoable), CSV import and export, rows
pasted from a spreadsheet, statuses kept current when the tab is shown, Tools ▸ Check
Placements and the notice on opening a project.

Every change is planned by the core (`plan_add`, `plan_edit`, `plan_delete`, an import's
change), applied, then pushed on the window's undo stack as one `WrittenStep`, beside the
marks' steps (ui/marking.py): Edit ▸ Undo reverts it with `revert_change`. Writes wait while a
background writer (an import, a check, re-scoring) holds the project. The check is a writer job
of the coordinator like a link check (scope "placements", workers/checker.py): the same
progress and Cancel in the status bar. See docs/placements.md.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QWidget

from linkdesk.core.checker import CheckOptions
from linkdesk.core.checker.store import now
from linkdesk.core.exports.placements import export_placements
from linkdesk.core.placements import (
    STATUSES,
    ImportResult,
    PlacementChange,
    PlacementError,
    PlacementInput,
    Totals,
    add_read,
    apply_change,
    changes_since,
    expiring,
    found_in,
    load_placements,
    plan_add,
    plan_delete,
    plan_edit,
    read_table,
    refresh_statuses,
    revert_change,
    status_history,
    totals,
)
from linkdesk.core.placements.model import LIVE, UNCHECKED
from linkdesk.core.store import Project
from linkdesk.core.tables.placements import PLACEMENTS
from linkdesk.ui.dialogs.messages import TextReport, show_error
from linkdesk.ui.dialogs.placement_dialog import PlacementDialog, placement_input
from linkdesk.ui.file_choice import ask_open_path, ask_save_path
from linkdesk.ui.format import counted
from linkdesk.ui.parts import WindowContext, WindowPart
from linkdesk.ui.placements_import import PlacementImport
from linkdesk.ui.preferences import Preferences
from linkdesk.ui.undo_step import WrittenStep
from linkdesk.ui.views.placement_notice import PlacementNotice
from linkdesk.ui.workers.checker import PLACEMENTS as CHECK_SCOPE
from linkdesk.ui.workers.checker import CheckRequest, CheckResult
from linkdesk.ui.workers.task import TaskOutcome

CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"
EXPIRY_NOTICE_DAYS = 14
SEEN_KEY = "placements_seen/"  # + the project's path: when its notice was last shown
PASTED = "the pasted rows"
Writer = Callable[[sqlite3.Connection, PlacementChange], object]


class Placements(WindowPart):
    """The Placements tab's actions; its steps go on the window's undo stack."""

    changed = Signal()  # placements were written: the tab reads again
    totals_shown = Signal()  # the totals line shows the latest totals

    def __init__(self, window: QWidget, context: WindowContext, undo_stack: QUndoStack,
                 preferences: Preferences) -> None:
        super().__init__(window, context)
        self.undo_stack = undo_stack
        self.prefs = preferences
        self.options: CheckOptions | None = None  # None: the checker's defaults (tests: short)
        self.notice = PlacementNotice()  # laid out by the window, above the tables
        self.notice.show_requested.connect(lambda: self.workspace.show_tab(PLACEMENTS.name))
        self.jobs.check_finished.connect(self._checked)
        self.jobs.scoring_finished.connect(self._after_upkeep)
        self.stale = True  # statuses may be out of date (a check, an import, a new day)
        self._totals_asked = 0  # the number of the latest totals asked for
        self.importing = PlacementImport(self)
        self.import_finished = self.importing.finished  # ImportResult, or None
        self.refreshing = False  # statuses are being brought up to date on a worker
        self.changed_while_refreshing = False  # then they are refreshed again after it
        panel = self.workspace.placements
        panel.add_requested.connect(self.add)
        panel.edit_requested.connect(self.edit)
        panel.delete_requested.connect(self.delete)
        panel.import_requested.connect(self.import_csv)
        panel.export_requested.connect(self.export_csv)
        panel.paste_requested.connect(self.paste)
        self.workspace.placements_shown.connect(self.shown)
        self.changed.connect(self._reload)

    def add_menus(self, bar: QMenuBar) -> None:
        """File ▸ Import Placements… and Export Placements…, after Export Report."""
        self.import_action = QAction("Import &Placements…", self)
        self.import_action.setStatusTip("Add the placements of a CSV file to this project")
        self.import_action.triggered.connect(lambda _checked=False: self.import_csv())
        self.export_action = QAction("Export Placements as CS&V…", self)
        self.export_action.setStatusTip("Write every placement to a CSV file")
        self.export_action.triggered.connect(lambda _checked=False: self.export_csv())
        self.check_action = QAction("Check &Placements", self)
        self.check_action.setStatusTip("Fetch every placement's page and see whether the link "
                                       "is still there as agreed")
        self.check_action.triggered.connect(lambda _checked=False: self.check())
        tools = _menu(bar, "Tools")
        if tools is not None:
            first = tools.actions()[0] if tools.actions() else None
            # After the link checks: the first separator of the Tools menu.
            separator = next((a for a in tools.actions() if a.isSeparator()), None)
            tools.insertAction(separator or first, self.check_action)  # type: ignore[arg-type]
        menu = _menu(bar, "File")
        if menu is not None:
            after = next((a for a in menu.actions() if a.text() == "Export &Report…"), None)
            index = menu.actions().index(after) + 1 if after is not None else 0
            before = menu.actions()[index] if index < len(menu.actions()) else None
            menu.insertActions(before, [self.import_action, self.export_action])  # type: ignore[arg-type]

    # -- the tab -----------------------------------------------------------------------------

    def _ready(self) -> sqlite3.Connection | None:
        """The project's connection if placements can be written now (one writer at a time)."""
        db = self._db()
        if db is None:
            return None
        if self.opened.project is not None and self.opened.project.read_only:
            self.post("This project is read-only: placements can be viewed, not changed.",
                      10_000)
            return None
        if not self.writer_free("Placements can be changed"):
            return None
        return db

    def mark_stale(self, *_args: object) -> None:
        """Statuses may have changed (a check, an import, another project): refresh them
        the next time the tab is shown (now, if it is on screen)."""
        self.stale = True
        self.changed_while_refreshing = self.refreshing  # what it read may be older
        if self.workspace.current_name() == PLACEMENTS.name:
            self.shown()

    def shown(self, then: Callable[[], None] | None = None) -> None:
        """The tab is on screen: bring statuses up to date if needed, then the totals, then
        `then()`.

        A refresh reads each placement's latest evidence (a few queries per placement) and
        writes what changed in one transaction: on a worker thread (`JobCoordinator.run_task`).
        """
        db, project = self._db(), self.opened.project
        if db is None or project is None:
            return
        # Not during upkeep either: building a sort index of a big project holds the write
        # lock longer than a write waits ("database is locked"); it runs after it.
        if (self.stale and not self.refreshing and not self.jobs.writer_busy()
                and self.jobs.score_job is None and not project.read_only):
            self.refreshing = self.jobs.run_task(
                "placement statuses", lambda opened, *_: refresh_statuses(opened.db),
                lambda outcome: self._refreshed(outcome, then)) is not None
            if self.refreshing:
                return
        self._show_totals()
        if then is not None:
            then()

    def _after_upkeep(self, _outcome: object) -> None:
        """Sort indexes built or scores brought up to date: the refresh that waited runs."""
        if self.stale and self.workspace.current_name() == PLACEMENTS.name:
            self.shown()

    def _refreshed(self, outcome: TaskOutcome, then: Callable[[], None] | None) -> None:
        self.refreshing = False
        again, self.changed_while_refreshing = self.changed_while_refreshing, False
        if outcome.error:
            self.post(f"Placement statuses could not be brought up to date: {outcome.error}.",
                      10_000)
        elif not again:
            self.stale = False
        if outcome.result:
            self._reload()
        else:
            self._show_totals()
        if again and not outcome.error:  # a check or an import ended while it read
            self.shown(then)
        elif then is not None:
            then()

    def _reload(self) -> None:
        model = self.workspace.models.get(PLACEMENTS.name)
        if model is not None:
            model.reload()
        self._show_totals()

    def _show_totals(self) -> None:
        """The totals line, read on a worker (a big ledger's totals take a while); only the
        latest request's answer is shown (`totals_shown` then)."""
        self._totals_asked += 1
        asked = self._totals_asked

        def answered(outcome: TaskOutcome) -> None:
            if asked == self._totals_asked and isinstance(outcome.result, Totals):
                self.workspace.placements.show_totals(outcome.result)
                self.totals_shown.emit()

        self.jobs.run_task("placement totals", lambda project, *_: totals(project.db),
                           answered)

    def selected_ids(self) -> list[int]:
        """The ids of the selected placements (the tab shown or not)."""
        view = self.workspace.views.get(PLACEMENTS.name)
        return view.selected_ids() if view is not None else []

    # -- checking and the opening notice ----------------------------------------------------

    def check(self) -> bool:
        """Tools ▸ Check Placements: every placement's page, in the background."""
        project = self.opened.project
        if project is None:
            return False
        if project.read_only:
            self.post("This project is read-only: its placements cannot be checked.", 10_000)
            return False
        if not load_placements(project.db):
            self.post("There are no placements to check: add them on the Placements tab.",
                      10_000)
            return False
        decision = self.jobs.request_check(CheckRequest(CHECK_SCOPE, options=self.options))
        if decision.title:
            show_error(self.window(), decision.title, decision.reason)
        return bool(decision)

    def _checked(self, outcome: TaskOutcome) -> None:
        result = outcome.result
        if not isinstance(result, CheckResult) or result.request.scope != CHECK_SCOPE:
            return
        self.stale = True
        self.mark_stale()
        changed = [f"{c.page}: {c.before or 'new'} → {_status(c.after, c.differences)}"
                   + (f" ({c.detail})" if c.detail else "") for c in result.placement_changes]
        headline = (f"Pages fetched: {result.summary.pages}. " if result.summary.pages else "") + (
            f"{counted(len(changed), 'placement')} changed "
                    "since the previous check" if changed else
                    "No placement changed since the previous check")
        if result.summary.cancelled:
            headline += " (cancelled: the pages not fetched keep their status)"
        lines = changed or ["Every placement is as it was."]
        if result.not_checkable:
            lines += ["", f"{result.not_checkable} placement"
                      f"{'s are' if result.not_checkable != 1 else ' is'} known only by "
                      "domain: give the page's URL (Edit…) to check it."]
        TextReport("Placements Checked", headline + ".", "\n".join(lines),
                   self.window()).open()
        self.workspace.show_tab(PLACEMENTS.name)

    def project_opened(self) -> None:
        """A project opened: statuses brought up to date (expiry dates pass by themselves),
        then the notice says what changed since the last look and what expires soon."""
        project = self.opened.project
        self.notice.say([], [])
        self.importing.drop()  # an import of the previous project was dropped with it
        self.stale = True
        self.refreshing = False  # a refresh of the previous project was dropped with it
        self.changed_while_refreshing = False
        if project is None:
            return
        self.shown(then=lambda: self._say_notice(project))

    def _say_notice(self, project: Project) -> None:
        db = project.db
        key = SEEN_KEY + str(project.path.resolve())
        since = str(self.prefs.value(key, "") or "")
        try:
            changed = _changed_since(db, since)
            soon = expiring(db, within_days=EXPIRY_NOTICE_DAYS)
        except Exception as error:
            self.post(f"The placements notice could not be read: {error}.", 10_000)
            return
        self.notice.say(changed, [f"{_short(p.placement.page)}, on {p.placement.expires_on}"
                                  for p in soon])
        self.prefs.set_value(key, now())

    # -- add, edit, delete -------------------------------------------------------------------

    def add(self) -> PlacementDialog | None:
        """Ask for a placement's terms; OK adds it as one undoable step."""
        db = self._ready()
        if db is None:
            return None
        return self._open(None, lambda placement: self.push(plan_add(db, [placement])))

    def edit(self) -> PlacementDialog | None:
        """Change the terms of the selected placement (the first, if several)."""
        chosen = self._chosen("the placement to edit")
        if chosen is None:
            return None
        db, ids = chosen
        found = load_placements(db, ids[:1])
        if not found:
            return None
        stored = found[0]
        _bits, page = found_in(db, stored.placement)
        return self._open(placement_input(stored.placement),
                          lambda placement: self.push(plan_edit(db, stored.id, placement)),
                          found_page=page)

    def _chosen(self, what: str) -> tuple[sqlite3.Connection, list[int]] | None:
        """The writable project and the selected ids, or None (said when nothing is selected)."""
        db, ids = self._ready(), self.selected_ids()
        if db is None:
            return None
        if not ids:
            self.post(f"Select {what} first.", 10_000)
            return None
        return db, ids

    def _open(self, given: PlacementInput | None, on_accept: Callable[..., bool], *,
              found_page: str = "") -> PlacementDialog:
        dialog = PlacementDialog(on_accept, given, self.window(), found_page=found_page)
        dialog.open()
        return dialog

    def delete(self) -> bool:
        """Delete the selected placements as one undoable step."""
        chosen = self._chosen("the placements to delete")
        if chosen is None:
            return False
        db, ids = chosen
        change = plan_delete(db, ids)
        done = self.push(change)
        if done:
            self.post(f"Deleted {counted(len(ids), 'placement')} "
                      "(Edit ▸ Undo brings them back).", 10_000)
        return done

    def push(self, change: PlacementChange, *, applied: bool = False) -> bool:
        """Apply a planned change (unless `applied`), then keep it as one undoable step."""
        if not change:
            return True  # nothing to do (an edit that changed nothing)
        if not applied and (self._ready() is None or self.write(change, apply_change)):
            return False
        if applied:
            self.changed.emit()
        self.undo_stack.push(WrittenStep(change.text,
                                         lambda: self.write(change, apply_change),
                                         lambda: self.write(change, revert_change)))
        return True

    def write(self, change: PlacementChange, how: Writer) -> str:
        """Apply or revert a change on the open project, then let the tab read again.

        Returns "" or, when the project could not be written, why (said in the status bar).
        """
        db = self._db()
        if db is None:
            return "no project is open"
        try:
            how(db, change)
        except (sqlite3.Error, PlacementError) as error:
            self.post(f"The placements were not changed: {error}.", 10_000)
            return str(error)
        self.changed.emit()
        return ""

    # -- import, paste, export ---------------------------------------------------------------

    def import_csv(self, path: Path | None = None) -> bool:
        """Add the placements of a CSV file, all or none, as one undoable step, on a worker
        (placements_import.py: progress, Cancel; `import_finished` at the end). A header
        without the page or target column opens the column mapping
        (`importing.mapping_dialog`). False if the import cannot start."""
        if self.writable() is None:
            return False
        if path is None:
            path = ask_open_path(self.window(), "Import Placements", Path.home(), CSV_FILTER)
            if path is None:
                return False
        return self.importing.start(path)

    def writable(self) -> sqlite3.Connection | None:
        """The project's connection if placements can be written now (else said why)."""
        return self._ready()

    def not_imported(self, path: Path, error: Exception, parent: QWidget) -> None:
        """Say why nothing was imported, over `parent`."""
        if isinstance(error, PlacementError):
            show_error(parent, "Nothing imported", _for_window(str(error)))
        else:
            show_error(parent, "Nothing imported",
                       f"{path}: the project cannot be written now ({error}).")

    def imported(self, path: Path, result: ImportResult) -> None:
        """An import added its placements: one undoable step, and what it skipped."""
        self.push(result.change, applied=True)
        self._said(f"{path.name}: {_added(result.added)}", result.skipped)

    def paste(self) -> bool:
        """Add rows copied from a spreadsheet (Ctrl+V on the tab), with or without their
        header (without: in the order of the CSV columns, page first), all or none."""
        db = self._ready()
        if db is None:
            return False
        text = QApplication.clipboard().text()
        if not text.strip():
            self.post("The clipboard holds no rows to paste.", 10_000)
            return False
        fields = None if _has_header(text) else PlacementInput.names()
        try:
            read = read_table(db, text, PASTED, fields=fields)
        except PlacementError as error:
            show_error(self.window(), "Nothing pasted", _for_window(str(error)))
            return False
        count = len(read.placements)
        try:
            result = add_read(db, read, text=f"paste {counted(count, 'placement')}")
        except (sqlite3.Error, PlacementError) as error:
            show_error(self.window(), "Nothing pasted",
                       f"The project cannot be written now ({error}).")
            return False
        self.push(result.change, applied=True)
        self._said(f"Pasted: {_added(result.added)}", result.skipped)
        return True

    def _said(self, headline: str, skipped: list[str]) -> None:
        if skipped:
            TextReport("Placements Added", f"{headline}; {len(skipped)} already in the ledger "
                       "(left out):", "\n".join(skipped), self.window()).open()
        else:
            self.post(headline + ".", 10_000)

    def export_csv(self, path: Path | None = None) -> bool:
        """Write every placement to a CSV file the import reads back."""
        db, project = self._db(), self.opened.project
        if db is None or project is None:
            return False
        if path is None:
            suggested = project.path.with_name(f"{project.path.stem}-placements.csv")
            path = ask_save_path(self.window(), "Export Placements", suggested, CSV_FILTER)
            if path is None:
                return False
        try:
            count = export_placements(db, path)
        except OSError as error:
            show_error(self.window(), "Cannot export the placements",
                       f"{path}: {error.strerror or error}")
            return False
        self.post(f"Placements written: {path} ({counted(count, 'row')}).",
                  10_000)
        return True


def _status(status: str, differences: tuple[str, ...] | str) -> str:
    """"changed: rel, anchor" or the status word."""
    named = differences.split() if isinstance(differences, str) else list(differences)
    return f"{status}: {', '.join(named)}" if named and status in STATUSES else status


def _changed_since(db: sqlite3.Connection, since: str) -> list[str]:
    """"page: status" for each placement whose status changed after `since` (a placement's
    first status, when it was added, is no change; nor is its first check finding it live)."""
    latest: dict[int, tuple[str, str]] = {}
    for placement_id in dict.fromkeys(row[0] for row in changes_since(db, since)):
        history = status_history(db, placement_id)
        # Its latest row (after `since`) is not its first; a first check finding it as
        # agreed (unchecked → live) is no news worth a notice.
        if len(history) >= 2 and (history[-2][1], history[-1][1]) != (UNCHECKED, LIVE):
            latest[placement_id] = (history[-1][1], history[-1][2])
    if not latest:
        return []
    pages = {p.id: p.placement.page for p in load_placements(db, latest)}
    return [f"{_short(pages[i])}: {_status(*latest[i])}" for i in latest if i in pages]


def _short(page: str) -> str:
    """A page as the notice names it: without its scheme."""
    return page.split("://", 1)[-1]


def _added(count: int) -> str:
    return f"{counted(count, 'placement')} added"


def _has_header(text: str) -> bool:
    """Whether pasted rows start with a header: their first cell is not a page or domain."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if "\t" in first else ","
    cells = next(csv.reader([first], delimiter=delimiter), [""])
    cell = cells[0].strip().lower() if cells else ""
    return not (cell.startswith(("http://", "https://")) or ("." in cell and " " not in cell))


def _for_window(message: str) -> str:
    """The core's message, with the command line's advice put in the window's words."""
    return message.replace(
        "name the columns with --map FIELD=COLUMN",
        "name the columns as the fields (source_url, target_url, anchor, rel, placed_on, "
        "expires_on, price, currency, type, contact, notes, tag) and import again")


def _menu(bar: QMenuBar, title: str) -> QMenu | None:
    """The menu bar's menu called `title` (without its &)."""
    for action in bar.actions():
        menu = action.menu()
        if action.text().replace("&", "") == title and isinstance(menu, QMenu):
            return menu
    return None
