"""The titles pass judges a page's links once, and network titles and paths are counted only
in the links that may show one (features._scan_pages, build_networks): both must give exactly
what judging every link alone and counting every link give."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from exportgen import LinkRecord, make_profile, write_ahrefs

from linkdesk.core import urls
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.scoring import features
from linkdesk.core.scoring.engine import rescore
from linkdesk.core.scoring.matching import (
    POISON_TITLE,
    TopicMatcher,
    generated_page,
    list_page,
    target_host,
    url_path,
)
from linkdesk.core.scoring.model import load_model, set_terms
from linkdesk.core.store import Project, transaction

SITE = "acme-widgets.com"
TARGETS = (f"https://{SITE}/", f"https://{SITE}/shop/blue-widgets", f"https://{SITE}/about",
           "https://cedar-tools.net/")


def _pages(base: LinkRecord) -> list[LinkRecord]:
    """Pages with several links each (to the site's pages and another site), some a list,
    generated, poison or topic page, and titles and article paths shared across domains."""
    pages = {
        "https://topsites-index.net/website-list-703/": "website list 703 - Top Sites Index",
        f"https://siteinfo-check.net/www/{SITE}": f"{SITE} - Website Analysis",
        "https://agedlinks.eu/list-54e75aca8d20b8ba57843e9970a4d99b": "Aged domains",
        "https://casino-news.org/2024/best-slots": "Best casino slots and poker bonuses",
        "https://gardenjournal.com/2024/widgets-for-the-garden": "Widgets for the garden",
        "https://plain.example.org": "A page with no path at all",
    }
    # The same title on four domains, the same article path on six: networks.
    pages |= {f"https://net{n}-blog.com/p{n}": "Ten best widgets for a workshop" for n in range(4)}
    pages |= {f"https://mirror{n}.net/2024/05/ten-best-widget-tips": f"Mirror {n}"
              for n in range(6)}
    return [dataclasses.replace(base, source_url=url, title=title, target_url=target)
            for url, title in pages.items() for target in TARGETS]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    folder = tmp_path_factory.mktemp("scan")
    records = list(make_profile(3000, site=SITE, seed=3))
    write_ahrefs(folder / "ahrefs.csv", [*records, *_pages(records[0])])
    with Project.open(folder / "p.linkdesk") as project:
        import_file(project, folder / "ahrefs.csv", ImportOptions(site=SITE))
        with transaction(project.db):
            set_terms(project.db, topics=["widgets", "garden tools"])
        rescore(project.db)
        yield project.db


def _plain_marks(db: sqlite3.Connection) -> dict[int, int]:
    """Every link judged alone, as the titles pass did before it judged pages."""
    topics = TopicMatcher(load_model(db).terms.topics)
    found = {}
    for link_id, title, url, target in db.execute(
        "SELECT id, title, source_url, target_url FROM links"
    ):
        lowered = title.lower() if title else ""
        path = url_path(url)
        site = urls.registered_domain(target_host(target))
        marks = (POISON_TITLE.search(lowered) is not None if lowered else False,
                 topics.in_title(title) is not None, topics.in_url(url) is not None,
                 list_page(lowered, path) is not None,
                 generated_page(lowered, path, site) is not None)
        bits = sum(1 << bit for bit, mark in enumerate(marks) if mark)
        if bits:
            found[link_id] = bits
    return found


def test_pages_judged_once_mark_every_link_as_judged_alone(db: sqlite3.Connection) -> None:
    db.execute("SAVEPOINT scan")
    try:
        scan = features._scan_pages(db, load_model(db))
    finally:
        db.execute("ROLLBACK TO scan")
        db.execute("RELEASE scan")
    plain = _plain_marks(db)
    assert dict(scan.marks) == plain
    # The data has what each mark needs, and pages whose links share their marks.
    assert {bit for bits in plain.values() for bit in range(5) if bits >> bit & 1} == set(range(5))
    assert len(set(dict(scan.marks).values())) > 3


def _networks(db: sqlite3.Connection, candidates: np.ndarray) -> tuple[list[tuple], list[tuple]]:
    features.build_networks(db, load_model(db), candidates)
    return (db.execute("SELECT * FROM temp.score_titles").fetchall(),
            db.execute("SELECT * FROM temp.score_paths").fetchall())


def test_networks_counted_in_the_candidates_are_those_of_all_links(
    db: sqlite3.Connection,
) -> None:
    db.execute("SAVEPOINT scan")
    try:
        model = load_model(db)
        features._build_domains(db, model)
        scan = features._scan_pages(db, model)
        everything = np.array([row[0] for row in db.execute("SELECT id FROM links")])
        titles, paths = _networks(db, everything)
        assert (titles, paths) == _networks(db, scan.candidates)
        assert ("Ten best widgets for a workshop", 4) in titles
        assert ("/2024/05/ten-best-widget-tips", 6) in paths
        assert len(scan.candidates) < len(everything) / 2  # the point of it
        # Their links, and only those, get the network marks.
        features._store_text_marks(db, scan.marks, features.CANDIDATES)
        marked = db.execute(
            "SELECT count(*) FROM links AS l JOIN temp.score_text AS s ON s.link_id = l.id "
            "WHERE s.marks >> 5 & 1 AND l.title IN (SELECT title FROM temp.score_titles)"
        ).fetchone()[0]
        assert marked == db.execute(
            "SELECT count(*) FROM links WHERE title IN (SELECT title FROM temp.score_titles)"
        ).fetchone()[0] == 4 * len(TARGETS)
    finally:
        db.execute("ROLLBACK TO scan")
        db.execute("RELEASE scan")


def test_a_link_with_a_nul_in_its_url_is_always_a_candidate(tmp_path: Path) -> None:
    """SQL reads a text up to a NUL: such a link's path key is not the one SQL counts."""
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = project.db
        records = list(make_profile(50, site=SITE, seed=1))
        write_ahrefs(tmp_path / "a.csv", records)
        import_file(project, tmp_path / "a.csv", ImportOptions(site=SITE))
        with transaction(db):
            link_id = db.execute("SELECT min(id) FROM links").fetchone()[0]
            db.execute("UPDATE links SET source_url = source_url || char(0) || '/x-y-z' "
                       "WHERE id = ?", (link_id,))
            model = load_model(db)
            features._build_domains(db, model)
            scan = features._scan_pages(db, model)
            assert link_id in scan.candidates.tolist()
