"""Opening an export: compression, ZIP members, encoding and line streaming.

Nothing here knows about vendors. It turns a path into one or more `ExportMember`s, each of which
opens as a stream of text lines with byte-level progress.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

SNIFF_BYTES = 65_536
Position = Callable[[], int]
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_CONTROL = frozenset(range(0, 9)) | frozenset(range(14, 32)) - {0x1B}


class ExportReadError(Exception):
    """The file cannot be read as an export; the message names the file and the problem."""


@dataclass(frozen=True)
class ExportMember:
    """One CSV to import: a plain or gzip file, or one CSV inside a ZIP."""

    path: Path
    member: str | None = None  # name inside the ZIP
    compressed: bool = False  # gzip

    @property
    def display_name(self) -> str:
        """How the user knows this CSV: `file.zip › Latest links.csv` or `file.csv`."""
        return f"{self.path.name} › {self.member}" if self.member else self.path.name

    def size(self) -> int:
        """Total bytes progress is measured against."""
        if self.member is not None:
            with zipfile.ZipFile(self.path) as archive:
                return archive.getinfo(self.member).file_size
        return self.path.stat().st_size

    @contextmanager
    def open_binary(self) -> Iterator[tuple[BinaryIO, Position]]:
        """Open the decompressed bytes, with a callable that tells bytes consumed so far."""
        if self.member is not None:
            with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as stream:
                yield stream, stream.tell  # type: ignore[misc]
            return
        with open(self.path, "rb") as raw:
            if self.compressed:
                with gzip.GzipFile(fileobj=raw) as stream:
                    yield stream, raw.tell  # type: ignore[misc]
            else:
                yield raw, raw.tell


def list_members(path: Path) -> list[ExportMember]:
    """The CSVs a file holds: itself, its gzip content, or each CSV in a ZIP."""
    if not path.exists():
        raise ExportReadError(f"{path}: no such file")
    if path.is_dir():
        raise ExportReadError(f"{path}: is a folder, not an export file")
    with open(path, "rb") as raw:
        magic = raw.read(4)
    if not magic:
        raise ExportReadError(f"{path.name}: the file is empty")
    if magic.startswith(b"PK\x03\x04") or magic.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = [
                    info.filename
                    for info in archive.infolist()
                    if not info.is_dir() and info.filename.lower().endswith(_TEXT_SUFFIXES)
                    and not info.filename.startswith("__MACOSX/")
                ]
        except zipfile.BadZipFile as error:
            raise ExportReadError(f"{path.name}: damaged ZIP file ({error})") from None
        if not names:
            raise ExportReadError(f"{path.name}: the ZIP file holds no CSV files")
        return [ExportMember(path, name) for name in sorted(names)]
    if magic.startswith(b"\x1f\x8b"):
        return [ExportMember(path, compressed=True)]
    return [ExportMember(path)]


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
        return _utf16_without_bom(member, head)
    controls = sum(1 for byte in head[:4096] if byte in _CONTROL)
    if controls > max(8, len(head[:4096]) // 50):
        raise ExportReadError(f"{member.display_name}: this is not a text (CSV) file")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _utf16_without_bom(member: ExportMember, head: bytes) -> str:
    sample = head[: len(head) - len(head) % 2][:4096]
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > half * 0.6 and even_zeros < half * 0.1:
        return "utf-16-le"
    if even_zeros > half * 0.6 and odd_zeros < half * 0.1:
        return "utf-16-be"
    raise ExportReadError(f"{member.display_name}: this is not a text (CSV) file")


@contextmanager
def open_lines(member: ExportMember, encoding: str) -> Iterator[tuple[Iterator[str], Position]]:
    """Open a member as an iterator of text lines (line ends kept, as `csv` wants them)."""
    errors = "replace" if encoding == "cp1252" else "strict"
    with member.open_binary() as (stream, position):
        buffered = stream if isinstance(stream, io.BufferedIOBase) else io.BufferedReader(stream)
        text = io.TextIOWrapper(buffered, encoding=encoding, errors=errors, newline="")
        text._CHUNK_SIZE = 1 << 16  # fewer, larger decodes: measurably faster on big files
        try:
            yield iter(text), position
        finally:
            text.detach()
