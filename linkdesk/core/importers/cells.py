"""Turning columns of raw cells into typed field values, a batch at a time.

Conversion runs column by column with `map()` over memoized parsers: vendors repeat the same
cells (`true`, `30`, `2024-05-01`) endlessly, so most cells cost one dictionary lookup. Measured
on 1M rows this is several times faster than converting in SQL with CASE expressions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from linkdesk.core.fields import FIELDS, Kind
from linkdesk.core.importers.formats import Column, Derived, ExportFormat
from linkdesk.core.values import (
    iso_date_reader,
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


@dataclass(frozen=True)
class FieldReader:
    """Reads one field from the cells of the columns at `indices`."""

    field: str
    indices: tuple[int, ...]
    column: str  # the header name it reads (the first one, for derived fields)
    convert: Callable[..., object] | None  # None: the cell text as it is

    def read(self, columns: Mapping[int, Sequence[str]]) -> Sequence[object]:
        """Convert this field for a batch, given the batch's cells column by column."""
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
            convert = (
                iso_date_reader() if kind is Kind.DATE else memoized(parser) if parser else None
            )
            readers.append(FieldReader(name, (position[present],), present, convert))
        elif isinstance(spec, Derived) and all(column in position for column in spec.columns):
            indices = tuple(position[column] for column in spec.columns)
            readers.append(FieldReader(name, indices, spec.columns[0], spec.compute))
    return readers
