"""Opening an export: compression, ZIP members, encoding and line streaming.

Nothing here knows about vendors. It turns a path into one or more `ExportMember`s, each of which
opens as a stream of text lines with byte-level progress.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from linkdesk.core.importers.archive import ZipArchive
from linkdesk.core.importers.errors import ExportReadError
from linkdesk.core.importers.lines import TextLines

SNIFF_BYTES = 65_536
Position = Callable[[], int]
_CONTROL = frozenset(range(0, 9)) | frozenset(range(14, 32)) - {0x1B}
_CONTROL_CHARS = frozenset(map(chr, _CONTROL))


MEMBER_MARK = " › "  # between a ZIP's name and its CSV's: `gsc.zip › Latest links.csv`


@dataclass(frozen=True)
class ExportMember:
    """One CSV to import: a plain or gzip file, or one CSV inside a ZIP."""

    path: Path
    member: str | None = None  # name inside the ZIP
    compressed: bool = False  # gzip
    index: int = 0  # position in the ZIP's directory: names need not be unique
    repeat: int = 1  # 2 for the second CSV of the same name in the ZIP, and so on
    archive: ZipArchive | None = field(default=None, compare=False, repr=False)

    @property
    def display_name(self) -> str:
        """How the user knows this CSV: `file.zip › Latest links.csv` or `file.csv`."""
        if not self.member:
            return self.path.name
        copy = f" (copy {self.repeat})" if self.repeat > 1 else ""
        return f"{self.path.name}{MEMBER_MARK}{self.member}{copy}"

    def size(self) -> int:
        """Total bytes progress is measured against."""
        if self.archive is not None:
            return self.archive.size(self.index)
        return self.path.stat().st_size

    @contextmanager
    def open_binary(self) -> Iterator[tuple[BinaryIO, Position]]:
        """Open the decompressed bytes, with a callable that tells bytes consumed so far.

        Errors of decompression, here or while the caller reads, become ExportReadError.
        """
        try:
            if self.archive is not None:
                with self.archive.open(self.index, self.display_name) as stream:
                    yield stream, stream.tell
                return
            with open(self.path, "rb") as raw:
                if self.compressed:
                    with gzip.GzipFile(fileobj=raw) as stream:
                        yield stream, raw.tell  # type: ignore[misc]
                else:
                    yield raw, raw.tell
        except _DAMAGED as error:
            raise ExportReadError(
                f"{self.display_name}: the file is damaged or cut short ({error})"
            ) from None


try:
    from lzma import LZMAError
except ImportError:  # a Python built without lzma
    LZMAError = EOFError  # type: ignore[misc,assignment]
_DAMAGED = (EOFError, zlib.error, zipfile.BadZipFile, gzip.BadGzipFile, LZMAError)


def list_members(path: Path) -> list[ExportMember]:
    """The CSVs a file holds: itself, its gzip content, or each CSV in a ZIP.

    The members of a ZIP share the open ZIP: `close_members()` closes it.
    """
    if not path.exists():
        raise ExportReadError(f"{path}: no such file")
    if path.is_dir():
        raise ExportReadError(f"{path}: is a folder, not an export file")
    with open(path, "rb") as raw:
        magic = raw.read(4)
    if not magic:
        raise ExportReadError(f"{path.name}: the file is empty")
    if magic.startswith(b"PK\x03\x04") or magic.startswith(b"PK\x05\x06"):
        archive = ZipArchive(path)
        return [
            ExportMember(path, name, index=index, repeat=repeat, archive=archive)
            for index, name, repeat in archive.csv_members()
        ]
    if magic.startswith(b"\x1f\x8b"):
        return [ExportMember(path, compressed=True)]
    return [ExportMember(path)]


def close_members(members: list[ExportMember]) -> None:
    """Close the ZIP the members came from, if any."""
    for archive in {id(m.archive): m.archive for m in members if m.archive}.values():
        archive.close()


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes: how an import recognises a file it has already imported."""
    digest = hashlib.sha256()
    with open(path, "rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sniff_encoding(member: ExportMember) -> str:
    """Guess the text encoding: BOM first, then UTF-16 without BOM, UTF-8, else cp1252."""
    try:
        with member.open_binary() as (stream, _):
            head = stream.read(SNIFF_BYTES)
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        raise ExportReadError(f"{member.display_name}: cannot read the file ({error})") from None
    if not head:
        raise ExportReadError(f"{member.display_name}: the file is empty")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16 is not None:
            return utf16
        if head.count(0) > len(head) // 100:
            raise ExportReadError(f"{member.display_name}: this is not a text (CSV) file")
        head = head.replace(b"\x00", b"")  # a few stray NULs: the lines reader drops them
    controls = sum(1 for byte in head[:4096] if byte in _CONTROL)
    if controls > max(8, len(head[:4096]) // 50):
        raise ExportReadError(f"{member.display_name}: this is not a text (CSV) file")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a BOM: the byte order in which the head decodes to lines of cells.

    Read in the wrong order, line ends and delimiters become letters of other scripts, so the
    order with more of them wins, whatever share of the text is ASCII.
    """
    best, best_marks = None, 0
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = codecs.getincrementaldecoder(codec)().decode(head[: len(head) // 2 * 2])
        except UnicodeDecodeError:
            continue
        if not text or sum(1 for char in text if char in _CONTROL_CHARS) > len(text) // 100:
            continue
        if "\n" not in text and "\r" not in text:
            continue
        marks = sum(text.count(mark) for mark in "\n\r\t,;")
        if marks > best_marks:
            best, best_marks = codec, marks
    return best


@contextmanager
def open_lines(
    member: ExportMember, encoding: str, first_line: int = 1
) -> Iterator[tuple[TextLines, Position]]:
    """Open a member as its text lines (line ends kept, as `csv` wants them), bounded in
    length and decoded line by line where need be (see `lines`)."""
    with member.open_binary() as (stream, position):
        yield TextLines(stream, encoding, first_line, name=member.display_name), position
