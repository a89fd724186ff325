"""Keeping the imported file's own text inside the project, and reading rows back from it.

Every original column of every row stays in the project, including the columns LinkDesk does
not understand: the text of the file is stored zlib-compressed in chunks of whole lines, each
chunk labelled with its line numbers. Measured on a 1M-row Ahrefs export, this costs almost
nothing on the import path (a second thread reads and compresses while the main thread parses;
zlib releases the GIL), where a JSON or joined-cells column per row added 3–4 s. A big file
staged in two halves has its text compressed by the second process instead, once its half is
staged, while the importing process merges the rows (`member_chunks`, parallel.py).
"""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator

from linkdesk.core.importers.reader import ExportMember, open_lines

# 1M characters: each chunk is joined, encoded and compressed in memory (three copies); 4M
# held ~22 MB more at the peak of a 1M-row import for the same CPU (zlib's window is 32 KB, so
# the size barely changes the ratio).
CHUNK_CHARS = 1024 * 1024
# The thread is faster than parsing: without a bound it read ahead and kept tens of MB of
# compressed text waiting for the next drain (e.g. while the file is recognised and split).
MAX_PENDING = 8
# Measured on the 1M-row Ahrefs export (305 MB; CPU of compressing it, size compressed):
# level 1 1.7 s, 59 MB; 3 2.3 s, 52 MB; 4 2.7 s, 49 MB; 6 5.1 s, 43 MB. Level 4 is the knee
# (issue 21, a project <= 1.5x its CSVs): 10 MB less for 1 s of a core that parsing shares
# (a big import keeps both cores busy); level 6 would cost 2.4 s more for 6 MB.
_LEVEL = 4


def _line_count(data: bytes) -> int:
    """Lines as `io.TextIOWrapper(newline='')` and `csv` count them: \\n, \\r\\n and \\r end one."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


class OriginalTextCompressor:
    """Reads a member a second time in a background thread and compresses it in chunks."""

    def __init__(self, member: ExportMember, encoding: str) -> None:
        self.chunks: list[tuple[int, int, bytes]] = []
        self._member = member
        self._encoding = encoding
        self._stop = threading.Event()
        self._ready = threading.Condition()
        self._finished = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="linkdesk-original", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            # The same text the rows are parsed from: lines of a UTF-8 file that were read as
            # Windows-1252 are kept as they were read, overlong lines as empty lines.
            with open_lines(self._member, self._encoding) as (lines, _):
                self._compress(lines.text_blocks())
        except BaseException as error:  # reported to the importing thread by result()
            self._error = error
        finally:
            with self._ready:
                self._finished = True
                self._ready.notify_all()

    def _compress(self, blocks: Iterator[str]) -> None:
        for chunk in compressed_chunks(blocks):
            if self._stop.is_set():
                return
            with self._ready:
                self.chunks.append(chunk)
                self._ready.notify_all()
                # Wait for a drain rather than read further ahead (cancel() wakes it too).
                self._ready.wait_for(
                    lambda: len(self.chunks) < MAX_PENDING or self._stop.is_set()
                )

    def drain(self) -> list[tuple[int, int, bytes]]:
        """Take the chunks compressed so far (so they need not wait in memory)."""
        with self._ready:
            ready, self.chunks = self.chunks, []
            self._ready.notify_all()
        return ready

    def cancel(self) -> None:
        """Stop early (the import failed or was cancelled)."""
        with self._ready:
            self._stop.set()
            self._ready.notify_all()
        self._thread.join()

    def result(self) -> list[tuple[int, int, bytes]]:
        """Wait for the thread; return (first line, last line, compressed text) chunks."""
        collected: list[tuple[int, int, bytes]] = []
        with self._ready:
            while True:
                collected += self.chunks
                self.chunks = []
                self._ready.notify_all()
                if self._finished:
                    break
                self._ready.wait()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return collected


def compressed_chunks(blocks: Iterable[str]) -> Iterator[tuple[int, int, bytes]]:
    """(first line, last line, compressed text) chunks of the text's blocks of whole lines."""
    first_line = 1
    pending: list[str] = []  # whole lines, but for the file's last one
    size = 0
    for block in blocks:
        pending.append(block)
        size += len(block)
        if size >= CHUNK_CHARS:
            chunk = _chunk("".join(pending), first_line)
            yield chunk
            first_line = chunk[1] + 1
            pending, size = [], 0
    if pending:
        yield _chunk("".join(pending), first_line, trailing=True)


def _chunk(piece: str, first_line: int, *, trailing: bool = False) -> tuple[int, int, bytes]:
    data = piece.encode("utf-8")
    count = _line_count(data)
    if trailing and not data.endswith((b"\n", b"\r")):
        count += 1
    return first_line, first_line + max(count, 1) - 1, zlib.compress(data, _LEVEL)


def member_chunks(member: ExportMember, encoding: str) -> Iterator[tuple[int, int, bytes]]:
    """The compressed chunks of a member's text, read here (not in a thread)."""
    with open_lines(member, encoding) as (lines, _):
        yield from compressed_chunks(lines.text_blocks())


def store_chunks(
    db: sqlite3.Connection, import_id: int, chunks: list[tuple[int, int, bytes]]
) -> None:
    """Write an import's compressed text chunks."""
    db.executemany(
        "INSERT INTO import_chunks VALUES (?, ?, ?, ?)",
        ((import_id, first, last, blob) for first, last, blob in chunks),
    )


def original_row(db: sqlite3.Connection, import_id: int, line_no: int) -> dict[str, str]:
    """The row that starts at `line_no` of an import, as {original column name: cell}."""
    import json

    header = db.execute(
        "SELECT columns, delimiter FROM imports WHERE id = ?", (import_id,)
    ).fetchone()
    if header is None:
        raise KeyError(f"no import {import_id}")
    columns, delimiter = json.loads(header[0]), header[1]
    chunks = db.execute(
        "SELECT first_line, text_z FROM import_chunks WHERE import_id = ? AND last_line >= ? "
        "ORDER BY first_line",
        (import_id, line_no),
    )
    text_lines: list[str] = []
    for first_line, blob in chunks:
        lines = io.StringIO(zlib.decompress(blob).decode("utf-8"), newline="").readlines()
        text_lines.extend(lines[max(line_no - first_line, 0) :])
        try:
            cells = next(csv.reader(iter(text_lines), delimiter=delimiter))
        except (StopIteration, csv.Error):
            continue  # the record goes on in the next chunk
        if _complete(text_lines, delimiter):
            return dict(zip(columns, cells, strict=False))
    raise KeyError(f"import {import_id} has no line {line_no}")


def _complete(lines: list[str], delimiter: str) -> bool:
    """True when the first record of `lines` ends before the lines run out."""
    reader = csv.reader(iter(lines), delimiter=delimiter)
    try:
        next(reader)
    except (StopIteration, csv.Error):
        return False
    return reader.line_num < len(lines) or lines[-1].endswith(("\n", "\r"))
