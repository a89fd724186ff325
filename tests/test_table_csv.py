"""CSV export of a table exactly as filtered and sorted (exports/table_csv.py)."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_semrush
from test_tables import SITE, write_exports

from linkdesk.core.exports import CsvExportCancelled, cell_text, export_table_csv, safe_cell
from linkdesk.core.exports.table_csv import csv_columns
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.marks import MarkKind, Target, mark
from linkdesk.core.scoring import rescore
from linkdesk.core.store import Project
from linkdesk.core.tables import (
    ANCHORS,
    LINKS,
    Filters,
    Sort,
    TableQuery,
    ensure_table_indexes,
    marked_tables,
)

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1)",
           "\tcmd", "\rcmd"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tables' sample profile, plus a Semrush export whose anchors are formulas."""
    folder = tmp_path_factory.mktemp("csv")
    path = folder / "sample.linkdesk"
    hostile = [dataclasses.replace(record, anchor=HOSTILE[i % len(HOSTILE)])
               for i, record in enumerate(make_profile(12, site=SITE, seed=77))]
    write_semrush(folder / "hostile.csv", hostile)
    with Project.open(path) as project:
        for export in [*write_exports(folder, 600), folder / "hostile.csv"]:
            import_file(project, export, ImportOptions(site=SITE))
        ensure_table_indexes(project.db)
        rescore(project.db)
        domains = [row[0] for row in project.db.execute(
            "SELECT domain FROM domain_scores WHERE risk_level = 3 ORDER BY domain LIMIT 5")]
        mark(project.db, Target(domains=tuple(domains)), MarkKind.DISAVOW, "=cmd|' /C calc'!A0")
    return path


@pytest.fixture
def db(sample: Path) -> Iterator[sqlite3.Connection]:
    with Project.open(sample) as project:
        yield project.db


def read_csv(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


def expected_rows(db: sqlite3.Connection, spec: object, filters: Filters, sort: Sort | None,
                  names: tuple[str, ...]) -> list[list[str]]:
    """What the window shows, row by row, through the formula guard."""
    query = TableQuery(db, spec, filters, sort)  # type: ignore[arg-type]
    ids = list(query.ordered_ids())
    rows = query.rows(ids)
    columns = [query.spec.column(name) for name in names]
    positions = [query.spec.column_index(name) for name in names]
    pairs = list(zip(columns, positions, strict=True))
    return [[safe_cell(cell_text(column, rows[i][p])) for column, p in pairs] for i in ids]


def test_the_csv_is_the_table_as_filtered_and_sorted(db: sqlite3.Connection, tmp_path: Path
                                                     ) -> None:
    links, _ = marked_tables(db)
    filters, sort = Filters(search="blog", band=1), Sort("quality", descending=True)
    out = tmp_path / "links.csv"
    count = export_table_csv(db, links, filters, sort, out, batch=7)
    rows = read_csv(out)
    header = rows[0]
    titles = {n: ("Risk flags" if n == "flags" else links.column(n).title)
              for n in csv_columns(links)}
    assert header == list(titles.values())
    assert header[-2:] == ["Risk flags", "Mark reason"]
    names = tuple(n for n in titles if n != "flags")
    shown = expected_rows(db, links, filters, sort, names)
    assert 10 < count == len(shown) == len(rows) - 1
    picked = [[row[header.index(titles[n])] for n in names] for row in rows[1:]]
    assert picked == shown
    quality = header.index("Quality")
    values = [float(row[quality]) for row in rows[1:]]
    assert values == sorted(values, reverse=True)
    assert {row[header.index("Band")] for row in rows[1:]} == {"Weak"}


def test_marks_reasons_bands_and_flags_are_written(db: sqlite3.Connection, tmp_path: Path
                                                   ) -> None:
    _, domains = marked_tables(db)
    out = tmp_path / "domains.csv"
    count = export_table_csv(db, domains, Filters(marked="disavow"), Sort("domain"), out)
    rows = read_csv(out)
    header = rows[0]
    assert count == 5
    for row in rows[1:]:
        assert row[header.index("Mark")] == "Disavow"
        assert row[header.index("Risk")] == "High"
        assert row[header.index("Band")] in ("Risky", "Weak", "Fair", "Strong")
        assert row[header.index("Mark reason")] == "'=cmd|' /C calc'!A0"  # guarded
        assert row[header.index("Risk flags")]  # high risk: some flag names
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])


def test_formula_like_cells_are_neutralised(db: sqlite3.Connection, tmp_path: Path) -> None:
    out = tmp_path / "links.csv"
    export_table_csv(db, LINKS, None, None, out)
    rows = read_csv(out)
    anchor = rows[0].index("Anchor")
    anchors = {row[anchor] for row in rows[1:]}
    # Tabs and CRs become spaces, as on screen; then the guard applies.
    assert {"'=HYPERLINK(\"http://evil.example\",\"click\")", "'+1+1", "'-2+3",
            "'@SUM(A1)"} <= anchors
    assert not any(text[:1] in ("=", "+", "-", "@", "\t", "\r") for row in rows for text in row)
    assert safe_cell(None) == "" and safe_cell(-3) == "-3" and safe_cell("a=b") == "a=b"


def test_bom_for_excel_and_utf8(db: sqlite3.Connection, tmp_path: Path) -> None:
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    export_table_csv(db, ANCHORS, Filters(), None, plain)
    export_table_csv(db, ANCHORS, Filters(), None, excel, bom=True)
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert excel.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes()
    assert read_csv(excel, "utf-8-sig")[0][0] == "Anchor"


