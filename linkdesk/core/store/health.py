"""What is wrong with a project file, in words a user can act on.

SQLite reports damage as a bare "database disk image is malformed" wherever a query first
touches a bad page, and a read-only or full disk as a failed statement. These functions look at
the file itself (its header, its size, its permissions) and at SQLite's error code, and say
which: damaged, truncated, read-only, full, busy, a symbolic link loop.

Why not `PRAGMA quick_check` on every open: it reads the whole file (1.4 s on a 1M-link, 720 MB
project with a warm cache, far more from a cold disk), on every command and every window start.
Opening instead checks what is O(1) (the header against the file's size, the schema, each
table's root page) and every later database error is turned into the same message.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import struct
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
# SQLite's primary result codes (the low byte of an extended code).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN = 5, 6, 8, 10, 11, 13, 14
SQLITE_NOTADB = 26  # "file is not a database"


def expected_size(path: Path) -> int | None:
    """The size the SQLite header says the file has (page size × page count), if it says."""
    try:
        with open(path, "rb") as file:
            header = file.read(_HEADER_SIZE)
    except OSError:
        return None
    if len(header) < _HEADER_SIZE or not header.startswith(SQLITE_MAGIC):
        return None
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65_536 if page_size == 1 else page_size
    pages = struct.unpack(">I", header[28:32])[0]
    # The page count is valid only while the change counter matches "version valid for".
    if pages == 0 or header[24:28] != header[92:96]:
        return None
    return page_size * pages


def is_sqlite_file(path: Path) -> bool:
    """Whether the file starts as an SQLite database does (also when it is cut short)."""
    try:
        with open(path, "rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except OSError:
        return False
    return bool(start) and SQLITE_MAGIC.startswith(start)


def is_truncated(path: Path) -> bool:
    """Whether the file is shorter than its own header says (cut off by a copy, a full disk).

    Only meaningful while no write-ahead log is beside it: pages still in the log may be
    checkpointed into the file at any moment by another program.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return False
    if 0 < size < _HEADER_SIZE:
        return is_sqlite_file(path)
    expected = expected_size(path)
    return expected is not None and size < expected


def has_write_ahead_log(path: Path) -> bool:
    """Whether a non-empty `-wal` file lies beside the project (another program may use it)."""
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def newest_backup(path: Path) -> Path | None:
    """The newest `<name>.v<N>.bak` copy made before a migration, if any."""
    try:
        backups = [p for p in path.parent.glob(f"{_glob_escape(path.name)}.v*.bak")
                   if p.is_file()]
    except OSError:
        return None
    return max(backups, key=lambda p: p.stat().st_mtime, default=None)


def damage_message(path: Path, error: BaseException | str) -> str:
    """"acme.linkdesk is damaged (…); restore it from a backup such as acme.linkdesk.v4.bak"."""
    what = "is truncated (shorter than its own header says)" if is_truncated(path) \
        else f"is damaged ({error})"
    backup = newest_backup(path)
    restore = (f"restore it from a backup such as {backup}" if backup is not None
               else "restore it from a backup")
    return f"{path} {what}; {restore}"


def read_only_message(path: Path) -> str:
    """The message for a change asked of a project that cannot be written."""
    return f"{path} is read-only: cannot change it"


def error_code(error: BaseException) -> int | None:
    """SQLite's primary result code of an sqlite3 exception (None when Python raised it)."""
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_busy(error: BaseException) -> bool:
    """Whether another connection held a lock past the busy timeout."""
    return error_code(error) in (_BUSY, _LOCKED) or (
        error_code(error) is None and ("locked" in str(error) or "busy" in str(error)))


def database_problem(path: Path, error: sqlite3.Error) -> str:
    """A plain message naming the project file and what SQLite's error means for the user."""
    code = error_code(error)
    text = str(error)
    if code in (_CORRUPT, SQLITE_NOTADB) or "malformed" in text:
        return damage_message(path, error)
    if code == _READONLY or "readonly database" in text:
        return read_only_message(path)
    if code == _FULL:
        return (f"{path}: the disk is full ({text}); the change under way was undone: free "
                "some space and try again")
    if is_busy(error):
        return (f"{path}: the project is busy (another program is writing to it); nothing was "
                "changed: try again when it has finished")
    if code == _IOERR:
        return f"{path}: cannot read or write the file ({text})"
    if code == _CANTOPEN:
        return f"{path}: cannot open the file ({text})"
    return f"{path}: database error ({text})"


def path_problem(path: Path) -> str | None:
    """Why `path` cannot be a project file before SQLite looks at it; None if it may be one.

    A missing file is not a problem here (it may be created); a symbolic link loop, a folder
    or a path that cannot be looked at is.
    """
    try:
        os.stat(path)
    except FileNotFoundError:
        if path.is_symlink():
            return f"{path}: a symbolic link to a missing file"
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            return f"{path}: a symbolic link loop (the link points, in the end, at itself)"
        return f"{path}: cannot look at it ({error.strerror})"
    if path.is_dir():
        return f"{path}: is a folder, not a project file"
    return None


def can_write(path: Path) -> bool:
    """Whether this user can change the project file (and its folder, where WAL keeps files)."""
    folder = path.parent
    if path.exists():
        return os.access(path, os.W_OK) and os.access(folder, os.W_OK)
    return os.access(folder, os.W_OK)


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)
