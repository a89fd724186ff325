"""Importing a big export on two cores: the second half of the file is staged by a second process.

Parsing CSV and normalising URLs is Python-bound, so one core is the limit of a single process.
A big plain-text export is cut in two at a record boundary; a spawned process stages the second
half into a scratch SQLite file while this process stages the first half; the scratch table is
then merged from there (in C, inside the import's transaction). Its half staged, the second
process compresses the whole file's text into another scratch file, while this process merges.

A record boundary is found without parsing: in RFC 4180 CSV a newline lies outside quotes exactly
when an even number of `"` precede it, since quotes inside quoted cells are doubled.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import resource_tracker
from pathlib import Path
from typing import Any

from linkdesk.core.importers import formats
from linkdesk.core.importers.lines import TextLines, TextNotes
from linkdesk.core.importers.original import member_chunks
from linkdesk.core.importers.reader import ExportMember
from linkdesk.core.importers.rows import RowStream, SkippedRow, cyclic_gc_paused
from linkdesk.core.importers.staging import LinkStager

_log = logging.getLogger(__name__)
MIN_BYTES = 24 * 1024 * 1024  # below this, starting a process costs more than it saves
_SINGLE_BYTE_NEWLINES = ("utf-8", "utf-8-sig", "cp1252")
_BLOCK = 8 * 1024 * 1024
PART_TABLE = "part.stage"
_TEXT_NAME = "chunks"
TEXT_TABLE = f"part_text.{_TEXT_NAME}"


@dataclass(frozen=True)
class Plan:
    """Where the halves of a file start and end (byte offsets) and the second half's first line."""

    data_start: int
    split: int
    end: int
    second_first_line: int


@dataclass(frozen=True)
class PartJob:
    """Everything the second process needs: picklable, so the format travels by name."""

    path: str
    start: int
    end: int
    first_line: int
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    format_name: str
    mapping: dict[str, str] | None
    scratch: str
    compress_text: bool = False  # then compress the whole file's text too, into:
    text_scratch: str = ""


