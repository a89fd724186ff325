"""The project file: creation, migrations, safety across processes and crashes."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_ahrefs, write_semrush

from linkdesk.core import fields
from linkdesk.core.importers.pipeline import import_file
from linkdesk.core.stats import project_stats
from linkdesk.core.store import Project, ProjectError, schema, settings
from linkdesk.core.store.settings import Key


def content(path: Path) -> list[str]:
    """The project's whole content as SQL, read by a fresh connection."""
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def test_new_project_is_versioned_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "acme.linkdesk"
    with Project.open(path) as project:
        assert project.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        version = project.db.execute("PRAGMA user_version").fetchone()[0]
        assert version == schema.SCHEMA_VERSION
    with Project.open(path) as project:  # opening again migrates nothing
        assert project.db.execute("SELECT count(*) FROM links").fetchone()[0] == 0


def test_migration_keeps_a_backup_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "acme.linkdesk"
    with Project.open(path) as project:
        project.set_setting(Key.SITES, ["acme-widgets.com"])

    def add_notes(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")

    migrations = [*schema.MIGRATIONS, add_notes]
    monkeypatch.setattr("linkdesk.core.store.project.MIGRATIONS", migrations)
    monkeypatch.setattr("linkdesk.core.store.project.SCHEMA_VERSION", len(migrations))
    with Project.open(path) as project:
        assert project.db.execute("PRAGMA user_version").fetchone()[0] == len(migrations)
        project.db.execute("INSERT INTO notes (text) VALUES ('called the client')")
    backup = tmp_path / f"acme.linkdesk.v{schema.SCHEMA_VERSION}.bak"
    old = sqlite3.connect(backup)  # as it was: opening it as a project would migrate it
    assert old.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert old.execute("SELECT value FROM settings").fetchone() == ('["acme-widgets.com"]',)
    tables = {row[0] for row in old.execute("SELECT name FROM sqlite_schema")}
    assert "notes" not in tables
    old.close()


def test_a_failing_migration_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "acme.linkdesk"
    Project.open(path).close()
    before = content(path)

    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("disk on fire")

    migrations = [*schema.MIGRATIONS, broken]
    monkeypatch.setattr("linkdesk.core.store.project.MIGRATIONS", migrations)
    monkeypatch.setattr("linkdesk.core.store.project.SCHEMA_VERSION", len(migrations))
    with pytest.raises(ProjectError, match=r"database error \(disk on fire\)"):
        Project.open(path)
    assert content(path) == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.linkdesk"
    with Project.open(path) as project:
        project.db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 5}")
    with pytest.raises(ProjectError, match="newer LinkDesk"):
        Project.open(path)


def test_other_files_are_refused(tmp_path: Path) -> None:
    other_db = tmp_path / "other.linkdesk"
    db = sqlite3.connect(other_db)
    db.execute("CREATE TABLE invoices (id)")
    db.close()
    with pytest.raises(ProjectError, match="not a LinkDesk project"):
        Project.open(other_db)
    text_file = tmp_path / "notes.linkdesk"
    text_file.write_text("just some text, definitely not a database\n" * 200)
    with pytest.raises(ProjectError, match="not a LinkDesk project"):
        Project.open(text_file)
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "missing.linkdesk", create=False)


_IMPORT_SCRIPT = textwrap.dedent(
    """
    import sys
    from linkdesk.core.store import Project
    from linkdesk.core.importers.pipeline import import_file

    def progress(update):
        print("rows", update.rows, flush=True)

    with Project.open(sys.argv[1]) as project:
        import_file(project, sys.argv[2], progress=progress)
    print("done", flush=True)
    """
)


