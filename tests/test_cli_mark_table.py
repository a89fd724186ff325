"""`linkdesk mark --table ... [filters]`: the rows a filtered table shows, marked at once.

Found in a user trial: November's import brought 6,198 new risky referring domains (a burst
of throw-away domains). The window marks them with two filters and Mark All Shown; the
command line could only name them one `--domain` at a time.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from test_cli_changes_agree import two_months  # noqa: F401 (fixture)

from linkdesk.cli import main
from linkdesk.core.marks import MarkKind, all_marks
from linkdesk.core.store import Project


@pytest.fixture
def project(two_months: Path, tmp_path: Path) -> Path:  # noqa: F811
    copy = tmp_path / "acme.linkdesk"
    copy.write_bytes(two_months.read_bytes())
    return copy


def _exported(project: Path, tmp_path: Path, *filters: str) -> list[str]:
    out = tmp_path / "shown.csv"
    assert main(["export", str(project), "--table", "domains", "-o", str(out), *filters]) == 0
    with out.open(encoding="utf-8") as handle:
        return [row["Domain"] for row in csv.DictReader(handle)]


def test_the_new_risky_domains_are_marked_as_the_table_shows_them(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    filters = ["--since-review", "new", "--band", "risky"]
    shown = _exported(project, tmp_path, *filters)
    assert len(shown) > 10
    capsys.readouterr()
    assert main(["mark", str(project), "--table", "domains", *filters, "--disavow",
                 "--reason", "spam burst", "--library", str(tmp_path / "library.sqlite")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Mark disavow: {len(shown):,} domains (changed: {len(shown):,} added")
    assert f"  … and {len(shown) - 10:,} more" in out
    with Project.open(project, create=False) as opened:
        domains, links = all_marks(opened.db, MarkKind.DISAVOW)
    assert len(domains) == len(shown) and not links
    assert {domain for domain in shown if domain.isascii()} <= set(domains)  # IDNs: punycode
    assert {mark.reason for mark in domains.values()} == {"spam burst"}


def test_filters_without_a_table_are_refused(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mark", str(project), "--band", "risky", "--disavow"]) == 2
    assert "add --table links or --table domains" in capsys.readouterr().err


def test_a_table_without_filters_is_refused_not_marked_whole(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A forgotten filter must not disavow every referring domain of the project."""
    assert main(["mark", str(project), "--table", "domains", "--disavow"]) == 2
    assert "give at least one" in capsys.readouterr().err
    with Project.open(project, create=False) as opened:
        domains, links = all_marks(opened.db, MarkKind.DISAVOW)
    assert not domains and not links
