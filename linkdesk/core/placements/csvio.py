"""Placements from CSV: a file, or rows pasted from a spreadsheet, with a column mapping.

Import reads a header and rows; each field (`PlacementInput.names()`) comes from the column
of that name, or from the column `--map FIELD=COLUMN` names. A mapping given once is
remembered for files with the same header (setting `placement_mappings`, keyed by the
lowered header, as the importers remember theirs). Every row is checked before anything is
written: one bad row and the file is refused, with each bad row's line and problem; a good
file is added in one transaction. A row that repeats a placement (same page, or host, and
target as one stored or earlier in the file) is skipped and reported.

Export is core/exports/placements.py (the one CSV writer over the Placements table).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from linkdesk.core.cells import unguard_cell
from linkdesk.core.files import read_at_most
from linkdesk.core.placements.model import (
    Placement,
    PlacementError,
    PlacementInput,
    parse_placement,
)
from linkdesk.core.placements.store import PlacementChange, apply_change, plan_add
from linkdesk.core.store import atomic, settings
from linkdesk.core.store.settings import Key
from linkdesk.core.text import clip
from linkdesk.core.values import date_order

if TYPE_CHECKING:
    from _csv import Reader

FIELDS = PlacementInput.names()
REQUIRED = ("source_url", "target_url")
DATE_FIELDS = ("placed_on", "expires_on")
# Other names spreadsheets give the fields, read without a mapping.
_ALIASES = {
    "page": "source_url", "page_url": "source_url", "url": "source_url", "source": "source_url",
    "target": "target_url", "anchor_text": "anchor", "date": "placed_on", "placed": "placed_on",
    "expires": "expires_on", "expiry": "expires_on", "renewal": "expires_on",
    "vendor": "contact", "cost": "price",
}
# Words a column's name holds (English, German, French, Spanish) -> the field it probably is;
# tried in this order (the target before the page: "client page" is the target; the expiry
# before the placed date: "Ablaufdatum" holds "datum").
_GUESS_WORDS = {
    "target_url": ("target", "ziel", "landing", "destination", "cible", "client", "kunde",
                   "money page", "link to"),
    "source_url": ("page", "seite", "source", "quelle", "article", "artikel", "post", "url"),
    "anchor": ("anchor", "anker", "linktext", "link text", "ancre"),
    "rel": ("rel", "follow"),
    "expires_on": ("expir", "renew", "until", "ablauf", "ends", "end date", "bis"),
    "placed_on": ("placed", "published", "veröffentlicht", "publié", "datum", "date", "online"),
    "price": ("price", "cost", "preis", "kosten", "prix", "precio", "amount", "fee"),
    "currency": ("currency", "währung", "waehrung", "devise", "moneda"),
    "type": ("type", "typ", "kind", "linkart"),
    "contact": ("contact", "kontakt", "vendor", "seller", "anbieter", "publisher"),
    "notes": ("note", "notiz", "comment", "kommentar", "bemerkung"),
    "tag": ("tag", "label", "campaign", "kampagne"),
}
_MAX_ERRORS_SAID = 20
# A ledger has a column per field and a few of its own; more is no ledger (a transposed sheet).
MAX_COLUMNS = 1_000
_COLUMNS_SAID, _COLUMN_CHARS = 10, 40  # how much of an unknown header a message quotes
MAX_IMPORT_BYTES = 16 * 1024 * 1024  # some 100,000 placements; read whole, so bounded
# Each row read is kept (a file is checked whole before anything is added): 16 MB of
# two-letter rows would be four million of them and 2 GB. A ledger holds far fewer.
MAX_ROWS = 100_000
CHECK_EVERY = 2_000  # rows between two looks at `cancelled` (and two progress reports)
Progress = Callable[[int, int], None]  # (rows checked, rows)


class PlacementImportCancelled(Exception):
    """The caller asked to stop; nothing was written."""


class PlacementImportError(PlacementError):
    """A file or paste refused as a whole; `problems` lists each bad line."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        shown = list(problems[:_MAX_ERRORS_SAID])
        more = len(problems) - len(shown)
        lines = [message, *(f"  {problem}" for problem in shown)]
        if more:
            lines.append(f"  and {more} more bad row{'s' if more != 1 else ''}")
        super().__init__("\n".join(lines))
        self.problems = list(problems)


class UnknownHeader(PlacementImportError):
    """A header without the page or target column: `header` is what it reads, `example` the
    first data row, `guess` which column each field probably is (the window asks the user,
    prefilled with it)."""

    def __init__(self, message: str, header: Sequence[str], example: Sequence[str],
                 guess: dict[str, str]) -> None:
        super().__init__(message)
        self.header = list(header)
        self.example = list(example)
        self.guess = guess


