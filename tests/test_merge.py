"""Merging several vendors' exports into one profile: the rules users rely on."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import (
    LinkRecord,
    make_profile,
    write_ahrefs,
    write_gsc_latest,
    write_majestic,
    write_moz,
    write_semrush,
)

from linkdesk.core.fields import FIELDS
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.stats import project_stats
from linkdesk.core.store import Project, merge

SITE = "acme-widgets.com"
LINK_COLUMNS = (
    "source_url, target_url, source_host, domain, vendors, observation_count, google_seen, "
    "placeholder, anchor, title, nofollow, image, first_seen, last_seen, lost, domain_rating, "
    "trust_flow, citation_flow, domain_authority, page_ascore, spam_score"
)


def dump(project: Project) -> dict[str, list[tuple[object, ...]]]:
    """Everything a user sees of the merged profile, independent of row ids."""
    db = project.db
    return {
        "links": db.execute(f"SELECT {LINK_COLUMNS} FROM links ORDER BY 1, 2").fetchall(),
        "domains": db.execute("SELECT * FROM referring_domains ORDER BY 1").fetchall(),
        "observations": db.execute(
            "SELECT l.source_url, l.target_url, o.vendor, o.anchor, o.first_seen "
            "FROM observation_fields o JOIN links l ON l.id = o.link_id ORDER BY 1, 2, 3, 4"
        ).fetchall(),
    }


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same 600-link profile as seen by five tools, each seeing part of it."""
    folder = tmp_path_factory.mktemp("exports")
    profile = list(make_profile(600, site=SITE, seed=7))
    writers: dict[str, tuple[Callable[..., int], slice]] = {
        "ahrefs.csv": (write_ahrefs, slice(0, 450)),
        "semrush.csv": (write_semrush, slice(150, 600)),
        "majestic.csv": (write_majestic, slice(0, 600, 2)),
        "moz.csv": (write_moz, slice(100, 300)),
        "gsc.csv": (write_gsc_latest, slice(300, 600, 3)),
    }
    paths = {}
    for name, (writer, part) in writers.items():
        paths[name] = folder / name
        writer(paths[name], profile[part])
    return paths


def build(tmp_path: Path, files: list[Path], name: str) -> Project:
    project = Project.open(tmp_path / f"{name}.linkdesk")
    for path in files:
        import_file(project, path, ImportOptions(site=SITE))
    return project


def test_result_does_not_depend_on_import_order(tmp_path: Path, exports: dict[str, Path]) -> None:
    files = list(exports.values())
    reference = dump(build(tmp_path, files, "forward"))
    orders = [list(reversed(files)), [files[4], files[2], files[0], files[3], files[1]]]
    for number, order in enumerate(orders):
        assert dump(build(tmp_path, order, f"order{number}")) == reference


def test_same_link_from_several_vendors_is_one_link_with_each_vendors_metrics(
    tmp_path: Path,
) -> None:
    link = LinkRecord(
        source_url="https://www.example.org/post", target_url="https://acme-widgets.com/",
        anchor="Acme Widgets", first_seen=_date("2021-03-01"), last_seen=_date("2025-01-01"),
        domain_rating=61, url_rating=12, trust_flow=33, citation_flow=40,
        domain_authority=55, page_authority=30, page_ascore=44, spam_score=3,
    )
    later = LinkRecord(**{**_fields(link), "first_seen": _date("2020-06-01"),
                          "last_seen": _date("2026-02-01"), "nofollow": True})
    write_ahrefs(tmp_path / "a.csv", [link])
    write_majestic(tmp_path / "m.csv", [link])
    write_moz(tmp_path / "z.csv", [link])
    write_semrush(tmp_path / "s.csv", [later])
    project = build(tmp_path, [tmp_path / n for n in ("a.csv", "m.csv", "z.csv", "s.csv")], "p")
    rows = project.db.execute(
        "SELECT domain_rating, url_rating, trust_flow, citation_flow, domain_authority, "
        "page_authority, page_ascore, spam_score, first_seen, last_seen, nofollow, "
        "observation_count FROM links"
    ).fetchall()
    assert rows == [(61.0, 12.0, 33.0, 40.0, 55.0, 30.0, 44.0, 3.0, "2020-06-01", "2026-02-01",
                     1, 4)]
    stats = project_stats(project.db)
    assert stats["by_vendor"] == {"ahrefs": 1, "majestic": 1, "moz": 1, "semrush": 1}


