"""Project files as the world leaves them: damaged, cut short, read-only, a link loop, another
program's database. Each says what is wrong, in one line, and changes nothing it should not."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from damaged import damage_pages, read_only_runner, truncate
from exportgen import make_profile, write_ahrefs

from linkdesk.core.scoring.engine import forget_signals
from linkdesk.core.store import Project, ProjectError
from linkdesk.core.store.schema import SCHEMA_VERSION

BACKUP = f"acme.linkdesk.v{SCHEMA_VERSION - 1}.bak"


def linkdesk(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "linkdesk.cli", *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8", timeout=300,
                          check=False, cwd=Path(__file__).parent.parent)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scored project of 3,000 links (the links table spans some hundred pages)."""
    folder = tmp_path_factory.mktemp("files")
    export = folder / "ahrefs.csv"
    write_ahrefs(export, make_profile(3_000, seed=7))
    run = linkdesk("import", folder / "acme.linkdesk", export, "--quiet")
    assert run.returncode == 0, run.stderr
    return folder / "acme.linkdesk"


@pytest.fixture
def acme(built: Path, tmp_path: Path) -> Path:
    """A copy of the built project, with an export beside it to import."""
    write_ahrefs(tmp_path / "more.csv", make_profile(200, seed=8, site="acme-widgets.com"))
    return Path(shutil.copy(built, tmp_path / "acme.linkdesk"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_message(run: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert run.returncode != 0, run.stdout
    assert "Traceback" not in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr  # one line, no dump
    for part in parts:
        assert part in run.stderr, run.stderr


# -- damaged pages --------------------------------------------------------------------------


def test_damaged_pages_are_said_damaged_by_every_command(acme: Path, tmp_path: Path) -> None:
    shutil.copy(acme, tmp_path / BACKUP)  # the copy a migration leaves
    damage_pages(acme, "links")
    expected = (f"{acme} is damaged (database disk image is malformed); restore it from a "
                f"backup such as {tmp_path / BACKUP}")
    for args in (["stats", acme], ["import", acme, tmp_path / "more.csv", "--quiet"],
                 ["score", acme], ["export-table", acme, "--table", "links",
                                   "-o", tmp_path / "out.csv"],
                 ["balance", acme], ["explain", acme, "--domain", "example.com"]):
        assert_message(linkdesk(*args), expected)


def test_a_damaged_root_page_is_refused_when_opening(acme: Path) -> None:
    db = sqlite3.connect(acme)
    root = db.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'links'").fetchone()[0]
    db.close()
    with open(acme, "r+b") as file:
        file.seek((root - 1) * 4096)
        file.write(b"\xab" * 4096)
    with pytest.raises(ProjectError, match=r"is damaged \(database disk image is malformed\); "
                                           r"restore it from a backup$"):
        Project.open(acme, create=False)


# -- truncated, empty, link loops ------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.5, 0.01, 0.00005])
def test_a_truncated_project_is_said_truncated(acme: Path, fraction: float) -> None:
    truncate(acme, fraction)
    before = digest(acme)
    assert_message(linkdesk("stats", acme), f"{acme} is truncated", "restore it from a backup")
    assert digest(acme) == before


def test_an_empty_project_file_is_not_made_a_new_project(tmp_path: Path) -> None:
    empty = tmp_path / "acme.linkdesk"
    empty.touch()
    assert_message(linkdesk("stats", empty), "the file is empty (0 bytes)")
    assert empty.stat().st_size == 0


def test_a_symbolic_link_loop_is_said_so(tmp_path: Path) -> None:
    (tmp_path / "a.linkdesk").symlink_to(tmp_path / "b.linkdesk")
    (tmp_path / "b.linkdesk").symlink_to(tmp_path / "a.linkdesk")
    for args in (["stats"], ["import", "--quiet"]):
        run = linkdesk(*args[:1], tmp_path / "a.linkdesk", *([tmp_path / "x.csv"]
                                                           if args[0] == "import" else []))
        assert_message(run, f"{tmp_path / 'a.linkdesk'}: a symbolic link loop")


# -- another program's SQLite file ----------------------------------------------------------


def test_another_programs_database_is_left_byte_for_byte(acme: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    db.executemany("INSERT INTO invoices (total) VALUES (?)", [(i * 1.5,) for i in range(500)])
    db.commit()
    db.close()
    before = digest(other)
    run = linkdesk("import", other, tmp_path / "more.csv", "--quiet")
    assert_message(run, f"{other}: this SQLite file is not a LinkDesk project")
    assert digest(other) == before  # still in its own journal mode: not switched to WAL
    assert not other.with_name("other.db-wal").exists()


def test_an_empty_database_with_a_version_is_not_taken_over(tmp_path: Path) -> None:
    other = tmp_path / "settings.db"
    db = sqlite3.connect(other)
    db.execute("PRAGMA user_version = 3")
    db.close()
    before = digest(other)
    with pytest.raises(ProjectError, match="not a LinkDesk project"):
        Project.open(other)
    assert digest(other) == before


# -- read-only -------------------------------------------------------------------------------


def test_a_read_only_project_can_be_read_not_changed(acme: Path, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    project = Path(shutil.copy(acme, folder / "acme.linkdesk"))
    run = read_only_runner(folder)
    out = tmp_path / "links.csv"
    for args in (["stats", project, "--json"], ["balance", project],
                 ["explain", project, "--domain", "nowhere-at-all.example"],
                 ["export-table", project, "--table", "links", "-o", out],
                 ["settings", project]):
        result = run(*args)
        assert "Traceback" not in result.stderr and "read-only" not in result.stderr
        assert result.returncode == (1 if args[0] == "explain" else 0), result.stderr
    assert out.read_text(encoding="utf-8").count("\n") > 3_000
    for args in (["score", project], ["import", project, tmp_path / "more.csv"],
                 ["mark", project, "--domain", "example.com", "--disavow"],
                 ["settings", project, "--brand", "Acme"]):
        assert_message(run(*args), f"{project} is read-only: cannot change it")


def test_a_read_only_project_with_stale_scores_says_so(acme: Path, tmp_path: Path) -> None:
    with Project.open(acme) as project:
        forget_signals(project.db)
    folder = tmp_path / "shared"
    folder.mkdir()
    project_path = Path(shutil.copy(acme, folder / "acme.linkdesk"))
    result = read_only_runner(folder)("stats", project_path, "--json")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "read-only and its scores are out of date" in result.stderr
    assert '"links": 3000' in result.stdout
