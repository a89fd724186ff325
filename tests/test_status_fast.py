"""The rows-only status (core/timeline/status.py) is exactly the timeline's, and a first import
does without the snapshot's digest.

A project whose vendors each have one export day and no live check: every vendor's latest
report is all its rows, so a link's status follows from them (read in two columns, no digest
of 1M anchors). Built here as users build projects: a first import, a second vendor, another
site's export of the same day, a later month, a live check, rows gone from an edited file;
after each step the stored `links.status` and the rows-only answer (where it gives one) are
compared with the full computation over vendor snapshots and live checks.
"""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from exportgen import LinkRecord, make_profile, write_ahrefs, write_semrush

from linkdesk.core.checker.model import LIVE as CHECK_LIVE
from linkdesk.core.checker.model import MISSING, LinkCheck
from linkdesk.core.checker.store import finish_run, save_checks, start_run
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.link_status import LIVE, NOT_REPORTED, VENDOR_LOST
from linkdesk.core.store import Project
from linkdesk.core.timeline.status import rows_only_statuses, timeline_statuses

SITE, OTHER = "acme-widgets.com", "acme-shop.com"
OCT, NOV = datetime.date(2026, 10, 20), datetime.date(2026, 11, 20)


@pytest.fixture(scope="module")
def records() -> list[LinkRecord]:
    return list(make_profile(500, site=SITE, seed=33))


@pytest.fixture(scope="module")
def other_records() -> list[LinkRecord]:
    return list(make_profile(150, site=OTHER, seed=34))


def _stored(db: sqlite3.Connection, size: int) -> np.ndarray:
    status = np.full(size, LIVE, np.int8)
    for link_id, value in db.execute("SELECT id, status FROM links"):
        status[link_id] = value
    return status


def _check(db: sqlite3.Connection, fast_expected: bool) -> np.ndarray:
    """The stored statuses and the rows-only ones (when it gives them) equal the full ones."""
    fast = rows_only_statuses(db)
    full = timeline_statuses(db)
    assert (fast is not None) == fast_expected
    if fast is not None:
        assert np.array_equal(fast, full)
    assert np.array_equal(_stored(db, len(full)), full)
    return full


def _import(project: Project, path: Path, day: datetime.date, site: str = SITE) -> None:
    import_file(project, path, ImportOptions(site=site, as_of=day))


def _first_import(project: Project, tmp_path: Path, records: list[LinkRecord]
                  ) -> sqlite3.Connection:
    """One Ahrefs export imported into the new project, its statuses checked."""
    path = tmp_path / "a1.csv"
    write_ahrefs(path, records)
    _import(project, path, OCT)
    _check(project.db, True)
    return project.db


def test_first_imports_two_vendors_another_site_then_a_month_later(
        tmp_path: Path, records: list[LinkRecord], other_records: list[LinkRecord],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("linkdesk.core.timeline.status._ROWS", 37)  # rows read in many chunks
    files = {name: tmp_path / f"{name}.csv" for name in ("a1", "s1", "b1", "a2")}
    write_ahrefs(files["a1"], records[:350])
    write_semrush(files["s1"], records[150:])
    write_ahrefs(files["b1"], other_records)
    write_ahrefs(files["a2"], records[40:300])
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = project.db
        _import(project, files["a1"], OCT)
        # The first import's status came from its rows: no digest was made for it.
        assert db.execute("SELECT count(*) FROM snapshot_digests").fetchone()[0] == 0
        status = _check(db, True)
        assert (status == VENDOR_LOST).any() and (status == LIVE).any()
        _import(project, files["s1"], NOV)  # Semrush's first export, of another day
        _check(db, True)
        _import(project, files["b1"], OCT, site=OTHER)  # Ahrefs, the other site, same day
        _check(db, True)
        _import(project, files["a2"], NOV)  # Ahrefs a month later: the timeline decides
        status = _check(db, False)
        assert (status == NOT_REPORTED).any()


def test_a_live_check_leaves_it_to_the_timeline(
        tmp_path: Path, records: list[LinkRecord]) -> None:
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = _first_import(project, tmp_path, records)
        gone, found = [row[0] for row in db.execute(
            f"SELECT id FROM links WHERE status = {LIVE} ORDER BY id LIMIT 2")]
        lost = db.execute(f"SELECT id FROM links WHERE status = {VENDOR_LOST} LIMIT 1"
                          ).fetchone()[0]
        run = start_run(db, 3, {})
        save_checks(db, run, [LinkCheck(gone, MISSING), LinkCheck(found, CHECK_LIVE, found=1),
                              LinkCheck(lost, CHECK_LIVE, found=1)])
        finish_run(db, run, links=3, pages=3, requests=3, cancelled=False)
        status = _check(db, False)
        assert status[lost] == LIVE and status[gone] != LIVE


def test_links_whose_rows_are_gone_are_no_longer_reported(
        tmp_path: Path, records: list[LinkRecord]) -> None:
    """A project file another program edited: some vendor links have no row left."""
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = _first_import(project, tmp_path, records)
        with db:  # the digests keep rows that never change: made again from what is left
            db.execute("DELETE FROM observations WHERE link_id IN "
                       "(SELECT id FROM links ORDER BY id LIMIT 5)")
            db.execute("DELETE FROM snapshot_digests")
        fast = rows_only_statuses(db)
        assert fast is not None
        assert np.array_equal(fast, timeline_statuses(db))
        assert (fast == NOT_REPORTED).sum() == 5


@pytest.mark.parametrize("junk", ["-1", "'x'", "2.5"])
def test_a_row_of_no_link_id_marks_no_other_link(
        tmp_path: Path, records: list[LinkRecord], junk: str) -> None:
    """A project file another program edited: a row names link -1, or a text or a real. It is
    no link: the link with the largest id (numpy's index -1) keeps the status its own rows
    give, and the statuses are read, not a parse error."""
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = _first_import(project, tmp_path, records)
        last = db.execute(f"SELECT max(id) FROM links WHERE status = {VENDOR_LOST}").fetchone()[0]
        with db:
            db.execute("DELETE FROM links WHERE id > ?", (last,))  # the lost link is the last
            db.execute("DELETE FROM observations WHERE link_id > ?", (last,))
            db.execute(f"UPDATE observations SET link_id = {junk} WHERE id = (SELECT "
                       "min(o.id) FROM observations AS o JOIN links AS l ON l.id = o.link_id "
                       f"WHERE l.status = {LIVE})")
            db.execute("DELETE FROM snapshot_digests")
        fast = rows_only_statuses(db)
        assert fast is not None and fast[last] == VENDOR_LOST
        assert np.array_equal(fast, timeline_statuses(db))


@pytest.mark.parametrize("junk", ["-1", "'x'"])
def test_a_live_check_of_no_link_id_finds_no_other_link_gone(
        tmp_path: Path, records: list[LinkRecord], junk: str) -> None:
    """A project file another program edited: a live check names link -1 or a text. No link
    is gone for it (numpy's index -1 made the last link gone) and no parse error ends it."""
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = _first_import(project, tmp_path, records)
        last = db.execute(f"SELECT max(id) FROM links WHERE status = {LIVE}").fetchone()[0]
        with db:
            db.execute("DELETE FROM links WHERE id > ?", (last,))
            db.execute("DELETE FROM observations WHERE link_id > ?", (last,))
        run = start_run(db, 1, {})
        save_checks(db, run, [LinkCheck(1, MISSING)])
        finish_run(db, run, links=1, pages=1, requests=1, cancelled=False)
        with db:
            db.execute(f"UPDATE link_checks SET link_id = {junk}")
        assert timeline_statuses(db)[last] == LIVE
