"""Importing export files into a project: streaming, all-or-nothing, with progress and cancel.

Each file is imported all-or-nothing: in a transaction of its own (`import_file`), or in a
savepoint of a batch's transaction (`ImportBatch`, which `batches.import_files` uses for many
files). Rows stream from the file in batches into a staging table (typed fields, normalised
URLs); SQL then merges links, and the batch rebuilds the referring domains its files touched.
The file's own text is kept, compressed, beside the parsed rows. Any failure of a file — a bad
file, a cancel — leaves the project as it was before that file; a crash or `kill -9` leaves it
as it was before the batch being imported.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from hashlib import sha256
from itertools import chain, islice
from pathlib import Path

from linkdesk.core.importers import parallel
from linkdesk.core.importers.archive import MEMBERS_NAMED
from linkdesk.core.importers.detect import HEAD_LINES, Detected, GoogleReport
from linkdesk.core.importers.google import LABELS, stage_google_batch
from linkdesk.core.importers.lines import TextNotes
from linkdesk.core.importers.original import (
    MAX_PENDING,
    OriginalTextCompressor,
    member_chunks,
    store_chunks,
)
from linkdesk.core.importers.reader import (
    ExportMember,
    ExportReadError,
    close_members,
    file_sha256,
    list_members,
    open_lines,
    sniff_encoding,
)
from linkdesk.core.importers.recognise import (
    FORMAT_CHOICES,
    ImportFailed,
    NotBacklinks,
    duplicate_columns,
    mapping_used,
    recognise,
)
from linkdesk.core.importers.rows import RowStream, SkippedRow, cyclic_gc_paused
from linkdesk.core.importers.staging import LinkStager, NoTargetColumn
from linkdesk.core.link_status import StatusMoves
from linkdesk.core.link_status_update import settle_link_status
from linkdesk.core.store import Project, health, merge
from linkdesk.core.store.settings import remember_site, site_root
from linkdesk.core.timeline.dates import RecordedDay, day_words, record_as_of
from linkdesk.core.words import counted

MAX_STORED_SKIPS = 10_000
HEAD_CHARS = 4 * 1024 * 1024


class ImportCancelled(Exception):
    """The user cancelled an import; nothing was changed."""


@dataclass(frozen=True)
class ImportOptions:
    """How to read the files: a forced format, a column mapping, the client's site, and
    the day the export describes (None: taken from the file, see timeline/dates.py)."""

    format: str = "auto"
    mapping: dict[str, str] | None = None
    site: str | None = None
    as_of: date | None = None


@dataclass(frozen=True)
class ImportProgress:
    """Reported after every batch of rows."""

    file: str
    rows: int
    bytes_done: int
    bytes_total: int


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
    as_of: str = ""  # the day the export describes, YYYY-MM-DD
    as_of_source: str = ""  # where that day came from: user, file, mtime, run
    future_dates: RecordedDay | None = None  # rows dated in the future, passed over for it
    import_id: int | None = None  # its row in imports (None: nothing imported)
    duplicate_of: str | None = None  # when the file had been imported before: when
    passed_over: str | None = None  # why a CSV inside a ZIP was not imported
    skipped: list[SkippedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what the user should know, in words

    def day_words(self, how: str = "given") -> str:
        """Where the import's day came from, in words, with the rows dated in the future
        passed over for it; `how`: how a user gives a day."""
        future = self.future_dates or RecordedDay(self.as_of, self.as_of_source)
        return day_words(self.as_of_source, how, future.future_rows, future.future_latest,
                         future.tomorrow)

    def seen_by_google(self) -> tuple[int, str]:
        """What a Search Console import added, as (count, noun): its linking pages, or for
        Top linking sites (no pages, only sites) the sites it lists: "0 linking pages" said
        of a file of 770 sites read as if Google had seen nothing."""
        if self.format == GoogleReport.TOP_LINKING_SITES.value:
            return self.rows_imported, "linking site"
        return self.links_merged, "linking page"


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

    Returns one result per CSV in the file. Raises ImportFailed (with a message for the user)
    or ImportCancelled; in both cases the project is unchanged.
    """
    with ImportBatch(project) as batch:
        return batch.import_file(path, options, progress=progress, cancelled=cancelled)


