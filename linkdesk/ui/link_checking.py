"""Checking links live from the window: which links, the job, its progress and its end.

Tools ▸ Check Selected / Shown / All Links start a check (workers/checker.py) with progress
and Cancel in the status bar (views/check_progress.py); its summary shows when it ends and
the tables read the new results. The coordinator (jobs.py) decides *when* a check may start (one
writer at a time: imports, checks and re-scoring) and runs it; this part asks for checks and
shows them.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from linkdesk.core.checker import CheckOptions
from linkdesk.core.tables import DOMAINS, LINKS
from linkdesk.ui.dialogs.check_summary import show_check_summary
from linkdesk.ui.dialogs.messages import show_error
from linkdesk.ui.parts import WindowContext, WindowPart
from linkdesk.ui.views.check_progress import CheckStatus
from linkdesk.ui.workers.checker import PLACEMENTS, CheckRequest, CheckResult
from linkdesk.ui.workers.task import Task, TaskOutcome


class LinkChecking(WindowPart):
    """The window's live checks: its Tools actions, its status bar widget, its summaries."""

    def __init__(self, window: QWidget, context: WindowContext) -> None:
        super().__init__(window, context)
        self.actions: list[QAction] = []  # Tools ▸ Check ...: off while a check runs
        self.options: CheckOptions | None = None  # None: the checker's defaults
        self.status = CheckStatus()
        self.scope = ""  # the running check's (CheckRequest.scope): names it in an error
        self.status.cancel_requested.connect(self.jobs.cancel_check)
        self.jobs.check_started.connect(self._started)
        self.jobs.check_finished.connect(self._done)
        self.jobs.check_stopped.connect(self._stopped)

    def check_selected(self) -> bool:
        """Check the selected links, or the links of the selected referring domains."""
        view = self.workspace.current_view()
        name = view.table.spec.name if view is not None else ""
        if view is None or name not in (LINKS.name, DOMAINS.name) or not view.selected_count():
            self.post("Select links, or referring domains, to check their links.", 10_000)
            return False
        if name == DOMAINS.name:
            return self._ask(CheckRequest("domains", domain_ids=tuple(view.selected_ids())))
        return self._ask(CheckRequest("selected", tuple(view.selected_ids())))

    def check_shown(self) -> bool:
        """Check the links the Links table shows with its filters (listed on the worker)."""
        model = self.workspace.models.get(LINKS.name)
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

    def _ask(self, request: CheckRequest) -> bool:
        decision = self.jobs.request_check(self.with_options(request))
        if decision.title:
            show_error(self.window(), decision.title, decision.reason)
        return bool(decision)

    def _started(self, job: Task, request: CheckRequest) -> None:
        job.progressed.connect(self.status.update_progress)
        self.scope = request.scope
        self._enable(False)
        self.status.start(request.scope_text)

    def _stopped(self) -> None:
        self.status.finish()
        self._enable(True)

    def _done(self, outcome: TaskOutcome) -> None:
        self.status.finish()
        self._enable(self.opened.project is not None)
        result: CheckResult | None = outcome.result
        if outcome.error:
            what = "the placements" if self.scope == PLACEMENTS else "the links"
            show_error(self.window(), f"Cannot check {what}", outcome.error)
        elif result is not None and result.request.scope == PLACEMENTS:
            pass  # ui/placements.py shows what changed
        elif result is not None:
            if result.summary.run_id is not None and self.opened.project is not None:
                self.workspace.reload()  # the Check column and the details panel
            show_check_summary(self.window(), result)

    def _enable(self, on: bool) -> None:
        for action in self.actions:
            action.setEnabled(on)
