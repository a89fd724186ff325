"""Fetch one source page politely: redirects by hand, retries, timeouts and a body cap.

Redirects are followed here, not by httpx, so that each hop is recorded, only http(s) targets
are followed, and each hop to another host takes one of that host's slots (`HostSlots`).
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import httpx

from linkdesk.core.checker.decode import SUPPORTED, BodyDecoder, DecodeError
from linkdesk.core.checker.errors import classify_error
from linkdesk.core.checker.hosts import HostSlots
from linkdesk.core.checker.model import (
    BLOCKED,
    DNS_ERROR,
    REDIRECTED,
    TRANSPORTS,
    CheckOptions,
)
from linkdesk.core.urls import normalize_url

_REDIRECT_CODES = frozenset((301, 302, 303, 307, 308))
_RETRY_CODES = frozenset((429, 503))
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"
_LOCATION = "x-linkdesk-location"  # where `_hide_location` puts a redirect's Location
_SECONDS = re.compile(r"[0-9]{1,10}")  # ASCII digits only: `str.isdigit` accepts "²"
_RETRY = "retry"  # what `_request` returns for a 429/503 (never a URL: those are absolute)


@dataclass(slots=True)
class Fetched:
    """What fetching a page gave: the final response (or the reason there is none)."""

    url: str
    final_url: str | None = None
    http_code: int | None = None
    redirects: list[tuple[int, str]] = field(default_factory=list)
    content_type: str = ""
    robots_header: str = ""  # X-Robots-Tag headers, one a line
    body: bytes = b""
    truncated: bool = False  # the body went past the cap; `body` is its first part
    html: bool = False  # the body was read (an HTML page answered 2xx)
    failure: str | None = None  # a status (blocked, timeout, …) when there was no usable answer
    detail: str = ""
    retry_after: str = ""  # the last 429/503's Retry-After header
    requests: int = 0
    elapsed_ms: int = 0


def open_client(options: CheckOptions) -> httpx.AsyncClient:
    """An httpx client over the chosen transport, with the checker's timeouts and User-Agent."""
    if options.transport not in TRANSPORTS:
        raise ValueError(f"unknown transport {options.transport!r}; use one of {TRANSPORTS}")
    # Every worker has at most one request in flight, so the pool never runs dry.
    limits = httpx.Limits(
        max_connections=options.concurrency,
        max_keepalive_connections=options.concurrency,
        keepalive_expiry=5.0,
    )
    transport: httpx.AsyncBaseTransport
    if options.transport == "aiohttp":
        from httpx_aiohttp import AiohttpTransport

        transport = AiohttpTransport(limits=limits, trust_env=False)
    else:
        transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(
            connect=options.connect_timeout,
            read=options.read_timeout,
            write=options.read_timeout,
            pool=options.connect_timeout,
        ),
        headers={
            "User-Agent": options.user_agent,
            "Accept": _ACCEPT,
            # Only what `decode` can undo in bounded steps (httpx would add br and zstd).
            "Accept-Encoding": ", ".join(SUPPORTED),
        },
        follow_redirects=False,
        event_hooks={"response": [_hide_location]},
        # No proxies or .netrc from the environment: the check goes to the pages themselves.
        trust_env=False,
    )


async def _hide_location(response: httpx.Response) -> None:
    """Move a redirect's Location out of httpx's sight: redirects are followed here.

    Even with `follow_redirects=False` httpx builds the next request from a Location, and a
    target it cannot build (`javascript:…`) raises before the response reaches `_request`.
    """
    location = response.headers.get("location")
    if location is not None:
        del response.headers["location"]
        response.headers[_LOCATION] = location


async def fetch_page(
    client: httpx.AsyncClient, url: str, host: str, slots: HostSlots, options: CheckOptions
) -> Fetched:
    """Fetch `url`, whose host's slot the caller has taken; the slot is released here."""
    result = Fetched(url)
    started = time.perf_counter()
    held: str | None = host  # the host whose slot this fetch holds
    try:
        current = url
        retries = 0
        while True:
            result.final_url = current
            current_host = _host_of(current)
            if not current_host:
                result.failure, result.detail = BLOCKED, "not a valid http(s) URL"
                return result
            if _never_resolves(current_host):
                result.failure, result.detail = DNS_ERROR, _INVALID_DETAIL
                return result
            if current_host != held:  # a redirect to another host: take one of its slots
                if held is not None:
                    slots.release(held)
                held = None
                await slots.acquire(current_host)
                held = current_host
            result.requests += 1
            next_url = await _request(client, current, result, options)
            if next_url == _RETRY:
                delay = _retry_delay(result, retries, options)
                if delay is None:
                    return result
                retries += 1
                await asyncio.sleep(delay)  # the host's slot stays taken: it asked us to wait
                continue
            if next_url is None:
                return result
            current = next_url
    except Exception as error:  # one odd page must not end the whole check
        result.failure, result.detail = classify_error(error)
        return result
    finally:
        if held is not None:
            slots.release(held)
        result.elapsed_ms = round((time.perf_counter() - started) * 1000)