def test_progress_is_reported_and_rows_come_in_batches(db: sqlite3.Connection, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int]] = []
    sizes: list[int] = []
    original = TableQuery.rows

    def rows(self: TableQuery, ids: list[int]) -> dict[int, tuple[object, ...]]:
        sizes.append(len(ids))
        return original(self, ids)

    monkeypatch.setattr(TableQuery, "rows", rows)
    total = TableQuery(db, LINKS).count()
    count = export_table_csv(db, LINKS, None, None, tmp_path / "all.csv", batch=100,
                             progress=lambda p: seen.append((p.rows_written, p.rows_total)))
    assert count == total and max(sizes) == 100 and sum(sizes) == total
    assert [w for w, _ in seen] == sorted(w for w, _ in seen)
    assert seen[-1] == (total, total) and {t for _, t in seen} == {total}


def test_cancel_leaves_no_file_and_keeps_an_older_one(db: sqlite3.Connection, tmp_path: Path
                                                       ) -> None:
    out = tmp_path / "links.csv"
    out.write_text("older export\n", encoding="utf-8")
    calls = iter(range(1000))
    with pytest.raises(CsvExportCancelled):
        export_table_csv(db, LINKS, None, None, out, batch=50, cancel=lambda: next(calls) >= 3)
    assert out.read_text(encoding="utf-8") == "older export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["links.csv"]


def test_unknown_columns_sorts_and_filters_are_refused(db: sqlite3.Connection, tmp_path: Path
                                                       ) -> None:
    out = tmp_path / "x.csv"
    with pytest.raises(ValueError, match="no column 'nope'"):
        export_table_csv(db, LINKS, None, None, out, columns=["source_url", "nope"])
    with pytest.raises(ValueError, match="cannot be sorted"):
        export_table_csv(db, LINKS, None, Sort("rel"), out)
    with pytest.raises(ValueError, match="cannot be filtered by marked"):
        export_table_csv(db, LINKS, Filters(marked=True), None, out)
    assert list(tmp_path.iterdir()) == []


def test_chosen_columns_in_the_chosen_order(db: sqlite3.Connection, tmp_path: Path) -> None:
    out = tmp_path / "few.csv"
    export_table_csv(db, LINKS, None, Sort("source_url"), out,
                     columns=["lost", "source_url", "domain_rating"])
    rows = read_csv(out)
    assert rows[0] == ["Lost", "Source URL", "DR"]
    assert {row[0] for row in rows[1:]} <= {"yes", "no", ""}
    sources = [row[1] for row in rows[1:]]
    assert sources == [r[0] for r in db.execute(
        "SELECT source_url FROM links ORDER BY source_url, target_url")]
    text = io.StringIO(out.read_text(encoding="utf-8"))
    assert next(csv.reader(text)) == ["Lost", "Source URL", "DR"]


def test_files_get_the_permissions_a_saved_file_gets(db: sqlite3.Connection, tmp_path: Path
                                                     ) -> None:
    """Written under a private temporary name, but readable like any file the user saves."""
    import os
    import stat

    previous = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.csv"
        export_table_csv(db, LINKS, Filters(), None, fresh)
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "kept.csv"
        kept.write_text("old\n", encoding="utf-8")
        kept.chmod(0o640)
        export_table_csv(db, LINKS, Filters(), None, kept)
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640  # an existing file keeps its mode
    finally:
        os.umask(previous)


@pytest.mark.parametrize("text", [" =1+1", "\u00a0=1+1", "\u3000=1+1", "\ufeff=1+1",
                                  "\n=1+1", "\r\n+2", "\u200b@SUM(A1)", " \t -3+1", "\n"])
def test_formulas_behind_whitespace_are_neutralised(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["a=b", " a=b", "\u00a0plain", "", "   ", "100", "x-1", "-3",
                                  " -3"])
def test_plain_text_is_left_alone(text: str) -> None:
    assert safe_cell(text) == text


def test_an_export_never_replaces_a_project(db: sqlite3.Connection, sample: Path,
                                            tmp_path: Path) -> None:
    """Issue 13: the table writer replaced whatever the path named, the project too."""
    import hashlib
    import os
    import shutil

    from linkdesk.core.files import ProtectedFileError

    def digest(path: Path) -> bytes:
        return hashlib.sha256(path.read_bytes()).digest()

    before = digest(sample)
    copy = tmp_path / "copy.db"
    shutil.copy(sample, copy)
    os.link(sample, tmp_path / "hardlink.csv")
    targets = [
        sample,  # the open project itself
        tmp_path / "hardlink.csv",  # the same file under another name
        sample.with_name(sample.name + "-wal"),  # its write-ahead log (may not exist yet)
        sample.with_name(sample.name + "-shm"),
        sample.with_name(sample.name + ".v3.bak"),  # a migration backup
        copy,  # any SQLite file
        tmp_path / "new.linkdesk",  # a project's name
    ]
    wal = sample.with_name(sample.name + "-wal")
    had_wal = wal.exists()
    for target in targets:
        with pytest.raises(ProtectedFileError, match=r"not written: .*choose another file name"):
            export_table_csv(db, LINKS, None, None, target)
    assert digest(sample) == before and digest(copy) == before
    assert wal.exists() == had_wal
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db", "hardlink.csv"]
    assert TableQuery(db, LINKS).count() > 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_choosing_a_named_pipe_does_not_hang_the_protection_check(tmp_path: Path) -> None:
    from linkdesk.core.files import refuse_project_file

    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    checking = threading.Thread(target=refuse_project_file, args=(fifo,), daemon=True)
    checking.start()
    checking.join(timeout=30)  # passes at once; only a hang waits
    hung = checking.is_alive()
    if hung:  # let it go: a writer opening the pipe ends the read
        with open(fifo, "wb"):
            pass
    assert not hung, "refuse_project_file waited for a writer on a named pipe"
