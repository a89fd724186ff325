"""A project: one client's backlinks in one SQLite file (`acme.linkdesk`).

The file is created on first use, upgraded by migrations (after a backup copy), and opened in WAL
mode so a reader never blocks the writer and two processes can share it safely.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from linkdesk.core.store import settings
from linkdesk.core.store.schema import MIGRATIONS, SCHEMA_VERSION
from linkdesk.core.store.settings import Key

APPLICATION_ID = 0x4C4B4453  # "LKDS": tells a LinkDesk project from any other SQLite file
PROJECT_SUFFIX = ".linkdesk"
_BUSY_TIMEOUT_MS = 30_000


class ProjectError(Exception):
    """A project file cannot be opened or used; the message is meant for the user."""


class Project:
    """An open project file. Use as a context manager, or call `close()`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.db = connection

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Project:
        """Open a project file, creating it if needed, and bring its schema up to date."""
        path = Path(path)
        if not path.exists() and not create:
            raise ProjectError(f"{path}: no such project file")
        if path.exists() and path.is_dir():
            raise ProjectError(f"{path}: is a folder, not a project file")
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = connect(path)
        try:
            _check_identity(path, connection)
            _migrate(path, connection)
        except BaseException:
            connection.close()
            raise
        return cls(path, connection)

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- settings ----------------------------------------------------------------------------

    def setting(self, key: Key, default: Any = None) -> Any:
        """Return a project setting (JSON value), or `default` (see `store.settings`)."""
        return settings.get(self.db, key, default)

    def set_setting(self, key: Key, value: Any) -> None:
        """Store a project setting (any JSON value) in its own transaction."""
        with transaction(self.db):
            settings.put(self.db, key, value)


def connect(path: Path) -> sqlite3.Connection:
    """Open a connection with the project's pragmas; autocommit, transactions are explicit."""
    try:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
        connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise ProjectError(f"{path}: not a LinkDesk project file ({error})") from None
    if mode.lower() != "wal":
        connection.close()
        raise ProjectError(f"{path}: cannot use write-ahead logging on this file system")
    connection.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: durable at checkpoints
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


class transaction:
    """`with transaction(db):` runs a block in BEGIN IMMEDIATE … COMMIT, rolling back on error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:
            self.db.execute("ROLLBACK")


def _check_identity(path: Path, db: sqlite3.Connection) -> None:
    try:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise ProjectError(f"{path}: not a LinkDesk project file ({error})") from None
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables > 0):
        raise ProjectError(f"{path}: this SQLite file is not a LinkDesk project")


def _migrate(path: Path, db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ProjectError(
            f"{path}: made by a newer LinkDesk (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); please update LinkDesk"
        )
    if version == SCHEMA_VERSION:
        return
    if version > 0:
        backup_before_migration(path, db, version)
    for number in range(version, SCHEMA_VERSION):
        with transaction(db):
            MIGRATIONS[number](db)
            db.execute(f"PRAGMA user_version = {number + 1}")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def backup_before_migration(path: Path, db: sqlite3.Connection, version: int) -> Path:
    """Copy the project to `<name>.v<version>.bak` (a consistent snapshot) and return its path."""
    backup = path.with_name(f"{path.name}.v{version}.bak")
    if backup.exists():
        shutil.copy2(backup, backup.with_name(backup.name + ".old"))
    target = sqlite3.connect(backup)
    try:
        db.backup(target)
    finally:
        target.close()
    return backup
