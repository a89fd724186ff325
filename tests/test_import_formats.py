"""Every export format and encoding LinkDesk supports is recognised, and its fields land right.

Exports are generated with `exportgen` from a known list of `LinkRecord`s, imported, and the
stored links are compared field by field with the records that generated them.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import idna
import pytest
from exportgen import (
    GENERIC_COLUMNS,
    GSC_HEADERS,
    LinkRecord,
    make_profile,
    write_ahrefs,
    write_ahrefs_2019,
    write_generic,
    write_gsc_latest,
    write_gsc_top_sites,
    write_gsc_zip,
    write_majestic,
    write_moz,
    write_semrush,
)

from linkdesk.core.importers.original import original_row
from linkdesk.core.importers.pipeline import ImportFailed, ImportOptions, import_file
from linkdesk.core.stats import project_stats
from linkdesk.core.store import Project

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
SEMRUSH_REAL = ROOT / "tests" / "data" / "semrush-real"
SITE = "acme-widgets.com"
SITE_ROOT = f"https://{SITE}/"

UNICODE_ANCHORS = (
    "Möbel & Küche – günstig",
    "東京のウィジェット",
    "виджеты «Acme»",
    'café "crème", naïve',
    "Ärger mit Widgets? ¡Sí!",
)
GENERIC_MAPPING = {
    "source_url": "Quelle",
    "target_url": "Ziel",
    "anchor": "Linktext",
    "nofollow": "Rel",
    "first_seen": "Erstmals gesehen",
}


def _profile() -> list[LinkRecord]:
    """600 links (IDN hosts, redirects, images, lost links...), some with non-ASCII anchors."""
    records = list(make_profile(600, seed=7))
    return [
        dataclasses.replace(rec, anchor=UNICODE_ANCHORS[i // 17 % len(UNICODE_ANCHORS)])
        if i % 17 == 5 else rec
        for i, rec in enumerate(records)
    ]


RECORDS = _profile()


# --- helpers ------------------------------------------------------------------------------------


def ascii_host(host: str) -> str:
    return host if host.isascii() else idna.encode(host, uts46=True).decode("ascii")


def ascii_url(url: str) -> str:
    """A generated URL as LinkDesk should store it: the host in punycode, the rest as is."""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    return f"{scheme}://{ascii_host(host)}/{path}"


def day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def rows_of(db: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> list[dict]:
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def stored_links(db: sqlite3.Connection) -> dict[tuple[str, str], dict]:
    return {(r["source_url"], r["target_url"]): r for r in rows_of(db, "SELECT * FROM links")}


def only_import(db: sqlite3.Connection) -> dict:
    (row,) = rows_of(db, "SELECT * FROM imports")
    return row


def assert_links_match(
    db: sqlite3.Connection,
    records: list[LinkRecord],
    expected: dict[str, Callable[[LinkRecord], object]],
) -> None:
    """Every record is one stored link, and each listed field holds the expected value."""
    links = stored_links(db)
    assert len(links) == len(records)
    wrong = []
    for rec in records:
        row = links.get((ascii_url(rec.source_url), ascii_url(rec.target_url)))
        if row is None:
            wrong.append(("missing link", rec.source_url, rec.target_url))
            continue
        for name, get in expected.items():
            want, got = get(rec), row[name]
            same = got == want and (got is None) == (want is None)
            if not same and isinstance(want, float) and isinstance(got, float):
                same = got == pytest.approx(want)
            if not same:
                wrong.append((rec.source_url, name, got, want))
    assert not wrong, f"{len(wrong)} wrong values, e.g. {wrong[:6]}"


def csv_rows_by_line(text: str, delimiter: str) -> dict[int, list[str]]:
    """Parse CSV text independently: the physical line each record starts on -> its cells."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, start = {}, 1
    for row in reader:
        if row:
            rows[start] = row
        start = reader.line_num + 1
    return rows


def data_row_count(path: Path) -> int:
    """Data rows of an export, counted with the csv module (preamble and blank lines left out)."""
    raw = path.read_bytes()
    utf16 = raw[:2] in (b"\xff\xfe", b"\xfe\xff")
    text = raw.decode("utf-16" if utf16 else "utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter="\t" if utf16 else ",")
            if len(r) > 1]
    return len(rows) - 1


def b(value: bool) -> int:
    return int(value)


