"""One already-applied write on the window's undo stack (marks' and placements' steps share it)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

Write = Callable[[], str]  # "" when written, else why not


class WrittenStep(QUndoCommand):
    """A change applied before it was pushed; `failed` says why a later move did not write."""

    def __init__(self, text: str, apply: Write, revert: Write) -> None:
        super().__init__(text)
        self._apply = apply
        self._revert = revert
        self._written = True  # QUndoStack.push calls redo(): the first one has been done
        self.failed = ""

    def written_ahead(self) -> None:
        """The next move's write has been done already (on a worker): the move only moves."""
        self._written = True

    def redo(self) -> None:
        """Apply the change again."""
        if self._written:
            self._written = False
            return
        self.failed = self._apply()

    def undo(self) -> None:
        """Put everything the change touched back as it was."""
        if self._written:
            self._written = False
            return
        self.failed = self._revert()
