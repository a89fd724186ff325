"""Counts in words for messages: "1 row", "2,048 rows"."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """`word` for one, else its plural (`many`, or `word` + "s")."""
    return word if count == 1 else (many or word + "s")


def counted(count: int, word: str, many: str | None = None) -> str:
    """The count with thousands separators and the word in the right number: "1,235 links"."""
    return f"{count:,} {plural(count, word, many)}"