TEXT_FIELDS: dict[str, Callable[[LinkRecord], object]] = {
    "anchor": lambda r: r.anchor,
    "title": lambda r: r.title,
}
SEEN_FIELDS: dict[str, Callable[[LinkRecord], object]] = {
    "first_seen": lambda r: day(r.first_seen),
    "last_seen": lambda r: day(r.last_seen),
}
AHREFS_FIELDS = {
    **TEXT_FIELDS, **SEEN_FIELDS,
    "domain_rating": lambda r: r.domain_rating,
    "url_rating": lambda r: r.url_rating,
    "nofollow": lambda r: b(r.nofollow),
    "ugc": lambda r: b(r.ugc),
    "sponsored": lambda r: b(r.sponsored),
    "image": lambda r: b(r.image),
    "redirect": lambda r: b(r.redirect),
    "is_spam": lambda r: b(r.is_spam),
    "lost": lambda r: b(r.lost is not None),
    "lost_at": lambda r: day(r.lost),
    "language": lambda r: r.language,
    "http_code": lambda r: r.http_code,
    "external_links": lambda r: r.external_links,
    "domain_traffic": lambda r: r.domain_traffic,
}
AHREFS_2019_FIELDS = {
    **TEXT_FIELDS, **SEEN_FIELDS,
    "domain_rating": lambda r: r.domain_rating,
    "url_rating": lambda r: r.url_rating,
    "nofollow": lambda r: b(r.nofollow),
    "ugc": lambda r: b(r.ugc),
    "sponsored": lambda r: b(r.sponsored),
    "image": lambda r: b(r.image),
    "redirect": lambda r: b(r.redirect),
    "lost_at": lambda r: day(r.lost),
    "internal_links": lambda r: r.internal_links,
    "external_links": lambda r: r.external_links,
}
SEMRUSH_FIELDS = {
    **TEXT_FIELDS, **SEEN_FIELDS,
    "page_ascore": lambda r: r.page_ascore,
    "nofollow": lambda r: b(r.nofollow),
    "sponsored": lambda r: b(r.sponsored),
    "ugc": lambda r: b(r.ugc),
    "image": lambda r: b(r.image),
    "sitewide": lambda r: b((r.internal_links or 0) >= 250),
    "lost": lambda r: b(r.lost is not None),
    "lost_at": lambda r: day(r.lost),
    "external_links": lambda r: r.external_links,
    "internal_links": lambda r: r.internal_links,
}
SEMRUSH_LEGACY_FIELDS = {
    **TEXT_FIELDS, **SEEN_FIELDS,
    "page_ascore": lambda r: r.page_ascore,
    "nofollow": lambda r: b(r.nofollow),
    "image": lambda r: b(r.image),
    "sitewide": lambda r: b((r.internal_links or 0) >= 250),
    "internal_links": lambda r: r.internal_links,
}
MAJESTIC_FIELDS = {
    "anchor": lambda r: r.anchor, **SEEN_FIELDS,
    "trust_flow": lambda r: r.trust_flow,
    "citation_flow": lambda r: r.citation_flow,
    "nofollow": lambda r: b(r.nofollow),
    "image": lambda r: b(r.image),
    "redirect": lambda r: b(r.redirect),
}
MOZ_FIELDS = {
    **TEXT_FIELDS,
    "domain_authority": lambda r: r.domain_authority,
    "page_authority": lambda r: r.page_authority,
    "spam_score": lambda r: r.spam_score,  # written as "6%"
    "nofollow": lambda r: b(r.nofollow),  # "Only rel=nofollow": Yes/No
    "redirect": lambda r: b(r.redirect),  # "301": Yes/No
}
GENERIC_FIELDS = {
    "anchor": lambda r: r.anchor,
    "nofollow": lambda r: b(r.nofollow or r.ugc or r.sponsored),  # Rel: nofollow/dofollow
    "first_seen": lambda r: day(r.first_seen),  # written DD.MM.YYYY
}


@dataclasses.dataclass(frozen=True)
class Case:
    """One vendor export layout: how to write it and what LinkDesk should make of it."""

    file_name: str
    write: Callable[[Path, list[LinkRecord]], int]
    vendor: str
    format: str
    encoding: str  # a word the stored encoding name contains
    delimiter: str
    fields: dict[str, Callable[[LinkRecord], object]]


