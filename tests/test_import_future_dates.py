"""Rows dated in the future and the day an import describes.

Found in a user trial: rows dated after tomorrow are passed over when the import's day is
worked out (no export describes the future; a vendor's 2099 would hide every later export),
yet the import said it was 'dated by the latest date in the file', which it was not. The
import now says how many rows were dated in the future, that they were not used for the day,
and which day was used: in the command line and in the window's import report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from exportgen import make_profile, write_ahrefs, write_moz

from linkdesk.cli import main
from linkdesk.core.importers.pipeline import ImportOptions
from linkdesk.core.store import Project
from linkdesk.ui.dialogs.messages import import_report
from linkdesk.ui.workers.importer import ImportWorker

ROWS_DAY = "2026-11-20"  # the day tests/exportgen.py's rows were last seen on
FUTURE = dt.date(2099, 1, 31)


def _tomorrow() -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()


def _export(folder: Path, future_rows: int, rows: int = 300) -> Path:
    """An Ahrefs export whose first `future_rows` rows were last seen in 2099."""
    records = list(make_profile(rows, site="acme-widgets.com", seed=7))
    records[:future_rows] = [dataclasses.replace(r, last_seen=FUTURE, lost=None)
                             for r in records[:future_rows]]
    path = folder / "ahrefs.csv"
    write_ahrefs(path, records)
    return path


def test_the_command_says_which_rows_were_in_the_future_and_the_day_used(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = _export(tmp_path, 37)
    assert main(["import", str(tmp_path / "p.linkdesk"), str(export), "--site",
                 "acme-widgets.com", "--no-score"]) == 0
    out = capsys.readouterr().out
    assert (f"  export dated {ROWS_DAY} (the latest date in the file that is not in the "
            f"future; 37 rows dated after {_tomorrow()} (up to 2099-01-31) were not used for "
            "the day)") in out
    assert "the latest date in the file)" not in out


def test_a_file_without_future_dates_reads_as_before(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = _export(tmp_path, 0)
    assert main(["import", str(tmp_path / "p.linkdesk"), str(export), "--site",
                 "acme-widgets.com", "--no-score"]) == 0
    assert f"  export dated {ROWS_DAY} (the latest date in the file)\n" in capsys.readouterr().out


def test_a_file_dated_only_in_the_future_says_so_not_that_it_holds_no_dates(
        tmp_path: Path) -> None:
    export = _export(tmp_path, 40, rows=40)
    project = tmp_path / "p.linkdesk"
    Project.open(project, create=True, write=True).close()
    outcome = ImportWorker(project, [export], ImportOptions(site="acme-widgets.com")).work()
    [result] = outcome.results
    assert result.as_of_source == "mtime"
    report = import_report(outcome)
    assert (f"ahrefs.csv: dated {result.as_of} by the file's modification time: no row holds "
            f"a date up to {_tomorrow()}; 40 rows dated after {_tomorrow()} (up to "
            "2099-01-31) were not used for the day") in report
    assert "its rows hold no dates" not in report


def test_the_window_says_which_rows_were_in_the_future_and_the_day_used(
        tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    export = _export(folder, 1)
    moz = folder / "moz.csv"  # no dates: takes the day the Ahrefs export's rows give
    write_moz(moz, list(make_profile(50, site="acme-widgets.com", seed=7)))
    project = tmp_path / "p.linkdesk"
    Project.open(project, create=True, write=True).close()
    outcome = ImportWorker(project, [export, moz], ImportOptions(site="acme-widgets.com")).work()
    lines = import_report(outcome).splitlines()
    assert (f"ahrefs.csv: dated {ROWS_DAY} by the latest date in the file that is not in the "
            f"future; 1 row dated after {_tomorrow()} (up to 2099-01-31) was not used for the "
            "day") in lines
    assert f"moz.csv: dated {ROWS_DAY} by the files imported with it (its rows hold no dates)" \
        in lines
    with Project.open(project) as opened:
        assert opened.db.execute("SELECT max(as_of) FROM imports").fetchone()[0] == ROWS_DAY
