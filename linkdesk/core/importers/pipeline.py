"""Importing export files into a project: streaming, all-or-nothing, with progress and cancel.

Each file is imported in one transaction. Rows stream from the file in batches into a staging
table (cells as text, URLs normalised); SQL then converts cells, merges links and rebuilds the
referring domains. The file's own text is kept, compressed, beside the parsed rows. Any failure
— a bad file, a cancel, a crash, `kill -9` — leaves the project as it was before the import.
"""

from __future__ import annotations

import csv
import json
import re
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha256
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path

from linkdesk.core import urls
from linkdesk.core.importers import formats
from linkdesk.core.importers.detect import Detected, GoogleReport, detect, parse_count
from linkdesk.core.importers.reader import (
    ExportMember,
    ExportReadError,
    file_sha256,
    list_members,
    open_lines,
    sniff_encoding,
)
from linkdesk.core.importers.sqlexpr import field_expression, register_functions
from linkdesk.core.store import Project, merge, transaction
from linkdesk.core.values import parse_date

BATCH_ROWS = 10_000
MAX_STORED_SKIPS = 10_000
FORMAT_CHOICES = ("auto", "ahrefs", "semrush", "majestic", "moz", "gsc", "generic")
csv.field_size_limit(16 * 1024 * 1024)  # long titles and contexts are legitimate


class ImportFailed(Exception):
    """An import failed and changed nothing; the message names file, line and problem."""


class ImportCancelled(Exception):
    """The user cancelled an import; nothing was changed."""


@dataclass(frozen=True)
class ImportOptions:
    """How to read the files: a forced format, a column mapping, the client's site."""

    format: str = "auto"
    mapping: dict[str, str] | None = None
    site: str | None = None


@dataclass(frozen=True)
class ImportProgress:
    """Reported after every batch of rows."""

    file: str
    rows: int
    bytes_done: int
    bytes_total: int


@dataclass(frozen=True)
class SkippedRow:
    """A row that could not be imported, and why."""

    line: int
    reason: str


@dataclass
class ImportResult:
    """What one imported CSV added to the project."""

    file: str
    vendor: str = ""
    format: str = ""
    label: str = ""
    rows_read: int = 0
    rows_imported: int = 0
    rows_skipped: int = 0
    links_added: int = 0
    links_merged: int = 0
    duplicate_of: str | None = None  # when the file had been imported before: when
    skipped: list[SkippedRow] = field(default_factory=list)


ProgressCallback = Callable[[ImportProgress], None]
CancelCheck = Callable[[], bool]