CASES = {
    "ahrefs-utf8-comma": Case(
        "ahrefs.csv", write_ahrefs, "ahrefs", "ahrefs-backlinks", "utf-8", ",", AHREFS_FIELDS
    ),
    "ahrefs-excel-utf16-tab": Case(
        "ahrefs-excel.csv", lambda p, r: write_ahrefs(p, r, excel=True),
        "ahrefs", "ahrefs-backlinks", "16", "\t", AHREFS_FIELDS,
    ),
    "ahrefs-2019": Case(
        "ahrefs-2019.csv", write_ahrefs_2019, "ahrefs", "ahrefs-backlinks-2019", "16", "\t",
        AHREFS_2019_FIELDS,
    ),
    "semrush": Case(
        "semrush.csv", write_semrush, "semrush", "semrush-backlinks", "utf-8", ",",
        SEMRUSH_FIELDS,
    ),
    "semrush-legacy": Case(
        "semrush-legacy.csv", lambda p, r: write_semrush(p, r, legacy=True),
        "semrush", "semrush-backlinks-legacy", "utf-8", ",", SEMRUSH_LEGACY_FIELDS,
    ),
    "majestic": Case(
        "majestic.csv", write_majestic, "majestic", "majestic-backlinks", "utf-8", ",",
        MAJESTIC_FIELDS,
    ),
    "majestic-gz": Case(
        "majestic.csv.gz", lambda p, r: write_majestic(p, r, compress=True),
        "majestic", "majestic-backlinks", "utf-8", ",", MAJESTIC_FIELDS,
    ),
    "moz": Case("moz.csv", write_moz, "moz", "moz-links", "utf-8", ",", MOZ_FIELDS),
}


def import_case(project: Project, tmp_path: Path, case: Case) -> list:
    path = tmp_path / case.file_name
    case.write(path, RECORDS)
    return import_file(project, path, ImportOptions())


# --- vendor exports -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_vendor_export_is_recognised(project: Project, tmp_path: Path, case: Case) -> None:
    (result,) = import_case(project, tmp_path, case)

    assert (result.vendor, result.format) == (case.vendor, case.format)
    assert result.rows_read == result.rows_imported == len(RECORDS)
    assert result.rows_skipped == 0 and result.skipped == []
    assert (result.links_added, result.links_merged) == (len(RECORDS), 0)
    recorded = only_import(project.db)
    assert recorded["file_name"] == case.file_name
    assert (recorded["vendor"], recorded["format"]) == (case.vendor, case.format)
    assert case.encoding in recorded["encoding"].lower().replace("_", "-")
    assert recorded["delimiter"] == case.delimiter
    assert project_stats(project.db)["by_vendor"] == {case.vendor: len(RECORDS)}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_vendor_fields_match_the_generating_records(
    project: Project, tmp_path: Path, case: Case
) -> None:
    import_case(project, tmp_path, case)

    assert_links_match(project.db, RECORDS, case.fields)


def test_moz_header_after_preamble_lines_and_physical_line_numbers(
    project: Project, tmp_path: Path
) -> None:
    import_case(project, tmp_path, CASES["moz"])

    assert only_import(project.db)["header_line"] == 7  # 6 preamble lines, then the header
    lines = [r["line_no"] for r in rows_of(project.db, "SELECT line_no FROM observations")]
    assert sorted(lines) == list(range(8, 8 + len(RECORDS)))


def test_majestic_empty_flag_means_false_and_any_mark_true(
    project: Project, tmp_path: Path
) -> None:
    import_case(project, tmp_path, CASES["majestic"])

    stats = project_stats(project.db)
    assert stats["nofollow_links"] == sum(rec.nofollow for rec in RECORDS)
    assert stats["dofollow_links"] == sum(not rec.nofollow for rec in RECORDS)


def test_dates_are_stored_as_iso_days(project: Project, tmp_path: Path) -> None:
    import_case(project, tmp_path, CASES["ahrefs-utf8-comma"])  # "2024-05-01 13:45:10"

    values = rows_of(project.db, "SELECT first_seen, last_seen, lost_at FROM links")
    days = {v for row in values for v in row.values() if v is not None}
    assert days and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in days)


