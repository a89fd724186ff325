"""A user's text quoted back in a message: bounded, so one 100 MB line cannot flood a terminal,
and inert, so text from a file cannot drive the terminal (escape sequences) or reorder a line
(bidirectional overrides)."""

from __future__ import annotations

import re

SHOWN_CHARS = 120
# C0 and C1 controls (ESC starts terminal sequences), DEL, and the bidirectional embeddings,
# overrides and isolates (U+202E shows "moc.live" for "evil.com").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    """`text` with every control and bidirectional override written as an escape (\\x1b,
    \\u202e): what it holds stays visible, and nothing of it acts on the terminal."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def clip(text: str, limit: int = SHOWN_CHARS) -> str:
    """At most `limit` characters of `text`, with "…" when it was cut."""
    return text if len(text) <= limit else text[:limit] + "…"


def stored_text(value: object) -> str:
    """A stored text column's value as text ('' for NULL; a blob decoded, bad bytes shown
    as U+FFFD): a project file another program edited may hold any value in any column."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else str(value)
