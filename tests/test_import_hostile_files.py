"""Exports made to hurt (issue 13): mixed encodings, decompression bombs, unreadable ZIPs,
NUL bytes, ZIPs of thousands of CSVs or of two CSVs of one name, duplicated columns.

Each is either imported as far as it is good, with what was done said in the summary, or
refused with a message naming the file and the problem, the project unchanged.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest
from exportgen import SEMRUSH_COLUMNS, LinkRecord, make_profile, write_ahrefs, write_semrush
from test_import_bad_files import (
    SITE_ROOT,
    assert_rejected,
    csv_text,
    dump,
    link_count,
    seeded,  # noqa: F401 - a fixture
    semrush_line,
)

from linkdesk.core.importers.lines import MAX_LINE_BYTES, MAX_RECORD_CHARS, TextLines
from linkdesk.core.importers.original import original_row
from linkdesk.core.importers.pipeline import ImportResult, import_file
from linkdesk.core.store import Project

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: object, memory_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    """`linkdesk ...` from this checkout's code, optionally under an address-space limit."""
    limit = (
        f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({memory_limit}, "
        f"{memory_limit})); " if memory_limit else ""
    )
    script = f"{limit}import sys; from linkdesk.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONUTF8": "1", "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", script, *map(str, args)], cwd=REPO, env=env,
        capture_output=True, text=True, encoding="utf-8", timeout=600, check=False,
    )


def semrush_rows(count: int, start: int = 0) -> list[list[str]]:
    return [
        semrush_line(**{"Source url": f"https://blog{i}.example.net/widgets-{i}",
                        "Anchor": f"widget review {i}"})
        for i in range(start, start + count)
    ]


# --- 5: one stray Windows-1252 line in a UTF-8 file ---------------------------------------------


def mixed_encoding_export(path: Path) -> int:
    """A UTF-8 Semrush export (non-ASCII from the start) with one cp1252 line after 64 KB.

    Returns that line's number.
    """
    rows = [
        semrush_line(**{"Source url": f"https://www.bücher-test.de/seite-{i}",
                        "Source title": "Bücher Café", "Anchor": f"Bücher {i}"})
        for i in range(700)
    ]
    utf8 = csv_text(SEMRUSH_COLUMNS, *rows).encode("utf-8")
    assert len(utf8) > 65_536
    legacy = csv_text(semrush_line(**{"Source url": "https://www.müller-shop.de/",
                                      "Anchor": "Müller – 20 €"})).encode("cp1252")
    tail = csv_text(*semrush_rows(20)).encode("utf-8")
    path.write_bytes(utf8 + legacy + tail)
    return utf8.count(b"\n") + 1


MIXED_WARNING = "mixed encodings: 1 line (line {}) was not UTF-8; read as Windows-1252"


