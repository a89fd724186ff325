"""Is there a screen to open the window on? Answered before Qt is loaded.

Without a display, Qt's X11 plugin aborts the process (exit 134) with a message about
missing libraries; the real cause, and what to do, is said here instead.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping

NO_DISPLAY_HINT = (
    "no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set). "
    "Run it in a desktop session, or render the window into a picture without one: "
    "QT_QPA_PLATFORM=offscreen linkdesk {project} --screenshot window.png "
    "(`linkdesk --help` lists the commands that need no window)"
)


def missing_display(environ: Mapping[str, str] | None = None,
                    platform: str | None = None, project: object = None) -> str | None:
    """Why the window cannot be shown (a message for the user), or None when it can.

    Only Linux and the BSDs need a display server; a chosen `QT_QPA_PLATFORM` is respected.
    `project` (the path to open, if any) goes into the command the message suggests.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform in ("win32", "cygwin", "darwin") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY_HINT.format(project=shlex.quote(str(project)) if project else "PROJECT")
