"""A month's exports imported together, as a freelancer does it: what the import says.

Found in a user trial (Ahrefs, Semrush, Majestic, Moz and a Search Console ZIP of November
imported in one run): the Moz export and the ZIP's "Top linking sites" hold no dates, so they
were dated by their modification time, two weeks after the others, and became a third export
day in the History tab and `linkdesk changes` without a word; the ZIP's "Top linked pages"
was named twice in its line.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from exportgen import make_profile, write_ahrefs, write_gsc_zip, write_moz

from linkdesk.cli import main
from linkdesk.core.importers.pipeline import ImportResult
from linkdesk.ui.dialogs.messages import import_report, result_line
from linkdesk.ui.workers.importer import ImportOutcome

# The day tests/exportgen.py's rows were last seen on, and a later day for a file's mtime.
ROWS_DAY = "2026-11-20"
MTIME_DAY = "2026-12-04"


@pytest.fixture(scope="module")
def november(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("november")
    records = list(make_profile(600, site="acme-widgets.com", seed=5))
    files = {"ahrefs": folder / "ahrefs.csv", "moz": folder / "moz.csv",
             "gsc": folder / "gsc.zip"}
    write_ahrefs(files["ahrefs"], records)
    write_moz(files["moz"], records[:200])
    write_gsc_zip(files["gsc"], records[:300])
    later = 1_796_400_000  # 2026-12-04 12:00 UTC
    for path in files.values():
        os.utime(path, (later, later))
    return files


def test_files_without_dates_beside_dated_ones_are_pointed_out(
        november: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "acme.linkdesk"
    assert main(["import", str(project), str(november["ahrefs"]), str(november["moz"]),
                 "--no-score"]) == 0
    out = capsys.readouterr().out
    assert f"export dated {MTIME_DAY} (the file's modification time)" in out
    note = next(line for line in out.splitlines() if line.startswith("note:"))
    assert note.startswith(f"note: 1 file holds no dates (moz.csv) and was dated {MTIME_DAY} "
                           f"by the modification time, the other files {ROWS_DAY} by their rows")
    assert note.endswith("import them together with --as-of DATE")


def test_no_note_when_one_day_is_given(
        november: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "acme.linkdesk"
    assert main(["import", str(project), str(november["ahrefs"]), str(november["moz"]),
                 "--as-of", ROWS_DAY, "--no-score"]) == 0
    out = capsys.readouterr().out
    assert out.count(f"export dated {ROWS_DAY} (--as-of)") == 2
    assert "note:" not in out


def test_a_search_console_report_passed_over_is_named_once(
        november: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "acme.linkdesk"), str(november["gsc"]), "--site",
                 "acme-widgets.com", "--no-score"]) == 0
    line = next(line for line in capsys.readouterr().out.splitlines()
                if "Top linked pages" in line)
    assert line.startswith("gsc.zip › Top linked pages.csv: not imported: this Search Console")
    assert line.count("Top linked pages.csv") == 1


def test_the_window_names_a_passed_over_report_once_and_points_out_undated_files() -> None:
    member = "gsc.zip › Top linked pages.csv"
    passed = ImportResult(member, passed_over=f"{member}: this Search Console report lists "
                                              "your own pages")
    assert result_line(passed, _locale()) == (f"{member}: passed over, this Search Console "
                                              "report lists your own pages")
    dated = ImportResult("ahrefs.csv", "ahrefs", rows_imported=5, as_of=ROWS_DAY,
                         as_of_source="file")
    undated = ImportResult("moz.csv", "moz", rows_imported=5, as_of=MTIME_DAY,
                           as_of_source="mtime")
    report = import_report(ImportOutcome(results=[dated, undated, passed]), _locale())
    assert report.splitlines()[-1].startswith(
        f"Note: 1 file holds no dates (moz.csv) and was dated {MTIME_DAY}")
    assert "Note:" not in import_report(ImportOutcome(results=[dated, passed]), _locale())


def _locale():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QLocale

    return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
