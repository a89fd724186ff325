"""Disavow files: reading the client's file, validating, writing, warnings, the round trip."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_tables import build_project

from linkdesk.core import urls
from linkdesk.core.disavow import (
    DisavowError,
    import_disavow,
    parse_disavow,
    plan_disavow,
    plan_withdrawal,
    set_platforms,
    validate_disavow,
    validate_file,
    write_disavow,
)
from linkdesk.core.marks import (
    MarkKind,
    Target,
    apply_change,
    mark,
    plan_link_marks,
    plan_marks,
    revert_change,
)
from linkdesk.core.scoring import rescore
from linkdesk.core.scoring.engine import forget_signals
from linkdesk.core.store import Project

DISAVOW, KEEP = MarkKind.DISAVOW, MarkKind.KEEP


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_project(tmp_path_factory.mktemp("disavow") / "built.linkdesk")
    with Project.open(path) as project:
        rescore(project.db)
    return path


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    path = tmp_path / "copy.linkdesk"
    shutil.copy(built, path)
    with Project.open(path) as project:
        yield project.db


def spam_domains(db: sqlite3.Connection, count: int, skip: int = 0) -> list[str]:
    """Risky domains of the profile, most links first."""
    return [row[0] for row in db.execute(
        "SELECT domain FROM domain_scores WHERE risk_level = 3 AND domain GLOB '*[a-z]*' "
        "ORDER BY links DESC, domain LIMIT ? OFFSET ?", (count, skip))]


def client_file(db: sqlite3.Connection, folder: Path) -> tuple[Path, set[str]]:
    """A realistic disavow file of a previous agency, and its valid entries (normalised)."""
    spam = spam_domains(db, 3)
    idn = db.execute("SELECT domain FROM referring_domains WHERE domain LIKE 'xn--%.de' "
                     "LIMIT 1").fetchone()[0]
    host = db.execute("SELECT source_host FROM links WHERE source_host LIKE 'forum.%' "
                      "AND domain NOT IN (?, ?, ?) LIMIT 1", tuple(spam)).fetchone()[0]
    page = db.execute("SELECT source_url FROM links AS l JOIN domain_scores AS d "
                      "ON d.domain = l.domain WHERE d.risk_level >= 2 AND l.domain NOT IN "
                      "(?, ?, ?) AND l.source_host NOT LIKE 'forum.%' LIMIT 1",
                      tuple(spam)).fetchone()[0]
    text = f"""# Disavow file for acme-widgets.com
# Last updated 2025-03-02 by Previous Agency Ltd.

