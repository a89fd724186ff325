"""Bad input: rejected with a clear message and the project unchanged, or imported as far as it
is good, with the bad rows skipped, counted and reported by physical line number."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from exportgen import (
    AHREFS_COLUMNS,
    SEMRUSH_COLUMNS,
    LinkRecord,
    make_profile,
    write_ahrefs,
    write_gsc_zip,
    write_majestic,
    write_semrush,
)

from linkdesk.core.importers.original import original_row
from linkdesk.core.importers.pipeline import (
    ImportCancelled,
    ImportFailed,
    ImportOptions,
    ImportProgress,
    import_file,
)
from linkdesk.core.stats import project_stats
from linkdesk.core.store import Project

SITE_ROOT = "https://acme-widgets.com/"
RECORDS = list(make_profile(300, seed=3))
BIG_ROWS = 30_000


# --- helpers ------------------------------------------------------------------------------------


def dump(project: Project) -> str:
    """The whole content of the project, table by table."""
    return "\n".join(project.db.iterdump())


def assert_rejected(
    project: Project, path: Path, problem: str, options: ImportOptions | None = None
) -> str:
    """Importing `path` fails, naming the file and the problem (a regex), changing nothing."""
    before = dump(project)
    with pytest.raises(ImportFailed) as failure:
        import_file(project, path, options)
    message = str(failure.value)
    assert dump(project) == before
    assert path.name in message
    assert re.search(problem, message, re.IGNORECASE), message
    return message


def semrush_line(**cells: str) -> list[str]:
    """A Semrush data row (19 cells): a valid link unless `cells` say otherwise."""
    row = dict.fromkeys(SEMRUSH_COLUMNS, "false")
    row.update({
        "Page ascore": "12",
        "Source title": "Widget roundup",
        "Source url": "https://blog.example.org/widgets",
        "Target url": SITE_ROOT,
        "Anchor": "widgets",
        "External links": "10",
        "Internal links": "40",
        "Text": "true",
        "First seen": "2025-01-02",
        "Last seen": "2026-11-01",
    })
    row.update(cells)
    return [row[column] for column in SEMRUSH_COLUMNS]


def csv_text(*rows: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def png_bytes() -> bytes:
    """A real 2x2 PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def truncated_gzip(path: Path, keep: float = 0.6) -> Path:
    """A gzip export cut off after `keep` of its bytes (at 0.6, its first 64 KB still inflate)."""
    whole = path.with_name("whole-" + path.name)
    write_majestic(whole, make_profile(2_000, seed=4), compress=True)
    data = whole.read_bytes()
    path.write_bytes(data[: max(20, int(len(data) * keep))])
    return path


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def link_count(project: Project) -> int:
    return project.db.execute("SELECT count(*) FROM links").fetchone()[0]


