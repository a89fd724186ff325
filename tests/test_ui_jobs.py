"""Background work in the window: one contract for every thread job, and the coordinator that
keeps to one writer at a time.

Every job (workers/job.py): `cancel()` asks, `wait()` only waits, and `finished` is emitted
exactly once, at the latest when `wait()` returns. The coordinator (ui/jobs.py) answers every
request with a typed decision: started, queued behind a re-score, or refused with a reason.
"""

from __future__ import annotations

import gc
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_majestic
from test_tables import SITE, build_project
from test_ui_window import WAIT_MS

from linkdesk.core.importers.pipeline import ImportOptions
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters
from linkdesk.ui.dashboard.worker import ProfileJob
from linkdesk.ui.jobs import Admission
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.preferences import Preferences
from linkdesk.ui.workers.checker import CheckRequest
from linkdesk.ui.workers.importer import ImportJob
from linkdesk.ui.workers.job import ThreadJob
from linkdesk.ui.workers.scorer import ScoreJob
from linkdesk.ui.workers.task import Task


class Stopped(Exception):
    """What the test task raises once it sees the cancel."""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_project(tmp_path_factory.mktemp("jobs") / "jobs.linkdesk", links=120)


@pytest.fixture
def copy(sample: Path, tmp_path: Path) -> Path:
    path = tmp_path / "client.linkdesk"
    path.write_bytes(sample.read_bytes())
    return path


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "majestic-more.csv"
    write_majestic(path, make_profile(40, site=SITE, seed=515))
    return path


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    main = MainWindow(Preferences(QSettings(str(tmp_path / "s.ini"),
                                            QSettings.Format.IniFormat)))
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()


def _finished(job: ThreadJob[Any]) -> list[Any]:
    outcomes: list[Any] = []
    job.finished.connect(outcomes.append)
    return outcomes


def _late_signals() -> None:
    """Deliver what the worker thread has queued for the GUI thread (its `done`)."""
    QCoreApplication.sendPostedEvents()


JOBS: dict[str, Callable[[Path, Path], ThreadJob[Any]]] = {
    "import": lambda project, export: ImportJob(project, [export], ImportOptions(site=SITE)),
    "score": lambda project, _export: ScoreJob(project, force=True),
    "dashboard": lambda project, _export: ProfileJob(project, Filters(), 1),
    "task": lambda project, _export: Task(project, lambda opened, _p, _c: opened.path.name),
}


@pytest.mark.parametrize("kind", sorted(JOBS))
def test_every_job_has_finished_once_when_wait_returns(
    qtbot: Any, kind: str, copy: Path, export: Path
) -> None:
    job = JOBS[kind](copy, export)
    outcomes = _finished(job)
    job.start()
    job.wait()
    assert len(outcomes) == 1 and outcomes[0] is job.outcome
    assert not getattr(outcomes[0], "cancelled", False)
    assert not getattr(outcomes[0], "error", "")
    _late_signals()  # the worker's own signal arrives after: it is not delivered twice
    assert len(outcomes) == 1
    job.deleteLater()


def test_wait_only_waits_and_cancel_only_asks(qtbot: Any, copy: Path) -> None:
    release = threading.Event()

    def work(_project: Project, progress: Callable[[Any], None],
             cancelled: Callable[[], bool]) -> str:
        progress("started")
        release.wait(WAIT_MS / 1000)
        if cancelled():
            raise Stopped
        return "done"

    finishing = Task(copy, work, cancelled_errors=(Stopped,))
    outcomes = _finished(finishing)
    finishing.start()
    release.set()
    finishing.wait()  # no cancel: the work ends as it would have
    assert [(o.result, o.cancelled) for o in outcomes] == [("done", False)]
    assert not finishing.worker.cancelled()

    release.clear()
    cancelling = Task(copy, work, cancelled_errors=(Stopped,))
    outcomes = _finished(cancelling)
    with qtbot.waitSignal(cancelling.progressed, timeout=WAIT_MS):
        cancelling.start()
    cancelling.cancel()  # asks: the work is still waiting, and sees it once released
    assert cancelling.running() and not outcomes
    release.set()
    with qtbot.waitSignal(cancelling.finished, timeout=WAIT_MS):
        pass
    assert [(o.result, o.cancelled) for o in outcomes] == [(None, True)]
    for job in (finishing, cancelling):
        job.deleteLater()


def test_the_coordinator_answers_started_queued_or_refused_with_a_reason(
    qtbot: Any, window: MainWindow, copy: Path, export: Path
) -> None:
    jobs = window.jobs
    assert window.open_project(copy)
    # Opening builds the sort indexes and scores in the background: an import waits for it.
    assert jobs.score_job is not None and jobs.writer_busy() == "re-scoring is running"
    queued = jobs.request_import([export])
    assert queued.admission is Admission.QUEUED and queued
    assert jobs.writer_busy() == "an import is running"
    again = jobs.request_import([export])
    assert again.admission is Admission.REFUSED and not again
    assert again.title == "An import is waiting to start"

    during_import: list[Any] = []

    def started(_job: ImportJob) -> None:
        during_import.append(jobs.request_check(CheckRequest("all")))
        during_import.append(jobs.rescore())

    jobs.import_started.connect(started)
    with qtbot.waitSignal(jobs.import_finished, timeout=WAIT_MS) as finished:
        pass
    assert finished.args[0].changed
    check, rescore = during_import
    assert check.admission is Admission.REFUSED and check.title == "An import is running"
    assert rescore.admission is Admission.REFUSED and not rescore.title  # silent: no message
    qtbot.waitUntil(lambda: jobs.score_job is None, timeout=WAIT_MS)  # the new links' scores
    assert jobs.writer_busy() == "" and window.workspace.scores_current
    started_again = jobs.rescore()
    assert started_again.admission is Admission.STARTED
    jobs.cancel_rescore()


def _closed_window(qtbot: Any, project: Path, settings: QSettings) -> weakref.ref[MainWindow]:
    """Open `project` in a window, close it as qtbot does; a weak reference to the window."""
    window = MainWindow(Preferences(settings))
    window.show()
    assert window.open_project(project)
    qtbot.waitUntil(lambda: window.jobs.score_job is None, timeout=WAIT_MS)
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    return weakref.ref(window)


def test_a_closed_window_is_freed_without_the_collector(qtbot: Any, copy: Path,
                                                          tmp_path: Path) -> None:
    # A window its parts point back at lives until Python's collector finds the cycle, and is
    # then destroyed in the middle of whatever Qt does at that moment (once, a hang).
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    gc.disable()  # only the window's last reference going may free it
    try:
        freed = _closed_window(qtbot, copy, settings)
        assert freed() is None
    finally:
        gc.enable()
