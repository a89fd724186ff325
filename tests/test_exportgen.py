"""Tests for the export-file generator `tests/exportgen.py`."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import gzip
import io
import re
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest

try:
    import exportgen as eg
except ModuleNotFoundError:  # tests/ turned into a package
    from tests import exportgen as eg

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
SEMRUSH_REAL = ROOT / "tests" / "data" / "semrush-real"

N = 3_000
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
BOOL = {"true", "false"}


@pytest.fixture(scope="module")
def records() -> list[eg.LinkRecord]:
    return list(eg.make_profile(N, seed=7))


def read_rows(data: bytes, encoding: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline=""), delimiter=delimiter))


def host(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0]


# --- make_profile -------------------------------------------------------------------------


def test_profile_is_lazy_deterministic_and_unique() -> None:
    assert isinstance(next(eg.make_profile(10**12)), eg.LinkRecord)  # lazy
    recs = list(eg.make_profile(20_000, seed=3))
    assert len(recs) == 20_000
    assert all(type(r) is eg.LinkRecord for r in recs[:100])
    assert len({(r.source_url, r.target_url) for r in recs}) == len(recs)
    assert recs == list(eg.make_profile(20_000, seed=3))
    assert recs != list(eg.make_profile(20_000, seed=4))
    assert list(eg.make_profile(0)) == []
    assert len(list(eg.make_profile(1))) == 1
    with pytest.raises(ValueError):
        list(eg.make_profile(-1))


def test_fast_constructor_matches_dataclass(records: list[eg.LinkRecord]) -> None:
    for rec in records[:50]:
        rebuilt = eg.LinkRecord(**{f.name: getattr(rec, f.name) for f in dataclasses.fields(rec)})
        assert rebuilt == rec
        assert hash(rebuilt) == hash(rec)
        assert dataclasses.replace(rec, anchor="x").anchor == "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        records[0].anchor = "changed"  # type: ignore[misc]


def test_host_stems_are_injective() -> None:
    assert len({a + b for a in eg._STEM_A for b in eg._STEM_B}) == eg._STEM_COMBOS
    assert len({p + q for p in eg._SPAM_P for q in eg._SPAM_Q}) == eg._SPAM_COMBOS
    assert len({eg._regular_stem(d) for d in range(20_000)}) == 20_000
    assert len({eg._spam_stem(d) for d in range(5_000)}) == 5_000
    assert len({eg._ip_host(d) for d in range(5_000)}) == 5_000
    assert len({eg._idn_host(d)[0] for d in range(1_000)}) == 1_000


def test_profile_looks_like_a_real_backlink_profile() -> None:
    recs = list(eg.make_profile(20_000, seed=1))
    per_host = Counter(host(r.source_url) for r in recs)
    sizes = sorted(per_host.values(), reverse=True)
    assert sizes[0] >= 300  # sitewide / link-farm domains with many links
    assert sum(1 for s in sizes if s <= 5) / len(sizes) > 0.7  # most give 1-5 links
    hosts = set(per_host)
    assert any(h.startswith("www.") for h in hosts)
    assert any(h.endswith(".blogspot.com") for h in hosts)
    assert any(not h.isascii() for h in hosts)  # IDN in Unicode
    assert any(re.fullmatch(r"[\d.]+", h) for h in hosts)  # IP hosts
    assert any(h.endswith((".xyz", ".top", ".icu", ".tk")) for h in hosts)
    assert any(w in h for h in hosts for w in ("casino", "pharma", "loans"))
    schemes = Counter(r.source_url.split(":", 1)[0] for r in recs)
    assert schemes["http"] and schemes["https"]
    anchors = {r.anchor for r in recs}
    expected = {"Acme Widgets", "https://acme-widgets.com/", "acme-widgets.com", "click here"}
    assert expected | {"blue widgets", ""} <= anchors  # brand, naked, generic, money, empty
    assert any(r.image for r in recs) and any(r.nofollow for r in recs)
    assert any(r.lost for r in recs) and any(r.lost is None for r in recs)
    assert any(r.is_spam for r in recs) and any((r.external_links or 0) > 1000 for r in recs)
    assert max(r.domain_rating or 0 for r in recs) >= 60
    targets = {r.target_url for r in recs}
    assert 2 <= len(targets) <= 10
    assert all(t.startswith("https://acme-widgets.com/") for t in targets)
    metrics: dict[str, set[tuple[object, ...]]] = defaultdict(set)
    for r in recs:
        metrics[host(r.source_url)].add(
            (r.domain_rating, r.trust_flow, r.citation_flow, r.domain_authority, r.spam_score)
        )
        assert r.first_seen is not None and r.last_seen is not None
        assert r.first_seen <= r.last_seen <= eg.EXPORT_DATE
        assert r.lost is None or r.lost == r.last_seen
    assert all(len(v) == 1 for v in metrics.values())


def test_site_parameter() -> None:
    recs = list(eg.make_profile(300, site="example.org", seed=2))
    assert all(r.target_url.startswith("https://example.org/") for r in recs)
    assert "Example" in {r.anchor for r in recs}


# --- vendor files -------------------------------------------------------------------------


TRICKY_STR_ROWS = [
    ["plain", "1", "2.5", "true", "ünïcödé", "東京"],
    ["a,b", 'say "hi"', "line\nbreak", "cr\rhere", "tab\there", "x"],
    ["None", "", " lead", "ctrl\x13char", "semi;colon", "0"],
    ["", "", "", "", "", ""],
]
TRICKY_ROWS = [*TRICKY_STR_ROWS, ["mixed", 1, 2.5, True, None, "end"]]


@pytest.mark.parametrize(
    ("delimiter", "quote_all", "terminator"),
    [(",", False, "\n"), ("\t", True, "\r\n"), (";", False, "\r\n"), ("\t", False, "\n")],
)
def test_fast_csv_path_equals_csv_module(delimiter: str, quote_all: bool, terminator: str) -> None:
    header = [f"h{i}" for i in range(6)]
    for rows in (TRICKY_STR_ROWS, TRICKY_ROWS, TRICKY_ROWS[::-1]):
        fast, slow = io.StringIO(), io.StringIO()
        assert eg._write_csv(
            fast, header, iter(rows), delimiter=delimiter, quote_all=quote_all,
            lineterminator=terminator,
        ) == len(rows)
        quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
        writer = csv.writer(slow, delimiter=delimiter, quoting=quoting, lineterminator=terminator)
        writer.writerows([header, *rows])
        assert fast.getvalue() == slow.getvalue()


def test_ahrefs_fast_path_equals_csv_module(records: list[eg.LinkRecord]) -> None:
    for quote_all in (False, True):
        fast, slow = io.StringIO(), io.StringIO()
        eg._write_csv(fast, eg.AHREFS_COLUMNS, eg._ahrefs_rows(records), quote_all=quote_all)
        quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
        writer = csv.writer(slow, quoting=quoting, lineterminator="\n")
        writer.writerows([eg.AHREFS_COLUMNS, *eg._ahrefs_rows(records)])
        assert fast.getvalue() == slow.getvalue()


def test_ahrefs_utf8(tmp_path: Path, records: list[eg.LinkRecord]) -> None:
    path = tmp_path / "ahrefs.csv"
    assert eg.write_ahrefs(path, iter(records)) == N
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    rows = read_rows(data, "utf-8")
    assert tuple(rows[0]) == eg.AHREFS_COLUMNS and len(eg.AHREFS_COLUMNS) == 37
    assert len(rows) == N + 1 and all(len(r) == 37 for r in rows)
    col = {name: i for i, name in enumerate(rows[0])}
    for row, rec in zip(rows[1:], records, strict=True):
        assert row[col["Referring page URL"]] == rec.source_url
        assert row[col["Anchor"]] == rec.anchor and row[col["Referring page title"]] == rec.title
        assert row[col["Nofollow"]] == str(rec.nofollow).lower()
        assert {row[col["Is spam"]], row[col["UGC"]], row[col["Sponsored"]]} <= BOOL
        assert STAMP.match(row[col["First seen"]]) and STAMP.match(row[col["Last seen"]])
        assert (row[col["Lost"]] == "") == (rec.lost is None)
        assert row[col["Type"]] in {"text", "image"}
        assert (row[col["Domain rating"]] == "") == (rec.domain_rating is None)
    if (SAMPLES / "ahrefs-backlinks.csv").exists():
        sample = read_rows((SAMPLES / "ahrefs-backlinks.csv").read_bytes()[:4000], "utf-8")
        assert tuple(sample[0]) == eg.AHREFS_COLUMNS


def test_ahrefs_excel_and_2019(tmp_path: Path, records: list[eg.LinkRecord]) -> None:
    path = tmp_path / "ahrefs-excel.csv"
    assert eg.write_ahrefs(path, records, excel=True) == N
    data = path.read_bytes()
    assert data.startswith(b"\xff\xfe")
    text = data.decode("utf-16")
    lines = text.split("\r\n")
    assert lines[-1] == "" and len(lines) == N + 2 and "\n" not in text.replace("\r\n", "")
    assert all(line.startswith('"') and line.endswith('"') for line in lines[:-1])
    rows = read_rows(data, "utf-16", "\t")
    assert tuple(rows[0]) == eg.AHREFS_COLUMNS and len(rows) == N + 1
    if (SAMPLES / "ahrefs-backlinks-excel.csv").exists():
        sample = read_rows((SAMPLES / "ahrefs-backlinks-excel.csv").read_bytes(), "utf-16", "\t")
        assert tuple(sample[0]) == eg.AHREFS_COLUMNS

    path = tmp_path / "ahrefs-2019.csv"
    assert eg.write_ahrefs_2019(path, records) == N
    data = path.read_bytes()
    assert data.startswith(b"\xff\xfe\"\x00#\x00\"\x00\t\x00")
    rows = read_rows(data, "utf-16", "\t")
    assert tuple(rows[0]) == eg.AHREFS_2019_COLUMNS
    assert [r[0] for r in rows[1:4]] == ["1", "2", "3"] and len(rows) == N + 1
    if (SAMPLES / "ahrefs-backlinks-2019.csv").exists():
        sample = read_rows((SAMPLES / "ahrefs-backlinks-2019.csv").read_bytes(), "utf-16", "\t")
        assert tuple(sample[0]) == eg.AHREFS_2019_COLUMNS


@pytest.mark.parametrize("legacy", [False, True])
def test_semrush(tmp_path: Path, records: list[eg.LinkRecord], legacy: bool) -> None:
    path = tmp_path / "semrush.csv"
    assert eg.write_semrush(path, (r for r in records), legacy=legacy) == N
    data = path.read_bytes()
    assert data.startswith(b"Page ") and b"\r\n" not in data
    rows = read_rows(data, "utf-8")
    columns = eg.SEMRUSH_LEGACY_COLUMNS if legacy else eg.SEMRUSH_COLUMNS
    assert tuple(rows[0]) == columns and len(columns) == (15 if legacy else 19)
    assert len(rows) == N + 1 and all(len(r) == len(columns) for r in rows)
    col = {name: i for i, name in enumerate(rows[0])}
    for row in rows[1:]:
        assert {row[col["Nofollow"]], row[col["Image"]], row[col["Sitewide"]]} <= BOOL
        assert DAY.match(row[col["First seen"]]) and DAY.match(row[col["Last seen"]])
    if not legacy:
        assert {r[col["Sitewide"]] for r in rows[1:]} == BOOL
        for real in sorted(SEMRUSH_REAL.glob("*.csv"))[:1]:
            assert tuple(read_rows(real.read_bytes()[:2000], "utf-8")[0]) == eg.SEMRUSH_COLUMNS


@pytest.mark.parametrize("compress", [False, True])
def test_majestic(tmp_path: Path, records: list[eg.LinkRecord], compress: bool) -> None:
    path = tmp_path / ("majestic.csv.gz" if compress else "majestic.csv")
    assert eg.write_majestic(path, records, compress=compress) == N
    data = path.read_bytes()
    if compress:
        assert data[:2] == b"\x1f\x8b"
        data = gzip.decompress(data)
    rows = read_rows(data, "utf-8")
    assert tuple(rows[0]) == eg.MAJESTIC_COLUMNS and len(eg.MAJESTIC_COLUMNS) == 20
    assert len(rows) == N + 1
    col = {name: i for i, name in enumerate(rows[0])}
    flags = {r[col["FlagNoFollow"]] for r in rows[1:]} | {r[col["FlagImageLink"]] for r in rows[1:]}
    assert flags == {"", "+"}
    assert all(DAY.match(r[col["Source First Found Date"]]) for r in rows[1:])
    if compress:  # reproducible bytes
        again = path.with_name("again.csv.gz")
        eg.write_majestic(again, records, compress=True)
        assert again.read_bytes() == path.read_bytes()


def test_moz(tmp_path: Path, records: list[eg.LinkRecord]) -> None:
    path = tmp_path / "moz.csv"
    assert eg.write_moz(path, records) == N
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "Inbound links to acme-widgets.com" and lines[2:6] == [""] * 4
    rows = list(csv.reader(lines[6:-1]))
    assert tuple(rows[0]) == eg.MOZ_COLUMNS and len(rows) == N + 1
    col = {name: i for i, name in enumerate(rows[0])}
    for row in rows[1:]:
        assert row[col["Spam Score"]] == "" or re.fullmatch(r"\d{1,3}%", row[col["Spam Score"]])
        assert {row[col["Link Equity"]], row[col["Only rel=nofollow"]], row[col["301"]]} <= {
            "Yes", "No"
        }
    if (SAMPLES / "moz-inbound-links.csv").exists():
        sample = (SAMPLES / "moz-inbound-links.csv").read_text(encoding="utf-8").split("\n")
        assert tuple(next(csv.reader([sample[6]]))) == eg.MOZ_COLUMNS
    assert eg.write_moz(tmp_path / "empty.csv", []) == 0


@pytest.mark.parametrize("lang", sorted(eg.GSC_HEADERS))
def test_gsc(tmp_path: Path, records: list[eg.LinkRecord], lang: str) -> None:
    headers = eg.GSC_HEADERS[lang]
    sources = {r.source_url for r in records}
    sites = {host(s).removeprefix("www.").lower() for s in sources}

    latest = tmp_path / "latest.csv"
    assert eg.write_gsc_latest(latest, iter(records), lang=lang) == len(sources)
    rows = read_rows(latest.read_bytes(), "utf-8")
    assert tuple(rows[0]) == headers["latest_links"]
    assert {r[0] for r in rows[1:]} == sources and all(DAY.match(r[1]) for r in rows[1:])
    assert [r[1] for r in rows[1:]] == sorted((r[1] for r in rows[1:]), reverse=True)

    top = tmp_path / "top.csv"
    assert eg.write_gsc_top_sites(top, records, lang=lang) == len(sites)
    rows = read_rows(top.read_bytes(), "utf-8")
    assert tuple(rows[0]) == headers["top_linking_sites"]
    assert sum(int(r[1]) for r in rows[1:]) == len(sources)

    archive = tmp_path / "links.zip"
    total = eg.write_gsc_zip(archive, records, lang=lang)
    with zipfile.ZipFile(archive) as zf:
        assert set(zf.namelist()) == set(eg.GSC_FILE_NAMES.values())
        members = {
            kind: read_rows(zf.read(name), "utf-8") for kind, name in eg.GSC_FILE_NAMES.items()
        }
    assert total == sum(len(rows) - 1 for rows in members.values())
    for kind, rows in members.items():
        assert tuple(rows[0]) == headers[kind]
    assert len(members["latest_links"]) == len(sources) + 1
    assert sum(int(r[1]) for r in members["top_linked_pages"][1:]) == len(records)


def test_gsc_sample_and_bad_language(tmp_path: Path, records: list[eg.LinkRecord]) -> None:
    if (SAMPLES / "gsc-latest-links.csv").exists():
        sample = read_rows((SAMPLES / "gsc-latest-links.csv").read_bytes(), "utf-8")
        assert tuple(sample[0]) == eg.GSC_HEADERS["en"]["latest_links"]
    assert all(set(kinds) == set(eg.GSC_FILE_NAMES) for kinds in eg.GSC_HEADERS.values())
    with pytest.raises(ValueError):
        eg.write_gsc_latest(tmp_path / "x.csv", records, lang="xx")


def test_generic(tmp_path: Path, records: list[eg.LinkRecord]) -> None:
    path = tmp_path / "generic.csv"
    assert eg.write_generic(path, records) == N
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfQuelle;Ziel;Linktext;Rel;Erstmals gesehen\r\n")
    rows = read_rows(data, "utf-8-sig", ";")
    assert tuple(rows[0]) == eg.GENERIC_COLUMNS and len(rows) == N + 1
    assert {r[3] for r in rows[1:]} == {"nofollow", "dofollow"}
    first = records[0].first_seen
    assert first is not None
    assert datetime.datetime.strptime(rows[1][4], "%d.%m.%Y").date() == first


def test_writers_stream_a_generator_reproducibly(tmp_path: Path) -> None:
    for name in ("a.csv", "b.csv"):
        assert eg.write_ahrefs(tmp_path / name, eg.make_profile(2_000, seed=5)) == 2_000
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert eg.write_semrush(str(tmp_path / "s.csv"), eg.make_profile(2_000, seed=5)) == 2_000


def test_wide_profile_has_about_one_link_per_referring_domain() -> None:
    """The benchmark's wide shape: most rows from distinct hosts, with every host kind."""
    recs = list(eg.make_profile(20_000, seed=3, single_share=0.994))
    assert recs == list(eg.make_profile(20_000, seed=3, single_share=0.994))
    assert len({(r.source_url, r.target_url) for r in recs}) == len(recs)
    per_host = Counter(host(r.source_url) for r in recs)
    single_rows = sum(1 for n in per_host.values() if n == 1)
    assert single_rows > 0.85 * len(recs)
    assert max(per_host.values()) > 20  # the rest is still a heavy tail
    hosts = set(per_host)
    for suffix in (".co.uk", ".blogspot.com", ".xyz", ".рф", ".jp"):
        assert any(h.endswith(suffix) for h in hosts), suffix
    assert any(h.startswith(("www.", "forum.", "news.", "blog.")) for h in hosts)
    assert any(not h.isascii() for h in hosts)
