"""The verdict library in the window (issue 20): Marks ▸ Apply Earlier Verdicts…, the
project's library options, and the library's trouble said in the status bar.

The tables' Judged before column and filter (core/tables/judged.py) and the details panel's
earlier verdicts (workspace.py) read the library themselves; this part turns what they
could not read into one status-bar message per problem, never an error dialog: a library
that cannot be read or written never stops the window. Applying earlier verdicts is marking:
its plan is previewed, then written through `Marking.push` as one undoable step, and project
marks always win (core/verdicts/apply.py). The plan (a second or so on a million links) is
worked out on a worker thread (`JobCoordinator.run_task`), each set of verdicts once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from linkdesk.core.library import (
    DomainVerdicts,
    LibraryError,
    ProjectOptions,
    earlier_verdicts,
    project_options,
    set_project_options,
)
from linkdesk.core.store import Project
from linkdesk.core.tables import judged_changed
from linkdesk.core.verdicts import ApplyPlan, plan_apply
from linkdesk.ui.dialogs.apply_verdicts import ApplyVerdictsDialog
from linkdesk.ui.dialogs.messages import show_error
from linkdesk.ui.marking import Marking
from linkdesk.ui.parts import WindowContext, WindowPart
from linkdesk.ui.workers.task import TaskOutcome

WARNING_MS = 15_000


class VerdictLibrary(WindowPart):
    """Apply Earlier Verdicts, the project's library options, and the library's warnings."""

    def __init__(self, window: QWidget, context: WindowContext, marking: Marking) -> None:
        super().__init__(window, context)
        self.marking = marking
        self._said: set[str] = set()  # warnings already shown in this session
        self.workspace.library_warning.connect(self.warn)

    def warn(self, text: str) -> None:
        """Say a library problem in the status bar, once per problem."""
        if text and text not in self._said:
            self._said.add(text)
            self.post(text, WARNING_MS)

    # -- Marks ▸ Apply Earlier Verdicts… -----------------------------------------------------

    def apply_earlier(self) -> ApplyVerdictsDialog | None:
        """Preview what the library's verdicts would change in this project; Apply marks it
        (one undoable step)."""
        project = self.opened.project
        if project is None:
            return None
        if not self.writer_free("Earlier verdicts can be applied"):
            return None
        cache: dict[tuple[str, ...], ApplyPlan] = {}
        asked: set[tuple[str, ...]] = set()
        earlier: list[dict[str, DomainVerdicts]] = []  # read once, by the first plan

        def plan_for(verdicts: tuple[str, ...]) -> ApplyPlan | None:
            if verdicts not in cache and verdicts not in asked:
                asked.add(verdicts)
                self.jobs.run_task("verdict plan", lambda opened, *_: _plan(
                    opened, verdicts, earlier), lambda outcome: planned(verdicts, outcome))
            return cache.get(verdicts)

        def planned(verdicts: tuple[str, ...], outcome: TaskOutcome) -> None:
            asked.discard(verdicts)
            if isValid(dialog) and dialog.isVisible():
                if isinstance(outcome.result, ApplyPlan):
                    cache[verdicts] = outcome.result
                    dialog.show_plan(verdicts, outcome.result)
                else:  # the library cannot be read, or a bug
                    dialog.reject()
                    show_error(self.window(), "Cannot read the verdict library",
                               f"{outcome.error or outcome.result}\n\nThe project works "
                               "as before, without earlier verdicts.")

        dialog = ApplyVerdictsDialog(plan_for, self.marking.push, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- Project Settings: the Verdict library page ------------------------------------------

    def options(self) -> ProjectOptions:
        """How the open project takes part in the library (defaults without a project)."""
        project = self.opened.project
        return ProjectOptions() if project is None else project_options(project.db)

    def save_options(self, wanted: ProjectOptions) -> None:
        """Store the project's library options (only what changed); the library follows,
        and what it could not do is said in the status bar (the setting is kept)."""
        project = self.opened.project
        if project is None:
            return
        had = project_options(project.db)
        feed = wanted.feed if wanted.feed != had.feed else None
        confidential = wanted.confidential if wanted.confidential != had.confidential else None
        if feed is None and confidential is None:
            return
        warning = set_project_options(project.db, feed=feed, confidential=confidential)
        judged_changed()
        if warning:
            self.post(warning, WARNING_MS)



def _plan(project: Project, verdicts: tuple[str, ...],
          earlier: list[dict[str, DomainVerdicts]]) -> ApplyPlan | LibraryError:
    """On the worker: the plan for `verdicts` (the library read by the first plan only)."""
    try:
        if not earlier:
            earlier.append(earlier_verdicts(project.db))
        return plan_apply(project.db, verdicts=verdicts, earlier=earlier[0])
    except LibraryError as error:
        return error
