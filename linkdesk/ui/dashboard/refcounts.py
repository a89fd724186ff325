"""A guard against a reference-count bug of PySide6 6.12 that aborts Python.

PySide6 6.12.0 drops references to True, False and None that it never took: every
`SignalInstance.disconnect()` (it returns a bool), every bool a `Signal(bool)` hands to a
Python slot, and some None results on pyqtgraph's paths. pyqtgraph disconnects and reconnects
signals whenever an item is added, moved or removed, so each dashboard refresh costs True
about 300 references, and CPython 3.11 aborts ("Fatal Python error: bool_dealloc", or
"none_dealloc") once a count reaches zero: after about fifteen refreshes in a fresh window
(measured; tests/test_ui_dashboard.py checks the guard).

True, False and None are never freed anyway; CPython 3.12 makes them immortal for that
reason. On 3.11 we do the same by hand: their counts are raised far beyond what any session
can drop. Remove this once PySide6 returns those objects with a reference.
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 40  # references added to each; a session never drops so many


def protect_bools() -> bool:
    """Raise the reference counts of True, False and None once; whether it was needed here.

    Only on CPython before 3.12 (later versions have immortal bools) and only on a release
    build, where the count is the first field of the object.
    """
    if (sys.implementation.name != "cpython" or sys.version_info >= (3, 12)
            or hasattr(sys, "gettotalrefcount")):
        return False
    for value in (True, False, None):
        count = ctypes.c_ssize_t.from_address(id(value))
        if count.value < RESERVE:
            count.value += RESERVE
    return True