@dataclass(frozen=True)
class ReadRows:
    """Placements read from a table of text, not yet added."""

    placements: list[Placement]
    lines: list[int]  # each placement's line in the text
    skipped: list[str] = field(default_factory=list)  # duplicates, with their line
    mapping: dict[str, str] = field(default_factory=dict)  # field -> the column it came from
    header_key: str = ""  # the lowered header, the key a remembered mapping is kept under


@dataclass(frozen=True)
class ImportResult:
    """What an import added (`change` undoes it) and what it skipped."""

    added: int
    skipped: list[str]
    change: PlacementChange


def read_table(db: sqlite3.Connection, text: str, name: str,
               mapping: dict[str, str] | None = None, *,
               fields: Sequence[str] | None = None, progress: Progress | None = None,
               cancelled: Callable[[], bool] | None = None) -> ReadRows:
    """The placements of a CSV text (or rows pasted from a spreadsheet: tab-separated),
    checked; PlacementImportError lists every bad line. Writes nothing.

    The first non-blank line is the header, unless `fields` names the columns in order (rows
    pasted without their header: the window asks which column is which). `progress(checked,
    rows)` follows the rows; `cancelled()` is asked every CHECK_EVERY rows
    (PlacementImportCancelled)."""
    # The first line with text, without splitting the whole text into lines.
    first = next((line for line in io.StringIO(text) if line.strip()), None)
    if first is None:
        raise PlacementImportError(f"{name}: no rows; the text is empty")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    try:
        return _read_rows(db, reader, name, mapping, fields,
                          _Ticker(progress, cancelled or _never))
    except csv.Error as error:  # a cell over the csv module's size limit
        raise PlacementImportError(
            f"{name}: line {reader.line_num}: not a readable CSV ({error})") from None


class _Ticker:
    """Progress and cancel checks every CHECK_EVERY rows."""

    def __init__(self, progress: Progress | None, cancelled: Callable[[], bool]) -> None:
        self.progress = progress
        self.cancelled = cancelled

    def tick(self, done: int, total: int) -> None:
        if done % CHECK_EVERY:
            return
        if self.cancelled():
            raise PlacementImportCancelled
        if self.progress is not None and total:
            self.progress(done, total)


def _never() -> bool:
    return False


def _read_rows(db: sqlite3.Connection, reader: Reader, name: str,
               mapping: dict[str, str] | None, fields: Sequence[str] | None,
               ticker: _Ticker) -> ReadRows:
    header: list[str] = list(fields or ())
    for row in ([] if fields else reader):
        if any(cell.strip() for cell in row):
            header = [cell.strip() for cell in row]
            while not header[-1]:  # the empty columns a spreadsheet writes after the last
                header.pop()
            if len(header) > MAX_COLUMNS:
                raise PlacementImportError(
                    f"{name}: line {reader.line_num} has {len(header):,} columns, more than a "
                    f"placements file has (LinkDesk reads up to {MAX_COLUMNS:,}): keep the "
                    "placements' columns and import again")
            break
    rows: list[tuple[int, list[str]]] = []
    for row in reader:
        if any(cell.strip() for cell in row):
            if len(rows) == MAX_ROWS:
                raise PlacementImportError(
                    f"{name}: line {reader.line_num}: more than {MAX_ROWS:,} rows, more than a "
                    "ledger of placements holds: split it into smaller files")
            rows.append((reader.line_num, row))
        ticker.tick(reader.line_num, 0)
    columns = _columns(db, name, header, mapping, [row for _line, row in rows[:20]])
    order, conflicts = _date_order(rows, columns)
    placements, numbers, problems, skipped = [], [], [], []
    seen = _stored_keys(db)
    for index, (line, row) in enumerate(rows):
        ticker.tick(index, len(rows))
        given = PlacementInput(**{name_: _cell(row, index) for name_, index in columns.items()})
        try:
            placement = _parse(given, order)
        except PlacementError as error:
            problems.append(f"line {line}: {error}")
            continue
        key = (placement.page, placement.target_url)
        if key in seen:
            skipped.append(f"line {line}: {placement.page} → {placement.target_url} is "
                           f"already {seen[key]}")
            continue
        seen[key] = f"on line {line}"
        placements.append(placement)
        numbers.append(line)
    if problems and conflicts:
        problems.append("the file writes some dates day first and others month first ("
                        + "; ".join(conflicts) + "), so a date like 02/03/2026 cannot be read")
    if problems:
        count = len(problems)
        raise PlacementImportError(
            f"{name}: {count} bad row{'s' if count != 1 else ''}; nothing imported", problems)
    used = {field_name: header[index] for field_name, index in columns.items()}
    return ReadRows(placements, numbers, skipped, used, _header_key(header))


