"""A big export is staged on two cores: the result must equal a one-core import exactly."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from exportgen import LinkRecord, make_profile, write_ahrefs

from linkdesk.core.importers import parallel
from linkdesk.core.importers.original import original_row
from linkdesk.core.importers.pipeline import import_file
from linkdesk.core.store import Project


def tricky_profile(count: int) -> list[LinkRecord]:
    """Titles with quotes and line breaks, so a naive split would cut a record in two."""
    records = list(make_profile(count, seed=21))
    for index in range(0, count, 7):
        record = records[index]
        records[index] = LinkRecord(
            **{**{f: getattr(record, f) for f in record.__dataclass_fields__},
               "title": f'Review "part {index}"\nsecond line, with, commas'}
        )
    return records


def everything(project: Project) -> dict[str, list[tuple[object, ...]]]:
    db = project.db
    return {
        "links": db.execute(
            "SELECT source_url, target_url, domain, title, anchor, first_seen, domain_rating, "
            "observation_count FROM links ORDER BY 1, 2"
        ).fetchall(),
        "observations": db.execute(
            "SELECT line_no, vendor, title, anchor FROM observation_fields ORDER BY line_no"
        ).fetchall(),
        "skipped": db.execute("SELECT line_no, reason FROM skipped_rows ORDER BY 1").fetchall(),
        "imports": db.execute("SELECT rows_read, rows_imported, rows_skipped FROM imports")
        .fetchall(),
        "text": db.execute(  # the file's own text, whichever process compressed it
            "SELECT first_line, last_line, text_z FROM import_chunks ORDER BY first_line"
        ).fetchall(),
    }


def import_with(tmp_path: Path, export: Path, name: str, min_bytes: int,
                monkeypatch: pytest.MonkeyPatch, results: list | None = None) -> Project:
    """Import, and check that a second process was used exactly when the file is big enough.

    The import's results are put in `results`, when given."""
    monkeypatch.setattr(parallel, "MIN_BYTES", min_bytes)
    started: list[parallel.SecondHalf] = []
    original_init = parallel.SecondHalf.__init__

    def spy(self: parallel.SecondHalf, job: parallel.PartJob) -> None:
        started.append(self)
        original_init(self, job)

    monkeypatch.setattr(parallel.SecondHalf, "__init__", spy)
    project = Project.open(tmp_path / name)
    imported = import_file(project, export)
    if results is not None:
        results.extend(imported)
    assert bool(started) == (export.stat().st_size >= min_bytes)
    assert all(not Path(second.folder).exists() for second in started)  # scratch removed
    return project


def in_one_process(tmp_path: Path, count: int,
                   monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Project]:
    """An Ahrefs export of `count` tricky rows, and its import by this process alone: what
    an import in two halves must give."""
    export = tmp_path / "ahrefs.csv"
    write_ahrefs(export, tricky_profile(count))
    return export, import_with(tmp_path, export, "one.linkdesk", 1 << 40, monkeypatch)


def test_two_halves_give_the_same_project_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "ahrefs.csv"
    write_ahrefs(export, tricky_profile(3_000))
    text = export.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = len(text) * 3 // 4  # a malformed row and a bad URL in the second half
    text[broken] = "just,three,cells\n"
    text[broken + 3] = text[broken + 3].replace("https://", "gopher://", 1)
    export.write_text("".join(text), encoding="utf-8")

    one = import_with(tmp_path, export, "one.linkdesk", 1 << 40, monkeypatch)
    two = import_with(tmp_path, export, "two.linkdesk", 1, monkeypatch)
    assert everything(two) == everything(one)
    assert len(everything(two)["skipped"]) == 2
    line = everything(two)["observations"][-1][0]
    import_id = two.db.execute("SELECT id FROM imports").fetchone()[0]
    assert original_row(two.db, import_id, line)["Referring page URL"].startswith("http")


@pytest.mark.parametrize("min_bytes", [1, 1 << 40], ids=["two-halves", "one-process"])
def test_a_line_of_the_second_half_not_utf8_is_read_as_cp1252_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, min_bytes: int
) -> None:
    export = tmp_path / "ahrefs.csv"
    write_ahrefs(export, make_profile(2_000, seed=3))
    data = export.read_bytes()
    last = data.rstrip(b"\n").rsplit(b"\n", 1)[1]
    cells = last.split(b",")
    cells[0] = "Caf\u00e9 cr\u00e8me".encode("cp1252")
    export.write_bytes(data + b",".join(cells) + b"\n")
    line = data.count(b"\n") + 1
    results: list = []
    project = import_with(tmp_path, export, "p.linkdesk", min_bytes, monkeypatch, results)
    encoding = project.db.execute("SELECT encoding FROM imports").fetchone()[0]
    titles = {row[0] for row in project.db.execute("SELECT title FROM observation_fields")}
    assert encoding == "utf-8"  # the file is UTF-8; one line of it is not
    assert "Café crème" in titles
    assert results[0].warnings == [
        f"mixed encodings: 1 line (line {line}) was not UTF-8; read as Windows-1252"
    ]


