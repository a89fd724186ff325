"""Marking in the window: preview, apply, undo/redo, keep protection, rules, disavow files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QThread

sys.path.insert(0, str(Path(__file__).parent))

from PySide6.QtWidgets import QLabel
from test_tables_scores import build_scored_project
from test_ui_window import shown_dialog

from linkdesk.core.disavow import validate_file
from linkdesk.core.marks import MarkKind
from linkdesk.core.stats import project_stats
from linkdesk.core.store import Project
from linkdesk.ui.dialogs.disavow_export import DisavowExportDialog
from linkdesk.ui.dialogs.mark_dialog import MarkDialog
from linkdesk.ui.dialogs.messages import TextReport
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.views.table_view import TableView


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_project(tmp_path_factory.mktemp("marks") / "marks.linkdesk", links=300)


@pytest.fixture
def window(open_window: Any, scored: Path) -> MainWindow:
    return open_window(scored, (1280, 800))


def _select(view: TableView, rows: list[int]) -> None:
    selection = QItemSelection()
    for row in rows:
        selection.select(view.table.index(row, 0), view.table.index(row, 0))
    view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                 | QItemSelectionModel.SelectionFlag.Rows)


def _mark_dialog(window: MainWindow, table: str, rows: list[int],
                 kind: MarkKind | None) -> MarkDialog:
    """Select `rows` of a table and open the Mark dialog on them."""
    window.workspace.show_tab(table)
    view = window.workspace.current_view()
    assert view is not None
    _select(view, rows)
    dialog = window.marking.mark_selected(kind)
    assert isinstance(dialog, MarkDialog)
    return dialog


def _marks(window: MainWindow, rows: list[int]) -> list[str]:
    view = window.workspace.current_view()
    assert view is not None
    column = view.table.spec.column_index("mark")
    return [str(view.table.index(row, column).data() or "") for row in rows]


def _stats(window: MainWindow) -> dict[str, Any]:
    assert window.project is not None
    with Project.open(window.project.path, create=False) as project:
        return project_stats(project.db)


def test_disavowing_selected_domains_previews_applies_and_undoes(window: MainWindow) -> None:
    dialog = _mark_dialog(window, "domains", [0, 2], MarkKind.DISAVOW)
    assert "2 marked" in dialog.preview.toPlainText()
    dialog.reason.setText("PBN footer links")
    dialog.accept()
    assert _marks(window, [0, 1, 2]) == ["Disavow", "", "Disavow"]
    assert _stats(window)["disavowed_domains"] == 2
    assert window.marking.undo_stack.canUndo()
    window.marking.undo_stack.undo()
    assert _marks(window, [0, 2]) == ["", ""]
    assert _stats(window)["disavowed_domains"] == 0
    window.marking.undo_stack.redo()
    assert _marks(window, [0, 2]) == ["Disavow", "Disavow"]


def test_a_links_domain_can_be_disavowed_from_the_links_table(window: MainWindow) -> None:
    view = window.workspace.current_view()
    assert view is not None
    _select(view, [0])
    dialog = window.marking.mark_selected(MarkKind.DISAVOW)
    assert dialog is not None
    domains_button = next(b for b in dialog.levels.buttons() if b.property("level") == "domains")
    domains_button.setChecked(True)
    assert "Links of the profile affected" in dialog.preview.toPlainText()
    dialog.accept()
    assert _marks(window, [0]) == ["Disavow (domain)"]
    stats = _stats(window)
    assert stats["disavowed_domains"] == 1 and stats["disavowed_links"] >= 1


def test_keep_protects_a_domain_from_a_bulk_disavow(window: MainWindow) -> None:
    keep = _mark_dialog(window, "domains", [1], MarkKind.KEEP)
    keep.accept()
    shown = window.marking.mark_shown(MarkKind.DISAVOW)
    assert shown is not None
    assert "1 left alone: protected by a keep mark" in shown.preview.toPlainText()
    shown.accept()
    stats = _stats(window)
    assert stats["kept_domains"] == 1
    assert stats["disavowed_domains"] == window.workspace.shown_count() - 1
    assert _marks(window, [1]) == ["Keep"]


def test_marking_by_rule_picks_domains_by_their_scores(window: MainWindow) -> None:
    rule_dialog = window.marking.mark_by_rule()
    assert rule_dialog is not None
    rule_dialog.risk.setCurrentIndex(0)  # any risk
    rule_dialog.quality.setValue(50)
    rule_dialog.accept()
    dialog = shown_dialog(window, MarkDialog)
    with Project.open(window.project.path, create=False) as project:  # type: ignore[union-attr]
        weak = project.db.execute(
            "SELECT count(*) FROM domain_scores WHERE quality < 50").fetchone()[0]
    assert weak > 0 and f"{weak:,} marked" in dialog.preview.toPlainText()
    dialog.accept()
    assert _stats(window)["disavowed_domains"] == weak


def test_exporting_a_disavow_file_round_trips_through_the_validator(
    window: MainWindow, tmp_path: Path
) -> None:
    dialog = _mark_dialog(window, "domains", [0, 1, 2], MarkKind.DISAVOW)
    dialog.reason.setText("spam")
    dialog.accept()
    output = tmp_path / "disavow.txt"
    export = window.marking.export_disavow_file(output)
    assert isinstance(export, DisavowExportDialog)
    assert export.plan.domains == 3
    if export.plan.needs_confirmation:  # e.g. a strong domain among the three
        assert not export.buttons.button(export.buttons.StandardButton.Save).isEnabled()
        export.confirm.setChecked(True)
    export.save()
    assert export.written == output
    report = validate_file(output)
    assert not report.rejected
    text = output.read_text(encoding="utf-8")
    assert text.count("\ndomain:") + text.startswith("domain:") == 3
    assert "# spam" in text or "spam" in text


def test_importing_the_clients_disavow_file_marks_what_it_covers(
    window: MainWindow, tmp_path: Path
) -> None:
    window.workspace.show_tab("domains")
    view = window.workspace.current_view()
    assert view is not None
    domain_column = view.table.spec.column_index("domain")
    domain = str(view.table.index(0, domain_column).data())
    old = tmp_path / "old-disavow.txt"
    old.write_text(f"# the client's file\ndomain:{domain}\ndomain:not-in-this-profile.example\n",
                   encoding="utf-8")
    assert window.marking.import_disavow_file(old)
    report = shown_dialog(window, TextReport)
    assert report.windowTitle() == "Disavow File Imported"
    window.workspace.filter_bar.menus["marked"].setCurrentIndex(3)  # Disavow
    assert window.workspace.shown_count() == 1
    assert _marks(window, [0]) == ["Disavow"]


def test_marks_wait_for_a_running_rescore(window: MainWindow) -> None:
    assert window.jobs.rescore()
    window.workspace.show_tab("domains")
    view = window.workspace.current_view()
    assert view is not None
    _select(view, [0])
    assert window.marking.mark_selected(MarkKind.DISAVOW) is None
    assert "re-scoring" in window.statusBar().currentMessage()
    window.jobs.cancel_rescore()


def test_undo_and_redo_sit_in_the_edit_menu_with_the_usual_keys(window: MainWindow) -> None:
    from PySide6.QtGui import QKeySequence

    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    undo, redo = edit.actions()[:2]
    assert undo.text().startswith("&Undo") and redo.text().startswith("&Redo")
    assert QKeySequence("Ctrl+Z") in undo.shortcuts()
    assert not undo.isEnabled()  # nothing to undo yet
    marks = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Marks")
    titles = [action.text() for action in marks.actions() if not action.isSeparator()]
    assert "&Export Disavow File…" in titles and "Mark by R&ule…" in titles


def test_undo_waits_while_another_job_writes(window: MainWindow, monkeypatch: Any) -> None:
    dialog = _mark_dialog(window, "domains", [0], MarkKind.REVIEW)
    dialog.accept()
    assert window.marking.undo_stack.index() == 1
    monkeypatch.setattr(window.jobs, "writer_busy", lambda: "an import is running")
    window.marking.undo_action.trigger()
    assert window.marking.undo_stack.index() == 1  # refused: the stack did not move
    assert _marks(window, [0]) == ["Review"]
    assert "import" in window.statusBar().currentMessage()
    monkeypatch.undo()
    window.marking.undo_action.trigger()
    assert window.marking.undo_stack.index() == 0 and _marks(window, [0]) == [""]


def test_a_failed_write_is_not_kept_as_an_undo_step(
    window: MainWindow, monkeypatch: Any
) -> None:
    import sqlite3

    import linkdesk.ui.marking as marking

    def locked(*_args: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    dialog = _mark_dialog(window, "domains", [0], MarkKind.DISAVOW)
    monkeypatch.setattr(marking, "apply_change", locked)
    dialog.accept()
    assert window.marking.undo_stack.count() == 0
    assert "were not changed" in window.statusBar().currentMessage()
    assert _stats(window)["disavowed_domains"] == 0


def test_the_details_say_how_a_row_is_marked_and_why(window: MainWindow) -> None:
    dialog = _mark_dialog(window, "domains", [0], MarkKind.DISAVOW)
    dialog.reason.setText("PBN <b>footer</b> links")
    dialog.accept()
    view = window.workspace.current_view()
    assert view is not None
    view.setCurrentIndex(view.table.index(0, 0))
    mark = window.workspace.details.mark
    assert mark.isVisible() and mark.textFormat() == Qt.TextFormat.PlainText
    assert mark.text().startswith("Marked: Disavow · PBN <b>footer</b> links · 20")
    view.setCurrentIndex(view.table.index(1, 0))
    assert not mark.isVisible()  # not marked
    # A link of the marked domain inherits the mark, and the details say so.
    domain = str(view.table.index(0, view.table.spec.column_index("domain")).data())
    window.workspace.show_tab("links")
    links = window.workspace.current_view()
    assert links is not None
    column = links.table.spec.column_index("domain")
    row = next(r for r in range(links.table.rowCount())
               if links.table.index(r, column).data() == domain)
    links.setCurrentIndex(links.table.index(row, 0))
    assert mark.text().startswith("Marked: Disavow (domain) · PBN")


def test_a_big_mark_is_written_undone_and_redone_on_a_worker(
    qtbot: Any, window: MainWindow, monkeypatch: Any
) -> None:
    """A rule's thousands of domains took seconds on the GUI thread; the stack stays exact."""
    import linkdesk.ui.mark_writing as mark_writing
    import linkdesk.ui.marking as marking

    gui = QThread.currentThread()
    threads: list[bool] = []  # True: written on the GUI thread

    def watched(write: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            threads.append(QThread.currentThread() is gui)
            return write(*args, **kwargs)
        return run

    monkeypatch.setattr(mark_writing, "BACKGROUND_FROM_EDITS", 1)  # every change counts as big
    monkeypatch.setattr(marking, "apply_change", watched(marking.apply_change))
    monkeypatch.setattr(marking, "revert_change", watched(marking.revert_change))

    def written() -> None:
        qtbot.waitUntil(lambda: not window.marking.writing, timeout=60_000)

    dialog = _mark_dialog(window, "domains", [0, 2], MarkKind.DISAVOW)
    dialog.accept()
    assert window.marking.writing  # the window goes on while the worker writes
    assert window.marking.mark_selected(MarkKind.KEEP) is None  # one write at a time
    written()
    assert window.marking.undo_stack.index() == 1
    qtbot.waitUntil(lambda: _marks(window, [0, 1, 2]) == ["Disavow", "", "Disavow"])
    window.marking.undo()
    assert window.marking.undo_stack.index() == 1  # it moves once the write is done
    written()
    assert window.marking.undo_stack.index() == 0 and _stats(window)["disavowed_domains"] == 0
    window.marking.redo()
    written()
    assert window.marking.undo_stack.index() == 1 and _stats(window)["disavowed_domains"] == 2
    assert threads == [False, False, False]  # apply, revert, apply: all on the worker


def test_a_big_projects_disavow_file_is_planned_on_a_worker(
    qtbot: Any, window: MainWindow, monkeypatch: Any, tmp_path: Path
) -> None:
    import linkdesk.ui.marking as marking

    gui = QThread.currentThread()
    threads: list[bool] = []
    plan = marking.plan_disavow

    def watched(*args: Any, **kwargs: Any) -> Any:
        threads.append(QThread.currentThread() is gui)
        return plan(*args, **kwargs)

    monkeypatch.setattr(marking, "plan_disavow", watched)
    monkeypatch.setattr(window.marking, "_plan_in_background", lambda: True)
    _mark_dialog(window, "domains", [0, 1], MarkKind.DISAVOW).accept()
    assert window.marking.export_disavow_file(tmp_path / "disavow.txt") is None  # not yet
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(DisavowExportDialog)),
                    timeout=60_000)
    export = shown_dialog(window, DisavowExportDialog)
    assert export.plan.domains == 2
    assert threads == [False]


