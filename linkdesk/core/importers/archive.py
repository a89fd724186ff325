"""The CSVs of a ZIP: the ZIP opened once, its members known by position, unreadable ones refused.

Reading a ZIP's directory is most of the cost of opening it: a ZIP of 3,000 CSVs opened anew for
every CSV took minutes. Names need not be unique in a ZIP, so a member is its index in the
directory, never its name. Python cannot read encrypted members, nor every compression
method: such a ZIP is refused with a message before anything is read.
"""

from __future__ import annotations

import importlib.util
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from linkdesk.core.importers.errors import ExportReadError

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
MEMBERS_NAMED = 3  # in a message about a ZIP's members, name this many
_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "LZMA",
}
_OPTIONAL = {zipfile.ZIP_BZIP2: "bz2", zipfile.ZIP_LZMA: "lzma"}  # parts of Python it may lack


class ZipArchive:
    """One open ZIP, shared by its members (and by the threads reading them)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
            self._infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise ExportReadError(f"{path.name}: damaged ZIP file ({error})") from None
        # zipfile counts the readers of its file without a lock: opening and closing
        # members from two threads at once must take turns.
        self._lock = threading.Lock()

    def csv_members(self) -> list[tuple[int, str, int]]:
        """(index, name, rank among the members of that name) of each CSV, by name.

        Raises ExportReadError when there is none, or when one cannot be read.
        """
        found = sorted(
            (info.filename, index) for index, info in enumerate(self._infos)
            if not info.is_dir() and info.filename.lower().endswith(TEXT_SUFFIXES)
            and not info.filename.startswith("__MACOSX/")
        )
        if not found:
            self.close()
            raise ExportReadError(f"{self.path.name}: the ZIP file holds no CSV files")
        try:
            self._refuse_unreadable([self._infos[index] for _, index in found])
        except ExportReadError:
            self.close()
            raise
        seen: dict[str, int] = {}
        members = []
        for name, index in found:
            seen[name] = seen.get(name, 0) + 1
            members.append((index, name, seen[name]))
        return members

    def size(self, index: int) -> int:
        """The uncompressed size of a member."""
        return self._infos[index].file_size

    @contextmanager
    def open(self, index: int, name: str) -> Iterator[BinaryIO]:
        """Open a member for reading; `name` is how messages call it."""
        with self._lock:
            try:
                stream = self._zip.open(self._infos[index])
            except (NotImplementedError, RuntimeError) as error:  # a method, a password
                raise ExportReadError(f"{name}: cannot read it ({error})") from None
        try:
            yield stream  # type: ignore[misc]
        finally:
            with self._lock:
                stream.close()

    def close(self) -> None:
        """Close the ZIP (after every member is read)."""
        self._zip.close()

    def _refuse_unreadable(self, infos: list[zipfile.ZipInfo]) -> None:
        name = self.path.name
        encrypted = [info.filename for info in infos if info.flag_bits & 0x1]
        if encrypted:
            raise ExportReadError(
                f"{name}: {some_of(encrypted, 'CSV')} protected by a password; LinkDesk "
                "cannot read encrypted ZIP files: unzip it and import the CSV files"
            )
        unknown = [info for info in infos if not _method_available(info.compress_type)]
        if unknown:
            code = unknown[0].compress_type
            method = _METHODS.get(code, f"method {code}")
            raise ExportReadError(
                f"{name}: {some_of([info.filename for info in unknown], 'CSV')} compressed "
                f"with a method LinkDesk cannot read ({method}); unzip it and import the CSV "
                "files"
            )


def _method_available(method: int) -> bool:
    return method in _METHODS and (
        method not in _OPTIONAL or importlib.util.find_spec(_OPTIONAL[method]) is not None
    )


def some_of(names: list[str], kind: str) -> str:
    """A few names, and how many more: a message about 3,000 CSVs stays one line."""
    shown = ", ".join(repr(name) for name in names[:MEMBERS_NAMED])
    more = len(names) - MEMBERS_NAMED
    if more > 0:
        shown += f" and {more:,} more"
    return f"{kind} {shown} is" if len(names) == 1 else f"{kind}s {shown} are"
