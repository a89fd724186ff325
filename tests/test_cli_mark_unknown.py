"""`linkdesk mark --domain` with a domain no link comes from: marked, with a word about it.

Found in a user trial: a mistyped domain (`nosuchdomain.example` for one of the 24,000
referring domains) was marked disavow with "0 links affected" and nothing else, went into
the disavow file and into the verdict library as a disavow of another project.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import RunLinkdesk
from test_tables import build_project

from linkdesk.core.marks import domain_marks, domains_without_links
from linkdesk.core.store import Project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_project(tmp_path_factory.mktemp("marks") / "built.linkdesk")


@pytest.fixture
def acme(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(built, tmp_path / "acme.linkdesk"))


def _a_domain(path: Path) -> str:
    with Project.open(path, create=False) as project:
        return str(project.db.execute(
            "SELECT domain FROM referring_domains ORDER BY links DESC LIMIT 1").fetchone()[0])


def test_a_domain_without_links_is_marked_and_named(run_linkdesk: RunLinkdesk, acme: Path,
                                                    tmp_path: Path) -> None:
    real = _a_domain(acme)
    library = tmp_path / "library.sqlite"
    done = run_linkdesk("mark", acme, "--domain", real, "--domain", "nosuchdomain.example",
                        "--disavow", "--library", library)
    assert done.returncode == 0, done.stderr
    assert "nosuchdomain.example: none -> disavow" in done.stdout
    assert done.stderr.startswith("linkdesk mark: no link of this project comes from "
                                  "nosuchdomain.example; marked all the same (a typo?")
    assert real not in done.stderr
    with Project.open(acme, create=False) as project:
        assert set(domain_marks(project.db, [real, "nosuchdomain.example"])) == {
            real, "nosuchdomain.example"}


def test_known_domains_and_clearing_say_nothing_more(run_linkdesk: RunLinkdesk, acme: Path,
                                                     tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    marked = run_linkdesk("mark", acme, "--domain", _a_domain(acme), "--review",
                          "--library", library)
    assert marked.returncode == 0 and marked.stderr == ""
    cleared = run_linkdesk("mark", acme, "--domain", "nosuchdomain.example", "--clear",
                           "--library", library)
    assert cleared.returncode == 0 and cleared.stderr == ""


def test_domains_without_links_keeps_the_order_given(acme: Path) -> None:
    real = _a_domain(acme)
    with Project.open(acme, create=False) as project:
        assert domains_without_links(project.db, ["b.example", real, "a.example",
                                                  "b.example"]) == ["b.example", "a.example"]


def test_disavow_counts_in_words(run_linkdesk: RunLinkdesk, acme: Path, tmp_path: Path) -> None:
    """One page marked: "1 URL", not "1 URLs" (seen on a file of 2 domains and 1 URL)."""
    with Project.open(acme, create=False) as project:
        page = str(project.db.execute(
            "SELECT source_url FROM links GROUP BY source_url HAVING count(*) = 1 "
            "ORDER BY source_url LIMIT 1").fetchone()[0])
    library = tmp_path / "library.sqlite"
    assert run_linkdesk("mark", acme, "--url", page, "--disavow", "--library",
                        library).returncode == 0
    written = run_linkdesk("disavow", acme, "-o", tmp_path / "disavow.txt", "--force")
    assert written.returncode == 0, written.stderr
    assert written.stdout.startswith("disavow file: 0 domains, 1 URL\n")
    assert f"{tmp_path / 'disavow.txt'}: 0 domains, 1 URL, " in written.stdout


def test_library_apply_counts_in_words() -> None:
    """Seen applying a library to a second client: "1 of the project's domains were"."""
    from linkdesk.commands.library import apply_text
    from linkdesk.core.marks import MarkChange
    from linkdesk.core.verdicts.apply import ApplyPlan

    one = apply_text(ApplyPlan(MarkChange("verdicts", ()), judged=1), dry_run=True)
    assert one.startswith("1 of the project's domains was judged before; would mark nothing")
    two = apply_text(ApplyPlan(MarkChange("verdicts", ()), judged=2), dry_run=True)
    assert two.startswith("2 of the project's domains were judged before")
