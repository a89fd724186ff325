"""`linkdesk mark --table ... FILTERS` marks in batches (core/marks/batched.py).

On a 1M-link project the command held the id of every row, then every (source, target) pair
and a before/after edit for each (344 MB peak for `--band risky`, 393,663 links). It now
plans and writes a few thousand rows at a time in one transaction: the marks are the ones the
whole-list path (`targets_from_filter` + `plan_marks` + `apply_change`, still the window's
Mark All Shown) gives, keep still wins, imported disavow entries are withdrawn the same way.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from test_cli_changes_agree import two_months  # noqa: F401 (fixture)

from linkdesk.cli import main
from linkdesk.core.disavow import import_disavow
from linkdesk.core.exports import export_spec
from linkdesk.core.marks import (
    MarkKind,
    Target,
    apply_change,
    plan_link_marks,
    plan_marks,
    preview,
)
from linkdesk.core.marks import batched as marks_batched
from linkdesk.core.scoring import BANDS
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, TableQuery, mark_filtered, targets_from_filter
from linkdesk.core.timeline import with_since_review

RISKY = BANDS.index("risky")
CASES = [
    ("links", Filters(band=RISKY), MarkKind.DISAVOW),
    ("links", Filters(since_review="new"), MarkKind.KEEP),
    ("links", Filters(band=RISKY), None),
    ("domains", Filters(since_review="new", band=RISKY), MarkKind.DISAVOW),
    ("domains", Filters(band=RISKY), None),
]


@pytest.fixture
def prepared(two_months: Path, tmp_path: Path) -> Path:  # noqa: F811
    """The project scored, with marks already there (links kept and disavowed, a domain
    kept) and an imported disavow file naming some pages and domains: what the rules of
    marking look at (keep wins, entries withdrawn)."""
    copy = tmp_path / "acme.linkdesk"
    shutil.copyfile(two_months, copy)
    assert main(["score", str(copy)]) == 0
    with Project.open(copy, create=False) as project:
        db = project.db
        links = db.execute("SELECT source_url, target_url FROM links ORDER BY id").fetchall()
        domains = [row[0] for row in db.execute(
            "SELECT domain FROM referring_domains ORDER BY domain")]
        apply_change(db, plan_link_marks(db, links[::40], MarkKind.KEEP, "real review"))
        apply_change(db, plan_link_marks(db, links[7::50], MarkKind.DISAVOW, "old audit"))
        apply_change(db, plan_marks(db, Target(domains=tuple(domains[::30])), MarkKind.KEEP,
                                    "brand"))
        disavow = tmp_path / "disavow.txt"
        disavow.write_text("\n".join([*(f"domain:{d}" for d in domains[5::25]),
                                      *(source for source, _ in links[3::35])]) + "\n")
        import_disavow(db, disavow)
    return copy


def _spec(db: sqlite3.Connection, table: str, filters: Filters) -> Any:
    spec = export_spec(db, table)
    return with_since_review(spec) if filters.since_review else spec


def _marks(path: Path) -> list[list[tuple[object, ...]]]:
    """Every marks table, without the times the marks were made."""
    with Project.open(path, create=False) as project:
        return [project.db.execute(sql).fetchall() for sql in (
            "SELECT domain, kind, reason, forced FROM domain_marks ORDER BY 1",
            "SELECT source_url, target_url, kind, reason, forced FROM link_marks ORDER BY 1, 2",
            "SELECT kind, value FROM disavow_withdrawn ORDER BY 1, 2")]


@pytest.mark.parametrize(("table", "filters", "kind"), CASES)
def test_batches_mark_what_the_whole_list_marks(
        prepared: Path, tmp_path: Path, table: str, filters: Filters,
        kind: MarkKind | None) -> None:
    whole, batched = tmp_path / "whole.linkdesk", tmp_path / "batched.linkdesk"
    shutil.copyfile(prepared, whole)
    shutil.copyfile(prepared, batched)
    library = tmp_path / "library.sqlite"
    named = Target(domains=("named-in-the-command.example",))
    with Project.open(whole, create=False) as project:
        db = project.db
        shown = targets_from_filter(db, _spec(db, table, filters), filters)
        change = plan_marks(db, Target(named.domains + shown.domains, shown.links), kind,
                            "spam burst")
        expected = preview(db, change)
        apply_change(db, change, library=library)
    with Project.open(batched, create=False) as project:
        db = project.db
        dry, _ = mark_filtered(db, _spec(db, table, filters), filters, kind, "spam burst",
                               extra=named, library=library, dry_run=True)
        assert _marks(batched) == _marks(prepared)  # a dry run writes nothing
        done, warning = marks_batched.mark_rows(
            db, table, *TableQuery(db, _spec(db, table, filters), filters).matching_sql(),
            kind, "spam burst", extra=named, library=library, batch=37)
    assert warning == ""
    assert expected.total + expected.unchanged > 37  # several batches of rows
    for summary in (dry, done):
        assert (summary.text, summary.added, summary.changed, summary.removed,
                summary.unchanged, summary.skipped, summary.links_affected) == (
            expected.text, expected.added, expected.changed, expected.removed,
            expected.unchanged, expected.skipped, expected.links_affected)
        assert len(summary.sample) == len(expected.sample)
    assert _marks(batched) == _marks(whole)


def test_the_command_never_holds_every_row(
        prepared: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """No list of every id, no target of every row: at most a batch of keys at a time."""
    planned: list[int] = []
    real = marks_batched.plan_link_marks

    def counting(db: sqlite3.Connection, keys: Any, *args: Any, **kwargs: Any) -> Any:
        keys = list(keys)
        planned.append(len(keys))
        return real(db, keys, *args, **kwargs)

    def whole_list(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("every id of the table read into memory")

    monkeypatch.setattr(marks_batched, "BATCH", 100)
    monkeypatch.setattr(marks_batched, "plan_link_marks", counting)
    monkeypatch.setattr(TableQuery, "ordered_ids", whole_list)
    assert main(["mark", str(prepared), "--table", "links", "--band", "risky", "--disavow",
                 "--reason", "spam burst"]) == 0
    out = capsys.readouterr().out
    with Project.open(prepared, create=False) as project:
        marked = project.db.execute("SELECT count(*) FROM link_marks WHERE reason = "
                                    "'spam burst'").fetchone()[0]
    assert out.startswith(f"Mark disavow: {marked:,} links (changed: ")
    assert marked > 300 and max(planned) <= 100


def test_an_interrupted_mark_leaves_no_mark(
        prepared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One transaction over every batch: a failure in the third leaves the first two out."""
    before = _marks(prepared)
    real, calls = marks_batched.write_change, []

    def failing(db: sqlite3.Connection, change: Any, **kwargs: Any) -> None:
        calls.append(change)
        if len(calls) == 5:  # the named domains, the named links, then the third batch
            raise sqlite3.OperationalError("interrupted")
        real(db, change, **kwargs)

    monkeypatch.setattr(marks_batched, "write_change", failing)
    with Project.open(prepared, create=False) as project:
        db = project.db
        filters = Filters(band=RISKY)
        with pytest.raises(sqlite3.OperationalError):
            marks_batched.mark_rows(
                db, "links", *TableQuery(db, _spec(db, "links", filters), filters)
                .matching_sql(), MarkKind.DISAVOW, "spam", batch=50)
        assert not db.in_transaction
    assert len(calls) == 5 and _marks(prepared) == before


def test_a_filter_the_table_lacks_is_said_plainly(
        prepared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--judged` reads referring domains: on links it was an "unexpected error"."""
    assert main(["mark", str(prepared), "--table", "links", "--judged", "never",
                 "--disavow"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("linkdesk mark: Links cannot be filtered by judged; nothing was "
                          "marked") and "unexpected" not in err
