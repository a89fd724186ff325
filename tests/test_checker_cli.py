"""`linkdesk check` and the check counts of `linkdesk stats --json`, run as the user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import RunLinkdesk
from test_checker_server import TARGET, make_project, page, page_server

LINK = f'<a href="{TARGET}">Acme widgets</a>'


def test_check_prints_a_summary_and_the_changes(
    tmp_path: Path, run_linkdesk: RunLinkdesk
) -> None:
    with page_server() as server:
        server.routes["/a"] = page(LINK)
        server.routes["/b"] = page(LINK)
        server.routes["/c"] = page("<p>no link</p>")
        sources = [server.url(p) for p in ("/a", "/b", "/c", "/gone")]
        path = make_project(tmp_path / "p.linkdesk", [(url, TARGET) for url in sources])

        first = run_linkdesk("check", path, "--concurrency", "4", "--timeout", "5")
        assert first.returncode == 0, first.stderr
        lines = first.stdout.splitlines()
        assert lines[0].startswith("Checked 4 links on 4 pages in ")
        counts = {line.rsplit(None, 1)[0].strip(): line.rsplit(None, 1)[1] for line in lines[1:8]}
        assert counts == {"live": "2", "missing": "1", "page error": "1", "redirected": "0",
                          "blocked": "0", "timeout": "0", "dns error": "0"}
        assert lines[-1] == "Changes since the previous check: 0"

        server.routes["/a"] = page("<p>removed</p>")
        server.routes["/b"] = page(f'<a href="{TARGET}" rel="sponsored">Acme widgets</a>')
        second = run_linkdesk("check", path, "--json", "--transport", "httpx")
    assert second.returncode == 0, second.stderr
    summary = json.loads(second.stdout)
    assert summary["links"] == 4 and summary["pages"] == 4 and not summary["cancelled"]
    assert summary["by_status"]["live"] == 1 and summary["by_status"]["missing"] == 2
    assert summary["change_count"] == 2
    assert {(c["source_url"], tuple(c["what"])) for c in summary["changes"]} == {
        (sources[0], ("live → missing",)),
        (sources[1], ("follow → sponsored",)),
    }

    stats = run_linkdesk("stats", path, "--json")
    counts = json.loads(stats.stdout)
    assert counts["checked_links"] == 4
    assert counts["check_status"] == {
        "live": 1, "missing": 2, "page_error": 1, "redirected": 0, "blocked": 0, "timeout": 0,
        "dns_error": 0,
    }


def test_limit_and_only_marked(tmp_path: Path, run_linkdesk: RunLinkdesk) -> None:
    with page_server() as server:
        for n in range(3):
            server.routes[f"/p{n}"] = page(LINK)
        path = make_project(tmp_path / "p.linkdesk",
                            [(server.url(f"/p{n}"), TARGET) for n in range(3)])
        stats = json.loads(run_linkdesk("stats", path, "--json").stdout)
        assert (stats["checked_links"], stats["check_status"]["live"]) == (0, 0)

        marked = run_linkdesk("check", path, "--only-marked")
        assert marked.returncode == 0, marked.stderr
        assert marked.stdout.strip() == "No links to check (no links are marked)."
        assert server.stats.hits == {}

        limited = run_linkdesk("check", path, "--limit", "2", "--quiet")
        assert limited.stdout.startswith("Checked 2 links on 2 pages")
        assert sum(server.stats.hits.values()) == 2


def test_only_marked_checks_the_links_marked_disavow_or_review(
    tmp_path: Path, run_linkdesk: RunLinkdesk
) -> None:
    from linkdesk.core.marks import MarkKind, Target, mark
    from linkdesk.core.store import Project

    # Two loopback addresses: two referring domains (an IP address is its own domain).
    with page_server(("127.0.0.2", "127.0.0.3")) as server:
        for n in range(4):
            server.routes[f"/p{n}"] = page(LINK)
        urls = [server.url(f"/p{n}", n // 2) for n in range(4)]  # p0 p1 on .2, p2 p3 on .3
        path = make_project(tmp_path / "p.linkdesk", [(url, TARGET) for url in urls])
        with Project.open(path) as project:
            mark(project.db, Target(domains=("127.0.0.2",)), MarkKind.DISAVOW, "spam")
            mark(project.db, Target(links=((urls[2], TARGET),)), MarkKind.REVIEW, "unsure")
            mark(project.db, Target(links=((urls[3], TARGET),)), MarkKind.KEEP, "editorial")
        marked = run_linkdesk("check", path, "--only-marked", "--json")
        hits = dict(server.stats.hits)
    assert marked.returncode == 0, marked.stderr
    assert json.loads(marked.stdout)["links"] == 3
    assert hits == {"/p0": 1, "/p1": 1, "/p2": 1}


def test_bad_arguments(tmp_path: Path, run_linkdesk: RunLinkdesk) -> None:
    assert run_linkdesk("check", tmp_path / "p.linkdesk", "--concurrency", "0").returncode == 2
    missing = run_linkdesk("check", tmp_path / "none.linkdesk")
    assert missing.returncode == 1 and "no such project file" in missing.stderr
