"""A project: one client's backlinks in one SQLite file (`acme.linkdesk`).

The file is created on first use, upgraded by migrations (after a backup copy), and opened in WAL
mode so a reader never blocks the writer and two processes can share it safely. Nothing is written
to a file before it is known to be a LinkDesk project; a file this user cannot change opens
read-only; a damaged, truncated or unusable file is a ProjectError that says so (store/health.py).
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from linkdesk.core.store import health, settings, sqlite_file
from linkdesk.core.store.errors import ProjectError
from linkdesk.core.store.schema import MIGRATIONS, SCHEMA_VERSION
from linkdesk.core.store.settings import Key

APPLICATION_ID = 0x4C4B4453  # "LKDS": tells a LinkDesk project from any other SQLite file
PROJECT_SUFFIX = ".linkdesk"
_BUSY_TIMEOUT_MS = 30_000


class Project(sqlite_file.OpenFile):
    """An open project file. Use as a context manager, or call `close()`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        super().__init__(path, connection)
        self.read_only = False  # opened read-only: the file cannot be changed by this user

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, write: bool = False) -> Project:
        """Open a project file, creating it if needed, and bring its schema up to date.

        A file this user cannot change opens read-only (`read_only` is then True) unless
        `write` asks for a writable project: then it is a ProjectError, before anything else.
        Every database error while opening becomes a ProjectError saying what is wrong.
        """
        path = Path(path)
        read_only = _check_file(path, create=create, write=write)
        connection: sqlite3.Connection | None = None
        try:
            connection = connect(path, read_only=read_only)
            _check_identity(path, connection)
            if not read_only:
                use_write_ahead_log(path, connection)
            _probe_tables(connection)
            _migrate(path, connection, read_only=read_only)
        except sqlite3.Error as error:
            if connection is not None:
                connection.close()
            raise ProjectError(health.database_problem(path, error)) from None
        except BaseException:
            if connection is not None:
                connection.close()
            raise
        project = cls(path, connection)
        project.read_only = read_only
        return project

    # -- settings ----------------------------------------------------------------------------

    def setting(self, key: Key, default: Any = None, *, lenient: bool = False) -> Any:
        """Return a project setting (JSON value), or `default` (see `store.settings.get`)."""
        return settings.get(self.db, key, default, lenient=lenient)

    def set_setting(self, key: Key, value: Any) -> None:
        """Store a project setting (any JSON value) in its own transaction."""
        with transaction(self.db):
            settings.put(self.db, key, value)


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """Open a connection; autocommit, transactions are explicit. Nothing is written yet:
    the caller checks the file is a project before `use_write_ahead_log` changes it."""
    if not read_only:
        return sqlite_file.connect(path, _BUSY_TIMEOUT_MS)
    return sqlite_file.configured(_connect_read_only(path), _BUSY_TIMEOUT_MS)


def use_write_ahead_log(path: Path, connection: sqlite3.Connection) -> None:
    """Switch a project to WAL mode (a write to its header, so only once it is known ours)."""
    if not sqlite_file.use_write_ahead_log(connection):
        raise ProjectError(f"{path}: cannot use write-ahead logging on this file system")
    connection.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: durable at checkpoints


def _connect_read_only(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri()
    connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
    try:
        connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        return connection
    except sqlite3.OperationalError:
        # A WAL project in a folder this user cannot write: SQLite cannot make the shared
        # memory file a reader needs. Nobody can be writing it, so read it as unchanging.
        connection.close()
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)


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