def import_file(
    project: Project,
    path: str | Path,
    options: ImportOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> list[ImportResult]:
    """Import one export file (a CSV, a .gz, or a ZIP of CSVs) in one transaction.

    Returns one result per CSV imported. Raises ImportFailed (with a message for the user) or
    ImportCancelled; in both cases the project is unchanged.
    """
    path = Path(path)
    options = options or ImportOptions()
    try:
        members = list_members(path)
        digest = file_sha256(path)
    except ExportReadError as error:
        raise ImportFailed(str(error)) from None
    except OSError as error:
        raise ImportFailed(f"{path.name}: cannot read the file ({error.strerror})") from None
    job = _Job(project, options, progress, cancelled)
    register_functions(project.db)
    try:
        with transaction(project.db):
            if options.site:
                job.remember_site(options.site)
            results = [job.import_member(m, digest, len(members) > 1) for m in members]
            if not any(result.duplicate_of is None for result in results):
                return results
            job.finish()
    except ExportReadError as error:
        raise ImportFailed(str(error)) from None
    finally:
        merge.drop_stage(project.db)
    return results


def _member_hash(digest: str, member: ExportMember, several: bool) -> str:
    return sha256(f"{digest}:{member.member}".encode()).hexdigest() if several else digest


class _Job:
    """The state of one file's import (inside its transaction)."""

    def __init__(
        self,
        project: Project,
        options: ImportOptions,
        progress: ProgressCallback | None,
        cancelled: CancelCheck | None,
    ) -> None:
        self.project = project
        self.db = project.db
        self.options = options
        self.progress = progress
        self.cancelled = cancelled or (lambda: False)

    def remember_site(self, site: str) -> None:
        root = urls.site_root(site)
        if root is None:
            raise ImportFailed(f"--site {site!r} is not a domain or URL")
        sites = list(self.project.setting("sites", []))
        host = root.split("://", 1)[1].rstrip("/")
        if host not in sites:
            sites.insert(0, host)
            self.db.execute(
                "INSERT INTO settings(key, value) VALUES ('sites', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (json.dumps(sites),),
            )

    # -- one CSV -----------------------------------------------------------------------------

    def import_member(self, member: ExportMember, digest: str, several: bool) -> ImportResult:
        member_digest = _member_hash(digest, member, several)
        previous = self.db.execute(
            "SELECT imported_at FROM imports WHERE file_sha256 = ?", (member_digest,)
        ).fetchone()
        if previous is not None:
            return ImportResult(member.display_name, duplicate_of=previous[0])
        encoding = sniff_encoding(member)
        self.db.execute("SAVEPOINT member")
        try:
            result = self._import_member(member, member_digest, encoding)
        except UnicodeDecodeError as error:
            self.db.execute("ROLLBACK TO member")
            if encoding != "utf-8":
                raise ImportFailed(
                    f"{member.display_name}: cannot be read as {encoding} text ({error.reason})"
                ) from None
            # Valid UTF-8 at the start, not further on: a legacy Windows export.
            result = self._import_member(member, member_digest, "cp1252")
        except BaseException:
            self.db.execute("ROLLBACK TO member")
            self.db.execute("RELEASE member")
            raise
        self.db.execute("RELEASE member")
        return result

    def _import_member(self, member: ExportMember, digest: str, encoding: str) -> ImportResult:
        name = member.display_name
        total = member.size()
        with open_lines(member, encoding) as (lines, position):
            head = list(islice(lines, 64))
            detected = self._detect(name, head)
            rest = chain(head[detected.header_index + 1 :], lines)
            stream = _RowStream(
                rest,
                head[: detected.header_index + 1],
                detected,
                on_batch=lambda rows: self._report(name, rows, position(), total),
            )
            import_id = self._record_import(member, digest, encoding, detected)
            if detected.google_report is not None:
                result = self._import_google(name, import_id, detected, stream)
            else:
                assert detected.export_format is not None
                result = self._import_links(name, import_id, detected, stream)
            self._store_chunks(import_id, stream)
        self._store_skips(import_id, stream.skipped)
        result.rows_read = stream.rows_read
        result.rows_skipped = len(stream.skipped)
        result.skipped = stream.skipped[:20]
        if result.rows_imported == 0:
            raise ImportFailed(_nothing_imported(name, stream))
        self.db.execute(
            "UPDATE imports SET rows_read = ?, rows_imported = ?, rows_skipped = ?, "
            "links_added = ?, links_merged = ? WHERE id = ?",
            (
                result.rows_read, result.rows_imported, result.rows_skipped,
                result.links_added, result.links_merged, import_id,
            ),
        )
        return result

    def _detect(self, name: str, head: list[str]) -> Detected:
        choice = self.options.format
        mapping = self.options.mapping
        if choice not in FORMAT_CHOICES:
            raise ImportFailed(f"unknown format {choice!r}; choose one of {FORMAT_CHOICES}")
        if not any(line.strip() for line in head):
            raise ImportFailed(f"{name}: the file is empty")
        if mapping and choice in ("auto", "generic"):
            try:
                candidates: tuple[formats.ExportFormat, ...] = (formats.generic_format(mapping),)
            except ValueError as error:
                raise ImportFailed(f"--map: {error}") from None
        elif choice == "auto":
            candidates = formats.VENDOR_FORMATS + self._remembered_mappings()
        elif choice in ("gsc", "generic"):
            candidates = ()
            if choice == "generic":
                raise ImportFailed("--format generic needs a column mapping: --map FIELD=COLUMN")
        else:
            candidates = formats.format_by_vendor(choice)
        detected = detect(head, candidates, allow_google=choice in ("auto", "gsc"))
        if detected is None:
            raise ImportFailed(_unrecognised(name, head, choice, mapping))
        if detected.export_format is not None and mapping and choice not in ("auto", "generic"):
            detected = _with_overrides(detected, mapping)
        if detected.google_report is GoogleReport.TOP_LINKED_PAGES:
            raise ImportFailed(
                f"{name}: this Search Console report (Top linked pages) lists your own pages, "
                "not the pages linking to you; export 'Latest links' or 'Top linking sites'"
            )
        if mapping and detected.export_format and detected.export_format.vendor == "generic":
            self._remember_mapping(detected, mapping)
        return detected

    def _remembered_mappings(self) -> tuple[formats.ExportFormat, ...]:
        remembered = self.project.setting("column_mappings", {})
        return tuple(formats.generic_format(mapping) for mapping in remembered.values())

    def _remember_mapping(self, detected: Detected, mapping: dict[str, str]) -> None:
        remembered = dict(self.project.setting("column_mappings", {}))
        remembered["|".join(detected.lowered)] = mapping
        self.db.execute(
            "INSERT INTO settings(key, value) VALUES ('column_mappings', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (json.dumps(remembered),),
        )

    def _record_import(
        self, member: ExportMember, digest: str, encoding: str, detected: Detected
    ) -> int:
        fmt = detected.export_format
        vendor = fmt.vendor if fmt else "gsc"
        format_name = fmt.name if fmt else detected.google_report.value  # type: ignore[union-attr]
        mapping = _mapping_used(detected) if fmt else {}
        cursor = self.db.execute(
            "INSERT INTO imports (file_name, file_path, file_sha256, file_size, vendor, format, "
            "member, encoding, delimiter, header_line, columns, mapping, rows_read, "
            "rows_imported, rows_skipped, links_added, links_merged, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, ?)",
            (
                member.path.name, str(member.path.resolve()), digest, member.path.stat().st_size,
                vendor, format_name, member.member, encoding, detected.delimiter,
                detected.header_index + 1, json.dumps(detected.columns), json.dumps(mapping),
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )
        return int(cursor.lastrowid or 0)

    # -- vendor rows -------------------------------------------------------------------------

    def _import_links(
        self, name: str, import_id: int, detected: Detected, stream: _RowStream
    ) -> ImportResult:
        fmt = detected.export_format
        assert fmt is not None
        lowered = detected.lowered
        position = {column: index for index, column in reversed(list(enumerate(lowered)))}
        source_index = next(position[c] for c in fmt.source if c in position)
        target_index = next((position[c] for c in fmt.target if c in position), None)
        if target_index is None:
            raise ImportFailed(f"{name}: no target URL column ({', '.join(fmt.target)})")
        cell_columns = sorted({position[c] for c in _columns_needed(fmt) if c in position})
        staged = {lowered[index]: f"c{slot}" for slot, index in enumerate(cell_columns)}
        field_sql: dict[str, str] = {}
        for field_name, spec in fmt.fields.items():
            expression = field_expression(field_name, spec, staged)
            if expression is not None:
                field_sql[field_name] = expression[0]

        merge.create_stage(self.db, len(cell_columns))
        placeholders = ", ".join("?" * (5 + len(cell_columns)))
        insert = f"INSERT INTO {merge.STAGE} VALUES ({placeholders})"
        pick = _picker(cell_columns)
        normalize = urls.normalize_url
        domain_of = urls.registered_domain
        targets: dict[str, tuple[str, str] | None] = {}
        skip = stream.skip
        imported = 0
        for batch in stream.batches():
            rows = []
            for line_no, row in batch:
                source = normalize(row[source_index])
                if source is None:
                    skip(line_no, _bad_url("source", row[source_index]))
                    continue
                raw_target = row[target_index]
                target = targets.get(raw_target)
                if target is None:
                    target = normalize(raw_target)
                    if target is None:
                        skip(line_no, _bad_url("target", raw_target))
                        continue
                    if len(targets) < 100_000:
                        targets[raw_target] = target
                rows.append((line_no, source[0], target[0], source[1], domain_of(source[1]),
                             *pick(row)))
            self.db.executemany(insert, rows)
            imported += len(rows)
            self._check_cancel()
        result = ImportResult(name, fmt.vendor, fmt.name, fmt.label, rows_imported=imported)
        if imported:
            result.links_added, result.links_merged = merge.merge_stage(
                self.db, import_id, fmt.vendor, field_sql
            )
        merge.drop_stage(self.db)
        return result

    # -- Search Console rows -----------------------------------------------------------------

    def _import_google(
        self, name: str, import_id: int, detected: Detected, stream: _RowStream
    ) -> ImportResult:
        report = detected.google_report
        imported = 0
        for batch in stream.batches():
            if report is GoogleReport.TOP_LINKING_SITES:
                rows = self._google_site_rows(import_id, batch, stream)
                self.db.executemany(
                    "INSERT INTO google_site_rows VALUES (?, ?, ?, ?, ?)", rows
                )
            else:
                rows = self._google_page_rows(import_id, batch, stream)
                self.db.executemany(
                    "INSERT INTO google_page_rows VALUES (?, ?, ?, ?, ?, ?)", rows
                )
            imported += len(rows)
            self._check_cancel()
        label = {
            GoogleReport.LATEST_LINKS: "Search Console latest links",
            GoogleReport.SAMPLE_LINKS: "Search Console sample links",
            GoogleReport.TOP_LINKING_SITES: "Search Console top linking sites",
        }[report]  # type: ignore[index]
        result = ImportResult(name, "gsc", report.value, label, rows_imported=imported)  # type: ignore[union-attr]
        if report is not GoogleReport.TOP_LINKING_SITES and imported:
            known = self.db.execute(
                "SELECT count(DISTINCT source_url) FROM google_page_rows WHERE import_id = ?",
                (import_id,),
            ).fetchone()[0]
            result.links_merged = known  # pages reported; their links get marked as seen
        return result

    def _google_page_rows(
        self, import_id: int, batch: list[tuple[int, list[str]]], stream: _RowStream
    ) -> list[tuple[object, ...]]:
        rows = []
        for line_no, row in batch:
            source = urls.normalize_url(row[0])
            if source is None:
                stream.skip(line_no, _bad_url("linking page", row[0]))
                continue
            crawled = parse_date(row[1]) if len(row) > 1 else None
            host = source[1]
            rows.append((source[0], host, urls.registered_domain(host), import_id, line_no,
                         crawled))
        return rows

    def _google_site_rows(
        self, import_id: int, batch: list[tuple[int, list[str]]], stream: _RowStream
    ) -> list[tuple[object, ...]]:
        rows = []
        for line_no, row in batch:
            host = urls.to_ascii_host(row[0])
            if not host or "." not in host:
                stream.skip(line_no, f"site {row[0]!r} is not a domain name")
                continue
            rows.append((urls.registered_domain(host), import_id, line_no,
                         parse_count(row[1]), parse_count(row[2])))
        return rows

    # -- finishing ---------------------------------------------------------------------------

    def finish(self) -> None:
        """Bring Search Console marks and referring domains up to date."""
        merge.rebuild_google_tables(self.db)
        root = self._site_root()
        orphans = merge.refresh_google(self.db, root)
        if orphans:
            raise ImportFailed(
                f"{orphans} Search Console linking pages have no link to attach to, and the "
                "project does not know the client's site yet: import again with --site DOMAIN"
            )
        merge.rebuild_referring_domains(self.db)

    def _site_root(self) -> str | None:
        sites = self.project.setting("sites", [])
        if sites:
            return urls.site_root(sites[0])
        row = self.db.execute(
            "SELECT target_url FROM links WHERE placeholder = 0 "
            "GROUP BY substr(target_url, 1, instr(substr(target_url, 9), '/') + 8) "
            "ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        return urls.site_root(row[0]) if row else None

    def _report(self, name: str, rows: int, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(ImportProgress(name, rows, done, total))

    def _check_cancel(self) -> None:
        if self.cancelled():
            raise ImportCancelled("import cancelled; the project is unchanged")

    def _store_chunks(self, import_id: int, stream: _RowStream) -> None:
        stream.flush_chunk()
        self.db.executemany(
            "INSERT INTO import_chunks VALUES (?, ?, ?, ?)",
            ((import_id, first, last, future.result()) for first, last, future in stream.chunks),
        )

    def _store_skips(self, import_id: int, skipped: list[SkippedRow]) -> None:
        self.db.executemany(
            "INSERT INTO skipped_rows VALUES (?, ?, ?)",
            ((import_id, row.line, row.reason) for row in skipped[:MAX_STORED_SKIPS]),
        )


class _RowStream:
    """Parsed rows of one CSV in batches, with line numbers, malformed rows set aside, and the
    original text compressed in chunks along the way (on a second core: zlib drops the GIL)."""

    def __init__(
        self,
        lines: Iterator[str],
        head: list[str],
        detected: Detected,
        on_batch: Callable[[int], None],
        compressor: ThreadPoolExecutor | None = None,
    ) -> None:
        self._tap: list[str] = list(head)
        self._chunk_first_line = 1
        self._header_line = detected.header_index + 1
        self._width = len(detected.columns)
        self._reader = csv.reader(self._tapped(lines), delimiter=detected.delimiter)
        self._on_batch = on_batch
        self._compressor = compressor or _shared_compressor()
        self.chunks: list[tuple[int, int, Future[bytes]]] = []
        self.skipped: list[SkippedRow] = []
        self.rows_read = 0

    def _tapped(self, lines: Iterator[str]) -> Iterator[str]:
        tap = self._tap
        for line in lines:
            tap.append(line)
            yield line

    def skip(self, line: int, reason: str) -> None:
        """Set a row aside, with the reason the user will read."""
        self.skipped.append(SkippedRow(line, reason))

    def batches(self) -> Iterator[list[tuple[int, list[str]]]]:
        """Yield lists of (line number, cells) of rows with the header's width."""
        reader = self._reader
        width = self._width
        base = self._header_line
        consumed = 0
        batch: list[tuple[int, list[str]]] = []
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                self.skip(base + consumed + 1, f"unreadable CSV ({error})")
                consumed = reader.line_num
                continue
            line_no = base + consumed + 1
            consumed = reader.line_num
            if len(row) != width:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                if len(row) < width or any(cell.strip() for cell in row[width:]):
                    self.rows_read += 1
                    self.skip(line_no, f"expected {width} columns, found {len(row)}")
                    continue
                row = row[:width]
            self.rows_read += 1
            batch.append((line_no, row))
            if len(batch) >= BATCH_ROWS:
                yield batch
                self.flush_chunk()
                self._on_batch(self.rows_read)
                batch = []
        if batch:
            yield batch
        self._on_batch(self.rows_read)

    def flush_chunk(self) -> None:
        """Compress the lines read since the last chunk, in the background."""
        if not self._tap:
            return
        text = "".join(self._tap)
        first = self._chunk_first_line
        last = first + len(self._tap) - 1
        self._tap.clear()
        self._chunk_first_line = last + 1
        self.chunks.append((first, last, self._compressor.submit(_compress, text)))


def _compress(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


_COMPRESSOR: ThreadPoolExecutor | None = None


def _shared_compressor() -> ThreadPoolExecutor:
    global _COMPRESSOR
    if _COMPRESSOR is None:
        _COMPRESSOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="linkdesk-compress")
    return _COMPRESSOR


def _picker(indices: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    if len(indices) >= 2:
        return itemgetter(*indices)  # type: ignore[return-value]
    if len(indices) == 1:
        index = indices[0]
        return lambda row: (row[index],)
    return lambda row: ()


def _columns_needed(fmt: formats.ExportFormat) -> set[str]:
    needed: set[str] = set()
    for spec in fmt.fields.values():
        if isinstance(spec, formats.Column):
            needed.update(spec.names)
        else:
            needed.update(_references(spec.sql))
    return needed


def _references(sql: str) -> list[str]:
    return re.findall(r"\{([^}]+)\}", sql)


def _mapping_used(detected: Detected) -> dict[str, str]:
    fmt = detected.export_format
    assert fmt is not None
    present = {name.lower(): name for name in detected.columns}
    used = {
        "source_url": next(present[c] for c in fmt.source if c in present),
        "target_url": next((present[c] for c in fmt.target if c in present), ""),
    }
    for field_name, spec in fmt.fields.items():
        if isinstance(spec, formats.Column):
            column = next((present[c] for c in spec.names if c in present), None)
            if column is not None:
                used[field_name] = column
        elif all(ref in present for ref in _references(spec.sql)):
            used[field_name] = spec.sql
    return used


def _with_overrides(detected: Detected, mapping: dict[str, str]) -> Detected:
    fmt = detected.export_format
    assert fmt is not None
    fields = dict(fmt.fields)
    source, target = fmt.source, fmt.target
    for name, column in mapping.items():
        if name == "source_url":
            source = (column.strip().lower(),)
        elif name == "target_url":
            target = (column.strip().lower(),)
        else:
            fields[name] = formats.Column((column.strip().lower(),))
    adjusted = formats.ExportFormat(
        fmt.name, fmt.vendor, fmt.label, source, target, fmt.signature, fields
    )
    return Detected(detected.header_index, detected.delimiter, detected.columns, adjusted)


def _bad_url(role: str, value: str) -> str:
    shown = value.strip()
    if not shown:
        return f"{role} URL is empty"
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"{role} URL {shown!r} is not an http(s) URL"


def _nothing_imported(name: str, stream: _RowStream) -> str:
    if not stream.skipped:
        return f"{name}: the file has a header but no data rows; nothing was imported"
    examples = "; ".join(f"line {row.line}: {row.reason}" for row in stream.skipped[:3])
    return f"{name}: no row could be imported ({len(stream.skipped)} bad rows, e.g. {examples})"


def _unrecognised(name: str, head: list[str], choice: str, mapping: dict[str, str] | None) -> str:
    first = next((line.strip() for line in head if line.strip()), "")
    if len(first) > 120:
        first = first[:117] + "..."
    if mapping:
        wanted = ", ".join(sorted(set(mapping.values())))
        return (
            f"{name}: no header line with the mapped columns ({wanted}) in the first "
            f"{len(head)} lines; line 1 reads: {first!r}"
        )
    kind = "a backlink export LinkDesk recognises" if choice == "auto" else f"a {choice} export"
    return (
        f"{name}: not {kind} (line 1 reads: {first!r}). For another tool's CSV, map its "
        "columns: --format generic --map source_url=COLUMN --map target_url=COLUMN ..."
    )
