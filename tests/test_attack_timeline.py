"""Attacks on the time axis: damaged snapshot digests, odd dates, odd limits.

A project is a file anyone can edit; the digests are a cache inside it, so a damaged one must be
made again from the rows, never crash numpy or the command.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from exportgen import make_profile, write_ahrefs, write_semrush

from linkdesk.cli import main
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.store import Project
from linkdesk.core.timeline import opening_summary
from linkdesk.core.timeline.history import profile_history

SITE = "acme-widgets.com"


@pytest.fixture(scope="module")
def project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two months of Ahrefs and one of Semrush; digests kept by a first comparison."""
    folder = tmp_path_factory.mktemp("timeline")
    records = list(make_profile(600, seed=3))
    write_ahrefs(folder / "a1.csv", records[:500])
    write_ahrefs(folder / "a2.csv", records[100:])
    write_semrush(folder / "s1.csv", records[:400])
    path = folder / "p.linkdesk"
    with Project.open(path) as project:
        for name, day in (("a1", (2026, 10, 1)), ("a2", (2026, 11, 1)), ("s1", (2026, 11, 1))):
            import_file(project, folder / f"{name}.csv",
                        ImportOptions(site=SITE, as_of=dt.date(*day)))
    assert main(["changes", str(path), "--since", "2026-10-05", "--json"]) == 0
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM snapshot_digests").fetchone()[0] == 3
    return path


