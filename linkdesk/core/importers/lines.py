"""Text lines of an export, read in bounded chunks and decoded line by line where need be.

`io.TextIOWrapper` reads a whole line before anyone can look at its length, so one enormous
line (a decompression bomb holds gigabytes of it) decides how much memory an import takes.
Here the bytes are read in chunks and cut at line ends; a line longer than `MAX_LINE_BYTES`
is never kept: it is passed over and stands as an empty line, so the line numbers of every
other line stay right, and the import reports it as a skipped row.

The encoding decision is explicit, too. A UTF-8 file stays UTF-8; a line of it that is not
valid UTF-8 (a legacy tool appended to the file) is read as Windows-1252, that line only, and
counted so the import can say so. NUL bytes in a UTF-8 or Windows-1252 file are dropped, and
counted likewise.
"""

from __future__ import annotations

import codecs
import io
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import AnyStr, BinaryIO

from linkdesk.core.importers.errors import ExportReadError

MAX_LINE_BYTES = 16 * 1024 * 1024  # as long as the longest cell `csv` accepts
MAX_RECORD_CHARS = 4 * MAX_LINE_BYTES  # a record of many lines: quoted cells with line breaks
READ_BYTES = 1 << 16  # as io.TextIOWrapper reads: larger blocks cost memory, not time
_BYTE_NEWLINES = ("utf-8", "utf-8-sig", "cp1252")


@dataclass
class LineTally:
    """How many lines had something happen to them, and the first of them."""

    count: int = 0
    lines: list[int] = field(default_factory=list)  # the first KEPT_LINES of them

    def note(self, line: int) -> None:
        """Count one line."""
        self.count += 1
        if len(self.lines) < KEPT_LINES:
            self.lines.append(line)

    def add(self, other: LineTally) -> None:
        """Fold in the tally of a later part of the same file."""
        self.count += other.count
        self.lines = (self.lines + other.lines)[:KEPT_LINES]

    def upto(self, last: int) -> LineTally:
        """The tally of lines up to `last` (exact while `last` is among the lines kept)."""
        kept = [line for line in self.lines if line <= last]
        return LineTally(len(kept), kept)

    def text(self) -> str:
        """`1 line (line 70213)`, `3 lines (first: line 12)`."""
        if self.count == 1:
            return f"1 line (line {self.lines[0]})"
        return f"{self.count:,} lines (first: line {self.lines[0]})"


KEPT_LINES = 1_000


@dataclass
class TextNotes:
    """What reading the text had to do to the file's lines, for the import's warnings."""

    not_utf8: LineTally = field(default_factory=LineTally)  # read as Windows-1252
    nul: LineTally = field(default_factory=LineTally)  # NUL bytes dropped
    overlong: list[int] = field(default_factory=list)  # longer than MAX_LINE_BYTES: passed over

    def add(self, other: TextNotes) -> None:
        """Fold in the notes of a later part of the same file."""
        self.not_utf8.add(other.not_utf8)
        self.nul.add(other.nul)
        self.overlong += other.overlong

    def upto(self, last: int) -> TextNotes:
        """The notes about lines up to `last` (the lines before a file's data, say)."""
        return TextNotes(
            self.not_utf8.upto(last), self.nul.upto(last), [n for n in self.overlong if n <= last]
        )

    def warnings(self) -> list[str]:
        """The notes in the user's words (overlong lines are reported as skipped rows)."""
        found = []
        if self.not_utf8.count:
            verb = "was" if self.not_utf8.count == 1 else "were"
            found.append(
                f"mixed encodings: {self.not_utf8.text()} {verb} not UTF-8; "
                "read as Windows-1252"
            )
        if self.nul.count:
            found.append(f"NUL bytes removed from {self.nul.text()}")
        return found


def overlong_reason() -> str:
    """Why a line longer than the limit was skipped."""
    return f"the line is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB; skipped unread"


