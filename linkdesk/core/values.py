"""Parsers for the cell values vendors write: booleans, dates, numbers.

Every parser takes the raw cell text and returns None for an empty or unreadable cell: missing
data is neutral, and one odd cell never rejects a row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache

_TRUE = frozenset({"true", "yes", "y", "1", "x", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off", "-"})

_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_SLASHED = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_WORDY = re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})")
_NUMBER_NOISE = str.maketrans("", "", ", \u00a0%")
# SQLite's LIKE and COLLATE NOCASE fold the case of ASCII letters only; so must Python's
# side of a search or of a grouping that has to agree with them (`text.translate(...)`).
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def parse_rel(text: str) -> int | None:
    """A rel value or boolean meaning nofollow: `nofollow`, `ugc nofollow`, `true` are 1;
    `dofollow`, `follow`, `false` are 0; empty is None."""
    value = text.strip().lower()
    if not value:
        return None
    if "nofollow" in value or value in _TRUE:
        return 1
    return 0


def parse_bool(text: str) -> int | None:
    """Read `true`/`TRUE`/`Yes`/`1` as 1 and `false`/`No`/`0` as 0; anything else is None."""
    value = text.strip().lower()
    if value in _TRUE:
        return 1
    if value in _FALSE:
        return 0
    return None


def parse_flag(text: str) -> int:
    """Majestic-style flag: empty means false, any other value means true."""
    value = text.strip().lower()
    return 0 if value in ("", "0", "false", "no") else 1


# Which comes first in a slashed date (02/03/2026): the day (2 March) or the month (3 Feb).
DAY_FIRST, MONTH_FIRST = "day_first", "month_first"


def parse_date(text: str, order: str | None = MONTH_FIRST) -> str | None:
    """Return an ISO date (`YYYY-MM-DD`) from the date formats vendors and users write, or None.

    The one rule for dates: `YYYY-MM-DD[ HH:MM:SS]` (and `YYYY/MM/DD`) always; `DD.MM.YYYY`
    (dots: day first, the European form); `Sep 15, 2026`; a slashed date whose day is over
    12 (`15/09/2026`, `09/15/2026`) as it can only be read. A slashed date that reads both ways
    (`02/03/2026`) follows `order`: MONTH_FIRST by default (the vendors that write slashes are
    American), DAY_FIRST, or None to read it as no date at all. A file a user wrote decides
    its `order` from its own unambiguous dates (`date_order`) instead of guessing.
    """
    value = text.strip()
    if not value:
        return None
    if len(value) >= 10 and value[4] == "-" and value[7] == "-":
        candidate = value[:10]
        if candidate[:4].isdigit() and candidate[5:7].isdigit() and candidate[8:10].isdigit():
            return candidate if _valid(candidate) else None
    match = _ISO.match(value)
    if match:
        return _iso(int(match[1]), int(match[2]), int(match[3]))
    match = _SLASHED.match(value)
    if match:
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        found = slashed_order(value) or (DAY_FIRST if first == second else order)
        if found == DAY_FIRST:
            return _iso(year, second, first)
        if found == MONTH_FIRST:
            return _iso(year, first, second)
        return None
    match = _WORDY.match(value)
    if match and match[1].lower() in _MONTHS:
        return _iso(int(match[3]), _MONTHS[match[1].lower()], int(match[2]))
    return None


def slashed_order(text: str) -> str | None:
    """DAY_FIRST or MONTH_FIRST when the date `text` shows which comes first (dots, or a day
    over 12); None when it reads both ways (`02/03/2026`) or is no D/M/Y date."""
    value = text.strip()
    match = _SLASHED.match(value)
    if not match:
        return None
    first, second = int(match[1]), int(match[2])
    if "." in value[:6] or (first > 12 >= second):
        return DAY_FIRST
    if second > 12 >= first:
        return MONTH_FIRST
    return None


def ambiguous_date(text: str) -> bool:
    """Whether `text` is a slashed date that reads as two different days (02/03/2026; not
    05/05/2026, which reads the same both ways)."""
    value = text.strip()
    match = _SLASHED.match(value)
    if match is None:
        return False
    return slashed_order(value) is None and match[1] != match[2] and \
        parse_date(value, DAY_FIRST) is not None and parse_date(value, MONTH_FIRST) is not None


def date_order(cells: Iterable[tuple[int, str]]) -> tuple[str | None, list[str]]:
    """How a file writes its slashed dates, from its unambiguous ones: (DAY_FIRST or
    MONTH_FIRST, []) when they agree, (None, []) when none says, and (None, conflicts) when
    some are day first and others month first: each conflict names its line and value.
    `cells` are (line, text) pairs."""
    seen: dict[str, tuple[int, str]] = {}
    for line, text in cells:
        found = slashed_order(text)
        if found and found not in seen:
            seen[found] = (line, text.strip())
    if len(seen) > 1:
        day_line, day = seen[DAY_FIRST]
        month_line, month = seen[MONTH_FIRST]
        return None, [f"line {day_line}: {day!r} has the day first",
                      f"line {month_line}: {month!r} has the month first"]
    return next(iter(seen), None), []


@lru_cache(maxsize=65_536)
def _valid(iso: str) -> bool:
    try:
        datetime.strptime(iso, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def _iso(year: int, month: int, day: int) -> str | None:
    candidate = f"{year:04d}-{month:02d}-{day:02d}"
    return candidate if _valid(candidate) else None


def parse_number(text: str) -> float | None:
    """Read `1,240`, `4.2`, `6%` or `1 240` as a number; None when empty or not a number."""
    value = text.strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return float(value.translate(_NUMBER_NOISE))
    except ValueError:
        return None


class _Memo(dict):
    """A cache that reads each distinct cell once: vendors repeat the same cells endlessly."""

    def __init__(self, parse: Callable[[str], object]) -> None:
        super().__init__()
        self._parse = parse

    def __missing__(self, text: str) -> object:
        if len(self) > 50_000:  # bounded memory on columns with many distinct values
            self.clear()
        value = self[text] = self._parse(text)
        return value


def iso_date_reader() -> Callable[[str], str | None]:
    """A fast `parse_date` for columns of ISO dates with times (`2023-05-23 10:17:03`).

    Times make almost every cell distinct, so caching whole cells does not help; the date part
    is looked up in a cache of dates already checked instead.
    """
    checked: dict[str, str | None] = {}

    def read(text: str) -> str | None:
        head = text[:10]
        found = checked.get(head)
        if found is not None and text[10:11] in ("", " ", "T"):
            return found
        value = parse_date(text)
        if value is not None and value == head and len(checked) < 100_000:
            checked[head] = value
        return value

    return read


def memoized(parse: Callable[[str], object]) -> Callable[[str], object]:
    """A fast cached version of a cell parser, for `map()` over a column of cells."""
    return _Memo(parse).__getitem__


def parse_int(text: str) -> int | None:
    """Like parse_number, rounded to an integer."""
    number = parse_number(text)
    return None if number is None else round(number)
