"""Attacks on the verdict library's command line: huge files, hostile cells, damaged files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from linkdesk.core.verdicts.transfer import MAX_IMPORT_BYTES

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: object, library: Path,
            memory_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    """`linkdesk ...` from this checkout, with its own library, under an address-space limit."""
    limit = (f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({memory_limit}, "
             f"{memory_limit})); " if memory_limit else "")
    script = f"{limit}import sys; from linkdesk.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONUTF8": "1", "PYTHONPATH": str(REPO),
           "LINKDESK_LIBRARY": str(library)}
    return subprocess.run([sys.executable, "-c", script, *map(str, args)], cwd=REPO, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=600,
                          check=False)


@pytest.mark.parametrize("size", [MAX_IMPORT_BYTES + 1, 8 * 1024 ** 3])
def test_a_huge_list_is_refused_in_bounded_memory(tmp_path: Path, size: int) -> None:
    huge = tmp_path / "domains.txt"
    with huge.open("wb") as out:  # sparse: costs no disk, but reads as `size` bytes
        out.write(b"domain\nspam-network.top\n")
        out.truncate(size)
    done = run_cli("library", "import", huge, library=tmp_path / "library.sqlite",
                   memory_limit=1024 ** 3)
    assert done.returncode != 0
    assert f"{huge}: over {MAX_IMPORT_BYTES // 1024 ** 2} MB" in done.stderr
    assert "split it" in done.stderr
    assert "Traceback" not in done.stderr


def test_decision_times_from_a_file_are_real_and_past(tmp_path: Path) -> None:
    from linkdesk.core.library.store import Library
    from linkdesk.core.verdicts.transfer import import_file

    now = "2026-12-05T12:00:00Z"
    rows = [("future.com", "9999-12-31"), ("garbage.com", "2026-01-01garbage"),
            ("nosuchday.com", "2026-02-30"), ("fine.com", "2026-11-03"),
            ("exact.com", "2026-11-03T10:00:00Z")]
    csv_file = tmp_path / "verdicts.csv"
    csv_file.write_text("domain,verdict,reason,decided_at,source_kind,source_id\n" + "".join(
        f"{domain},disavow,spam,{when},list,list:old.csv\n" for domain, when in rows),
        encoding="utf-8")
    with Library.open(tmp_path / "library.sqlite") as library:
        import_file(library, csv_file, now=now)
        held = dict(library.db.execute("SELECT domain, decided_at FROM verdicts"))
    assert held == {"future.com": now, "garbage.com": now, "nosuchday.com": now,
                    "fine.com": "2026-11-03", "exact.com": "2026-11-03T10:00:00Z"}


def test_imported_text_cannot_drive_the_terminal(tmp_path: Path) -> None:
    csv_file = tmp_path / "verdicts.csv"
    csv_file.write_text("domain,verdict,reason,decided_at,source_kind,source_id,source_name\n"
                        "spam.example,disavow,\"\x1b]0;pwned\x07 network\",2026-01-01,list,"
                        "list:x,\"\u202elist\"\n", encoding="utf-8")
    library = tmp_path / "library.sqlite"
    assert run_cli("library", "import", csv_file, library=library).returncode == 0
    done = run_cli("library", "list", library=library)
    assert done.returncode == 0
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "\u202e" not in done.stdout
    assert "\\x1b]0;pwned\\x07 network" in done.stdout


def test_import_counts_in_words(tmp_path: Path) -> None:
    listed = tmp_path / "one.txt"
    listed.write_text("domain\nspam-network.top\nnot a domain\n", encoding="utf-8")
    done = run_cli("library", "import", listed, library=tmp_path / "library.sqlite")
    assert "one.txt (list of domains): 1 verdict added, 0 updated, 0 already known, " \
           "1 line skipped" in done.stdout, done.stdout + done.stderr


def _library_with(tmp_path: Path, sql: str) -> Path:
    """A library holding one verdict, then changed by `sql` (another program's doing)."""
    import sqlite3

    library = tmp_path / "library.sqlite"
    listed = tmp_path / "domains.txt"
    listed.write_text("domain\nspam-network.top\n", encoding="utf-8")
    assert run_cli("library", "import", listed, library=library).returncode == 0
    with sqlite3.connect(library) as db:
        db.executescript(sql)
    return library


def test_a_library_with_a_trigger_is_never_written(tmp_path: Path) -> None:
    """A trigger runs on every change LinkDesk makes: this one empties the library on each
    new verdict."""
    import sqlite3

    library = _library_with(tmp_path, "CREATE TRIGGER wipe AFTER INSERT ON verdicts BEGIN "
                                      "DELETE FROM verdicts WHERE domain != new.domain; END;")
    more = tmp_path / "more.txt"
    more.write_text("domain\nlink-farm.example\n", encoding="utf-8")
    done = run_cli("library", "import", more, library=library)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert (f"{library}: holds SQL that runs on every change (trigger 'wipe') that LinkDesk "
            "did not write") in done.stderr
    with sqlite3.connect(library) as db:
        assert db.execute("SELECT domain FROM verdicts").fetchall() == [("spam-network.top",)]


def test_a_huge_reason_is_listed_short(tmp_path: Path) -> None:
    library = _library_with(tmp_path, "UPDATE verdicts SET reason = printf('%.*c', 5000000, 'x');"
                                      "INSERT INTO sources VALUES ('list:b', 'list', 'b');"
                                      "INSERT INTO verdicts SELECT domain, 'list:b', verdict, "
                                      "'second', decided_at FROM verdicts;")
    done = run_cli("library", "list", library=library)
    assert done.returncode == 0
    assert len(done.stdout) < 2_000  # it printed all five million characters
    assert "xxx…; second)" in done.stdout


def test_a_library_file_given_to_import_says_what_to_do(tmp_path: Path) -> None:
    """Importing a colleague's library.sqlite read its bytes as a list of domains: 'no
    domain to import; line 1: 'SQLite format 3\\x00' is not a domain'."""
    theirs = _library_with(tmp_path, "")
    mine = tmp_path / "mine.sqlite"
    done = run_cli("library", "import", theirs, library=mine)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert (f"{theirs}: an SQLite file (another library, or a project), not a list: on the "
            "machine it comes from, write it as CSV with `linkdesk library export -o "
            "FILE.csv`") in done.stderr
