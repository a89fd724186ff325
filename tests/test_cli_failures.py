"""Commands fail with a message, never a traceback: a full disk, names and text that are not
UTF-8, a reader that leaves the pipe early, a file the system refuses."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_ahrefs

from linkdesk.cli import main
from linkdesk.core.store import project as project_module

ROOT = Path(__file__).parent.parent


def linkdesk(*args: object, **options: Any) -> subprocess.CompletedProcess[bytes]:
    """Run the command line with raw bytes arguments (as a Linux shell passes them)."""
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **options}
    return subprocess.run([sys.executable, "-m", "linkdesk.cli",
                           *(a if isinstance(a, bytes) else str(a) for a in args)],
                          timeout=300, check=False, cwd=ROOT, **streams)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("failures")
    write_ahrefs(folder / "ahrefs.csv", make_profile(1_500, seed=21))
    assert main(["import", str(folder / "acme.linkdesk"), str(folder / "ahrefs.csv"),
                 "--quiet"]) == 0
    return folder / "acme.linkdesk"


@pytest.fixture
def acme(built: Path, tmp_path: Path) -> Path:
    write_ahrefs(tmp_path / "more.csv", make_profile(800, seed=22, site="acme-widgets.com"))
    return Path(shutil.copy(built, tmp_path / "acme.linkdesk"))


def content(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


# -- a full disk -----------------------------------------------------------------------------


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The project cannot grow by one page: SQLite reports SQLITE_FULL, as on a full disk."""
    real_connect = project_module.connect

    def connect(path: Path, **options: Any) -> sqlite3.Connection:
        db = real_connect(path, **options)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    monkeypatch.setattr(project_module, "connect", connect)


@pytest.mark.parametrize("command", [
    ["import", "{more}", "--quiet"],
    ["score"],
    ["settings", "--brand", "Acme Widgets", "--topic", "widgets", "gadgets"],
    ["mark", "--domain", "{domain}", "--disavow", "--reason", "spam network " * 20],
])
def test_a_full_disk_is_a_message_and_changes_nothing(
        acme: Path, tmp_path: Path, full_disk: None, command: list[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    db = sqlite3.connect(acme)
    domains = [row[0] for row in db.execute("SELECT domain FROM referring_domains LIMIT 400")]
    db.close()
    before = content(acme)
    args = [command[0], str(acme), *(arg.format(more=tmp_path / "more.csv", domain=domains[0])
                                     for arg in command[1:])]
    if command[0] == "mark":
        for domain in domains[1:]:
            args += ["--domain", domain]
    if command[0] == "score":
        writer = sqlite3.connect(acme, isolation_level=None)  # no scores: scoring must grow it
        for table in ("scoring_state", "link_scores", "link_features", "domain_scores"):
            writer.execute(f"DELETE FROM {table}")
        writer.execute("VACUUM")
        writer.close()
        before = content(acme)
    assert main(args) == 1
    error = capsys.readouterr().err
    assert f"{acme}: the disk is full (database or disk is full)" in error, error
    assert "Traceback" not in error
    assert content(acme) == before


# -- text and names that are not UTF-8 -------------------------------------------------------


def test_a_reason_that_is_not_utf8_is_refused_plainly(acme: Path) -> None:
    run = linkdesk("mark", acme, "--domain", "example.com", "--disavow", "--reason", b"\x85")
    assert run.returncode == 2
    assert b"Traceback" not in run.stderr
    assert b"linkdesk mark: --reason: \\x85: the text is not valid UTF-8" in run.stderr


def test_a_file_name_that_is_not_utf8_is_refused_plainly(acme: Path, tmp_path: Path) -> None:
    odd = os.fsencode(tmp_path) + b"/\xff.csv"
    shutil.copy(tmp_path / "more.csv", odd)
    before = content(acme)
    run = linkdesk("import", acme, odd)
    assert run.returncode == 2 and b"Traceback" not in run.stderr
    assert b"\\xff.csv: the file name is not valid UTF-8; rename the file" in run.stderr
    assert content(acme) == before


# -- a closed pipe ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["stats", "--json"], ["balance"], ["stats"]])
def test_a_reader_that_left_the_pipe_ends_the_command_quietly(
        acme: Path, command: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # `| head` that has already gone: every write fails with EPIPE
    try:
        run = linkdesk(command[0], acme, *command[1:], stdout=write_end)
    finally:
        os.close(write_end)
    assert run.returncode == 141
    assert run.stderr == b""


def test_stats_to_a_pipe_still_prints_whole(acme: Path) -> None:
    run = linkdesk("stats", acme, "--json")
    assert run.returncode == 0 and json.loads(run.stdout)["links"] == 1_500


# -- errors from the system ------------------------------------------------------------------


def test_a_system_error_names_the_file_and_the_problem(
        acme: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    spool = tmp_path / "spool.tmp"

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(spool))

    monkeypatch.setattr("linkdesk.commands.imports.import_files", no_space)
    assert main(["import", str(acme), str(tmp_path / "more.csv"), "--quiet"]) == 1
    error = capsys.readouterr().err
    assert error.strip() == f"linkdesk import: {spool}: No space left on device"


def test_a_unicode_error_without_a_reason_is_still_a_message(capsys: Any) -> None:
    """`"x" * 64 + ".com"` encoded as IDNA raises a bare UnicodeError, which has no `.reason`:
    the message must not fail on it and turn into a traceback."""
    from linkdesk.commands.failures import run_guarded

    def run() -> int:
        ("x" * 64 + ".com").encode("idna")
        return 0

    assert run_guarded("check", None, run) != 0
    err = capsys.readouterr().err
    assert err.startswith("linkdesk check: text that cannot be encoded (")
    assert "label empty or too long" in err
    assert "Traceback" not in err