# Link network found in the 2024 audit; no reply to removal requests
domain:{spam[0]}
Domain:{spam[1].upper()}
domain:{spam[2]}
domain:{urls.to_unicode_host(idn)}
# Owner removed most links, but missed these
{page}
https://gone-forum.example.org/thread/123?page=2
domain:bücher.de
domain:old-network-gone.info
# Spammy forum subdomain only
domain:{host}
domain:example.com/en/
*.spam-links.net
"""
    path = folder / "old-disavow.txt"
    path.write_bytes(text.encode("utf-8"))
    expected = {f"domain:{d}" for d in spam} | {
        f"domain:{idn}", page, "https://gone-forum.example.org/thread/123?page=2",
        "domain:xn--bcher-kva.de", "domain:old-network-gone.info", f"domain:{host}"}
    return path, expected


def entries_of(path: Path) -> set[str]:
    return {entry.line for entry in parse_disavow(path.read_bytes()).entries}


# -- reading a client's file ------------------------------------------------------------------


def test_parsing_keeps_comments_line_numbers_and_invalid_lines() -> None:
    data = (b"\xef\xbb\xbf# Contacted owner of spamdomain1.com on 7/1/2012 to\n"
            b"# ask for link removal but got no response\r\n"
            b"domain:spamdomain1.com\n"
            b"# Owner of spamdomain2.com removed most links, but missed these\n"
            b"http://www.spamdomain2.com/contentA.html\n"
            b"http://www.spamdomain2.com/contentB.html#top\n"
            b"\n"
            b"domain:b\xfccher.de\n"  # cp1252, an old Windows editor
            b"domain:spamdomain1.com/en/\n")
    parsed = parse_disavow(data)
    assert [(e.line_no, e.line) for e in parsed.entries] == [
        (3, "domain:spamdomain1.com"),
        (5, "http://www.spamdomain2.com/contentA.html"),
        (6, "http://www.spamdomain2.com/contentB.html"),
        (8, "domain:xn--bcher-kva.de"),
    ]
    assert parsed.entries[0].comment == ("Contacted owner of spamdomain1.com on 7/1/2012 to\n"
                                         "ask for link removal but got no response")
    assert parsed.entries[2].comment.startswith("Owner of spamdomain2.com")
    assert parsed.entries[3].comment == ""
    assert [(e.line_no, e.text) for e in parsed.invalid] == [(9, "domain:spamdomain1.com/en/")]
    assert [(p.line, p.severity) for p in parsed.problems if p.severity == "error"] == [
        (1, "error"), (8, "error"), (9, "error")]  # BOM, not UTF-8, a path


def test_import_reports_coverage_and_keeps_entries_not_in_the_profile(
    db: sqlite3.Connection, tmp_path: Path
) -> None:
    path, expected = client_file(db, tmp_path)
    report = import_disavow(db, path)
    assert {e.line for e in report.parsed.entries} == expected
    assert [(e.line_no, e.text) for e in report.parsed.invalid] == [
        (16, "domain:example.com/en/"), (17, "*.spam-links.net")]
    assert {e.line for e in report.coverage.not_in_profile} == {
        "https://gone-forum.example.org/thread/123?page=2", "domain:xn--bcher-kva.de",
        "domain:old-network-gone.info"}
    spam = spam_domains(db, 3)
    assert report.coverage.whole_domains == 4  # three spam domains and the IDN one
    assert report.coverage.links > db.execute(
        "SELECT count(*) FROM links WHERE domain IN (?, ?, ?)", tuple(spam)).fetchone()[0]
    # Registered domains became domain marks (the one not in the profile too); the page's
    # links link marks; the subdomain entry stays an entry.
    assert report.domain_marks_added == 6
    assert report.link_marks_added >= 1
    marked = {row[0] for row in db.execute("SELECT domain FROM domain_marks")}
    assert "xn--bcher-kva.de" in marked and set(spam) <= marked
    reason = db.execute("SELECT reason FROM domain_marks WHERE domain = ?", (spam[0],)).fetchone()
    assert reason[0] == "Link network found in the 2024 audit; no reply to removal requests"
    again = import_disavow(db, path)
    assert again.already_imported and again.domain_marks_added == 0


def test_a_file_without_entries_is_refused_with_the_line(db: sqlite3.Connection,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_text('"Source url","Target url"\n"http://a.com/","http://b.com/"\n',
                    encoding="utf-8")
    with pytest.raises(DisavowError, match=r"links.csv: .*line 1: '\"Source url\",\"Target"):
        import_disavow(db, path)
    assert db.execute("SELECT count(*) FROM disavow_files").fetchone()[0] == 0


# -- the round trip ---------------------------------------------------------------------------


def test_round_trip_loses_and_adds_nothing(db: sqlite3.Connection, tmp_path: Path) -> None:
    path, expected = client_file(db, tmp_path)
    import_disavow(db, path)
    more = spam_domains(db, 2, skip=3)
    mark(db, Target(domains=tuple(more)), DISAVOW, "found in the 2026 audit")
    plan = plan_disavow(db, project_name="Acme Widgets", now="2026-11-26T10:00:00Z")
    assert plan.diff.against == "imported old-disavow.txt"
    assert sorted(plan.diff.added) == sorted(f"domain:{d}" for d in more)
    assert plan.diff.removed == []
    out = write_disavow(db, plan, tmp_path / "acme-disavow.txt", confirmed=True)
    data = out.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data and data.isascii()
    report = validate_file(out)
    assert not report.rejected, report.errors
    assert entries_of(out) == expected | {f"domain:{d}" for d in more}
    text = data.decode()
    # The client's site (the project's `sites`) comes before the name the caller gives.
    assert text.startswith("# Disavow file for acme-widgets.com, written by LinkDesk on 2026-11-26")
    assert "# found in the 2026 audit\n" in text
    assert "# (old-disavow.txt line 16) domain:example.com/en/" in text  # kept, as a comment
    # Importing what was written adds nothing, and the next file is the same.
    again = import_disavow(db, out)
    assert (again.domain_marks_added, again.link_marks_added) == (0, 0)
    replan = plan_disavow(db, project_name="Acme Widgets")
    assert (replan.diff.against, replan.diff.added, replan.diff.removed) == (
        "imported acme-disavow.txt", [], [])
    assert {e.line for e in replan.entries} == entries_of(out)


def test_unmarking_an_imported_entry_withdraws_it_and_undo_restores(
    db: sqlite3.Connection, tmp_path: Path
) -> None:
    path, expected = client_file(db, tmp_path)
    import_disavow(db, path)
    spam = spam_domains(db, 1)[0]
    change = plan_marks(db, Target(domains=(spam,)), None)
    apply_change(db, change)
    lines = {e.line for e in plan_disavow(db).entries}
    assert f"domain:{spam}" not in lines
    assert lines == expected - {f"domain:{spam}"}
    revert_change(db, change)
    assert {e.line for e in plan_disavow(db).entries} == expected
    # Entries not in the profile can be withdrawn too, by clearing their domain mark.
    mark(db, Target(domains=("old-network-gone.info",)), None)
    assert "domain:old-network-gone.info" not in {e.line for e in plan_disavow(db).entries}


def test_entries_marks_cannot_hold_are_withdrawn_by_an_undoable_change(
    db: sqlite3.Connection, tmp_path: Path
) -> None:
    path, expected = client_file(db, tmp_path)
    import_disavow(db, path)
    subdomain = next(line for line in expected if line.startswith("domain:forum."))
    change = plan_withdrawal(db, [("domain", subdomain.removeprefix("domain:"))])
    assert len(change.edits) == 1
    apply_change(db, change)
    assert {e.line for e in plan_disavow(db).entries} == expected - {subdomain}
    assert not plan_withdrawal(db, [("domain", subdomain.removeprefix("domain:"))])  # no-op
    revert_change(db, change)
    assert {e.line for e in plan_disavow(db).entries} == expected


# -- keep marks -------------------------------------------------------------------------------


def test_keep_wins_over_an_imported_entry(db: sqlite3.Connection, tmp_path: Path) -> None:
    path, _ = client_file(db, tmp_path)
    spam = spam_domains(db, 1)[0]
    mark(db, Target(domains=(spam,)), KEEP, "client says it is a partner")
    report = import_disavow(db, path)
    assert any(spam in conflict for conflict in report.conflicts)
    plan = plan_disavow(db)
    assert f"domain:{spam}" not in {e.line for e in plan.entries}
    assert (f"domain:{spam}", f"{spam} is marked keep") in plan.left_out
    assert any(w.code == "keep_conflict" and not w.needs_confirmation for w in plan.warnings)


def test_a_kept_link_splits_its_domain_into_pages_unless_forced(db: sqlite3.Connection) -> None:
    domain = db.execute(
        "SELECT domain FROM links GROUP BY domain HAVING count(DISTINCT source_url) >= 3 "
        "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    pages = [row[0] for row in db.execute(
        "SELECT DISTINCT source_url FROM links WHERE domain = ? ORDER BY 1", (domain,))]
    kept = db.execute("SELECT source_url, target_url FROM links WHERE source_url = ?",
                      (pages[0],)).fetchone()
    mark(db, Target(domains=(domain,)), DISAVOW, "network")
    mark(db, Target(links=(kept,)), KEEP, "the one real review")
    plan = plan_disavow(db)
    lines = {e.line for e in plan.entries}
    assert f"domain:{domain}" not in lines
    assert lines == set(pages[1:])
    assert any(w.code == "keep_conflict" and domain in w.message for w in plan.warnings)
    mark(db, Target(domains=(domain,)), DISAVOW, "network", forced=True)
    forced = plan_disavow(db)
    assert {e.line for e in forced.entries} == {f"domain:{domain}"}


def test_link_marks_become_page_urls_not_repeated_under_a_domain(
    db: sqlite3.Connection,
) -> None:
    first, second = spam_domains(db, 2)
    links = db.execute("SELECT source_url, target_url FROM links WHERE domain IN (?, ?)",
                       (first, second)).fetchall()
    apply_change(db, plan_link_marks(db, links, DISAVOW, "paid"))
    mark(db, Target(domains=(first,)), DISAVOW, "network")
    plan = plan_disavow(db)
    expected = {f"domain:{first}"} | {s for s, _ in links if urls.registered_domain(
        urls.normalize_url(s)[1]) == second}
    assert {e.line for e in plan.entries} == expected


# -- warnings and limits ----------------------------------------------------------------------


def test_high_quality_domains_and_platforms_need_confirmation(
    db: sqlite3.Connection, tmp_path: Path
) -> None:
    best = db.execute("SELECT domain FROM domain_scores ORDER BY quality DESC LIMIT 1"
                      ).fetchone()[0]
    blog = db.execute("SELECT domain FROM referring_domains WHERE domain LIKE '%.blogspot.com' "
                      "LIMIT 1").fetchone()[0]
    mark(db, Target(domains=(best, "medium.com", blog)), DISAVOW, "")
    plan = plan_disavow(db)
    codes = {(w.code, w.subject) for w in plan.warnings if w.needs_confirmation}
    assert codes == {("high_quality", best), ("platform", "medium.com")}  # not the one blog
    target = tmp_path / "disavow.txt"
    with pytest.raises(DisavowError, match="2 warning"):
        write_disavow(db, plan, target)
    assert [p.name for p in tmp_path.iterdir() if ".txt" in p.name] == []
    write_disavow(db, plan, target, confirmed=True)
    assert f"domain:{best}" in target.read_text()
    set_platforms(db, ["youtube.com"])  # the user's own list
    assert "platform" not in {w.code for w in plan_disavow(db).warnings}


def test_stale_and_missing_scores_are_said(db: sqlite3.Connection) -> None:
    mark(db, Target(domains=spam_domains(db, 1)), DISAVOW, "")
    forget_signals(db)  # as after an unusual data change: the scores are out of date
    assert "scores_stale" in {w.code for w in plan_disavow(db).warnings}
    db.execute("DELETE FROM domain_scores")
    missing = [w for w in plan_disavow(db).warnings if w.code == "scores_missing"]
    assert missing and missing[0].needs_confirmation


def test_limits_drop_reasons_first_then_refuse(db: sqlite3.Connection, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    domains = spam_domains(db, 6)
    for index, domain in enumerate(domains):
        mark(db, Target(domains=(domain,)), DISAVOW, f"reason {index}")
    monkeypatch.setattr("linkdesk.core.disavow.write.MAX_LINES", 12)
    plan = plan_disavow(db)
    assert plan.comments_dropped and not plan.errors
    assert "# reason" not in plan.text and plan.lines <= 12
    monkeypatch.setattr("linkdesk.core.disavow.write.MAX_LINES", 5)
    plan = plan_disavow(db)
    assert plan.errors and "Google accepts at most 5" in plan.errors[0]
    with pytest.raises(DisavowError, match="not written"):
        write_disavow(db, plan, tmp_path / "d.txt", confirmed=True)
    assert [p.name for p in tmp_path.iterdir() if ".txt" in p.name] == []


def test_an_overlong_url_is_an_error(db: sqlite3.Connection) -> None:
    long_url = "https://spam.example/" + "a" * 2100
    apply_change(db, plan_link_marks(db, [(long_url, "https://acme-widgets.com/")], DISAVOW))
    plan = plan_disavow(db)
    assert plan.errors and "longer than 2,048" in plan.errors[0]


# -- validating -------------------------------------------------------------------------------


def test_validator_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    lines = [
        "# a comment",
        "domain:example.com/en/",          # 2 path
        "domain:http://spam.com",          # 3 scheme
        "domain:spam.com:8080",            # 4 port
        "domain: spam.com",                # 5 space
        "ftp://spam.com/file",             # 6 scheme
        "spam.com/page",                   # 7 no scheme
        "https://" + "a" * 2050 + ".com/", # 8 too long
        "*.spam.com",                      # 9 wildcard
        "domain:spam.com",                 # 10 fine
        "domain:spam.com",                 # 11 duplicate
        "https://www.spam.com/page",       # 12 covered by line 10
        "domain:bücher.de",                # 13 non-ASCII
        "https://ok.example/page # note",  # 14 inline comment
        "domain:sub.spam.com",             # 15 covered by line 10
    ]
    report = validate_disavow("\n".join(lines).encode("utf-8") + b"\n")
    assert [(p.line, p.severity) for p in report.problems] == [
        (2, "error"), (3, "error"), (4, "error"), (5, "error"), (6, "error"), (7, "error"),
        (8, "error"), (9, "error"), (11, "warning"), (12, "warning"), (13, "warning"),
        (14, "error"), (15, "warning")]
    assert report.rejected and report.lines == 15
    assert "duplicate of line 10" in report.problems[8].message
    assert "domain:spam.com on line 10" in report.problems[9].message
    assert "domain:spam.com" in report.problems[5].message  # the hint
    path = tmp_path / "disavow.csv"
    path.write_text("domain:spam.com\n", encoding="utf-8")
    assert validate_file(path).rejected  # not a .txt file


def test_validator_bytes_and_size_limits() -> None:
    bom = validate_disavow(b"\xef\xbb\xbfdomain:spam.com\n")
    assert [(p.line, p.severity) for p in bom.problems] == [(1, "error")]
    assert "BOM" in bom.problems[0].message
    latin = validate_disavow(b"domain:spam.com\n# caf\xe9\n")
    assert [(p.line, p.severity) for p in latin.problems] == [(2, "error")]
    assert "not UTF-8" in latin.problems[0].message
    assert validate_disavow(b"domain:a.com\n\x00\x01\n").errors[0].line == 2
    many = b"".join(b"domain:d%d.com\n" % i for i in range(100_001))
    report = validate_disavow(many)
    assert [(p.line, "100,000" in p.message) for p in report.errors] == [(100_001, True)]
    huge = b"".join(b"# " + b"x" * 1000 + b"\n" for _ in range(2_200))
    assert [p.line for p in validate_disavow(huge).errors] == [0]
    assert not validate_disavow(b"# only comments\n\ndomain:spam.com\r\n").problems
    utf16 = "# Notepad\r\ndomain:bücher.de\r\n".encode("utf-16")
    report = validate_disavow(utf16)
    assert [(p.line, p.severity) for p in report.errors] == [(1, "error")]
    assert "UTF-16" in report.errors[0].message
    assert [e.line for e in parse_disavow(utf16).entries] == ["domain:xn--bcher-kva.de"]