def plan(member: ExportMember, encoding: str, header_line: int) -> Plan | None:
    """A split of the member in two halves, or None when it should be imported in one go."""
    if member.member is not None or member.compressed or encoding not in _SINGLE_BYTE_NEWLINES:
        return None
    if (os.cpu_count() or 1) < 2:
        return None
    size = member.path.stat().st_size
    if size < MIN_BYTES:
        return None
    with open(member.path, "rb") as raw:
        data_start = _offset_after_lines(raw, header_line)
        split, lines_before = _record_boundary_near(raw, data_start, (data_start + size) // 2)
    if split <= data_start or split >= size:
        return None
    return Plan(data_start, split, size, header_line + lines_before + 1)


def _offset_after_lines(raw: io.BufferedReader, lines: int) -> int:
    raw.seek(0)
    offset = 0
    for _ in range(lines):
        line = raw.readline()
        if not line:
            break
        offset += len(line)
    return offset


def _record_boundary_near(raw: io.BufferedReader, start: int, middle: int) -> tuple[int, int]:
    """The first newline at or after `middle` outside quotes, and the lines before it."""
    raw.seek(start)
    quotes = lines = 0
    position = start
    while position < middle:
        block = raw.read(min(_BLOCK, middle - position))
        if not block:
            return position, lines
        if block.endswith(b"\r"):
            block += raw.read(1)
        quotes += block.count(b'"')
        lines += _line_ends(block)
        position += len(block)
    while True:
        block = raw.read(_BLOCK)
        if not block:
            return position, lines
        cursor = 0
        while True:
            newline = block.find(b"\n", cursor)
            if newline < 0:
                break
            quotes += block.count(b'"', cursor, newline)
            lines += _line_ends(block[cursor : newline + 1])
            cursor = newline + 1
            if quotes % 2 == 0:
                return position + cursor, lines
        quotes += block.count(b'"', cursor)
        lines += _line_ends(block[cursor:])
        position += len(block)


def _line_ends(data: bytes) -> int:
    """Line ends as `csv` counts them: \\n, \\r\\n and a lone \\r."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


class _RangeReader(io.RawIOBase):
    """The bytes of a file between two offsets."""

    def __init__(self, path: str | Path, start: int, end: int) -> None:
        super().__init__()
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._file.seek(start)
        self.position = start
        self._end = end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        wanted = min(len(buffer), self._end - self.position)
        if wanted <= 0:
            return 0
        count = self._file.readinto(memoryview(buffer)[:wanted])
        self.position += count or 0
        return count or 0

    def close(self) -> None:
        self._file.close()
        super().close()


@contextmanager
def range_lines(
    path: str | Path, start: int, end: int, encoding: str, first_line: int
) -> Iterator[tuple[TextLines, _RangeReader]]:
    """Text lines of a byte range of a file (the first is line `first_line` of the file),
    and the reader (its `position` is progress)."""
    reader = _RangeReader(path, start, end)
    decoding = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        text = TextLines(reader, decoding, first_line, name=Path(path).name)  # type: ignore[arg-type]
        yield text, reader
    finally:
        reader.close()


def format_for(name: str, mapping: dict[str, str] | None) -> formats.ExportFormat:
    """Rebuild an import's format from its name and mapping (formats hold functions)."""
    if name == "generic":
        assert mapping is not None
        return formats.generic_format(mapping)
    fmt = next(f for f in formats.VENDOR_FORMATS if f.name == name)
    return formats.with_overrides(fmt, mapping) if mapping else fmt


def _stage_part(job: PartJob, results: multiprocessing.connection.Connection) -> None:
    """Second process: stage one half of the file into the scratch database."""
    started = time.perf_counter()
    try:
        db = sqlite3.connect(job.scratch, isolation_level=None)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        stager = LinkStager(format_for(job.format_name, job.mapping), job.header)
        stager.create_table(db, "stage")
        insert = stager.insert_sql("stage")
        db.execute("BEGIN")
        with cyclic_gc_paused(), range_lines(
            job.path, job.start, job.end, job.encoding, job.first_line
        ) as (lines, _):
            stream = RowStream(
                lines, job.first_line - 1, len(job.header), job.delimiter, text=lines
            )
            for batch in stream.batches():
                stager.stage(db, insert, batch, stream)
        db.execute("COMMIT")
        db.close()
        skipped = [(row.line, row.reason) for row in stream.skipped]
        results.send(("ok", stream.rows_read, skipped, lines.notes))
        _log.debug("second half staged in %.2f s", time.perf_counter() - started)
        if job.text_scratch:
            _compress_text(job)
            results.send(("text", 0, [], None))
    except Exception as error:  # reported to the importing process, which fails the import
        results.send(("error", f"{type(error).__name__}: {error}", [], None))
    finally:
        results.close()


def _compress_text(job: PartJob) -> None:
    """Second process, its half staged: compress the whole file's text into a scratch database
    (the importing process is merging rows meanwhile: a core it would leave idle)."""
    db = sqlite3.connect(job.text_scratch, isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute(f"CREATE TABLE {_TEXT_NAME} (first_line, last_line, text_z)")
    db.execute("BEGIN")
    with cyclic_gc_paused():
        for chunk in member_chunks(ExportMember(Path(job.path)), job.encoding):
            db.execute(f"INSERT INTO {_TEXT_NAME} VALUES (?, ?, ?)", chunk)
    db.execute("COMMIT")
    db.close()


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start a process without the main module: a spawned child imports it again (the CLI, or
    the app: numpy, scoring, Qt), ~25 MB and half a second it does not need to stage rows.
    A frozen app starts its children through `freeze_support()` whatever `__main__` is."""
    if getattr(sys, "frozen", False):
        yield
        return
    # Two import threads may overlap here: the first in hides the real module, the last out
    # puts it back (each restoring what it found would leave the stand-in for good).
    with _hidden_lock:
        if _hidden["depth"] == 0:
            _hidden["main"] = sys.modules["__main__"]
            sys.modules["__main__"] = types.ModuleType("__main__")
        _hidden["depth"] += 1
    try:
        yield
    finally:
        with _hidden_lock:
            _hidden["depth"] -= 1
            if _hidden["depth"] == 0:
                sys.modules["__main__"] = _hidden.pop("main")


def start_spawned(
    target: Callable[..., None], *args: Any, scratch_folder: str = ""
) -> tuple[Any, Any]:
    """Start `target(*args, sender)` in a spawned daemon process (the main module hidden);
    return the process and the receiving end of the one-way pipe whose `sender` it gets.

    The process ends as soon as this one does, however this one ends (a kill, a crash),
    deleting `scratch_folder` then (this process cannot any more); a Ctrl-C in a terminal is
    this process's to handle: it ends the child with `terminate()`."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    try:
        process = context.Process(target=_run_child, args=(target, scratch_folder, *args, sender),
                                  daemon=True)
        with _main_module_hidden(), _sigint_blocked():
            process.start()
    except BaseException:
        receiver.close()
        raise
    finally:
        sender.close()
    return process, receiver


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Block SIGINT in this thread while a child starts: the child inherits the blocked signal
    (fork and exec keep it), so a terminal's Ctrl-C, sent to the whole process group, is not a
    KeyboardInterrupt and its traceback in the child, even while it is still starting up. (The
    same is done by multiprocessing for its resource tracker.)"""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no process groups' Ctrl-C there
        yield
        return
    # Started first, if not yet running: starting it unblocks SIGINT whatever was blocked.
    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _run_child(target: Callable[..., None], scratch_folder: str, *args: Any) -> None:
    """Spawned process: run `target(*args)`, ending the moment the parent process does. A parent
    killed (SIGKILL, SIGTERM, a crash) would otherwise leave it working on for nobody (a staging
    half: tens of seconds), then failing on the closed pipe with a traceback."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent, scratch_folder), daemon=True,
                         name="linkdesk-parent-watch").start()
    target(*args)


def _exit_with(parent: Any, scratch_folder: str) -> None:
    parent.join()  # returns when the parent is gone (its end of a pipe closed)
    if scratch_folder:
        shutil.rmtree(scratch_folder, ignore_errors=True)
    os._exit(1)


_hidden_lock = threading.Lock()
_hidden: dict[str, Any] = {"depth": 0}  # threads inside _main_module_hidden, the real module


class SecondHalfFailed(Exception):
    """The second process could not stage its half (it could not start, or it crashed)."""


class SecondHalf:
    """The second process of a parallel import."""

    def __init__(self, job_without_scratch: PartJob) -> None:
        self.folder = self.scratch = self.text_scratch = ""
        self.attached = False  # the scratch database is attached as `part`
        self.text_attached = False  # the text's, as `part_text`
        self._started, self._not_started = False, ""
        try:
            self._start(job_without_scratch)
            self._started = True
        except OSError as error:  # no room for a scratch folder, no process to be had (a
            # process limit): `result` says so, and the importing process stages it all
            self._not_started = f"the second import process could not start ({error})"
            _log.warning(self._not_started)

    def _start(self, job_without_scratch: PartJob) -> None:
        self.folder = tempfile.mkdtemp(prefix="linkdesk-import-")
        self.scratch = os.path.join(self.folder, "part.db")
        compress = job_without_scratch.compress_text  # see `text_result`
        self.text_scratch = os.path.join(self.folder, "text.db") if compress else ""
        job = PartJob(**{**job_without_scratch.__dict__, "scratch": self.scratch,
                         "text_scratch": self.text_scratch})
        self._process, self._receiver = start_spawned(_stage_part, job,
                                                      scratch_folder=self.folder)

    def result(self) -> tuple[int, list[SkippedRow], TextNotes]:
        """Wait for the process; return rows read, rows skipped and what reading met.

        Raises SecondHalfFailed when the process could not do its work.
        """
        if not self._started:
            raise SecondHalfFailed(self._not_started)
        try:
            status, value, skipped, notes = self._receiver.recv()
        except EOFError:
            status, value, skipped, notes = "error", "the import process stopped", [], None
        if not self.text_scratch or status != "ok":
            self._process.join()
        if status != "ok":
            raise SecondHalfFailed(str(value))
        return int(value), [SkippedRow(line, reason) for line, reason in skipped], notes

    def text_result(self) -> bool:
        """After `result()`: wait for the file's text; whether it is in `text_scratch`
        (table TEXT_TABLE once attached). False when it could not be compressed there."""
        try:
            status = self._receiver.recv()[0]
        except EOFError:
            status = "error"
        self._process.join()
        if status != "text":
            _log.warning("the second import process could not compress the file's text")
        return status == "text"

    def stop(self) -> None:
        """End the process (a cancel or a failure of this half)."""
        if not self._started:
            return
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    def remove(self) -> None:
        """Delete the scratch databases (ending the process, should it still run)."""
        self.stop()
        if not self.folder:  # it could not be made
            return
        # The import is over (maybe committed): a folder that cannot be removed, or that is
        # gone already (a temp cleaner), is only left to the system's temp cleaning.
        shutil.rmtree(self.folder, ignore_errors=True)
        if os.path.exists(self.folder):
            _log.warning("could not remove the import's scratch folder %s", self.folder)