def test_search_console_page_marks_links_and_placeholders_give_way(tmp_path: Path) -> None:
    real = LinkRecord(source_url="https://blog.example.net/review", anchor="widgets",
                      target_url="https://acme-widgets.com/widgets/", last_seen=_date("2025-05-05"))
    google_only = LinkRecord(source_url="https://forum.example.com/t/42",
                             target_url="https://acme-widgets.com/", last_seen=_date("2025-06-06"))
    write_gsc_latest(tmp_path / "gsc.csv", [real, google_only])
    write_ahrefs(tmp_path / "ahrefs.csv", [real])
    for order in ((tmp_path / "gsc.csv", tmp_path / "ahrefs.csv"),
                  (tmp_path / "ahrefs.csv", tmp_path / "gsc.csv")):
        project = build(tmp_path, list(order), order[0].stem)
        links = project.db.execute(
            "SELECT source_url, target_url, google_seen, placeholder FROM links ORDER BY 1"
        ).fetchall()
        assert links == [
            ("https://blog.example.net/review", "https://acme-widgets.com/widgets/", 1, 0),
            ("https://forum.example.com/t/42", "https://acme-widgets.com/", 1, 1),
        ]


def test_placeholder_is_replaced_by_a_real_link_to_the_site_root(tmp_path: Path) -> None:
    page = LinkRecord(source_url="https://news.example.com/a", target_url="https://acme-widgets.com/",
                      anchor="Acme", domain_rating=40, last_seen=_date("2025-01-01"))
    write_gsc_latest(tmp_path / "gsc.csv", [page])
    write_ahrefs(tmp_path / "ahrefs.csv", [page])
    project = build(tmp_path, [tmp_path / "gsc.csv", tmp_path / "ahrefs.csv"], "p")
    assert project.db.execute(
        "SELECT placeholder, google_seen, anchor, domain_rating FROM links"
    ).fetchall() == [(0, 1, "Acme", 40.0)]


def test_referring_domains_follow_the_public_suffix_list(tmp_path: Path) -> None:
    hosts = ["https://alice.blogspot.com/p", "https://bob.blogspot.com/p", "https://www.bbc.co.uk/a",
             "https://news.bbc.co.uk/b", "http://203.0.113.9/page", "https://bücher.de/x"]
    records = [LinkRecord(source_url=u, target_url="https://acme-widgets.com/") for u in hosts]
    write_ahrefs(tmp_path / "a.csv", records)
    project = build(tmp_path, [tmp_path / "a.csv"], "p")
    domains = dict(project.db.execute("SELECT domain, links FROM referring_domains").fetchall())
    assert domains == {"alice.blogspot.com": 1, "bob.blogspot.com": 1, "bbc.co.uk": 2,
                       "203.0.113.9": 1, "xn--bcher-kva.de": 1}
    stats = project_stats(project.db)
    assert (stats["referring_domains"], stats["referring_hosts"]) == (5, 6)


def test_duplicate_rows_in_one_file_collapse(tmp_path: Path) -> None:
    base = LinkRecord(source_url="https://a.example.com/", target_url="https://acme-widgets.com/",
                      anchor="old", last_seen=_date("2024-01-01"), first_seen=_date("2023-01-01"))
    newer = LinkRecord(**{**_fields(base), "anchor": "new", "last_seen": _date("2025-01-01"),
                          "first_seen": _date("2023-06-01")})
    other = LinkRecord(source_url="https://b.example.com/", target_url="https://acme-widgets.com/")
    write_ahrefs(tmp_path / "a.csv", [base, other, newer])
    project = build(tmp_path, [tmp_path / "a.csv"], "p")
    rows = project.db.execute(
        "SELECT source_url, anchor, first_seen, last_seen, observation_count FROM links ORDER BY 1"
    ).fetchall()
    assert rows == [("https://a.example.com/", "new", "2023-01-01", "2025-01-01", 2),
                    ("https://b.example.com/", "", None, None, 1)]
    assert project.db.execute("SELECT count(*) FROM observations").fetchone()[0] == 3


