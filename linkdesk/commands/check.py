"""`linkdesk check PROJECT`: re-check that the links still exist, and print what was found.

    linkdesk check PROJECT [--limit N] [--concurrency N] [--only-marked] [--timeout SECONDS]
                           [--transport aiohttp|httpx] [--json] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from types import FrameType

from linkdesk.commands import EXIT_FAILED, EXIT_OK
from linkdesk.commands.opening import open_to_change
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

_CHANGES_SHOWN = 20
_MIN_TIMEOUT = 0.1
_MAX_TIMEOUT = 600.0  # ten minutes for one page is already past any browser's patience


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `check` subcommand."""
    parser = commands.add_parser(
        "check", help="re-check live that the links still exist (fetches their pages)",
        description="Fetch each link's source page once and record whether it still links to "
        "the target, with which rel and anchor. Links never checked go first, then the longest "
        "unchecked. Ctrl-C stops the check and keeps what was checked. See docs/checking.md.",
    )
    parser.add_argument("project", type=Path)
    parser.add_argument("--limit", type=positive_number, metavar="N", help="check at most N links")
    parser.add_argument("--concurrency", type=positive_number, metavar="N",
                        default=DEFAULT_CONCURRENCY,
                        help=f"requests at once (default {DEFAULT_CONCURRENCY}; "
                        "at most 2 per host)")
    parser.add_argument("--only-marked", action="store_true",
                        help="only the links whose mark (their own, else their domain's) is "
                        "disavow or review")
    parser.add_argument("--timeout", type=page_seconds, metavar="SECONDS",
                        help=f"give up on a page after this long, {_MIN_TIMEOUT:g} to "
                        f"{_MAX_TIMEOUT:g} (default {CheckOptions().page_timeout:g})")
    parser.add_argument("--transport", choices=TRANSPORTS, default=TRANSPORTS[0],
                        help="the HTTP transport behind httpx (default: the faster, aiohttp)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run_check)


def run_check(options: argparse.Namespace) -> int:
    """Check the links and print the summary and the changes since their previous check."""
    check_options = CheckOptions(concurrency=options.concurrency, transport=options.transport)
    if options.timeout is not None:
        timeout = options.timeout
        check_options = replace(
            check_options, page_timeout=timeout,
            connect_timeout=min(check_options.connect_timeout, timeout),
            read_timeout=min(check_options.read_timeout, timeout),
        )
    show_progress = not options.quiet and not options.json and sys.stderr.isatty()
    with open_to_change(options.project) as project, ctrl_c_cancels() as interrupts:
        link_ids = marked_link_ids(project.db) if options.only_marked else None
        try:
            summary = check_links(
                project, link_ids, limit=options.limit, options=check_options,
                progress=_print_progress if show_progress else None,
                cancelled=interrupts.stop.is_set, finishing=interrupts.checked.set,
            )
        except KeyboardInterrupt:  # a second Ctrl-C: no summary, but nothing read is lost
            if show_progress:
                print("\r\033[K", end="", file=sys.stderr)
            print("linkdesk check: stopped at once; the pages read so far are saved",
                  file=sys.stderr)
            return EXIT_FAILED
        interrupts.checked.set()  # (also when there was nothing to check)
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


@dataclass
class _Interrupts:
    stop: threading.Event = field(default_factory=threading.Event)  # first Ctrl-C: stop cleanly
    checked: threading.Event = field(default_factory=threading.Event)  # the check has ended


@contextmanager
def ctrl_c_cancels() -> Iterator[_Interrupts]:
    """Ctrl-C asks for a clean stop instead of interrupting the check; a second one stops at
    once while pages are still being checked, and is ignored once the check has ended (the
    command is only writing its summary then)."""
    interrupts = _Interrupts()
    if threading.current_thread() is not threading.main_thread():
        yield interrupts
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if interrupts.checked.is_set():
            return
        if interrupts.stop.is_set():
            raise KeyboardInterrupt
        interrupts.stop.set()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield interrupts
    finally:
        signal.signal(signal.SIGINT, previous)


def page_seconds(text: str) -> float:
    """A page timeout: a finite number of seconds within [_MIN_TIMEOUT, _MAX_TIMEOUT]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    # `inf` would remove the timeout and `nan` compares false with everything: refuse both.
    if not (math.isfinite(value) and _MIN_TIMEOUT <= value <= _MAX_TIMEOUT):
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds from {_MIN_TIMEOUT:g} to {_MAX_TIMEOUT:g}, not {text}"
        )
    return value


def positive_number(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
