"""An import's summary says how many links it made no longer reported, or listed again.

A newer export without some of the links an older one listed makes them lost (no longer
reported, docs/changes.md); the import that did it said nothing about it, so a user learnt
it from the Lost column later. The status refresh counts the moves as it writes them.

The project: Ahrefs and Semrush in October, Ahrefs in November without 30 links only Ahrefs
had, Ahrefs in December listing 10 of them again.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from exportgen import LinkRecord, live_per_page, make_profile, write_ahrefs, write_semrush

from linkdesk.cli import main
from linkdesk.core.importers.pipeline import ImportOptions
from linkdesk.core.link_status import StatusMoves
from linkdesk.core.store import Project

SITE = "acme-widgets.com"
OCT, NOV, DEC = "2026-10-20", "2026-11-20", "2026-12-01"


@pytest.fixture(scope="module")
def records() -> list[LinkRecord]:
    """Links no vendor marks lost, one per source page (absence alone can lose them)."""
    return live_per_page(make_profile(700, site=SITE, seed=21))[:400]


@pytest.fixture()
def exports(tmp_path: Path, records: list[LinkRecord]) -> dict[str, Path]:
    files = {name: tmp_path / f"{name}.csv" for name in ("a1", "s1", "a2", "a3")}
    write_ahrefs(files["a1"], records[:300])
    write_semrush(files["s1"], records[100:400])
    write_ahrefs(files["a2"], records[30:280])  # 0-30: only Ahrefs had them
    write_ahrefs(files["a3"], records[20:280])  # 20-30 listed again
    return files


def _cli(capsys: pytest.CaptureFixture[str], project: Path, day: str, *files: Path) -> str:
    code = main(["import", str(project), *map(str, files), "--site", SITE, "--as-of", day,
                 "--no-score"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_the_cli_says_how_many_links_an_import_made_no_longer_reported(
        tmp_path: Path, exports: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "acme.linkdesk"
    first = _cli(capsys, project, OCT, exports["a1"], exports["s1"])
    assert "no longer reported" not in first and "listed again" not in first  # only when not 0
    second = _cli(capsys, project, NOV, exports["a2"])
    assert ("30 links are no longer reported by the vendors that listed them"
            in second.splitlines())
    third = _cli(capsys, project, DEC, exports["a3"])
    assert ("10 links are listed again after the vendors had stopped reporting them"
            in third.splitlines())
    with Project.open(project) as opened:  # the counts are the statuses' moves
        assert opened.db.execute("SELECT count(*) FROM links WHERE status = 2").fetchone() == (20,)


def test_the_window_s_import_summary_says_it(
        qtbot: object, tmp_path: Path, exports: dict[str, Path]) -> None:
    from linkdesk.ui.dialogs.messages import import_headline
    from linkdesk.ui.workers.importer import ImportWorker

    path = tmp_path / "window.linkdesk"
    Project.open(path).close()
    day = datetime.date.fromisoformat
    ImportWorker(path, [exports["a1"], exports["s1"]],
                 ImportOptions(site=SITE, as_of=day(OCT))).work()
    outcome = ImportWorker(path, [exports["a2"]], ImportOptions(site=SITE, as_of=day(NOV))).work()
    assert outcome.status_moves.no_longer_reported == 30
    headline = import_headline(outcome)
    assert "30 links are no longer reported by the vendors that listed them." in headline
    assert "listed again" not in headline


def test_the_line_counts_both_moves_in_one_sentence() -> None:
    assert StatusMoves().text() == ""
    assert StatusMoves(5, 0, 0).text() == ""  # moves between reasons of lost: nothing to say
    assert (StatusMoves(1_290, 1_234, 56).text() == "1,234 links are no longer reported by "
            "the vendors that listed them; 56 are listed again")
    assert (StatusMoves(1, 1, 0).text()
            == "1 link is no longer reported by the vendors that listed it")
