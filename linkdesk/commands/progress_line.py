"""A line on stderr saying which step of a long command is running, and for how long.

Shown only on a terminal, and only once the command has run `after` seconds: a quick call
prints nothing, and output piped to a file never holds progress. A thread rewrites the line
every `every` seconds so the seconds keep counting while one step runs (a long SQL statement
gives no progress of its own).
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import Self, TextIO

AFTER = 1.0  # seconds before the line first shows
EVERY = 0.5  # seconds between two rewrites of the line (0: only when the step changes)


def wanted(stream: TextIO) -> bool:
    """Whether progress belongs on `stream`: a terminal, not a file or a pipe."""
    return stream.isatty()


class ProgressLine:
    """`with ProgressLine("linkdesk changes") as line: line.step("comparing ...")`."""

    def __init__(self, command: str, stream: TextIO | None = None, *,
                 after: float | None = None, every: float | None = None) -> None:
        self.command = command
        self.stream = stream if stream is not None else sys.stderr
        self.after = AFTER if after is None else after
        self.every = EVERY if every is None else every
        self.enabled = wanted(self.stream)
        self._started = time.monotonic()
        self._text = ""
        self._shown = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        if self.enabled and self.every > 0:
            self._thread = threading.Thread(target=self._tick, name="linkdesk-progress",
                                            daemon=True)
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            if self._shown:  # leave no half line before the output or a message
                self.stream.write("\r\033[K")
                self.stream.flush()
            self._shown = False

    def step(self, text: str) -> None:
        """The step now running, in words ('comparing the exports')."""
        with self._lock:
            self._text = text
        self._show()

    def _tick(self) -> None:
        while not self._stop.wait(self.every):
            self._show()

    def _show(self) -> None:
        seconds = time.monotonic() - self._started
        if not self.enabled or seconds < self.after:
            return
        with self._lock:
            if not self._text or self._stop.is_set():
                return
            self.stream.write(f"\r{self.command}: {self._text}… {seconds:.0f} s\033[K")
            self.stream.flush()
            self._shown = True
