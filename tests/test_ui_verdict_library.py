"""The verdict library in the window (issue 20): two clients' projects share referring
domains; what was decided in one shows in the other as the Judged before column and filter,
the details panel's earlier verdicts and Marks ▸ Apply Earlier Verdicts… (preview, undo).
Project Settings keep the library options; a damaged library is a status-bar warning."""

from __future__ import annotations

import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_semrush
from test_ui_marks import _select

from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.library import Library, all_verdicts, project_options, set_project_options
from linkdesk.core.marks import MarkKind, apply_change, domain_marks, plan_domain_marks
from linkdesk.core.store import Project
from linkdesk.core.tables import DOMAINS, Filters, TableQuery, with_judged, with_marks
from linkdesk.ui.dialogs.apply_verdicts import ApplyVerdictsDialog
from linkdesk.ui.dialogs.project_settings import ProjectSettingsDialog
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.preferences import Preferences

WAIT_MS = 30_000
DISAVOW, KEEP, REVIEW = MarkKind.DISAVOW, MarkKind.KEEP, MarkKind.REVIEW


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two clients whose profiles share referring domains (the same seed: the same spam
    networks and directories turn up for every client)."""
    folder = tmp_path_factory.mktemp("clients")
    made = {}
    for name, site in (("acme", "acme-widgets.com"), ("bolt", "bolt-supplies.com")):
        export = folder / f"{name}.csv"
        write_semrush(export, make_profile(400, site=site, seed=5))
        with Project.open(folder / f"{name}.linkdesk") as project:
            import_file(project, export, ImportOptions(site=site))
        made[name] = folder / f"{name}.linkdesk"
    return made


@pytest.fixture
def clients(built: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """Fresh copies of both projects."""
    copies = {}
    for name, path in built.items():
        copies[name] = tmp_path / path.name
        shutil.copy(path, copies[name])
    return copies


def _window(qtbot: Any, tmp_path: Path, *, big: bool = False) -> MainWindow:
    prefs = Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    prefs.set_value("scoring/automatic", "false")
    window = MainWindow(prefs)
    if big:
        window.workspace.background_from_links = 0  # queries on the loader's connection
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


@pytest.fixture
def make_window(qtbot: Any, tmp_path: Path) -> Iterator[Any]:
    windows: list[MainWindow] = []

    def make(path: Path, *, big: bool = False) -> MainWindow:
        window = _window(qtbot, tmp_path, big=big)
        windows.append(window)
        assert window.open_project(path)
        window.workspace.show_tab("domains")
        _settle(qtbot, window)
        return window

    yield make
    for window in windows:
        window.close()


def _settle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.workspace.loading(), timeout=WAIT_MS)


def mark(path: Path, domains: list[str], kind: MarkKind | None, reason: str = "") -> str:
    """Mark in a project as another window or `linkdesk mark` does; returns the warning."""
    with Project.open(path) as project:
        return apply_change(project.db, plan_domain_marks(project.db, domains, kind, reason))


def shared(clients: dict[str, Path], count: int) -> list[str]:
    """Referring domains both clients have, most links first."""
    found = []
    with Project.open(clients["acme"]) as acme, Project.open(clients["bolt"]) as bolt:
        theirs = {row[0] for row in bolt.db.execute("SELECT domain FROM referring_domains")}
        for (domain,) in acme.db.execute("SELECT domain FROM referring_domains "
                                         "ORDER BY links DESC, domain"):
            if domain in theirs and "." in domain and not domain[0].isdigit() \
                    and not domain.startswith("["):
                found.append(domain)
    assert len(found) >= count
    return found[:count]


def filter_to(qtbot: Any, window: MainWindow, value: str | None) -> int:
    """Choose an entry of the Judged menu; the rows the Referring domains table shows."""
    menu = window.workspace.filter_bar.menus["judged"]
    menu.setCurrentIndex(menu.findData(value))
    _settle(qtbot, window)
    return window.workspace.shown_count()


def shown_domains(window: MainWindow) -> list[str]:
    model = window.workspace.models["domains"]
    column = model.spec.column_index("domain")
    return [model.values(row)[column] for row in range(model.rowCount())]


def judged_cell(window: MainWindow, domain: str) -> str:
    model = window.workspace.models["domains"]
    names = shown_domains(window)
    return str(model.index(names.index(domain), model.spec.column_index("judged")).data()
               or "")


def expected_never(path: Path, judged: set[str]) -> int:
    """Domains of the project with no mark and no verdict elsewhere."""
    with Project.open(path, create=False) as project:
        every = [row[0] for row in project.db.execute("SELECT domain FROM referring_domains")]
        marked = set(domain_marks(project.db, every))
    return len([d for d in every if d not in marked and d not in judged])


# -- the column and the filter ---------------------------------------------------------------


@pytest.mark.parametrize("big", [False, True], ids=["small", "loader"])
def test_judged_before_column_and_filter_show_what_the_other_project_decided(
        qtbot: Any, make_window: Any, clients: dict[str, Path], big: bool) -> None:
    domains = shared(clients, 6)
    mark(clients["acme"], domains[:3], DISAVOW, "PBN footer links")
    mark(clients["acme"], domains[3:4], KEEP, "local newspaper")
    mark(clients["bolt"], domains[5:6], REVIEW, "look again")  # judged here, not before
    window = make_window(clients["bolt"], big=big)
    if big:
        assert window.workspace.loader is not None
    spec = window.workspace.models["domains"].spec
    assert spec.column("judged").title == "Judged before"
    assert filter_to(qtbot, window, "judged") == 4
    assert sorted(shown_domains(window)) == sorted(domains[:4])
    assert judged_cell(window, domains[0]) == "disavowed in 1 project"
    assert judged_cell(window, domains[3]) == "kept in 1 project"
    assert filter_to(qtbot, window, "disavow") == 3
    assert filter_to(qtbot, window, "keep") == 1
    never = filter_to(qtbot, window, "never")
    assert never == expected_never(clients["bolt"], set(domains[:4]))
    assert domains[4] in shown_domains(window) and domains[5] not in shown_domains(window)

    # Decided meanwhile in the other project (another window, the command line): the next
    # query reads the library again, on whichever connection runs it.
    mark(clients["acme"], domains[4:5], DISAVOW, "spam")
    window.workspace.reload()
    _settle(qtbot, window)
    assert window.workspace.shown_count() == never - 1
    assert filter_to(qtbot, window, "disavow") == 4
    assert judged_cell(window, domains[4]) == "disavowed in 1 project"

    # Marked here: out of the review queue at once.
    filter_to(qtbot, window, "never")
    view = window.workspace.current_view()
    assert view is not None
    first = shown_domains(window)[0]
    _select(view, [0])
    dialog = window.marking.mark_selected(DISAVOW)
    assert dialog is not None
    dialog.accept()
    _settle(qtbot, window)
    assert window.workspace.shown_count() == never - 2
    assert first not in shown_domains(window)


def test_the_csv_export_spec_has_the_column(clients: dict[str, Path]) -> None:
    domains = shared(clients, 1)
    mark(clients["acme"], domains, DISAVOW)
    with Project.open(clients["bolt"]) as bolt:
        spec = with_judged(with_marks(DOMAINS))
        query = TableQuery(bolt.db, spec, Filters(judged="disavow"))
        ids = list(query.ordered_ids())
        assert len(ids) == 1
        row = query.rows(ids)[ids[0]]
        assert row[spec.column_index("judged")] == "disavowed in 1 project"


# -- the details panel -----------------------------------------------------------------------


def test_the_details_panel_lists_the_earlier_verdicts(
        qtbot: Any, make_window: Any, clients: dict[str, Path], tmp_path: Path) -> None:
    domains = shared(clients, 2)
    mark(clients["acme"], domains[:1], DISAVOW, "PBN footer links")
    cargo = tmp_path / "cargo.linkdesk"  # a third, confidential client
    shutil.copy(clients["acme"], cargo)
    with Project.open(cargo) as project:
        project.db.execute("DELETE FROM settings WHERE key LIKE 'library%'")  # its own id
        set_project_options(project.db, confidential=True)
    mark(cargo, domains[:1], None)
    mark(cargo, domains[:1], KEEP, "client's partner")
    window = make_window(clients["bolt"])
    filter_to(qtbot, window, "judged")
    view = window.workspace.current_view()
    assert view is not None
    view.selectRow(shown_domains(window).index(domains[0]))  # the current row: its details
    text = window.workspace.details.judged.text()
    assert text.startswith("Judged before: disavowed in 1 project, kept in 1 project")
    assert "Disavow · acme · " in text and "PBN footer links" in text
    assert "Keep · a confidential project · " in text and "client's partner" in text
    assert "cargo" not in text
    assert window.workspace.details.judged.isVisible()
    filter_to(qtbot, window, "never")
    view.selectRow(0)
    assert "not judged" in window.workspace.details.judged.text().lower()


# -- Apply Earlier Verdicts ------------------------------------------------------------------


def test_apply_earlier_verdicts_previews_changes_only_undecided_domains_and_undoes(
        qtbot: Any, make_window: Any, clients: dict[str, Path]) -> None:
    domains = shared(clients, 5)
    mark(clients["acme"], domains[:4], DISAVOW, "spam network")
    mark(clients["acme"], domains[4:5], KEEP, "partner")
    mark(clients["bolt"], domains[0:1], KEEP, "our own")  # project marks win
    mark(clients["bolt"], domains[1:2], REVIEW, "unsure")  # review: undecided
    window = make_window(clients["bolt"])
    before = _bolt_marks(window, domains)
    dialog = window.verdicts.apply_earlier()
    assert isinstance(dialog, ApplyVerdictsDialog)
    planned(qtbot, dialog)
    summary = dialog.summary.text()
    assert "5 domains of this project were judged before" in summary
    assert "4 domains would change: 3 disavow, 1 keep" in summary
    assert "1 marked disavow or keep in this project" in summary
    rows = {_cell(dialog, row, 0): (_cell(dialog, row, 1), _cell(dialog, row, 2))
            for row in range(dialog.table.rowCount())}
    assert rows == {domains[1]: ("Review", "Disavow"), domains[2]: ("—", "Disavow"),
                    domains[3]: ("—", "Disavow"), domains[4]: ("—", "Keep")}
    # the reason a person gave, not a repeat of the Judged before column
    reasons = {_cell(dialog, row, 0): (_cell(dialog, row, 3), _cell(dialog, row, 4))
               for row in range(dialog.table.rowCount())}
    assert reasons[domains[2]] == ("disavowed in 1 project", "spam network")
    assert reasons[domains[4]] == ("kept in 1 project", "partner")
    dialog.verdicts["keep"].setChecked(False)  # plan again without keep
    planned(qtbot, dialog)
    assert dialog.table.rowCount() == 3
    dialog.verdicts["keep"].setChecked(True)  # planned before: shown at once
    assert dialog.plan is not None and dialog.table.rowCount() == 4
    dialog.accept()
    after = _bolt_marks(window, domains)
    assert after[domains[0]] == ("keep", "our own")
    assert {d: after[d][0] for d in domains[1:]} == {
        domains[1]: "disavow", domains[2]: "disavow", domains[3]: "disavow",
        domains[4]: "keep"}
    assert after[domains[2]][1] == "judged before (disavowed in 1 project): spam network"
    # Applied marks are copies: the library still counts only acme's decisions.
    with Library.open(create=False) as library:
        sources = {v.source_name for d in all_verdicts(library) for v in d.verdicts
                   if d.domain in domains[2:]}
    assert sources == {"acme"}
    assert window.marking.undo_stack.canUndo()
    window.marking.undo()
    assert _bolt_marks(window, domains) == before
    window.marking.redo()
    assert _bolt_marks(window, domains) == after


def planned(qtbot: Any, dialog: ApplyVerdictsDialog) -> None:
    """Wait for the plan of the verdicts ticked, worked out on a worker thread."""
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=WAIT_MS)


def test_the_plan_is_worked_out_off_the_gui_thread(
        qtbot: Any, make_window: Any, clients: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from linkdesk.ui import verdict_library

    domains = shared(clients, 3)
    mark(clients["acme"], domains, DISAVOW, "spam network")
    window = make_window(clients["bolt"])
    threads: list[str] = []
    real = verdict_library.plan_apply

    def plan_apply(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(verdict_library, "plan_apply", plan_apply)
    dialog = window.verdicts.apply_earlier()
    assert dialog is not None
    assert dialog.plan is None and "Working out" in dialog.summary.text()
    planned(qtbot, dialog)
    assert "3 domains would change: 3 disavow" in dialog.summary.text()
    assert threads and threading.main_thread().name not in threads
    dialog.reject()


def _cell(dialog: ApplyVerdictsDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return item.text()


def _bolt_marks(window: MainWindow, domains: list[str]) -> dict[str, tuple[str, str]]:
    assert window.project is not None
    found = domain_marks(window.project.db, domains)
    return {d: (m.kind.value, m.reason) for d, m in found.items()}


def test_nothing_to_apply_says_so(qtbot: Any, make_window: Any,
                                  clients: dict[str, Path]) -> None:
    window = make_window(clients["bolt"])
    dialog = window.verdicts.apply_earlier()
    assert dialog is not None
    planned(qtbot, dialog)
    assert "nothing to apply" in dialog.summary.text()
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Apply).isEnabled()
    dialog.reject()


# -- Project Settings ------------------------------------------------------------------------


def test_project_settings_keep_the_library_options(
        qtbot: Any, make_window: Any, clients: dict[str, Path]) -> None:
    domains = shared(clients, 1)
    window = make_window(clients["bolt"])
    mark(clients["bolt"], domains, DISAVOW, "spam")
    dialog = window.edit_project_settings()
    assert isinstance(dialog, ProjectSettingsDialog)
    assert dialog.library_feed is not None and dialog.library_confidential is not None
    assert dialog.library_feed.isChecked() and not dialog.library_confidential.isChecked()
    dialog.library_confidential.setChecked(True)
    dialog.accept()
    assert window.project is not None
    assert project_options(window.project.db).confidential
    with Library.open(create=False) as library:
        names = [v.source_name for d in all_verdicts(library) for v in d.verdicts]
    assert names == [None]  # counted, never named

    dialog = window.edit_project_settings()
    assert dialog is not None and dialog.library_feed is not None
    assert dialog.library_confidential is not None and dialog.library_confidential.isChecked()
    dialog.library_feed.setChecked(False)
    dialog.accept()
    with Project.open(clients["bolt"], create=False) as again:  # kept in the file
        assert project_options(again.db).feed is False
    with Library.open(create=False) as library:
        assert all_verdicts(library) == []  # its verdicts are out of the library


# -- a library that cannot be read -----------------------------------------------------------


def test_a_damaged_library_is_a_warning_and_the_window_works(
        qtbot: Any, make_window: Any, clients: dict[str, Path],
        private_library: Path) -> None:
    private_library.write_bytes(b"this is no database at all\n" * 200)
    window = make_window(clients["bolt"])
    message = window.statusBar().currentMessage()
    assert "verdict library cannot be read" in message and str(private_library) in message
    total = window.workspace.shown_count()
    assert total > 0
    assert filter_to(qtbot, window, "judged") == 0
    assert filter_to(qtbot, window, "never") == expected_never(clients["bolt"], set())
    view = window.workspace.current_view()
    assert view is not None
    view.selectRow(0)
    assert "cannot be read" in window.workspace.details.judged.text()
    dialog = window.verdicts.apply_earlier()  # the library is read by the first plan
    qtbot.waitUntil(lambda: window.findChild(object, "errorMessage") is not None,
                    timeout=WAIT_MS)  # an error message, not a traceback
    assert dialog is not None and not (isValid(dialog) and dialog.isVisible())
    box = window.findChild(object, "errorMessage")
    assert box is not None and "damaged" in box.text()
    box.close()
    assert private_library.read_bytes().startswith(b"this is no database")


def test_the_dashboard_charts_the_domains_the_judged_filter_keeps(
        qtbot: Any, make_window: Any, clients: dict[str, Path]) -> None:
    domains = shared(clients, 3)
    mark(clients["acme"], domains, DISAVOW, "spam")
    window = make_window(clients["bolt"])
    filter_to(qtbot, window, "disavow")
    dashboard = window.workspace.dashboard
    window.workspace.show_tab("dashboard")
    assert dashboard.wait_until_ready()
    assert dashboard.error == ""  # its own connection has the earlier verdicts too
    scope, balance = dashboard.report.scope, dashboard.report.balance
    assert scope is not None and scope.domains_filtered
    assert balance is not None and balance.domains == 3


def test_coming_back_to_the_window_shows_what_was_judged_meanwhile(
        qtbot: Any, make_window: Any, clients: dict[str, Path]) -> None:
    domains = shared(clients, 2)
    window = make_window(clients["bolt"])
    assert filter_to(qtbot, window, "disavow") == 0
    mark(clients["acme"], domains, DISAVOW, "spam")  # in another window, or a command
    QApplication.sendEvent(window.workspace, QEvent(QEvent.Type.ActivationChange))
    _settle(qtbot, window)
    assert sorted(shown_domains(window)) == sorted(domains)
    assert judged_cell(window, domains[0]) == "disavowed in 1 project"


def test_export_writes_the_column_and_takes_the_judged_filter(
        clients: dict[str, Path], run_linkdesk: Any, tmp_path: Path) -> None:
    domains = shared(clients, 2)
    mark(clients["acme"], domains, DISAVOW, "spam")
    out = tmp_path / "queue.csv"
    done = run_linkdesk("export", clients["bolt"], "--table", "domains", "--judged",
                        "disavow", "-o", out)
    assert done.returncode == 0, done.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert "Judged before" in header
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(domains)
    assert all("disavowed in 1 project" in line for line in lines[1:])
    done = run_linkdesk("export", clients["bolt"], "--table", "links", "--judged", "never",
                        "-o", out)
    assert done.returncode == 2 and "cannot be filtered by judged" in done.stderr
