"""Writing the files LinkDesk exports (CSV, disavow files): never half a file, never a project.

    with write_atomically(path, protect=[project_path]) as out:   # text; binary=True for bytes
        out.write(...)

The file is written under a temporary name next to `path` and renamed over it at the end, so
a cancelled or failed write leaves no half file and an older file of that name untouched.
Before anything is written, `refuse_project_file` stops an export from replacing a project:
a SQLite file, a `.linkdesk` file, or the open project itself or its -wal, -shm and backup
siblings (`ProtectedFileError`, an OSError whose message says which and why).

`tempfile.mkstemp` creates its file readable by its owner only; a CSV or disavow file put in
a shared folder must be readable like any other file the user saves (`replace_with`).
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

SQLITE_HEADER = b"SQLite format 3\x00"
# Files SQLite and LinkDesk keep beside a project (store/project.py names the backups).
_SIBLINGS = ("-wal", "-shm", "-journal")
_PROJECT_NAME = re.compile(r"\.linkdesk(-wal|-shm|-journal|\.v\d+\.bak(\.old)?)?$",
                           re.IGNORECASE)


class ProtectedFileError(OSError):
    """An export would have replaced a project file; nothing was written."""

    def __init__(self, path: Path, why: str) -> None:
        message = f"{path}: not written: {why}; choose another file name"
        super().__init__(message)
        self.filename = str(path)
        self.strerror = f"{why}; choose another file name"
        self.message = message

    def __str__(self) -> str:
        return self.message


def refuse_project_file(path: str | Path, protect: Iterable[str | Path] = ()) -> None:
    """Raise ProtectedFileError if writing `path` could destroy a project.

    Refused: a name ending in `.linkdesk` (or its -wal/-shm/backup files), an existing file
    that starts with SQLite's header, and any of `protect` (the open project) or its
    -wal, -shm, -journal and `.bak` siblings, by name or as the same file (links, other
    spellings)."""
    path = Path(path)
    for project in protect:
        if _is_project_or_sibling(path, Path(project)):
            raise ProtectedFileError(path, "it is the open project or one of its files")
    if _PROJECT_NAME.search(path.name):
        raise ProtectedFileError(path, "the name of a LinkDesk project (.linkdesk)")
    if not path.is_file():
        return  # nothing there to lose; and opening a FIFO to read would wait for a writer
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError:
        return  # nothing there to lose (or the write itself will say why it cannot)
    if head == SQLITE_HEADER:
        raise ProtectedFileError(path, "it is a SQLite database (a project file?)")


def database_files(db: sqlite3.Connection) -> list[Path]:
    """The files of `db`'s databases (none in memory): the project an export must spare."""
    return [Path(file) for _, _, file in db.execute("PRAGMA database_list") if file]


def _is_project_or_sibling(path: Path, project: Path) -> bool:
    candidates = [project, *(project.with_name(project.name + s) for s in _SIBLINGS)]
    target = _absolute(path)
    for candidate in candidates:
        if target == _absolute(candidate) or _same_file(path, candidate):
            return True
    # Backups: `<name>.v<version>.bak` (and `.bak.old`) beside the project.
    stem = project.name + "."
    return (target.parent == _absolute(project).parent and path.name.startswith(stem)
            and ".bak" in path.name[len(stem):])


def _absolute(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:  # either is missing: not the same file
        return False


@contextmanager
def write_atomically(path: str | Path, *, protect: Iterable[str | Path] = (),
                     binary: bool = False, encoding: str = "utf-8",
                     newline: str | None = "") -> Iterator[IO[Any]]:
    """Open a temporary file beside `path` for writing; on success rename it over `path`.

    Refuses project files first (`refuse_project_file`). On any error, or a cancel raised
    inside the block, the temporary file is removed and `path` is left as it was."""
    path = Path(path)
    protected = list(protect)
    refuse_project_file(path, protected)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    try:
        if binary:
            with os.fdopen(handle, "wb") as out:
                yield out
        else:
            with os.fdopen(handle, "w", encoding=encoding, newline=newline) as out:
                yield out
        refuse_project_file(path, protected)  # it may have appeared while writing
        replace_with(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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


def read_at_most(path: str | Path, limit: int) -> bytes | None:
    """The file's bytes, or None when it holds more than `limit` bytes (never reading more
    than that, whatever its size says: it may grow while read, or be /dev/zero). OSError
    when it cannot be read."""
    path = Path(path)
    if path.stat().st_size > limit:
        return None
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    return data if len(data) <= limit else None
