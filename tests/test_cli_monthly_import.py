"""A month's exports imported together, as a freelancer does it: what the import says.

Found in a user trial (Ahrefs, Semrush, Majestic, Moz and a Search Console ZIP of November
imported in one run): the Moz export and the ZIP's "Top linking sites" hold no dates, so they
were dated by their modification time, two weeks after the others, and became a third export
day in the History tab and `linkdesk changes` without a word; the ZIP's "Top linked pages"
was named twice in its line. Such files now take the day of the files imported with them, and
`linkdesk imports --set-day` repairs an import's day afterwards.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

import pytest
from exportgen import make_profile, write_ahrefs, write_gsc_zip, write_moz

from linkdesk.cli import main
from linkdesk.core.importers.pipeline import ImportResult
from linkdesk.core.store import Project
from linkdesk.core.timeline import cached_changes, on_day, timeline_days
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


def test_files_without_dates_take_the_day_of_the_files_imported_with_them(
        november: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "acme.linkdesk"
    assert main(["import", str(project), str(november["ahrefs"]), str(november["moz"]),
                 str(november["gsc"]), "--site", "acme-widgets.com", "--no-score"]) == 0
    out = capsys.readouterr().out
    assert out.count(f"export dated {ROWS_DAY} (the files imported with it (its rows hold "
                     "no dates))") == 2  # moz.csv and the ZIP's Top linking sites
    assert MTIME_DAY not in out and "note:" not in out
    with Project.open(project) as opened:
        assert timeline_days(opened.db) == [ROWS_DAY]
        assert dict(opened.db.execute("SELECT file_name || coalesce(member, ''), as_of_source "
                                      "FROM imports")) == {
            "ahrefs.csv": "file", "moz.csv": "run", "gsc.zipLatest links.csv": "file",
            "gsc.zipTop linking sites.csv": "run"}


def test_a_run_of_files_without_dates_keeps_their_modification_day(
        november: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "acme.linkdesk"
    assert main(["import", str(project), str(november["moz"]), "--site", "acme-widgets.com",
                 "--no-score"]) == 0
    assert f"export dated {MTIME_DAY} (the file's modification time)" in capsys.readouterr().out
    assert _days(capsys, project) == [(MTIME_DAY, "mtime")]


def test_the_day_given_wins(
        november: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "acme.linkdesk"
    assert main(["import", str(project), str(november["ahrefs"]), str(november["moz"]),
                 "--as-of", "2026-11-25", "--no-score"]) == 0
    out = capsys.readouterr().out
    assert out.count("export dated 2026-11-25 (--as-of)") == 2
    assert "note:" not in out
    assert _days(capsys, project) == [("2026-11-25", "user")] * 2


def test_an_imports_day_can_be_set_afterwards(
        november: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As before the fix: October's run, then November's with the Moz export dated by its
    modification time: a third export day, where the Moz export finds a link again."""
    project = str(tmp_path / "acme.linkdesk")
    records = list(make_profile(600, site="acme-widgets.com", seed=5))
    october = tmp_path / "ahrefs-october.csv"
    write_ahrefs(october, [dataclasses.replace(r, last_seen=dt.date(2026, 10, 20), lost=None)
                           for r in records])
    assert main(["import", project, str(october), "--site", "acme-widgets.com",
                 "--no-score"]) == 0
    assert main(["import", project, str(november["ahrefs"]), "--no-score"]) == 0
    assert main(["import", project, str(november["moz"]), "--no-score"]) == 0
    capsys.readouterr()
    assert main(["imports", project]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[2].startswith(f"   3  {MTIME_DAY}  moz.csv (moz, moz-links, 200 rows): dated "
                                "by the file's modification time")
    with Project.open(project) as opened:
        assert len(timeline_days(opened.db)) == 3
    before = _changes(capsys, project, ROWS_DAY)
    assert main(["score", project]) == 0
    capsys.readouterr()
    opened = Project.open(project, write=True)
    october, november_day = (on_day(opened.db, dt.date.fromisoformat(day))
                             for day in ("2026-10-20", ROWS_DAY))
    cached = cached_changes(opened.db, october, november_day).counts
    assert before != _changes(capsys, project, None)  # Moz's day is an export of its own

    assert main(["imports", project, "--set-day", "3", ROWS_DAY]) == 0
    # The window's connection (History) keeps its changes until a day changes.
    assert cached_changes(opened.db, october, november_day).counts != cached
    opened.close()
    assert capsys.readouterr().out.strip() == (
        f"import 3: dated {ROWS_DAY} (was {MTIME_DAY}, by the file's modification time)")
    with Project.open(project) as opened:
        assert timeline_days(opened.db) == ["2026-10-20", ROWS_DAY]
    # Two exports: nothing after November's, whose links Moz's rows now describe too (fewer
    # links lost than Ahrefs alone said).
    after = _changes(capsys, project, ROWS_DAY)
    assert after == _changes(capsys, project, None) != before
    assert main(["imports", project]) == 0
    assert f"   3  {ROWS_DAY}  moz.csv (moz, moz-links, 200 rows): dated by the user" in (
        capsys.readouterr().out)


def _moz_alone(november: dict[str, Path], tmp_path: Path,
               capsys: pytest.CaptureFixture[str]) -> str:
    """A project of the Moz export alone (import 1, dated by its modification time)."""
    project = str(tmp_path / "acme.linkdesk")
    assert main(["import", project, str(november["moz"]), "--no-score", "--site",
                 "acme-widgets.com"]) == 0
    capsys.readouterr()
    return project


@pytest.mark.parametrize("day", ["2026-11-31", "20261120", "next week", "2999-01-01"])
def test_a_bad_day_is_refused(day: str, november: dict[str, Path], tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    project = _moz_alone(november, tmp_path, capsys)
    assert main(["imports", project, "--set-day", "1", day]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"linkdesk imports: --set-day {day}") or error.startswith(
        f"linkdesk imports: --set-day {day!r} is not a date: write it as YYYY-MM-DD")
    with Project.open(project) as opened:
        assert timeline_days(opened.db) == [MTIME_DAY]


@pytest.mark.parametrize("number", ["7", "x", "99999999999999999999"])
def test_an_unknown_import_is_refused(number: str, november: dict[str, Path], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    project = _moz_alone(november, tmp_path, capsys)
    assert main(["imports", project, "--set-day", number, ROWS_DAY]) == 2
    error = capsys.readouterr().err
    assert error.startswith("linkdesk imports: ") and "Traceback" not in error
    assert ("'x' is not an import id" in error if number == "x" else
            f"no import has the id {number} (the imports are numbered 1 to 1" in error)
    with Project.open(project) as opened:
        assert timeline_days(opened.db) == [MTIME_DAY]


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
    assert report.splitlines()[-1] == (f"moz.csv: dated {MTIME_DAY} by the file's modification "
                                       "time (its rows hold no dates)")
    undated.as_of, undated.as_of_source = ROWS_DAY, "run"
    report = import_report(ImportOutcome(results=[dated, undated, passed]), _locale())
    assert report.splitlines()[-1] == (f"moz.csv: dated {ROWS_DAY} by the files imported with "
                                       "it (its rows hold no dates)")
    assert "dated" not in import_report(ImportOutcome(results=[dated, passed]), _locale())


def test_the_window_dates_its_undated_files_by_the_others(
        november: dict[str, Path], tmp_path: Path) -> None:
    from linkdesk.core.importers.pipeline import ImportOptions
    from linkdesk.ui.workers.importer import ImportWorker

    project = tmp_path / "acme.linkdesk"
    Project.open(project, create=True, write=True).close()
    outcome = ImportWorker(project, [november["moz"], november["ahrefs"]],
                           ImportOptions(site="acme-widgets.com")).work()
    assert [(r.file, r.as_of, r.as_of_source) for r in outcome.results] == [
        ("moz.csv", ROWS_DAY, "run"), ("ahrefs.csv", ROWS_DAY, "file")]
    assert import_report(outcome, _locale()).splitlines()[-1] == (
        f"moz.csv: dated {ROWS_DAY} by the files imported with it (its rows hold no dates)")
    with Project.open(project) as opened:
        assert timeline_days(opened.db) == [ROWS_DAY]


def _days(capsys: pytest.CaptureFixture[str], project: Path | str) -> list[tuple[str, str]]:
    """Each import's day and its source, as `linkdesk imports --json` lists them."""
    assert main(["imports", str(project), "--json"]) == 0
    return [(row["as_of"], row["source"]) for row in json.loads(capsys.readouterr().out)]


def _changes(capsys: pytest.CaptureFixture[str], project: str,
             until: str | None) -> dict[str, int]:
    """What `linkdesk changes --json` counts from October to `until` (None: now)."""
    assert main(["changes", project, "--since", "2026-10-20", "--json", "--limit", "0",
                 *(["--until", until] if until else [])]) == 0
    found = json.loads(capsys.readouterr().out)
    return {key: found[key] for key in ("new_links", "lost_links", "changed_links",
                                        "new_domains", "lost_domains", "changed_domains")}


def _locale():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QLocale

    return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


def test_a_day_source_another_program_wrote_is_listed_as_it_is(
        november: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A project another program edited: braces in the stored source are no template to
    fill, a count of text is none, a name stored as a blob is read as text."""
    project = _moz_alone(november, tmp_path, capsys)
    with Project.open(project) as opened:
        opened.db.execute("UPDATE imports SET as_of_source = '{0} {how}\x1b[2J', "
                          "rows_imported = 'many', file_name = CAST('moz.csv' AS BLOB)")
        opened.db.commit()
    assert main(["imports", project]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"   1  {MTIME_DAY}  moz.csv (moz, moz-links, 0 rows)")
    assert "dated by {0} {how}" in out
    assert "\x1b" not in out
