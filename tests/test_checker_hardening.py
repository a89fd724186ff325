"""The checker against hostile pages: compression bombs, pages too deep to parse, odd answers.

Each test here failed before the fix it guards (issue 13: checker memory, hang, statuses).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx
import pytest
from ownpeak import OWN_PEAK_KB
from test_checker import FAST, LINK
from test_checker_server import TARGET, make_project, page, page_server, send

from linkdesk.core.checker import BLOCKED, LIVE, TRANSPORTS, CheckOptions, check_links, check_stats
from linkdesk.core.checker import engine as engine_module
from linkdesk.core.checker.decode import BodyDecoder, DecodeError
from linkdesk.core.checker.errors import CLOSED, classify_error
from linkdesk.core.checker.fetch import _parse_retry_after
from linkdesk.core.checker.parse import MAX_DEPTH, SCANNED, decode_page, parse_page, too_deep
from linkdesk.core.store import Project

ROOT = Path(__file__).resolve().parents[1]
HOSTS = frozenset({"acme-widgets.com"})
GIB = 1 << 30
MIB = 1 << 20


# -- compression bombs ------------------------------------------------------------------------


def _gzip_bomb(inside: int) -> bytes:
    """`gzip, gzip`: an HTML page with the link, then `inside` bytes of spaces, gzipped twice.

    The inner stream repeats one deflate block (identical after each full flush), so making
    1 GiB of it takes a CRC pass, not a compression pass.
    """
    start = f"<html><body>{LINK}".encode()
    chunk = b" " * MIB
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = packer.compress(start + chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    assert packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH) == block
    chunks = inside // MIB
    crc = zlib.crc32(start)
    for _ in range(chunks):
        crc = zlib.crc32(chunk, crc)
    size = len(start) + chunks * MIB
    tail = packer.flush()[:-8] + crc.to_bytes(4, "little") + (size % 2**32).to_bytes(4, "little")
    inner = head + block * (chunks - 2) + tail
    outer = zlib.compressobj(9, zlib.DEFLATED, 31)
    return outer.compress(inner) + outer.flush()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = _gzip_bomb(GIB)
    assert len(data) < 4_000  # 1 GiB inside a few KB
    return data


# Runs a check in a process whose address space is capped at what it has after its imports
# plus 400 MB: decoding the bomb's 1 GiB at once cannot fit, a bounded decoder does.
_CAPPED_CHECK = OWN_PEAK_KB + """
import json, re, resource, sys
from linkdesk.core.checker import CheckOptions, check_links, latest_check
from linkdesk.core.store import Project
size = int(re.search(r"VmSize:\\s+(\\d+) kB", open("/proc/self/status").read())[1]) * 1024
limit = size + 400 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
path, transport = sys.argv[1], sys.argv[2]
check_links(path, options=CheckOptions(transport=transport, page_timeout=60))
with Project.open(path) as project:
    check = latest_check(project.db, 1).check