class BatchLost(ImportFailed):
    """SQLite ended the batch's transaction itself (a full disk, an I/O error): the file was
    not imported, and the files the batch had imported before it were rolled back with it.

    `file` names the file whose failure ended the transaction; `problem` says why, for the
    messages of the files lost with it."""

    def __init__(self, message: str, file: str, problem: str) -> None:
        super().__init__(message)
        self.file = file
        self.problem = problem


def _batch_lost(project: Project, path: Path, error: BaseException, lost: int) -> BatchLost:
    """The error of a file whose failure made SQLite end the batch's transaction."""
    problem = (health.database_problem(project.path, error)
               if isinstance(error, sqlite3.Error) else str(error))
    also = f", nor the {counted(lost, 'file')} imported before it in its batch" if lost else ""
    return BatchLost(f"{path.name}: not imported{also}: {problem}", path.name, problem)


class ImportBatch:
    """Several export files imported in one transaction, each file in a savepoint of its own.

    Each file stays all-or-nothing: one that fails or is cancelled is rolled back to its
    savepoint, and the files before it stay. What does not depend on a file's size is paid once
    per batch, in `commit()`: rebuilding the referring domains the files touched (a domain
    listed by many files is rolled up once, not once a file), the commit itself with the WAL
    checkpoint it may start, and detaching a big file's scratch databases. Nothing reads the
    referring domains between two files of a batch, so the project is the same as after
    importing the files one transaction each.

    Use it as a context manager: leaving the block commits the files imported so far, also
    when an exception leaves it (the file that raised was already rolled back).
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self.db = project.db
        self.files = 0  # files imported (or passed over as duplicates) in this batch
        self._open = False
        self._jobs: list[_Job] = []  # whose scratch databases wait for the end of the batch
        # What the committed files did to the links' statuses (the import's summary says it).
        self.status_moves = StatusMoves()

    def __enter__(self) -> ImportBatch:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None or self.files:
            # After an exception the file that raised is rolled back already: the files
            # before it are kept, as they would have been committed one by one.
            self.commit()
        else:
            self.rollback()

    @property
    def must_commit(self) -> bool:
        """Whether the next file must wait for a commit: a big file's second process left a
        scratch database attached, which only the end of the transaction can detach."""
        return any(job.scratch for job in self._jobs)

    def import_file(
        self,
        path: str | Path,
        options: ImportOptions | None = None,
        *,
        progress: ProgressCallback | None = None,
        cancelled: CancelCheck | None = None,
    ) -> list[ImportResult]:
        """Import one export file into the batch; see `import_file` for what it returns and
        raises. A file that fails changes nothing; the batch goes on with the next one."""
        path = Path(path)
        options = options or ImportOptions()
        if options.format not in FORMAT_CHOICES:
            raise ImportFailed(
                f"unknown format {options.format!r}; choose one of {FORMAT_CHOICES}"
            )
        try:
            members = list_members(path)
        except ExportReadError as error:
            raise ImportFailed(str(error)) from None
        except OSError as error:
            raise ImportFailed(f"{path.name}: cannot read the file ({error.strerror})") from None
        try:
            digest = file_sha256(path)
        except OSError as error:
            close_members(members)
            raise ImportFailed(f"{path.name}: cannot read the file ({error.strerror})") from None
        if self.must_commit:
            self.commit()
        job = _Job(self.project, options, progress, cancelled or (lambda: False))
        self._jobs.append(job)
        try:
            self._begin()
            return self._import_members(job, path, members, digest)
        except ExportReadError as error:
            raise ImportFailed(str(error)) from None
        except (EOFError, zlib.error, zipfile.BadZipFile, gzip.BadGzipFile) as error:
            raise ImportFailed(f"{path.name}: the file is damaged or cut short ({error})") from None
        except OSError as error:
            raise ImportFailed(f"{path.name}: cannot read the file ({error})") from None
        finally:
            close_members(members)

    def _import_members(
        self, job: _Job, path: Path, members: list[ExportMember], digest: str
    ) -> list[ImportResult]:
        db, options = self.db, job.options
        db.execute("SAVEPOINT import_file")
        try:
            with cyclic_gc_paused():
                if options.site and not remember_site(db, options.site):
                    raise ImportFailed(f"--site {options.site!r} is not a domain or URL")
                several = len(members) > 1
                results = [job.import_member(m, _member_hash(digest, m, several), several)
                           for m in members]
                if all(result.passed_over for result in results):
                    raise ImportFailed(_none_imported(path, results))
                if any(r.duplicate_of is None and not r.passed_over for r in results):
                    job.finish(path.name)
        except BaseException as error:
            if db.in_transaction:
                db.execute("ROLLBACK TO import_file")
                db.execute("RELEASE import_file")
                merge.drop_stage(db)
            else:  # SQLite ended the transaction itself (a full disk): the batch is lost
                lost, self.files, self._open = self.files, 0, False
                if lost or isinstance(error, sqlite3.Error):
                    raise _batch_lost(self.project, path, error, lost) from None
            raise
        db.execute("RELEASE import_file")
        merge.drop_stage(db)
        self.files += 1
        return results

    def _begin(self) -> None:
        if not self._open:
            self.db.execute("BEGIN IMMEDIATE")
            self._open = True
            merge.start_touching(self.db)

    def commit(self) -> None:
        """Bring the touched referring domains up to date and commit the batch's files."""
        if not self.files:  # nothing imported: end the transaction without a write
            self.rollback()
            return
        try:
            merge.rebuild_referring_domains(self.db)
            moves = settle_link_status(self.db)  # a newer export may no longer list older links
            self.db.execute("COMMIT")
            self.status_moves += moves
        except BaseException:
            self.rollback()
            raise
        finally:
            self._open = False
            self.files = 0
            self._cleanup()

    def rollback(self) -> None:
        """Drop every file of the batch (after a failure of the batch itself)."""
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self._open = False
        self.files = 0
        self._cleanup()

    def _cleanup(self) -> None:
        merge.drop_stage(self.db)
        for job in self._jobs:
            job.cleanup()
        self._jobs.clear()


