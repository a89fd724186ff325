"""Turn a failed request into a status (blocked, timeout, DNS error) and words for the user."""

from __future__ import annotations

import socket
import ssl

import httpx

from linkdesk.core.checker.model import BLOCKED, DNS_ERROR, TIMEOUT


def classify_error(error: BaseException) -> tuple[str, str]:
    """Return (status, detail) for an exception raised while fetching a page.

    The original error decides, not the wrapper: transports re-raise errors as httpx
    exceptions, and httpx-aiohttp labels e.g. a refused connection `ConnectTimeout`.
    """
    for cause in reversed(_chain(error)):  # the innermost (original) error first
        if isinstance(cause, socket.gaierror) or type(cause).__name__ == "ClientConnectorDNSError":
            return DNS_ERROR, "the host name does not resolve"
        if isinstance(cause, TimeoutError | httpx.TimeoutException):
            return TIMEOUT, "no complete answer in time"
        if isinstance(cause, ConnectionRefusedError):
            return BLOCKED, "connection refused"
        if isinstance(cause, ConnectionResetError | BrokenPipeError):
            return BLOCKED, "connection reset by the server"
        if isinstance(cause, ssl.SSLError):
            return BLOCKED, f"TLS error: {_reason(cause)}"
    return BLOCKED, _reason(error)


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
