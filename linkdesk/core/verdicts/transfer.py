"""Moving the library: CSV out and in (another machine, a colleague), and plain lists of
domains in (the client's disavow file, the auditor's own spreadsheet).

    export_csv(library, "verdicts.csv")                 one row per (domain, source)
    import_file(library, "verdicts.csv")                a library CSV: merged, newer wins
    import_file(library, "disavow.txt", verdict="disavow", reason="old audit")

A library CSV keeps the sources' ids, so the counts survive the trip (three confidential
projects stay three, and stay unnamed). Any other file is a list: a disavow file gives its
`domain:` entries of registered domains (their comment as reason; page and subdomain
entries are not verdicts on a whole domain and are skipped), a spreadsheet or text file the
cells of its domain column (the column headed domain, host, site or URL, else the first).
Every domain is checked like a typed one (`marks.domain_key`); what is skipped is reported
with its line number and why.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from linkdesk.core.cells import safe_cell, unguard_cell
from linkdesk.core.disavow.parse import parse_disavow
from linkdesk.core.files import read_at_most, write_atomically
from linkdesk.core.library.model import LIST, PROJECT, VERDICTS, LibraryError
from linkdesk.core.library.store import Library
from linkdesk.core.marks import MarksError, domain_key, now_iso
from linkdesk.core.words import counted

COLUMNS = ("domain", "verdict", "reason", "decided_at", "source_kind", "source_id",
           "source_name")
_TRIMMED = ("domain", "verdict", "decided_at", "source_kind")
_DOMAIN_HEADER = re.compile(r"domain|host|site|url|website", re.IGNORECASE)
_DISAVOW_LINE = re.compile(r"^\s*domain:", re.IGNORECASE | re.MULTILINE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?")
# A file is read whole (a list is merged in one transaction): memory is some 35 times the
# file's size (a million domains, 15 MB: 540 MB and 35 s), so the size is bounded. 16 MB is
# a million domains or more; Google takes disavow files of 2 MB at most.
MAX_IMPORT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Skipped:
    """A line of an imported file that gave no verdict."""

    line: int
    text: str
    why: str


@dataclass
class ImportReport:
    """What importing a file did."""

    file: str
    kind: str  # "library" (a library CSV) or "list"
    added: int = 0  # verdicts new to the library
    updated: int = 0  # verdicts replaced by newer ones
    unchanged: int = 0  # already held (as new, or newer)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def text(self) -> str:
        """One line for the user."""
        what = "library CSV" if self.kind == "library" else "list of domains"
        return (f"{self.file} ({what}): {counted(self.added, 'verdict')} added, "
                f"{self.updated:,} updated, {self.unchanged:,} already known, "
                f"{counted(len(self.skipped), 'line')} skipped")


def export_csv(library: Library, path: str | Path, *, bom: bool = False) -> int:
    """Write every verdict as CSV (`COLUMNS`), by domain; returns how many rows.

    Written through `write_atomically`: never half a file, never over a project or the
    library itself."""
    rows = library.db.execute(
        "SELECT v.domain, v.verdict, v.reason, v.decided_at, s.kind, s.id, s.name "
        "FROM verdicts AS v JOIN sources AS s ON s.id = v.source ORDER BY v.domain, s.id")
    count = 0
    with write_atomically(path, protect=[library.path],
                          encoding="utf-8-sig" if bom else "utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([safe_cell(value) for value in row])
            count += 1
    return count


def import_file(library: Library, path: str | Path, *, verdict: str = "disavow",
                reason: str = "", now: str | None = None) -> ImportReport:
    """Import a library CSV, or a list of domains as `verdict` with `reason`.

    Raises LibraryError when the file cannot be read or gives no domain at all (the
    library is then unchanged)."""
    path = Path(path)
    if verdict not in VERDICTS:
        raise LibraryError(f"unknown verdict {verdict!r}: one of {', '.join(VERDICTS)}")
    data = _read_bounded(path)
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise LibraryError(f"{path}: a spreadsheet workbook (Excel, LibreOffice), not text: "
                           "save the sheet as CSV and import that")
    if data.startswith(b"SQLite format 3\x00"):
        raise LibraryError(f"{path}: an SQLite file (another library, or a project), not a "
                           "list: on the machine it comes from, write it as CSV with "
                           "`linkdesk library export -o FILE.csv` and import that")
    text = _decode(data)
    now = now or now_iso()
    reason = " ".join(reason.split())
    try:
        if _is_library_csv(text):
            return _import_library(library, path, text, now)
        if _DISAVOW_LINE.search(text):
            return _import_disavow(library, path, text, verdict, reason, now)
        return _import_column(library, path, text, verdict, reason, now)
    except csv.Error as error:
        raise LibraryError(f"{path}: not a readable CSV file ({error})") from None


def _import_library(library: Library, path: Path, text: str, now: str) -> ImportReport:
    report = ImportReport(path.name, "library")
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader)]
    at = {name: header.index(name) for name in COLUMNS if name in header}
    sources: dict[str, tuple[str, str | None]] = {}
    rows: list[tuple[str, str, str, str, str]] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        # Key cells are trimmed (a hand-edited sheet); the texts read exactly as written,
        # so a library goes through its own CSV unchanged.
        cell = {name: unguard_cell(row[i]) if i < len(row) else "" for name, i in at.items()}
        cell.update({name: cell[name].strip() for name in _TRIMMED if name in cell})
        try:
            domain = domain_key(cell["domain"])
        except MarksError as error:
            report.skipped.append(Skipped(line, cell["domain"], str(error)))
            continue
        given = cell["verdict"].lower()
        if given not in VERDICTS:
            report.skipped.append(Skipped(line, cell["verdict"], "not a verdict (disavow, "
                                          "keep or review)"))
            continue
        kind = cell.get("source_kind", "").lower()
        kind = kind if kind in (PROJECT, LIST) else LIST
        source = cell.get("source_id", "") or f"{LIST}:{path.name}"
        name = cell.get("source_name", "") or (None if kind == PROJECT else path.name)
        decided = cell.get("decided_at", "")
        sources.setdefault(source, (kind, name))
        rows.append((domain, source, given, cell.get("reason", ""),
                     decided if _decided_in_time(decided, now) else now))
    return _merge(library, path, report, sources, rows)


def _import_disavow(library: Library, path: Path, text: str, verdict: str, reason: str,
                    now: str) -> ImportReport:
    report = ImportReport(path.name, "list")
    parsed = parse_disavow(text.encode("utf-8"))
    rows = []
    for entry in parsed.entries:
        if entry.kind != "domain":
            report.skipped.append(Skipped(entry.line_no, entry.text, "a page, not a domain: "
                                          "a verdict is on a whole domain"))
            continue
        try:
            domain = domain_key(entry.value)
        except MarksError as error:
            report.skipped.append(Skipped(entry.line_no, entry.text, str(error)))
            continue
        if domain != entry.value:  # as importing it into a project: marks are per domain
            report.skipped.append(Skipped(entry.line_no, entry.text, "a subdomain entry: a "
                                          f"verdict is on a whole domain ({domain})"))
            continue
        said = reason or " ".join(entry.comment.lstrip("#").split())
        rows.append((domain, verdict, said))
    for entry in parsed.invalid:
        report.skipped.append(Skipped(entry.line_no, entry.text, "not a disavow entry"))
    return _merge_list(library, path, report, rows, now)


def _import_column(library: Library, path: Path, text: str, verdict: str, reason: str,
                   now: str) -> ImportReport:
    report = ImportReport(path.name, "list")
    sample = text[:4096]
    delimiter = max(",;\t", key=sample.count) if any(c in sample for c in ",;\t") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    column = None
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if column is None:
            column = next((i for i, cell in enumerate(row) if _DOMAIN_HEADER.search(cell)
                           and _is_header(cell)), None)
            if column is not None:
                continue  # the header row
            column = 0  # no header naming the column: the first row is a domain too
        cell = unguard_cell(row[column]).strip() if column < len(row) else ""
        if not cell or cell.startswith("#"):
            continue
        try:
            rows.append((domain_key(cell), verdict, reason))
        except MarksError as error:
            report.skipped.append(Skipped(line, cell, str(error)))
    return _merge_list(library, path, report, rows, now)


def _merge_list(library: Library, path: Path, report: ImportReport,
                rows: list[tuple[str, str, str]], now: str) -> ImportReport:
    source = f"{LIST}:{path.name}"
    return _merge(library, path, report, {source: (LIST, path.name)},
                  [(domain, source, given, said, now) for domain, given, said in rows])


def _merge(library: Library, path: Path, report: ImportReport,
           sources: dict[str, tuple[str, str | None]],
           rows: list[tuple[str, str, str, str, str]]) -> ImportReport:
    if not rows:
        first = report.skipped[0] if report.skipped else None
        detail = f"; line {first.line}: {first.text[:80]!r}: {first.why}" if first else ""
        raise LibraryError(f"{path}: no domain to import{detail}")
    unique = list({(row[0], row[1]): row for row in rows}.values())  # last one wins
    report.added, report.updated = library.merge(sources, unique)
    report.unchanged = len(unique) - report.added - report.updated
    return report


def _decided_in_time(decided: str, now: str) -> bool:
    """A decision time as the library writes it (YYYY-MM-DD, or with THH:MM:SSZ), a real
    day, and not after `now`: newer wins when merging, so a file dated 9999 (or
    '2026-01-01garbage') would otherwise hold its verdicts against every later decision."""
    if not _DATE.fullmatch(decided):
        return False
    try:
        datetime.date.fromisoformat(decided[:10])
    except ValueError:
        return False
    return decided <= now


def _is_library_csv(text: str) -> bool:
    first = text.split("\n", 1)[0]
    try:
        header = {cell.strip().lower() for cell in next(csv.reader([first]))}
    except (csv.Error, StopIteration):
        return False
    return {"domain", "verdict"} <= header


def _is_header(cell: str) -> bool:
    """A cell that is a column's title rather than a domain."""
    try:
        domain_key(cell)
    except MarksError:
        return True
    return False


def _read_bounded(path: Path) -> bytes:
    """The file's bytes; LibraryError when it cannot be read or is over MAX_IMPORT_BYTES
    (never reading more than that, whatever the file claims to be)."""
    try:
        data = read_at_most(path, MAX_IMPORT_BYTES)
    except OSError as error:
        raise LibraryError(f"{path}: cannot read it ({error.strerror or error})") from None
    if data is None:
        raise LibraryError(f"{path}: over {MAX_IMPORT_BYTES // (1024 * 1024)} MB, more than a "
                           "list of verdicts holds: split it into smaller files")
    return data


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # a spreadsheet saved on Windows
