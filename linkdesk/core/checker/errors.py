"""Turn a failed request into a status (blocked, timeout, DNS error) and words for the user."""

from __future__ import annotations

import socket
import ssl

import httpx

from linkdesk.core.checker.model import BLOCKED, DNS_ERROR, TIMEOUT

CLOSED = "the server closed the connection without answering"
CUT_SHORT = "the server closed the connection before the end of the page"


def classify_error(error: BaseException) -> tuple[str, str]:
    """Return (status, detail) for an exception raised while fetching a page.

    The original error decides, not the wrapper: transports re-raise errors as httpx
    exceptions, and httpx-aiohttp labels every connection error `ConnectTimeout` (a refused
    connection, a server hanging up at once), so an aiohttp error that is not a timeout
    decides on its own.
    """
    for cause in reversed(_chain(error)):  # the innermost (original) error first
        name = type(cause).__name__
        if isinstance(cause, socket.gaierror) or name == "ClientConnectorDNSError":
            return DNS_ERROR, "the host name does not resolve"
        if isinstance(cause, TimeoutError | httpx.TimeoutException):
            return TIMEOUT, "no complete answer in time"
        if isinstance(cause, ConnectionRefusedError):
            return BLOCKED, "connection refused"
        if isinstance(cause, ConnectionResetError | BrokenPipeError):
            return BLOCKED, "connection reset by the server"
        if isinstance(cause, ssl.SSLError):
            return BLOCKED, f"TLS error: {_reason(cause)}"
        closed = _closed(cause)
        if closed:
            return BLOCKED, closed
        if type(cause).__module__.startswith("aiohttp"):
            return BLOCKED, f"connection error ({_reason(cause)})"
    return BLOCKED, _reason(error)


def _closed(error: BaseException) -> str:
    """Words for a server that hung up early (each library says it its own way), else ''."""
    name = type(error).__name__
    text = str(error).lower()
    if name == "ServerDisconnectedError" or (
        name == "RemoteProtocolError" and "without sending a response" in text
    ):
        return CLOSED
    if name == "ClientPayloadError" or (
        name == "RemoteProtocolError" and "complete message" in text
    ):
        return CUT_SHORT
    return ""


def _chain(error: BaseException) -> list[BaseException]:
    """The error and what caused it, outermost first.

    Libraries link the cause in different ways: `raise … from`, an exception passed as the
    wrapper's argument (httpcore's `ConnectError(gaierror(…))`, raised `from None` by anyio),
    or only as the context. All three are followed.
    """
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        argument = current.args[0] if current.args else None
        current = (
            current.__cause__
            or (argument if isinstance(argument, BaseException) else None)
            or current.__context__
        )
    return chain


def _reason(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
