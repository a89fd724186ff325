"""The marking, disavow and table export commands, run as the user runs them."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from conftest import RunLinkdesk
from test_tables import build_project

from linkdesk.cli import main
from linkdesk.core.scoring import rescore
from linkdesk.core.store import Project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_project(tmp_path_factory.mktemp("cli") / "built.linkdesk")
    with Project.open(path) as project:
        rescore(project.db)
    return path


@pytest.fixture
def acme(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the scored sample project."""
    path = tmp_path / "acme.linkdesk"
    shutil.copy(built, path)
    return path


def query(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def risky(path: Path, count: int) -> list[str]:
    return [str(row[0]) for row in query(
        path, "SELECT domain FROM domain_scores WHERE risk_level = 3 AND domain GLOB '*[a-z]*' "
        "ORDER BY links DESC, domain LIMIT ?", count)]


def test_mark_and_stats(run_linkdesk: RunLinkdesk, acme: Path) -> None:
    first, second = risky(acme, 2)
    dry = run_linkdesk("mark", acme, "--domain", first, "--domain", second, "--disavow",
                       "--reason", "link network", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would change: 2 added" in dry.stdout
    assert query(acme, "SELECT count(*) FROM domain_marks") == [(0,)]
    done = run_linkdesk("mark", acme, "--domain", f"https://www.{first}/page",
                        "--domain", second, "--disavow", "--reason", "link network")
    assert done.returncode == 0, done.stderr
    assert f"{first}: none -> disavow" in done.stdout
    page = query(acme, "SELECT source_url FROM links WHERE domain = ? LIMIT 1", first)[0][0]
    kept = run_linkdesk("mark", acme, "--url", page, "--keep", "--reason", "real review")
    assert kept.returncode == 0 and "1 added" in kept.stdout
    stats = run_linkdesk("stats", acme, "--json")
    counts = json.loads(stats.stdout)
    links = query(acme, "SELECT count(*) FROM links WHERE domain IN (?, ?)", first, second)
    kept_links = query(acme, "SELECT count(*) FROM links WHERE source_url = ?", page)
    assert (counts["disavowed_links"], counts["disavowed_domains"], counts["kept_domains"]) == (
        links[0][0] - kept_links[0][0], 2, 0)


def test_mark_refuses_what_is_not_there(run_linkdesk: RunLinkdesk, acme: Path) -> None:
    bad = run_linkdesk("mark", acme, "--domain", "not a domain", "--review")
    assert bad.returncode == 2 and "'not a domain' is not a domain" in bad.stderr
    missing = run_linkdesk("mark", acme, "--url", "https://nowhere.example/x", "--disavow")
    assert missing.returncode == 1 and "no link from https://nowhere.example/x" in missing.stderr
    nothing = run_linkdesk("mark", acme, "--disavow")
    assert nothing.returncode == 2


def test_import_disavow_then_write_validate(run_linkdesk: RunLinkdesk, acme: Path,
                                            tmp_path: Path) -> None:
    spam = risky(acme, 2)
    old = tmp_path / "old-disavow.txt"
    old.write_text(
        "# previous agency, 2025\n"
        f"domain:{spam[0]}\n"
        "domain:bücher.de\n"
        "http://gone.example/spam-page.html\n"
        f"domain:{spam[1]}/blog/\n",
        encoding="utf-8")
    imported = run_linkdesk("import-disavow", acme, old)
    assert imported.returncode == 0, imported.stderr
    out = imported.stdout
    assert "2 domain entries, 1 URL entry, 1 invalid line" in out
    assert f"line 5: invalid, kept as text: domain:{spam[1]}/blog/" in out
    assert "2 entries match nothing in the profile" in out
    assert "line 3: domain:xn--bcher-kva.de" in out
    target = tmp_path / "acme-disavow.txt"
    written = run_linkdesk("disavow", acme, "-o", target)
    assert written.returncode == 0, written.stdout + written.stderr
    assert "against imported old-disavow.txt: 0 added, 0 removed" in written.stdout
    text = target.read_text(encoding="utf-8")
    assert f"domain:{spam[0]}\n" in text and "domain:xn--bcher-kva.de\n" in text
    assert "http://gone.example/spam-page.html\n" in text
    valid = run_linkdesk("validate-disavow", target)
    assert valid.returncode == 0 and "0 errors" in valid.stdout and "valid" in valid.stdout


def test_disavow_refuses_without_force_when_warnings_need_it(
    run_linkdesk: RunLinkdesk, acme: Path, tmp_path: Path
) -> None:
    best = query(acme, "SELECT domain FROM domain_scores ORDER BY quality DESC LIMIT 1")[0][0]
    assert run_linkdesk("mark", acme, "--domain", best, "--domain", "wordpress.com",
                        "--disavow").returncode == 0
    target = tmp_path / "disavow.txt"
    refused = run_linkdesk("disavow", acme, "-o", target)
    assert refused.returncode == 1
    assert "warning (needs --force)" in refused.stdout and "high quality" in refused.stdout
    assert "wordpress.com, a very large platform" in refused.stdout
    assert "--force" in refused.stderr and not target.exists()
    forced = run_linkdesk("disavow", acme, "-o", target, "--force")
    assert forced.returncode == 0, forced.stderr
    assert f"domain:{best}" in target.read_text(encoding="utf-8")


def test_validate_disavow_lists_every_problem(run_linkdesk: RunLinkdesk, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xef\xbb\xbfdomain:ok.com\ndomain:ok.com\ndomain:x.com/en\nmailto:a@b.c\n")
    result = run_linkdesk("validate-disavow", bad)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ")[1] for line in lines[:4]] == ["line 1", "line 2", "line 3",
                                                          "line 4"]
    assert "byte order mark" in lines[0] and "duplicate of line 1" in lines[1]
    assert lines[-1].endswith("3 errors, 1 warning: Google would reject it")


def test_export_table_as_filtered_and_sorted(run_linkdesk: RunLinkdesk, acme: Path,
                                             tmp_path: Path) -> None:
    spam = risky(acme, 3)
    args = [arg for domain in spam for arg in ("--domain", domain)]
    assert run_linkdesk("mark", acme, *args, "--disavow", "--reason", "=spam").returncode == 0
    out = tmp_path / "links.csv"
    result = run_linkdesk("export-table", acme, "--table", "links", "-o", out, "--marked",
                          "disavow", "--sort", "quality", "--desc", "--bom")
    assert result.returncode == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    header = rows[0]
    expected = query(acme, "SELECT count(*) FROM links WHERE domain IN (?, ?, ?)", *spam)
    assert len(rows) - 1 == expected[0][0] and f"{expected[0][0]} rows" in result.stdout
    assert {row[header.index("Mark")] for row in rows[1:]} == {"Disavow (domain)"}
    assert {row[header.index("Mark reason")] for row in rows[1:]} == {"'=spam"}
    quality = [float(row[header.index("Quality")]) for row in rows[1:]]
    assert quality == sorted(quality, reverse=True)
    bad = run_linkdesk("export-table", acme, "--table", "links", "-o", out, "--sort", "rel")
    assert bad.returncode == 2 and "cannot be sorted by Rel" in bad.stderr
    anchors = run_linkdesk("export-table", acme, "--table", "anchors", "-o",
                           tmp_path / "a.csv", "--search", "widget")
    assert anchors.returncode == 0, anchors.stderr
    old = run_linkdesk("export", acme, "--links", "-o", tmp_path / "old.csv")
    assert old.returncode == 0 and "links" in old.stdout  # the existing command still works


def _digest(path: Path) -> bytes:
    import hashlib

    return hashlib.sha256(path.read_bytes()).digest()


def test_no_export_replaces_a_project(run_linkdesk: RunLinkdesk, acme: Path,
                                      tmp_path: Path) -> None:
    """Issue 13: `export-table p -o p` wrote CSV over the project, `export --links -o p`
    truncated it; the disavow writer could replace a project renamed .txt."""
    before = _digest(acme)
    other = tmp_path / "other.linkdesk"
    shutil.copy(acme, other)
    renamed = tmp_path / "backup-of-acme.csv"  # a project under a CSV name
    shutil.copy(acme, renamed)
    (tmp_path / "link").symlink_to(acme)
    attempts = [
        ("export-table", acme, "--table", "links", "-o", acme),
        ("export", acme, "--links", "-o", acme),
        ("export", acme, "--table", "domains", "-o", other),
        ("export", acme, "--table", "anchors", "-o", renamed),
        ("export", acme, "--table", "links", "-o", tmp_path / "link"),
        ("export", acme, "--table", "links", "-o", tmp_path / "acme.linkdesk-wal"),
        ("disavow", acme, "-o", tmp_path / "link.txt", "--force"),
    ]
    (tmp_path / "link.txt").symlink_to(acme)
    for args in attempts:
        result = run_linkdesk(*args)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "not written" in result.stderr and "Traceback" not in result.stderr, args
        assert "choose another file name" in result.stderr
    assert _digest(acme) == before
    assert query(acme, "SELECT count(*) FROM links")[0][0] > 0  # still a working project
    assert query(other, "SELECT count(*) FROM links") == query(acme, "SELECT count(*) FROM links")
    assert renamed.read_bytes()[:16] == b"SQLite format 3\x00"
    assert not (tmp_path / "acme.linkdesk-wal").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_export_is_the_one_command_over_every_table(run_linkdesk: RunLinkdesk, acme: Path,
                                                    tmp_path: Path) -> None:
    """Issue 14: `export --table` with export-table's options; --all-columns has the live
    checks and the score details the first `export --links` wrote."""
    out = tmp_path / "all.csv"
    result = run_linkdesk("export", acme, "--table", "links", "--all-columns", "-o", out,
                          "--band", "weak", "--sort", "quality", "--desc")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    header = rows[0]
    assert {"Check", "Checked", "Risk flags", "Anchor class", "Risk points", "Confidence",
            "Mark", "Mark reason", "Quality", "Band", "Risk", "Page title"} <= set(header)
    assert {row[header.index("Band")] for row in rows[1:]} == {"Weak"}
    assert {row[header.index("Check")] for row in rows[1:]} == {""}  # never checked
    domains = tmp_path / "domains.csv"
    result = run_linkdesk("export", acme, "--table", "domains", "--all-columns", "-o", domains)
    assert result.returncode == 0, result.stderr
    header = next(csv.reader(domains.open(encoding="utf-8")))
    assert {"Best link", "Live links", "Risk points", "Risk flags", "Confidence"} <= set(header)
    old = tmp_path / "old.csv"
    assert run_linkdesk("export", acme, "--links", "-o", old).returncode == 0
    names = next(csv.reader(old.open(encoding="utf-8")))
    assert names[:15] == ["source_url", "target_url", "domain", "anchor", "anchor_class",
                          "quality", "band", "risk_level", "risk_points", "flags",
                          "confidence", "follow", "lost", "first_seen", "last_seen"]
    assert "check" in names and "checked" in names
    listed = run_linkdesk("--help")
    assert "export," in listed.stdout and "export-table" not in listed.stdout
    usage = run_linkdesk("export", acme, "-o", out)
    assert usage.returncode == 2 and "--table" in usage.stderr


@pytest.mark.parametrize("line", [
    "example.com/" + "x" * 5_000_000,  # a page without its scheme: the hint quotes it
    "domain:" + "a" * 5_000_000,  # not a domain name
    "ftp" + "x" * 5_000_000 + "://example.com/",  # a scheme that is not http(s)
])
def test_validate_quotes_at_most_a_bounded_part_of_a_huge_line(
        tmp_path: Path, line: str, capsys: pytest.CaptureFixture[str]) -> None:
    disavow = tmp_path / "disavow.txt"
    disavow.write_text(f"# client\ndomain:spam.example\n{line}\n", encoding="utf-8")
    assert main(["validate-disavow", str(disavow)]) == 1
    out = capsys.readouterr().out
    assert f"{disavow}: line 3: error: " in out
    assert max(len(text) for text in out.splitlines()) < 400
    assert "…" in out