def test_kill_9_halfway_through_an_import_changes_nothing(tmp_path: Path) -> None:
    project_path = tmp_path / "acme.linkdesk"
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    write_semrush(small, make_profile(50, seed=1))
    write_ahrefs(big, make_profile(60_000, seed=2))
    with Project.open(project_path) as project:
        import_file(project, small)
    before = content(project_path)

    child = subprocess.Popen(
        [sys.executable, "-c", _IMPORT_SCRIPT, str(project_path), str(big)],
        stdout=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None
    first = child.stdout.readline()  # the first batch is in: the import is under way
    assert first.startswith("rows"), first
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    assert content(project_path) == before
    with Project.open(project_path) as project:
        assert project.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert project_stats(project.db)["links"] == 50


def test_two_processes_importing_into_one_project(tmp_path: Path) -> None:
    project_path = tmp_path / "acme.linkdesk"
    Project.open(project_path).close()
    files = []
    for seed in (11, 12):
        files.append(tmp_path / f"export{seed}.csv")
        write_ahrefs(files[-1], make_profile(15_000, seed=seed, site=f"client{seed}.com"))
    children = [
        subprocess.Popen([sys.executable, "-c", _IMPORT_SCRIPT, str(project_path), str(path)],
                         stdout=subprocess.DEVNULL)
        for path in files
    ]
    assert [child.wait(timeout=300) for child in children] == [0, 0]
    with Project.open(project_path) as project:
        assert project.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stats = project_stats(project.db)
    assert stats["imports"] == 2
    assert stats["observations"] == 30_000


# -- settings ----------------------------------------------------------------------------------

LINKDESK = Path(__file__).parent.parent / "linkdesk"
_SETTINGS_SQL = re.compile(r"\b(?:FROM|INTO|UPDATE|TABLE)\s+settings\b", re.IGNORECASE)


def test_only_the_settings_module_runs_sql_on_the_settings_table() -> None:
    owners = {LINKDESK / "core" / "store" / name for name in ("settings.py", "schema.py")}
    offenders = [
        f"{path.relative_to(LINKDESK.parent)}:{number}"
        for path in sorted(LINKDESK.rglob("*.py")) if path not in owners
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _SETTINGS_SQL.search(line)
    ]
    assert offenders == []


def test_settings_keys_keep_the_names_stored_in_project_files() -> None:
    # Project files hold these strings: renaming a key would lose the users' settings.
    assert {key.value for key in Key} == {
        "sites", "brand_terms", "money_keywords", "topic_keywords", "market_languages",
        "market_countries", "scoring", "column_mappings", "disavow_platforms",
        "disavow_warn_quality", "library_id", "library_feed", "library_confidential",
        "report_branding", "placement_mappings",
    }


def test_settings_are_read_and_written_by_named_key(tmp_path: Path) -> None:
    with Project.open(tmp_path / "acme.linkdesk") as project:
        db = project.db
        assert settings.get(db, Key.SCORING, {}) == {}
        settings.put(db, Key.SCORING, {"weights": {"follow": 25}})
        settings.put(db, Key.BRAND_TERMS, ["Acme"])
        project.set_setting(Key.SITES, ["acme-widgets.com"])
        assert db.execute("SELECT key, value FROM settings ORDER BY key").fetchall() == [
            ("brand_terms", '["Acme"]'), ("scoring", '{"weights": {"follow": 25}}'),
            ("sites", '["acme-widgets.com"]')]
        assert settings.get_many(db, [Key.SITES, Key.SCORING, Key.MONEY_KEYWORDS]) == {
            Key.SITES: ["acme-widgets.com"], Key.SCORING: {"weights": {"follow": 25}}}
        settings.delete(db, Key.SCORING)
        assert project.setting(Key.SCORING) is None
        assert settings.sites(db) == ["acme-widgets.com"]
        with pytest.raises(ValueError, match="brand_term"):
            settings.put(db, "brand_term", ["Acme"])  # type: ignore[arg-type]  # a typo
        with pytest.raises(ValueError, match="site"):
            project.setting("site")  # type: ignore[arg-type]


# -- migrations ----------------------------------------------------------------------------------


def test_a_new_field_does_not_change_what_migration_1_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Released migrations are frozen: a field added later comes with a migration of its own,
    # so a project built today has the same tables as one upgraded from version 1.
    def tables(path: Path) -> list[tuple[str, str]]:
        db = sqlite3.connect(path)
        try:
            return db.execute("SELECT name, sql FROM sqlite_schema ORDER BY name").fetchall()
        finally:
            db.close()

    Project.open(tmp_path / "before.linkdesk").close()
    monkeypatch.setitem(fields.FIELDS, "outbound_domains",
                        (fields.Kind.NUMBER, fields.Merge.MAX, "INTEGER"))
    Project.open(tmp_path / "after.linkdesk").close()
    assert tables(tmp_path / "after.linkdesk") == tables(tmp_path / "before.linkdesk")


def test_a_fresh_project_has_a_column_for_every_field(tmp_path: Path) -> None:
    # The other side of the freeze: a new field needs a migration adding its columns.
    with Project.open(tmp_path / "acme.linkdesk") as project:
        for table in ("links", "observation_values", "observation_fields"):
            columns = {row[1] for row in project.db.execute(f"PRAGMA table_info({table})")}
            assert set(fields.FIELDS) <= columns, table