def test_one_cp1252_line_is_read_alone_and_the_utf8_stays_utf8(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "semrush-mixed.csv"
    line = mixed_encoding_export(path)

    (result,) = import_file(project, path)

    assert (result.rows_imported, result.rows_skipped) == (721, 0)
    assert result.warnings == [MIXED_WARNING.format(line)]
    titles = {row[0] for row in project.db.execute("SELECT DISTINCT title FROM links "
                                                   "WHERE source_host LIKE '%xn--bcher%'")}
    assert titles == {"Bücher Café"}
    hosts = {row[0] for row in project.db.execute("SELECT DISTINCT source_host FROM links")}
    assert hosts == {"www.xn--bcher-test-9db.de", "www.xn--mller-shop-9db.de",
                     *(f"blog{i}.example.net" for i in range(20))}
    anchors = dict(project.db.execute("SELECT source_host, anchor FROM links").fetchall())
    assert anchors["www.xn--mller-shop-9db.de"] == "Müller – 20 €"
    import_id = project.db.execute("SELECT id FROM imports").fetchone()[0]
    assert original_row(project.db, import_id, line)["Anchor"] == "Müller – 20 €"
    assert original_row(project.db, import_id, 2)["Source title"] == "Bücher Café"


def test_cli_prints_the_mixed_encoding_warning(tmp_path: Path) -> None:
    path = tmp_path / "semrush-mixed.csv"
    line = mixed_encoding_export(path)

    done = run_cli("import", tmp_path / "acme.linkdesk", path, "--no-score")

    assert done.returncode == 0, done.stderr
    assert f"warning: {MIXED_WARNING.format(line)}" in done.stdout


def test_window_summary_lists_the_warnings() -> None:
    from linkdesk.ui.dialogs.messages import import_report
    from linkdesk.ui.workers.importer import ImportOutcome

    result = ImportResult("semrush.csv", "semrush", "backlinks", "Semrush backlinks",
                          rows_read=3, rows_imported=3, warnings=[MIXED_WARNING.format(70213)])

    report = import_report(ImportOutcome(results=[result]))

    assert f"semrush.csv: warning: {MIXED_WARNING.format(70213)}" in report.splitlines()


# --- 6: a compressed export holding one enormous line --------------------------------------------


def repeated_deflate(head: bytes, block: bytes, count: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + block * count + tail, made in milliseconds however big the text:
    after a full flush the compressor starts afresh, so every block compresses alike.

    Returns the compressed bytes, the CRC-32 and the size of the text.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    one = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return start + one * count + end, crc, len(head) + len(block) * count + len(tail)


def gzip_bomb(path: Path, head: bytes, block: bytes, count: int, tail: bytes) -> None:
    data, crc, size = repeated_deflate(head, block, count, tail)
    path.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + data
                     + struct.pack("<II", crc, size & 0xFFFFFFFF))


def zip_bomb(path: Path, name: str, head: bytes, block: bytes, count: int, tail: bytes) -> None:
    data, crc, size = repeated_deflate(head, block, count, tail)
    encoded = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size,
                        len(encoded), 0)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(data),
                          size, len(encoded), 0, 0, 0, 0, 0, 0)
    directory = central + encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(directory),
                      len(local) + len(encoded) + len(data), 0)
    path.write_bytes(local + encoded + data + directory + end)


MB = 1024 * 1024
BOMB_CASES = {
    # a 2 MB ZIP holding one 2 GB line; a small .gz holding a row with one 600 MB cell
    "zip-2GB-line": ("links.zip", b"x" * MB, 2048, b"\n"),
    "gz-600MB-cell": ("semrush.csv.gz", b"a" * MB, 600, b'",widgets\n'),
}


@pytest.mark.parametrize("case", BOMB_CASES, ids=list(BOMB_CASES))
def test_an_enormous_line_is_skipped_in_bounded_memory(tmp_path: Path, case: str) -> None:
    name, block, count, tail = BOMB_CASES[case]
    head = csv_text(SEMRUSH_COLUMNS, *semrush_rows(50)).encode()
    if case.startswith("gz"):
        head += b'https://x.example/,"'  # the enormous cell begins a row
    rest = csv_text(*semrush_rows(50, start=50)).encode()
    path = tmp_path / name
    maker = zip_bomb if name.endswith(".zip") else gzip_bomb
    args = (path, "semrush.csv") if name.endswith(".zip") else (path,)
    maker(*args, head, block, count, tail + rest)  # type: ignore[operator]
    assert path.stat().st_size < 3 * MB

    done = run_cli("import", tmp_path / "acme.linkdesk", path, "--no-score",
                   memory_limit=1024 * MB)

    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "100 imported, 1 skipped" in done.stdout
    limit = MAX_LINE_BYTES // MB
    assert f"skipped line 52: the line is longer than {limit} MB; skipped unread" in done.stdout


def test_a_record_that_never_ends_fails_cleanly_in_bounded_memory(tmp_path: Path) -> None:
    # 150 quoted cells of 4 MB, each line under the line limit: one 600 MB record
    head = csv_text(SEMRUSH_COLUMNS, *semrush_rows(50)).encode() + b'https://x.example/,"'
    path = tmp_path / "semrush.csv.gz"
    gzip_bomb(path, head, b"a" * (4 * MB) + b'","\n', 150,
              b'"\n' + csv_text(*semrush_rows(50, start=50)).encode())
    project_path = tmp_path / "acme.linkdesk"
    first = tmp_path / "semrush-first.csv"
    write_semrush(first, make_profile(50, seed=2))
    assert run_cli("import", project_path, first).returncode == 0
    before = run_cli("stats", project_path, "--json").stdout

    done = run_cli("import", project_path, path, "--no-score", memory_limit=1024 * MB)

    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert (f"{path.name}: the record starting on line 52 runs on for more than "
            f"{MAX_RECORD_CHARS // MB} MB") in done.stderr
    assert run_cli("stats", project_path, "--json").stdout == before