def test_the_rule_dialog_says_and_applies_the_chosen_mark(window: MainWindow) -> None:
    rule_dialog = window.marking.mark_by_rule()
    assert rule_dialog is not None
    form_labels = {label.text() for label in rule_dialog.findChildren(QLabel)}
    assert "Mark as:" in form_labels  # it says which mark, and lets the user choose it
    assert rule_dialog.width() >= 400  # room for its choices (it was 277 px wide)
    rule_dialog.risk.setCurrentIndex(0)
    rule_dialog.quality.setValue(50)
    rule_dialog.kind.setCurrentText("Review later")
    rule_dialog.accept()
    dialog = shown_dialog(window, MarkDialog)
    assert dialog.kind.currentText() == "Review later"


def test_accepting_the_preview_does_not_plan_it_again(
    window: MainWindow, monkeypatch: Any
) -> None:
    """Planning a rule's thousands of domains takes a second: Apply uses the plan shown,
    and plans again only for a reason typed since."""
    import linkdesk.ui.dialogs.mark_dialog as mark_dialog

    dialog = _mark_dialog(window, "domains", [0, 2], MarkKind.DISAVOW)
    plans: list[str] = []
    real = mark_dialog.plan_marks

    def counted(*args: Any, **kwargs: Any) -> Any:
        plans.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(mark_dialog, "plan_marks", counted)
    dialog.accept()
    assert plans == []
    assert _marks(window, [0, 2]) == ["Disavow", "Disavow"]
    again = _mark_dialog(window, "domains", [1], MarkKind.REVIEW)
    plans.clear()  # its first preview
    again.reason.setText("ask the client")  # typed, Enter not pressed
    again.accept()
    assert plans == ["ask the client"]
    assert _marks(window, [1]) == ["Review"]
