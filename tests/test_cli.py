"""The headless command line: `linkdesk import`, `linkdesk stats`, `linkdesk --demo`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_ahrefs, write_generic, write_majestic

STATS_KEYS = {
    "links", "referring_domains", "referring_hosts", "imports", "observations",
    "google_seen_links", "dofollow_links", "nofollow_links", "lost_links", "skipped_rows",
    "by_vendor",
}


def linkdesk(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linkdesk.cli", *map(str, args)],
        capture_output=True, text=True, timeout=300, env=env,
    )


def test_import_then_stats(tmp_path: Path) -> None:
    profile = list(make_profile(300, seed=5))
    write_ahrefs(tmp_path / "ahrefs.csv", profile[:200])
    write_majestic(tmp_path / "majestic.csv.gz", profile[100:], compress=True)
    project = tmp_path / "client" / "acme.linkdesk"

    run = linkdesk("import", project, tmp_path / "ahrefs.csv", tmp_path / "majestic.csv.gz")
    assert run.returncode == 0, run.stderr
    assert "ahrefs.csv: Ahrefs backlinks: 200 rows read, 200 imported, 0 skipped; " \
        "200 links added, 0 merged" in run.stdout
    assert "majestic.csv.gz: Majestic backlinks: 200 rows read" in run.stdout
    assert "100 links added, 100 merged" in run.stdout

    stats_run = linkdesk("stats", project, "--json")
    assert stats_run.returncode == 0, stats_run.stderr
    stats = json.loads(stats_run.stdout)
    assert set(stats) >= STATS_KEYS
    assert stats["links"] == 300
    assert stats["imports"] == 2
    assert stats["observations"] == 400
    assert stats["by_vendor"] == {"ahrefs": 200, "majestic": 200}
    assert stats["dofollow_links"] + stats["nofollow_links"] == 300


def test_same_file_twice_is_said_and_adds_nothing(tmp_path: Path) -> None:
    write_ahrefs(tmp_path / "a.csv", make_profile(40, seed=1))
    project = tmp_path / "p.linkdesk"
    assert linkdesk("import", project, tmp_path / "a.csv").returncode == 0
    again = linkdesk("import", project, tmp_path / "a.csv")
    assert again.returncode == 0
    assert "already imported" in again.stdout
    assert json.loads(linkdesk("stats", project, "--json").stdout)["imports"] == 1


def test_bad_file_fails_clearly_and_the_rest_still_imports(tmp_path: Path) -> None:
    bad = tmp_path / "invoice.csv"
    bad.write_text("Invoice,Amount\nINV-1,100\n")
    good = tmp_path / "a.csv"
    write_ahrefs(good, make_profile(30, seed=2))
    project = tmp_path / "p.linkdesk"
    run = linkdesk("import", project, bad, good)
    assert run.returncode == 1
    assert "invoice.csv: not a backlink export" in run.stderr
    assert "Traceback" not in run.stderr
    assert "a.csv: Ahrefs backlinks: 30 rows read" in run.stdout
    assert json.loads(linkdesk("stats", project, "--json").stdout)["links"] == 30


def test_generic_csv_with_a_column_mapping(tmp_path: Path) -> None:
    export = tmp_path / "other-tool.csv"
    write_generic(export, make_profile(25, seed=4))
    project = tmp_path / "p.linkdesk"
    unmapped = linkdesk("import", project, export)
    assert unmapped.returncode == 1
    assert "--map source_url=COLUMN" in unmapped.stderr
    run = linkdesk("import", project, export, "--map", "source_url=Quelle",
                   "--map", "target_url=Ziel", "--map", "anchor=Linktext",
                   "--map", "nofollow=Rel", "--map", "first_seen=Erstmals gesehen")
    assert run.returncode == 0, run.stderr
    assert "25 imported" in run.stdout
    stats = json.loads(linkdesk("stats", project, "--json").stdout)
    assert stats["by_vendor"] == {"generic": 25}


def test_stats_of_a_missing_project_fails(tmp_path: Path) -> None:
    run = linkdesk("stats", tmp_path / "nope.linkdesk", "--json")
    assert run.returncode == 1
    assert "no such project file" in run.stderr
    assert not (tmp_path / "nope.linkdesk").exists()


def test_demo_builds_the_sample_project(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    run = linkdesk("--demo", env=env)
    assert run.returncode == 0, run.stderr
    sample = next(tmp_path.rglob("*.linkdesk"))
    stats = json.loads(linkdesk("stats", sample, "--json").stdout)
    assert stats["imports"] == 7
    assert set(stats["by_vendor"]) == {"ahrefs", "semrush", "majestic", "moz", "gsc"}
    assert stats["google_seen_links"] > 0


def test_the_usage_line_names_no_hidden_command() -> None:
    """`export-table` stays a hidden alias: an error's usage line lists no command names."""
    from linkdesk.cli import _command_parser

    usage = _command_parser().format_usage()
    assert "COMMAND" in usage and "export-table" not in usage
