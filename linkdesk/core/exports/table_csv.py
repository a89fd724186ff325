"""The one CSV writer: a table exactly as the window shows it, same filters, same order.

The rows come the way the window gets them (`TableQuery`): the ordered ids, then the rows in
batches, so a million links never sit in memory at once. Cells are the displayed values
(labels for bands, risk levels and marks; yes/no; numbers without digit grouping, so a
spreadsheet reads them as numbers), each through `safe_cell`. Which columns: columns.py.

The file goes through `write_atomically` (core/files.py): written under a temporary name and
renamed at the end, so a cancelled or failed export leaves no half file (and an older file of
that name untouched), and never over a project file or the open project.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from linkdesk.core import urls
from linkdesk.core.cells import guard_text, safe_cell
from linkdesk.core.exports.columns import FLAGS_COLUMN, csv_columns, with_file_columns
from linkdesk.core.files import database_files, refuse_project_file, write_atomically
from linkdesk.core.scoring.flags import flag_names
from linkdesk.core.tables.query import TableQuery
from linkdesk.core.tables.spec import Column, Filters, Kind, Sort, TableSpec

BATCH_ROWS = 2_000


@dataclass(frozen=True)
class CsvProgress:
    """How far an export is."""

    rows_written: int
    rows_total: int


class CsvExportCancelled(Exception):
    """The export was cancelled; no file was written."""


def export_table_csv(
    db: sqlite3.Connection,
    spec: TableSpec,
    filters: Filters | None,
    sort: Sort | None,
    path: str | Path,
    *,
    columns: Sequence[str] | None = None,
    headers: Sequence[str] | None = None,
    bom: bool = False,
    one_line: bool = True,
    unicode_hosts: Sequence[str] = (),
    progress: Callable[[CsvProgress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    batch: int = BATCH_ROWS,
) -> int:
    """Write the rows `TableQuery(db, spec, filters, sort)` gives, in its order; return how
    many. `columns` names the columns (default `csv_columns(spec)`), `headers` the header
    cells (default the columns' titles); `bom` starts the file with a UTF-8 BOM (Excel reads
    UTF-8 only then). The first `export --links` layout kept line breaks and tabs inside
    text cells (`one_line` False) and wrote host names in Unicode rather than punycode
    (`unicode_hosts` names such columns). `progress` is called after each batch; `cancel`
    returning True stops the export (CsvExportCancelled, no file). Raises ValueError for an
    unknown column, sort or filter, OSError when the file cannot be written
    (ProtectedFileError when it is a project file or `db`'s own).
    """
    path = Path(path)
    project = database_files(db)
    refuse_project_file(path, project)  # before reading a million ids, not after
    full = with_file_columns(spec)
    names = tuple(columns) if columns is not None else csv_columns(spec)
    chosen = [full.column(name) for name in _known(full, names)]
    header = list(headers) if headers is not None else [column.title for column in chosen]
    if len(header) != len(chosen):
        raise ValueError(f"{len(header)} headers for {len(chosen)} columns")
    # Rows come with every column of the table; fetch only the ones written.
    query = TableQuery(db, _only(full, chosen), filters, sort)
    ids = query.ordered_ids()
    total, width = len(ids), len(chosen)
    formatters = [_formatter(column, one_line, column.name in unicode_hosts)
                  for column in chosen]
    written = 0
    with write_atomically(path, protect=project,
                          encoding="utf-8-sig" if bom else "utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([safe_cell(text) for text in header])
        for start in range(0, total, batch):
            if cancel is not None and cancel():
                raise CsvExportCancelled(f"{path}: export cancelled; no file written")
            chunk = [int(i) for i in ids[start : start + batch]]
            rows = query.rows(chunk)
            for row_id in chunk:
                values = rows.get(row_id)
                if values is None:  # gone since the ids were read
                    continue
                writer.writerow([cell(value) for cell, value in
                                 zip(formatters, values[:width], strict=True)])
                written += 1
            if progress is not None:
                progress(CsvProgress(written, total))
    if progress is not None and total == 0:
        progress(CsvProgress(0, 0))
    return written


def cell_text(column: Column, value: Any) -> str:
    """A cell's displayed value as CSV text (before the formula guard)."""
    if value is None:
        return ""
    if column.name == FLAGS_COLUMN:
        return "; ".join(flag_names(int(value)))
    if isinstance(value, bytes):  # a blob another program wrote: its text, as far as it goes
        value = value.decode("utf-8", errors="replace")
    kind = column.kind
    if kind is Kind.LABEL:
        return column.label(value)
    if kind is Kind.BOOL:
        return "yes" if value else "no"
    if kind.numeric:
        if not isinstance(value, int | float):  # text in a number column (an edited file)
            return _text_cell(str(value))
        number = float(value)
        decimals = column.decimals
        if kind is Kind.PERCENT and decimals is None:
            decimals = 1
        if decimals is None:
            decimals = 0 if number.is_integer() else 1
        return f"{number:.{decimals}f}"
    return _text_cell(str(value))


def _text_cell(text: str) -> str:
    # One row, one line, as on screen: line breaks from imported text become spaces.
    return " ".join(text.split()) if ("\n" in text or "\r" in text or "\t" in text) else text


def _formatter(column: Column, one_line: bool = True, unicode_host: bool = False
               ) -> Callable[[Any], str]:
    """`safe_cell(cell_text(column, value))`, made once per column: a million rows of twenty
    cells make the per-cell work the cost of an export."""
    repeating = column.kind in (Kind.LABEL, Kind.BOOL) or column.kind.numeric
    if repeating or unicode_host or column.name == FLAGS_COLUMN:
        cache: dict[Any, str] = {}

        def cached(value: Any) -> str:
            # Labels, flags, yes/no and hosts repeat: format each value once.
            text = cache.get(value)
            if text is None:
                shown = cell_text(column, value)
                if unicode_host:
                    shown = urls.to_unicode_host(shown)
                text = cache[value] = safe_cell(shown)
                if len(cache) > 10_000:
                    cache.clear()
            return text

        return cached

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        text = value if isinstance(value, str) else str(value)
        if one_line and ("\n" in text or "\r" in text or "\t" in text):
            text = " ".join(text.split())
        return guard_text(text)

    return text


def _known(spec: TableSpec, names: Sequence[str]) -> list[str]:
    present = {column.name for column in spec.columns}
    unknown = [name for name in names if name not in present]
    if unknown:
        raise ValueError(f"{spec.title} has no column {', '.join(map(repr, unknown))}")
    return list(names)


def _only(spec: TableSpec, chosen: list[Column]) -> TableSpec:
    """The spec with the chosen columns first (rows() returns them in this order), then the
    sortable ones the sort may need."""
    keep = {column.name for column in chosen}
    keep.add(spec.default_sort.column)
    columns = tuple(c for c in spec.columns if c.name in keep or c.sortable)
    rest = replace(spec, columns=columns)
    # TableQuery.rows returns every column of the spec: order them as chosen, sortables after.
    ordered = [*chosen, *(c for c in columns if c.name not in {x.name for x in chosen})]
    return replace(rest, columns=tuple(ordered))