async def _request(
    client: httpx.AsyncClient, url: str, result: Fetched, options: CheckOptions
) -> str | None:
    """One request. Returns the next URL for a redirect to follow, _RETRY, or None (done)."""
    async with asyncio.timeout(options.page_timeout), client.stream("GET", url) as response:
        code = response.status_code
        result.http_code = code
        result.content_type = response.headers.get("content-type", "")
        result.robots_header = "\n".join(response.headers.get_list("x-robots-tag"))
        if code in _REDIRECT_CODES and _LOCATION in response.headers:
            return _redirect(url, response.headers[_LOCATION], code, result, options)
        if code in _RETRY_CODES:
            result.retry_after = response.headers.get("retry-after", "")
            return _RETRY
        if not 200 <= code < 300:
            return None  # a page error: the status code says it all, the body is not needed
        result.html = _is_html(result.content_type)
        if result.html:
            try:
                decoder = BodyDecoder(
                    response.headers.get("content-encoding", ""), options.max_encodings
                )
                result.body, result.truncated = await _read_capped(
                    response, decoder, options.max_bytes
                )
            except DecodeError as error:
                result.failure, result.detail = BLOCKED, str(error)
        return None


def _redirect(
    url: str, location: str, code: int, result: Fetched, options: CheckOptions
) -> str | None:
    try:
        target = urljoin(url, location.strip())
    except ValueError:  # e.g. an unclosed IPv6 bracket
        result.failure, result.detail = BLOCKED, f"redirects to an invalid URL: {location[:200]}"
        return None
    result.redirects.append((code, target))
    scheme = target.partition(":")[0].lower()
    if scheme not in ("http", "https"):
        result.final_url = target
        result.failure = REDIRECTED
        result.detail = f"redirects to a {scheme}: URL, which is not followed"
        return None
    if len(result.redirects) > options.max_redirects:
        result.failure = BLOCKED
        result.detail = f"more than {options.max_redirects} redirects"
        return None
    return target


async def _read_capped(
    response: httpx.Response, decoder: BodyDecoder, cap: int
) -> tuple[bytes, bool]:
    """The body's first `cap` decoded bytes: a compressed bomb is decoded only that far."""
    body = bytearray()
    async for raw in response.aiter_raw():  # raw: httpx would decode a whole chunk at once
        for piece in decoder.feed(raw):
            if len(body) + len(piece) > cap:
                body += piece[: cap - len(body)]
                return bytes(body), True  # leaving the stream closes the connection
            body += piece
    return bytes(body), False


def _retry_delay(result: Fetched, retries: int, options: CheckOptions) -> float | None:
    """Seconds to wait before retrying a 429/503, or None to give up (the code stands)."""
    asked = _parse_retry_after(result.retry_after)
    if retries >= options.retries:
        result.detail = f"still {result.http_code} after {retries} retries"
        return None
    if asked is not None and asked > options.max_retry_after:
        result.detail = f"asked to retry after {asked:.0f} s; not waited for"
        return None
    return asked if asked is not None else options.backoff * 2**retries


def _parse_retry_after(value: str) -> float | None:
    """Retry-After in seconds: either a number of seconds or an HTTP date."""
    value = value.strip()
    if not value:
        return None
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _host_of(url: str) -> str:
    """The host as `links.source_host` spells it (punycode), the key of the host slots."""
    normalized = normalize_url(url)
    return normalized[1] if normalized else ""


def _is_html(content_type: str) -> bool:
    # No Content-Type at all: read it and let the parser decide, as browsers sniff.
    kind = content_type.partition(";")[0].strip().lower()
    return not kind or "html" in kind or kind.endswith("xml")


_INVALID_DETAIL = "the .invalid domain never resolves (RFC 6761); not looked up"


def _never_resolves(host: str) -> bool:
    # RFC 6761: resolvers should answer `.invalid` names negatively at once, but the system's
    # resolver asks the network (and may wait for its timeout); answer it here instead.
    return host == "invalid" or host.endswith(".invalid")
