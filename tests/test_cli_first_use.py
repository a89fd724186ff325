"""What a new user meets on the command line: the client's site worked out from the links,
nothing created from unreadable files, counts in words, help that says what PROJECT is, and
no Qt abort without a display (issue 18)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_ahrefs, write_semrush

from linkdesk.core.importers.site import guess_site, settle_site
from linkdesk.core.store import Project, settings


def linkdesk(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linkdesk.cli", *map(str, args)],
        capture_output=True, text=True, timeout=300, env=env,
    )


def test_import_without_site_takes_the_domain_most_links_point_to(tmp_path: Path) -> None:
    write_semrush(tmp_path / "semrush.csv", make_profile(300, site="acme-widgets.com", seed=3))
    project = tmp_path / "acme.linkdesk"
    run = linkdesk("import", project, tmp_path / "semrush.csv")
    assert run.returncode == 0, run.stderr
    assert "site: acme-widgets.com (100% of the links point to it)" in run.stdout
    assert f"linkdesk settings {project} --site DOMAIN" in run.stdout
    with Project.open(project, create=False) as opened:
        assert settings.sites(opened.db) == ["acme-widgets.com"]
    stats = json.loads(linkdesk("stats", project, "--json").stdout)
    assert stats["anchor_classes"]["brand"] > 0  # "Acme Widgets" anchors count as brand


def test_an_ambiguous_site_is_not_guessed_and_the_user_is_told(tmp_path: Path) -> None:
    write_semrush(tmp_path / "a.csv", make_profile(300, site="acme-widgets.com", seed=3))
    write_semrush(tmp_path / "b.csv", make_profile(250, site="other-shop.net", seed=4))
    project = tmp_path / "p.linkdesk"
    run = linkdesk("import", project, tmp_path / "a.csv", tmp_path / "b.csv")
    assert run.returncode == 0, run.stderr
    assert "site: not set: the links point to acme-widgets.com (55%), other-shop.net (45%)" \
        in run.stdout
    with Project.open(project, create=False) as opened:
        assert settings.sites(opened.db) == []


def test_a_given_site_is_kept(tmp_path: Path) -> None:
    write_semrush(tmp_path / "a.csv", make_profile(60, site="acme-widgets.com", seed=3))
    project = tmp_path / "p.linkdesk"
    run = linkdesk("import", project, tmp_path / "a.csv", "--site", "shop.example.org")
    assert run.returncode == 0, run.stderr
    assert "site:" not in run.stdout
    with Project.open(project, create=False) as opened:
        assert settings.sites(opened.db) == ["shop.example.org"]


def test_site_guess_groups_hosts_by_registered_domain(project: Project) -> None:
    """www., blog. and the bare host are one site; a PSL suffix like co.uk is not a site."""
    targets = (["https://www.acme.co.uk/a", "https://blog.acme.co.uk/b", "http://acme.co.uk/"] * 5
               + ["https://partner.co.uk/x"] * 3)
    project.db.executemany(
        "INSERT INTO links (source_url, target_url, source_host, domain) VALUES (?, ?, ?, ?)",
        [(f"https://ref{i}.org/p", url, f"ref{i}.org", f"ref{i}.org")
         for i, url in enumerate(targets)],
    )
    guess = guess_site(project.db)
    assert guess.candidates == (("acme.co.uk", 15), ("partner.co.uk", 3))
    assert guess.site == "acme.co.uk"
    assert settle_site(project.db) is not None
    assert settings.sites(project.db) == ["acme.co.uk"]
    assert settle_site(project.db) is None  # a known site is never replaced


def test_importing_only_unreadable_files_creates_nothing(tmp_path: Path) -> None:
    project = tmp_path / "new" / "proj.linkdesk"
    run = linkdesk("import", project, tmp_path / "nothere.csv")
    assert run.returncode == 1
    assert "no file could be read" in run.stderr
    assert "scored" not in run.stdout
    assert not (tmp_path / "new").exists()


def test_unreadable_files_leave_an_existing_project_in_place(tmp_path: Path) -> None:
    write_semrush(tmp_path / "a.csv", make_profile(20, seed=3))
    project = tmp_path / "p.linkdesk"
    assert linkdesk("import", project, tmp_path / "a.csv").returncode == 0
    run = linkdesk("import", project, tmp_path / "nothere.csv")
    assert run.returncode == 1
    assert project.exists()
    assert json.loads(linkdesk("stats", project, "--json").stdout)["links"] == 20


def test_a_wrong_format_says_what_the_file_is(tmp_path: Path) -> None:
    write_semrush(tmp_path / "semrush.csv", make_profile(20, seed=3))
    run = linkdesk("import", tmp_path / "p.linkdesk", tmp_path / "semrush.csv",
                   "--format", "ahrefs")
    assert run.returncode == 1
    assert ("not an Ahrefs export (--format ahrefs): it looks like a Semrush backlinks "
            "export") in run.stderr
    assert "not a ahrefs" not in run.stderr


def test_counts_read_as_words(tmp_path: Path) -> None:
    write_ahrefs(tmp_path / "one.csv", make_profile(1, seed=3))
    project = tmp_path / "p.linkdesk"
    run = linkdesk("import", project, tmp_path / "one.csv")
    assert "1 row read" in run.stdout and "1 link added" in run.stdout
    assert "1 rows" not in run.stdout
    write_semrush(tmp_path / "more.csv", make_profile(1500, seed=5))
    assert linkdesk("import", project, tmp_path / "more.csv").returncode == 0
    text = linkdesk("stats", project).stdout
    assert "{" not in text and "'" not in text  # no Python dicts
    assert "by vendor          ahrefs 1, semrush 1,500" in text
    assert "links              1,501" in text


def test_subcommand_help_describes_project_and_file() -> None:
    text = linkdesk("import", "--help").stdout
    assert "PROJECT" in text and "the client's project file" in text
    assert "an export file" in text
    text = linkdesk("import-disavow", "--help").stdout
    assert "the client's current disavow file" in text
    for command in ("stats", "score", "explain", "export", "mark", "check", "balance"):
        assert "the client's project file" in linkdesk(command, "--help").stdout, command


def test_no_display_says_what_to_do_instead_of_a_qt_abort(tmp_path: Path) -> None:
    write_semrush(tmp_path / "a.csv", make_profile(20, seed=3))
    project = tmp_path / "p.linkdesk"
    assert linkdesk("import", project, tmp_path / "a.csv").returncode == 0
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if sys.platform in ("win32", "darwin"):
        return  # no display server to miss
    run = linkdesk(project, env=env)
    assert run.returncode == 1
    assert "no display to open the window on" in run.stderr
    assert f"QT_QPA_PLATFORM=offscreen linkdesk {project} --screenshot" in run.stderr
    assert "xcb" not in run.stderr


def test_missing_display_respects_a_chosen_platform() -> None:
    from linkdesk.display import missing_display

    assert missing_display({}, "linux") is not None
    assert missing_display({"DISPLAY": ":0"}, "linux") is None
    assert missing_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert missing_display({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert missing_display({}, "win32") is None and missing_display({}, "darwin") is None


def test_no_strong_domain_is_said_so_not_as_only_0_percent() -> None:
    import numpy as np

    from linkdesk.core.profile.balance import Balance, RelCounts, hints

    def balance(strong: int) -> Balance:
        bands = np.array([2, 60, 38 - strong, strong, 0])
        return Balance(True, 100, 100, bands, bands, RelCounts(100, 80, 20, 0, 0, 0, 0), 1.0,
                       3, "example.org", 0, None)

    assert "No referring domain is strong." in hints(balance(0))
    assert not any("0%" in hint for hint in hints(balance(0)))
    assert "Only 3% of referring domains are strong." in hints(balance(3))