def test_idn_hosts_are_stored_as_punycode(project: Project, tmp_path: Path) -> None:
    records = [
        LinkRecord("https://bücher.de/blog/widgets", SITE_ROOT, anchor="Bücher"),
        LinkRecord("http://straße.de/", SITE_ROOT),
        LinkRecord("https://東京.jp/ページ", f"{SITE_ROOT}about"),
        LinkRecord("https://пример.рф/", SITE_ROOT),
    ]
    path = tmp_path / "semrush.csv"
    write_semrush(path, records)
    import_file(project, path)

    links = rows_of(project.db, "SELECT source_url, source_host, domain FROM links ORDER BY id")
    assert [(r["source_url"], r["source_host"], r["domain"]) for r in links] == [
        ("https://xn--bcher-kva.de/blog/widgets", "xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("http://xn--strae-oqa.de/", "xn--strae-oqa.de", "xn--strae-oqa.de"),
        ("https://xn--1lqs71d.jp/ページ", "xn--1lqs71d.jp", "xn--1lqs71d.jp"),
        ("https://xn--e1afmkfd.xn--p1ai/", "xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai"),
    ]


def test_generated_idn_hosts_are_punycode_everywhere(project: Project, tmp_path: Path) -> None:
    import_case(project, tmp_path, CASES["semrush"])

    idn_records = [rec for rec in RECORDS if not rec.source_url.isascii()]
    assert idn_records  # the profile has some
    hosts = {r["source_host"] for r in rows_of(project.db, "SELECT source_host FROM links")}
    domains = {r["domain"] for r in rows_of(project.db, "SELECT domain FROM referring_domains")}
    assert all(host.isascii() for host in hosts | domains)
    for rec in idn_records:
        host = ascii_host(rec.source_url.split("/")[2])
        assert host.startswith("xn--") and host in hosts and host in domains


def test_www_and_http_variants_stay_distinct_links(project: Project, tmp_path: Path) -> None:
    records = [
        LinkRecord("http://example.com/widgets", SITE_ROOT),
        LinkRecord("https://example.com/widgets", SITE_ROOT),
        LinkRecord("https://www.example.com/widgets", SITE_ROOT),
        LinkRecord("https://WWW.Example.COM/widgets", SITE_ROOT),  # same page: host case
        LinkRecord("https://www.example.com/widgets#comments", SITE_ROOT),  # same: fragment
    ]
    path = tmp_path / "semrush.csv"
    write_semrush(path, records)
    import_file(project, path)

    assert set(stored_links(project.db)) == {
        ("http://example.com/widgets", SITE_ROOT),
        ("https://example.com/widgets", SITE_ROOT),
        ("https://www.example.com/widgets", SITE_ROOT),
    }
    stats = project_stats(project.db)
    assert (stats["referring_hosts"], stats["referring_domains"]) == (2, 1)
    assert stats["observations"] == 5


# --- the original rows --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case_id", "encoding"),
    [("ahrefs-utf8-comma", "utf-8"), ("ahrefs-excel-utf16-tab", "utf-16"), ("moz", "utf-8")],
)
def test_original_row_returns_the_exact_original_cells(
    project: Project, tmp_path: Path, case_id: str, encoding: str
) -> None:
    case = CASES[case_id]
    import_case(project, tmp_path, case)
    text = (tmp_path / case.file_name).read_bytes().decode(encoding)
    by_line = csv_rows_by_line(text, case.delimiter)
    header_line = only_import(project.db)["header_line"]
    header = by_line[header_line]
    import_id = only_import(project.db)["id"]

    observed = rows_of(project.db, "SELECT line_no FROM observations ORDER BY line_no")
    for line in [row["line_no"] for row in observed][::37]:
        assert original_row(project.db, import_id, line) == dict(
            zip(header, by_line[line], strict=True)
        )


def test_original_row_keeps_columns_linkdesk_does_not_map(
    project: Project, tmp_path: Path
) -> None:
    import_case(project, tmp_path, CASES["ahrefs-utf8-comma"])
    import_id = only_import(project.db)["id"]
    rec = RECORDS[0]

    row = original_row(project.db, import_id, 2)

    assert row["Referring page URL"] == rec.source_url
    unmapped = ("Left context", "Right context", "Author", "Links in group", "Discovered status")
    assert all(column in row for column in unmapped)
    assert row["Links in group"] in {"1", "2", "3", "4", "5"}


