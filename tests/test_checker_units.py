"""The checker's parts on their own: parsing, error classification, retries, DNS failures."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest
from test_checker_server import TARGET, make_project, page, page_server

from linkdesk.core.checker import (
    BLOCKED,
    DNS_ERROR,
    LIVE,
    TIMEOUT,
    TRANSPORTS,
    CheckOptions,
    check_links,
    check_stats,
    marked_link_ids,
)
from linkdesk.core.checker.classify import _same_page
from linkdesk.core.checker.errors import classify_error
from linkdesk.core.checker.fetch import _parse_retry_after, fetch_page
from linkdesk.core.checker.hosts import HostSlots
from linkdesk.core.checker.parse import parse_page
from linkdesk.core.store import Project

HOSTS = frozenset({"acme-widgets.com", "xn--bcher-kva.example"})


def parse(html: str, robots: str = "", url: str = "http://blog.example/post") -> Any:
    return parse_page(
        html.encode(), url=url, content_type="text/html", robots_header=robots, hosts=HOSTS
    )


# -- parsing ----------------------------------------------------------------------------------


def test_hrefs_are_resolved_and_normalised() -> None:
    found = parse(
        '<a href="HTTPS://Acme-Widgets.com:443/x#frag">a</a>'
        '<a href="//acme-widgets.com/y">b</a>'
        '<a href="http://bücher.example/">c</a>'
        '<a href="/local">internal, ignored</a>'
        '<a href="mailto:info@acme-widgets.com">not http</a>'
        '<a href="https://example.org/?u=acme-widgets.com">mentions the host, elsewhere</a>'
    )
    assert sorted(found.by_url) == [  # `//host/y` takes the page's scheme
        "http://acme-widgets.com/y", "http://xn--bcher-kva.example/", "https://acme-widgets.com/x"
    ]
    assert len(found.by_host["acme-widgets.com"]) == 2


def test_base_href_is_resolved_against_the_page_and_only_the_first_counts() -> None:
    found = parse(
        '<html><head><base href="//acme-widgets.com/dir/"><base href="https://example.org/">'
        '</head><body><a href="page">rel</a><a href="../up">up</a></body></html>'
    )
    assert sorted(found.by_url) == ["http://acme-widgets.com/dir/page", "http://acme-widgets.com/up"]


@pytest.mark.parametrize(
    ("meta", "header", "noindex", "nofollow"),
    [
        ("", "", False, False),
        ('<meta name="robots" content="noindex">', "", True, False),
        ('<meta name="googlebot" content="NOINDEX,NOFOLLOW">', "", True, True),
        ('<meta name="bingbot" content="noindex">', "", False, False),
        ('<meta name="robots" content="none">', "", True, True),
        ("", "noindex, nofollow", True, True),
        ("", "googlebot: noindex", True, False),
        ("", "bingbot: noindex, nofollow", False, False),
        ("", "unavailable_after: 25 Jun 2010 15:00:00 PST", False, False),
        ("", "max-snippet: 20\nnoindex", True, False),
    ],
)
def test_robots_rules(meta: str, header: str, noindex: bool, nofollow: bool) -> None:
    found = parse(f"<html><head>{meta}</head><body></body></html>", robots=header)
    assert (found.noindex, found.nofollow) == (noindex, nofollow)


def test_rel_and_anchor_text() -> None:
    found = parse(
        f'<a href="{TARGET}" rel="external NOFOLLOW"> Acme\n  <b>widgets</b> </a>'
        f'<a href="{TARGET}" rel="sponsored ugc"><img alt="logo"></a>'
    )
    first, second = found.by_url[TARGET]
    assert (first.text, first.nofollow, first.ugc, first.sponsored) == ("Acme widgets", True,
                                                                         False, False)
    assert (second.text, second.followed, second.ugc, second.sponsored) == ("logo", False,
                                                                             True, True)


def test_charset_from_the_header_or_the_page() -> None:
    body = f'<a href="{TARGET}">Grüße</a>'
    latin = parse_page(body.encode("latin-1"), url="http://b.example/", robots_header="",
                       content_type="text/html; charset=ISO-8859-1", hosts=HOSTS)
    meta = parse_page(f'<meta charset="latin-1">{body}'.encode("latin-1"), url="http://b.example/",
                      content_type="text/html", robots_header="", hosts=HOSTS)
    unknown = parse_page(body.encode(), url="http://b.example/", robots_header="",
                         content_type="text/html; charset=x-no-such", hosts=HOSTS)
    assert [p.by_url[TARGET][0].text for p in (latin, meta, unknown)] == ["Grüße"] * 3


def test_same_page_redirects() -> None:
    assert _same_page("http://blog.example/post", "https://www.blog.example/post/")
    assert not _same_page("http://blog.example/post", "http://blog.example/")
    assert not _same_page("http://blog.example/post?id=1", "http://blog.example/post?id=2")


# -- errors and retries -----------------------------------------------------------------------


def _raised(make: Callable[[], BaseException]) -> BaseException:
    try:
        raise make()
    except BaseException as error:
        return error


def _wrapped(inner: BaseException, *outer: type[Exception]) -> BaseException:
    """`inner` re-raised through each `outer` in turn, as transports do."""
    error = inner
    for kind in outer:
        try:
            raise kind(str(error)) from error
        except Exception as wrapper:
            error = wrapper
    return error


def test_errors_are_classified_by_their_original_cause() -> None:
    gai = socket.gaierror(-2, "Name or service not known")
    assert classify_error(_wrapped(gai, httpcore.ConnectError, httpx.ConnectError))[0] == DNS_ERROR
    # httpx-aiohttp reports a refused connection as ConnectTimeout: the cause decides.
    refused = _wrapped(ConnectionRefusedError(111, "refused"), OSError, httpx.ConnectTimeout)
    assert classify_error(refused) == (BLOCKED, "connection refused")
    assert classify_error(httpx.ReadTimeout("slow"))[0] == TIMEOUT
    assert classify_error(_raised(TimeoutError))[0] == TIMEOUT
    assert classify_error(ConnectionResetError()) == (BLOCKED, "connection reset by the server")
    assert classify_error(httpx.RemoteProtocolError("bad")) == (BLOCKED, "RemoteProtocolError: bad")


def test_retry_after_seconds_or_date() -> None:
    assert _parse_retry_after("120") == 120.0
    assert _parse_retry_after("") is None and _parse_retry_after("soon") is None
    assert _parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    future = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 3600))
    assert 3000 < _parse_retry_after(future) <= 3600  # type: ignore[operator]


def test_a_dns_failure_through_a_transport_is_a_dns_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise _wrapped(socket.gaierror(-2, "Name or service not known"), httpcore.ConnectError,
                       httpx.ConnectError)

    async def fetch() -> Any:
        slots = HostSlots(2)
        slots.try_take("blog.example")
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await fetch_page(client, "http://blog.example/", "blog.example", slots,
                                    CheckOptions())

    fetched = asyncio.run(fetch())
    assert (fetched.failure, fetched.detail) == (DNS_ERROR, "the host name does not resolve")


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Name resolution that never leaves the machine: loopback IPs resolve as usual,
    `unresolvable.example` fails at once, `hangs.example` hangs until the test ends (or for
    60 s), anything else fails. The returned event is set when the hanging lookup ends."""
    real = socket.getaddrinfo
    release, ended = threading.Event(), threading.Event()

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.startswith("127."):
            return real(host, *args, **kwargs)
        if name == "hangs.example":
            release.wait(60)
            ended.set()
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    try:
        yield ended
    finally:
        release.set()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_dns_failures_end_to_end(
    tmp_path: Path, fake_dns: threading.Event, transport: str
) -> None:
    with page_server() as server:
        server.routes["/live"] = page(f'<a href="{TARGET}">x</a>')
        path = make_project(tmp_path / "p.linkdesk", [
            ("http://unresolvable.example/page", TARGET),
            ("http://hangs.example/page", TARGET),
            (server.url("/live"), TARGET),
        ])
        # The hanging lookup costs the connect timeout; the live page must never miss its
        # timeouts on a loaded machine (0.5 s to connect was short for a busy CI).
        options = CheckOptions(connect_timeout=2.0, read_timeout=3.0, page_timeout=5.0,
                               transport=transport)
        summary = check_links(path, options=options)  # returns while the lookup still hangs
    assert summary.by_status[DNS_ERROR] == 1, summary  # unresolvable.example
    assert summary.by_status[TIMEOUT] == 1  # hangs.example: the resolver did not answer in time
    assert summary.by_status[LIVE] == 1
    assert not fake_dns.is_set()  # the check ended without waiting for the hanging lookup