@pytest.fixture
def seeded(project: Project, tmp_path: Path) -> Project:
    """A project that already holds one import, so 'unchanged' means something."""
    path = tmp_path / "earlier-semrush.csv"
    write_semrush(path, RECORDS[:100])
    import_file(project, path)
    return project


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 30,000-row Semrush export."""
    path = tmp_path_factory.mktemp("big") / "semrush-30k.csv"
    write_semrush(path, make_profile(BIG_ROWS, seed=11))
    return path


# --- files that cannot be imported --------------------------------------------------------------


def test_empty_file(seeded: Project, tmp_path: Path) -> None:
    path = empty_file(tmp_path / "empty.csv")

    assert_rejected(seeded, path, r"empty")


def test_header_only_file(seeded: Project, tmp_path: Path) -> None:
    path = tmp_path / "ahrefs-no-rows.csv"
    path.write_text(",".join(AHREFS_COLUMNS) + "\n", encoding="utf-8")

    assert_rejected(seeded, path, r"no (data )?rows|header but no|nothing")


def test_binary_junk(seeded: Project, tmp_path: Path) -> None:
    path = tmp_path / "backlinks.csv"
    path.write_bytes(random.Random(5).randbytes(20_000))

    assert_rejected(seeded, path, r"not a text|binary|not a CSV")


def test_png_renamed_csv(seeded: Project, tmp_path: Path) -> None:
    path = tmp_path / "screenshot.csv"
    path.write_bytes(png_bytes())

    assert_rejected(seeded, path, r"not a text|binary|image|PNG|not a CSV")


def test_unrelated_csv(seeded: Project, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    rows = [["Name", "Email", "Phone"]] + [
        [f"Person {i}", f"person{i}@example.com", f"+49 30 {1000 + i}"] for i in range(60)
    ]
    path.write_text(csv_text(*rows), encoding="utf-8")

    message = assert_rejected(seeded, path, r"not .*(recogni[sz]|backlink export)")
    assert "Name,Email,Phone" in message  # shows what the file starts with


def test_search_console_top_linked_pages_alone_is_refused(
    seeded: Project, tmp_path: Path
) -> None:
    path = tmp_path / "Top linked pages.csv"
    rows = [["Target page", "Incoming links", "Linking sites"]] + [
        [f"{SITE_ROOT}page-{i}", str(100 - i), str(10 + i % 7)] for i in range(50)
    ]
    path.write_text(csv_text(*rows), encoding="utf-8")

    assert_rejected(seeded, path, r"top linked pages")


@pytest.mark.parametrize("keep", [0.6, 0.002], ids=["cut-late", "cut-early"])
def test_truncated_gzip(seeded: Project, tmp_path: Path, keep: float) -> None:
    path = truncated_gzip(tmp_path / "majestic-backlinks.csv.gz", keep)

    assert_rejected(seeded, path, r"truncat|damaged|corrupt|incomplete|ended|cannot read")


def test_zip_without_csv(seeded: Project, tmp_path: Path) -> None:
    path = tmp_path / "links.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("report.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        archive.writestr("images/chart.png", png_bytes())

    assert_rejected(seeded, path, r"no CSV")


def test_damaged_zip(seeded: Project, tmp_path: Path) -> None:
    whole = tmp_path / "whole.zip"
    write_gsc_zip(whole, RECORDS)
    path = tmp_path / "Links.zip"
    path.write_bytes(whole.read_bytes()[:200])

    assert_rejected(seeded, path, r"damaged|corrupt|cannot read|not a zip")


# --- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_imports_or_fails_clearly(
    seeded: Project, tmp_path: Path, codec: str
) -> None:
    records = [
        LinkRecord(f"https://www.möbel-{i}.de/blog/{i}", SITE_ROOT, anchor=f"Küche Nr. {i} – €")
        for i in range(80)
    ]
    excel = tmp_path / "excel.csv"
    write_ahrefs(excel, records, excel=True)
    path = tmp_path / "ahrefs-no-bom.csv"
    path.write_bytes(excel.read_bytes().decode("utf-16").encode(codec))  # BOM dropped
    before = dump(seeded)

    try:
        (result,) = import_file(seeded, path)
    except ImportFailed as error:
        assert path.name in str(error)
        assert re.search(r"utf-16|encoding|text", str(error), re.IGNORECASE)
        assert dump(seeded) == before
        return
    assert result.rows_imported == len(records)
    anchors = {
        row[0] for row in seeded.db.execute(
            "SELECT anchor FROM links WHERE source_host LIKE 'www.xn--mbel-%'"
        )
    }
    assert anchors == {rec.anchor for rec in records}


def test_cp1252_after_100kb_of_ascii_imports_with_the_right_characters(
    project: Project, tmp_path: Path
) -> None:
    ascii_rows = [
        semrush_line(**{"Source url": f"https://site{i}.example.com/page-{i}",
                        "Anchor": f"plain anchor {i}"})
        for i in range(800)
    ]
    head = csv_text(SEMRUSH_COLUMNS, *ascii_rows).encode("ascii")
    assert len(head) > 100_000
    legacy = [
        semrush_line(**{"Source url": "https://www.müller-shop.de/",
                        "Anchor": "Müller Küchen – 20 € Rabatt",
                        "Source title": "“Widgets” für Café & Bar"}),
        semrush_line(**{"Source url": "https://señal.es/enlaces", "Anchor": "señal ¿sí?"}),
    ]
    path = tmp_path / "semrush-windows.csv"
    path.write_bytes(head + csv_text(*legacy).encode("cp1252"))

    (result,) = import_file(project, path)

    assert result.rows_imported == 802 and result.rows_skipped == 0
    stored = dict(project.db.execute(
        "SELECT source_url, anchor || ' | ' || title FROM links WHERE source_url LIKE '%xn--%'"
    ).fetchall())
    assert stored == {
        "https://www.xn--mller-shop-9db.de/":
            "Müller Küchen – 20 € Rabatt | “Widgets” für Café & Bar",
        "https://xn--seal-hqa.es/enlaces": "señal ¿sí? | Widget roundup",
    }
    import_id = project.db.execute("SELECT id FROM imports").fetchone()[0]
    assert original_row(project.db, import_id, 802)["Anchor"] == "Müller Küchen – 20 € Rabatt"


# --- malformed rows -----------------------------------------------------------------------------


def build_file_with_bad_rows(path: Path) -> tuple[dict[int, str], int, int]:
    """A Semrush export with bad rows among good ones, after a quoted multi-line cell.

    Returns {physical line of each bad row: regex its reason should match}, the number of good
    rows, and the physical line of the first good row after the multi-line cell.
    """
    good = [
        semrush_line(**{"Source url": f"https://www.widgetnews{i}.com/post-{i}",
                        "Anchor": f"widgets {i}"})
        for i in range(60)
    ]
    pieces: list[tuple[str, str | None]] = [(csv_text(SEMRUSH_COLUMNS), None)]
    pieces += [(csv_text(row), None) for row in good[:10]]
    multi = semrush_line(**{"Source url": "https://forum.example.net/thread/7",
                            "Source title": "Widgets\nthat last:\n\"a review\", part 2"})
    pieces.append((csv_text(multi), None))
    pieces.append((csv_text(good[10]), "after-multiline"))
    pieces += [(csv_text(row), None) for row in good[11:20]]
    pieces.append((csv_text(["14", "Short row", "https://short.example.com/"]), r"column"))
    pieces += [(csv_text(row), None) for row in good[20:30]]
    pieces.append(("\n", None))  # a blank line: not a row, but it is a physical line
    pieces.append((csv_text(semrush_line(**{"Source url": ""})), r"source.*empty|empty.*source"))
    pieces += [(csv_text(row), None) for row in good[30:40]]
    pieces.append((csv_text(semrush_line(**{"Source url": "not a url"})), r"source.*URL"))
    pieces.append((csv_text(semrush_line(**{"Target url": "ftp://files.acme-widgets.com/a.pdf"})),
                   r"target.*URL"))
    pieces.append((csv_text([*semrush_line(), "extra", "cells"]), r"column"))
    pieces += [(csv_text(row), None) for row in good[40:]]

    bad: dict[int, str] = {}
    line, after_multiline = 1, 0
    for text, kind in pieces:
        if kind == "after-multiline":
            after_multiline = line
        elif kind is not None:
            bad[line] = kind
        line += text.count("\n")
    path.write_text("".join(text for text, _ in pieces), encoding="utf-8")
    return bad, len(good) + 1, after_multiline


def test_malformed_rows_are_skipped_and_reported_by_physical_line(
    seeded: Project, tmp_path: Path
) -> None:
    path = tmp_path / "semrush-with-bad-rows.csv"
    bad, good_rows, _ = build_file_with_bad_rows(path)

    (result,) = import_file(seeded, path)

    assert result.rows_imported == good_rows
    assert result.rows_skipped == len(bad)
    assert sorted(row.line for row in result.skipped) == sorted(bad)
    for row in result.skipped:
        assert re.search(bad[row.line], row.reason, re.IGNORECASE), (row.line, row.reason)


def test_skipped_rows_are_stored_with_the_import(seeded: Project, tmp_path: Path) -> None:
    path = tmp_path / "semrush-with-bad-rows.csv"
    bad, good_rows, _ = build_file_with_bad_rows(path)
    skipped_before = project_stats(seeded.db)["skipped_rows"]

    import_file(seeded, path)

    import_id = seeded.db.execute("SELECT max(id) FROM imports").fetchone()[0]
    stored = seeded.db.execute(
        "SELECT line_no FROM skipped_rows WHERE import_id = ? ORDER BY line_no", (import_id,)
    ).fetchall()
    assert [line for (line,) in stored] == sorted(bad)
    recorded = seeded.db.execute(
        "SELECT rows_read, rows_imported, rows_skipped FROM imports WHERE id = ?", (import_id,)
    ).fetchone()
    assert recorded == (good_rows + len(bad), good_rows, len(bad))
    assert project_stats(seeded.db)["skipped_rows"] == skipped_before + len(bad)


def test_rows_after_a_multiline_cell_keep_their_physical_line(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "semrush-with-bad-rows.csv"
    _, _, line = build_file_with_bad_rows(path)

    import_file(project, path)

    import_id = project.db.execute("SELECT id FROM imports").fetchone()[0]
    source = project.db.execute(
        "SELECT l.source_url FROM observations AS o JOIN links AS l ON l.id = o.link_id "
        "WHERE o.line_no = ?", (line,)
    ).fetchone()
    assert source == ("https://www.widgetnews10.com/post-10",)
    assert original_row(project.db, import_id, line)["Source url"] == source[0]
    title = project.db.execute(
        "SELECT title FROM links WHERE source_url = 'https://forum.example.net/thread/7'"
    ).fetchone()
    assert title == ('Widgets\nthat last:\n"a review", part 2',)


@pytest.mark.parametrize(
    "url", ["mailto:info@acme-widgets.com", "javascript:void(0)", "ftp://example.com/x", "   "]
)
def test_non_http_source_urls_are_skipped(project: Project, tmp_path: Path, url: str) -> None:
    path = tmp_path / "semrush.csv"
    path.write_text(csv_text(SEMRUSH_COLUMNS, semrush_line(),
                             semrush_line(**{"Source url": url})), encoding="utf-8")

    (result,) = import_file(project, path)

    assert (result.rows_imported, [row.line for row in result.skipped]) == (1, [3])
    assert link_count(project) == 1


def test_file_with_only_bad_rows_fails_and_lists_some(seeded: Project, tmp_path: Path) -> None:
    path = tmp_path / "semrush-all-bad.csv"
    path.write_text(
        csv_text(SEMRUSH_COLUMNS, *(semrush_line(**{"Source url": f"page {i}"}) for i in range(5))),
        encoding="utf-8",
    )

    message = assert_rejected(seeded, path, r"no row could be imported|nothing|no (valid )?rows")
    assert "line 2" in message


# --- importing a file twice ---------------------------------------------------------------------


def test_same_file_twice_adds_nothing_and_says_so(seeded: Project, tmp_path: Path) -> None:
    path = tmp_path / "semrush-rest.csv"
    write_semrush(path, RECORDS[100:])
    import_file(seeded, path)
    before = dump(seeded)

    (result,) = import_file(seeded, path)

    assert result.duplicate_of is not None
    assert (result.rows_imported, result.links_added) == (0, 0)
    assert dump(seeded) == before


def test_renamed_copy_of_an_imported_file_is_recognised(seeded: Project, tmp_path: Path) -> None:
    path = tmp_path / "semrush-rest.csv"
    write_semrush(path, RECORDS[100:])
    import_file(seeded, path)
    copy = tmp_path / "semrush-rest (1).csv"
    shutil.copy(path, copy)
    before = dump(seeded)

    (result,) = import_file(seeded, copy)

    assert result.duplicate_of is not None
    assert dump(seeded) == before


def test_cli_says_already_imported(tmp_path: Path, run_linkdesk) -> None:
    path = tmp_path / "semrush.csv"
    write_semrush(path, RECORDS)
    project_path = tmp_path / "acme.linkdesk"

    first = run_linkdesk("import", project_path, path)
    second = run_linkdesk("import", project_path, path)

    assert first.returncode == 0 and "already imported" not in first.stdout
    assert second.returncode == 0
    assert "already imported" in second.stdout and path.name in second.stdout
    stats = json.loads(run_linkdesk("stats", project_path, "--json").stdout)
    assert (stats["imports"], stats["links"]) == (1, len(RECORDS))


# --- cancel and progress ------------------------------------------------------------------------


def test_cancel_halfway_raises_and_changes_nothing(seeded: Project, big_export: Path) -> None:
    reported: list[ImportProgress] = []
    before = dump(seeded)

    with pytest.raises(ImportCancelled):
        import_file(
            seeded, big_export, progress=reported.append,
            cancelled=lambda: bool(reported) and reported[-1].rows >= BIG_ROWS // 2,
        )

    assert reported and max(p.rows for p in reported) < BIG_ROWS  # stopped before the end
    assert dump(seeded) == before


def test_file_can_be_imported_after_a_cancelled_import(
    project: Project, big_export: Path
) -> None:
    calls = iter(range(10**6))
    with pytest.raises(ImportCancelled):
        import_file(project, big_export, cancelled=lambda: next(calls) >= 1)

    (result,) = import_file(project, big_export)

    assert result.duplicate_of is None and result.rows_imported == BIG_ROWS
    assert link_count(project) == BIG_ROWS


def test_progress_reports_increasing_rows_and_bytes(project: Project, big_export: Path) -> None:
    reported: list[ImportProgress] = []

    import_file(project, big_export, progress=reported.append)

    assert len(reported) >= 3
    rows = [p.rows for p in reported]
    done = [p.bytes_done for p in reported]
    assert rows == sorted(rows) and done == sorted(done)
    assert rows[0] < rows[-1] == BIG_ROWS
    assert done[0] < done[-1]
    size = big_export.stat().st_size
    assert all(p.bytes_total == size and p.bytes_done <= size for p in reported)
    assert done[-1] == size
    assert all(p.file == big_export.name for p in reported)


# --- the command line ---------------------------------------------------------------------------


def test_cli_bad_file_exit_status_and_message(tmp_path: Path, run_linkdesk) -> None:
    path = tmp_path / "screenshot.csv"
    path.write_bytes(png_bytes())
    project_path = tmp_path / "acme.linkdesk"

    done = run_linkdesk("import", project_path, path)

    assert done.returncode != 0
    assert path.name in done.stderr
    assert re.search(r"not a text|binary|image|not a CSV", done.stderr, re.IGNORECASE)
    assert "Traceback" not in done.stderr
    assert not project_path.exists()  # no file could be read: no empty project is left


@pytest.mark.parametrize(
    ("bad_name", "make_bad"),
    [("empty.csv", empty_file), ("cut.csv.gz", truncated_gzip)],
    ids=["empty", "truncated-gzip"],
)
def test_cli_good_file_after_a_bad_one_still_imports(
    tmp_path: Path, run_linkdesk, bad_name: str, make_bad
) -> None:
    bad = make_bad(tmp_path / bad_name)
    good = tmp_path / "semrush.csv"
    write_semrush(good, RECORDS)
    project_path = tmp_path / "acme.linkdesk"

    done = run_linkdesk("import", project_path, bad, good)

    assert done.returncode != 0
    assert bad.name in done.stderr and "Traceback" not in done.stderr
    assert good.name in done.stdout
    stats = json.loads(run_linkdesk("stats", project_path, "--json").stdout)
    assert (stats["imports"], stats["links"]) == (1, len(RECORDS))
