"""Obvious slips in a client's disavow file are read as the entry they mean, and said; comment
lines above an entry stay separate lines in the next file (issue 18)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from conftest import RunLinkdesk
from exportgen import make_profile, write_semrush

from linkdesk.core.disavow.parse import corrected_slip, parse_disavow

CLIENT_FILE = """\
# Spam network found in March
# Owner ignored two removal requests
domain:spam-one.com
domain: pharma.ru
domain:https://casino-best125.pw/
domain:https://casino-best125.pw/page.html
domain:pharma ru
"""


def test_unambiguous_slips_are_corrected() -> None:
    assert corrected_slip("domain: pharma.ru") == ("pharma.ru", "a space after domain:")
    assert corrected_slip("domain:https://casino-best125.pw/") == (
        "casino-best125.pw", "a URL after domain:")
    assert corrected_slip("Domain:  HTTP://Casino.PW") == ("casino.pw", "a URL after domain:")
    # The page or the whole domain? Not guessed.
    assert corrected_slip("domain:https://casino-best125.pw/page.html") is None
    assert corrected_slip("domain:pharma ru") is None
    assert corrected_slip("domain:ftp://files.example.com/") is None
    assert corrected_slip("https://example.com/ a comment") is None


def test_parse_keeps_corrected_entries_and_two_comment_lines() -> None:
    parsed = parse_disavow(CLIENT_FILE.encode())
    assert [(e.line_no, e.line) for e in parsed.entries] == [
        (3, "domain:spam-one.com"), (4, "domain:pharma.ru"), (5, "domain:casino-best125.pw")]
    assert [e.line_no for e in parsed.corrected] == [4, 5]
    assert [e.line_no for e in parsed.invalid] == [6, 7]
    assert parsed.entries[0].comment == ("Spam network found in March\n"
                                         "Owner ignored two removal requests")


def test_import_reports_corrections_and_the_next_file_keeps_them(
    run_linkdesk: RunLinkdesk, tmp_path: Path
) -> None:
    write_semrush(tmp_path / "semrush.csv", make_profile(60, seed=3))
    project = tmp_path / "p.linkdesk"
    assert run_linkdesk("import", project, tmp_path / "semrush.csv").returncode == 0
    disavow = tmp_path / "client-disavow.txt"
    disavow.write_text(CLIENT_FILE, encoding="utf-8")
    run = run_linkdesk("import-disavow", project, disavow)
    assert run.returncode == 0, run.stderr
    assert ("line 4: 'domain: pharma.ru' read as domain:pharma.ru (corrected a space after "
            "domain:)") in run.stdout
    assert ("line 5: 'domain:https://casino-best125.pw/' read as domain:casino-best125.pw "
            "(corrected a URL after domain:)") in run.stdout
    assert "line 6: invalid, kept as text" in run.stdout
    out = tmp_path / "disavow.txt"
    written = run_linkdesk("disavow", project, "-o", out, "--force")
    assert written.returncode == 0, written.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert "domain:pharma.ru" in lines and "domain:casino-best125.pw" in lines
    first = lines.index("# Spam network found in March")
    assert lines[first + 1] == "# Owner ignored two removal requests"
    # The comment block is the reason of the entries below it, listed under it.
    assert lines[first + 2:first + 5] == [
        "domain:casino-best125.pw", "domain:pharma.ru", "domain:spam-one.com"]
    assert run_linkdesk("validate-disavow", out).returncode == 0
