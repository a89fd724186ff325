"""Benchmark `linkdesk check` against a minimal httpx fetch loop, on loopback only.

    python benchmarks/bench_check.py [--pages 5000] [--hosts 20] [--concurrency 20]
                                     [--page-kb 20] [--repeat 1]

One run:

1. Starts a page server in a child process: a small asyncio HTTP/1.1 server (keep-alive) on
   `--hosts` loopback addresses, 127.0.0.2 upwards, one port each. Every page is about
   `--page-kb` KB of HTML with 60 links, one of them to the client's site.
2. Builds a project with one link per page (`--pages` links, spread evenly over the hosts)
   by importing a generated Ahrefs export.
3. Runs, each in its own process, timed, with its peak RSS taken from `os.wait4`:
   - the baseline: N workers pulling URLs from an `asyncio.Queue`, `await client.get(url)`
     on one plain `httpx.AsyncClient` (default transport), at the same concurrency;
   - the same loop over httpx-aiohttp's `AiohttpTransport`;
   - `linkdesk check PROJECT --concurrency N` over each transport (a fresh copy of the
     project each time).
4. Prints pages/s (the process's own timing: from opening the client to the last page, so
   Python's start-up is excluded for every run alike), the wall time, the peak memory, and the
   ratio of `linkdesk check` (default transport) to the plain-httpx loop (target >= 0.8x).

With `--repeat K` every run is made K times, in alternating order, and the best is kept.
Nothing is sent anywhere but 127.0.0.0/8. The figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

SITE = "acme-widgets.com"
TARGET_PAGES = 50  # the links point at this many different pages of the client's site
RATIO_TARGET = 0.8


# -- the page server (child process) --------------------------------------------------------


def _page_parts(page_kb: int) -> tuple[bytes, bytes]:
    """The HTML before and after the link to the client's site, about `page_kb` KB in all."""
    links = "".join(
        f'<li><a href="/post/{n}" rel="bookmark">Related post number {n}</a></li>\n'
        for n in range(59)
    )
    head = (
        "<!doctype html><html><head><meta charset=utf-8><title>A blog post</title>"
        '<meta name="viewport" content="width=device-width"></head><body><article>'
    )
    paragraph = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 8 + "</p>\n"
    filler_size = max(0, page_kb * 1000 - len(head) - len(links) - 200)
    filler = paragraph * max(1, filler_size // len(paragraph))
    before = (head + filler + "<p>We recommend ").encode()
    after = (f" for widgets.</p></article><ul>{links}</ul></body></html>").encode()
    return before, after


class _PageProtocol(asyncio.Protocol):
    """HTTP/1.1 keep-alive: `GET /p/N` answers page N; anything else 404."""

    def __init__(self, before: bytes, after: bytes) -> None:
        self.before, self.after = before, after
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            request, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            path = request.split(b" ", 2)[1]
            self.transport.write(self._response(path))  # type: ignore[union-attr]

    def _response(self, path: bytes) -> bytes:
        if not path.startswith(b"/p/"):
            return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        number = int(path[3:])
        link = f'<a href="https://{SITE}/landing/{number % TARGET_PAGES}">Acme widgets</a>'
        body = self.before + link.encode() + self.after
        return (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )


def serve(addresses: list[str], page_kb: int, ready: multiprocessing.connection.Connection) -> None:
    """Serve pages on each address (port 0); send the bound (address, port) list to `ready`."""

    async def main() -> None:
        before, after = _page_parts(page_kb)
        loop = asyncio.get_running_loop()
        bound = []
        for address in addresses:
            server = await loop.create_server(
                lambda: _PageProtocol(before, after), address, 0, backlog=1024
            )
            bound.append(server.sockets[0].getsockname()[:2])
        ready.send(bound)
        await asyncio.Event().wait()

    asyncio.run(main())


# -- the baseline fetch loop (child process) -----------------------------------------------


def baseline(urls_file: Path, concurrency: int, transport: str) -> None:
    """The minimal httpx loop: print {"pages": n, "seconds": s} as JSON."""
    import httpx

    urls = urls_file.read_text().split()

    async def main() -> None:
        limits = httpx.Limits(max_connections=concurrency)
        client_transport: httpx.AsyncBaseTransport | None = None
        if transport == "aiohttp":
            from httpx_aiohttp import AiohttpTransport

            client_transport = AiohttpTransport(limits=limits)
        started = time.perf_counter()
        async with httpx.AsyncClient(limits=limits, transport=client_transport) as client:
            queue: asyncio.Queue[str] = asyncio.Queue()
            for url in urls:
                queue.put_nowait(url)
            done = 0

            async def worker() -> None:
                nonlocal done
                while not queue.empty():
                    response = await client.get(queue.get_nowait())
                    response.content  # noqa: B018  the body is read, as the checker reads it
                    done += 1

            await asyncio.gather(*(worker() for _ in range(concurrency)))
        print(json.dumps({"pages": done, "seconds": time.perf_counter() - started}))

    asyncio.run(main())


# -- running and measuring ------------------------------------------------------------------


@dataclass
class Run:
    """One measured child process."""

    name: str
    pages: int
    seconds: float  # the child's own timing
    wall: float
    peak_mb: float
    extra: str = ""

    @property
    def rate(self) -> float:
        """Pages per second by the child's own timing."""
        return self.pages / self.seconds


def measure(name: str, command: list[str]) -> tuple[Run, dict[str, object]]:
    """Run `command`, return its timing, peak RSS and its JSON output."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{name} failed ({status}): {output}")
    result = json.loads(output)
    pages = int(result["pages"])
    return Run(name, pages, float(result["seconds"]), wall, usage.ru_maxrss / 1000), result


def run_baseline(urls_file: Path, concurrency: int, transport: str) -> Run:
    """The plain httpx loop over `transport`."""
    run, _ = measure(
        f"httpx loop ({transport})",
        [sys.executable, __file__, "--baseline", transport, "--urls", str(urls_file),
         "--concurrency", str(concurrency)],
    )
    return run


def run_linkdesk(project: Path, work: Path, concurrency: int, transport: str) -> Run:
    """`linkdesk check` on a fresh copy of the project."""
    copy = work / f"check-{transport}.linkdesk"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copy(project, copy)
    run, result = measure(
        f"linkdesk check ({transport})",
        [sys.executable, "-m", "linkdesk.cli", "check", str(copy), "--concurrency",
         str(concurrency), "--transport", transport, "--json"],
    )
    statuses = {k: v for k, v in result["by_status"].items() if v}  # type: ignore[union-attr]
    run.extra = ", ".join(f"{k} {v:,}" for k, v in statuses.items())
    return run


def build_project(work: Path, bound: list[tuple[str, int]], pages: int) -> tuple[Path, Path]:
    """The project (one link per page) and a file of the page URLs, in `work`."""
    from exportgen import LinkRecord, write_ahrefs

    from linkdesk.core.importers.pipeline import ImportOptions, import_file
    from linkdesk.core.store import Project
    from linkdesk.core.store.settings import Key

    urls = [
        f"http://{bound[n % len(bound)][0]}:{bound[n % len(bound)][1]}/p/{n}" for n in range(pages)
    ]
    records = [
        LinkRecord(source_url=url, target_url=f"https://{SITE}/landing/{n % TARGET_PAGES}",
                   anchor="Acme widgets")
        for n, url in enumerate(urls)
    ]
    export = work / "links.csv"
    write_ahrefs(export, records)
    project = work / "bench.linkdesk"
    with Project.open(project) as opened:
        opened.set_setting(Key.SITES, [SITE])
        import_file(opened, export, ImportOptions())
    urls_file = work / "urls.txt"
    urls_file.write_text("\n".join(urls))
    return project, urls_file


def revision() -> str:
    """`git describe --always --dirty` of the work tree."""
    try:
        done = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                              text=True, check=True, cwd=ROOT)
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return done.stdout.strip()


def report(runs: dict[str, Run], options: argparse.Namespace, page_bytes: int) -> None:
    """Print the table and the ratio against the target."""
    print(f"linkdesk {revision()}; {options.pages:,} pages of {page_bytes / 1000:.1f} KB on "
          f"{options.hosts} hosts (127.0.0.2-127.0.0.{options.hosts + 1}), concurrency "
          f"{options.concurrency}, best of {options.repeat}; {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}")
    print(f"{'run':<28} {'pages/s':>9} {'seconds':>8} {'wall s':>7} {'peak MB':>8}  statuses")
    for run in runs.values():
        print(f"{run.name:<28} {run.rate:>9,.0f} {run.seconds:>8.2f} {run.wall:>7.2f} "
              f"{run.peak_mb:>8,.0f}  {run.extra}")
    ours = runs["linkdesk check (aiohttp)"].rate
    plain = runs["httpx loop (httpx)"].rate
    ratio = ours / plain
    verdict = "met" if ratio >= RATIO_TARGET else "MISSED"
    print(f"ratio linkdesk check / plain httpx loop: {ratio:.2f}x (target >= {RATIO_TARGET}x: "
          f"{verdict})")
    transport_gain = runs["httpx loop (aiohttp)"].rate / plain
    print(f"transport: the httpx loop over httpx-aiohttp is {transport_gain:.2f}x the default; "
          f"linkdesk check over it is "
          f"{ours / runs['linkdesk check (httpx)'].rate:.2f}x linkdesk over the default")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (or, with --baseline, be the baseline child)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--page-kb", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--baseline", choices=("httpx", "aiohttp"), help=argparse.SUPPRESS)
    parser.add_argument("--urls", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.baseline:
        baseline(options.urls, options.concurrency, options.baseline)
        return 0
    if not 1 <= options.hosts <= 250:
        parser.error("--hosts must be 1-250 (127.0.0.2 upwards)")
    addresses = [f"127.0.0.{n}" for n in range(2, options.hosts + 2)]
    _check_loopback(addresses)
    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(target=serve, args=(addresses, options.page_kb, send),
                                     daemon=True)
    server.start()
    work = Path(tempfile.mkdtemp(prefix="bench-check-"))
    try:
        bound = receive.recv()
        print(f"building a project of {options.pages:,} links ...", flush=True)
        project, urls_file = build_project(work, bound, options.pages)
        before, after = _page_parts(options.page_kb)
        best: dict[str, Run] = {}
        order = [("loop", "httpx"), ("loop", "aiohttp"), ("check", "aiohttp"),
                 ("check", "httpx")]
        for round_number in range(options.repeat):
            for kind, transport in order if round_number % 2 == 0 else order[::-1]:
                if kind == "loop":
                    run = run_baseline(urls_file, options.concurrency, transport)
                else:
                    run = run_linkdesk(project, work, options.concurrency, transport)
                print(f"  {run.name}: {run.rate:,.0f} pages/s, peak {run.peak_mb:,.0f} MB",
                      flush=True)
                if run.name not in best or run.rate > best[run.name].rate:
                    best[run.name] = run
        runs = {name: best[name] for name in (
            "httpx loop (httpx)", "httpx loop (aiohttp)", "linkdesk check (aiohttp)",
            "linkdesk check (httpx)")}
        report(runs, options, len(before) + len(after) + 60)
    finally:
        server.terminate()
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _check_loopback(addresses: list[str]) -> None:
    """Fail early, with a useful message, where 127.0.0.2+ are not loopback (macOS)."""
    for address in (addresses[0], addresses[-1]):
        with socket.socket() as probe:
            try:
                probe.bind((address, 0))
            except OSError as error:
                raise SystemExit(
                    f"cannot bind {address} ({error}); on macOS add loopback aliases first: "
                    f"sudo ifconfig lo0 alias {address}"
                ) from None


if __name__ == "__main__":
    raise SystemExit(main())
