"""The library file: one SQLite file of verdicts, shared by every project on this machine.

Opened like a project, but more carefully, because every project writes it and none may be
stopped by it: the file's identity (application id, schema version, a readable schema) is
checked before any pragma writes to it, so a foreign or damaged file is never touched; WAL
and a busy timeout let two windows and a command write at once, each write a short
`BEGIN IMMEDIATE` transaction of upserts keyed by (domain, source), so concurrent writers
lose nothing. A library made by a newer LinkDesk is refused, not downgraded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from linkdesk.core.library.location import library_path
from linkdesk.core.library.model import LibraryError, LibraryMissing
from linkdesk.core.store import sqlite_file, transaction

APPLICATION_ID = 0x4C4B4C42  # "LKLB": a LinkDesk library, not a project ("LKDS")
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 5_000  # marking waits at most this long for another writer, then warns

_SCHEMA = """
CREATE TABLE sources (
    id TEXT PRIMARY KEY,            -- a project's library id, or "list:<file name>"
    kind TEXT NOT NULL CHECK (kind IN ('project', 'list')),
    name TEXT                       -- NULL: a confidential project (counted, never named)
);
CREATE TABLE verdicts (
    domain TEXT NOT NULL,           -- registered domain, punycode (as projects store it)
    source TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    verdict TEXT NOT NULL CHECK (verdict IN ('disavow', 'keep', 'review')),
    reason TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL,       -- ISO 8601 UTC
    PRIMARY KEY (domain, source)
) WITHOUT ROWID;
CREATE INDEX verdicts_by_source ON verdicts(source);
CREATE INDEX verdicts_by_verdict ON verdicts(verdict, domain);
"""


class Library(sqlite_file.OpenFile):
    """An open library file. Use as a context manager, or call `close()`."""

    @classmethod
    def open(cls, path: str | Path | None = None, *, create: bool = True) -> Library:
        """Open the library (`library_path(path)`), creating it if `create`.

        Raises LibraryMissing when there is none and `create` is False, LibraryError (saying
        what is wrong) for a folder, a foreign, damaged or newer file."""
        where = library_path(path)
        if where.is_dir():
            raise LibraryError(f"{where}: is a folder, not a library file")
        if not where.exists():
            if not create:
                raise LibraryMissing(f"{where}: no library yet")
            try:
                where.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise LibraryError(f"{where}: cannot create its folder ({error.strerror})"
                                   ) from None
        connection = _connect(where)
        try:
            _prepare(where, connection, create)
        except BaseException:
            connection.close()
            raise
        return cls(where, connection)

    # -- writing -----------------------------------------------------------------------------

    def put_source(self, source: str, kind: str, name: str | None) -> None:
        """Add or rename a source (name None: confidential), in its own transaction."""
        with transaction(self.db):
            _upsert_source(self.db, source, kind, name)

    def write(self, source: str, kind: str, name: str | None,
              states: Iterable[tuple[str, tuple[str, str, str] | None]], *,
              replace: bool = False) -> int:
        """Set `source`'s verdicts: (domain, (verdict, reason, decided_at)) upserts, (domain,
        None) removes; `replace` first removes every verdict of the source. One transaction;
        returns how many rows were written."""
        upserts, deletes = [], []
        for domain, state in states:
            if state is None:
                deletes.append((domain, source))
            else:
                upserts.append((domain, source, *state))
        with transaction(self.db):
            _upsert_source(self.db, source, kind, name)
            if replace:
                self.db.execute("DELETE FROM verdicts WHERE source = ?", (source,))
            self.db.executemany("DELETE FROM verdicts WHERE domain = ? AND source = ?", deletes)
            self.db.executemany(
                "INSERT INTO verdicts (domain, source, verdict, reason, decided_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (domain, source) DO UPDATE SET "
                "verdict = excluded.verdict, reason = excluded.reason, "
                "decided_at = excluded.decided_at", upserts)
        return len(upserts) + len(deletes)

    def merge(self, sources: dict[str, tuple[str, str | None]],
              rows: Iterable[tuple[str, str, str, str, str]]) -> tuple[int, int]:
        """Merge verdicts from elsewhere (domain, source, verdict, reason, decided_at), the
        newer verdict winning where this library has one from the same source; `sources`
        gives each source's (kind, name). One transaction; returns (added, updated)."""
        added = updated = 0
        with transaction(self.db):
            for source, (kind, name) in sources.items():
                self.db.execute("INSERT INTO sources (id, kind, name) VALUES (?, ?, ?) "
                                "ON CONFLICT (id) DO NOTHING", (source, kind, name))
            for row in rows:
                had = self.db.execute(
                    "SELECT decided_at FROM verdicts WHERE domain = ? AND source = ?",
                    row[:2]).fetchone()
                if had is not None and had[0] >= row[4]:
                    continue
                self.db.execute("INSERT OR REPLACE INTO verdicts (domain, source, verdict, "
                                "reason, decided_at) VALUES (?, ?, ?, ?, ?)", row)
                added, updated = (added + 1, updated) if had is None else (added, updated + 1)
        return added, updated

    def forget_source(self, source: str) -> int:
        """Remove a source and every verdict it gave; returns how many verdicts."""
        with transaction(self.db):
            count = self.db.execute("DELETE FROM verdicts WHERE source = ?", (source,)).rowcount
            self.db.execute("DELETE FROM sources WHERE id = ?", (source,))
        return count

    def forget_domain(self, domain: str) -> int:
        """Remove every verdict on `domain`; returns how many."""
        with transaction(self.db):
            return self.db.execute("DELETE FROM verdicts WHERE domain = ?", (domain,)).rowcount


