"""A full re-score's titles pass shared with a second process (scoring/scanhelper.py) stores
exactly what one process stores; a helper that fails, stops or is cancelled ends the re-score
with a clear error (or a cancel), the scores unchanged and no process left behind."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import multiprocessing
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from exportgen import make_profile, write_ahrefs
from test_scoring_page_scan import SITE, _pages

from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.scoring import ScoreCancelled, ScoreProgress, features, rescore, scanhelper
from linkdesk.core.scoring.engine import forget_signals, read_state
from linkdesk.core.scoring.model import load_model, set_terms
from linkdesk.core.store import Project, ProjectError, transaction

TABLES = {"link_features": "link_id", "link_scores": "link_id", "domain_scores": "id",
          "network_keys": "id", "anchor_texts": "id"}


@pytest.fixture(scope="module")
def project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scored project with marked pages, network titles and paths, and a topic."""
    folder = tmp_path_factory.mktemp("helper")
    records = list(make_profile(3000, site=SITE, seed=5))
    write_ahrefs(folder / "ahrefs.csv", [*records, *_pages(records[0])])
    path = folder / "p.linkdesk"
    with Project.open(path) as project:
        import_file(project, folder / "ahrefs.csv", ImportOptions(site=SITE))
        with transaction(project.db):
            set_terms(project.db, topics=["widgets", "garden tools"])
        rescore(project.db)
    return path


