"""`linkdesk balance`: the Dashboard's headline figures on the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_cli import linkdesk
from test_tables_scores import build_scored_project

from linkdesk.cli import main
from linkdesk.core.scoring import BANDS
from linkdesk.core.scoring.engine import forget_signals
from linkdesk.core.store import Project


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_project(tmp_path_factory.mktemp("balance") / "acme.linkdesk", 400)


def test_the_figures_are_the_projects(project: Path) -> None:
    run = linkdesk("balance", project, "--json")
    assert run.returncode == 0, run.stderr
    figures = json.loads(run.stdout)
    with Project.open(project, create=False) as opened:
        db = opened.db
        links = db.execute("SELECT count(*) FROM links").fetchone()[0]
        domains = db.execute("SELECT count(*) FROM referring_domains").fetchone()[0]
        bands = dict(db.execute("SELECT band, count(*) FROM link_scores GROUP BY band"))
        lost = db.execute("SELECT count(*) FROM links WHERE status <> 1").fetchone()[0]
        worst = db.execute("SELECT domain, links FROM referring_domains "
                           "ORDER BY links DESC, domain LIMIT 1").fetchone()
    assert (figures["links"], figures["referring_domains"]) == (links, domains)
    for index, band in enumerate(BANDS):
        assert figures["links_by_band"][band] == round(bands.get(index, 0) / links, 4)
    assert figures["lost"] == round(lost / links, 4)
    assert figures["most_links_from_one_domain"] == {"domain": worst[0], "links": worst[1]}
    assert figures["hints"] and all(hint.endswith(".") for hint in figures["hints"])
    assert sum(figures["anchor_classes"].values()) == pytest.approx(1.0, abs=0.001)


def test_the_filters_are_the_tables(project: Path) -> None:
    run = linkdesk("balance", project, "--band", "risky", "--json")
    assert run.returncode == 0, run.stderr
    figures = json.loads(run.stdout)
    with Project.open(project, create=False) as opened:
        risky = opened.db.execute("SELECT count(*) FROM link_scores WHERE band = 0").fetchone()
    assert figures["links"] == risky[0] > 0
    assert figures["links_by_band"]["risky"] == 1.0


def test_the_text_report_reads_as_the_dashboard(project: Path) -> None:
    run = linkdesk("balance", project)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].endswith("referring domains") and lines[1].startswith("Domains by band")
    assert "Hints:" in lines and any(line.startswith("Top anchors:") for line in lines)
    missing = linkdesk("balance", project.with_name("nowhere.linkdesk"))
    assert missing.returncode != 0 and "nowhere.linkdesk" in missing.stderr


def test_a_project_another_program_is_writing_is_said_busy(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "busy.linkdesk"
    copy.write_bytes(project.read_bytes())
    with Project.open(copy) as opened, opened.db:
        forget_signals(opened.db)  # stale: the command has to re-score, so to write
    monkeypatch.setattr("linkdesk.core.store.project._BUSY_TIMEOUT_MS", 50)
    with Project.open(copy) as writer:  # another program holds the write lock meanwhile
        writer.db.execute("BEGIN IMMEDIATE")
        assert main(["balance", str(copy)]) == 1
        writer.db.rollback()
    error = capsys.readouterr().err
    assert "linkdesk balance: the project is busy" in error and "Traceback" not in error
    assert main(["balance", str(copy), "--json"]) == 0  # once it is free