class TextLines:
    """Iterates the lines of a binary stream as text (line ends kept, as `csv` wants them).

    `chars` counts the characters handed out so far, so a reader of rows can bound its
    batches by size as well as by count. A reader of records sets `record_end` to the last
    line of each record it completes: a record running on for more than MAX_RECORD_CHARS
    (a quoted cell whose closing quote never comes) then ends the reading with an
    ExportReadError rather than filling memory.
    """

    def __init__(
        self, stream: BinaryIO, encoding: str, first_line: int = 1, *, name: str = "",
        limit: int = MAX_LINE_BYTES,
    ) -> None:
        self.notes = TextNotes()
        self.chars = 0
        self.record_end: int | None = None  # None: nobody reads records, nothing to bound
        self._name = name
        self._stream = stream
        self._encoding = encoding
        self._line = first_line  # the number of the first line not yet handed out
        self._block_first = first_line  # the number of the first line of the latest block
        self._limit = limit
        self._lines = chain.from_iterable(
            io.StringIO(text, newline="") for text in self.text_blocks()
        )

    def __iter__(self) -> Iterator[str]:
        return self._lines

    def __next__(self) -> str:
        return next(self._lines)

    def text_blocks(self) -> Iterator[str]:
        """The text as blocks of whole lines (the last may lack its line end)."""
        if self._encoding in _BYTE_NEWLINES:
            blocks: Iterator[str] = map(self._decode, self._whole_lines(self._byte_chunks()))
        else:
            blocks = self._whole_lines(self._decoded_chunks())
        open_blocks: deque[tuple[int, int]] = deque()  # (first line, chars before) of blocks
        for text in blocks:
            if self.record_end is not None:
                open_blocks.append((self._block_first, self.chars))
                self._bound_record(open_blocks, self.record_end + 1)
            self.chars += len(text)
            yield text

    def _bound_record(self, open_blocks: deque[tuple[int, int]], start: int) -> None:
        """Raise if the record starting on line `start` has taken MAX_RECORD_CHARS already."""
        while len(open_blocks) > 1 and open_blocks[1][0] <= start:
            open_blocks.popleft()  # wholly before the record being read
        if self.chars - open_blocks[0][1] > MAX_RECORD_CHARS:
            raise ExportReadError(
                f"{self._name}: the record starting on line {start} runs on for more than "
                f"{MAX_RECORD_CHARS // (1024 * 1024)} MB (a quoted cell that never ends?); "
                "the file cannot be imported"
            )

    def _byte_chunks(self) -> Iterator[bytes]:
        read = self._stream.read
        first = read(READ_BYTES)
        if self._encoding == "utf-8-sig" and first.startswith(codecs.BOM_UTF8):
            first = first[len(codecs.BOM_UTF8) :]
        yield first
        yield from iter(lambda: read(READ_BYTES), b"")

    def _decoded_chunks(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(self._encoding)()
        read = self._stream.read
        try:
            for data in iter(lambda: read(READ_BYTES), b""):
                yield decoder.decode(data)
            yield decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            raise UnicodeDecodeError(
                error.encoding, error.object, error.start, error.end,
                f"{error.reason}, on or after line {self._line}",
            ) from None

    def _whole_lines(self, chunks: Iterator[AnyStr]) -> Iterator[AnyStr]:
        """Re-cut chunks at line ends; an overlong line becomes an empty line.

        Only the line carried over from earlier chunks can be overlong: a line inside one
        chunk is at most READ_BYTES long, well under the limit.
        """
        parts: list[AnyStr] = []  # the unfinished line
        size = 0
        skipping = False  # inside an overlong line: its text is dropped
        after_cr = False  # a line ended with \r at a chunk's end: a \n next belongs to it
        for data in chunks:
            cr, lf = ("\r", "\n") if isinstance(data, str) else (b"\r", b"\n")
            if after_cr and data.startswith(lf):
                data = data[1:]
            after_cr = False
            if not data:
                continue
            if size and parts[-1].endswith(cr) and not data.startswith(lf):
                block = data[:0].join(parts)  # that \r was a line end of its own
                parts, size = [], 0
                self._block_first = self._line
                self._line += _line_ends(block)
                yield block
            end = _first_line_end(data, cr, lf)
            length = size + (len(data) if end < 0 else end) - (size and parts[-1].endswith(cr))
            if not skipping and length > self._limit:
                self._overlong()
                parts, size, skipping = [], 0, True
            if skipping:
                if end < 0:
                    continue
                if data[end : end + 1] == cr:
                    if end == len(data) - 1:
                        after_cr = True
                    elif data[end + 1 : end + 2] == lf:
                        end += 1
                data = lf + data[end + 1 :]  # the overlong line, as an empty line
                skipping = False
            held_back = len(data) - 1 if data.endswith(cr) else len(data)  # \r of a \r\n?
            last = max(data.rfind(lf, 0, held_back), data.rfind(cr, 0, held_back))
            if last < 0:
                parts.append(data)
                size += len(data)
                continue
            block = data[: last + 1]
            if parts:
                parts.append(block)
                block = block[:0].join(parts)
            parts = [data[last + 1 :]]
            size = len(parts[0])
            self._block_first = self._line
            self._line += _line_ends(block)
            yield block
        if size:
            block = parts[0][:0].join(parts)
            self._block_first = self._line
            self._line += _line_ends(block)
            yield block

    def _overlong(self) -> None:
        self.notes.overlong.append(self._line)

    def _decode(self, block: bytes) -> str:
        first = self._block_first
        if b"\x00" in block:
            block = b"".join(map(self._drop_nuls, _numbered(block, first)))
        if self._encoding == "cp1252":
            return block.decode("cp1252", errors="replace")
        try:
            return block.decode("utf-8")
        except UnicodeDecodeError:
            return "".join(map(self._decode_line, _numbered(block, first)))

    def _decode_line(self, numbered: tuple[int, bytes]) -> str:
        number, line = numbered
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            self.notes.not_utf8.note(number)
            return line.decode("cp1252", errors="replace")

    def _drop_nuls(self, numbered: tuple[int, bytes]) -> bytes:
        number, line = numbered
        if b"\x00" not in line:
            return line
        self.notes.nul.note(number)
        return line.replace(b"\x00", b"")


def _first_line_end(data: AnyStr, cr: AnyStr, lf: AnyStr) -> int:
    ends = [i for i in (data.find(lf), data.find(cr)) if i >= 0]
    return min(ends) if ends else -1


def _line_ends(data: AnyStr) -> int:
    """Lines as `csv` counts them: \\n, \\r\\n and a lone \\r each end one."""
    cr, lf = ("\r", "\n") if isinstance(data, str) else (b"\r", b"\n")
    ends = data.count(lf)
    returns = data.count(cr)
    return ends + returns - data.count(cr + lf) if returns else ends


def _numbered(block: bytes, first: int) -> Iterator[tuple[int, bytes]]:
    # bytes.splitlines() ends lines at \n, \r\n and \r only: the same lines as `csv` sees.
    return enumerate(block.splitlines(keepends=True), first)