# VmHWM, not ru_maxrss (ownpeak.py).
print(json.dumps([check.status, check.detail, check.anchor, own_peak_kb()]))
"""


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_compression_bomb_is_read_in_bounded_memory(
    tmp_path: Path, bomb: bytes, transport: str
) -> None:
    with page_server() as server:
        server.routes["/bomb"] = lambda h, hit: send(
            h, 200, bomb, {"Content-Encoding": "gzip, gzip"}
        )
        path = make_project(tmp_path / "p.linkdesk", [(server.url("/bomb"), TARGET)])
        env = {**os.environ, "MALLOC_ARENA_MAX": "2"}  # threads' arenas: predictable reserve
        done = subprocess.run(
            [sys.executable, "-c", _CAPPED_CHECK, str(path), transport], cwd=ROOT, env=env,
            capture_output=True, text=True, timeout=300, check=False,
        )
    assert done.returncode == 0, done.stderr
    status, detail, anchor, peak_kb = json.loads(done.stdout)
    # The first 5 MB were decoded and read: the link is at the start.
    assert (status, anchor) == (LIVE, "Acme widgets"), detail
    assert peak_kb < 400 * 1024  # loosely: nowhere near the 1 GiB inside


def _gzip(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    return packer.compress(data) + packer.flush()


def test_each_layer_hands_on_bounded_pieces() -> None:
    inner = b"x" * (20 * MIB)
    decoder = BodyDecoder("gzip, gzip", max_layers=2)
    pieces = list(decoder.feed(_gzip(_gzip(inner))))
    assert b"".join(pieces) == inner
    assert max(len(piece) for piece in pieces) <= 64 * 1024


def test_encodings_beyond_the_limit_or_unknown_are_refused() -> None:
    assert b"".join(BodyDecoder("identity", 2).feed(b"plain")) == b"plain"
    assert b"".join(BodyDecoder("GZIP , identity", 2).feed(_gzip(b"page"))) == b"page"
    with pytest.raises(DecodeError, match="compressed 3 times"):
        BodyDecoder("gzip, deflate, gzip", max_layers=2)
    with pytest.raises(DecodeError, match="zstd, which is not supported"):
        BodyDecoder("zstd", max_layers=2)
    with pytest.raises(DecodeError, match="corrupt"):
        list(BodyDecoder("gzip", 2).feed(b"\x1f\x8b\x08\x00 not really gzip"))


# -- pages too deep or too slow to parse --------------------------------------------------------


def _nested(depth: int) -> str:
    return f"<html><body>{'<div>' * depth}{LINK}{'</div>' * depth}</body></html>"


def test_pages_nested_too_deep_are_scanned_not_parsed() -> None:
    deep = parse_page(_nested(MAX_DEPTH + 1).encode(), url="http://blog.example/",
                      content_type="text/html", robots_header="", hosts=HOSTS)
    assert deep.note == SCANNED
    assert [anchor.text for anchor in deep.by_url[TARGET]] == ["Acme widgets"]
    shallow = parse_page(_nested(50).encode(), url="http://blog.example/",
                         content_type="text/html", robots_header="", hosts=HOSTS)
    assert shallow.note == "" and shallow.by_url == deep.by_url


def test_the_depth_estimate_counts_open_elements_only() -> None:
    assert not too_deep("<p>x</p>" * (MAX_DEPTH * 2))  # many elements, shallow
    assert not too_deep("<br><img src=x>" * MAX_DEPTH * 2)  # void elements nest nothing
    assert too_deep("<div>" * (MAX_DEPTH + 1))
    assert too_deep("</span><div>" * (MAX_DEPTH + 1))  # end tags of nothing close nothing


def test_the_scan_reads_what_the_parser_reads() -> None:
    html = (
        '<html><head><meta name="robots" content="noindex"><base href="https://acme-widgets.com/">'
        '</head><body><a href="x" rel="nofollow UGC">Acme &amp; <b>co</b></a>'
        '<A HREF=\'https://acme-widgets.com/x\'><img alt="logo" src="l.png"></A>'
        "<a href=https://acme-widgets.com/y>unclosed" + "<div>" * (MAX_DEPTH + 1)
    )
    scanned = parse_page(html.encode(), url="http://blog.example/", content_type="text/html",
                         robots_header="", hosts=HOSTS)
    assert scanned.note == SCANNED and scanned.noindex
    assert [(a.text, a.nofollow, a.ugc) for a in scanned.by_url[TARGET]] == [
        ("Acme & co", True, True), ("logo", False, False)
    ]
    assert [a.text for a in scanned.by_url["https://acme-widgets.com/y"]] == ["unclosed"]


@pytest.fixture
def blocking_parse(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The parser, made to hang on pages whose URL ends in /slow until the event is set."""
    release = threading.Event()
    real = engine_module.parse_page

    def parse(body: bytes, **kwargs: Any) -> Any:
        if kwargs["url"].endswith("/slow"):
            release.wait(60)
        return real(body, **kwargs)

    monkeypatch.setattr(engine_module, "parse_page", parse)
    try:
        yield release
    finally:
        release.set()


