"""Running the event loop until background work has been drawn (screenshots and tests)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance


def wait_for(signal: SignalInstance, busy: Callable[[], bool], timeout_ms: int) -> bool:
    """Run the event loop until `signal` fires (or `timeout_ms` passes) while `busy()`;
    True when no longer busy."""
    if not busy():
        return True
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)
    return not busy()