def _upsert_source(db: sqlite3.Connection, source: str, kind: str, name: str | None) -> None:
    db.execute("INSERT INTO sources (id, kind, name) VALUES (?, ?, ?) ON CONFLICT (id) "
               "DO UPDATE SET kind = excluded.kind, name = excluded.name", (source, kind, name))


def _connect(path: Path) -> sqlite3.Connection:
    try:
        return sqlite_file.connect(path, BUSY_TIMEOUT_MS)
    except sqlite3.Error as error:
        raise LibraryError(f"{path}: cannot open the library ({error})") from None


def _prepare(path: Path, db: sqlite3.Connection, create: bool) -> None:
    """Check the file is a library LinkDesk can use, then set its pragmas and schema."""
    try:
        identity = sqlite_file.read_identity(db)
    except sqlite3.DatabaseError as error:
        raise LibraryError(f"{path}: damaged, or not a LinkDesk library ({error}); move it "
                           "away and LinkDesk starts a new one") from None
    app_id, version, tables = identity.application_id, identity.version, identity.tables
    if identity.is_foreign(APPLICATION_ID):
        raise LibraryError(f"{path}: this file is not a LinkDesk library (another program's "
                           "file, or a project?); nothing was written to it")
    refused = sqlite_file.triggers_refused(path, identity)
    if refused:
        raise LibraryError(f"{refused} (move it away and LinkDesk starts a new library)")
    if version > SCHEMA_VERSION:
        raise LibraryError(f"{path}: made by a newer LinkDesk (library schema {version}, this "
                           f"one knows {SCHEMA_VERSION}); please update LinkDesk")
    if version == 0 and not create:
        raise LibraryMissing(f"{path}: no library yet (an empty file)")
    if app_id == APPLICATION_ID and not {"sources", "verdicts"} <= tables:
        raise LibraryError(f"{path}: damaged LinkDesk library (its tables are missing); "
                           "move it away and LinkDesk starts a new one")
    try:
        in_wal = sqlite_file.use_write_ahead_log(db)
    except sqlite3.DatabaseError as error:
        if version == 0 or create:
            raise LibraryError(f"{path}: cannot write the library ({error})") from None
        in_wal = True  # read-only file: reading works in the mode it has
    if not in_wal and version == 0:
        raise LibraryError(f"{path}: cannot use write-ahead logging on this file system")
    if version == 0:
        try:
            with transaction(db):
                # Another process may have created it since the check above.
                if db.execute("PRAGMA user_version").fetchone()[0] == 0:
                    for statement in _SCHEMA.split(";"):  # executescript would COMMIT
                        if statement.strip():
                            db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as error:
            raise LibraryError(f"{path}: cannot create the library ({error})") from None
