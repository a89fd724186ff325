"""Turning columns of raw cells into typed field values, a batch at a time.

Conversion runs column by column with `map()` over memoized parsers: vendors repeat the same
cells (`true`, `30`, `2024-05-01`) endlessly, so most cells cost one dictionary lookup. Measured
on 1M rows this is several times faster than converting in SQL with CASE expressions. A whole
column is converted in C where it can be (`map` of built-ins and dictionary lookups); Python
runs per cell only for the cells not seen before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter

from linkdesk.core.fields import FIELDS, Kind
from linkdesk.core.importers.formats import Column, Derived, ExportFormat
from linkdesk.core.values import (
    memoized,
    parse_bool,
    parse_date,
    parse_flag,
    parse_number,
    parse_rel,
)

_PARSERS: dict[Kind, Callable[[str], object]] = {
    Kind.BOOL: parse_bool,
    Kind.FLAG: parse_flag,
    Kind.REL: parse_rel,
    Kind.DATE: parse_date,
    Kind.NUMBER: parse_number,
}
ColumnConverter = Callable[[Sequence[str]], Sequence[object]]


@dataclass(frozen=True)
class FieldReader:
    """Reads one field from the cells of the columns at `indices`."""

    field: str
    indices: tuple[int, ...]
    column: str  # the header name it reads (the first one, for derived fields)
    convert: Callable[..., object] | None  # None: the cell text as it is
    convert_column: ColumnConverter | None = None  # a whole column at once (one-column fields)

    def read(self, columns: Mapping[int, Sequence[str]]) -> Sequence[object]:
        """Convert this field for a batch, given the batch's cells column by column."""
        if self.convert_column is not None:
            return self.convert_column(columns[self.indices[0]])
        if self.convert is None:
            return columns[self.indices[0]]
        return list(map(self.convert, *(columns[index] for index in self.indices)))


def field_readers(fmt: ExportFormat, header: Sequence[str]) -> list[FieldReader]:
    """The readers of every field of `fmt` whose columns the (lower-cased) header has."""
    position = {name: index for index, name in reversed(list(enumerate(header)))}
    readers = []
    for name, spec in fmt.fields.items():
        if isinstance(spec, Column):
            present = next((column for column in spec.names if column in position), None)
            if present is None:
                continue
            kind = spec.kind or FIELDS[name][0]
            parser = _PARSERS.get(kind)
            if kind is Kind.DATE:
                readers.append(
                    FieldReader(name, (position[present],), present, None, date_column_reader())
                )
                continue
            convert = memoized(parser) if parser else None
            readers.append(FieldReader(name, (position[present],), present, convert))
        elif isinstance(spec, Derived) and all(column in position for column in spec.columns):
            indices = tuple(position[column] for column in spec.columns)
            # A function of one cell (`type` is `image`) is memoized like a parser.
            compute = memoized(spec.compute) if len(indices) == 1 else spec.compute
            readers.append(
                FieldReader(name, indices, spec.columns[0], compute, spec.compute_column)
            )
    return readers


_HEAD = itemgetter(slice(None, 10))  # the date part of `2023-05-23 10:17:03`
_AFTER_HEAD = itemgetter(slice(10, 11))
_DATE_ENDS = frozenset(("", " ", "T"))  # what may follow a date whose time is dropped
_UNCHECKED = object()
_MAX_DATES = 100_000


def date_column_reader() -> ColumnConverter:
    """Converts a column of dates as `parse_date` does cell by cell, without Python per cell
    when every cell is empty or an ISO date (with or without a time) seen before.

    Times make almost every cell distinct, so caching whole cells does not help; the date part
    is looked up in a cache of dates already checked instead. A cell `YYYY-MM-DD` followed by
    nothing, a space or `T` reads as its first ten characters whenever they are a valid date.
    """
    checked: dict[str, str | None] = {"": None}  # date part -> its ISO date

    def read_column(cells: Sequence[str]) -> Sequence[object]:
        heads = list(map(_HEAD, cells))
        found = list(map(checked.get, heads, repeat(_UNCHECKED)))
        if _UNCHECKED in found:  # dates not seen before: check each once
            for head in set(heads).difference(checked):
                if parse_date(head) == head and len(checked) < _MAX_DATES:
                    checked[head] = head
            found = list(map(checked.get, heads, repeat(_UNCHECKED)))
        if _UNCHECKED in found or not set(map(_AFTER_HEAD, cells)) <= _DATE_ENDS:
            for index, cell in enumerate(cells):  # other forms of date: cell by cell
                if found[index] is _UNCHECKED or cell[10:11] not in _DATE_ENDS:
                    found[index] = parse_date(cell)
        return found

    return read_column
