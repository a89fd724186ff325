"""Checking links live from the window: which links, the job, its progress and its end.

Tools ▸ Check Selected / Shown / All Links start a check (workers/checker.py) with progress
and Cancel in the status bar (views/check_progress.py); its summary shows when it ends and
the tables read the new results. The window decides *when* a check may start (one writer at a
time: imports, checks and re-scoring); this module runs it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStatusBar, QWidget

from linkdesk.core.checker import CheckOptions
from linkdesk.core.tables import DOMAINS, LINKS
from linkdesk.ui.dialogs.check_summary import show_check_summary
from linkdesk.ui.dialogs.messages import show_error
from linkdesk.ui.views.check_progress import CheckStatus
from linkdesk.ui.workers.checker import CheckRequest, CheckResult, start_check
from linkdesk.ui.workers.task import Task, TaskOutcome


class CheckingHost(Protocol):
    """What checking needs of the main window (a protocol: the window imports this module)."""

    project: Any  # linkdesk.core.store.Project | None
    workspace: Any  # linkdesk.ui.workspace.Workspace
    last_dialog: QWidget | None

    def statusBar(self) -> QStatusBar: ...

    def start_check(self, request: CheckRequest) -> bool:
        """Start `request` when nothing else writes (it may wait for a re-score to stop);
        False if it cannot start now."""
        ...


class LinkChecking(QObject):
    """The window's live checks: at most one running, its status bar widget, its actions."""

    finished = Signal(object)  # TaskOutcome (result: CheckResult)

    def __init__(self, host: CheckingHost) -> None:
        # A child of the window: Qt deletes it with the window. Without a parent it would
        # live until Python's collector found the window's cycle, and die in the middle of
        # whatever Qt was doing then (a test run once hung in QObject::~QObject).
        super().__init__(host)  # type: ignore[arg-type]
        self.host = host
        self.actions: list[QAction] = []  # Tools ▸ Check ...: off while a check runs
        self.job: Task | None = None
        self.options: CheckOptions | None = None  # None: the checker's defaults
        self.status = CheckStatus()
        self.status.cancel_requested.connect(self.cancel)

    @property
    def running(self) -> bool:
        """Whether a check is running."""
        return self.job is not None

    def check_selected(self) -> bool:
        """Check the selected links, or the links of the selected referring domains."""
        view = self.host.workspace.current_view()
        name = view.table.spec.name if view is not None else ""
        if view is None or name not in (LINKS.name, DOMAINS.name) or not view.selected_count():
            self.host.statusBar().showMessage(
                "Select links, or referring domains, to check their links.", 10_000)
            return False
        if name == DOMAINS.name:
            return self._ask(CheckRequest("domains", domain_ids=tuple(view.selected_ids())))
        return self._ask(CheckRequest("selected", tuple(view.selected_ids())))

    def check_shown(self) -> bool:
        """Check the links the Links table shows with its filters (listed on the worker)."""
        model = self.host.workspace.models.get(LINKS.name)
        if model is None:
            return False
        return self._ask(CheckRequest("shown", spec=model.spec, filters=model.filters))

    def check_all(self) -> bool:
        """Check every link of the project."""
        return self._ask(CheckRequest("all"))

    def with_options(self, request: CheckRequest) -> CheckRequest:
        """The request with these checks' options (tests set shorter timeouts)."""
        if self.options is None or request.options is not None:
            return request
        return replace(request, options=self.options)

    def start(self, request: CheckRequest) -> None:
        """Start checking now (the window has made sure nothing else writes)."""
        project = self.host.project
        assert project is not None and self.job is None
        self.job = start_check(project.path, self.with_options(request), self)
        self.job.progressed.connect(self.status.update_progress)
        self.job.finished.connect(self._done)
        self._enable(False)
        self.status.start(request.scope_text)

    def cancel(self) -> None:
        """Stop the running check; the links checked so far keep their results."""
        if self.job is not None:
            self.job.cancel()

    def stop(self) -> None:
        """Closing the project or the window: cancel the check and wait for it (a moment:
        requests in flight are dropped)."""
        if self.job is None:
            return
        job, self.job = self.job, None
        job.finished.disconnect(self._done)
        job.wait()
        job.deleteLater()
        self.status.finish()
        self._enable(True)

    def _ask(self, request: CheckRequest) -> bool:
        return self.host.project is not None and self.host.start_check(request)

    def _done(self, outcome: TaskOutcome) -> None:
        if self.job is not None:
            self.job.deleteLater()
        self.job = None
        self.status.finish()
        self._enable(self.host.project is not None)
        result: CheckResult | None = outcome.result
        if outcome.error:
            self.host.last_dialog = show_error(self.host, "Cannot check the links",
                                               outcome.error)
        elif result is not None:
            if result.summary.run_id is not None and self.host.project is not None:
                self.host.workspace.reload()  # the Check column and the details panel
            self.host.last_dialog = show_check_summary(self.host, result)
        self.finished.emit(outcome)

    def _enable(self, on: bool) -> None:
        for action in self.actions:
            action.setEnabled(on)
