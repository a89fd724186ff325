"""Where the library lives: the user's data folder, unless told otherwise.

`LINKDESK_LIBRARY=/path/file` (or a command's `--library PATH`, passed as `explicit`) points
elsewhere, so tests and a second machine setup never touch the user's real library.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENVIRONMENT = "LINKDESK_LIBRARY"
FILE_NAME = "library.sqlite"


def library_path(explicit: str | Path | None = None) -> Path:
    """The library file to use: `explicit`, else `$LINKDESK_LIBRARY`, else the data folder's."""
    if explicit:
        return Path(explicit).expanduser()
    configured = os.environ.get(ENVIRONMENT, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("LinkDesk", appauthor=False)) / FILE_NAME