DAMAGE = [
    "links = substr(links, 1, length(links) - 3)",  # not a whole number of int64
    "codes = substr(codes, 1, 10)",  # fewer codes than links
    "links = 'not a blob'",
    "observation_ids = x'0102'",
    "links = zeroblob(8000)",  # whole int64s, but not `rows` of them
    "rows = -5",
    "rows = 'many'",
    "links = randomblob(length(links))",  # link ids no link has (they index arrays)
    "links = replace(zeroblob(length(links)), x'00', x'ff')",  # every id -1
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_digest_is_made_again(project_file: Path, tmp_path: Path, damage: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "damaged.linkdesk"
    path.write_bytes(project_file.read_bytes())
    assert main(["changes", str(project_file), "--since", "2026-10-05"]) == 0
    expected = capsys.readouterr().out
    with sqlite3.connect(path) as db:
        db.execute(f"UPDATE snapshot_digests SET {damage} WHERE import_id = 1")
    assert main(["changes", str(path), "--since", "2026-10-05"]) == 0
    captured = capsys.readouterr()
    assert captured.out == expected
    assert "error" not in captured.err
    with sqlite3.connect(path) as db:  # and the cache holds a sound digest again
        rows, links, codes = db.execute(
            "SELECT rows, length(links), length(codes) FROM snapshot_digests "
            "WHERE import_id = 1").fetchone()
    assert (links, codes) == (8 * rows, 2 * rows)


@pytest.mark.parametrize("code", [-1, 1458, 32767])
@pytest.mark.parametrize("import_id", [1, 2])
def test_digest_codes_out_of_range_are_made_again(
        project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        code: int, import_id: int) -> None:
    # Whole int16s of the right count, but no code a row can have (0 to 1457: lost, and a
    # base-3 digit per attribute): -1 would read as lost with every attribute not said.
    path = tmp_path / "damaged.linkdesk"
    path.write_bytes(project_file.read_bytes())
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT rows FROM snapshot_digests WHERE import_id = ?",
                          (import_id,)).fetchone()[0]
        db.execute("UPDATE snapshot_digests SET codes = ? WHERE import_id = ?",
                   (np.full(rows, code, np.int16).tobytes(), import_id))
    capsys.readouterr()
    for since in (["--since", "2026-10-05"], []):
        assert main(["changes", str(project_file), *since, "--json"]) == 0
        expected = capsys.readouterr().out
        assert main(["changes", str(path), *since, "--json"]) == 0
        assert capsys.readouterr().out == expected
    with sqlite3.connect(path) as db:  # and the cache holds the codes again
        stored = db.execute("SELECT codes FROM snapshot_digests WHERE import_id = ?",
                            (import_id,)).fetchone()[0]
    assert int(np.frombuffer(stored, np.int16).max()) <= 1457


# Values only an edited or damaged project file holds: every command and the window's time
# axis (opening summary, History) must read past them.
HOSTILE_VALUES = [
    "UPDATE reviews SET reviewed_at = 'garbage'",
    "UPDATE imports SET as_of = 'garbage' WHERE id = 1",
    "UPDATE imports SET as_of = '2026-02-30' WHERE id = 2",
    "UPDATE imports SET first_observation_id = 'x' WHERE id = 1",
    "UPDATE review_grades SET band = 'bogus', risk_level = 99",
]


@pytest.mark.parametrize("damage", HOSTILE_VALUES)
def test_hostile_project_values(project_file: Path, tmp_path: Path, damage: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hostile.linkdesk"
    path.write_bytes(project_file.read_bytes())
    assert main(["review", str(path), "--done", "--note", "first look"]) == 0
    with sqlite3.connect(path) as db:
        # some bands moved
        db.execute("UPDATE review_grades SET band = 0 WHERE length(domain) % 3 = 0")
        db.execute(damage)
    capsys.readouterr()
    for command in (["changes", str(path)], ["changes", str(path), "--since", "2026-10-05"],
                    ["review", str(path)], ["report", str(path), "-o", str(tmp_path / "r.html")]):
        assert main(command) == 0, command
        assert "unexpected error" not in capsys.readouterr().err
    with Project.open(path) as project:
        history = profile_history(project.db)
        summary = opening_summary(project.db)
    assert all(len(point.day) == 10 for point in history.points)
    assert summary.text


@pytest.mark.parametrize("day", ["20261103", "2026-W01-1", "２０２６-１１-０３", "2026-02-30",
                                 "0000-01-01", "2026-11-03T10:00"])
def test_only_yyyy_mm_dd_is_a_day(project_file: Path, day: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["changes", str(project_file), "--since", day]) == 2
    assert f"--since {day!r} is not a date: write it as YYYY-MM-DD" in capsys.readouterr().err


def test_a_limit_beyond_sqlite_integers_lists_everything(
        project_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["changes", str(project_file), "--since", "2026-10-05", "--limit",
                 "99999999999999999999"]) == 0
    captured = capsys.readouterr()
    assert "New links:" in captured.out and "… and" not in captured.out
    assert captured.err == ""


def test_a_future_date_in_an_export_is_not_its_day(tmp_path: Path) -> None:
    """A vendor glitch of last seen 9999-12-31 must not make the file Ahrefs' latest export
    for ever (every later export would be hidden behind it)."""
    records = list(make_profile(50, seed=9))
    glitch = [dataclasses.replace(r, last_seen=dt.date(9999, 12, 31)) if i == 7 else
              dataclasses.replace(r, last_seen=dt.date(2026, 10, 20)) for i, r in
              enumerate(records)]
    write_ahrefs(tmp_path / "glitch.csv", glitch)
    with Project.open(tmp_path / "p.linkdesk") as project:
        (result,) = import_file(project, tmp_path / "glitch.csv", ImportOptions(site=SITE))
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    assert result.as_of_source == "file"
    assert "2026-10-20" <= result.as_of <= tomorrow.isoformat()


def test_as_of_in_the_future_is_refused(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    write_ahrefs(tmp_path / "a.csv", make_profile(20, seed=4))
    path = tmp_path / "p.linkdesk"
    assert main(["import", str(path), str(tmp_path / "a.csv"), "--as-of", "9999-12-31"]) == 2
    assert "--as-of 9999-12-31: an export cannot describe a day still to come" in \
        capsys.readouterr().err
    assert not path.exists()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert main(["import", str(path), str(tmp_path / "a.csv"), "--as-of", today]) == 0


def test_text_from_files_cannot_drive_the_terminal(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """An export's URL with an escape sequence (clear screen) or a bidi override, and a review
    note with line breaks and a bell, are printed as visible escapes on one line."""
    records = list(make_profile(30, seed=2))
    records[0] = dataclasses.replace(records[0], target_url=f"https://{SITE}/\x1b[2Jshop",
                                     lost=None)
    records[1] = dataclasses.replace(records[1], source_url="https://evil.example/\u202etxt.exe")
    write_ahrefs(tmp_path / "a.csv", records)
    path = tmp_path / "p.linkdesk"
    assert main(["import", str(path), str(tmp_path / "a.csv")]) == 0
    assert main(["review", str(path), "--done", "--note", "line one\nline two\x07" + "y" * 500]
                ) == 0
    capsys.readouterr()
    assert main(["changes", str(path), "--since", "0001-01-01", "--limit", "1000"]) == 0
    assert main(["review", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert f"https://{SITE}/\\x1b[2Jshop" in out and "evil.example/\\u202etxt.exe" in out
    (listed,) = [line for line in out.splitlines() if "domains graded" in line]
    assert "line one line two\\x07yyy" in listed and listed.endswith("…")


def test_changes_json_is_written_an_entry_at_a_time(
        project_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`changes --json` holds one change at a time (every change of a 1M-link project took
    gigabytes), and prints exactly what json.dumps of `as_json` gives."""
    import io
    import json

    from linkdesk.commands.changes import write_json
    from linkdesk.core.timeline import compute_changes, now, on_day

    with Project.open(project_file) as project:
        changes = compute_changes(project.db, on_day(project.db, dt.date(2026, 10, 5)), now())
        expected = json.dumps(changes.as_json(), indent=2, ensure_ascii=False) + "\n"
        lists = changes.json_lists()
        assert not isinstance(lists["links"], list)
        out = io.StringIO()
        seen: list[str] = []

        def watched(entries: Iterator[dict[str, object]]) -> Iterator[dict[str, object]]:
            for entry in entries:
                if seen:  # the entry before is written before this one is read
                    assert json.dumps(seen[-1]) in out.getvalue()
                seen.append(str(entry["url"]))
                yield entry

        write_json(changes.json_head(), {"links": watched(lists["links"]),
                                         "domains": lists["domains"]}, out)
    assert len(seen) > 50 and out.getvalue() == expected
    assert main(["changes", str(project_file), "--since", "2026-10-05", "--json"]) == 0
    assert capsys.readouterr().out == expected


def test_review_counts_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_ahrefs(tmp_path / "a.csv", make_profile(1, seed=4))
    path = tmp_path / "p.linkdesk"
    assert main(["import", str(path), str(tmp_path / "a.csv")]) == 0
    capsys.readouterr()
    assert main(["review", str(path), "--done"]) == 0
    assert "it covers the 1 import so far; the bands and risk levels of 1 referring domain " \
           "are kept" in capsys.readouterr().out


def test_separator_in_an_anchor_keeps_anchors_on_their_links(tmp_path: Path) -> None:
    """An anchor holding the digest's separators (U+001F, U+001E) from a vendor's file: the
    digest still has one anchor per link, each on its own link (they were shifted by one)."""
    from linkdesk.core.timeline.digests import anchor_crc, make_digest

    records = list(make_profile(40, seed=5))
    records[3] = dataclasses.replace(records[3], anchor="best\x1fwidgets\x1e")
    write_ahrefs(tmp_path / "a.csv", records)
    with Project.open(tmp_path / "p.linkdesk") as project:
        import_file(project, tmp_path / "a.csv",
                    ImportOptions(site=SITE, as_of=dt.date(2026, 10, 1)))
        rows = project.db.execute("SELECT o.anchor FROM observation_fields AS o "
                                  "WHERE o.import_id = 1 ORDER BY o.id").fetchall()
        digest = make_digest(project.db, 1, None, None)
    assert any("\x1f" in (anchor or "") for (anchor,) in rows)
    assert len(digest.anchors) == len(digest.links) == len(rows)
    last = rows[-1][0]
    assert last is not None and int(digest.anchors[-1]) == anchor_crc(last)


def test_a_request_over_both_tables_checks_the_project_state_once(
        project_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linkdesk.core.profile.report import profile_sections
    from linkdesk.core.tables import DOMAINS, LINKS, Filters, with_marks
    from linkdesk.core.timeline import changes as changes_module
    from linkdesk.core.timeline.filters import changes_since_review, with_since_review

    path = tmp_path / "p.linkdesk"
    path.write_bytes(project_file.read_bytes())
    tables = (with_since_review(with_marks(LINKS)), with_since_review(with_marks(DOMAINS)))
    filters = Filters(since_review="new")
    real = changes_module.state_key
    calls: list[object] = []

    def counted(*args: object) -> str:
        calls.append(args)
        return real(*args)  # type: ignore[arg-type]

    with Project.open(path) as project:
        first = changes_since_review(project.db)  # computed and held on the connection
        monkeypatch.setattr(changes_module, "state_key", counted)
        history = profile_history(project.db, filters, tables)
        assert len(calls) == 1  # one check for both tables, the changes reused
        assert history.filtered and history.points
        calls.clear()
        scope = dict(profile_sections(project.db, filters, sections=("scope",), tables=tables))
        assert len(calls) == 1
        assert scope["scope"].links_filtered
        again = changes_since_review(project.db)  # outside a request: checked each time
        assert len(calls) == 2 and again.counts == first.counts
