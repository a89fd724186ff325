"""`check_links` against a real HTTP server on loopback: every status, politeness, history."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from test_checker_server import (
    SITE,
    TARGET,
    Behaviour,
    PageServer,
    closed_port,
    compressed,
    hang_up,
    make_project,
    page,
    page_server,
    redirect,
    send,
)

from linkdesk.core.checker import (
    BLOCKED,
    DNS_ERROR,
    LIVE,
    MISSING,
    PAGE_ERROR,
    REDIRECTED,
    STATUSES,
    TIMEOUT,
    TRANSPORTS,
    USER_AGENT,
    CheckOptions,
    CheckProgress,
    CheckSummary,
    LinkCheck,
    changes,
    check_history,
    check_links,
    check_stats,
    fetch,
    latest_check,
)
from linkdesk.core.checker.parse import SCANNED
from linkdesk.core.store import Project
from linkdesk.core.store.settings import Key

# Short timeouts so that slow pages cost the suite a few seconds, yet long enough that a
# busy machine does not time out a page that answers at once (a 1 s read timeout was close
# for ~60 pages, two of 7 MB, served and parsed at once on two loaded cores).
FAST = CheckOptions(
    connect_timeout=3.0, read_timeout=2.0, page_timeout=6.0, backoff=0.05, max_retry_after=5.0
)
LINK = f'<p>Read <a href="{TARGET}">Acme widgets</a> today.</p>'
OTHER_TARGET = "https://acme-widgets.com/y"
MB = 1_000_000


def _slow(handler: BaseHTTPRequestHandler, hit: int) -> None:
    time.sleep(4.0)  # past the read timeout (however loaded the machine, never sooner)
    send(handler, 200, LINK.encode())


def _trickle(handler: BaseHTTPRequestHandler, hit: int) -> None:
    # Each byte comes within the read timeout, but the page never ends: the page timeout stops it.
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(60):  # 12 s: past the page timeout
        handler.wfile.write(b"<p>x</p>")
        handler.wfile.flush()
        time.sleep(0.2)


def _huge(link_first: bool) -> Behaviour:
    filler = b"<p>" + b"lorem ipsum " * 1000 + b"</p>\n"  # 12 KB
    body = b"".join(filler for _ in range(600))  # 7.2 MB, past the 5 MB cap

    def serve(handler: BaseHTTPRequestHandler, hit: int) -> None:
        start = b"<html><body>" + (LINK.encode() if link_first else b"")
        end = (b"" if link_first else LINK.encode()) + b"</body></html>"
        send(handler, 200, start + body + end)

    return serve


def _deep(depth: int) -> Behaviour:
    # 500,000 nested <div> (3 MB, under the cap): Lexbor would take minutes to build the tree.
    body = b"<html><body>" + b"<div>" * depth + LINK.encode() + b"</div>" * depth
    return lambda handler, hit: send(handler, 200, body + b"</body></html>")


def _busy_once(handler: BaseHTTPRequestHandler, hit: int) -> None:
    if hit == 1:
        send(handler, 429, b"slow down", {"Retry-After": "1"})
    else:
        send(handler, 200, f"<html><body>{LINK}</body></html>".encode())


ROUTES = {
    "/live": page(LINK),
    "/nofollow": page(f'<a href="{TARGET}" rel="nofollow">Acme</a>'),
    "/ugc": page(f'<a href="{TARGET}" rel="ugc">Acme</a>'),
    "/sponsored": page(f'<a href="{TARGET}" rel="sponsored noopener">Acme</a>'),
    "/missing": page(f'<a href="https://example.org/">x</a><a href="{OTHER_TARGET}">y</a>'),
    "/404": page("gone", code=404),
    "/500": page("oops", code=500),
    "/410": page("gone for good", code=410),
    "/old": redirect("/new"),
    "/new": page(LINK),
    "/moved": redirect("/home", 302),
    "/home": page("<p>Welcome home</p>"),
    "/canonical": redirect("/canonical/"),
    "/canonical/": page("<p>no links</p>"),
    "/loop-a": redirect("/loop-b", 302),
    "/loop-b": redirect("/loop-a", 302),
    "/slow": _slow,
    "/trickle": _trickle,
    "/huge": _huge(link_first=False),
    "/huge-early": _huge(link_first=True),
    "/malformed": page(
        "<html><body><table><tr><td><div><p>Broken <b>markup <a HREF=https://ACME-widgets.com/x"
        " REL=NoFollow>Acme <i>widgets</a> <td>&nbsp <a href='https://acme-widgets.com/x#top'"
        " rel='nofollow'>again"
    ),
    "/base": page(
        '<html><head><base href="https://acme-widgets.com/"></head>'
        '<body><a href="x">Relative to base</a></body></html>'
    ),
    "/meta-noindex": page(
        '<html><head><meta name="ROBOTS" content="noindex, follow"></head>'
        f"<body>{LINK}</body></html>"
    ),
    "/header-noindex": page(LINK, headers={"X-Robots-Tag": "noindex"}),
    "/other-bot-noindex": page(LINK, headers={"X-Robots-Tag": "bingbot: noindex"}),
    "/page-nofollow": page(
        f'<html><head><meta name="robots" content="nofollow"></head><body>{LINK}</body></html>'
    ),
    "/busy": _busy_once,
    "/unavailable": page("down", code=503),
    "/busy-for-an-hour": lambda h, hit: send(h, 429, b"", {"Retry-After": "3600"}),
    "/ftp": redirect("ftp://files.example.org/x", 302),
    "/to-invalid": redirect("http://gone.invalid/page", 302),
    "/image": page(f'<a href="{TARGET}"><img src="logo.png" alt="Acme  logo"></a>'),
    "/shared": page(f'<a href="{TARGET}">one</a> <a href="{OTHER_TARGET}" rel="ugc">two</a>'),
    "/pdf": page("%PDF-1.4", content_type="application/pdf"),
    "/cyrillic": page(
        f'<a href="{TARGET}">Виджеты Акме</a>', content_type="text/html; charset=windows-1251",
        encoding="windows-1251",
    ),
    "/followed-twice": page(
        f'<a href="{TARGET}" rel="nofollow">first</a> <a href="{TARGET}">second</a>'
    ),
    # Redirects to URLs that cannot be fetched: more of them than a host has slots, so a slot
    # that was not given back would hang the check.
    "/bad-host-1": redirect("http://exa mple.com/", 302),
    "/bad-host-2": redirect("http://exa mple.com/", 302),
    "/bad-host-3": redirect("http://exa mple.com/", 302),
    "/bad-ipv6": redirect("http://[bad/", 302),
    # Compressed bodies: decoded in bounded steps, at most two layers (decode.py).
    "/gzip": compressed(LINK, "gzip"),
    "/gzip-gzip": compressed(LINK, "gzip, gzip"),
    "/deflate-raw": compressed(LINK, "deflate", raw_deflate=True),
    "/gzip-thrice": compressed(LINK, "gzip, gzip, gzip"),
    "/br": lambda h, hit: send(h, 200, b"\x8b\x03\x80<p>x</p>\x03", {"Content-Encoding": "br"}),
    "/corrupt-gzip": lambda h, hit: send(
        h, 200, b"\x1f\x8b\x08\x00 this is not gzip", {"Content-Encoding": "gzip"}
    ),
    "/to-javascript": redirect("javascript:alert(1)", 302),
    "/retry-superscript": lambda h, hit: send(h, 429, b"", {"Retry-After": "\u00b2"}),
    "/hangs-up": hang_up,
    # UTF-7 hides markup in text (`+ADw-` is `<`); browsers refuse the charset, and so do we.
    "/utf-7": page(f"+ADw-a href=+ACI-{TARGET}+ACI-+AD4-Acme+ADw-/a+AD4-",
                   content_type="text/html; charset=utf-7"),
    "/meta-utf-7": page(
        f'<html><head><meta charset="utf-7"></head><body>+ADw-a href=+ACI-{TARGET}+ACI-+AD4-'
        "Acme+ADw-/a+AD4-</body></html>"
    ),
    "/deep": _deep(500_000),
}


@dataclass
class Checked:
    """One check of every route, shared by the tests of this module."""

    server: PageServer
    project: Path
    summary: CheckSummary
    by_path: dict[str, LinkCheck]
    progress: list[CheckProgress]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checked]:
    with page_server() as server:
        server.routes.update(ROUTES)
        links = [(server.url(path), TARGET) for path in ROUTES if path not in _NOT_SOURCES]
        links.append((server.url("/shared"), OTHER_TARGET))
        links.append((f"http://127.0.0.1:{closed_port()}/refused", TARGET))
        links.append(("http://nothing.invalid/page", TARGET))
        path = make_project(tmp_path_factory.mktemp("check") / "p.linkdesk", links)
        reports: list[CheckProgress] = []
        summary = check_links(path, options=FAST, progress=reports.append)
        with Project.open(path) as project:
            by_path = {}
            for link_id, source, target in project.db.execute(
                "SELECT id, source_url, target_url FROM links"
            ):
                key = urlsplit(source).path + ("#y" if target == OTHER_TARGET else "")
                by_path[key] = latest_check(project.db, link_id).check  # type: ignore[union-attr]
        yield Checked(server, path, summary, by_path, reports)


# Routes that are only redirect targets, not links' source pages.
_NOT_SOURCES = {"/new", "/home", "/canonical/", "/loop-b"}

EXPECTED = {
    # path: (status, http code, rel, noindex)
    "/live": (LIVE, 200, "follow", False),
    "/nofollow": (LIVE, 200, "nofollow", False),
    "/ugc": (LIVE, 200, "ugc", False),
    "/sponsored": (LIVE, 200, "sponsored", False),
    "/missing": (MISSING, 200, None, False),
    "/404": (PAGE_ERROR, 404, None, None),
    "/500": (PAGE_ERROR, 500, None, None),
    "/410": (PAGE_ERROR, 410, None, None),
    "/old": (LIVE, 200, "follow", False),
    "/moved": (REDIRECTED, 200, None, False),
    "/canonical": (MISSING, 200, None, False),
    "/loop-a": (BLOCKED, 302, None, None),
    "/slow": (TIMEOUT, None, None, None),
    "/trickle": (TIMEOUT, 200, None, None),
    "/huge": (BLOCKED, 200, None, False),
    "/huge-early": (LIVE, 200, "follow", False),
    "/malformed": (LIVE, 200, "nofollow", False),
    "/base": (LIVE, 200, "follow", False),
    "/meta-noindex": (LIVE, 200, "follow", True),
    "/header-noindex": (LIVE, 200, "follow", True),
    "/other-bot-noindex": (LIVE, 200, "follow", False),
    "/page-nofollow": (LIVE, 200, "nofollow", False),
    "/busy": (LIVE, 200, "follow", False),
    "/unavailable": (PAGE_ERROR, 503, None, None),
    "/busy-for-an-hour": (PAGE_ERROR, 429, None, None),
    "/ftp": (REDIRECTED, 302, None, None),
    "/to-invalid": (DNS_ERROR, 302, None, None),
    "/image": (LIVE, 200, "follow", False),
    "/shared": (LIVE, 200, "follow", False),
    "/shared#y": (LIVE, 200, "ugc", False),
    "/pdf": (BLOCKED, 200, None, None),
    "/cyrillic": (LIVE, 200, "follow", False),
    "/followed-twice": (LIVE, 200, "follow", False),
    "/bad-host-1": (BLOCKED, 302, None, None),
    "/bad-host-2": (BLOCKED, 302, None, None),
    "/bad-host-3": (BLOCKED, 302, None, None),
    "/bad-ipv6": (BLOCKED, 302, None, None),
    "/refused": (BLOCKED, None, None, None),
    "/page": (DNS_ERROR, None, None, None),  # http://nothing.invalid/page
    "/gzip": (LIVE, 200, "follow", False),
    "/gzip-gzip": (LIVE, 200, "follow", False),
    "/deflate-raw": (LIVE, 200, "follow", False),
    "/gzip-thrice": (BLOCKED, 200, None, None),
    "/br": (BLOCKED, 200, None, None),
    "/corrupt-gzip": (BLOCKED, 200, None, None),
    "/to-javascript": (REDIRECTED, 302, None, None),
    "/retry-superscript": (PAGE_ERROR, 429, None, None),
    "/hangs-up": (BLOCKED, None, None, None),
    "/utf-7": (MISSING, 200, None, False),
    "/meta-utf-7": (MISSING, 200, None, False),
    "/deep": (LIVE, 200, "follow", False),
}


def _rel(check: LinkCheck) -> str | None:
    if check.nofollow is None:
        return None
    names = [n for n, on in (("nofollow", check.nofollow), ("ugc", check.ugc),
                             ("sponsored", check.sponsored)) if on]
    return " ".join(names) or "follow"


def test_every_route_was_checked(checked: Checked) -> None:
    assert set(checked.by_path) == set(EXPECTED)
    assert checked.summary.links == checked.summary.links_selected == len(EXPECTED)
    assert not checked.summary.cancelled


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_status(checked: Checked, path: str) -> None:
    check = checked.by_path[path]
    status, code, rel, noindex = EXPECTED[path]
    assert (check.status, check.http_code, _rel(check), check.noindex) == (
        status, code, rel, noindex
    ), check


def test_details_say_why(checked: Checked) -> None:
    by_path = checked.by_path
    assert by_path["/live"].anchor == "Acme widgets" and by_path["/live"].found == 1
    assert by_path["/missing"].detail == (
        "the page links to acme-widgets.com 1 times, not to this URL"
    )
    assert by_path["/loop-a"].detail == "more than 5 redirects"
    assert len(by_path["/loop-a"].redirects) == 6
    assert "cap" in by_path["/huge"].detail
    assert by_path["/refused"].detail == "connection refused"
    assert by_path["/bad-host-1"].detail == "not a valid http(s) URL"
    assert by_path["/bad-ipv6"].detail == "redirects to an invalid URL: http://[bad/"
    assert "RFC 6761" in by_path["/page"].detail
    assert by_path["/pdf"].detail == "not an HTML page (application/pdf)"
    assert by_path["/busy-for-an-hour"].detail == "asked to retry after 3600 s; not waited for"
    assert by_path["/unavailable"].detail == "still 503 after 2 retries"
    assert by_path["/malformed"].anchor == "Acme widgets" and by_path["/malformed"].found == 2
    assert by_path["/image"].anchor == "Acme logo"
    assert by_path["/cyrillic"].anchor == "Виджеты Акме"
    assert by_path["/page-nofollow"].detail == "every link on the page is nofollow (robots)"
    # Of two links to the target, the followed one is the one that counts.
    assert by_path["/followed-twice"].anchor == "second" and by_path["/followed-twice"].found == 2


def test_details_of_odd_answers_are_words(checked: Checked) -> None:
    details = {path: check.detail for path, check in checked.by_path.items()}
    assert details["/gzip-thrice"] == (
        "compressed 3 times (Content-Encoding: gzip, gzip, gzip); at most 2 layers are read"
    )
    assert details["/br"] == "compressed as br, which is not supported"
    assert details["/corrupt-gzip"].startswith("the gzip body is corrupt")
    assert details["/to-javascript"] == "redirects to a javascript: URL, which is not followed"
    assert checked.by_path["/to-javascript"].final_url == "javascript:alert(1)"
    assert details["/retry-superscript"] == "still 429 after 2 retries"
    assert details["/hangs-up"] == "the server closed the connection without answering"
    assert details["/deep"] == SCANNED
    assert checked.by_path["/deep"].anchor == "Acme widgets"
    assert details["/gzip-gzip"] == ""


def test_redirects_are_recorded_hop_by_hop(checked: Checked) -> None:
    server = checked.server
    old = checked.by_path["/old"]
    assert old.final_url == server.url("/new")
    assert old.redirects == ((301, server.url("/new")),)
    moved = checked.by_path["/moved"]
    assert moved.final_url == server.url("/home")
    assert moved.redirects == ((302, server.url("/home")),)
    ftp = checked.by_path["/ftp"]
    assert ftp.final_url == "ftp://files.example.org/x"
    assert ftp.detail == "redirects to a ftp: URL, which is not followed"
    assert checked.by_path["/to-invalid"].final_url == "http://gone.invalid/page"


def test_politeness(checked: Checked) -> None:
    stats = checked.server.stats
    assert stats.user_agents == {USER_AGENT}
    # (Requests in flight are counted in test_per_host_and_global_limits: here the server
    # keeps sleeping on the slow pages after the checker has hung up.)
    assert stats.hits["/busy"] == 2  # 429, waited Retry-After: 1, then 200
    assert stats.hits["/unavailable"] == 3  # 503, two retries with back-off
    assert stats.hits["/busy-for-an-hour"] == 1  # Retry-After past the cap: not retried
    assert stats.hits["/shared"] == 1  # two links, one fetch
    assert stats.hits["/loop-a"] == 3 and stats.hits["/loop-b"] == 3  # 6 requests, 5 redirects
    assert stats.hits["/retry-superscript"] == 3  # "²" is no number of seconds: backed off
    assert checked.by_path["/busy"].elapsed_ms >= 1000


def test_summary_and_progress(checked: Checked) -> None:
    summary = checked.summary
    assert summary.pages == len(EXPECTED) - 1  # /shared holds two links
    assert sum(summary.by_status.values()) == summary.links
    assert summary.by_status[LIVE] == sum(1 for e in EXPECTED.values() if e[0] == LIVE)
    assert summary.requests > summary.pages  # redirects and retries
    assert summary.changes == 0  # a first check changes nothing
    final = checked.progress[-1]
    assert (final.pages_done, final.links_done) == (final.pages_total, final.links_total)
    assert final.by_status == summary.by_status


def test_stats_count_latest_checks(checked: Checked) -> None:
    with Project.open(checked.project) as project:
        stats = check_stats(project.db)
    assert stats["checked_links"] == len(EXPECTED)
    assert set(stats["check_status"]) == set(STATUSES)  # type: ignore[arg-type]
    assert stats["check_status"] == checked.summary.by_status


def test_history_and_changes_across_two_checks(tmp_path: Path) -> None:
    with page_server() as server:
        server.routes["/a"] = page(LINK)
        server.routes["/b"] = page(LINK)
        server.routes["/c"] = page(LINK)
        path = make_project(tmp_path / "p.linkdesk", [
            (server.url("/a"), TARGET), (server.url("/b"), TARGET), (server.url("/c"), TARGET)
        ])
        first = check_links(path, options=FAST)
        server.routes["/a"] = page("<p>the link is gone</p>")
        server.routes["/b"] = page(f'<a href="{TARGET}" rel="nofollow">Acme widgets</a>')
        second = check_links(path, options=FAST)
    assert first.by_status[LIVE] == 3 and first.changes == 0
    assert second.by_status[LIVE] == 2 and second.by_status[MISSING] == 1
    assert second.changes == 2
    with Project.open(path) as project:
        found = {change.source_url.rsplit("/", 1)[1]: change for change in changes(project.db)}
        assert {path: change.what for path, change in found.items()} == {
            "a": ("live → missing",),
            "b": ("follow → nofollow",),
        }
        assert found["a"].before.run_id == first.run_id
        assert found["a"].after.run_id == second.run_id
        assert changes(project.db, first.run_id) == []
        assert len(changes(project.db, second.run_id)) == 2
        history = check_history(project.db, found["a"].link_id)
        assert [stored.check.status for stored in history] == [MISSING, LIVE]
        assert history[0].checked_at >= history[1].checked_at
        assert check_stats(project.db)["checked_links"] == 3


@dataclass
class InFlight:
    """Requests the checker has in flight, counted on its side of the connection."""

    now: Counter[str] = field(default_factory=Counter)
    most: int = 0
    most_by_host: Counter[str] = field(default_factory=Counter)


@pytest.fixture
def in_flight(monkeypatch: pytest.MonkeyPatch) -> InFlight:
    """Counts the checker's requests from their start to the end of reading the answer.

    The limits are promises about the client: the server cannot count them, since it sees a
    request end when its handler returns, after the client may already have sent the next.
    """
    counts = InFlight()
    real = fetch._request

    async def counted(client: Any, url: str, result: Any, options: CheckOptions) -> Any:
        host = urlsplit(url).hostname or ""
        counts.now[host] += 1
        counts.most = max(counts.most, counts.now.total())
        counts.most_by_host[host] = max(counts.most_by_host[host], counts.now[host])
        try:
            return await real(client, url, result, options)
        finally:
            counts.now[host] -= 1

    monkeypatch.setattr(fetch, "_request", counted)
    return counts


def test_per_host_and_global_limits(tmp_path: Path, in_flight: InFlight) -> None:
    addresses = tuple(f"127.0.0.{n}" for n in range(2, 8))  # six hosts on loopback

    with page_server(addresses) as server:
        links = []
        for n in range(48):
            server.routes[f"/p{n}"] = page(LINK)
            links.append((server.url(f"/p{n}", n % len(addresses)), TARGET))
        path = make_project(tmp_path / "p.linkdesk", links)
        few = check_links(path, concurrency=5, options=FAST)
        at_most_five = in_flight.most
        in_flight.most, in_flight.most_by_host = 0, Counter()
        many = check_links(path, concurrency=50, options=FAST)
    assert few.by_status[LIVE] == many.by_status[LIVE] == 48
    # Every worker sends its first request before any answer is read: the limits are reached.
    assert at_most_five == 5  # the global limit
    assert set(in_flight.most_by_host.values()) == {2}  # the per-host limit, on every host
    assert in_flight.most == 12  # 6 hosts × 2: the per-host limit binds before the global


def test_limit_checks_the_least_recently_checked_first(tmp_path: Path) -> None:
    with page_server() as server:
        links = []
        for n in range(5):
            server.routes[f"/p{n}"] = page(LINK)
            links.append((server.url(f"/p{n}"), TARGET))
        path = make_project(tmp_path / "p.linkdesk", links)
        rounds = [check_links(path, limit=2, options=FAST) for _ in range(3)]
        hits = dict(server.stats.hits)
    assert [summary.links for summary in rounds] == [2, 2, 2]
    assert sorted(hits.values()) == [1, 1, 1, 1, 2]  # all five once before any twice


def test_selected_links_only(tmp_path: Path) -> None:
    with page_server() as server:
        for n in range(3):
            server.routes[f"/p{n}"] = page(LINK)
        path = make_project(tmp_path / "p.linkdesk",
                            [(server.url(f"/p{n}"), TARGET) for n in range(3)])
        with Project.open(path) as project:
            ids = [row[0] for row in project.db.execute("SELECT id FROM links ORDER BY id")]
            summary = check_links(project, [ids[1]], options=FAST)  # an open project works too
            assert summary.links == 1
            assert latest_check(project.db, ids[0]) is None
            assert latest_check(project.db, ids[1]).check.status == LIVE  # type: ignore[union-attr]
        assert check_links(path, [], options=FAST).run_id is None  # nothing selected


def test_cancel_keeps_what_was_checked(tmp_path: Path) -> None:
    released = threading.Event()

    def never(handler: BaseHTTPRequestHandler, hit: int) -> None:
        released.wait(30)  # no answer until the test is over

    with page_server() as server:
        links = []
        for n in range(40):
            server.routes[f"/p{n}"] = page(LINK) if n < 2 else never
            links.append((server.url(f"/p{n}"), TARGET))
        path = make_project(tmp_path / "p.linkdesk", links)

        def two_saved() -> bool:  # polled by the check: stop once the answered pages are in
            with Project.open(path) as reader:
                return check_stats(reader.db)["checked_links"] == 2

        reports: list[CheckProgress] = []
        try:
            summary = check_links(path, options=FAST, progress=reports.append,
                                  cancelled=two_saved)
        finally:
            released.set()
    assert summary.cancelled
    # The pages without an answer were dropped (waiting would have timed them out: 40 links).
    assert (summary.links, summary.by_status[LIVE], summary.by_status[TIMEOUT]) == (2, 2, 0)
    with Project.open(path) as project:
        assert check_stats(project.db)["checked_links"] == 2
        run = project.db.execute(
            "SELECT cancelled, links_checked, finished_at IS NOT NULL FROM check_runs"
        ).fetchone()
    assert run == (1, 2, 1)
    assert reports[-1].links_done == 2


def test_progress_callback_errors_are_not_hidden(tmp_path: Path) -> None:
    def broken(progress: CheckProgress) -> None:
        raise RuntimeError("window closed")

    with page_server() as server:
        server.routes["/p"] = page(LINK)
        path = make_project(tmp_path / "p.linkdesk", [(server.url("/p"), TARGET)])
        with pytest.raises(RuntimeError, match="window closed"):
            check_links(path, options=FAST, progress=broken)


def test_placeholder_links_match_any_link_to_the_site(tmp_path: Path) -> None:
    with page_server() as server:
        server.routes["/gsc"] = page('<a href="https://acme-widgets.com/some/page">Acme</a>')
        server.routes["/gsc-gone"] = page("<p>nothing</p>")
        path = tmp_path / "p.linkdesk"
        with Project.open(path) as project:
            project.set_setting(Key.SITES, [SITE])
            project.db.execute(
                "INSERT INTO links(source_url, target_url, source_host, domain, placeholder) "
                "VALUES (?, 'https://acme-widgets.com/', '127.0.0.1', '127.0.0.1', 1), "
                "(?, 'https://acme-widgets.com/', '127.0.0.1', '127.0.0.1', 1)",
                (server.url("/gsc"), server.url("/gsc-gone")),
            )
        summary = check_links(path, options=FAST)
    assert summary.by_status[LIVE] == 1 and summary.by_status[MISSING] == 1


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_both_transports_give_the_same_statuses(tmp_path: Path, transport: str) -> None:
    paths = ["/live", "/ugc", "/404", "/old", "/loop-a", "/slow", "/busy", "/huge", "/ftp",
             "/gzip-gzip", "/deflate-raw", "/gzip-thrice", "/to-javascript", "/hangs-up",
             "/retry-superscript"]
    with page_server() as server:
        server.routes.update(ROUTES)
        links = [(server.url(path), TARGET) for path in paths]
        links.append((f"http://127.0.0.1:{closed_port()}/refused", TARGET))
        path = make_project(tmp_path / "p.linkdesk", links)
        check_links(path, options=replace(FAST, transport=transport))
        with Project.open(path) as project:
            found = {
                urlsplit(source).path: (status, code)
                for source, status, code in project.db.execute(
                    "SELECT l.source_url, c.status, c.http_code FROM links AS l "
                    "JOIN latest_checks AS c ON c.link_id = l.id"
                )
            }
    expected = {path: EXPECTED[path][:2] for path in [*paths, "/refused"]}
    assert found == expected