def test_second_import_merges_and_counts(tmp_path: Path) -> None:
    profile = list(make_profile(200, site=SITE, seed=3))
    write_ahrefs(tmp_path / "a.csv", profile[:120])
    write_semrush(tmp_path / "s.csv", profile[80:])
    project = Project.open(tmp_path / "p.linkdesk")
    first = import_file(project, tmp_path / "a.csv")[0]
    second = import_file(project, tmp_path / "s.csv")[0]
    assert (first.links_added, first.links_merged) == (120, 0)
    assert (second.links_added, second.links_merged) == (80, 40)
    stats = project_stats(project.db)
    assert stats["links"] == 200
    assert stats["observations"] == 200 + 40
    assert stats["by_vendor"] == {"ahrefs": 120, "semrush": 120}


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _fields(record: LinkRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def test_every_link_has_its_observations(tmp_path: Path, exports: dict[str, Path]) -> None:
    project = build(tmp_path, list(exports.values()), "p")
    orphans = project.db.execute(
        "SELECT count(*) FROM observations o LEFT JOIN links l ON l.id = o.link_id "
        "WHERE l.id IS NULL"
    ).fetchone()[0]
    counts = project.db.execute(
        "SELECT count(*) FROM links l WHERE l.observation_count <> "
        "(SELECT count(*) FROM observations o WHERE o.link_id = l.id)"
    ).fetchone()[0]
    assert (orphans, counts) == (0, 0)


def test_referring_domains_stay_exact_after_small_imports(
    tmp_path: Path, exports: dict[str, Path]
) -> None:
    """Each import rebuilds only the domains it touched; the table must equal a full rebuild."""
    project = build(tmp_path, list(exports.values()), "p")
    kept = project.db.execute("SELECT * FROM referring_domains ORDER BY 1").fetchall()
    project.db.execute("CREATE TEMP TABLE touched_domains AS SELECT domain FROM links")
    project.db.execute(
        "INSERT OR IGNORE INTO touched_domains SELECT domain FROM google_sites"
    )
    merge.rebuild_referring_domains(project.db)
    full = project.db.execute("SELECT * FROM referring_domains ORDER BY 1").fetchall()
    assert kept == full
    assert len(full) > 50


def test_first_import_keeps_every_index_the_project_had(tmp_path: Path) -> None:
    project = Project.open(tmp_path / "p.linkdesk")
    project.db.execute("CREATE INDEX links_by_anchor ON links(anchor COLLATE NOCASE)")
    before = project.db.execute(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY 1"
    ).fetchall()
    base = LinkRecord(source_url="https://a.example.com/", target_url="https://acme-widgets.com/")
    write_ahrefs(tmp_path / "a.csv", [base, base])  # a duplicate: the unique index collapses it
    import_file(project, tmp_path / "a.csv")
    after = project.db.execute(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY 1"
    ).fetchall()
    assert after == before
    assert project.db.execute("SELECT count(*) FROM links").fetchone()[0] == 1


def test_an_observation_keeps_its_own_fields_when_later_files_merge_into_its_link(
    tmp_path: Path, exports: dict[str, Path]
) -> None:
    # A link's only observation stores its fields once, in the link; merging another vendor's
    # row into that link must not change what the first observation says.
    fields = ", ".join(FIELDS)
    query = f"SELECT id, link_id, vendor, line_no, {fields} FROM observation_fields ORDER BY id"
    project = build(tmp_path, [exports["ahrefs.csv"]], "p")
    db = project.db
    first = db.execute(query).fetchall()
    stored = db.execute("SELECT count(*) FROM observation_values").fetchone()[0]
    assert (stored, len(first)) == (0, 450)  # every link seen once: its fields in links only
    for name in ("semrush.csv", "majestic.csv", "moz.csv"):
        import_file(project, exports[name], ImportOptions(site=SITE))
    assert db.execute(query).fetchall()[: len(first)] == first
    shared = db.execute(
        "SELECT count(*) FROM observations AS o JOIN links AS l ON l.id = o.link_id "
        "WHERE l.observation_count <> 1 AND o.id NOT IN "
        "(SELECT observation_id FROM observation_values)").fetchone()[0]
    assert shared == 0
    project.close()
