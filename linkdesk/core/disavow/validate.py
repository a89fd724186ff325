"""Checking a disavow file against Google's rules, every problem with its line number.

    report = validate_disavow(path.read_bytes())
    report.rejected         # True: Google would reject the file (any error)
    report.errors, report.warnings

Errors: a BOM, bytes that are not UTF-8, a NUL byte, too many lines or bytes, a line that is
neither a comment, a URL nor a valid `domain:` entry. Warnings: duplicates, entries another
entry covers already, non-ASCII domains, `Domain:` spelt in capitals.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from linkdesk.core import urls
from linkdesk.core.disavow.syntax import MAX_BYTES, MAX_LINES, Line, read_line

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Problem:
    """One problem: its line (1-based; 0 for the file as a whole), severity and message."""

    line: int
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class ValidationReport:
    """Every problem of one file, in line order."""

    lines: int = 0
    entries: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Problems Google may reject the file for."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems worth fixing that do not make the file invalid."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def rejected(self) -> bool:
        """Whether Google would reject the file."""
        return bool(self.errors)


def split_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes without the line end) of every line; LF, CRLF or CR ends."""
    text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if text.endswith(b"\n"):
        text = text[:-1]
    if not text:
        return
    yield from enumerate(text.split(b"\n"), start=1)


def validate_disavow(data: bytes) -> ValidationReport:
    """Check a disavow file's bytes against Google's rules."""
    report = ValidationReport()
    add = report.problems.append
    recoded = from_utf16(data)
    if recoded is not None:
        add(Problem(1, "error", "the file is UTF-16 (\"Unicode\" in Notepad); save it as "
                                "UTF-8"))
        data = recoded
    elif data.startswith(BOM):
        add(Problem(1, "error", "the file starts with a byte order mark (BOM); save it as "
                                "UTF-8 without BOM"))
        data = data[len(BOM):]
    if len(data) > MAX_BYTES:
        add(Problem(0, "error", f"the file is {len(data):,} bytes; Google accepts at most "
                                f"{MAX_BYTES:,} (2 MB)"))
    domains: dict[str, int] = {}
    seen_urls: dict[str, int] = {}
    pending_urls: list[tuple[int, str]] = []
    for number, raw in split_lines(data):
        report.lines = number
        if number == MAX_LINES + 1:
            add(Problem(number, "error", f"more than {MAX_LINES:,} lines (blank and comment "
                                         "lines count)"))
        if b"\x00" in raw:
            add(Problem(number, "error", "a NUL byte: this is not a text file"))
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            add(Problem(number, "error", f"not UTF-8 (byte 0x{raw[error.start]:02x} at column "
                                         f"{error.start + 1}); save the file as UTF-8"))
            continue
        line = read_line(text)
        _check_line(report, number, line, domains, seen_urls, pending_urls)
    # A URL is covered by a domain: entry anywhere in the file (Google applies the whole file).
    for number, value in pending_urls:
        covering = covering_domain(value, domains)
        if covering is not None:
            add(Problem(number, "warning", f"already covered by domain:{covering} on line "
                                           f"{domains[covering]}"))
    for domain, number in domains.items():
        parent = _parent_entry(domain, domains)
        if parent is not None:
            add(Problem(number, "warning", f"already covered by domain:{parent} on line "
                                           f"{domains[parent]}"))
    report.problems.sort(key=lambda p: p.line)
    return report


def from_utf16(data: bytes) -> bytes | None:
    """A UTF-16 file (with its BOM) as UTF-8 bytes; None if it is not UTF-16."""
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        return data.decode("utf-16").encode("utf-8")
    except UnicodeDecodeError:
        return None


def validate_file(path: str | Path) -> ValidationReport:
    """Check a disavow file on disk (its name must end in .txt)."""
    path = Path(path)
    report = validate_disavow(path.read_bytes())
    if path.suffix.lower() != ".txt":
        report.problems.insert(0, Problem(0, "error", f"Google accepts only .txt files, not "
                                                      f"{path.name}"))
    return report


def covering_domain(url: str, domains: dict[str, int] | set[str]) -> str | None:
    """The domain entry among `domains` that covers this normalised URL's host, if any."""
    normalized = urls.normalize_url(url)
    if normalized is None:
        return None
    return host_covered_by(normalized[1], domains)


def host_covered_by(host: str, domains: Container[str]) -> str | None:
    """The entry among `domains` equal to `host` or a parent of it, if any."""
    parts = host.split(".")
    for start in range(len(parts) - 1):
        candidate = ".".join(parts[start:])
        if candidate in domains:
            return candidate
    return None


def _parent_entry(domain: str, domains: dict[str, int]) -> str | None:
    parts = domain.split(".")
    for start in range(1, len(parts) - 1):
        candidate = ".".join(parts[start:])
        if candidate in domains:
            return candidate
    return None


def _check_line(report: ValidationReport, number: int, line: Line, domains: dict[str, int],
                seen_urls: dict[str, int], pending_urls: list[tuple[int, str]]) -> None:
    add = report.problems.append
    if line.kind == "invalid":
        add(Problem(number, "error", line.error))
    for warning in line.warnings:
        add(Problem(number, "warning", warning))
    if not line.is_entry:
        return
    report.entries += 1
    seen = domains if line.kind == "domain" else seen_urls
    if line.value in seen:
        add(Problem(number, "warning", f"duplicate of line {seen[line.value]}"))
        return
    seen[line.value] = number
    if line.kind == "url":
        pending_urls.append((number, line.value))
