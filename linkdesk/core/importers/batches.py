"""Importing many export files: in batches of one transaction, each file all-or-nothing.

A file imported alone pays a fixed cost beside its rows: its transaction's commit (with the
WAL checkpoint it may start) and the roll-up of every referring domain it touched, which for a
domain found in many files is redone file after file. `import_files` groups files into
batches (`pipeline.ImportBatch`) that pay it once. A file that fails is rolled back alone and
the others are imported, as when each had its own transaction. What the batch changes is only
what a crash (or `kill -9`) loses: the files of the batch not yet committed, none of which has
been reported as imported yet (`done` is called once a file's batch is committed).

The files of one call are one run: once all are committed, those whose rows hold no dates
(dated by their modification time) take the day the others' rows give
(timeline.redate.date_by_run), so a monthly import stays one export in the History tab. Their
results, already passed to `done`, change then: a caller reporting days waits for the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from linkdesk.core.importers.pipeline import (
    BatchLost,
    CancelCheck,
    ImportBatch,
    ImportCancelled,
    ImportFailed,
    ImportOptions,
    ImportResult,
    ProgressCallback,
)
from linkdesk.core.link_status import StatusMoves
from linkdesk.core.link_status_update import settle_link_status
from linkdesk.core.store import Project, transaction
from linkdesk.core.timeline.redate import date_by_run, settle_run

BATCH_BYTES = 16 * 1024 * 1024
"""A batch is committed once its files reach this size: enough for many small exports to
share one commit, little enough that a crash loses little and the WAL stays small. (273 real
Semrush files, 108 MB: 20.7 s CPU committing every file, 13.6 s in batches of 8 MB, 13.5 s
of 64 MB, 13.7 s in one batch.)"""


@dataclass
class FileOutcome:
    """What importing one file did: its results, or why nothing of it was imported."""

    path: Path
    results: list[ImportResult] = field(default_factory=list)
    error: ImportFailed | ImportCancelled | None = None


def import_files(
    project: Project,
    paths: Iterable[Path],
    options: ImportOptions | None = None,
    *,
    done: Callable[[FileOutcome], None],
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    batch_bytes: int = BATCH_BYTES,
) -> StatusMoves:
    """Import each file, in batches; call `done` for each file, in order, once its batch
    is committed (a failed file changes nothing; its error is in its outcome). Returns what
    the run did to the links' statuses (links no longer reported, listed again), counted by
    each status refresh.

    A batch whose commit fails, or that SQLite ends while importing a file (a full disk, an
    I/O error; also when the file is the first of its batch), reports each of its files as
    not imported, and the next files are tried: a smaller file may still fit, and one that
    does not is reported the same way. A cancel rolls back the file being read, commits the files
    before it and stops. Other exceptions (a bug) propagate after the files imported before
    are committed and reported.
    """
    run: list[ImportResult] = []  # every file's results once committed

    def committed(outcome: FileOutcome) -> None:
        if outcome.error is None:
            run.extend(outcome.results)
        done(outcome)

    moves = StatusMoves()
    try:
        moves = _import_batches(project, paths, options, committed, progress, cancelled,
                                batch_bytes)
    finally:  # also after a cancel or a bug: the files committed are one run
        moves += _date_run(project, run)
    return moves


def _date_run(project: Project, run: list[ImportResult]) -> StatusMoves:
    """Give the run's files without dates the day of the others (see the module's note)."""
    moves = StatusMoves()
    try:
        with transaction(project.db):
            redated = date_by_run(project.db, run)
            if redated:  # a vendor's latest export may be another one now
                moves = settle_link_status(project.db)
    except sqlite3.Error:  # a full disk: each keeps its own day, which the user can set
        return StatusMoves()
    settle_run(run, redated)
    return moves


def _import_batches(
    project: Project,
    paths: Iterable[Path],
    options: ImportOptions | None,
    done: Callable[[FileOutcome], None],
    progress: ProgressCallback | None,
    cancelled: CancelCheck | None,
    batch_bytes: int,
) -> StatusMoves:
    """`import_files` without dating the run; what its batches did to the links' statuses."""
    waiting: list[FileOutcome] = []  # in file order, reported once the batch is committed
    size = 0

    def commit() -> None:
        nonlocal size
        ready = waiting.copy()
        waiting.clear()
        size = 0
        try:
            batch.commit()
        except BaseException as error:  # rolled back: its files are reported as not imported
            _lost(ready, f"rolled back when its batch of files was saved ({error})")
            for outcome in ready:
                done(outcome)
            if not isinstance(error, sqlite3.Error):  # a full disk, an I/O error: go on
                raise
            return
        for outcome in ready:
            done(outcome)

    with ImportBatch(project) as batch:
        try:
            for path in paths:
                outcome = FileOutcome(Path(path))
                try:
                    outcome.results = batch.import_file(
                        path, options, progress=progress, cancelled=cancelled
                    )
                except BatchLost as error:  # SQLite rolled back the whole batch (a full disk):
                    # the file and those before it are reported, and the next files are tried
                    outcome.error = error
                    # Name the file that failed: others may sit in between.
                    _lost(waiting, f"rolled back when importing {error.file}, later in the "
                                   f"same batch, failed: {error.problem}")
                except ImportFailed as error:
                    outcome.error = error
                except ImportCancelled as error:
                    outcome.error = error
                    waiting.append(outcome)
                    break  # the files before it are committed on the way out
                else:
                    size += _size(outcome.path)
                waiting.append(outcome)
                if size >= batch_bytes or batch.must_commit:
                    commit()
        finally:
            commit()  # also when an exception leaves: the files before it are kept
    return batch.status_moves


def _lost(outcomes: list[FileOutcome], why: str) -> None:
    """Mark the files imported in a batch that was rolled back as not imported."""
    for outcome in outcomes:
        if outcome.error is None:
            outcome.results = []
            outcome.error = ImportFailed(f"{outcome.path.name}: {why}")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
