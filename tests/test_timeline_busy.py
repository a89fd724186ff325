"""Keeping snapshot digests never makes a reader wait for another writer.

The changes since the last review are computed by readers: the window's table loader, the
opening summary's worker. Keeping the digests they made is a cache write; while an import
holds the project, it must give up at once (DIGEST_WAIT_MS), not after the connection's
30-second wait for the write lock.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from test_timeline import SITE, exports  # noqa: F401 (fixture)

from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.store import Project
from linkdesk.core.timeline import compute_changes, now, start
from linkdesk.core.timeline.digests import DIGEST_WAIT_MS


class Recording:
    """A connection that notes every statement (sqlite3 connections take no attributes)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.statements: list[str] = []

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self.statements.append(sql)
        return self.db.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def test_digests_are_kept_with_a_short_wait_and_skipped_while_another_writer_holds_the_project(
        tmp_path: Path, exports: dict[str, Path]) -> None:  # noqa: F811
    path = tmp_path / "p.linkdesk"
    with Project.open(path) as project:
        import_file(project, exports["a0"], ImportOptions(site=SITE))
        # A first import makes no digest (its links' status is read from its rows): the
        # comparison below is to make it (the delete keeps that so if an import ever does).
        with project.db:
            project.db.execute("DELETE FROM snapshot_digests")
        writer = sqlite3.connect(path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # as an import does
        try:
            reader = Recording(project.db)
            changes = compute_changes(reader, start(), now())  # type: ignore[arg-type]
            assert changes.counts.new_links > 0
            begin = reader.statements.index("BEGIN IMMEDIATE")
            assert reader.statements[begin - 1] == f"PRAGMA busy_timeout = {DIGEST_WAIT_MS}"
            assert project.db.execute("SELECT count(*) FROM snapshot_digests").fetchone()[0] == 0
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        assert project.db.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
        compute_changes(project.db, start(), now())  # the project free: they are kept
        assert project.db.execute("SELECT count(*) FROM snapshot_digests").fetchone()[0] == 1
