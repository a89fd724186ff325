"""What a mark is: a kind (disavow, keep, review), a reason, a date, and whether it is forced."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from enum import StrEnum

from linkdesk.core import urls


class MarkKind(StrEnum):
    """The user's decision on a link or referring domain."""

    DISAVOW = "disavow"
    KEEP = "keep"  # whitelisted: never disavowed unless a disavow is forced
    REVIEW = "review"  # to look at again

    @property
    def label(self) -> str:
        """The kind as the user reads it."""
        return self.value.capitalize()


class MarksError(ValueError):
    """A marking request that cannot be carried out; the message is meant for the user."""


@dataclass(frozen=True)
class Mark:
    """One stored mark."""

    kind: MarkKind
    reason: str = ""
    marked_at: str = ""
    forced: bool = False  # a disavow that wins over keep marks (see store.EFFECTIVE_KIND_SQL)

    def as_row(self) -> tuple[str, str, str, int]:
        """The mark as stored: (kind, reason, marked_at, forced)."""
        return (self.kind.value, self.reason, self.marked_at, int(self.forced))

    @classmethod
    def from_row(cls, row: tuple[str, str, str, int]) -> Mark:
        """A mark from its stored row."""
        kind, reason, marked_at, forced = row
        return cls(MarkKind(kind), reason, marked_at, bool(forced))


def now_iso() -> str:
    """The current time, ISO 8601 UTC to the second (how marks and files are dated)."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def typed_domain(text: str) -> str:
    """A domain as the user types it (any case, Unicode, `domain:`, a URL) as `links.domain`
    stores it: its registered domain, in punycode. Raises MarksError, saying why, when the
    host is not valid."""
    return urls.registered_domain(typed_host(text))


def typed_host(text: str) -> str:
    """The host the user typed (any case, Unicode, `domain:`, a URL) as `links.source_host`
    stores hosts: lower case, in punycode. Raises MarksError, saying why, when it is not
    valid."""
    host = text.strip()
    if host[: len("domain:")].lower() == "domain:":
        host = host[len("domain:"):]
    if "/" in host or ":" in host:
        url = host if "://" in host else f"http://{host}"
        normalized = urls.normalize_url(url)
        if normalized is None:
            raise MarksError(f"{text!r} is not a domain: it {urls.url_problem(url)}")
        host = normalized[1]
    ascii_host = urls.to_ascii_host(host)
    if not ascii_host:
        raise MarksError(f"{text!r} is not a domain: {urls.host_problem(host)}")
    return ascii_host


def domain_key(text: str) -> str:
    """A domain to mark, as the user types it, as `links.domain` stores it (`typed_domain`).

    Raises MarksError, saying why, when the text is not a domain: an invalid host name, a
    public suffix alone (`co.uk`: every site under it, not one), a name without a dot, or an
    IP address that cannot be a site on the web (`[::1]`, `10.0.0.1`).
    """
    domain = typed_domain(text)
    if urls.is_ip_host(domain):
        if not ipaddress.ip_address(domain.strip("[]")).is_global:
            raise MarksError(f"{text!r} is not a domain: a loopback, private or reserved IP "
                             "address is no site on the web")
    elif "." not in domain:
        raise MarksError(f"{text!r} is not a domain: a domain has a dot (example.com)")
    elif urls.is_public_suffix(domain):
        raise MarksError(f"{text!r} is not a domain but a public suffix, where anyone "
                         f"registers sites: mark one of them (example.{domain})")
    return domain
