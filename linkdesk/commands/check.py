"""`linkdesk check PROJECT`: re-check that the links still exist, and print what was found.

    linkdesk check PROJECT [--limit N] [--concurrency N] [--only-marked] [--timeout SECONDS]
                           [--transport aiohttp|httpx] [--json] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from types import FrameType

from linkdesk.commands import EXIT_FAILED, EXIT_OK
from linkdesk.core.checker import (
    DEFAULT_CONCURRENCY,
    STATUSES,
    TRANSPORTS,
    Change,
    CheckOptions,
    CheckProgress,
    CheckSummary,
    changes,
    check_links,
    marked_link_ids,
)
from linkdesk.core.store import Project

_CHANGES_SHOWN = 20


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `check` subcommand."""
    parser = commands.add_parser(
        "check", help="re-check live that the links still exist (fetches their pages)",
        description="Fetch each link's source page once and record whether it still links to "
        "the target, with which rel and anchor. Links never checked go first, then the longest "
        "unchecked. Ctrl-C stops the check and keeps what was checked. See docs/checking.md.",
    )
    parser.add_argument("project", type=Path)
    parser.add_argument("--limit", type=_positive, metavar="N", help="check at most N links")
    parser.add_argument("--concurrency", type=_positive, metavar="N",
                        default=DEFAULT_CONCURRENCY,
                        help=f"requests at once (default {DEFAULT_CONCURRENCY}; "
                        "at most 2 per host)")
    parser.add_argument("--only-marked", action="store_true",
                        help="only the links whose mark (their own, else their domain's) is "
                        "disavow or review")
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help=f"give up on a page after this long "
                        f"(default {CheckOptions().page_timeout:g})")
    parser.add_argument("--transport", choices=TRANSPORTS, default=TRANSPORTS[0],
                        help="the HTTP transport behind httpx (default: the faster, aiohttp)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run_check)


def run_check(options: argparse.Namespace) -> int:
    """Check the links and print the summary and the changes since their previous check."""
    check_options = CheckOptions(concurrency=options.concurrency, transport=options.transport)
    if options.timeout is not None:
        timeout = max(options.timeout, 0.1)
        check_options = replace(
            check_options, page_timeout=timeout,
            connect_timeout=min(check_options.connect_timeout, timeout),
            read_timeout=min(check_options.read_timeout, timeout),
        )
    show_progress = not options.quiet and not options.json and sys.stderr.isatty()
    with Project.open(options.project, create=False) as project:
        link_ids = marked_link_ids(project.db) if options.only_marked else None
        with _ctrl_c_cancels() as stop:
            summary = check_links(
                project, link_ids, limit=options.limit, options=check_options,
                progress=_print_progress if show_progress else None, cancelled=stop.is_set,
            )
        if show_progress:
            print("\r\033[K", end="", file=sys.stderr)
        found = changes(project.db, summary.run_id) if summary.run_id is not None else []
    if options.json:
        print(json.dumps(_json(summary, found), indent=2, ensure_ascii=False))
    else:
        print(summary_text(summary, found, only_marked=options.only_marked))
    return EXIT_FAILED if summary.cancelled else EXIT_OK


def summary_text(summary: CheckSummary, found: list[Change], *, only_marked: bool = False) -> str:
    """The summary as lines: counts, links per status, and the changes."""
    if summary.run_id is None:
        return "No links to check" + (" (no links are marked)." if only_marked else ".")
    lines = [
        f"Checked {summary.links:,} links on {summary.pages:,} pages in {summary.seconds:.1f} s "
        f"({summary.requests:,} requests, {summary.pages / max(summary.seconds, 1e-9):,.0f} "
        "pages/s)"
    ]
    if summary.cancelled:
        lines.append(f"Stopped: {summary.links_selected - summary.links:,} links left unchecked")
    width = max(len(status) for status in STATUSES)
    lines += [f"  {status.replace('_', ' '):<{width}}  {summary.by_status.get(status, 0):>8,}"
              for status in STATUSES]
    lines.append(f"Changes since the previous check: {len(found)}")
    for change in found[:_CHANGES_SHOWN]:
        lines.append(f"  {change.source_url} -> {change.target_url}: {'; '.join(change.what)}")
    if len(found) > _CHANGES_SHOWN:
        lines.append(f"  … and {len(found) - _CHANGES_SHOWN:,} more")
    return "\n".join(lines)


def _json(summary: CheckSummary, found: list[Change]) -> dict[str, object]:
    return {
        **asdict(summary),
        "changes": [
            {"link_id": c.link_id, "source_url": c.source_url, "target_url": c.target_url,
             "what": list(c.what), "before": c.before.check.status,
             "after": c.after.check.status}
            for c in found
        ],
        "change_count": summary.changes,
    }


def _print_progress(progress: CheckProgress) -> None:
    print(f"\r{progress.pages_done:,}/{progress.pages_total:,} pages, "
          f"{progress.by_status.get('live', 0):,} links live", end="", file=sys.stderr)


@contextmanager
def _ctrl_c_cancels() -> Iterator[threading.Event]:
    """Ctrl-C sets the returned event (a clean stop) instead of interrupting the check."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():  # a second Ctrl-C: stop at once
            raise KeyboardInterrupt
        stop.set()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
