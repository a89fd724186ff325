"""The CSV-injection guard: a cell a spreadsheet would run as a formula stays text.

A cell gets a leading apostrophe when it starts with `=`, `+`, `-` or `@` once the characters
a spreadsheet skips are left out (spaces, tabs, line breaks, NBSP, the ideographic space
U+3000, a BOM, zero-width spaces), or when it starts with a tab, carriage return or line
break at all. So a hostile anchor text such as `=HYPERLINK(...)`, `" =1+1"` or `"\\n=1+1"` is
shown, never run.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_OPERATORS = frozenset("=+-@")
_CONTROL = frozenset("\t\r\n")
# What may stand before a formula and still let it run: Unicode whitespace (\s covers NBSP
# and U+3000) and the invisible characters that are not whitespace to Python.
_LEADING = re.compile(r"[\s\ufeff\u200b\u200c\u200d\u2060]+")


def needs_guard(text: str) -> bool:
    """True when a spreadsheet could read `text` as a formula."""
    if not text:
        return False
    first = text[0]
    if first in _OPERATORS or first in _CONTROL:
        return True
    if first.isalnum():  # the common case, decided without the pattern
        return False
    leading = _LEADING.match(text)
    return leading is not None and text[leading.end():leading.end() + 1] in _OPERATORS


def safe_cell(value: object) -> str:
    """A cell's text, with an apostrophe before anything a spreadsheet would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if needs_guard(text) else text
