"""The scoring commands end to end: settings, score, explain, export, stats."""

from __future__ import annotations

import csv
import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest
from exportgen import LinkRecord, make_profile, write_ahrefs

from linkdesk.core.scoring.model import DEFAULT_WEIGHTS

SITE = "acme-widgets.com"
HOSTILE = ('=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)", "\tTab")


def linkdesk(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linkdesk.cli", *map(str, args)],
        capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    day = datetime.date(2026, 10, 1)
    hostile = [
        LinkRecord(f"https://hostile{i}.com/page", f"https://{SITE}/", anchor=anchor,
                   title="Überraschung für Käufer", first_seen=day, last_seen=day,
                   domain_rating=30.0)
        for i, anchor in enumerate(HOSTILE)
    ]
    write_ahrefs(folder / "a.csv", [*make_profile(500, site=SITE, seed=8), *hostile])
    path = folder / "acme.linkdesk"
    run = linkdesk("import", path, folder / "a.csv", "--site", SITE, "--quiet")
    assert run.returncode == 0, run.stderr
    return path


def test_settings_show_change_and_rescore(project: Path) -> None:
    shown = linkdesk("settings", project, "--json")
    assert shown.returncode == 0, shown.stderr
    settings = json.loads(shown.stdout)
    assert settings["terms"]["sites"] == [SITE]
    assert settings["brand_terms_used"] == ["acme widgets", "acmewidgets"]
    assert settings["weights"]["authority"] == DEFAULT_WEIGHTS["authority"]

    changed = linkdesk(
        "settings", project, "--brand", "Acme Widgets", "Acme", "--money", "blue widgets",
        "--site", SITE, "--topic", "widgets", "--weight", "authority=50",
    )
    assert changed.returncode == 0, changed.stderr
    assert "money      blue widgets" in changed.stdout
    assert "authority                  50" in changed.stdout
    assert "scored 505 links" in changed.stdout

    stats = json.loads(linkdesk("stats", project, "--json").stdout)
    assert stats["anchor_classes"]["exact_match"] > 0
    assert sum(stats["bands"].values()) == 505
    assert set(stats) >= {"bands", "domain_bands", "risk", "anchor_classes"}

    restored = linkdesk("settings", project, "--weight", "authority=", "--json")
    assert json.loads(restored.stdout)["weights"]["authority"] == DEFAULT_WEIGHTS["authority"]

    refused = linkdesk("settings", project, "--weight", "authority=500")
    assert refused.returncode == 2
    assert "0-100" in refused.stderr and "nothing changed" in refused.stderr


def test_score(project: Path) -> None:
    run = linkdesk("score", project, "--json")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["links"] == 505
    assert sum(summary["bands"].values()) == 505
    text = linkdesk("score", project)
    assert "links per band: risky" in text.stdout


def test_explain_a_link_and_a_domain(project: Path) -> None:
    url = "https://hostile0.com/page"
    text = linkdesk("explain", project, "--url", url)
    assert text.returncode == 0, text.stderr
    assert "contributions:" in text.stdout and "= quality" in text.stdout
    as_json = json.loads(linkdesk("explain", project, "--url", url, "--json").stdout)
    assert len(as_json) == 1
    explained = as_json[0]
    total = sum(round(part["effect"] * 10) for part in explained["contributions"])
    assert total == round(explained["quality"] * 10)

    domain = json.loads(linkdesk("explain", project, "--domain", "www.hostile0.com",
                                 "--json").stdout)
    assert domain["domain"] == "hostile0.com"
    assert domain["quality"] == explained["quality"]

    missing = linkdesk("explain", project, "--domain", "nowhere.example")
    assert missing.returncode == 1 and "no links from the domain" in missing.stderr
    usage = linkdesk("explain", project)
    assert usage.returncode == 2


def test_export_neutralises_formulas_and_writes_utf8(project: Path, tmp_path: Path) -> None:
    links_csv, domains_csv = tmp_path / "links.csv", tmp_path / "domains.csv"
    run = linkdesk("export", project, "--links", "-o", links_csv)
    assert run.returncode == 0, run.stderr
    assert "505 links" in run.stdout
    with links_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 505
    assert {"quality", "band", "risk_level", "flags", "anchor_class"} <= set(rows[0])
    qualities = [float(row["quality"]) for row in rows]
    assert qualities == sorted(qualities, reverse=True)
    anchors = {row["anchor"] for row in rows if "hostile" in row["source_url"]}
    assert anchors == {"'" + anchor for anchor in HOSTILE}
    assert not any(row[column].startswith(("=", "+", "@", "\t")) for row in rows
                   for column in row)

    run = linkdesk("export", project, "--domains", "-o", domains_csv)
    assert run.returncode == 0, run.stderr
    with domains_csv.open(encoding="utf-8", newline="") as handle:
        domains = list(csv.DictReader(handle))
    assert {"domain", "quality", "band", "risk_level", "flags", "links", "best_link"} <= set(
        domains[0]
    )
    stats = json.loads(linkdesk("stats", project, "--json").stdout)
    assert len(domains) == sum(stats["domain_bands"].values())


DISGUISED = (" =1+1", "\u00a0=2+2", "\u3000=3+3", "\ufeff=4+4", "\n=1+1", "\r\n-5+5",
             " \t@SUM(A1)")


def test_export_neutralises_formulas_behind_whitespace(tmp_path: Path) -> None:
    """Issue 13: a formula after spaces, NBSP, U+3000, a BOM or a line break was written as
    it was, and a spreadsheet ran it."""
    day = datetime.date(2026, 10, 1)
    hidden = [
        LinkRecord(f"https://disguised{i}.com/page", f"https://{SITE}/", anchor=anchor,
                   first_seen=day, last_seen=day, domain_rating=20.0)
        for i, anchor in enumerate(DISGUISED)
    ]
    idn = LinkRecord("https://xn--mller-welt-9db.de/seite", f"https://{SITE}/", anchor="Acme",
                     first_seen=day, last_seen=day, domain_rating=20.0)
    write_ahrefs(tmp_path / "a.csv", [*make_profile(30, site=SITE, seed=3), *hidden, idn])
    project = tmp_path / "small.linkdesk"
    run = linkdesk("import", project, tmp_path / "a.csv", "--site", SITE, "--quiet")
    assert run.returncode == 0, run.stderr
    for table in (["--links"], ["--table", "links"]):
        out = tmp_path / "links.csv"
        run = linkdesk("export", project, *table, "-o", out)
        assert run.returncode == 0, run.stderr
        with out.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        header = rows[0]
        anchor = header.index("anchor" if table == ["--links"] else "Anchor")
        source = header.index("source_url" if table == ["--links"] else "Source URL")
        anchors = [row[anchor] for row in rows[1:] if "disguised" in row[source]]
        assert len(anchors) == len(DISGUISED)
        for text in anchors:
            assert text.startswith("'"), (table, text)
            assert text[1:].lstrip(" \t\r\n\u00a0\u3000\ufeff")[:1] in "=+-@"
        if table == ["--links"]:  # the first spelling wrote hosts in Unicode, and still does
            assert {row[header.index("domain")] for row in rows[1:]
                    if "welt" in row[source]} == {"müller-welt.de"}


def test_the_first_spelling_writes_what_it_always_wrote(project: Path, tmp_path: Path) -> None:
    """`export --links` is now the table writer: same header names, columns and values as
    before (names of bands and risk levels, "dofollow"), then more columns."""
    out = tmp_path / "links.csv"
    assert linkdesk("export", project, "--links", "-o", out).returncode == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["band"] for row in rows} <= {"risky", "weak", "fair", "strong"}
    assert {row["risk_level"] for row in rows} <= {"none", "low", "medium", "high"}
    assert {row["confidence"] for row in rows} <= {"low", "normal"}
    assert "dofollow" in {row["follow"] for row in rows}
    assert not {row["follow"] for row in rows} & {"follow"}
    assert {"check", "checked", "mark", "domain_rating"} <= set(rows[0])  # gained columns
