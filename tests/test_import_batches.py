"""Many files imported in batches: one commit and one roll-up of referring domains a batch,
each file still all-or-nothing, and the project the same as after one transaction a file."""

from __future__ import annotations

import contextlib
import io
import re
import sqlite3
from pathlib import Path

import pytest
from exportgen import (
    make_profile,
    write_ahrefs,
    write_gsc_latest,
    write_gsc_zip,
    write_majestic,
    write_moz,
    write_semrush,
)

from linkdesk.cli import main
from linkdesk.core.importers import parallel, pipeline
from linkdesk.core.importers.batches import FileOutcome, import_files
from linkdesk.core.importers.pipeline import (
    ImportCancelled,
    ImportFailed,
    ImportOptions,
    import_file,
)
from linkdesk.core.store import Project, merge, transaction
from linkdesk.core.timeline.redate import date_by_run

SITE = "acme-widgets.com"


@pytest.fixture()
def exports(tmp_path: Path) -> list[Path]:
    """Five exports of one profile from four vendors and Search Console, overlapping (so
    links merge and referring domains span files), with a file that is no export third."""
    records = list(make_profile(1_500, site=SITE, seed=5))
    folder = tmp_path / "exports"
    folder.mkdir()
    files = [folder / name for name in (
        "ahrefs.csv", "semrush.csv", "notes.csv", "majestic.csv", "gsc.csv", "moz.csv")]
    write_ahrefs(files[0], records[:700])
    write_semrush(files[1], records[400:1_000])
    files[2].write_text("shopping list\neggs\nmilk\n", encoding="utf-8")
    write_majestic(files[3], records[800:1_300])
    write_gsc_latest(files[4], records[::9])
    write_moz(files[5], records[1_100:])
    return files


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table an import writes, without what depends on the clock or the path."""
    db = sqlite3.connect(path)
    try:
        tables = {
            "links": "SELECT * FROM links ORDER BY id",
            "observations": "SELECT * FROM observations ORDER BY id",
            "observation_values": "SELECT * FROM observation_values ORDER BY 1",
            "referring_domains": "SELECT * FROM referring_domains ORDER BY domain",
            "google_pages": "SELECT * FROM google_pages ORDER BY source_url",
            "google_page_rows": "SELECT * FROM google_page_rows ORDER BY rowid",
            "skipped_rows": "SELECT * FROM skipped_rows ORDER BY 1, 2",
            "imports": "SELECT id, file_name, file_sha256, vendor, format, rows_read, "
                       "rows_imported, rows_skipped, links_added, links_merged, as_of, "
                       "as_of_source, first_observation_id, last_observation_id "
                       "FROM imports ORDER BY id",
            "import_chunks": "SELECT * FROM import_chunks ORDER BY 1, 2",
            "settings": "SELECT * FROM settings ORDER BY key",
        }
        return {name: db.execute(sql).fetchall() for name, sql in tables.items()}
    finally:
        db.close()


def one_by_one(project_path: Path, files: list[Path]) -> list[str]:
    """Import each file in a transaction of its own, as LinkDesk did before batches (then,
    as one run, the files without dates take the others' day)."""
    failed = []
    results = []
    with Project.open(project_path) as project:
        for path in files:
            try:
                results += import_file(project, path, ImportOptions(site=SITE))
            except ImportFailed:
                failed.append(path.name)
        with transaction(project.db):
            date_by_run(project.db, results)
    return failed


def in_batches(project_path: Path, files: list[Path], **kwargs: object) -> list[FileOutcome]:
    outcomes: list[FileOutcome] = []
    with Project.open(project_path) as project:
        import_files(project, files, ImportOptions(site=SITE), done=outcomes.append,
                     **kwargs)  # type: ignore[arg-type]
    return outcomes


def each_imported(outcomes: list[FileOutcome]) -> list[tuple[str, bool]]:
    """Each file's name and whether it was imported, in the order reported."""
    return [(outcome.path.name, outcome.error is None) for outcome in outcomes]


@pytest.mark.parametrize("min_bytes", [1 << 40, 1], ids=["one-process", "every-file-split"])
def test_a_batch_gives_the_project_of_one_transaction_a_file(
    tmp_path: Path, exports: list[Path], min_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Split into two halves, each file leaves a scratch database attached until its batch
    # commits: the batch must commit before the next file attaches its own.
    monkeypatch.setattr(parallel, "MIN_BYTES", min_bytes)
    archive = tmp_path / "exports" / "gsc.zip"  # several CSVs in one file: a savepoint each
    write_gsc_zip(archive, list(make_profile(1_500, site=SITE, seed=5))[::5])
    exports = [*exports, archive]
    assert one_by_one(tmp_path / "one.linkdesk", exports) == ["notes.csv"]
    outcomes = in_batches(tmp_path / "batch.linkdesk", exports)

    assert [outcome.path for outcome in outcomes] == exports
    assert [outcome.error is None for outcome in outcomes] == [
        True, True, False, True, True, True, True]
    assert len(outcomes[-1].results) > 1
    assert isinstance(outcomes[2].error, ImportFailed)
    assert all(outcome.results for i, outcome in enumerate(outcomes) if i != 2)
    assert contents(tmp_path / "batch.linkdesk") == contents(tmp_path / "one.linkdesk")


def test_small_files_share_one_commit_and_one_roll_up_of_domains(
    tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The fixed cost of a file (its commit and the roll-up of every domain it touched) is
    paid once for the whole command, not once a file."""
    roll_ups: list[int] = []
    rebuild = merge.rebuild_referring_domains

    def counted(db: sqlite3.Connection) -> None:
        roll_ups.append(1)
        rebuild(db)

    monkeypatch.setattr(merge, "rebuild_referring_domains", counted)
    project = tmp_path / "cli.linkdesk"
    code = main(["import", str(project), *map(str, exports), "--site", SITE, "--quiet",
                 "--no-score"])
    assert code == 1  # one file could not be imported
    assert len(roll_ups) == 1
    out, err = capsys.readouterr()
    assert "notes.csv: nothing imported; the project is unchanged" in err
    # Results are printed in the order of the files, once committed.
    names = [line.split(":")[0] for line in out.splitlines()
             if not line.startswith((" ", "note:"))]  # note: undated files (moz.csv)
    assert names == ["ahrefs.csv", "semrush.csv", "majestic.csv", "gsc.csv", "moz.csv"]
    assert contents(project)["imports"] == contents(_sequential(tmp_path, exports))["imports"]


def _sequential(tmp_path: Path, files: list[Path]) -> Path:
    path = tmp_path / "sequential.linkdesk"
    one_by_one(path, files)
    return path


def test_a_cancel_keeps_the_files_before_and_stops(
    tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []  # the files whose header was read, in order
    real = pipeline.recognise

    def spy(project: Project, name: str, *args: object) -> object:
        started.append(name)
        return real(project, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "recognise", spy)
    outcomes = in_batches(tmp_path / "cancel.linkdesk", exports,
                          cancelled=lambda: started[-1:] == ["majestic.csv"])
    assert [o.path.name for o in outcomes] == ["ahrefs.csv", "semrush.csv", "notes.csv",
                                               "majestic.csv"]
    assert isinstance(outcomes[3].error, ImportCancelled)
    assert contents(tmp_path / "cancel.linkdesk") == contents(
        _sequential(tmp_path, exports[:3]))
    assert timeline(tmp_path / "cancel.linkdesk") == timeline(tmp_path / "sequential.linkdesk")


def timeline(path: Path) -> str:
    """What `linkdesk changes --json` says of a project: the timeline its imports make."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["changes", str(path), "--json"]) == 0
    return buffer.getvalue().replace(str(path), "PROJECT")


def test_a_bug_in_a_file_keeps_the_files_before_it(
    tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    merges: list[int] = []
    real = merge.merge_stage

    def third_breaks(*args: object, **kwargs: object) -> tuple[int, int]:
        merges.append(1)
        if len(merges) == 3:
            raise RuntimeError("a bug")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(merge, "merge_stage", third_breaks)
    outcomes: list[FileOutcome] = []
    path = tmp_path / "bug.linkdesk"
    with Project.open(path) as project:
        with pytest.raises(RuntimeError):
            import_files(project, exports, ImportOptions(site=SITE), done=outcomes.append)
        assert not project.db.in_transaction
    assert each_imported(outcomes) == [
        ("ahrefs.csv", True), ("semrush.csv", True), ("notes.csv", False)]
    monkeypatch.setattr(merge, "merge_stage", real)
    assert contents(path) == contents(_sequential(tmp_path, exports[:3]))


def test_a_batch_sqlite_rolls_back_is_reported_whole(
    tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """When SQLite ends the transaction itself (a full disk), the files imported before in
    the same batch are gone too: they are reported as not imported, never as imported."""
    touches: list[int] = []
    real = merge.touch_domains

    def disk_full_on_third(db: sqlite3.Connection, *args: object) -> None:
        touches.append(1)
        if len(touches) == 3:
            db.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        real(db, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(merge, "touch_domains", disk_full_on_third)
    outcomes = in_batches(tmp_path / "full.linkdesk", exports)
    assert each_imported(outcomes) == [
        ("ahrefs.csv", False), ("semrush.csv", False), ("notes.csv", False),
        ("majestic.csv", False), ("gsc.csv", True), ("moz.csv", True)]
    assert "disk is full" in str(outcomes[3].error)
    assert "rolled back" in str(outcomes[0].error)
    monkeypatch.setattr(merge, "touch_domains", real)
    imported = [row[1] for row in contents(tmp_path / "full.linkdesk")["imports"]]
    assert imported == ["gsc.csv", "moz.csv"]


def test_the_window_s_import_reports_a_bug_for_its_file_and_goes_on(
    qtbot: object, tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window imports in batches too: a bad file and a bug in another are each reported
    for their file, and every other file is imported, with progress for each in order."""
    from linkdesk.ui.workers.importer import ImportWorker

    merges: list[int] = []
    real = merge.merge_stage

    def fourth_breaks(*args: object, **kwargs: object) -> tuple[int, int]:
        merges.append(1)
        if len(merges) == 3:  # majestic.csv, after the non-export notes.csv
            raise RuntimeError("a bug")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    path = tmp_path / "window.linkdesk"
    Project.open(path).close()
    monkeypatch.setattr(merge, "merge_stage", fourth_breaks)
    worker = ImportWorker(path, exports, ImportOptions(site=SITE))
    numbers: list[int] = []
    worker.progressed.connect(lambda step: numbers.append(step.file_number))
    outcome = worker.work()
    assert [name for name, _ in outcome.failures] == ["notes.csv", "majestic.csv"]
    assert "internal error (a bug)" in outcome.failures[1][1]
    assert not outcome.cancelled
    assert numbers == sorted(numbers) and set(numbers) == {1, 2, 4, 5, 6}
    monkeypatch.setattr(merge, "merge_stage", real)
    expected = [e for e in exports if e.name not in ("notes.csv", "majestic.csv")]
    assert contents(path) == contents(_sequential(tmp_path, expected))


def test_a_batch_whose_commit_fails_reports_each_of_its_files(
    tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up when the batch is committed: every file of the batch is reported as
    not imported (none silently left out), and the files of the next batch are imported."""
    commits: list[int] = []
    real = merge.rebuild_referring_domains

    def disk_full_on_first(db: sqlite3.Connection) -> None:
        commits.append(1)
        if len(commits) == 1:
            raise sqlite3.OperationalError("database or disk is full")
        real(db)

    monkeypatch.setattr(merge, "rebuild_referring_domains", disk_full_on_first)
    sizes = [path.stat().st_size for path in exports]
    outcomes = in_batches(tmp_path / "full.linkdesk", exports,
                          batch_bytes=sum(sizes[:2]))  # ahrefs and semrush, then the rest
    assert each_imported(outcomes) == [
        ("ahrefs.csv", False), ("semrush.csv", False), ("notes.csv", False),
        ("majestic.csv", True), ("gsc.csv", True), ("moz.csv", True)]
    assert "disk is full" in str(outcomes[0].error)
    assert "semrush.csv" in str(outcomes[1].error)
    monkeypatch.setattr(merge, "rebuild_referring_domains", real)
    assert contents(tmp_path / "full.linkdesk") == contents(
        _sequential(tmp_path, exports[3:]))


def test_the_cli_names_every_file_of_a_batch_whose_commit_fails(
    tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def disk_full(db: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(merge, "rebuild_referring_domains", disk_full)
    project = tmp_path / "cli.linkdesk"
    Project.open(project).close()
    code = main(["import", str(project), str(exports[0]), str(exports[1]), "--site", SITE,
                 "--no-score"])
    err = capsys.readouterr().err
    assert code != 0
    for name in ("ahrefs.csv", "semrush.csv"):
        assert f"{name}: nothing imported; the project is unchanged" in err
    assert "Traceback" not in err


def test_the_window_s_cancel_keeps_the_files_before_in_the_batch(
    qtbot: object, tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancel while the window reads the fourth file: the three before it (one of them no
    export) are reported as one-by-one imports would report them, and kept; none after."""
    from linkdesk.ui.workers.importer import ImportWorker

    path = tmp_path / "window.linkdesk"
    Project.open(path).close()
    worker = ImportWorker(path, exports, ImportOptions(site=SITE))
    real = pipeline.recognise

    def cancel_at_majestic(project: Project, name: str, *args: object) -> object:
        if name == "majestic.csv":
            worker.cancel()  # as the Cancel button does, from another thread
        return real(project, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "recognise", cancel_at_majestic)
    outcome = worker.work()
    assert outcome.cancelled
    assert [result.file for result in outcome.results] == ["ahrefs.csv", "semrush.csv"]
    assert [name for name, _ in outcome.failures] == ["notes.csv"]
    assert contents(path) == contents(_sequential(tmp_path, exports[:3]))


class _Terminal(io.StringIO):
    """stderr as a terminal shows it: `\\r` goes back to the line's start, ESC [K clears
    the rest of it."""

    def isatty(self) -> bool:
        return True

    def lines(self) -> list[str]:
        shown, line, at = [], "", 0
        text = self.getvalue()
        index = 0
        while index < len(text):
            if text.startswith("\033[K", index):
                line, index = line[:at], index + 3
                continue
            char = text[index]
            if char == "\r":
                at = 0
            elif char == "\n":
                shown.append(line)
                line, at = "", 0
            else:
                line = line[:at] + char + line[at + 1:]
                at += 1
            index += 1
        return [*shown, line]


def test_the_cli_s_progress_line_shows_only_the_file_being_read(
    tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Files of one batch are read one after another before any is reported: the progress
    line of a short file name must not keep the end of the longer one before it."""
    from linkdesk.commands import imports

    long_name = exports[0].with_name("ahrefs-backlinks-acme-widgets-com-2026-11-20.csv")
    exports[0].rename(long_name)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    shown: list[str] = []  # the line the terminal shows after each progress report
    real = imports._print_progress

    def watched(progress: pipeline.ImportProgress) -> None:
        real(progress)
        shown.append(terminal.lines()[-1])

    monkeypatch.setattr(imports, "_print_progress", watched)
    project = tmp_path / "tty.linkdesk"
    assert main(["import", str(project), str(long_name), str(exports[1]), "--site", SITE,
                 "--no-score"]) == 0
    assert any(line.startswith(long_name.name) for line in shown)
    semrush = [line for line in shown if line.startswith("semrush.csv")]
    assert semrush and all(re.fullmatch(r"semrush\.csv: [\d,]+ rows \(\d+%\)", line)
                           for line in semrush), semrush


def test_the_window_reports_each_file_of_a_batch_a_bug_rolled_back_once(
    qtbot: object, tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug when the batch is saved: each of its files is reported once, as not imported."""
    from linkdesk.ui.workers.importer import ImportWorker

    def broken(db: sqlite3.Connection) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(merge, "rebuild_referring_domains", broken)
    path = tmp_path / "window.linkdesk"
    Project.open(path).close()
    outcome = ImportWorker(path, exports[:2], ImportOptions(site=SITE)).work()
    assert [name for name, _ in outcome.failures] == ["ahrefs.csv", "semrush.csv"]
    assert not outcome.results
    assert all("a bug" in message for _, message in outcome.failures)


def _sqlite_ends_transaction_on(
    monkeypatch: pytest.MonkeyPatch, failing: set[int]
) -> None:
    """SQLite ends the transaction (as SQLITE_FULL does) while the files whose touches of
    referring domains are numbered in `failing` (from 1) are imported."""
    touches: list[int] = []
    real = merge.touch_domains

    def disk_full(db: sqlite3.Connection, *args: object) -> None:
        touches.append(1)
        if len(touches) in failing:
            db.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        real(db, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(merge, "touch_domains", disk_full)


def test_the_first_file_of_a_batch_sqlite_rolls_back_is_reported_and_the_rest_imported(
    tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk on the first file of a batch is that file's failure, as on a later file:
    it names the file and the problem, nothing of it is kept, and the next files go on."""
    _sqlite_ends_transaction_on(monkeypatch, {1})
    outcomes = in_batches(tmp_path / "full.linkdesk", exports)
    assert each_imported(outcomes) == [
        ("ahrefs.csv", False), ("semrush.csv", True), ("notes.csv", False),
        ("majestic.csv", True), ("gsc.csv", True), ("moz.csv", True)]
    message = str(outcomes[0].error)
    assert message.startswith("ahrefs.csv: not imported: ") and "disk is full" in message
    assert "Traceback" not in message and not outcomes[0].results
    monkeypatch.undo()
    assert contents(tmp_path / "full.linkdesk") == contents(
        _sequential(tmp_path, [e for e in exports if e.name != "ahrefs.csv"]))


def test_files_rolled_back_name_the_file_whose_failure_took_them(
    tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """notes.csv sits between semrush.csv and majestic.csv, whose full disk rolls back the
    batch: ahrefs.csv and semrush.csv name majestic.csv, not "the file after it"."""
    _sqlite_ends_transaction_on(monkeypatch, {3})
    outcomes = in_batches(tmp_path / "full.linkdesk", exports)
    for lost in outcomes[:2]:
        assert "majestic.csv" in str(lost.error), lost.error
        assert "the file after it" not in str(lost.error)
    assert "notes.csv" not in str(outcomes[0].error)
    assert str(outcomes[3].error).startswith(
        "majestic.csv: not imported, nor the 2 files imported before it in its batch: ")


def test_the_cli_goes_on_after_a_full_disk_on_the_first_file_of_a_batch(
    tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _sqlite_ends_transaction_on(monkeypatch, {1})
    project = tmp_path / "cli.linkdesk"
    Project.open(project).close()
    code = main(["import", str(project), str(exports[0]), str(exports[1]), "--site", SITE,
                 "--no-score"])
    out, err = capsys.readouterr()
    assert code != 0
    assert "linkdesk import: ahrefs.csv: not imported: " in err and "disk is full" in err
    assert "ahrefs.csv: nothing imported; the project is unchanged" in err
    assert "Traceback" not in err
    assert "semrush.csv: Semrush" in out, out
    monkeypatch.undo()
    assert [row[1] for row in contents(project)["imports"]] == ["semrush.csv"]


def test_the_window_goes_on_after_a_full_disk_on_the_first_file_of_a_batch(
    qtbot: object, tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window reports the full disk for its file, as the command line does, not as an
    internal error, and imports the next files."""
    from linkdesk.ui.workers.importer import ImportWorker

    _sqlite_ends_transaction_on(monkeypatch, {1})
    path = tmp_path / "window.linkdesk"
    Project.open(path).close()
    outcome = ImportWorker(path, exports[:2], ImportOptions(site=SITE)).work()
    assert [name for name, _ in outcome.failures] == ["ahrefs.csv"]
    assert "disk is full" in outcome.failures[0][1]
    assert "internal error" not in outcome.failures[0][1]
    assert [result.file for result in outcome.results] == ["semrush.csv"]


def test_a_first_batch_rolls_up_its_domains_as_the_lookup_of_touched_domains_does(
    tmp_path: Path, exports: list[Path]
) -> None:
    """A batch into a project without links reads all links for the roll-up of domains (it
    touched every one); rolling every domain up again domain by domain changes nothing."""
    in_batches(tmp_path / "first.linkdesk", exports)
    with Project.open(tmp_path / "first.linkdesk") as project:
        db = project.db
        before = db.execute("SELECT * FROM referring_domains ORDER BY domain").fetchall()
        db.execute("BEGIN")
        merge.start_touching(db)  # the project has links now: the lookup path
        merge.touch_domains(db, "SELECT domain FROM links UNION SELECT domain FROM google_sites")
        merge.rebuild_referring_domains(db)
        after = db.execute("SELECT * FROM referring_domains ORDER BY domain").fetchall()
        db.execute("ROLLBACK")
    assert after == before
    assert any(row[5] for row in before)  # Search Console's pages took part
    assert len({row[2] for row in before}) > 1  # and domains with several hosts