def test_pages_are_parsed_off_the_loop_and_saved_as_they_are_read(
    tmp_path: Path, blocking_parse: threading.Event
) -> None:
    with page_server() as server:
        for name in ("slow", "a", "b", "c", "d"):
            server.routes[f"/{name}"] = page(LINK)
        sources = [server.url(f"/{name}") for name in ("slow", "a", "b", "c", "d")]
        path = make_project(tmp_path / "p.linkdesk", [(url, TARGET) for url in sources])
        seen_while_parsing: list[int] = []

        def watch() -> bool:  # polled by the check's loop while it runs
            with Project.open(path) as reader:
                saved = check_stats(reader.db)["checked_links"]
            if saved == 4 and not blocking_parse.is_set():
                seen_while_parsing.append(saved)
                blocking_parse.set()  # the other pages are in: let the slow parse end
            return False

        summary = check_links(path, options=replace(FAST, parse_budget=60), cancelled=watch)
    # Four pages were fetched, read and saved while the first one's parse still ran.
    assert seen_while_parsing == [4]
    assert summary.by_status[LIVE] == 5


def test_a_parse_past_its_budget_gives_way_to_the_scan(
    tmp_path: Path, blocking_parse: threading.Event
) -> None:
    with page_server() as server:
        server.routes["/slow"] = page(LINK)
        server.routes["/fine"] = page(LINK)
        path = make_project(tmp_path / "p.linkdesk",
                            [(server.url("/slow"), TARGET), (server.url("/fine"), TARGET)])
        summary = check_links(path, options=replace(FAST, parse_budget=1.0))
        with Project.open(path) as project:
            details = dict(project.db.execute(
                "SELECT l.source_url, c.detail FROM links AS l "
                "JOIN latest_checks AS c ON c.link_id = l.id"
            ))
    assert summary.by_status[LIVE] == 2
    assert details[server.url("/slow")] == SCANNED  # its parse still hangs: the scan read it


def _linkdesk(*args: object) -> subprocess.Popen[str]:
    """`linkdesk` from this checkout (cwd first on sys.path), its output captured."""
    return subprocess.Popen(
        [sys.executable, "-m", "linkdesk.cli", *map(str, args)], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        env={**os.environ, "PYTHONUTF8": "1"},
    )