@pytest.fixture
def helped(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Any project gets a helper, and ids are claimed in small ranges (both processes scan
    some); returns how many helper results were used, filled in as they come."""
    monkeypatch.setattr(scanhelper, "MIN_LINKS", 0)
    monkeypatch.setattr(scanhelper, "MIN_DOMAIN_SHARE", 0)
    monkeypatch.setattr(scanhelper, "CHUNK", 101)
    used: list[int] = []
    original = scanhelper.ScanHelper.result

    def result(self: scanhelper.ScanHelper, db: sqlite3.Connection) -> Any:
        found = original(self, db)
        used.append(len(found.ids) if found is not None else -1)
        return found

    monkeypatch.setattr(scanhelper.ScanHelper, "result", result)
    chunks = scanhelper.ScanHelper.chunks

    def shared(self: scanhelper.ScanHelper) -> Iterator[tuple[int, int]]:
        """This process's claims, but only once the helper claimed one: both scan some."""
        claims = chunks(self)
        first = next(claims, None)
        if first is None:
            return
        yield first
        claimed = self._next.value
        while self._next.value == claimed and self._process.is_alive():
            time.sleep(0.01)
        yield from claims

    monkeypatch.setattr(scanhelper.ScanHelper, "chunks", shared)
    return used


def _copy(source: Path, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    shutil.copy(source, path)
    return path


def _forgotten(path: Path) -> Project:
    project = Project.open(path)
    forget_signals(project.db)
    return project


def _digests(db: sqlite3.Connection) -> dict[str, str]:
    found = {}
    for table, key in TABLES.items():
        digest = hashlib.sha256()
        for row in db.execute(f"SELECT * FROM {table} ORDER BY {key}"):
            digest.update(repr(row).encode())
        found[table] = digest.hexdigest()
    state = read_state(db)
    state.get("scores", {}).pop("scored_at", None)
    found["state"] = repr(sorted(state.items()))
    return found


def _one_process(project_file: Path, tmp_path: Path) -> dict[str, str]:
    with _forgotten(_copy(project_file, tmp_path, "alone.linkdesk")) as project, \
            pytest.MonkeyPatch.context() as patch:
        patch.setattr(scanhelper, "MIN_LINKS", 1 << 62)
        rescore(project.db)
        return _digests(project.db)


@pytest.mark.parametrize("domain_ids", ["dict", "join"])
def test_two_processes_store_exactly_what_one_stores(
    project_file: Path, tmp_path: Path, helped: list[int], domain_ids: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = _one_process(project_file, tmp_path)
    assert helped == []  # (the copy was scored by one process)
    if domain_ids == "join":  # the wide profile's way to a link's domain id
        monkeypatch.setattr(features, "_DOMAIN_IDS_IN_MEMORY", 0)
    with _forgotten(_copy(project_file, tmp_path, "two.linkdesk")) as project:
        rescore(project.db)
        assert _digests(project.db) == expected
        links = project.db.execute("SELECT count(*) FROM links").fetchone()[0]
    assert len(helped) == 1 and 0 < helped[0] <= links  # the helper scanned some links
    assert multiprocessing.active_children() == []


def test_domains_numbered_otherwise_are_scanned_again_here(
    project_file: Path, tmp_path: Path, helped: list[int], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    expected = _one_process(project_file, tmp_path)
    monkeypatch.setattr(scanhelper, "_numbered_alike", lambda db, found: False)
    with _forgotten(_copy(project_file, tmp_path, "two.linkdesk")) as project, \
            caplog.at_level(logging.WARNING):
        rescore(project.db)
        assert _digests(project.db) == expected
    assert helped == [-1]
    assert "numbered the domains differently" in caplog.text


def _scores(db: sqlite3.Connection) -> dict[str, str]:
    return {"state": repr(sorted(read_state(db).items())),
            "scores": repr(db.execute("SELECT * FROM link_scores ORDER BY link_id").fetchall())}


def _helper_opens_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Make the helper fail: it is given a path with no file, which it returns."""
    missing = str(tmp_path / "missing" / "p.linkdesk")
    start = scanhelper.ScanHelper.__init__

    def elsewhere(self: scanhelper.ScanHelper, job: Any, *rest: Any) -> None:
        start(self, dataclasses.replace(job, path=missing), *rest)

    monkeypatch.setattr(scanhelper.ScanHelper, "__init__", elsewhere)
    return missing


def test_a_helper_that_fails_is_a_clear_error_and_the_scores_stay(
    project_file: Path, tmp_path: Path, helped: list[int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The helper cannot open the project."""
    missing = _helper_opens_nothing(monkeypatch, tmp_path)
    with _forgotten(_copy(project_file, tmp_path, "two.linkdesk")) as project:
        before = _scores(project.db)
        with pytest.raises(ProjectError, match="the second scoring process failed "
                           r"\(OperationalError: unable to open database file\); the scores "
                           "are unchanged") as raised:
            rescore(project.db)
        assert str(raised.value).startswith(f"{missing}: ")  # which project
        assert _scores(project.db) == before
        assert not project.db.in_transaction
    assert multiprocessing.active_children() == []


def test_a_helper_that_stops_is_a_clear_error(
    project_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scanhelper, "MIN_LINKS", 0)
    monkeypatch.setattr(scanhelper, "MIN_DOMAIN_SHARE", 0)
    with Project.open(_copy(project_file, tmp_path, "two.linkdesk")) as project, \
            scanhelper.scan_helper(project.db, load_model(project.db), lambda: None,
                                   allowed=True) as helper:
        assert helper is not None
        # While this holds the claims' lock, the helper cannot have finished: it is stopped
        # before it sends anything.
        with helper._next.get_lock():
            helper._process.kill()
            with pytest.raises(ProjectError, match="the second scoring process stopped "
                               "unexpectedly"):
                helper.result(project.db)
    assert multiprocessing.active_children() == []


def test_a_cancel_ends_the_helper_and_keeps_the_scores(
    project_file: Path, tmp_path: Path, helped: list[int],
) -> None:
    stages: list[str] = []

    def progress(step: ScoreProgress) -> None:
        stages.append(step.stage)

    with _forgotten(_copy(project_file, tmp_path, "two.linkdesk")) as project:
        before = _scores(project.db)
        with pytest.raises(ScoreCancelled):
            rescore(project.db, progress=progress, cancelled=lambda: "titles" in stages)
        assert _scores(project.db) == before
    assert stages == ["domains", "anchors", "titles"]
    assert multiprocessing.active_children() == []


def test_no_helper_inside_the_callers_transaction(
    project_file: Path, tmp_path: Path, helped: list[int],
) -> None:
    """Another connection cannot read the transaction's changes (an import's new links)."""
    expected = _one_process(project_file, tmp_path)
    with _forgotten(_copy(project_file, tmp_path, "two.linkdesk")) as project:
        with transaction(project.db):
            rescore(project.db)
        assert _digests(project.db) == expected
    assert helped == []


def test_a_heavy_tail_is_scanned_by_one_process(
    project_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Few domains for the links: the domains step is too short to hide the helper's pass."""
    monkeypatch.setattr(scanhelper, "MIN_LINKS", 0)
    with Project.open(_copy(project_file, tmp_path, "p.linkdesk")) as project:
        links, domains = project.db.execute(
            "SELECT count(*), count(DISTINCT domain) FROM links").fetchone()
        share = domains / links
        model = load_model(project.db)
        monkeypatch.setattr(scanhelper, "MIN_DOMAIN_SHARE", share * 1.01)
        with scanhelper.scan_helper(project.db, model, lambda: None, allowed=True) as helper:
            assert helper is None
        monkeypatch.setattr(scanhelper, "MIN_DOMAIN_SHARE", share * 0.99)
        with scanhelper.scan_helper(project.db, model, lambda: None, allowed=True) as helper:
            assert helper is not None
            assert helper.result(project.db) is not None  # (before it is stopped)


@pytest.fixture(autouse=True)
def _no_process_left() -> Iterator[None]:
    yield
    for child in multiprocessing.active_children():
        child.kill()


def test_the_windows_score_job_reports_each_step_and_the_helpers_failure(
    project_file: Path, tmp_path: Path, helped: list[int], monkeypatch: pytest.MonkeyPatch,
    qtbot: Any,
) -> None:
    from linkdesk.ui.workers.scorer import ScoreWorker

    path = _copy(project_file, tmp_path, "two.linkdesk")
    with _forgotten(path):
        pass
    worker = ScoreWorker(path, force=True)
    stages: list[str] = []
    worker.progressed.connect(lambda step: stages.append(step.stage))
    outcome = worker.work()
    assert outcome.error == "" and outcome.summary is not None
    assert stages[-7:] == ["domains", "anchors", "titles", "networks", "links",
                           "domain flags", "scores"]
    assert len(helped) == 1 and helped[0] > 0
    # A helper that fails: the window shows what happened, no traceback.
    with _forgotten(path):
        pass
    missing = _helper_opens_nothing(monkeypatch, tmp_path)
    outcome = ScoreWorker(path, force=True).work()
    assert outcome.summary is None
    assert outcome.error.startswith(f"{missing}: the second scoring process failed")
    assert multiprocessing.active_children() == []


def test_link_ids_below_one_are_scanned_by_one_process(
    project_file: Path, tmp_path: Path, helped: list[int]
) -> None:
    """A file another program edited: a negative link id would have indexed the helper's
    domain numbering from its end (another link's slot)."""
    path = _copy(project_file, tmp_path, "negative.linkdesk")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE links SET id = -5 WHERE id = (SELECT min(id) FROM links)")
    db.close()
    with _forgotten(path) as project:
        rescore(project.db)
    assert helped == []
