"""The CSV-injection guard: a cell a spreadsheet would run as a formula stays text.

Cells starting with `=`, `+`, `-`, `@`, a tab or a carriage return get a leading apostrophe, so
a hostile anchor text such as `=HYPERLINK(...)` is shown, never run.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell's text, with an apostrophe before anything a spreadsheet would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