def test_observation_line_numbers_point_at_their_original_rows(
    project: Project, tmp_path: Path
) -> None:
    import_case(project, tmp_path, CASES["moz"])
    import_id = only_import(project.db)["id"]

    observed = rows_of(
        project.db,
        "SELECT o.line_no, l.source_url, l.target_url FROM observations AS o "
        "JOIN links AS l ON l.id = o.link_id",
    )
    for row in observed:
        original = original_row(project.db, import_id, row["line_no"])
        assert (ascii_url(original["URL"]), ascii_url(original["Target URL"])) == (
            row["source_url"], row["target_url"]
        )


# --- Google Search Console ----------------------------------------------------------------------


def latest_crawl_by_page(records: list[LinkRecord]) -> dict[str, str]:
    """What a Search Console 'Latest links' file says about each linking page."""
    crawled: dict[str, str] = {}
    for rec in records:
        url, when = ascii_url(rec.source_url), day(rec.last_seen or rec.first_seen)
        assert when is not None
        crawled[url] = max(crawled.get(url, when), when)
    return crawled


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "ja"])
def test_gsc_latest_links_recognised_by_content_in_any_language(
    project: Project, tmp_path: Path, lang: str
) -> None:
    path = tmp_path / f"latest-{lang}.csv"
    write_gsc_latest(path, RECORDS, lang=lang)

    (result,) = import_file(project, path, ImportOptions(site=SITE))

    pages = latest_crawl_by_page(RECORDS)
    assert (result.vendor, result.format) == ("gsc", "gsc-latest-links")
    assert result.rows_imported == len(pages) and result.rows_skipped == 0
    assert json.loads(only_import(project.db)["columns"]) == list(GSC_HEADERS[lang]["latest_links"])
    links = stored_links(project.db)
    assert {source: row["last_seen"] for (source, _), row in links.items()} == pages
    assert {target for _, target in links} == {SITE_ROOT}
    assert all(row["placeholder"] == 1 and row["google_seen"] == 1 for row in links.values())