class atomic:
    """`with atomic(db):` a `transaction` when none is open, else a savepoint in the caller's:
    steps that each write atomically (adding placements, refreshing their statuses) stay
    whole when a caller puts them in one transaction with more (and can roll them back)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.nested = False

    def __enter__(self) -> sqlite3.Connection:
        self.nested = self.db.in_transaction
        self.db.execute("SAVEPOINT atomic" if self.nested else "BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.db.execute("RELEASE atomic" if self.nested else "COMMIT")
        elif self.db.in_transaction:  # SQLite ends it itself on some errors (a full disk)
            if self.nested:
                self.db.execute("ROLLBACK TO atomic")
            self.db.execute("RELEASE atomic" if self.nested else "ROLLBACK")


def _check_file(path: Path, *, create: bool, write: bool) -> bool:
    """What can be told before SQLite opens the file; whether it must be opened read-only."""
    problem = health.path_problem(path)
    if problem:
        raise ProjectError(problem)
    exists = path.exists()
    if not exists and not create:
        raise ProjectError(f"{path}: no such project file")
    if exists and not create and path.stat().st_size == 0:
        raise ProjectError(f"{path}: the file is empty (0 bytes): not a LinkDesk project, "
                           "or one that was cut off; restore it from a backup")
    if not exists:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ProjectError(f"{path.parent}: cannot create the folder "
                               f"({error.strerror})") from None
    read_only = not health.can_write(path)
    if read_only and (write or not exists):
        raise ProjectError(health.read_only_message(path))
    # With no write-ahead log beside it, nobody is writing the file: its size is final.
    if exists and not health.has_write_ahead_log(path) and health.is_truncated(path):
        raise ProjectError(health.damage_message(path, "truncated"))
    return read_only


def _check_identity(path: Path, db: sqlite3.Connection) -> None:
    """Refuse another program's SQLite file (only reads: the file stays byte for byte)."""
    try:
        identity = sqlite_file.read_identity(db)
    except sqlite3.DatabaseError as error:
        if health.is_sqlite_file(path) or health.error_code(error) != health.SQLITE_NOTADB:
            raise  # an SQLite file that cannot be read: damaged, said by the caller
        raise ProjectError(f"{path}: not a LinkDesk project file ({error})") from None
    if identity.is_foreign(APPLICATION_ID):
        raise ProjectError(f"{path}: this SQLite file is not a LinkDesk project")
    refused = sqlite_file.triggers_refused(path, identity, own_triggers)
    if refused:
        raise ProjectError(f"{refused} (restore it from a backup)")


@functools.cache
def own_triggers() -> dict[str, str]:
    """The triggers LinkDesk's migrations make (name -> SQL as stored), read from an empty
    project made in memory: a file's trigger with other SQL is not LinkDesk's. Once per
    process, and only for a file that holds triggers (some 30 ms)."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for migration in MIGRATIONS:
            migration(db)
        return {str(name): str(sql) for name, sql in db.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'")}
    finally:
        db.close()


def _probe_tables(db: sqlite3.Connection) -> None:
    """Read each table's first row: its root page and first leaf (O(1), unlike quick_check)."""
    names = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    for name in names:
        db.execute(f'SELECT * FROM "{name.replace(chr(34), chr(34) * 2)}" LIMIT 1').fetchall()


def _migrate(path: Path, db: sqlite3.Connection, *, read_only: bool = False) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ProjectError(
            f"{path}: made by a newer LinkDesk (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); please update LinkDesk"
        )
    if version == SCHEMA_VERSION:
        return
    if read_only:
        raise ProjectError(
            f"{path} is read-only and made by an older LinkDesk (schema {version}): it must "
            "be upgraded to be read; open a writable copy of it"
        )
    if version > 0:
        backup_before_migration(path, db, version)
    for number in range(version, SCHEMA_VERSION):
        with transaction(db):
            MIGRATIONS[number](db)
            db.execute(f"PRAGMA user_version = {number + 1}")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    _give_back_space(db)


def _give_back_space(db: sqlite3.Connection) -> None:
    """Shrink the file when migrating left a twentieth of it free (migration 9 frees a fifth)."""
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    free = db.execute("PRAGMA freelist_count").fetchone()[0]
    # Failing (no room for the copy, another connection busy) only leaves the pages to reuse.
    if free * 20 >= pages:
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("VACUUM")


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
