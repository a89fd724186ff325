"""`linkdesk library ...` (issue 20): list, import, export, forget, apply, project."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from conftest import RunLinkdesk
from exportgen import make_profile, write_semrush


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cli-exports")
    made = {}
    for name, site in (("acme", "acme-widgets.com"), ("bolt", "bolt-supplies.com")):
        made[name] = folder / f"{name}.csv"
        write_semrush(made[name], make_profile(300, site=site, seed=9))
    return made


@pytest.fixture
def projects(run_linkdesk: RunLinkdesk, exports: dict[str, Path], tmp_path: Path
             ) -> dict[str, Path]:
    made = {}
    for name, site in (("acme", "acme-widgets.com"), ("bolt", "bolt-supplies.com")):
        made[name] = tmp_path / f"{name}.linkdesk"
        done = run_linkdesk("import", made[name], exports[name], "--site", site, "--no-score")
        assert done.returncode == 0, done.stderr
    return made


def some_domains(project: Path, count: int) -> list[str]:
    db = sqlite3.connect(project)
    try:
        rows = db.execute("SELECT domain FROM referring_domains WHERE domain GLOB '[a-z]*.*' "
                          "ORDER BY links DESC, domain LIMIT ?", (count,)).fetchall()
    finally:
        db.close()
    return [row[0] for row in rows]


def test_list_json_after_marking_in_two_projects(run_linkdesk: RunLinkdesk,
                                                 projects: dict[str, Path]) -> None:
    spam, kept = some_domains(projects["acme"], 2)
    for name in ("acme", "bolt"):
        done = run_linkdesk("mark", projects[name], "--domain", spam, "--disavow", "--reason",
                            f"spam seen at {name}")
        assert done.returncode == 0 and done.stderr == "", done.stderr
    run_linkdesk("mark", projects["acme"], "--domain", kept, "--keep", "--reason", "magazine")

    listed = run_linkdesk("library", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    by_domain = {(item["domain"], item["verdict"]): item for item in items}
    assert by_domain[(spam, "disavow")]["projects"] == 2
    assert sorted(by_domain[(spam, "disavow")]["reasons"]) == ["spam seen at acme",
                                                              "spam seen at bolt"]
    assert sorted(by_domain[(spam, "disavow")]["sources"]) == ["acme", "bolt"]
    assert by_domain[(kept, "keep")]["projects"] == 1
    only_keep = json.loads(run_linkdesk("library", "list", "--json", "--verdict",
                                        "keep").stdout)
    assert [(item["domain"], item["verdict"]) for item in only_keep] == [(kept, "keep")]
    text = run_linkdesk("library", "list").stdout
    assert f"{spam}: disavowed in 2 projects" in text


def test_apply_dry_run_then_apply(run_linkdesk: RunLinkdesk, projects: dict[str, Path]) -> None:
    spam, kept = some_domains(projects["acme"], 2)
    run_linkdesk("mark", projects["acme"], "--domain", spam, "--disavow", "--reason", "spam")
    run_linkdesk("mark", projects["acme"], "--domain", kept, "--disavow")
    run_linkdesk("mark", projects["bolt"], "--domain", kept, "--keep", "--reason", "partner")

    dry = run_linkdesk("library", "apply", projects["bolt"], "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    plan = json.loads(dry.stdout)
    assert (plan["changes"], plan["project_wins"], plan["applied"]) == (1, 1, False)
    assert plan["domains"][0]["domain"] == spam and plan["domains"][0]["after"] == "disavow"
    again = json.loads(run_linkdesk("library", "apply", projects["bolt"], "--dry-run",
                                    "--json").stdout)
    assert again["changes"] == 1  # the dry run changed nothing

    done = run_linkdesk("library", "apply", projects["bolt"])
    assert done.returncode == 0, done.stderr
    assert "marked 1 disavow; 1 left as the project marked them" in done.stdout
    db = sqlite3.connect(projects["bolt"])
    marks = dict(db.execute("SELECT domain, kind FROM domain_marks"))
    db.close()
    assert marks == {spam: "disavow", kept: "keep"}


def test_import_export_forget_round_trip(run_linkdesk: RunLinkdesk, tmp_path: Path) -> None:
    listed = tmp_path / "audit.csv"
    listed.write_text("domain,notes\nspam-one.xyz,x\nwww.Spam-Two.xyz,y\nnot a domain,z\n")
    done = run_linkdesk("library", "import", listed, "--verdict", "disavow", "--reason",
                        "old audit")
    assert done.returncode == 0, done.stderr
    assert "2 verdicts added" in done.stdout and "line 4: 'not a domain'" in done.stdout

    out = tmp_path / "verdicts.csv"
    exported = run_linkdesk("library", "export", "-o", out)
    assert exported.returncode == 0 and f"{out}: 2 verdicts" in exported.stdout
    other = tmp_path / "colleague.sqlite"
    moved = run_linkdesk("library", "import", out, "--library", other)
    assert "(library CSV): 2 verdicts added" in moved.stdout, moved.stdout + moved.stderr
    there = json.loads(run_linkdesk("library", "list", "--json", "--library", other).stdout)
    assert [(i["domain"], i["reasons"], i["lists"]) for i in there] == [
        ("spam-one.xyz", ["old audit"], 1), ("spam-two.xyz", ["old audit"], 1)]

    forgot = run_linkdesk("library", "forget", "SPAM-ONE.xyz")
    assert forgot.returncode == 0 and "spam-one.xyz: 1 verdicts removed" in forgot.stdout
    left = json.loads(run_linkdesk("library", "list", "--json").stdout)
    assert [item["domain"] for item in left] == ["spam-two.xyz"]
    refused = run_linkdesk("library", "forget", "co.uk")
    assert refused.returncode == 2 and "public suffix" in refused.stderr


def test_export_never_replaces_a_project(run_linkdesk: RunLinkdesk,
                                         projects: dict[str, Path]) -> None:
    run_linkdesk("mark", projects["acme"], "--domain", some_domains(projects["acme"], 1)[0],
                 "--disavow")
    before = projects["bolt"].read_bytes()
    done = run_linkdesk("library", "export", "-o", projects["bolt"])
    assert done.returncode == 1
    assert str(projects["bolt"]) in done.stderr and "Traceback" not in done.stderr
    assert projects["bolt"].read_bytes() == before


def test_confidential_and_opted_out_projects(run_linkdesk: RunLinkdesk,
                                             projects: dict[str, Path]) -> None:
    domain = some_domains(projects["acme"], 1)[0]
    shown = run_linkdesk("library", "project", projects["acme"], "--confidential")
    assert shown.returncode == 0 and "confidential (counted, never named)" in shown.stdout
    assert run_linkdesk("library", "project", projects["bolt"], "--no-feed").returncode == 0
    for name in ("acme", "bolt"):
        run_linkdesk("mark", projects[name], "--domain", domain, "--disavow")
    items = json.loads(run_linkdesk("library", "list", "--json").stdout)
    assert [(i["projects"], i["sources"], i["confidential"]) for i in items] == [(1, [], 1)]


def test_a_corrupt_library_is_named_and_marking_still_works(
        run_linkdesk: RunLinkdesk, projects: dict[str, Path], private_library: Path) -> None:
    private_library.write_bytes(b"\x00garbage" * 500)
    domain = some_domains(projects["acme"], 1)[0]
    marked = run_linkdesk("mark", projects["acme"], "--domain", domain, "--disavow")
    assert marked.returncode == 0
    assert "Mark disavow: 1 domain" in marked.stdout
    assert str(private_library) in marked.stderr and "marks are kept" in marked.stderr
    for args in (("list",), ("export", "-o", projects["acme"].with_suffix(".csv")),
                 ("apply", projects["bolt"])):
        done = run_linkdesk("library", *args)
        assert done.returncode == 1, args
        assert str(private_library) in done.stderr and "damaged" in done.stderr
        assert "Traceback" not in done.stderr
    opened = run_linkdesk("stats", projects["acme"])  # the project works without it
    assert opened.returncode == 0


def test_library_option_points_elsewhere(run_linkdesk: RunLinkdesk, projects: dict[str, Path],
                                         tmp_path: Path, private_library: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "lib.sqlite"
    domain = some_domains(projects["acme"], 1)[0]
    run_linkdesk("mark", projects["acme"], "--domain", domain, "--keep", "--library", elsewhere)
    assert elsewhere.exists() and not private_library.exists()
    items = json.loads(run_linkdesk("library", "list", "--json", "--library", elsewhere).stdout)
    assert [(i["domain"], i["verdict"]) for i in items] == [(domain, "keep")]
    assert json.loads(run_linkdesk("library", "list", "--json").stdout) == []


def test_library_help_lists_the_subcommands(run_linkdesk: RunLinkdesk) -> None:
    done = run_linkdesk("library", "--help")
    assert done.returncode == 0
    for name in ("list", "import", "export", "forget", "apply", "project"):
        assert name in done.stdout


def test_copied_project_keeps_its_identity(run_linkdesk: RunLinkdesk, projects: dict[str, Path],
                                           tmp_path: Path) -> None:
    """A renamed (moved) project stays the same source: its old name is replaced, not added."""
    domain = some_domains(projects["acme"], 1)[0]
    run_linkdesk("mark", projects["acme"], "--domain", domain, "--disavow")
    moved = tmp_path / "acme-2026.linkdesk"
    shutil.move(projects["acme"], moved)
    run_linkdesk("mark", moved, "--domain", domain, "--disavow", "--reason", "again")
    items = json.loads(run_linkdesk("library", "list", "--json").stdout)
    assert [(i["projects"], i["sources"]) for i in items] == [(1, ["acme-2026"])]
