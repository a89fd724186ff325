"""What the window's parts (marking, checking, exporting, importing…) are handed instead of the
window: a `WindowContext` (the job coordinator, the open project, the workspace, a way to post a
status message) and the window as their Qt parent.

A part never keeps a Python reference to the window: it is the window's Qt child (Qt deletes
it with the window) and finds the window through `parent()` when it opens a dialog. No
reference cycle runs through the window, so a closed window is deleted as soon as its last
reference goes, not whenever Python's collector next runs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from linkdesk.core.store import Project

if TYPE_CHECKING:  # jobs.py imports this module
    from linkdesk.ui.jobs import JobCoordinator
    from linkdesk.ui.workspace import Workspace

StatusPoster = Callable[[str, int], None]  # message, milliseconds (0: until replaced)


class OpenProject:
    """The project the window shows (None: none), one holder its parts share."""

    def __init__(self) -> None:
        self.project: Project | None = None


@dataclass(frozen=True)
class WindowContext:
    """What every part of the window works with."""

    jobs: JobCoordinator  # background work, one writer at a time
    opened: OpenProject
    workspace: Workspace  # the tables, the dashboard, the details panel
    post: StatusPoster  # a message in the status bar


class WindowPart(QObject):
    """A part of the window's behaviour: its Qt child, with the context's collaborators."""

    def __init__(self, window: QWidget, context: WindowContext) -> None:
        super().__init__(window)
        self.jobs = context.jobs
        self.opened = context.opened
        self.workspace = context.workspace
        self.post = context.post

    def window(self) -> QWidget:
        """The window, as the parent of the dialogs this part opens."""
        parent = self.parent()
        assert isinstance(parent, QWidget)
        return parent

    def _db(self) -> sqlite3.Connection | None:
        """The open project's connection (None: no project)."""
        project = self.opened.project
        return None if project is None else project.db

    def writer_free(self, action: str) -> bool:
        """Whether no background writer holds the project; if one does, say when `action`
        (e.g. "Marks can be changed") can run, in the status bar."""
        busy = self.jobs.writer_busy()
        if busy:
            self.post(f"{action} once {busy.split(' is ')[0]} has finished (or is cancelled): "
                      f"{busy}.", 10_000)
            return False
        return True
