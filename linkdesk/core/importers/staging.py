"""Turning batches of vendor rows into staging-table rows: URLs normalised, cells typed.

Shared by the single-process import and the second process of a parallel import, so both stage
exactly the same rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from linkdesk.core import urls
from linkdesk.core.importers.cells import field_readers
from linkdesk.core.importers.formats import ExportFormat
from linkdesk.core.importers.rows import Batch, RowStream


class NoTargetColumn(Exception):
    """The header has the format's source column but none of its target columns."""


class LinkStager:
    """Stages the rows of one export format with one header."""

    def __init__(self, fmt: ExportFormat, header: Sequence[str]) -> None:
        lowered = [name.lower() for name in header]
        self.source_index = lowered.index(next(c for c in fmt.source if c in lowered))
        target = next((c for c in fmt.target if c in lowered), None)
        if target is None:
            raise NoTargetColumn(", ".join(fmt.target))
        self.target_index = lowered.index(target)
        self.readers = field_readers(fmt, lowered)
        self.fields = [reader.field for reader in self.readers]
        self._needed = sorted(
            {self.source_index, self.target_index, *(i for r in self.readers for i in r.indices)}
        )

    def create_table(self, db: sqlite3.Connection, table: str) -> None:
        """(Re)create a staging table for these fields."""
        columns = "".join(f", {name}" for name in self.fields)
        db.execute(f"DROP TABLE IF EXISTS {table}")
        db.execute(
            f"CREATE TABLE {table} (line_no INTEGER, source_url TEXT, target_url TEXT, "
            f"source_host TEXT, domain TEXT{columns})"
        )

    def insert_sql(self, table: str) -> str:
        """The INSERT statement `stage()`'s rows fit."""
        return f"INSERT INTO {table} VALUES ({', '.join('?' * (5 + len(self.fields)))})"

    def stage(self, db: sqlite3.Connection, insert: str, batch: Batch, stream: RowStream) -> int:
        """Insert a batch (bad URLs are skipped and reported); return the rows staged."""
        source_index, target_index = self.source_index, self.target_index
        columns = batch.columns(self._needed)
        sources = list(map(urls.normalize_url, columns[source_index]))
        targets = list(map(_normalize_target, columns[target_index]))
        if None in sources or None in targets:
            wanted = []
            for line_no, row, source, target in zip(
                batch.lines, batch.rows, sources, targets, strict=True
            ):
                if source is None:
                    stream.skip(line_no, _bad_url("source", row[source_index]))
                elif target is None:
                    stream.skip(line_no, _bad_url("target", row[target_index]))
                wanted.append(source is not None and target is not None)
            batch = batch.keep(wanted)
            sources = [s for s, ok in zip(sources, wanted, strict=True) if ok]
            targets = [t for t, ok in zip(targets, wanted, strict=True) if ok]
            if not batch.rows:
                return 0
            columns = batch.columns(self._needed)
        hosts = [source[1] for source in sources]  # type: ignore[index]
        db.executemany(
            insert,
            zip(
                batch.lines,
                [source[0] for source in sources],  # type: ignore[index]
                [target[0] for target in targets],  # type: ignore[index]
                hosts,
                urls.registered_domains(hosts),
                *(reader.read(columns) for reader in self.readers),
                strict=True,
            ),
        )
        return len(batch.rows)


_TARGETS: dict[str, tuple[str, str] | None] = {}


def _normalize_target(url: str) -> tuple[str, str] | None:
    # Exports point at few target pages: normalise each once.
    found = _TARGETS.get(url)
    if found is None:
        if len(_TARGETS) > 100_000:
            _TARGETS.clear()
        found = _TARGETS[url] = urls.normalize_url(url)
    return found


def _bad_url(role: str, value: str) -> str:
    shown = value.strip()
    if not shown:
        return f"{role} URL is empty"
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"{role} URL {shown!r} {urls.url_problem(value) or 'is not an http(s) URL'}"
