"""A user's text quoted back in a message: bounded, so one 100 MB line cannot flood a terminal."""

from __future__ import annotations

SHOWN_CHARS = 120


def clip(text: str, limit: int = SHOWN_CHARS) -> str:
    """At most `limit` characters of `text`, with "…" when it was cut."""
    return text if len(text) <= limit else text[:limit] + "…"
