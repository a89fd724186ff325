"""Finishing a file written under a temporary name: never half a file, normal permissions.

`tempfile.mkstemp` creates its file readable by its owner only; a CSV or disavow file put in
a shared folder must be readable like any other file the user saves.
"""

from __future__ import annotations

import os
from pathlib import Path


def replace_with(temporary: str | Path, path: Path) -> None:
    """Move the finished `temporary` over `path`, keeping an existing file's permissions or
    giving a new file those the user's umask gives."""
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    os.chmod(temporary, mode)
    os.replace(temporary, path)


def _umask() -> int:
    current = os.umask(0)  # reading it means setting it: put it straight back
    os.umask(current)
    return current
