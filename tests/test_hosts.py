"""Host names are checked once (`urls.host_problem`) wherever they come in: imported URLs,
typed domains to mark, and disavow entries read or written."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from conftest import RunLinkdesk
from exportgen import make_profile, write_gsc_zip, write_semrush
from test_disavow_cli import acme, built  # noqa: F401 (fixtures: the scored sample project)

from linkdesk.core import urls
from linkdesk.core.disavow import (
    DisavowError,
    import_disavow,
    plan_disavow,
    validate_disavow,
    write_disavow,
)
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.marks import (
    MarkKind,
    MarksError,
    apply_change,
    domain_key,
    plan_domain_marks,
    typed_domain,
)
from linkdesk.core.store import Project
from linkdesk.core.text import clip

SITE = "acme-widgets.com"

# (source URL, the reason's telling part) of rows an export may hold and no link can have.
HOSTILE_SOURCES = [
    ("https://<h1>BIG<h1>/p1", "'<' is not allowed in a host name"),
    ("https://tab\t.com/page", r"'\t' is not allowed in a host name"),
    ("https://exa mple.com/page", "' ' is not allowed in a host name"),
    ("https://-spam-.example.com/page", "starts or ends with a hyphen"),
    ("https://" + "a" * 64 + ".example.com/", "a label longer than 63 characters"),
    ("https://two..dots.com/page", "an empty label"),
    ("https://[::1/page", "is not a bracketed IPv6 address"),
    ("https://[evil.com]/page", "is not an IPv6 address"),
    ("http://1.2.3.999/page", "is not an IPv4 address"),
    ("https://#evil.com/page", "the host name is empty"),
]
# Real hosts that look unusual and must still be imported.
GOOD_SOURCES = [
    "http://203.0.113.9/page", "http://[2001:db8::1]/page", "https://bücher.de/katalog",
    "https://my_blog.blogspot.com/2019/post.html", "https://xn--mller-kva.de/",
]


@pytest.mark.parametrize(
    "host",
    ["example.com", "Bücher.de", "xn--bcher-kva.de", "my_blog.blogspot.com", "example.com.",
     "192.0.2.1", "[2001:db8::1]", "localhost", "a" * 63 + ".com"],
)
def test_valid_hosts(host: str) -> None:
    assert urls.host_problem(host) == ""
    assert urls.to_ascii_host(host)


@pytest.mark.parametrize(
    ("host", "problem"),
    [("<h1>big<h1>", "'<' is not allowed"), ("#evil.com", "'#' is not allowed"),
     ("tab\t.com", r"'\t' is not allowed"), ("x.com\\", r"'\\' is not allowed"),
     ("a..b.com", "empty label"), ("-a.com", "hyphen"), ("a-.com", "hyphen"),
     ("a" * 64 + ".com", "longer than 63"), (("a" * 60 + ".") * 5 + "com", "longer than 253"),
     ("[::1", "bracketed IPv6"), ("[1.2.3.4]", "not an IPv6 address"),
     ("1.2.3.999", "not an IPv4 address"), ("0x7f.1", "not an IPv4 address"),
     ("xn--zz.com", "not valid punycode"), ("bü<.de", "'<' is not allowed"), ("", "empty")],
)
def test_invalid_hosts_say_why(host: str, problem: str) -> None:
    assert problem in urls.host_problem(host)
    assert urls.to_ascii_host(host) == ""
    if "\\" not in host:  # in a URL a backslash ends the host, as a slash does
        assert urls.normalize_url(f"https://{host}/page") is None


def test_url_problem_names_the_host() -> None:
    assert urls.url_problem("https://<h1>BIG<h1>/p1") == (
        "has an invalid host '<h1>big<h1>': '<' is not allowed in a host name")
    assert urls.url_problem("https://example.com:http/") == "has an invalid port 'http'"
    assert urls.url_problem("mailto:a@example.com") == "is not an http(s) URL"
    assert urls.url_problem("https://example.com/ok") == ""


def test_a_long_host_is_quoted_cut_as_every_message_cuts_text() -> None:
    host = "spam-" * 60 + "!.com"
    message = urls.url_problem(f"https://{host}/page")
    assert message == f"has an invalid host {clip(host, 80)!r}: '!' is not allowed in a host name"


def test_public_suffixes() -> None:
    assert all(map(urls.is_public_suffix, ["com", "co.uk", "blogspot.com", "github.io"]))
    assert not any(map(urls.is_public_suffix, ["example.co.uk", "foo.blogspot.com",
                                               "203.0.113.9", "unknown.zzz"]))


# -- import ------------------------------------------------------------------------------------


def test_import_skips_rows_with_invalid_hosts_by_line(project: Project, tmp_path: Path) -> None:
    records = list(make_profile(200, seed=5))
    template = records[0]
    hostile = [replace(template, source_url=url) for url, _ in HOSTILE_SOURCES]
    hostile.append(replace(template, target_url="https://acme-widgets.com\"><script>/x"))
    good = [replace(template, source_url=url) for url in GOOD_SOURCES]
    rows = [*records[:50], *hostile, *records[50:], *good]
    export = tmp_path / "semrush-backlinks.csv"
    write_semrush(export, rows)
    lines = export.read_text(encoding="utf-8").split("\n")  # no cell of these spans lines

    result = import_file(project, export, ImportOptions(site=SITE))[0]

    expected = {lines.index(next(line for line in lines if url in line)) + 1: why
                for url, why in HOSTILE_SOURCES}
    script = next(i for i, line in enumerate(lines, 1) if "<script>" in line)
    assert {row.line for row in result.skipped} == {*expected, script}
    for row in result.skipped:
        if row.line == script:
            assert row.reason.startswith("target URL") and "'\"' is not allowed" in row.reason
        else:
            assert row.reason.startswith("source URL") and expected[row.line] in row.reason
    assert result.rows_imported == len(rows) - len(hostile)
    db = project.db
    stored = db.execute("SELECT line_no, reason FROM skipped_rows ORDER BY line_no").fetchall()
    assert [line for line, _ in stored] == sorted({*expected, script})
    hosts = {row[0] for row in db.execute("SELECT source_host FROM links")}
    assert all(urls.host_problem(host) == "" for host in hosts)
    domains = {row[0] for row in db.execute("SELECT domain FROM referring_domains")}
    assert {"203.0.113.9", "[2001:db8::1]", "xn--bcher-kva.de", "my_blog.blogspot.com",
            "xn--mller-kva.de"} <= domains
    assert not any("<" in domain or "\t" in domain for domain in domains)


def test_search_console_rows_with_invalid_hosts_are_skipped(project: Project,
                                                            tmp_path: Path) -> None:
    records = list(make_profile(100, seed=4))
    hostile = [replace(records[0], source_url="https://<h1>BIG<h1>/p1"),
               replace(records[1], source_url="https://tab\t.com/page")]
    write_semrush(tmp_path / "semrush.csv", records)
    write_gsc_zip(tmp_path / "gsc.zip", [*records, *hostile])
    import_file(project, tmp_path / "semrush.csv", ImportOptions(site=SITE))
    results = {r.file.split(" › ")[1]: r for r in import_file(project, tmp_path / "gsc.zip")}
    for name, subject in (("Latest links.csv", "linking page"),
                          ("Top linking sites.csv", "site")):
        reasons = sorted(row.reason for row in results[name].skipped)
        assert len(reasons) == 2 and all(r.startswith(subject) for r in reasons), reasons
        assert "'<' is not allowed in a host name" in reasons[0]
        assert r"'\t' is not allowed in a host name" in reasons[1]
    stored = {row[0] for row in project.db.execute(
        "SELECT domain FROM google_sites UNION SELECT domain FROM google_pages")}
    assert stored and not any("<" in d or "\t" in d for d in stored)


# -- marks -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "why"),
    [("#evil.com", "'#' is not allowed"), ("[::1]", "loopback, private or reserved"),
     ("tab\t.com", r"'\t' is not allowed"), ("x.com\\", r"'\\' is not allowed"),
     ("co.uk", "public suffix"), ("blogspot.com", "public suffix"), ("localhost", "a dot"),
     ("10.0.0.1", "private"), ("https://<h1>BIG<h1>/p1", "invalid host '<h1>big<h1>'")],
)
def test_typed_domains_to_mark_are_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(MarksError, match="is not a domain") as refused:
        domain_key(text)
    assert why in str(refused.value)


def test_typed_domains_that_are_fine() -> None:
    assert domain_key("https://Blog.Bücher.de/seite") == "xn--bcher-kva.de"
    assert domain_key("domain:www.Example.co.uk") == "example.co.uk"
    assert domain_key("8.8.8.8") == "8.8.8.8"
    assert typed_domain("203.0.113.9") == "203.0.113.9"  # looking one up is not marking it


@pytest.fixture
def db(acme: Path) -> Iterator[sqlite3.Connection]:  # noqa: F811
    with Project.open(acme) as project:
        yield project.db


def marks_of(path: Path) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT * FROM domain_marks ORDER BY domain").fetchall()
    finally:
        db.close()


def test_mark_command_refuses_bad_domains_and_changes_nothing(
        run_linkdesk: RunLinkdesk, acme: Path) -> None:  # noqa: F811
    before = marks_of(acme)
    for bad in ("#evil.com", "[::1]", "tab\t.com", "x.com\\", "co.uk"):
        done = run_linkdesk("mark", acme, "--domain", "spam-network.top", "--domain", bad,
                            "--disavow")
        assert done.returncode == 2, (bad, done.stdout)
        assert f"{bad!r} is not a domain" in done.stderr and "nothing was marked" in done.stderr
        assert "Traceback" not in done.stderr
    page = run_linkdesk("mark", acme, "--url", "https://<h1>BIG<h1>/p1", "--disavow")
    assert page.returncode == 2 and "has an invalid host '<h1>big<h1>'" in page.stderr
    assert marks_of(acme) == before


def test_explain_says_why_a_typed_domain_is_not_one(run_linkdesk: RunLinkdesk,
                                                    acme: Path) -> None:  # noqa: F811
    done = run_linkdesk("explain", acme, "--domain", "<h1>BIG<h1>")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "'<h1>BIG<h1>' is not a domain: '<' is not allowed in a host name" in done.stderr


def store_old_marks(path: Path, domains: list[str]) -> None:
    """Domain marks as LinkDesk stored them before it checked hosts."""
    db = sqlite3.connect(path)
    with db:
        db.executemany("INSERT INTO domain_marks (domain, kind, reason, marked_at) "
                       "VALUES (?, 'disavow', 'old', '2026-01-01T00:00:00Z')",
                       [(d,) for d in domains])
    db.close()


OLD_BAD_MARKS = ["#evil.com", "[::1]", "tab\t.com", "x.com\\", "<h1>big<h1>"]


def test_old_invalid_marks_are_left_out_of_the_file_not_blocking_it(
        acme: Path, tmp_path: Path) -> None:  # noqa: F811
    store_old_marks(acme, OLD_BAD_MARKS)
    with Project.open(acme) as project:
        db = project.db
        spam = db.execute("SELECT domain FROM domain_scores WHERE risk_level = 3 "
                          "AND domain GLOB '*[a-z]*' ORDER BY links DESC LIMIT 1").fetchone()[0]
        apply_change(db, plan_domain_marks(db, [spam], MarkKind.DISAVOW, "spam"))
        plan = plan_disavow(db)
        assert not plan.errors
        left_out = {line for line, _ in plan.left_out}
        assert left_out == {f"domain:{d}" for d in OLD_BAD_MARKS}
        why = {w.subject: w.message for w in plan.warnings if w.code == "invalid"}
        assert "'#' is not allowed" in why["domain:#evil.com"]
        assert "clear its mark" in why["domain:#evil.com"]
        out = write_disavow(db, plan, tmp_path / "disavow.txt", confirmed=True)
    text = out.read_text(encoding="utf-8")
    assert f"domain:{spam}\n" in text
    assert not any(d in text for d in OLD_BAD_MARKS)
    assert not validate_disavow(out.read_bytes()).rejected


def test_old_invalid_marks_can_still_be_cleared(
        run_linkdesk: RunLinkdesk, acme: Path) -> None:  # noqa: F811
    store_old_marks(acme, OLD_BAD_MARKS)
    marking = run_linkdesk("mark", acme, "--domain", "#evil.com", "--keep")
    assert marking.returncode == 2 and "nothing was marked" in marking.stderr
    cleared = run_linkdesk("mark", acme, *[a for d in OLD_BAD_MARKS for a in ("--domain", d)],
                           "--clear")
    assert cleared.returncode == 0, cleared.stderr
    assert marks_of(acme) == []
    unknown = run_linkdesk("mark", acme, "--domain", "#never-marked.com", "--clear")
    assert unknown.returncode == 2 and "nothing was cleared" in unknown.stderr


def test_marking_invalid_stored_domains_through_the_api_skips_them(
        db: sqlite3.Connection) -> None:
    change = plan_domain_marks(db, ["<h1>big<h1>", "spam-network.top"], MarkKind.DISAVOW)
    assert change.skipped == {"invalid": 1}
    assert [edit.key for edit in change.edits] == [("spam-network.top",)]


# -- disavow files -----------------------------------------------------------------------------


def test_public_suffix_entries_are_warned_about_and_need_confirmation(
        db: sqlite3.Connection, tmp_path: Path) -> None:
    old = tmp_path / "old-disavow.txt"
    old.write_text("# previous agency\ndomain:co.uk\ndomain:spam-network.top\n",
                   encoding="utf-8")
    report = validate_disavow(old.read_bytes())
    assert not report.rejected
    assert [(p.line, "co.uk is a public suffix" in p.message) for p in report.warnings] == [
        (2, True)]
    imported = import_disavow(db, old)
    assert imported.domain_marks_added == 1  # spam-network.top; co.uk stays an entry only
    assert db.execute("SELECT count(*) FROM domain_marks WHERE domain = 'co.uk'").fetchone()[0] == 0
    plan = plan_disavow(db)
    suffix = [w for w in plan.warnings if w.code == "public_suffix"]
    assert [(w.subject, w.needs_confirmation) for w in suffix] == [("co.uk", True)]
    assert "every site registered under it" in suffix[0].message
    with pytest.raises(DisavowError, match="1 warning needs confirmation"):
        write_disavow(db, plan, tmp_path / "new.txt")
    assert not (tmp_path / "new.txt").exists()


def test_an_ip_address_mark_is_written_as_its_pages(db: sqlite3.Connection,
                                                    tmp_path: Path) -> None:
    address, links = db.execute(
        "SELECT domain, links FROM referring_domains WHERE domain GLOB '[0-9]*.[0-9]*' "
        "ORDER BY links DESC LIMIT 1").fetchone()
    pages = sorted(row[0] for row in db.execute(
        "SELECT DISTINCT source_url FROM links WHERE domain = ?", (address,)))
    apply_change(db, plan_domain_marks(db, [address], MarkKind.DISAVOW, "hacked server"))
    plan = plan_disavow(db)
    assert sorted(e.value for e in plan.entries) == pages
    assert all(e.kind == "url" for e in plan.entries) and links >= len(pages) > 0
    assert [w.code for w in plan.warnings if w.subject == address] == ["ip_address"]
    out = write_disavow(db, plan, tmp_path / "disavow.txt", confirmed=True)
    assert f"domain:{address}" not in out.read_text(encoding="utf-8")


def test_validator_reads_ip_and_ipv6_domain_entries() -> None:
    report = validate_disavow(b"domain:203.0.113.9\ndomain:[2001:db8::1]\ndomain:#evil.com\n")
    assert [(p.line, p.severity) for p in report.problems] == [
        (1, "warning"), (2, "error"), (3, "error")]
    assert "takes domain names" in report.problems[0].message
    assert "not an IPv6 address" in report.problems[1].message
    assert "'#' is not allowed" in report.problems[2].message
