"""What a mark is: a kind (disavow, keep, review), a reason, a date, and whether it is forced."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from linkdesk.core import urls


class MarkKind(StrEnum):
    """The user's decision on a link or referring domain."""

    DISAVOW = "disavow"
    KEEP = "keep"  # whitelisted: never disavowed unless a disavow is forced
    REVIEW = "review"  # to look at again

    @property
    def title(self) -> str:
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


def domain_key(text: str) -> str:
    """A domain as the user types it (any case, Unicode, a URL) as `links.domain` stores it.

    Raises MarksError when the text is not a domain.
    """
    host = text.strip().lower()
    if host.startswith("domain:"):
        host = host[len("domain:"):]
    if "/" in host or ":" in host:
        normalized = urls.normalize_url(host if "://" in host else f"http://{host}")
        host = normalized[1] if normalized else ""
    ascii_host = urls.to_ascii_host(host) if host else ""
    if not ascii_host or ("." not in ascii_host and not urls.is_ip_host(ascii_host)):
        raise MarksError(f"{text!r} is not a domain")
    return urls.registered_domain(ascii_host)


def link_key(source_url: str, target_url: str) -> tuple[str, str]:
    """A link's identity (source URL, target URL) normalised as `links` stores it."""
    source = urls.normalize_url(source_url)
    target = urls.normalize_url(target_url)
    if source is None:
        raise MarksError(f"{source_url!r} is not an http(s) URL")
    if target is None:
        raise MarksError(f"{target_url!r} is not an http(s) URL")
    return source[0], target[0]
