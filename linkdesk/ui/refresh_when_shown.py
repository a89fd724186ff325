"""What the Dashboard and History views share: a refresh asked for while hidden waits until the
view is shown, and tests and screenshots can wait until the latest request has been drawn.

`RefreshWhenShown` is a plain mixin, listed before the Qt widget class. The view keeps
`project`, `_request` (the latest request's number), `_jobs` (request -> its running work,
dropped when it is drawn), `_stale`, an `updated` signal, `_cancel_jobs()` and a `refresh()`
that starts with `project = self._next_request()` (None: return).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from linkdesk.core.store import Project
from linkdesk.ui.waiting import wait_for

if TYPE_CHECKING:  # mypy sees the widget the mixin is mixed into
    _Base = QWidget
else:
    _Base = object


class RefreshWhenShown(_Base):
    """Deferred refresh while hidden, `busy` and `wait_until_ready` for a worker-fed view."""

    project: Project | None
    _request: int
    _jobs: dict[int, Any]
    _stale: bool
    if TYPE_CHECKING:
        updated: SignalInstance

        def refresh(self) -> None: ...

        def _cancel_jobs(self) -> None: ...

    def _next_request(self) -> Project | None:
        """Number a new request, drop the running ones, and give the project to compute for;
        None when there is nothing to compute now (no project, or hidden: the refresh runs
        on the next show)."""
        project = self.project
        if project is None:
            return None
        if not self.isVisible():
            self._stale = True
            return None
        self._stale = False
        self._cancel_jobs()
        self._request += 1
        return project

    def busy(self) -> bool:
        """Whether the latest request is still being computed."""
        return self._request in self._jobs

    def wait_until_ready(self, timeout_ms: int = 60_000) -> bool:
        """Run the event loop until the latest request is drawn (screenshots, tests)."""
        if self._stale and self.project is not None:
            self._stale = False
            self.refresh()
        return wait_for(self.updated, self.busy, timeout_ms)

    def showEvent(self, event: QShowEvent) -> None:
        """A refresh asked for while hidden runs now."""
        super().showEvent(event)
        if self._stale:
            self.refresh()
