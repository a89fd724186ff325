"""Opening an export: compression, ZIP members, encoding and line streaming.

Nothing here knows about vendors. It turns a path into one or more `ExportMember`s, each of which
opens as a stream of text lines with byte-level progress.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import importlib.util
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from linkdesk.core.importers.lines import TextLines

SNIFF_BYTES = 65_536
Position = Callable[[], int]
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_CONTROL = frozenset(range(0, 9)) | frozenset(range(14, 32)) - {0x1B}
_CONTROL_CHARS = frozenset(map(chr, _CONTROL))


class ExportReadError(Exception):
    """The file cannot be read as an export; the message names the file and the problem."""


@dataclass(frozen=True)
class ExportMember:
    """One CSV to import: a plain or gzip file, or one CSV inside a ZIP."""

    path: Path
    member: str | None = None  # name inside the ZIP
    compressed: bool = False  # gzip
    index: int = 0  # position in the ZIP's directory: names need not be unique
    repeat: int = 1  # 2 for the second CSV of the same name in the ZIP, and so on

    @property
    def display_name(self) -> str:
        """How the user knows this CSV: `file.zip › Latest links.csv` or `file.csv`."""
        if not self.member:
            return self.path.name
        copy = f" (copy {self.repeat})" if self.repeat > 1 else ""
        return f"{self.path.name} › {self.member}{copy}"

    def size(self) -> int:
        """Total bytes progress is measured against."""
        if self.member is not None:
            with zipfile.ZipFile(self.path) as archive:
                return archive.infolist()[self.index].file_size
        return self.path.stat().st_size

    @contextmanager
    def open_binary(self) -> Iterator[tuple[BinaryIO, Position]]:
        """Open the decompressed bytes, with a callable that tells bytes consumed so far.

        Errors of decompression, here or while the caller reads, become ExportReadError.
        """
        try:
            if self.member is not None:
                with zipfile.ZipFile(self.path) as archive, self._open_member(archive) as stream:
                    yield stream, stream.tell  # type: ignore[misc]
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

    def _open_member(self, archive: zipfile.ZipFile) -> BinaryIO:
        try:
            return archive.open(archive.infolist()[self.index])  # type: ignore[return-value]
        except (NotImplementedError, RuntimeError) as error:  # a method, a password
            raise ExportReadError(f"{self.display_name}: cannot read it ({error})") from None


try:
    from lzma import LZMAError
except ImportError:  # a Python built without lzma
    LZMAError = EOFError  # type: ignore[misc,assignment]
_DAMAGED = (EOFError, zlib.error, zipfile.BadZipFile, gzip.BadGzipFile, LZMAError)
_ZIP_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "LZMA",
}
MEMBERS_NAMED = 3  # in a message about a ZIP's members, name this many


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
        return _zip_members(path)
    if magic.startswith(b"\x1f\x8b"):
        return [ExportMember(path, compressed=True)]
    return [ExportMember(path)]


def _zip_members(path: Path) -> list[ExportMember]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [
                (index, info) for index, info in enumerate(archive.infolist())
                if not info.is_dir() and info.filename.lower().endswith(_TEXT_SUFFIXES)
                and not info.filename.startswith("__MACOSX/")
            ]
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ExportReadError(f"{path.name}: damaged ZIP file ({error})") from None
    if not infos:
        raise ExportReadError(f"{path.name}: the ZIP file holds no CSV files")
    _refuse_unreadable(path, [info for _, info in infos])
    infos.sort(key=lambda item: (item[1].filename, item[0]))
    seen: dict[str, int] = {}
    members = []
    for index, info in infos:
        seen[info.filename] = seen.get(info.filename, 0) + 1
        members.append(ExportMember(path, info.filename, index=index, repeat=seen[info.filename]))
    return members


def _refuse_unreadable(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a ZIP whose CSVs are encrypted or compressed in a way Python cannot undo."""
    encrypted = [info.filename for info in infos if info.flag_bits & 0x1]
    if encrypted:
        raise ExportReadError(
            f"{path.name}: {some_of(encrypted, 'CSV')} protected by a password; "
            "LinkDesk cannot read encrypted ZIP files: unzip it and import the CSV files"
        )
    unknown = [info for info in infos if not _method_available(info.compress_type)]
    if unknown:
        method = _ZIP_METHODS.get(unknown[0].compress_type, f"method {unknown[0].compress_type}")
        raise ExportReadError(
            f"{path.name}: {some_of([i.filename for i in unknown], 'CSV')} compressed with "
            f"a method LinkDesk cannot read ({method}); unzip it and import the CSV files"
        )


def _method_available(method: int) -> bool:
    needs = {zipfile.ZIP_BZIP2: "bz2", zipfile.ZIP_LZMA: "lzma"}  # optional parts of Python
    return method in _ZIP_METHODS and (
        method not in needs or importlib.util.find_spec(needs[method]) is not None
    )


def some_of(names: list[str], kind: str) -> str:
    """A few names, and how many more: a message about 3,000 CSVs stays one line."""
    shown = ", ".join(repr(name) for name in names[:MEMBERS_NAMED])
    more = len(names) - MEMBERS_NAMED
    if more > 0:
        shown += f" and {more:,} more"
    return f"{kind} {shown} is" if len(names) == 1 else f"{kind}s {shown} are"


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
    """UTF-16 without a BOM: the byte order whose text decodes and reads most like a CSV."""
    best, best_ascii = None, 0.3  # a CSV of links is at least this much ASCII
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = codecs.getincrementaldecoder(codec)().decode(head[: len(head) // 2 * 2])
        except UnicodeDecodeError:
            continue
        if not text or sum(1 for char in text if char in _CONTROL_CHARS) > len(text) // 100:
            continue
        ascii_share = sum(1 for char in text if " " <= char <= "~") / len(text)
        if ascii_share > best_ascii:
            best, best_ascii = codec, ascii_share
    return best


@contextmanager
def open_lines(
    member: ExportMember, encoding: str, first_line: int = 1
) -> Iterator[tuple[TextLines, Position]]:
    """Open a member as its text lines (line ends kept, as `csv` wants them), bounded in
    length and decoded line by line where need be (see `lines`)."""
    with member.open_binary() as (stream, position):
        yield TextLines(stream, encoding, first_line), position
