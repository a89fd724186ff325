"""Finding the header row and recognising which export a file is.

Vendors are recognised by their column names; Search Console files, whose headers are translated
into the user's language, by their content (a column of URLs beside a column of dates, or sites
beside counts). The header may follow preamble lines (Moz), so the first lines are all tried.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from enum import Enum

from linkdesk.core.importers.formats import VENDOR_FORMATS, ExportFormat
from linkdesk.core.values import parse_date, parse_int

HEAD_LINES = 64
DELIMITERS = (",", "\t", ";")
_URL = re.compile(r"^\s*https?://\S", re.IGNORECASE)
_DOMAIN = re.compile(r"^\s*(?!https?://)[\w.-]+\.[\w-]{2,}\s*$", re.UNICODE)
_MIN_SAMPLE = 1


class GoogleReport(Enum):
    """The Search Console Links reports LinkDesk reads (or recognises to refuse)."""

    LATEST_LINKS = "gsc-latest-links"  # Linking page, Last crawled
    SAMPLE_LINKS = "gsc-sample-links"  # Linking page
    TOP_LINKING_SITES = "gsc-top-linking-sites"  # Site, Linking pages, Target pages
    TOP_LINKED_PAGES = "gsc-top-linked-pages"  # Target page, Incoming links, Linking sites


@dataclass(frozen=True)
class Detected:
    """Where the header is and what the file is."""

    header_index: int  # 0-based index of the header among the lines read
    delimiter: str
    columns: tuple[str, ...]  # header names as written (BOM and spaces stripped)
    export_format: ExportFormat | None = None
    google_report: GoogleReport | None = None

    @property
    def lowered(self) -> tuple[str, ...]:
        """Header names, lower-cased: what format specs are written against."""
        return tuple(name.lower() for name in self.columns)


def split_line(line: str, delimiter: str) -> list[str]:
    """Split one CSV line, honouring quotes."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def header_names(cells: list[str]) -> tuple[str, ...]:
    """Clean header cells: strip spaces, quotes and a stray BOM."""
    return tuple(cell.replace("\ufeff", "").strip() for cell in cells)


def detect(
    lines: list[str],
    candidates: tuple[ExportFormat, ...] = VENDOR_FORMATS,
    *,
    allow_google: bool = True,
) -> Detected | None:
    """Recognise the export from its first lines; None when nothing fits."""
    for index, line in enumerate(lines[:HEAD_LINES]):
        if not line.strip():
            continue
        for delimiter in _delimiters_by_count(line):
            names = header_names(split_line(line, delimiter))
            if len(names) < 2:
                continue
            lowered = {name.lower() for name in names}
            for export_format in candidates:
                if export_format.matches(lowered):
                    return Detected(index, delimiter, names, export_format=export_format)
    if allow_google:
        return detect_google(lines)
    return None


def _delimiters_by_count(line: str) -> list[str]:
    present = [d for d in DELIMITERS if d in line]
    return sorted(present, key=line.count, reverse=True)


def detect_google(lines: list[str]) -> Detected | None:
    """Recognise a Search Console Links report by its content, in any interface language."""
    for index, line in enumerate(lines[:HEAD_LINES]):
        if not line.strip():
            continue
        delimiters = _delimiters_by_count(line) or [","]
        for delimiter in delimiters:
            names = header_names(split_line(line, delimiter))
            if not names or any(_URL.match(name) for name in names):
                continue
            rows = [
                split_line(data, delimiter)
                for data in lines[index + 1 : index + 1 + 20]
                if data.strip()
            ]
            report = _google_shape(len(names), rows)
            if report is not None:
                return Detected(index, delimiter, names, google_report=report)
        break  # Search Console files start with their header: no preamble to look past
    return None


def _google_shape(width: int, rows: list[list[str]]) -> GoogleReport | None:
    if len(rows) < _MIN_SAMPLE or any(len(row) != width for row in rows):
        return None
    first = [row[0] for row in rows]
    if width == 1 and all(_URL.match(cell) for cell in first):
        return GoogleReport.SAMPLE_LINKS
    if width == 2 and all(_URL.match(cell) for cell in first):
        if all(parse_date(row[1]) is not None for row in rows):
            return GoogleReport.LATEST_LINKS
        return None
    if width == 3 and all(_is_count(row[1]) and _is_count(row[2]) for row in rows):
        if all(_URL.match(cell) for cell in first):
            return GoogleReport.TOP_LINKED_PAGES
        if all(_DOMAIN.match(cell) for cell in first):
            return GoogleReport.TOP_LINKING_SITES
    return None


def _is_count(cell: str) -> bool:
    return parse_count(cell) is not None


def parse_count(cell: str) -> int | None:
    """A count as Search Console writes it in any locale: `1234`, `1,234`, `1.234`, `1 234`."""
    text = cell.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if re.fullmatch(r"\d{1,3}([.,' ]\d{3})+", text):
        return int(re.sub(r"\D", "", text))
    return parse_int(text) if re.fullmatch(r"\d+", text) else None
