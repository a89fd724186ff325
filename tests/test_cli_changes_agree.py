"""`linkdesk changes` and the window's opening summary say the same numbers.

Found in a user trial (a November import bringing a burst of throw-away domains): the window
said "9,661 new domains (6,198 risky), 747 links from strong domains lost"; `linkdesk changes`
said neither how many new domains were risky nor how many lost links came from strong ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from exportgen import make_profile, write_ahrefs

from linkdesk.cli import main
from linkdesk.core.store import Project
from linkdesk.core.timeline import opening_summary

SITE = "acme-widgets.com"


@pytest.fixture(scope="module")
def two_months(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """October (the first 2,000 links), reviewed; November drops the first 500 and adds 1,000."""
    return two_months_project(tmp_path_factory.mktemp("months"))


def two_months_project(folder: Path) -> Path:
    """acme.linkdesk in `folder`: October's export dated 2026-10-20 (the first 2,000 links),
    reviewed; November's dated 2026-11-20 drops the first 500 and adds 1,000, among them a
    burst of throw-away domains."""
    records = list(make_profile(3_000, site=SITE, seed=7))
    write_ahrefs(folder / "october.csv", records[:2_000])
    write_ahrefs(folder / "november.csv", records[500:])
    project = folder / "acme.linkdesk"
    assert main(["import", str(project), str(folder / "october.csv"), "--site", SITE,
                 "--as-of", "2026-10-20"]) == 0
    assert main(["review", str(project), "--done"]) == 0
    assert main(["import", str(project), str(folder / "november.csv"),
                 "--as-of", "2026-11-20"]) == 0
    return project


def _summary(project: Path) -> dict[str, int]:
    with Project.open(project, create=False) as opened:
        return {key: part.count for key, part in opening_summary(opened.db).part.items()}


def test_changes_says_the_summarys_risky_and_strong_numbers(
        two_months: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary = _summary(two_months)
    assert summary["risky_new_domains"] > 0 and summary["strong_links_lost"] > 0
    capsys.readouterr()
    assert main(["changes", str(two_months), "--limit", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (f"  new links: {summary['new_links']:,}, new referring domains: "
                        f"{summary['new_domains']:,} ({summary['risky_new_domains']:,} risky)")
    assert lines[2].startswith(f"  lost links: {summary['lost_links']:,} (")
    assert lines[2].endswith(f"), {summary['strong_links_lost']:,} from strong domains")


def test_a_span_ending_on_a_day_leaves_todays_bands_out(
        two_months: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["changes", str(two_months), "--since", "2026-10-20", "--until", "2026-11-20",
                 "--limit", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("  new links: ") and "risky" not in lines[1]
    assert "strong" not in lines[2]


def _risk_and_quality(project: Path, domains: list[str]) -> list[tuple[int, float]]:
    with Project.open(project, create=False) as opened:
        scores = {domain: (points, quality) for domain, points, quality in opened.db.execute(
            "SELECT domain, risk_points, quality FROM domain_scores")}
    return [scores[domain] for domain in domains]


def test_the_lists_put_the_risky_burst_first(
        two_months: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Alphabetical lists put IP addresses and digits first and the risky burst out of sight."""
    summary = _summary(two_months)
    risky = summary["risky_new_domains"]
    capsys.readouterr()
    assert main(["changes", str(two_months), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["risky_new_domains"], data["strong_links_lost"]) == (
        risky, summary["strong_links_lost"])
    new = [entry["domain"] for entry in data["domains"] if entry["change"] == "new"]
    assert len(new) == summary["new_domains"]
    order = _risk_and_quality(two_months, new)
    # Worst first: risk points down, then quality down; equal rows by name.
    keys = [(-points, -quality, domain)
            for (points, quality), domain in zip(order, new, strict=True)]
    assert keys == sorted(keys)
    with Project.open(two_months, create=False) as opened:
        bands = dict(opened.db.execute("SELECT domain, band FROM domain_scores"))
    assert {bands[domain] for domain in new[:risky]} == {0}  # the risky ones, all first
    capsys.readouterr()
    assert main(["changes", str(two_months), "--limit", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    heading = lines.index("New referring domains:")
    assert [line.strip() for line in lines[heading + 1:heading + 6]] == new[:5]