def import_placements(db: sqlite3.Connection, path: str | Path,
                      mapping: dict[str, str] | None = None, *,
                      progress: Progress | None = None,
                      cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Add the placements of a CSV file in one transaction, or none (PlacementImportError
    saying which lines are bad and why; PlacementError when the file cannot be read).
    `progress` and `cancelled` as for `read_table`; a cancel while the placements are added
    rolls them back (PlacementImportCancelled), up to the commit: a caller that asked later
    gets the result of an import that completed."""
    path = Path(path)
    try:
        data = read_at_most(path, MAX_IMPORT_BYTES)
        if data is None:
            raise PlacementImportError(
                f"{path}: over {MAX_IMPORT_BYTES // (1024 * 1024)} MB, more than a ledger of "
                "placements holds: split it into smaller files")
        text = _decoded(path, data)
    except OSError as error:
        raise PlacementImportError(f"{path}: cannot be read: {error.strerror or error}") from None
    read = read_table(db, text, str(path), mapping, progress=progress, cancelled=cancelled)
    if cancelled is not None and cancelled():
        raise PlacementImportCancelled
    if progress is not None:
        progress(1, 1)  # every row checked: the adding begins
    return add_read(db, read, remember=mapping is not None, text=f"import {path.name}",
                    cancelled=cancelled)


def _decoded(path: Path, data: bytes) -> str:
    """The file's text: UTF-8, or UTF-16 after its byte order mark (Excel's "Unicode text",
    tab-separated); PlacementImportError naming the line of the first byte that is neither."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        return data.decode("utf-16") if utf16 else data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = (data[:error.start].decode("utf-16", errors="replace").count("\n") if utf16
                else data.count(b"\n", 0, error.start)) + 1
        raise PlacementImportError(
            f"{path}: line {line}: not {'UTF-16' if utf16 else 'UTF-8'} text (byte "
            f"{error.start:,} of the file); save the file as CSV UTF-8") from None