def _member_hash(digest: str, member: ExportMember, several: bool) -> str:
    """The identity of one CSV in a ZIP: the ZIP's digest and the CSV's name, and for the
    second CSV of the same name its rank (so the first keeps the identity it always had)."""
    if not several:
        return digest
    repeat = f":{member.repeat}" if member.repeat > 1 else ""
    return sha256(f"{digest}:{member.member}{repeat}".encode()).hexdigest()


def _none_imported(path: Path, results: list[ImportResult]) -> str:
    """Why no CSV of a ZIP was imported: the first few reasons, and how many more."""
    reasons = [result.passed_over or "" for result in results]
    shown = "; ".join(reasons[:MEMBERS_NAMED])
    if len(reasons) > MEMBERS_NAMED:
        shown += f"; and {len(reasons) - MEMBERS_NAMED:,} more CSVs of {path.name} passed over"
    return shown


class _Job:
    """One file's import, inside its batch's transaction."""

    def __init__(
        self,
        project: Project,
        options: ImportOptions,
        progress: ProgressCallback | None,
        cancelled: CancelCheck,
    ) -> None:
        self.project = project
        self.db = project.db
        self.options = options
        self.progress = progress
        self.cancelled = cancelled
        self.scratch: list[parallel.SecondHalf] = []  # second processes' scratch databases
        self.original: OriginalTextCompressor | None = None  # of the CSV being imported
        self.text_by: parallel.SecondHalf | None = None  # or the second process compresses it
        self.halves_notes: TextNotes | None = None  # what reading the halves of a split met
        self.import_id = 0

    def cleanup(self) -> None:
        """Detach and delete scratch databases (after the transaction: it holds them)."""
        while self.scratch:  # taken off first: a failure here is not met again next time
            second = self.scratch.pop()
            try:
                if second.attached:
                    self.db.execute("DETACH DATABASE part")
                if second.text_attached:
                    self.db.execute("DETACH DATABASE part_text")
            finally:
                second.remove()

    def import_member(self, member: ExportMember, digest: str, in_archive: bool) -> ImportResult:
        """Import one CSV.

        In a ZIP holding several CSVs, one that is not a backlink export is passed over.
        """
        previous = self.db.execute(
            "SELECT imported_at FROM imports WHERE file_sha256 = ?", (digest,)
        ).fetchone()
        if previous is not None:
            return ImportResult(member.display_name, duplicate_of=previous[0])
        encoding = sniff_encoding(member)
        self.db.execute("SAVEPOINT member")
        try:
            try:
                result = self._import_member(member, digest, encoding)
            except UnicodeDecodeError as error:  # UTF-16 only: UTF-8 falls back line by line
                raise ImportFailed(
                    f"{member.display_name}: cannot be read as {encoding} text ({error.reason})"
                ) from None
        except NotBacklinks as error:
            self.db.execute("ROLLBACK TO member")
            self.db.execute("RELEASE member")
            if not in_archive:
                raise
            return ImportResult(member.display_name, passed_over=str(error))
        except BaseException:
            if self.db.in_transaction:  # SQLite ends it itself on some errors (a full disk)
                self.db.execute("ROLLBACK TO member")
                self.db.execute("RELEASE member")
            raise
        self.db.execute("RELEASE member")
        return result

    def _import_member(self, member: ExportMember, digest: str, encoding: str) -> ImportResult:
        name = member.display_name
        total = member.size()
        self.original = self.text_by = None  # the links path decides who compresses the text
        self.halves_notes = None
        try:
            with open_lines(member, encoding) as (lines, position):
                head = _head(lines)
                detected = recognise(
                    self.project, name, head, self.options.format, self.options.mapping
                )
                stream = RowStream(
                    chain(head[detected.header_index + 1 :], lines),
                    detected.header_index + 1,
                    len(detected.columns),
                    detected.delimiter,
                    on_batch=lambda rows: self._report(name, rows, position(), total),
                    text=lines,
                )
                import_id = self.import_id = self._record_import(member, digest, encoding, detected)
                if detected.google_report is not None:
                    self.original = OriginalTextCompressor(member, encoding)
                    result = self._import_google(name, import_id, detected.google_report, stream)
                else:
                    result = self._import_links(member, import_id, detected, stream, encoding)
        except BaseException:
            if self.original is not None:
                self.original.cancel()
            raise
        self._store_text(member, encoding, import_id)
        result.import_id = import_id
        notes = self.halves_notes or lines.notes
        result.warnings = duplicate_columns(detected) + notes.warnings()
        stream.skipped.sort(key=lambda row: row.line)
        result.rows_read = stream.rows_read
        result.rows_skipped = len(stream.skipped)
        result.skipped = stream.skipped[:20]
        if result.rows_imported == 0:
            raise ImportFailed(_nothing_imported(name, stream))
        self.db.executemany(
            "INSERT INTO skipped_rows VALUES (?, ?, ?)",
            ((import_id, row.line, row.reason) for row in stream.skipped[:MAX_STORED_SKIPS]),
        )
        recorded = record_as_of(self.db, import_id, member.path, self.options.as_of)
        result.as_of, result.as_of_source = recorded.day, recorded.source
        result.future_dates = recorded
        self.db.execute(
            "UPDATE imports SET rows_read = ?, rows_imported = ?, rows_skipped = ?, "
            "links_added = ?, links_merged = ? WHERE id = ?",
            (
                result.rows_read, result.rows_imported, result.rows_skipped,
                result.links_added, result.links_merged, import_id,
            ),
        )
        return result

    def _store_text(self, member: ExportMember, encoding: str, import_id: int) -> None:
        """Keep the file's text: compressed by the thread, by the second process, or (should
        that process have failed) here and now."""
        if self.original is not None:
            store_chunks(self.db, import_id, self.original.result())
            return
        second = self.text_by
        if second is not None and second.text_result():
            self.db.execute("ATTACH DATABASE ? AS part_text", (second.text_scratch,))
            second.text_attached = True
            self.db.execute(
                f"INSERT INTO import_chunks SELECT ?, first_line, last_line, text_z "
                f"FROM {parallel.TEXT_TABLE}",
                (import_id,),
            )
            return
        chunks = member_chunks(member, encoding)
        while some := list(islice(chunks, MAX_PENDING)):
            store_chunks(self.db, import_id, some)

    def _record_import(
        self, member: ExportMember, digest: str, encoding: str, detected: Detected
    ) -> int:
        fmt = detected.export_format
        if fmt is not None:
            vendor, format_name, mapping = fmt.vendor, fmt.name, mapping_used(detected)
        else:
            assert detected.google_report is not None
            vendor, format_name, mapping = "gsc", detected.google_report.value, {}
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
        self, member: ExportMember, import_id: int, detected: Detected, stream: RowStream,
        encoding: str,
    ) -> ImportResult:
        fmt = detected.export_format
        assert fmt is not None
        name = member.display_name
        try:
            stager = LinkStager(fmt, detected.columns)
        except NoTargetColumn as error:
            raise ImportFailed(f"{name}: no target URL column ({error})") from None
        stager.create_table(self.db, merge.STAGE)
        insert = stager.insert_sql(merge.STAGE)
        split = parallel.plan(member, encoding, detected.header_index + 1)
        second_half = None  # the table the second process staged into, when it did
        if split is None:
            self.original = OriginalTextCompressor(member, encoding)
            imported = self._stage_rows(stager, insert, stream)
        else:
            imported, second_half = self._stage_in_two_halves(
                member, encoding, detected, stager, split, stream
            )
        result = ImportResult(name, fmt.vendor, fmt.name, fmt.label, rows_imported=imported)
        if imported:
            first = self.db.execute("SELECT NOT EXISTS (SELECT 1 FROM links)").fetchone()[0]
            result.links_added, result.links_merged = merge.merge_stage(
                self.db, import_id, fmt.vendor, stager.fields, second_half
            )
            # Into an empty project every link is this file's: its domains are read from the
            # domain index just built, not sorted out of the staged rows.
            touched = "links" if first else merge.STAGE
            merge.touch_domains(self.db, f"SELECT DISTINCT domain FROM {touched}")
        merge.drop_stage(self.db)
        return result

    def _stage_rows(self, stager: LinkStager, insert: str, stream: RowStream) -> int:
        staged = 0
        for batch in stream.batches():
            staged += stager.stage(self.db, insert, batch, stream)
            self._after_batch()
        return staged

    def _stage_in_two_halves(
        self,
        member: ExportMember,
        encoding: str,
        detected: Detected,
        stager: LinkStager,
        split: parallel.Plan,
        stream: RowStream,
    ) -> tuple[int, str | None]:
        """Stage the first half here while a second process stages the second half.

        Returns the rows staged, and the table of the second process's rows (None when this
        process staged them too: should the second process fail to run, it does).
        """
        fmt = detected.export_format
        assert fmt is not None
        second = parallel.SecondHalf(
            parallel.PartJob(
                str(member.path), split.split, split.end, split.second_first_line, encoding,
                detected.delimiter, detected.columns, fmt.name, fmt.mapping, scratch="",
                compress_text=True,  # after its half: while this process merges the rows
            )
        )
        self.scratch.append(second)
        name, total = member.display_name, member.size()
        insert = stager.insert_sql(merge.STAGE)
        staged = 0

        def half(start: int, end: int, header_line: int, share: int) -> RowStream:
            nonlocal staged
            with parallel.range_lines(
                member.path, start, end, encoding, header_line + 1
            ) as (lines, reader):

                def report(rows: int) -> None:  # the halves advance at about the same pace
                    done = start + share * (reader.position - start)
                    self._report(name, rows * share, min(done, total), total)

                rows = RowStream(
                    lines, header_line, len(detected.columns), detected.delimiter, report, lines
                )
                staged += self._stage_rows(stager, insert, rows)
            return rows

        notes = self.halves_notes = stream.text_notes().upto(detected.header_index + 1)
        second_half = None
        try:
            first = half(split.data_start, split.split, detected.header_index + 1, 2)
            notes.add(first.text_notes())
            try:
                rows_read, skipped, second_notes = second.result()
            except parallel.SecondHalfFailed:  # its text is compressed here, at the end
                rest = half(split.split, split.end, split.second_first_line - 1, 1)
                rows_read, skipped, second_notes = rest.rows_read, rest.skipped, rest.text_notes()
            else:
                self.db.execute("ATTACH DATABASE ? AS part", (second.scratch,))
                second.attached = True
                self.text_by = second
                second_half = parallel.PART_TABLE  # merged from there: no copy into the stage
                staged += self.db.execute(  # its rowids run from 1 without a gap
                    f"SELECT coalesce(max(rowid), 0) FROM {second_half}"
                ).fetchone()[0]
            notes.add(second_notes)
        except BaseException:
            second.stop()
            raise
        stream.rows_read = first.rows_read + rows_read
        stream.skipped = first.skipped + skipped
        self._report(name, stream.rows_read, total, total)
        return staged, second_half

    # -- Search Console rows -----------------------------------------------------------------

    def _import_google(
        self, name: str, import_id: int, report: GoogleReport, stream: RowStream
    ) -> ImportResult:
        imported = 0
        for batch in stream.batches():
            imported += stage_google_batch(self.db, report, import_id, batch, stream)
            self._after_batch()
        result = ImportResult(name, "gsc", report.value, LABELS[report], rows_imported=imported)
        sites = report is GoogleReport.TOP_LINKING_SITES
        table = "google_site_rows" if sites else "google_page_rows"
        merge.touch_domains(
            self.db, f"SELECT DISTINCT domain FROM {table} WHERE import_id = ?", import_id
        )
        if report is not GoogleReport.TOP_LINKING_SITES:
            result.links_merged = self.db.execute(
                "SELECT count(DISTINCT source_url) FROM google_page_rows WHERE import_id = ?",
                (import_id,),
            ).fetchone()[0]
        return result

    # -- finishing ---------------------------------------------------------------------------

    def finish(self, file_name: str) -> None:
        """Bring Search Console marks up to date (the batch rebuilds referring domains)."""
        merge.rebuild_google_tables(self.db)
        orphans = merge.refresh_google(self.db, lambda: site_root(self.db))
        if orphans:
            raise ImportFailed(
                f"{file_name}: {orphans:,} Search Console linking pages have no link to attach to, "
                "and the project does not know the client's site yet: import again with "
                "--site DOMAIN"
            )

    def _report(self, name: str, rows: int, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(ImportProgress(name, rows, done, total))

    def _after_batch(self) -> None:
        if self.cancelled():
            raise ImportCancelled("import cancelled; the project is unchanged")
        if self.original is not None:  # the file's text so far, out of memory into the project
            store_chunks(self.db, self.import_id, self.original.drain())


def _head(lines: Iterator[str]) -> list[str]:
    """The first lines, where the header is looked for: HEAD_LINES of them, or fewer when
    they are long (a line may be MAX_LINE_BYTES long; 64 of them would not fit in memory)."""
    head: list[str] = []
    size = 0
    for line in islice(lines, HEAD_LINES):
        head.append(line)
        size += len(line)
        if size > HEAD_CHARS:
            break
    return head


def _nothing_imported(name: str, stream: RowStream) -> str:
    if not stream.skipped:
        return f"{name}: the file has a header but no data rows; nothing was imported"
    examples = "; ".join(f"line {row.line}: {row.reason}" for row in stream.skipped[:3])
    return f"{name}: no row could be imported ({len(stream.skipped):,} bad rows; {examples})"
