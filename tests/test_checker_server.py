"""A real HTTP server on loopback for the checker tests, with a test of the server itself.

`PageServer` serves routes (path -> behaviour) from a thread on 127.0.0.x, port 0, and records
every request: hits per path, User-Agents, and how many requests were in flight at once (in
total and per address). Nothing here leaves the machine.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import socket
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from linkdesk.core.store import Project
from linkdesk.core.store.settings import Key

TARGET = "https://acme-widgets.com/x"
SITE = "acme-widgets.com"

Behaviour = Callable[[BaseHTTPRequestHandler, int], None]  # (handler, hit number from 1)


@dataclass
class Stats:
    """What the servers saw (shared by every address of one `PageServer`)."""

    hits: Counter[str] = field(default_factory=Counter)
    user_agents: set[str] = field(default_factory=set)
    in_flight: int = 0
    max_in_flight: int = 0
    in_flight_by_host: Counter[str] = field(default_factory=Counter)
    max_in_flight_by_host: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a slow page still sleeping must not hold up the test's end
    block_on_close = False
    routes: dict[str, Behaviour]
    stats: Stats

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the checker hangs up on slow and huge pages by design: not an error here


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms stalls
    server: _Server

    def do_GET(self) -> None:
        stats = self.server.stats
        host = self.server.server_address[0]
        path = self.path.split("?", 1)[0]
        with stats.lock:
            stats.hits[path] += 1
            hit = stats.hits[path]
            stats.user_agents.add(self.headers.get("User-Agent", ""))
            stats.in_flight += 1
            stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
            stats.in_flight_by_host[host] += 1
            stats.max_in_flight_by_host[host] = max(
                stats.max_in_flight_by_host[host], stats.in_flight_by_host[host]
            )
        try:
            behaviour = self.server.routes.get(path)
            if behaviour is None:
                send(self, 404, b"<html><body>not found</body></html>")
            else:
                behaviour(self, hit)
        finally:
            with stats.lock:
                stats.in_flight -= 1
                stats.in_flight_by_host[host] -= 1

    def log_message(self, format: str, *args: object) -> None:
        pass


def send(
    handler: BaseHTTPRequestHandler, code: int, body: bytes = b"",
    headers: dict[str, str] | None = None, content_type: str = "text/html; charset=utf-8",
) -> None:
    """Send a complete response."""
    handler.send_response(code)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def page(body: str, *, code: int = 200, headers: dict[str, str] | None = None,
         content_type: str = "text/html; charset=utf-8", encoding: str = "utf-8") -> Behaviour:
    """A route answering with this HTML (wrapped in a document unless it is one)."""
    data = page_bytes(body, encoding)
    return lambda handler, hit: send(handler, code, data, headers, content_type)


def compressed(body: str, encoding: str, *, raw_deflate: bool = False) -> Behaviour:
    """A route answering with this HTML sent with `Content-Encoding: encoding`.

    `encoding` lists the layers in the order they were applied (`gzip, gzip`); `raw_deflate`
    sends deflate without its zlib header, as some servers do.
    """
    data = page_bytes(body)
    for name in (part.strip() for part in encoding.split(",")):
        if name == "gzip":
            data = gzip.compress(data)
        elif name == "deflate":
            packer = zlib.compressobj(wbits=-zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS)
            data = packer.compress(data) + packer.flush()
    return lambda handler, hit: send(handler, 200, data, {"Content-Encoding": encoding})


def hang_up(handler: BaseHTTPRequestHandler, hit: int) -> None:
    """Close the connection without answering."""
    handler.close_connection = True
    handler.connection.shutdown(socket.SHUT_RDWR)


def page_bytes(body: str, encoding: str = "utf-8") -> bytes:
    """The HTML (wrapped in a document unless it is one), encoded."""
    if "<html" not in body.lower():
        body = f"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>"
    return body.encode(encoding)


def redirect(location: str, code: int = 301) -> Behaviour:
    """A route redirecting to `location`."""
    return lambda handler, hit: send(handler, code, b"", {"Location": location})


class PageServer:
    """HTTP servers on one or more loopback addresses, one port each, sharing routes."""

    def __init__(self, addresses: tuple[str, ...] = ("127.0.0.1",)) -> None:
        self.routes: dict[str, Behaviour] = {}
        self.stats = Stats()
        self._servers: list[_Server] = []
        for address in addresses:
            server = _Server((address, 0), _Handler)
            server.routes, server.stats = self.routes, self.stats
            self._servers.append(server)
            threading.Thread(target=server.serve_forever, daemon=True).start()

    def url(self, path: str, index: int = 0) -> str:
        """The URL of `path` on the server's `index`-th address."""
        host, port = self._servers[index].server_address[:2]
        return f"http://{host}:{port}{path}"

    def close(self) -> None:
        """Stop serving (threads still answering a slow page are daemons)."""
        for server in self._servers:
            server.shutdown()
            server.server_close()


@contextlib.contextmanager
def page_server(addresses: tuple[str, ...] = ("127.0.0.1",)) -> Iterator[PageServer]:
    """A `PageServer`, closed at the end."""
    server = PageServer(addresses)
    try:
        yield server
    finally:
        server.close()


def closed_port() -> int:
    """A loopback port nobody listens on (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_project(path: Path, links: list[tuple[str, str]], *, anchor: str = "acme") -> Path:
    """A project at `path` with these (source URL, target URL) links, imported from an export."""
    from exportgen import LinkRecord, write_ahrefs

    from linkdesk.core.importers.pipeline import import_file

    export = path.with_suffix(".csv")
    write_ahrefs(export, [LinkRecord(source_url=s, target_url=t, anchor=anchor) for s, t in links])
    with Project.open(path) as project:
        project.set_setting(Key.SITES, [SITE])
        import_file(project, export)
    return path


@pytest.fixture
def server() -> Iterator[PageServer]:
    """A page server on 127.0.0.1."""
    with page_server() as serving:
        yield serving


def test_server_serves_routes_and_counts_hits(server: PageServer) -> None:
    server.routes["/a"] = page(f'<a href="{TARGET}">x</a>')
    host, port = server.url("/").split("//")[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request("GET", "/a", headers={"User-Agent": "probe"})
    response = connection.getresponse()
    assert response.status == 200 and TARGET.encode() in response.read()
    connection.request("GET", "/nothing")
    assert connection.getresponse().status == 404
    connection.close()
    assert server.stats.hits == Counter({"/a": 1, "/nothing": 1})
    assert "probe" in server.stats.user_agents


def test_closed_port_refuses() -> None:
    port = closed_port()
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 5):
        pass