def add_read(db: sqlite3.Connection, read: ReadRows, *, remember: bool = False,
             text: str = "", cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Add placements read by `read_table`; with `remember`, keep the mapping for this
    header. One transaction: the placements, their statuses and the mapping are saved
    together or not at all. `cancelled()` is asked last, before the commit: True rolls
    everything back (PlacementImportCancelled)."""
    with atomic(db):
        change = plan_add(db, read.placements, text)  # the ids, read in the transaction
        if change:
            apply_change(db, change)
        if remember and read.mapping:
            remembered = dict(settings.get(db, Key.PLACEMENT_MAPPINGS, {}, lenient=True))
            remembered[read.header_key] = read.mapping
            settings.put(db, Key.PLACEMENT_MAPPINGS, remembered)
        if cancelled is not None and cancelled():
            raise PlacementImportCancelled
    return ImportResult(len(read.placements), read.skipped, change)


def _parse(given: PlacementInput, date_order: str | None) -> Placement:
    # A cell an export guarded against formulas ('=…) reads as it was.
    cleaned = {name: unguard_cell(getattr(given, name)) for name in FIELDS}
    return parse_placement(PlacementInput(**cleaned), date_order=date_order)


def _date_order(rows: list[tuple[int, list[str]]],
                columns: dict[str, int]) -> tuple[str | None, list[str]]:
    """Whether the file writes 02/03/2026 day or month first, from its dates that can only be
    read one way (15/03/2026, 03/15/2026), both date columns together; with the lines that
    disagree when some say day first and others month first."""
    indexes = [columns[name] for name in DATE_FIELDS if name in columns]
    return date_order((line, _cell(row, index)) for line, row in rows for index in indexes)


def _columns(db: sqlite3.Connection, name: str, header: list[str],
             mapping: dict[str, str] | None, sample: list[list[str]]) -> dict[str, int]:
    lowered = [cell.lower() for cell in header]
    position = {cell: index for index, cell in reversed(list(enumerate(lowered)))}
    if mapping is None:
        known = settings.get(db, Key.PLACEMENT_MAPPINGS, {}, lenient=True)
        mapping = known.get(_header_key(header))
    columns: dict[str, int] = {}
    for field_name, column in (mapping or {}).items():
        if field_name not in FIELDS:
            raise PlacementImportError(f"{name}: --map {field_name}=…: no field "
                                       f"{field_name!r}; the fields are {', '.join(FIELDS)}")
        index = position.get(column.lower(), _place(column, len(header)))
        if index is None:
            raise PlacementImportError(f"{name}: --map {field_name}={column}: the header has "
                                       f"no column {column!r}")
        twice = next((other for other, used in columns.items() if used == index), None)
        if twice is not None:  # one column cannot be the page and the target, say
            raise PlacementImportError(
                f"{name}: --map {twice}=… and --map {field_name}=… name the same column "
                f"{clip(header[index])!r}: give each "
                "field a column of its own")
        columns[field_name] = index
    for cell, index in sorted(position.items(), key=lambda item: item[1]):
        field_name = cell.replace(" ", "_") if cell.replace(" ", "_") in FIELDS else \
            _ALIASES.get(cell.replace(" ", "_"))
        if field_name and field_name not in columns:
            columns[field_name] = index
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        raise UnknownHeader(
            f"{name}: line 1 has no column for {' and '.join(missing)} (the header reads "
            f"{_quoted(header)}); name the columns with --map FIELD=COLUMN",
            header, sample[0] if sample else [], guess_mapping(header, sample))
    return columns


def guess_mapping(header: Sequence[str], sample: Sequence[Sequence[str]] = ()) -> dict[str, str]:
    """Which column each field probably comes from (field -> column), for a window that asks:
    the field's own name or a known alias first, then words the column's name holds
    (`Seite`, `Kosten`, `Ablaufdatum`...), then, for the page and the target still missing,
    the columns whose first rows hold web addresses, in order. Each column is used once."""
    lowered = [cell.strip().lower() for cell in header]
    guess: dict[str, str] = {}
    used: set[int] = set()

    def take(field_name: str, index: int) -> None:
        if field_name not in guess and index not in used:
            guess[field_name] = column_reference(header, index)
            used.add(index)

    for index, cell in enumerate(lowered):
        key = cell.replace(" ", "_")
        field_name = key if key in FIELDS else _ALIASES.get(key)
        if field_name:
            take(field_name, index)
    for field_name, words in _GUESS_WORDS.items():
        for index, cell in enumerate(lowered):
            if any(word in cell for word in words):
                take(field_name, index)
    addresses = [index for index in range(len(header))
                 if index not in used and _addresses([_cell(row, index) for row in sample])]
    missing = [name for name in REQUIRED if name not in guess]  # the page found by name
    for field_name, index in zip(missing, addresses, strict=False):
        take(field_name, index)
    return {field_name: guess[field_name] for field_name in FIELDS if field_name in guess}


def column_reference(header: Sequence[str], index: int) -> str:
    """How a mapping names the column at `index`: its name, or `#3` (its place, from 1) when
    the name does not tell it (blank, or another column has it too)."""
    name = header[index].strip().lower()
    if name and sum(cell.strip().lower() == name for cell in header) == 1:
        return header[index]
    return f"#{index + 1}"


def _place(column: str, count: int) -> int | None:
    """The index `#3` names among `count` columns, or None."""
    match = re.fullmatch(r"#(\d{1,7})", column.strip())
    return int(match[1]) - 1 if match and 1 <= int(match[1]) <= count else None


def _addresses(cells: list[str]) -> bool:
    """Whether a column's first cells are web addresses or domains (none of them blank)."""
    values = [cell.strip().lower() for cell in cells if cell.strip()]
    return bool(values) and all(
        value.startswith(("http://", "https://", "www.")) or ("." in value and " " not in value
                                                              and not value[:1].isdigit())
        for value in values)


def _quoted(header: Sequence[str]) -> str:
    """The first columns of a header, each shortened, for a message."""
    said = [column if len(column) <= _COLUMN_CHARS else column[: _COLUMN_CHARS - 1] + "…"
            for column in header[:_COLUMNS_SAID]]
    more = f" and {len(header) - _COLUMNS_SAID:,} more" if len(header) > _COLUMNS_SAID else ""
    return (", ".join(said) + more) or "nothing"


def _header_key(columns: list[str]) -> str:
    return "|".join(column.strip().lower() for column in columns)


def _cell(row: Sequence[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _delimiter(line: str) -> str:
    counts = {sep: line.count(sep) for sep in ("\t", ";", ",")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def _stored_keys(db: sqlite3.Connection) -> dict[tuple[str, str], str]:
    return {(page, target): f"placement {pid}" for pid, page, target in db.execute(
        "SELECT id, coalesce(nullif(source_url, ''), nullif(host, ''), domain), target_url "
        "FROM placements")}
