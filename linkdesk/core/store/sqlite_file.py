"""Opening one of LinkDesk's own SQLite files (a project, the verdict library) safely.

Both are shared by several processes and must never write to a file that is not theirs: a
connection in autocommit with a busy timeout; the file's identity (application id, schema
version, tables) read before any pragma writes to it; then write-ahead logging, so readers
never block the writer. What to say about a file that fails a check is each caller's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Self


@dataclass(frozen=True)
class Identity:
    """What a file says it is, read without writing to it."""

    application_id: int
    version: int  # PRAGMA user_version: the schema version
    tables: frozenset[str]  # every name in sqlite_schema
    # Triggers, (name, SQL): what the file runs on every change. One LinkDesk did not make
    # (another program's) could delete rows on each insert.
    triggers: tuple[tuple[str, str], ...] = ()

    def is_foreign(self, application_id: int) -> bool:
        """Another program's file: another id, or no id on a file that is not empty."""
        if self.application_id == application_id:
            return False
        return self.application_id != 0 or bool(self.tables) or self.version > 0


class OpenFile:
    """An open file and its connection. Use as a context manager, or call `close()`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.db = connection

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    """A writable connection: autocommit (transactions are explicit), foreign keys on, and a
    busy timeout. Nothing is written to the file yet."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
    return configured(connection, busy_timeout_ms)


def configured(connection: sqlite3.Connection, busy_timeout_ms: int) -> sqlite3.Connection:
    """Set a new connection's busy timeout and foreign keys (neither writes to the file)."""
    connection.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def read_identity(db: sqlite3.Connection) -> Identity:
    """The file's identity (only reads; a file that is no database raises DatabaseError).

    Read in one read transaction: another process creating the file commits its id, version
    and tables together, and three separate reads could see some of them (an id of 0 with
    tables: "another program's file")."""
    own = not db.in_transaction
    if own:
        db.execute("BEGIN")  # deferred: writes nothing, holds one snapshot for the reads
    try:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        schema = db.execute("SELECT name, type, sql FROM sqlite_schema").fetchall()
    finally:
        if own and db.in_transaction:
            db.execute("COMMIT")
    return Identity(app_id, version, frozenset(str(name) for name, _, _ in schema),
                    tuple((str(name), str(sql)) for name, kind, sql in schema
                          if kind == "trigger"))


def triggers_refused(path: Path, identity: Identity,
                     own: Callable[[], Mapping[str, str]] = dict) -> str | None:
    """What to say about a file holding a trigger LinkDesk did not make: one not among
    `own()` (name -> SQL, as LinkDesk's schema makes them), or one of their names with other
    SQL. None when there is no such trigger."""
    if not identity.triggers:
        return None
    known = own()
    foreign = sorted(name for name, sql in identity.triggers if known.get(name) != sql)
    if not foreign:
        return None
    names = ", ".join(repr(name[:40]) for name in foreign[:3])
    return (f"{path}: holds SQL that runs on every change (trigger {names}) that LinkDesk "
            "did not write: another program changed this file; nothing was written to it")


def use_write_ahead_log(db: sqlite3.Connection) -> bool:
    """Switch to WAL mode (a write to the header: only once the file is known ours); whether
    the file is now in it."""
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    return str(mode).lower() == "wal"
