"""What a check produces: statuses, options, per-link results, progress and the summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from linkdesk import __version__

# Statuses, in the order reports list them. See docs/checking.md for what each one means.
LIVE = "live"  # the page links to the target
MISSING = "missing"  # the page was read and has no link to the target
PAGE_ERROR = "page_error"  # the page answered with an HTTP error (4xx/5xx); see http_code
REDIRECTED = "redirected"  # the page redirects elsewhere, and the link is not there
BLOCKED = "blocked"  # the page could not be read: refused, reset, redirect loop, over the cap…
TIMEOUT = "timeout"  # the server did not answer (or finish answering) in time
DNS_ERROR = "dns_error"  # the host name does not resolve
STATUSES = (LIVE, MISSING, PAGE_ERROR, REDIRECTED, BLOCKED, TIMEOUT, DNS_ERROR)

USER_AGENT = f"LinkDesk/{__version__} (+backlink check)"
DEFAULT_CONCURRENCY = 20
TRANSPORTS = ("aiohttp", "httpx")  # the first is the default: faster (docs/checking.md)


@dataclass(frozen=True)
class CheckOptions:
    """How politely and how patiently pages are fetched. The defaults suit real sites."""

    concurrency: int = DEFAULT_CONCURRENCY  # requests in flight at once, over all hosts
    per_host: int = 2  # requests in flight at once to one host
    connect_timeout: float = 10.0  # seconds to connect (DNS included)
    read_timeout: float = 15.0  # seconds without receiving anything
    page_timeout: float = 30.0  # seconds for one response, headers and body (per hop, per try)
    parse_budget: float = 10.0  # seconds to parse a page; then it is scanned (docs/checking.md)
    max_redirects: int = 5
    max_bytes: int = 5_000_000  # body cap (decoded bytes); the rest of the page is not read
    max_encodings: int = 2  # Content-Encoding layers undone (`gzip, gzip`); more: blocked
    retries: int = 2  # extra attempts after a 429 or 503
    backoff: float = 1.0  # first back-off in seconds without Retry-After; doubles each time
    max_retry_after: float = 30.0  # longer Retry-After requests are not waited for
    transport: str = TRANSPORTS[0]
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class LinkCheck:
    """The outcome of checking one link: one row of the check history."""

    link_id: int
    status: str
    http_code: int | None = None  # the final response's code, when there was one
    final_url: str | None = None  # where the redirects ended (the page itself when none)
    redirects: tuple[tuple[int, str], ...] = ()  # each hop: (code, the URL it pointed to)
    found: int = 0  # links to the target on the page
    anchor: str | None = None  # the anchor text of the link chosen (a followed one first)
    nofollow: bool | None = None  # rel of that link; None when the link was not found
    ugc: bool | None = None
    sponsored: bool | None = None
    noindex: bool | None = None  # meta robots or X-Robots-Tag; None when the page was not read
    detail: str = ""  # why, for the statuses that need it (in words, for the user)
    elapsed_ms: int = 0  # fetch time of the page, all hops and retries included


@dataclass(frozen=True)
class CheckProgress:
    """Reported while a check runs (at most every 0.1 s, and once at the end)."""

    pages_done: int
    pages_total: int
    links_done: int
    links_total: int
    by_status: dict[str, int]


@dataclass(frozen=True)
class CheckSummary:
    """What a check did."""

    run_id: int | None  # None when there was nothing to check
    links: int  # links checked (fewer than selected when cancelled)
    links_selected: int
    pages: int  # pages fetched (each page once, however many links it holds)
    requests: int  # HTTP requests sent: redirect hops and retries included
    by_status: dict[str, int] = field(default_factory=dict)
    changes: int = 0  # links whose status, rel or noindex changed since their previous check
    seconds: float = 0.0
    cancelled: bool = False


ProgressCallback = Callable[[CheckProgress], None]
CancelCheck = Callable[[], bool]
