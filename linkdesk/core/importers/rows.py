"""Parsed CSV rows in batches, with their line numbers, and malformed rows set aside."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

BATCH_ROWS = 10_000
csv.field_size_limit(16 * 1024 * 1024)  # long titles and contexts are legitimate


@dataclass(frozen=True)
class SkippedRow:
    """A row that could not be imported, and why."""

    line: int
    reason: str


@dataclass
class Batch:
    """Rows of the header's width, and the line each starts on."""

    lines: list[int] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    def columns(self, indices: Iterable[int]) -> dict[int, list[str]]:
        """The cells of the columns at `indices`, column by column."""
        rows = self.rows
        return {index: [row[index] for row in rows] for index in indices}

    def keep(self, wanted: list[bool]) -> Batch:
        """A batch of the rows whose flag is true."""
        return Batch(
            [line for line, ok in zip(self.lines, wanted, strict=True) if ok],
            [row for row, ok in zip(self.rows, wanted, strict=True) if ok],
        )


class RowStream:
    """Reads data rows after the header line; counts, skips and reports as it goes."""

    def __init__(
        self,
        lines: Iterator[str],
        header_line: int,
        width: int,
        delimiter: str,
        on_batch: Callable[[int], None] = lambda rows: None,
    ) -> None:
        self._reader = csv.reader(lines, delimiter=delimiter)
        self._header_line = header_line
        self._width = width
        self._on_batch = on_batch
        self.skipped: list[SkippedRow] = []
        self.rows_read = 0

    def skip(self, line: int, reason: str) -> None:
        """Set a row aside, with the reason the user will read."""
        self.skipped.append(SkippedRow(line, reason))

    def batches(self) -> Iterator[Batch]:
        """Yield batches of rows that have the header's width."""
        reader = self._reader
        width = self._width
        base = self._header_line
        consumed = 0
        batch = Batch()
        lines, rows = batch.lines, batch.rows
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                self.rows_read += 1
                self.skip(base + consumed + 1, f"unreadable CSV ({error})")
                consumed = reader.line_num
                continue
            line_no = base + consumed + 1
            consumed = reader.line_num
            if len(row) != width:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                self.rows_read += 1
                if len(row) < width or any(cell.strip() for cell in row[width:]):
                    self.skip(line_no, f"expected {width} columns, found {len(row)}")
                    continue
                row = row[:width]  # trailing empty cells: a stray delimiter at the end
            else:
                self.rows_read += 1
            lines.append(line_no)
            rows.append(row)
            if len(rows) >= BATCH_ROWS:
                yield batch
                self._on_batch(self.rows_read)
                batch = Batch()
                lines, rows = batch.lines, batch.rows
        if rows:
            yield batch
        self._on_batch(self.rows_read)
