"""The CSV-injection guard and its inverse: one pair for every CSV LinkDesk writes and reads.

A spreadsheet runs a cell as a formula when it starts with `=`, `+`, `-` or `@` (once the
characters it skips are left out: spaces, tabs, line breaks, NBSP, the ideographic space
U+3000, a BOM, zero-width spaces), and OWASP's CSV-injection guidance adds cells starting
with a tab, carriage return or line break at all. Such a cell is written with a leading
apostrophe, so a hostile anchor text such as `=HYPERLINK(...)`, `" =1+1"` or `"\\n=1+1"` is
shown, never run. A plain number (`-5`, `-0.25`, `+3`, `1e-3`) is no formula: it is written
as it is, so a spreadsheet reads a number, not text.

`unguard_cell(guard_cell(text)) == text` for every text: a value that itself starts with
apostrophes before a would-be formula (`'=SUM`) gets one apostrophe more, which the reader
takes off again. A cell a spreadsheet wrote (no LinkDesk apostrophe) reads as it is.
"""

from __future__ import annotations

import re

_OPERATORS = frozenset("=+-@")
_CONTROL = frozenset("\t\r\n")
# What may stand before a formula and still let it run: Unicode whitespace (\s covers NBSP
# and U+3000) and the invisible characters that are not whitespace to Python.
_LEADING = re.compile(r"[\s\ufeff\u200b\u200c\u200d\u2060]+")
# A number a spreadsheet reads as a number (ASCII digits only: \d would take Arabic digits).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def needs_guard(text: str) -> bool:
    """True when a spreadsheet could read `text` as a formula (a plain number is none)."""
    if not text:
        return False
    first = text[0]
    if first in _CONTROL:
        return True
    if first in _OPERATORS:
        return _NUMBER.fullmatch(text) is None
    if first.isalnum() or first == "'":  # the common case, decided without the patterns
        return False
    leading = _LEADING.match(text)
    if leading is None:
        return False
    rest = text[leading.end():]
    return rest[:1] in _OPERATORS and _NUMBER.fullmatch(rest) is None


def guard_text(text: str) -> str:
    """`text` as a CSV cell: an apostrophe before anything a spreadsheet would run as a
    formula, and before a value that already starts with apostrophes in front of one (so
    `unguard_cell` gives it back whole)."""
    if not text or text[0].isalnum():
        return text
    return "'" + text if needs_guard(text.lstrip("'")) else text


def safe_cell(value: object) -> str:
    """A value's text as a CSV cell (`guard_text`); None is an empty cell."""
    return "" if value is None else guard_text(value if isinstance(value, str) else str(value))


def unguard_cell(cell: str) -> str:
    """A cell as it was before `guard_text` (the apostrophe it added taken off)."""
    return cell[1:] if cell[:1] == "'" and needs_guard(cell.lstrip("'")) else cell