def _wait_for(condition: Any, what: str, limit: float = 60.0) -> None:
    """Poll `condition` until true; fail naming `what` after `limit` seconds (a guard only)."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_stops_at_once_and_keeps_every_page_read(tmp_path: Path, presses: int) -> None:
    released = threading.Event()

    def never(handler: BaseHTTPRequestHandler, hit: int) -> None:
        released.wait(60)  # no answer until the test is over

    deep = _nested(500_000).encode()  # Lexbor: minutes on the loop; here, scanned at once
    with page_server() as server:
        server.routes["/deep"] = lambda h, hit: send(h, 200, deep)
        server.routes["/never"] = never
        for name in ("a", "b", "c"):
            server.routes[f"/{name}"] = page(LINK)
        paths = ["/deep", "/a", "/b", "/c", "/never"]
        path = make_project(tmp_path / "p.linkdesk", [(server.url(p), TARGET) for p in paths])

        def saved() -> int:
            with Project.open(path) as reader:
                return int(check_stats(reader.db)["checked_links"])

        check = _linkdesk("check", path, "--timeout", "600", "--quiet")
        try:
            _wait_for(lambda: saved() == 4 and server.stats.hits["/never"] == 1,
                      "every page but /never to be saved")
            for _ in range(presses):
                check.send_signal(signal.SIGINT)
                time.sleep(0.01)  # two presses, not one signal delivered twice
            out, err = check.communicate(timeout=60)
        finally:
            released.set()
            if check.poll() is None:
                check.kill()
                check.communicate()
    stopped_cleanly = "Stopped: 1 links left unchecked" in out
    # A second press that lands after the command has finished (the clean stop can take less
    # than the 10 ms between presses) meets Python's own handler at exit: killed by SIGINT,
    # after the whole summary was written.
    assert check.returncode == 1 or (
        presses == 2 and stopped_cleanly and check.returncode == -signal.SIGINT), (out, err)
    assert "Traceback" not in err and "Task was destroyed" not in err
    # One press stops with the summary; a second, if it comes before the stop, at once.
    assert stopped_cleanly or err == (
        "linkdesk check: stopped at once; the pages read so far are saved\n"
    ), (out, err)
    with Project.open(path) as project:
        assert check_stats(project.db)["check_status"]["live"] == 4  # type: ignore[index]
        assert project.db.execute("SELECT cancelled FROM check_runs").fetchone() == (1,)


def test_ctrl_c_while_the_run_is_being_recorded_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two presses that land while the check writes its end (after the last page) used to
    stop it at once inside that write: the run stayed unfinished in the project."""
    from linkdesk import cli

    real_finish = engine_module.finish_run

    def pressed_twice_meanwhile(*args: Any, **kwargs: Any) -> None:
        for _ in range(2):
            os.kill(os.getpid(), signal.SIGINT)  # the handler runs before the next line
        real_finish(*args, **kwargs)

    monkeypatch.setattr(engine_module, "finish_run", pressed_twice_meanwhile)
    with page_server() as server:
        for name in ("a", "b"):
            server.routes[f"/{name}"] = page(LINK)
        path = make_project(tmp_path / "p.linkdesk", [(server.url(f"/{n}"), TARGET)
                                                      for n in ("a", "b")])
        code = cli.main(["check", str(path), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0, (out, err)
    assert "Checked 2 links" in out and "stopped at once" not in err
    with Project.open(path) as project:
        assert project.db.execute(
            "SELECT finished_at IS NOT NULL, links_checked, cancelled FROM check_runs"
        ).fetchone() == (1, 2, 0)


# -- statuses and options -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e9", "soon"])
def test_the_timeout_must_be_a_sensible_number_of_seconds(tmp_path: Path, value: str) -> None:
    path = make_project(tmp_path / "p.linkdesk", [("https://blog.example/p", TARGET)])
    check = _linkdesk("check", path, "--timeout", value)
    _, err = check.communicate(timeout=120)
    assert check.returncode == 2
    assert "argument --timeout:" in err and "seconds" in err and "Traceback" not in err
    with Project.open(path) as project:
        assert project.db.execute("SELECT count(*) FROM check_runs").fetchone() == (0,)


@pytest.mark.parametrize("field", ["page_timeout", "read_timeout", "connect_timeout",
                                   "parse_budget"])
@pytest.mark.parametrize("value", [float("inf"), float("nan"), 0.0])
def test_check_links_refuses_endless_or_empty_durations(
    tmp_path: Path, field: str, value: float
) -> None:
    with pytest.raises(ValueError, match=field):
        check_links(tmp_path / "p.linkdesk", options=replace(CheckOptions(), **{field: value}))


def test_retry_after_takes_ascii_digits_only() -> None:
    assert _parse_retry_after("\u00b2") is None  # "²".isdigit() is True; float("²") fails
    assert _parse_retry_after("\u0663") is None  # Arabic-Indic three
    assert _parse_retry_after("7") == 7.0


def test_a_server_hanging_up_through_aiohttp_is_no_timeout() -> None:
    # End to end on both transports: "/hangs-up" in test_checker.py.
    aiohttp = pytest.importorskip("aiohttp")
    try:  # as httpx-aiohttp maps it: every connection error becomes ConnectTimeout
        try:
            raise aiohttp.ServerDisconnectedError()
        except aiohttp.ClientError as error:
            raise httpx.ConnectTimeout(str(error)) from error
    except httpx.ConnectTimeout as wrapped:
        assert classify_error(wrapped) == (BLOCKED, CLOSED)


@pytest.mark.parametrize(
    ("content_type", "body", "text"),
    [
        ("text/html; charset=utf-7", b"+ADw-a+AD4-", "+ADw-a+AD4-"),  # not "<a>"
        ("text/html", b'<meta charset="utf-7">+ADw-a+AD4-', '<meta charset="utf-7">+ADw-a+AD4-'),
        ("text/html; charset=utf-16", "<p>é</p>".encode(), "<p>é</p>"),  # no BOM: not UTF-16
        ("text/html; charset=cp037", b"<p>x</p>", "<p>x</p>"),  # EBCDIC: not ASCII-based
        ("text/html; charset=rot13", b"<p>x</p>", "<p>x</p>"),  # not a text encoding
        ("text/html; charset=windows-1251", "Акме".encode("windows-1251"), "Акме"),
        ("text/html", '<meta charset="latin-1"><p>é'.encode("latin-1"),
         '<meta charset="latin-1"><p>é'),
        ("text/html; charset=latin-1", "\ufeff<p>é".encode("utf-8"), "<p>é"),  # the BOM wins
    ],
)
def test_only_safe_charsets_are_honoured(content_type: str, body: bytes, text: str) -> None:
    assert decode_page(body, content_type) == text


def _parser_threads() -> int:
    return sum(thread.name == "linkdesk-parse" for thread in threading.enumerate())


def test_many_slow_pages_never_pile_up_parser_threads(
    tmp_path: Path, blocking_parse: threading.Event
) -> None:
    # Every parse hangs past its budget: each page is scanned instead, and the threads left
    # with a hung parse are replaced only up to the cap (two spare), not once per page.
    before = _parser_threads()
    names = [f"p{n}/slow" for n in range(24)]
    most: list[int] = []

    def watch() -> bool:  # polled by the check's loop while it runs
        most.append(_parser_threads() - before)
        return False

    with page_server() as server:
        for name in names:
            server.routes[f"/{name}"] = page(LINK)
        path = make_project(tmp_path / "p.linkdesk",
                            [(server.url(f"/{name}"), TARGET) for name in names])
        summary = check_links(path, options=replace(FAST, parse_budget=0.2), cancelled=watch)
        with Project.open(path) as project:
            details = {row[0] for row in project.db.execute("SELECT detail FROM latest_checks")}
    alive = _parser_threads() - before
    assert summary.by_status[LIVE] == len(names)
    assert details == {SCANNED}
    assert most and max(most) <= engine_module._PARSER_THREADS + 2
    assert alive <= engine_module._PARSER_THREADS + 2


def test_parsers_stuck_at_the_cap_refuse_a_parse_and_run_the_scan_here() -> None:
    import asyncio

    from linkdesk.core.checker.parsers import Parsers, ParseTimeout

    release = threading.Event()
    before = _parser_threads()

    async def main() -> tuple[int, int, str, int]:
        parsers = Parsers(2, budget=0.05, max_threads=3)
        hung = [parsers.run(lambda: release.wait(60)) for _ in range(12)]
        timed_out = sum(isinstance(result, ParseTimeout)
                        for result in await asyncio.gather(*hung, return_exceptions=True))
        stuck = parsers.alive()
        here = threading.current_thread().name
        scanned = await parsers.run(lambda: threading.current_thread().name,
                                    inline_when_stuck=True)
        refused = 0
        try:
            await parsers.run(lambda: "parsed")
        except ParseTimeout:
            refused = 1
        release.set()
        _wait_for(lambda: parsers.alive() == 2, "the stuck threads to end")
        assert await parsers.run(lambda: "parsed") == "parsed"
        parsers.close()
        return timed_out, stuck, "here" if scanned == here else scanned, refused

    timed_out, stuck, scanned, refused = asyncio.run(main())
    assert timed_out == 12
    assert stuck == 3  # at most max_threads, every one hung
    assert scanned == "here" and refused == 1
    _wait_for(lambda: _parser_threads() <= before, "the parser threads to end")
