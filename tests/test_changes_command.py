"""`linkdesk changes` on a big project: what it reads, and what it says while it works.

Found in a user trial at 340k links: each call took ~7 s of CPU with nothing on the screen.
Most of it was the lists (20 entries of each kind): their query joined the view
`observation_fields`, which SQLite then built whole (every observation of the project) for
each list. The observations are now read by id for the entries listed, and a long call says
on stderr which step runs (scoring first when the scores are stale, comparing, listing).
The window's cache of the same changes (`state_key`) lives in its own connection's temporary
tables, not in the project, so a command has none to reuse.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_cli_changes_agree import two_months_project

from linkdesk.cli import main
from linkdesk.commands import progress_line
from linkdesk.core.store import Project
from linkdesk.core.timeline import compute_changes, since_point, until_point


@pytest.fixture(scope="module")
def two_months(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_months_project(tmp_path_factory.mktemp("months"))


def _copy(project: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.linkdesk"
    with Project.open(project) as opened:
        target = sqlite3.connect(copy)
        opened.db.backup(target)
        target.close()
    return copy


def test_listing_changes_reads_only_the_observations_it_lists(two_months: Path) -> None:
    plans: list[tuple[str, str]] = []
    with Project.open(two_months) as project:
        db = project.db
        since = since_point(db, "2026-10-20")
        changes = compute_changes(db, since, until_point(db, None, since))
        assert changes.counts.new_links and changes.counts.lost_links

        def check(sql: str) -> None:
            if sql.lstrip().upper().startswith("SELECT"):
                plans.extend((detail, sql) for *_, detail in
                             db.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())

        db.set_trace_callback(check)
        listed = changes.links("new", 20) + changes.links("lost", 20) + list(
            changes.json_lists(None)["links"])
        db.set_trace_callback(None)
    assert len(listed) == 40 + changes.counts.new_links + changes.counts.lost_links + (
        changes.counts.changed_links)
    whole = [(detail, sql) for detail, sql in plans
             if "MATERIALIZE" in detail or detail in ("SCAN o", "SCAN observations")]
    assert whole == []


def test_a_long_call_says_each_step_on_a_terminal(
        two_months: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    project = _copy(two_months, tmp_path)
    with sqlite3.connect(project) as db:  # stale scores: the command scores first
        db.execute("DELETE FROM scoring_state")
    args = ["changes", str(project), "--since", "2026-10-20"]
    # As on a terminal, a call past the delay; the line rewritten only at each step (no
    # thread), so what it says does not depend on the machine's speed.
    monkeypatch.setattr(progress_line, "wanted", lambda stream: True)
    monkeypatch.setattr(progress_line, "AFTER", 0.0)
    monkeypatch.setattr(progress_line, "EVERY", 0.0)
    capsys.readouterr()
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert "\rlinkdesk changes: scoring the project first (domains, step 1 of 7)… " in err
    assert "\rlinkdesk changes: comparing 2026-10-20 with now… " in err
    assert "\rlinkdesk changes: listing the changes… " in err
    assert err.endswith("\r\033[K") and "\r" not in out
    assert out.startswith("Changes from 2026-10-20 to now\n")
    monkeypatch.undo()  # not a terminal (a pipe, a file): no progress at all
    assert main(args) == 0
    again, err = capsys.readouterr()
    assert err == "" and again == out


def test_changed_links_say_what_each_export_said(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The values come from the two observations, read by id after the rows are listed.

    Of the 15 links whose anchor and rel differ in November, Ahrefs reports 6 lost in both
    exports (lost in 2022...2025, "removedfromhtml", "pageredirected"...): a link gone from
    the page has no rel or anchor that can change, so those are not changed links (nor new,
    nor lost: lost at both ends). The other 9, live in both, are each listed with both
    moves (docs/changes.md, "New, lost and changed")."""
    import dataclasses
    import json

    from exportgen import make_profile, write_ahrefs

    records = [r for r in make_profile(300, site="acme-widgets.com", seed=4) if r.anchor][:200]
    changed = {(r.source_url, r.target_url): dataclasses.replace(
        r, anchor=f"{r.anchor} today", nofollow=not r.nofollow) for r in records[:15]}
    write_ahrefs(tmp_path / "october.csv", records)
    write_ahrefs(tmp_path / "november.csv", [changed.get((r.source_url, r.target_url), r)
                                             for r in records])
    project = tmp_path / "p.linkdesk"
    for month, day in (("october", "2026-10-20"), ("november", "2026-11-20")):
        assert main(["import", str(project), str(tmp_path / f"{month}.csv"), "--site",
                     "acme-widgets.com", "--as-of", day]) == 0
    with Project.open(project) as opened:
        since = since_point(opened.db, "2026-10-20")
        changes = compute_changes(opened.db, since, until_point(opened.db, None, since))
        listed = {(c.url, c.target): c.fields for c in changes.links("changed")}
        others = changes.links("new") + changes.links("lost")
    rel = {False: "follow", True: "nofollow"}
    live = {key: r for key, r in changed.items() if r.lost is None}
    assert (len(live), len(changed) - len(live)) == (9, 6)  # the generator's profile, seed 4
    assert listed == {key: {"anchor": (r.anchor.removesuffix(" today"), r.anchor),
                            "rel": (rel[not r.nofollow], rel[r.nofollow])}
                      for key, r in live.items()}
    assert others == []  # the 6 lost at both ends are neither new nor lost
    capsys.readouterr()
    assert main(["changes", str(project), "--since", "2026-10-20", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["changed_links"] == 9
    assert {(e["url"], e["target"]): {name: tuple(pair) for name, pair in e["fields"].items()}
            for e in data["links"] if e["change"] == "changed"} == listed


def test_the_progress_line_is_cleared_and_its_thread_ended_on_leaving() -> None:
    import io

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    with progress_line.ProgressLine("linkdesk changes", screen, after=0.0, every=0.001) as line:
        line.step("comparing")
        thread = line._thread
    assert thread is not None and not thread.is_alive()
    assert screen.getvalue().startswith("\rlinkdesk changes: comparing… 0 s\033[K")
    assert screen.getvalue().endswith("\r\033[K")