def test_a_long_line_under_the_limit_is_imported_whole(project: Project, tmp_path: Path) -> None:
    title = "Widgets " * (2 * MB // 8)  # 2 MB: long, but a legitimate cell
    rows = [*semrush_rows(3), semrush_line(**{"Source title": title,
                                              "Source url": "https://long.example.org/"})]
    path = tmp_path / "semrush-long-title.csv"
    path.write_text(csv_text(SEMRUSH_COLUMNS, *rows), encoding="utf-8")

    (result,) = import_file(project, path)

    assert (result.rows_imported, result.rows_skipped) == (4, 0)
    stored = project.db.execute(
        "SELECT title FROM links WHERE source_url = 'https://long.example.org/'"
    ).fetchone()[0]
    assert stored == title


# --- 9: ZIPs Python cannot read -----------------------------------------------------------------


def patched_zip(path: Path, *, flags: int = 0, method: int | None = None) -> Path:
    """A ZIP of one Semrush export whose headers claim encryption or another method."""
    plain = path.with_name("plain-" + path.name)
    export = path.with_name("semrush.csv")
    write_semrush(export, make_profile(50, seed=8))
    with zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(export, "semrush.csv")
    data = bytearray(plain.read_bytes())
    for signature, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        struct.pack_into("<H", data, start + at, struct.unpack_from("<H", data, start + at)[0]
                         | flags)
        if method is not None:
            struct.pack_into("<H", data, start + at + 2, method)
    path.write_bytes(bytes(data))
    return path


def test_encrypted_zip_is_refused_clearly(seeded: Project, tmp_path: Path) -> None:  # noqa: F811
    path = patched_zip(tmp_path / "backlinks.zip", flags=0x1)

    message = assert_rejected(seeded, path, r"password")

    assert "semrush.csv" in message


@pytest.mark.parametrize("method", [99, 97], ids=["AES", "WavPack"])
def test_zip_of_an_unknown_compression_method_is_refused_clearly(
    seeded: Project, tmp_path: Path, method: int  # noqa: F811
) -> None:
    path = patched_zip(tmp_path / "backlinks.zip", method=method)

    assert_rejected(seeded, path, rf"method .*\(method {method}\)")


def test_cli_encrypted_zip_without_traceback(tmp_path: Path) -> None:
    path = patched_zip(tmp_path / "backlinks.zip", flags=0x1)

    done = run_cli("import", tmp_path / "acme.linkdesk", path)

    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert path.name in done.stderr and "password" in done.stderr


# --- 10: NUL bytes; thousands of CSVs ------------------------------------------------------------


def test_utf16_without_bom_mostly_not_ascii_is_imported(project: Project, tmp_path: Path) -> None:
    records = [
        LinkRecord(f"https://www.例え{i}.jp/記事/{i}", SITE_ROOT,
                   anchor=f"ウィジェットの比較と評価{i}" * 10,
                   title="最高のウィジェット販売店" * 60)
        for i in range(60)
    ]
    excel = tmp_path / "excel.csv"
    write_ahrefs(excel, records, excel=True)
    path = tmp_path / "ahrefs-no-bom.csv"
    path.write_bytes(excel.read_bytes().decode("utf-16").encode("utf-16-le"))  # BOM dropped
    head = path.read_bytes()[:4096]
    assert head[1::2].count(0) < len(head) // 2 * 0.6  # too few NULs for a byte count to tell

    (result,) = import_file(project, path)

    assert (result.rows_imported, result.rows_skipped) == (60, 0)
    anchors = {row[0] for row in project.db.execute("SELECT anchor FROM links")}
    assert anchors == {record.anchor for record in records}


def test_stray_nul_in_a_utf8_file_is_dropped_with_a_warning(
    project: Project, tmp_path: Path
) -> None:
    rows = semrush_rows(30)
    rows[4] = semrush_line(**{"Source url": "https://nul.example.org/", "Anchor": "wid\0gets"})
    path = tmp_path / "semrush-nul.csv"
    path.write_text(csv_text(SEMRUSH_COLUMNS, *rows), encoding="utf-8")

    (result,) = import_file(project, path)

    assert (result.rows_imported, result.rows_skipped) == (30, 0)
    assert result.warnings == ["NUL bytes removed from 1 line (line 6)"]
    anchor = project.db.execute(
        "SELECT anchor FROM links WHERE source_url = 'https://nul.example.org/'"
    ).fetchone()[0]
    assert anchor == "widgets"


def test_zip_of_thousands_of_unrelated_csvs_gives_a_short_message(
    seeded: Project, tmp_path: Path  # noqa: F811
) -> None:
    path = tmp_path / "contacts.zip"
    contacts = csv_text(["Name", "Email"], ["Ann", "ann@example.com"]).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(3_000):
            archive.writestr(f"contacts-{index:04}.csv", contacts)

    message = assert_rejected(seeded, path, r"and 2,997 more")

    assert len(message) < 1_500


# --- 12: two CSVs of one name in a ZIP; duplicated columns -------------------------------------


def test_zip_with_two_csvs_of_the_same_name_imports_both(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "backlinks.zip"
    first = csv_text(SEMRUSH_COLUMNS, *semrush_rows(40)).encode()
    second = csv_text(SEMRUSH_COLUMNS, *semrush_rows(25, start=100)).encode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile: "Duplicate name"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("export/backlinks.csv", first)
            archive.writestr("export/backlinks.csv", second)

    results = import_file(project, path)
    again = import_file(project, path)

    assert [(r.rows_imported, r.duplicate_of) for r in results] == [(40, None), (25, None)]
    assert results[0].file != results[1].file  # the user can tell them apart
    assert link_count(project) == 65
    assert all(r.duplicate_of for r in again) and link_count(project) == 65


def test_duplicated_header_column_is_named_in_a_warning(project: Project, tmp_path: Path) -> None:
    header = [*SEMRUSH_COLUMNS, "Anchor"]
    rows = [[*row, "other anchor"] for row in semrush_rows(10)]
    path = tmp_path / "semrush-two-anchors.csv"
    path.write_text(csv_text(header, *rows), encoding="utf-8")
    anchor_column = SEMRUSH_COLUMNS.index("Anchor") + 1

    (result,) = import_file(project, path)

    assert result.warnings == [
        f"the header has 2 columns named 'Anchor' (columns {anchor_column}, {len(header)}); "
        f"the first (column {anchor_column}) is read"
    ]
    anchors = {row[0] for row in project.db.execute("SELECT anchor FROM links")}
    assert anchors == {f"widget review {i}" for i in range(10)}


def test_a_failed_hostile_import_leaves_the_project_as_it_was(
    seeded: Project, tmp_path: Path  # noqa: F811
) -> None:
    path = patched_zip(tmp_path / "backlinks.zip", method=99)
    before = dump(seeded)

    assert_rejected(seeded, path, r"method")

    assert dump(seeded) == before


def test_a_zip_of_many_csvs_is_opened_once(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "exports.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(40):
            rows = semrush_rows(3, start=index * 3)
            archive.writestr(f"semrush-{index:02}.csv", csv_text(SEMRUSH_COLUMNS, *rows))
    opened: list[object] = []
    original_init = zipfile.ZipFile.__init__

    def counting_init(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        opened.append(args[0])
        original_init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "__init__", counting_init)

    results = import_file(project, path)

    assert [r.rows_imported for r in results] == [3] * 40
    assert len(opened) == 1  # reading its directory again per CSV took minutes at 3,000 CSVs


def test_text_read_without_records_has_no_record_limit() -> None:
    # The kept original text is read apart from the rows: no record ever ends there.
    data = b"https://blog.example.net/,https://acme-widgets.com/\n" * (MAX_RECORD_CHARS // 40)
    assert len(data) > MAX_RECORD_CHARS

    text = TextLines(io.BytesIO(data), "utf-8", name="big.csv")

    assert sum(map(len, text.text_blocks())) == len(data)