def test_split_point_is_outside_quotes() -> None:
    head = b"a,b\n"
    body = b'x,"one\ntwo"\n' * 50
    raw = io.BufferedReader(io.BytesIO(head + body))  # type: ignore[arg-type]
    split, lines = parallel._record_boundary_near(raw, len(head), len(head) + len(body) // 2 + 5)
    record = b'x,"one\ntwo"\n'
    assert (split - len(head)) % len(record) == 0
    assert lines == 2 * (split - len(head)) // len(record)


def test_if_the_second_process_fails_this_one_stages_its_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export, one = in_one_process(tmp_path, 1_500, monkeypatch)

    def crashed(self: parallel.SecondHalf) -> tuple[int, list[object]]:
        self.stop()
        raise parallel.SecondHalfFailed("the import process stopped unexpectedly")

    monkeypatch.setattr(parallel.SecondHalf, "result", crashed)
    two = import_with(tmp_path, export, "two.linkdesk", 1, monkeypatch)
    assert everything(two) == everything(one)


def test_the_text_is_compressed_by_the_second_process_or_else_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export, one = in_one_process(tmp_path, 3_000, monkeypatch)
    two = import_with(tmp_path, export, "two.linkdesk", 1, monkeypatch)
    assert everything(two) == everything(one)
    assert everything(two)["text"]

    def failed(self: parallel.SecondHalf) -> bool:
        self.stop()
        return False  # as when the process could not compress the text

    monkeypatch.setattr(parallel.SecondHalf, "text_result", failed)
    three = import_with(tmp_path, export, "three.linkdesk", 1, monkeypatch)
    assert everything(three) == everything(one)


def test_main_module_is_restored_when_two_imports_start_at_once() -> None:
    """Two imports starting their second process at the same moment (two windows' import
    threads): each hides `__main__` while its process starts; the real module must be back
    after both, whichever leaves first (a saved-and-restored swap put the empty stand-in back
    for good when the two overlapped)."""
    import sys
    import threading
    from collections.abc import Callable

    real = sys.modules["__main__"]
    a_inside, b_inside, a_out = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:  # enters first, leaves first
        with parallel._main_module_hidden():
            a_inside.set()
            b_inside.wait(30)
        a_out.set()

    def second() -> None:  # enters while the first is inside, leaves last
        a_inside.wait(30)
        with parallel._main_module_hidden():
            b_inside.set()
            a_out.wait(30)

    def run(step: Callable[[], None]) -> None:
        try:
            step()
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(step,)) for step in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sys.modules["__main__"] is real


@pytest.mark.parametrize("failing", ["start", "scratch folder"])
def test_a_second_process_that_cannot_start_leaves_the_import_to_this_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """No process left to spawn (a process limit), no room for its scratch folder (a full
    disk): the file is still imported, whole, by this process, and no scratch folder is left."""
    import multiprocessing.context
    import tempfile

    export = tmp_path / "ahrefs.csv"
    write_ahrefs(export, tricky_profile(3_000))
    one = import_with(tmp_path, export, "one.linkdesk", 1 << 40, monkeypatch)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    tried: list[str] = []
    make_folder = tempfile.mkdtemp

    def no_room(*args: object, **kwargs: object) -> str:
        tried.append("scratch folder")
        if failing == "scratch folder":
            raise OSError(28, "No space left on device")
        return make_folder(*args, **kwargs)  # type: ignore[arg-type]

    def cannot_start(self: object) -> None:
        tried.append("start")
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(tempfile, "mkdtemp", no_room)
    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", cannot_start)
    monkeypatch.setattr(parallel, "MIN_BYTES", 1)
    two = Project.open(tmp_path / "two.linkdesk")
    import_file(two, export)
    assert tried[-1] == failing
    assert everything(two) == everything(one)
    assert list(scratch.iterdir()) == []


def test_a_scratch_folder_gone_before_its_cleanup_leaves_the_import_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second process's scratch folder removed behind the import's back (a temp
    cleaner) once the rows are in: the batch is committed, so its file is reported imported,
    not as rolled back by an error of deleting scratch files."""
    import shutil

    from linkdesk.core.importers.batches import FileOutcome, import_files

    export = tmp_path / "ahrefs.csv"
    write_ahrefs(export, tricky_profile(3_000))
    remove = parallel.SecondHalf.remove
    removed: list[str] = []

    def gone_first(self: parallel.SecondHalf) -> None:
        shutil.rmtree(self.folder)
        removed.append(self.folder)
        remove(self)

    monkeypatch.setattr(parallel.SecondHalf, "remove", gone_first)
    monkeypatch.setattr(parallel, "MIN_BYTES", 1)
    outcomes: list[FileOutcome] = []
    with Project.open(tmp_path / "p.linkdesk") as project:
        import_files(project, [export], done=outcomes.append)
        links = project.db.execute("SELECT count(*) FROM links").fetchone()[0]
    assert removed
    assert [outcome.error for outcome in outcomes] == [None]
    assert outcomes[0].results[0].rows_imported == links > 2_000