def test_gsc_latest_links_mark_known_links_as_seen_by_google(
    project: Project, tmp_path: Path
) -> None:
    ahrefs = tmp_path / "ahrefs.csv"
    write_ahrefs(ahrefs, RECORDS)
    import_file(project, ahrefs)
    seen_by_google = RECORDS[: len(RECORDS) // 2]
    latest = tmp_path / "Neueste Links.csv"
    write_gsc_latest(latest, seen_by_google, lang="de")

    import_file(project, latest)  # no --site needed: the links know the target site

    google_pages = {ascii_url(rec.source_url) for rec in seen_by_google}
    links = stored_links(project.db)
    assert len(links) == len(RECORDS)
    assert {key for key, row in links.items() if row["google_seen"]} == {
        key for key in links if key[0] in google_pages
    }
    assert project_stats(project.db)["placeholder_links"] == 0


def test_gsc_without_known_site_fails_asking_for_site(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "Latest links.csv"
    write_gsc_latest(path, RECORDS)
    before = "\n".join(project.db.iterdump())

    with pytest.raises(ImportFailed) as failure:
        import_file(project, path)

    assert "--site" in str(failure.value)
    assert "\n".join(project.db.iterdump()) == before
    assert path.name in str(failure.value)


def test_cli_gsc_needs_site_then_imports_with_site(tmp_path: Path, run_linkdesk) -> None:
    path = tmp_path / "Latest links.csv"
    write_gsc_latest(path, RECORDS, lang="fr")
    project_path = tmp_path / "acme.linkdesk"

    refused = run_linkdesk("import", project_path, path)
    accepted = run_linkdesk("import", project_path, path, "--site", SITE)

    assert refused.returncode != 0 and "--site" in refused.stderr
    assert path.name in refused.stderr
    assert accepted.returncode == 0, accepted.stderr
    stats = json.loads(run_linkdesk("stats", project_path, "--json").stdout)
    pages = len(latest_crawl_by_page(RECORDS))
    assert (stats["links"], stats["placeholder_links"], stats["google_seen_links"]) == (
        pages, pages, pages
    )


def test_gsc_top_linking_sites(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "Top linking sites.csv"
    write_gsc_top_sites(path, RECORDS, lang="es")

    (result,) = import_file(project, path)

    assert (result.vendor, result.format) == ("gsc", "gsc-top-linking-sites")
    assert result.rows_skipped == 0
    sites: dict[str, set[str]] = {}
    for rec in RECORDS:
        host = rec.source_url.split("/")[2].removeprefix("www.")
        sites.setdefault(host, set()).add(rec.source_url)
    assert result.rows_imported == len(sites)
    google_sites = {r["domain"]: r for r in rows_of(project.db, "SELECT * FROM google_sites")}
    idn_sites = [host for host in sites if not host.isascii()]
    assert idn_sites
    for host in idn_sites:  # two-label IDN sites: the site is its own registered domain
        assert google_sites[ascii_host(host)]["linking_pages"] == len(sites[host])
    seen = rows_of(project.db, "SELECT domain FROM referring_domains WHERE google_seen = 1")
    assert {r["domain"] for r in seen} == set(google_sites)


def test_gsc_zip_of_csvs_imports_its_linking_pages_and_sites(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "acme-widgets.com-Links-2026-11-20.zip"
    write_gsc_zip(path, RECORDS, lang="de")

    results = import_file(project, path, ImportOptions(site=SITE))

    formats = {r.format for r in results if r.rows_imported}
    assert {"gsc-latest-links", "gsc-top-linking-sites"} <= formats
    pages = latest_crawl_by_page(RECORDS)
    stats = project_stats(project.db)
    assert stats["google_seen_links"] == stats["placeholder_links"] == len(pages)
    assert project.db.execute("SELECT count(*) FROM google_sites").fetchone()[0] > 0


# --- a generic CSV with a column mapping --------------------------------------------------------


def test_cli_generic_semicolon_csv_with_map_option(tmp_path: Path, run_linkdesk) -> None:
    path = tmp_path / "export-tool.csv"
    write_generic(path, RECORDS)
    project_path = tmp_path / "acme.linkdesk"
    maps = [arg for field, column in GENERIC_MAPPING.items()
            for arg in ("--map", f"{field}={column}")]

    done = run_linkdesk("import", project_path, path, "--format", "generic", *maps)

    assert done.returncode == 0, done.stderr
    with Project.open(project_path) as opened:
        recorded = only_import(opened.db)
        assert (recorded["vendor"], recorded["delimiter"]) == ("generic", ";")
        assert_links_match(opened.db, RECORDS, GENERIC_FIELDS)


def test_generic_mapping_is_remembered_for_the_next_file_with_that_header(
    project: Project, tmp_path: Path
) -> None:
    first, second = tmp_path / "april.csv", tmp_path / "may.csv"
    write_generic(first, RECORDS[:300])
    write_generic(second, RECORDS[300:])
    import_file(project, first, ImportOptions(mapping=GENERIC_MAPPING))

    (result,) = import_file(project, second)  # no mapping given this time

    assert result.vendor == "generic" and result.rows_imported == len(RECORDS) - 300
    assert_links_match(project.db, RECORDS, GENERIC_FIELDS)


def test_generic_csv_without_a_mapping_fails_asking_for_one(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "export-tool.csv"
    write_generic(path, RECORDS[:50])

    with pytest.raises(ImportFailed) as failure:
        import_file(project, path)

    message = str(failure.value)
    assert path.name in message and "--map" in message
    assert ";".join(GENERIC_COLUMNS) in message or GENERIC_COLUMNS[0] in message


# --- forcing the format -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case_id", "forced"),
    [("ahrefs-utf8-comma", "ahrefs"), ("ahrefs-2019", "ahrefs"), ("semrush-legacy", "semrush"),
     ("majestic-gz", "majestic"), ("moz", "moz")],
)
def test_forced_format_imports_a_file_of_that_vendor(
    project: Project, tmp_path: Path, case_id: str, forced: str
) -> None:
    case = CASES[case_id]
    path = tmp_path / case.file_name
    case.write(path, RECORDS)

    (result,) = import_file(project, path, ImportOptions(format=forced))

    assert (result.vendor, result.format) == (case.vendor, case.format)
    assert result.rows_imported == len(RECORDS)


def test_forced_gsc_format_reads_search_console_files(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "Latest links.csv"
    write_gsc_latest(path, RECORDS, lang="ja")

    (result,) = import_file(project, path, ImportOptions(format="gsc", site=SITE))

    assert result.format == "gsc-latest-links"


@pytest.mark.parametrize("forced", ["ahrefs", "majestic", "moz", "gsc"])
def test_forced_format_refuses_another_vendors_file(
    project: Project, tmp_path: Path, forced: str
) -> None:
    path = tmp_path / "semrush.csv"
    write_semrush(path, RECORDS)

    with pytest.raises(ImportFailed) as failure:
        import_file(project, path, ImportOptions(format=forced))

    assert path.name in str(failure.value) and forced in str(failure.value).lower()
    assert project.db.execute("SELECT count(*) FROM links").fetchone()[0] == 0


def test_cli_format_option(tmp_path: Path, run_linkdesk) -> None:
    path = tmp_path / "majestic.csv.gz"
    write_majestic(path, RECORDS, compress=True)
    project_path = tmp_path / "acme.linkdesk"

    refused = run_linkdesk("import", project_path, path, "--format", "semrush")
    accepted = run_linkdesk("import", project_path, path, "--format", "majestic")

    assert refused.returncode != 0 and path.name in refused.stderr
    assert "semrush" in refused.stderr.lower()
    assert accepted.returncode == 0, accepted.stderr
    stats = json.loads(run_linkdesk("stats", project_path, "--json").stdout)
    assert stats["by_vendor"] == {"majestic": len(RECORDS)}


# --- bundled and real files ---------------------------------------------------------------------

SAMPLE_FORMATS = {
    "ahrefs-backlinks.csv": ("ahrefs", "ahrefs-backlinks"),
    "ahrefs-backlinks-excel.csv": ("ahrefs", "ahrefs-backlinks"),
    "ahrefs-backlinks-2019.csv": ("ahrefs", "ahrefs-backlinks-2019"),
    "semrush-backlinks.csv": ("semrush", "semrush-backlinks"),
    "majestic-backlinks.csv": ("majestic", "majestic-backlinks"),
    "moz-inbound-links.csv": ("moz", "moz-links"),
    "gsc-latest-links.csv": ("gsc", "gsc-latest-links"),
}
SAMPLE_FILES = sorted(SAMPLES.glob("*.csv"))
SEMRUSH_REAL_FILES = sorted(SEMRUSH_REAL.glob("*.csv"))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_bundled_sample_imports_completely(project: Project, path: Path) -> None:
    (result,) = import_file(project, path, ImportOptions(site=SITE))

    assert (result.vendor, result.format) == SAMPLE_FORMATS[path.name]
    assert result.rows_imported == data_row_count(path)
    assert result.rows_skipped == 0


def test_bundled_samples_merge_into_one_project(project: Project) -> None:
    rows = 0
    for path in SAMPLE_FILES:
        rows += sum(r.rows_imported for r in import_file(project, path, ImportOptions(site=SITE)))

    stats = project_stats(project.db)
    assert stats["imports"] == len(SAMPLE_FILES)
    assert stats["observations"] == rows
    assert set(stats["by_vendor"]) == {"ahrefs", "semrush", "majestic", "moz", "gsc"}
    assert stats["links"] < rows - data_row_count(SAMPLES / "gsc-latest-links.csv")


@pytest.mark.parametrize("path", SEMRUSH_REAL_FILES, ids=[p.name for p in SEMRUSH_REAL_FILES])
def test_real_semrush_export_imports_completely(project: Project, path: Path) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    (result,) = import_file(project, path)

    assert (result.vendor, result.format) == ("semrush", "semrush-backlinks")
    assert result.rows_imported == len(rows) and result.rows_skipped == 0
    pairs = {(row["Source url"], row["Target url"]) for row in rows}
    assert project_stats(project.db)["links"] == len(pairs)


def test_real_semrush_title_with_control_character_is_kept(project: Project) -> None:
    import_file(project, SEMRUSH_REAL / "capiston.com-backlinks.csv")

    titles = [r["title"] for r in rows_of(project.db, "SELECT title FROM links")]
    assert [t for t in titles if "\x13" in t] == [
        "9 Different Types of Marketing Campaigns \x13 Ultimate Guide (2022) – Woorise Blog (2024)"
    ]


def test_real_semrush_crlf_file_leaves_no_carriage_returns(project: Project) -> None:
    path = SEMRUSH_REAL / "epagecreator.net-backlinks.csv"
    assert b"\r\n" in path.read_bytes()
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    import_file(project, path)

    import_id = only_import(project.db)["id"]
    assert original_row(project.db, import_id, 2) == rows[0]
    lost = project.db.execute(
        "SELECT count(*) FROM observation_fields WHERE lost = 1").fetchone()[0]
    assert lost == sum(row["Lost link"] == "true" for row in rows) > 0
    stored = rows_of(project.db, "SELECT anchor, title FROM links")
    assert not any("\r" in (value or "") for row in stored for value in row.values())