# -- store --------------------------------------------------------------------------------------


def test_stats_are_zero_before_any_check(project: Project) -> None:
    assert check_stats(project.db) == {
        "checked_links": 0,
        "check_status": {"live": 0, "missing": 0, "page_error": 0, "redirected": 0,
                         "blocked": 0, "timeout": 0, "dns_error": 0},
    }
    # The tables come with the schema (v4).
    names = {row[0] for row in project.db.execute("SELECT name FROM sqlite_schema")}
    assert {"check_runs", "link_checks", "check_latest", "latest_checks"} <= names


def test_marked_links_are_those_whose_effective_mark_is_disavow_or_review(
    tmp_path: Path,
) -> None:
    from linkdesk.core.marks import MarkKind, Target, mark

    spam = [f"https://spam-network.example/p{n}" for n in range(3)]
    partner = [f"https://partner.example/p{n}" for n in range(2)]
    blog = ["https://blog.example/post"]
    path = make_project(tmp_path / "p.linkdesk", [(url, TARGET) for url in spam + partner + blog])
    with Project.open(path) as project:
        db = project.db
        assert marked_link_ids(db) == []
        ids = dict(db.execute("SELECT source_url, id FROM links"))
        mark(db, Target(domains=("spam-network.example",)), MarkKind.DISAVOW, "network")
        mark(db, Target(links=((spam[0], TARGET),)), MarkKind.KEEP, "editorial")  # own wins
        mark(db, Target(domains=("partner.example",)), MarkKind.KEEP, "partner")
        mark(db, Target(links=((partner[0], TARGET),)), MarkKind.DISAVOW, "paid")  # kept
        mark(db, Target(links=((partner[1], TARGET),)), MarkKind.DISAVOW, "paid", forced=True)
        mark(db, Target(links=((blog[0], TARGET),)), MarkKind.REVIEW, "look again")
        assert marked_link_ids(db) == sorted(
            ids[url] for url in (spam[1], spam[2], partner[1], blog[0]))


def test_options_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        check_links(tmp_path / "none.linkdesk", concurrency=0)
    with pytest.raises(ValueError, match="transport"):
        from linkdesk.core.checker.fetch import open_client

        open_client(replace(CheckOptions(), transport="carrier-pigeon"))
