"""Marking in the window: disavow / keep / review from a selection, the filter or a rule,
undo and redo, and the client's disavow files in and out.

Every marking action is planned and previewed in the Mark dialog, then pushed on a
`QUndoStack` as one command (Edit ▸ Undo / Redo). Marks never change links, so neither the
scores nor the tables' sort orders go stale: the tables only read again. The rows a
since-review filter shows need the changes since the review (seconds on a million links):
Mark All Shown then finds them on a worker thread and opens the dialog when they are known.
On a big project Mark by Rule finds its rows on a worker too, and the dialog plans each
preview on one (a rule's 326,000 links took 10 s of the GUI thread). A big change (a rule's
thousands of domains) is written, undone and redone on a worker too (mark_writing.py), and a
big project's disavow file is planned there.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QWidget,
)

from linkdesk.core.disavow import (
    DisavowError,
    DisavowPlan,
    import_disavow,
    plan_disavow,
    write_disavow,
)
from linkdesk.core.importers.rows import cyclic_gc_paused
from linkdesk.core.marks import (
    MarkChange,
    MarkKind,
    MarksError,
    Rule,
    Target,
    apply_change,
    domains_of_links,
    revert_change,
    targets_by_rule,
    targets_from_ids,
)
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, TableQuery, TableSpec, judged_changed, targets_from_filter
from linkdesk.ui.dialogs.disavow_export import DisavowExportDialog
from linkdesk.ui.dialogs.mark_dialog import MarkDialog
from linkdesk.ui.dialogs.messages import TextReport, show_error
from linkdesk.ui.dialogs.rule_dialog import RuleDialog
from linkdesk.ui.file_choice import ask_open_path, ask_save_path
from linkdesk.ui.format import counted
from linkdesk.ui.mark_writing import How, MarkStep, busy_dialog, in_background, write_work
from linkdesk.ui.parts import WindowContext, WindowPart
from linkdesk.ui.views.table_view import TableView
from linkdesk.ui.workers.task import TaskOutcome, Work

DISAVOW_FILTER = "Disavow files (*.txt);;All files (*)"
MARKABLE = ("links", "domains")


class Marking(WindowPart):
    """The window's marking actions and their undo stack."""

    changed = Signal()  # marks were written: the tables read again

    def __init__(self, window: QWidget, context: WindowContext) -> None:
        super().__init__(window, context)  # marks wait for imports, checks and re-scoring
        self.undo_stack = QUndoStack(self)
        # Edit ▸ Undo / Redo: the stack's state, but through `undo`/`redo`, which first make
        # sure the project can be written (QUndoStack's own actions would move on regardless).
        self.undo_action = QAction("&Undo", self)
        self.redo_action = QAction("&Redo", self)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action.triggered.connect(self.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda text: self.undo_action.setText(f"&Undo {text}".strip()))
        self.undo_stack.redoTextChanged.connect(
            lambda text: self.redo_action.setText(f"&Redo {text}".strip()))
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.finding_shown = False  # Mark All Shown or by Rule is finding the rows on a worker
        self.writing = ""  # the step a worker is writing ("" if none): marks wait for it
        self.planning_disavow = False  # a big project's disavow file is planned on a worker

    # -- which rows --------------------------------------------------------------------------

    def _ready(self) -> sqlite3.Connection | None:
        """The project's connection if marks can be written now (one writer at a time)."""
        db = self._db()
        if db is None:
            return None
        if not self.writer_free("Marks can be changed"):
            return None
        if self.writing:
            self.post(f"Marks can be changed once this one is written: {self.writing}.",
                      10_000)
            return None
        return db

    def _markable_view(self) -> tuple[str, TableView] | None:
        view = self.workspace.current_view()
        name = self.workspace.current_name()
        if view is None or name not in MARKABLE:
            self.post(
                "Links and referring domains can be marked: show one of those tables.", 10_000)
            return None
        return name, view

    # -- actions -----------------------------------------------------------------------------

    def mark_selected(self, kind: MarkKind | None = MarkKind.DISAVOW) -> MarkDialog | None:
        """Mark the selected rows (a link's domain too, if chosen in the dialog)."""
        db, found = self._ready(), self._markable_view()
        if db is None or found is None:
            return None
        name, view = found
        ids = view.selected_ids()
        if not ids:
            self.post("Select the rows to mark first.", 10_000)
            return None
        noun = "link" if name == "links" else "referring domain"
        what = counted(len(ids), f"selected {noun}")
        return self._open(db, what, _targets_for_ids(db, name, ids), name, kind)

    def mark_shown(self, kind: MarkKind | None = MarkKind.DISAVOW) -> MarkDialog | None:
        """Mark every row the table shows with the current filters."""
        db, found = self._ready(), self._markable_view()
        if db is None or found is None:
            return None
        name, view = found
        model = view.table
        if model.loading:  # the rows shown and the filters do not match yet
            self.post(
                "The table is still loading: mark the rows shown once they are there.", 10_000)
            return None
        count = model.rowCount()
        noun = "links" if name == "links" else "referring domains"
        what = f"All {count:,} {noun} shown with the current filters"
        spec, filters = model.spec, model.filters
        if filters.since_review not in (None, "unjudged"):  # the changes since the review
            self._mark_shown_later(what, spec, filters, name, kind)
            return None

        def target_for(level: str) -> Target:
            if level == name:
                return targets_from_filter(db, spec, filters)
            return domains_of_links(db, list(TableQuery(db, spec, filters).ordered_ids()))

        return self._open(db, what, target_for, name, kind)

    def _mark_shown_later(self, what: str, spec: TableSpec, filters: Filters, name: str,
                          kind: MarkKind | None) -> None:
        """Find the rows shown on a worker, then open the Mark dialog on them."""

        def found(outcome: TaskOutcome) -> None:
            db = self._db()
            if outcome.error or db is None:
                show_error(self.window(), "Cannot find the rows shown", outcome.error
                           or "The project was closed.")
                return
            targets: dict[str, Target] = outcome.result
            self._open(db, what, targets.__getitem__, name, kind)

        self._find_rows("the rows shown", lambda project, *_: _shown_targets(
            project, spec, filters, name), found)

    def _find_rows(self, rows: str, work: Work, found: Callable[[TaskOutcome], None]) -> None:
        """Find `rows` to mark on a worker (the status bar says so), then `found(outcome)`."""
        if self.finding_shown:
            self.post(f"Still finding {rows}: the Mark dialog opens when they are known.",
                      10_000)
            return

        def done(outcome: TaskOutcome) -> None:
            self.finding_shown = False
            self.post("", 0)
            found(outcome)

        self.finding_shown = self.jobs.run_task(rows, work, done) is not None
        if self.finding_shown:
            self.post(f"Finding {rows}…", 0)

    def mark_by_rule(self) -> QDialog | None:
        """Ask for a rule over the scores (risk at least, quality below), then mark (a big
        project's rows are found on a worker: the Mark dialog opens when they are known)."""
        db = self._ready()
        if db is None:
            return None
        dialog = RuleDialog(self.window())

        def found(rule: Rule, target: Target) -> None:
            self._open(db, f"{len(target):,} {rule.describe()} (not marked yet)",
                       lambda _level: target, rule.level, dialog.mark_kind(), one_level=True)

        def chosen() -> None:
            rule = dialog.rule()
            if self._plan_in_background():
                self._find_by_rule(rule, lambda target: found(rule, target))
                return
            try:
                target = targets_by_rule(db, rule)
            except MarksError as error:
                self.post(str(error).capitalize() + ".", 10_000)
                return
            found(rule, target)

        dialog.accepted.connect(chosen)
        dialog.open()
        return dialog

    def _find_by_rule(self, rule: Rule, then: Callable[[Target], None]) -> None:
        """Find the rows `rule` picks on a worker, then `then(target)` on the GUI thread."""

        def found(outcome: TaskOutcome) -> None:
            if outcome.error:  # the scores are out of date (MarksError), or the file
                self.post(outcome.error[:1].upper() + outcome.error[1:] + ".", 10_000)
            elif self._db() is not None:
                then(outcome.result)

        def work(project: Project, *_: object) -> Target:
            with cyclic_gc_paused():  # 326,000 new tuples: it would stop every thread
                return targets_by_rule(project.db, rule)

        self._find_rows("the rows the rule picks", work, found)

    def _open(self, db: sqlite3.Connection, what: str, target_for: Callable[[str], Target],
              table: str, kind: MarkKind | None, *, one_level: bool = False) -> MarkDialog:
        levels = ("links", "domains") if table == "links" and not one_level else (table,)
        run_task = self.jobs.run_task if self._plan_in_background() else None
        dialog = MarkDialog(db, what, target_for, levels, kind, self.push, self.window(),
                            run_task=run_task)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- undo --------------------------------------------------------------------------------

    def push(self, change: MarkChange) -> None:
        """Apply a planned change, then keep it as one undoable step."""
        if not change or self._ready() is None:
            return

        def keep() -> None:
            self.undo_stack.push(MarkStep(change, lambda: self.write(change, apply_change),
                                          lambda: self.write(change, revert_change)))

        if in_background(change):
            self._write_on_worker(change, apply_change, keep)
        elif not self.write(change, apply_change):
            keep()

    def undo(self) -> None:
        """Undo the last marking step, if the project can be written now."""
        self._step(self.undo_stack.undo, self.undo_stack.index() - 1)

    def redo(self) -> None:
        """Redo the next marking step, if the project can be written now."""
        self._step(self.undo_stack.redo, self.undo_stack.index())

    def _step(self, move: Callable[[], None], position: int) -> None:
        if self._ready() is None or not 0 <= position < self.undo_stack.count():
            return
        command = self.undo_stack.command(position)
        if isinstance(command, MarkStep) and in_background(command.change):
            undoing = position < self.undo_stack.index()
            self._write_on_worker(command.change, revert_change if undoing else apply_change,
                                  lambda: self._move_written(command, position, move))
            return
        move()
        # Marks' and placements' steps (ui/placements.py) share this stack.
        if getattr(command, "failed", ""):
            self.undo_stack.clear()  # the stack no longer matches the project: start afresh

    def _move_written(self, command: MarkStep, position: int, move: Callable[[], None]
                      ) -> None:
        """A worker wrote `command`'s undo or redo: move the stack over it (no write)."""
        if not 0 <= position < self.undo_stack.count() or (
                self.undo_stack.command(position) is not command):
            self.undo_stack.clear()  # the stack changed meanwhile: it no longer matches
            return
        command.written_ahead()
        move()

    def _write_on_worker(self, change: MarkChange, how: How, then: Callable[[], None]) -> None:
        """Write a big change on a worker (a busy dialog if it takes a while), then `then()`
        unless the write failed (then nothing was written and the stack stays as it is)."""
        dialog = busy_dialog(f"Writing the marks: {change.text}…", self.window())

        def done(outcome: TaskOutcome) -> None:
            self.writing = ""
            self.post("", 0)
            dialog.close()
            dialog.deleteLater()
            error, warning = outcome.result or (outcome.error or "stopped", "")
            if error:
                self._not_written(error)
                return
            self._written(warning)
            then()

        if self.jobs.run_task("marks", write_work(how, change), done) is None:
            dialog.close()
            dialog.deleteLater()
            return
        self.writing = change.text
        self.post(f"Writing the marks: {change.text}…", 0)

    def write(self, change: MarkChange, how: How) -> str:
        """Apply or revert a change on the open project, then let the tables read again.

        Returns "" or, when the project could not be written, why (said in the status bar).
        """
        db = self._db()
        if db is None:
            return "no project is open"
        try:
            warning = how(db, change)
        except sqlite3.Error as error:
            self._not_written(str(error))
            return str(error)
        self._written(warning)
        return ""

    def _not_written(self, error: str) -> None:
        self.post(f"The marks were not changed: the project cannot be written now ({error}).",
                  10_000)

    def _written(self, warning: str) -> None:
        """Marks were written: say a library warning, let the tables read again."""
        if warning:  # the verdict library could not follow; the marks are written
            self.post(warning, 10_000)
        judged_changed()  # Judged before and Never judged read the library and marks again
        self.changed.emit()

    def forget(self) -> None:
        """Another project (or none): the old project's steps cannot be undone here, and
        the rows Mark All Shown was finding are dropped with its task."""
        self.undo_stack.clear()
        self.finding_shown = False
        self.writing = ""  # its task was cancelled with the project
        self.planning_disavow = False

    # -- disavow files -----------------------------------------------------------------------

    def import_disavow_file(self, path: Path | None = None) -> bool:
        """Import the client's current disavow file; show what it covers."""
        db = self._ready()
        if db is None:
            return False
        if path is None:
            path = ask_open_path(self.window(), "Import Disavow File", Path.home(),
                                 DISAVOW_FILTER)
            if path is None:
                return False
        try:
            report = import_disavow(db, path)
        except DisavowError as error:
            show_error(self.window(), "Cannot import the disavow file", str(error))
            return False
        self.undo_stack.clear()  # the file's marks are not one of the undoable steps
        judged_changed()
        self.changed.emit()
        covered = report.coverage
        lines = [
            f"Entries: {len(report.parsed.entries):,}",
            f"Links of the profile it disavows: {covered.links:,} "
            f"(on {covered.domains:,} referring domains, {covered.whole_domains:,} whole)",
            f"Marks added: {report.domain_marks_added:,} domains, "
            f"{report.link_marks_added:,} links",
            f"Entries for sites not in the profile (kept for the next file): "
            f"{len(covered.not_in_profile):,}",
        ]
        corrected = report.parsed.corrected
        if corrected:
            lines += ["", "Corrected (the file itself still needs fixing for Google):",
                      *(f"line {e.line_no}: {e.text.strip()[:100]} read as {e.line} "
                        f"({e.corrected})" for e in corrected)]
        if report.conflicts:
            lines += ["", "Left as they are (marked keep):", *report.conflicts]
        if report.library_warning:
            lines += ["", report.library_warning]
        headline = ("This file was imported before; nothing changed." if report.already_imported
                    else f"Imported {report.file_name}.")
        dialog = TextReport("Disavow File Imported", headline, "\n".join(lines), self.window())
        dialog.open()
        return True

    def export_disavow_file(self, path: Path | None = None) -> DisavowExportDialog | None:
        """Show the planned disavow file with its warnings and changes; save it on request.

        `path` answers the "save as" question in advance (tests, scripts). A big project's
        file is planned on a worker (0.5-2 s on 100k-1M links): the dialog opens when it is
        known, and None is returned.
        """
        db = self._ready()  # writing the file also records it in the project
        project = self.opened.project
        if db is None or project is None:
            return None
        name = project.path.stem
        if not self._plan_in_background():
            return self._show_disavow_plan(plan_disavow(db, project_name=name), path)
        if self.planning_disavow:
            self.post("Still planning the disavow file: it opens when it is ready.", 10_000)
            return None

        def planned(outcome: TaskOutcome) -> None:
            self.planning_disavow = False
            self.post("", 0)
            if outcome.error:
                show_error(self.window(), "Cannot plan the disavow file", outcome.error)
            elif isinstance(outcome.result, DisavowPlan) and self._db() is not None:
                self._show_disavow_plan(outcome.result, path)

        self.planning_disavow = self.jobs.run_task(
            "disavow plan", lambda opened, *_: plan_disavow(opened.db, project_name=name),
            planned) is not None
        if self.planning_disavow:
            self.post("Planning the disavow file…", 0)
        return None

    def _plan_in_background(self) -> bool:
        """Whether the project is big (the tables' rule: they load on a loader thread): its
        disavow file, its rule's rows and its Mark dialog's previews are planned on a worker."""
        return self.workspace.loader is not None

    def _show_disavow_plan(self, plan: DisavowPlan, path: Path | None
                           ) -> DisavowExportDialog | None:
        """The export dialog on a plan: the file, its warnings and changes; Save writes it."""
        db, project = self._db(), self.opened.project
        if db is None or project is None:
            return None

        def choose() -> Path | None:
            if path is not None:
                return path
            suggested = project.path.with_name(f"{project.path.stem}-disavow.txt")
            return ask_save_path(self.window(), "Save Disavow File", suggested, DISAVOW_FILTER)

        def write(planned: DisavowPlan, where: Path, confirmed: bool) -> Path:
            try:
                written = write_disavow(db, planned, where, confirmed=confirmed)
            except sqlite3.Error as error:
                raise DisavowError(
                    f"{where}: written, but LinkDesk could not note it in the project "
                    f"({error}); the next file's changes will be counted from the one "
                    "before") from None
            self.post(
                f"Disavow file written: {written} ({planned.lines:,} lines).", 10_000)
            return written

        dialog = DisavowExportDialog(plan, choose, write, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


def _targets_for_ids(db: sqlite3.Connection, table: str, ids: list[int]
                     ) -> Callable[[str], Target]:
    def target_for(level: str) -> Target:
        if level == table:
            return targets_from_ids(db, table, ids)
        return domains_of_links(db, ids)  # the referring domains of the selected links

    return target_for


def _shown_targets(project: Project, spec: TableSpec, filters: Filters,
                   table: str) -> dict[str, Target]:
    """On a worker: the rows `spec` shows with `filters`, for each level they can be marked
    at (a links table's rows, or their referring domains)."""
    ids = list(TableQuery(project.db, spec, filters).ordered_ids())
    target_for = _targets_for_ids(project.db, table, ids)
    return {level: target_for(level) for level in ((table, "domains") if table == "links"
                                                   else (table,))}
