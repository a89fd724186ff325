"""Tests must not depend on machine load: CI runs on two shared cores."""

from __future__ import annotations

import inspect
from typing import Any

from conftest import QT_WAIT_GUARD_MS


def test_qt_waits_without_a_timeout_guard_for_a_minute(qtbot: Any) -> None:
    """pytest-qt's own 5 s default failed a table load on a loaded two-core machine."""
    for name in ("waitUntil", "waitSignal", "waitSignals", "waitCallback"):
        timeout = inspect.signature(getattr(qtbot, name)).parameters["timeout"].default
        assert timeout == QT_WAIT_GUARD_MS >= 60_000, name
