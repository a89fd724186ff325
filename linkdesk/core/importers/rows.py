"""Parsed CSV rows in batches, with their line numbers, and malformed rows set aside."""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from linkdesk.core.importers.lines import (
    MAX_LINE_BYTES,
    TextLines,
    TextNotes,
    overlong_reason,
)

BATCH_ROWS = 5_000
BATCH_CHARS = 64 * 1024 * 1024  # long rows make fewer rows a batch: memory stays bounded
csv.field_size_limit(MAX_LINE_BYTES)  # long titles and contexts are legitimate


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while rows stream in.

    Every parsed row is a new list; with thousands alive per batch, the collector keeps walking
    them for nothing (rows hold no cycles). Measured: a third of the parsing time on 1M rows.
    Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
        text: TextLines | None = None,
    ) -> None:
        """`text`, when given, is what `lines` come from: its size bounds the batches."""
        self._reader = csv.reader(lines, delimiter=delimiter)
        self._text = text
        self._header_line = header_line
        self._width = width
        self._on_batch = on_batch
        self.skipped: list[SkippedRow] = []
        self.rows_read = 0

    def skip(self, line: int, reason: str) -> None:
        """Set a row aside, with the reason the user will read."""
        self.skipped.append(SkippedRow(line, reason))

    def text_notes(self) -> TextNotes:
        """What reading the text met (mixed encodings, NUL bytes, overlong lines)."""
        return self._text.notes if self._text else TextNotes()

    def _skip_overlong(self) -> None:
        """Count the lines the text reader passed over for their length as skipped rows."""
        for line in self._text.notes.overlong if self._text else []:
            if line > self._header_line:
                self.rows_read += 1
                self.skip(line, overlong_reason())

    def batches(self) -> Iterator[Batch]:
        """Yield batches of rows that have the header's width."""
        reader = self._reader
        width = self._width
        previous_end = self._header_line  # the line the previous record ended on
        batch = Batch()
        lines, rows = batch.lines, batch.rows
        text = self._text or TextLines(io.BytesIO(), "utf-8")  # (a plain iterable: no sizes)
        text.record_end = previous_end
        chars_at_end = text.chars + BATCH_CHARS
        while True:
            try:
                for row in reader:  # the hot loop of every import: keep it lean
                    if len(row) == width:
                        lines.append(previous_end + 1)
                        rows.append(row)
                        previous_end = text.record_end = self._header_line + reader.line_num
                        if len(rows) >= BATCH_ROWS or text.chars > chars_at_end:
                            yield batch
                            self.rows_read += len(rows)
                            self._on_batch(self.rows_read)
                            batch = Batch()
                            lines, rows = batch.lines, batch.rows
                            chars_at_end = text.chars + BATCH_CHARS
                        continue
                    start = previous_end + 1
                    previous_end = text.record_end = self._header_line + reader.line_num
                    self._odd_row(row, start, lines, rows)
                break
            except csv.Error as error:
                self.rows_read += 1
                self.skip(previous_end + 1, f"unreadable CSV ({error})")
                previous_end = text.record_end = self._header_line + reader.line_num
        if rows:
            yield batch
            self.rows_read += len(rows)
        self._skip_overlong()
        self._on_batch(self.rows_read)

    def _odd_row(self, row: list[str], line: int, lines: list[int], rows: list[list[str]]) -> None:
        """A row of another width: blank, padded with empty cells, or malformed."""
        if not row or (len(row) == 1 and not row[0].strip()):
            return  # a blank line
        if len(row) < self._width or any(cell.strip() for cell in row[self._width :]):
            self.rows_read += 1
            self.skip(line, f"expected {self._width} columns, found {len(row)}")
            return
        lines.append(line)
        rows.append(row[: self._width])  # trailing empty cells: a stray delimiter at the end
