"""Project files made by every released schema version open, migrate and keep their data.

`tests/data/upgrades/vN.linkdesk` was made by the LinkDesk that shipped schema version N, with
its own command line (see the README there): links from four vendors' exports, remembered
settings, and from version 3 marks and live checks. Each test works on a copy in tmp_path.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from linkdesk.core.checker import LIVE, MISSING, latest_check
from linkdesk.core.fields import FIELDS
from linkdesk.core.importers.pipeline import import_file
from linkdesk.core.marks import mark_counts
from linkdesk.core.scoring import load_model, rescore, scores_current
from linkdesk.core.store import Project, schema, settings
from linkdesk.core.store.settings import Key
from linkdesk.core.tables.indexes import ensure_table_indexes, missing_table_indexes

UPGRADES = Path(__file__).parent / "data" / "upgrades"
VERSIONS = range(1, schema.SCHEMA_VERSION + 1)
MARKS_FROM, CHECKS_FROM = 3, 3  # 4bed0eb's checker made its own tables, before migration 4
PLACEMENTS_FROM = 7
LOOPBACK = "http://127.0.0.1:18765/"  # the pages the checks fetched (see the README)

# What the files hold, read with sqlite3 before and after migrating: row counts, then rows.
_COUNTS = ("links", "observations", "imports", "import_chunks", "google_pages", "settings",
           "referring_domains")
_COUNTS_MARKS = ("link_marks", "domain_marks")
_COUNTS_CHECKS = ("check_runs", "link_checks", "check_latest")
_ROWS = {
    "links": "SELECT id, source_url, target_url, domain, vendors, anchor, nofollow, first_seen, "
             "domain_rating FROM links WHERE id % 17 = 1 ORDER BY id",
    "settings": "SELECT key, value FROM settings ORDER BY key",
}
_ROWS_MARKS = {
    "link_marks": "SELECT * FROM link_marks ORDER BY source_url, target_url",
    "domain_marks": "SELECT * FROM domain_marks ORDER BY domain",
}
_COUNTS_PLACEMENTS = ("placements", "placement_checks", "placement_statuses")
_PLACEMENT_COLUMNS = ("id, source_url, domain, target_url, anchor, rel, placed_on, expires_on, "
                      "price, currency, type, contact, notes, tag, added_at, status, "
                      "differences, status_since")
_ROWS_CHECKS = {
    "link_checks": "SELECT id, link_id, run_id, status, http_code, found, anchor, nofollow, ugc "
                   "FROM link_checks ORDER BY id",
    "check_latest": "SELECT * FROM check_latest ORDER BY link_id",
}


def _contents(path: Path, version: int) -> dict[str, Any]:
    queries = {f"count {name}": f"SELECT count(*) FROM {name}" for name in _COUNTS}
    queries.update(_ROWS)
    if version >= MARKS_FROM:
        queries.update({f"count {name}": f"SELECT count(*) FROM {name}" for name in _COUNTS_MARKS})
        queries.update(_ROWS_MARKS)
    if version >= CHECKS_FROM:
        queries.update({f"count {name}": f"SELECT count(*) FROM {name}" for name in _COUNTS_CHECKS})
        queries.update(_ROWS_CHECKS)
    if version >= PLACEMENTS_FROM:
        queries.update({f"count {name}": f"SELECT count(*) FROM {name}"
                        for name in _COUNTS_PLACEMENTS})
        # Version 7's columns (later versions add theirs, with their defaults).
        queries["placements"] = f"SELECT {_PLACEMENT_COLUMNS} FROM placements ORDER BY id"
    db = sqlite3.connect(path)
    try:
        return {name: db.execute(sql).fetchall() for name, sql in queries.items()}
    finally:
        db.close()


def _shape(db: sqlite3.Connection) -> dict[str, Any]:
    """Every table's columns, every index's columns, every view: what queries can rely on."""
    shape: dict[str, Any] = {}
    for kind, name, table in db.execute(
        "SELECT type, name, tbl_name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'"
    ):
        if kind == "table":
            shape[name] = db.execute(
                'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)', (name,)
            ).fetchall()
        elif kind == "index":
            shape[name] = (table, db.execute(
                "SELECT name FROM pragma_index_info(?)", (name,)).fetchall())
        else:
            shape[name] = (kind, table)
    return shape


@pytest.fixture
def fresh_shape(tmp_path: Path) -> dict[str, Any]:
    with Project.open(tmp_path / "fresh.linkdesk") as project:
        return _shape(project.db)


def _copy(version: int, tmp_path: Path) -> Path:
    path = tmp_path / f"client-v{version}.linkdesk"
    shutil.copyfile(UPGRADES / f"v{version}.linkdesk", path)
    return path


def test_there_is_a_file_for_every_released_schema_version() -> None:
    # A new migration needs a file made by the version before it has shipped (see README).
    files = sorted((path.name for path in UPGRADES.glob("*.linkdesk")),
                   key=lambda name: int(name[1:].split(".")[0]))
    assert files == [f"v{version}.linkdesk" for version in VERSIONS]
    for version in VERSIONS:
        path = UPGRADES / f"v{version}.linkdesk"
        assert path.stat().st_size < 300_000
        db = sqlite3.connect(path)
        try:
            assert db.execute("PRAGMA user_version").fetchone()[0] == version
        finally:
            db.close()


@pytest.mark.parametrize("version", VERSIONS)
def test_released_migrations_still_build_what_they_built(version: int) -> None:
    # A released migration is never edited: today's first N migrations build exactly the
    # schema (down to the SQL text) that version N's own code built.
    made = sqlite3.connect(UPGRADES / f"v{version}.linkdesk")
    rebuilt = sqlite3.connect(":memory:")
    try:
        for migration in schema.MIGRATIONS[:version]:
            migration(rebuilt)
        query = "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"
        expected = rebuilt.execute(query).fetchall()
        found = made.execute(query).fetchall()
    finally:
        made.close()
        rebuilt.close()
    if version == 3:  # the checker of version 3 created its tables itself (migration 4 keeps them)
        found = [row for row in found if "check" not in row[2]]
    assert found == expected


@pytest.mark.parametrize("version", VERSIONS)
def test_an_old_project_migrates_keeping_its_data(
    version: int, tmp_path: Path, fresh_shape: dict[str, Any]
) -> None:
    path = _copy(version, tmp_path)
    before = _contents(path, version)
    assert before["count links"][0][0] == 134 and before["count imports"][0][0] == 5

    with Project.open(path) as project:
        db = project.db
        assert db.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert _shape(db) == fresh_shape

    assert _contents(path, version) == before
    backup = path.with_name(f"{path.name}.v{version}.bak")
    if version < schema.SCHEMA_VERSION:
        assert _contents(backup, version) == before  # the file as it was, for going back
        old = sqlite3.connect(backup)
        assert old.execute("PRAGMA user_version").fetchone()[0] == version
        old.close()
    else:
        assert not backup.exists()  # nothing to migrate, nothing copied


@pytest.mark.parametrize("version", VERSIONS)
def test_an_old_projects_settings_read_the_same(version: int, tmp_path: Path) -> None:
    with Project.open(_copy(version, tmp_path)) as project:
        db = project.db
        assert settings.sites(db) == ["acme-widgets.com"]
        mappings = settings.get(db, Key.COLUMN_MAPPINGS)
        assert mappings["quelle|ziel|linktext|rel|erstmals gesehen"]["anchor"] == "Linktext"
        model = load_model(db)
        if version >= 3:  # `linkdesk settings` came with the scores' code
            assert model.terms.money == ("buy widgets online", "cheap widgets")
            assert model.terms.brands == ("Acme Widgets", "Acme")
            assert model.weights["follow"] == 25 and model.thresholds["strong"] == 70
        else:
            assert model.terms.money == ()
        stored = {key for (key,) in db.execute("SELECT key FROM settings")}
        assert stored <= {key.value for key in Key}  # every stored key is a named one


@pytest.mark.parametrize("version", VERSIONS)
def test_an_old_project_is_scored_marked_and_checked_after_migrating(
    version: int, tmp_path: Path
) -> None:
    with Project.open(_copy(version, tmp_path)) as project:
        db = project.db
        # Scored by versions 3-6, then out of date: migration 5 added facts the scores lack,
        # and the signals' formulas changed since (scoring's FEATURES_VERSION). Version 7's
        # file was scored by the scoring code of its own day.
        if version < PLACEMENTS_FROM:
            assert not scores_current(db)
        rescore(db)
        assert db.execute("SELECT count(*) FROM link_scores").fetchone()[0] == 134
        counts = mark_counts(db)
        if version >= MARKS_FROM:
            assert counts["disavowed_domains"] == 2 and counts["kept_domains"] == 1
            review = db.execute(
                "SELECT kind, reason FROM link_marks WHERE source_url LIKE '%traveltalk.fr%'"
            ).fetchall()
            assert review == [("review", "check anchor")]
        else:
            assert counts["disavowed_domains"] == 0
        blog, partners = (db.execute("SELECT id FROM links WHERE source_url = ?",
                                     (LOOPBACK + page,)).fetchone()[0]
                          for page in ("blog/widgets-review.html", "links/partners.html"))
        stored = latest_check(db, blog)
        if version >= CHECKS_FROM:
            assert stored is not None and stored.check.status == LIVE
            assert stored.check.anchor == "Acme widgets"
            partner_check = latest_check(db, partners)
            assert partner_check is not None
            # Versions 4 and 5 checked twice: the partners page gained its link in between.
            assert partner_check.check.status == (MISSING if version == 3 else LIVE)
        else:
            assert stored is None


FIELDS_ONCE_FROM = 9  # migration 9: a link's only observation leaves its fields to the link


@pytest.mark.parametrize("version", [v for v in VERSIONS if v < FIELDS_ONCE_FROM])
def test_an_old_projects_observations_read_the_same_with_their_fields_stored_once(
    version: int, tmp_path: Path
) -> None:
    names = ", ".join(FIELDS)
    query = f"SELECT id, link_id, import_id, line_no, vendor, {names} FROM {{}} ORDER BY id"
    path = _copy(version, tmp_path)
    old = sqlite3.connect(path)
    before = old.execute(query.format("observations")).fetchall()
    old.close()
    with Project.open(path) as project:
        db = project.db
        assert db.execute(query.format("observation_fields")).fetchall() == before
        stored = db.execute("SELECT count(*) FROM observation_values").fetchone()[0]
        links_seen_once = db.execute(
            "SELECT count(*) FROM links WHERE observation_count = 1").fetchone()[0]
    assert stored == len(before) - links_seen_once and links_seen_once > 50


def test_a_migrated_project_gives_back_the_space_it_no_longer_needs(tmp_path: Path) -> None:
    # Migration 9 stores most observation fields once: the file shrinks instead of keeping
    # the freed pages.
    path = _copy(FIELDS_ONCE_FROM - 1, tmp_path)
    size = path.stat().st_size
    with Project.open(path) as project:
        free = project.db.execute("PRAGMA freelist_count").fetchone()[0]
        project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert free == 0 and path.stat().st_size < size


TARGET_IDS_FROM = 12  # migration 12: a link is (source URL, target id), not the target's text


@pytest.mark.parametrize("version", [1, TARGET_IDS_FROM - 1])
def test_an_old_projects_links_keep_their_identity_with_target_ids(
    version: int, tmp_path: Path
) -> None:
    path = _copy(version, tmp_path)
    old = sqlite3.connect(path)
    old.execute("CREATE INDEX links_target ON links(target_url)")  # the window's, before 12
    old.execute("CREATE INDEX links_trust_flow ON links(trust_flow)")
    old.close()
    with Project.open(path) as project:
        db = project.db
        # The Target URL column sorts through target ids now: the text index is gone, and
        # the window builds the new one.
        # The metric sort indexes hold only the links with a value.
        assert {"links_target", "links_trust_flow"} <= set(missing_table_indexes(db))
        ensure_table_indexes(db)
        assert db.execute("SELECT name FROM pragma_index_info('links_target')").fetchall() == [
            ("target_id",)]
        assert db.execute("SELECT partial FROM pragma_index_list('links') "
                          "WHERE name = 'links_trust_flow'").fetchone() == (1,)
        matched = db.execute(
            "SELECT count(*) FROM links AS l JOIN link_targets AS t ON t.id = l.target_id "
            "AND t.url = l.target_url").fetchone()[0]
        assert matched == 134
        urls = [url for (url,) in db.execute("SELECT url FROM link_targets ORDER BY id")]
        assert urls == sorted(set(urls)) and len(urls) > 3  # existing targets: text order
        source, target = db.execute(
            "SELECT source_url, target_url FROM links WHERE placeholder = 0 ORDER BY id "
            "LIMIT 1").fetchone()
        # The remembered mapping of this header reads it (README: exports/generic.csv).
        export = tmp_path / "again.csv"
        export.write_text(
            "Quelle;Ziel;Linktext;Rel;Erstmals gesehen\n"
            f"{source};{target};again;dofollow;01.02.2026\n"
            f"{source};https://acme-widgets.com/new-page;new;dofollow;01.02.2026\n",
            encoding="utf-8")
        result = import_file(project, export)[0]
        assert (result.links_added, result.links_merged) == (1, 1)
        assert db.execute("SELECT count(*) FROM links").fetchone()[0] == 135
        found = db.execute("SELECT count(*) FROM links WHERE source_url = ? AND target_url = ?",
                           (source, target)).fetchone()[0]
        assert found == 1
        # A writer that names no target id still gets one, and cannot add the link twice.
        db.execute("INSERT INTO links (source_url, target_url, source_host, domain) "
                   "VALUES ('https://new.example/p', ?, 'new.example', 'new.example')", (target,))
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("INSERT INTO links (source_url, target_url, source_host, domain) "
                       "VALUES (?, ?, 'x', 'x')", (source, target))
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            db.execute("INSERT OR IGNORE INTO links (source_url, target_url, source_host, domain) "
                       "VALUES (?, ?, 'x', 'x')", (source, target))
        assert db.execute(
            "SELECT count(*) FROM links AS l JOIN link_targets AS t ON t.id = l.target_id "
            "AND t.url = l.target_url").fetchone()[0] == 136


LINK_STATUS_FROM = 13  # links.status: whether each link is still there now


@pytest.mark.parametrize("version", range(6, LINK_STATUS_FROM))
def test_an_old_projects_links_get_the_status_the_timeline_gives_them(
        version: int, tmp_path: Path) -> None:
    """Migration 13 works out every link's status (a vendor's lost flag counted alone before):
    the 29 links a vendor reports lost, and the loopback page the check found gone (404),
    as a project made with migration 13 holds them; its domains' lost links follow."""
    with Project.open(_copy(version, tmp_path)) as project:
        db = project.db
        statuses = dict(db.execute("SELECT status, count(*) FROM links GROUP BY status"))
        gone = db.execute("SELECT source_url FROM links WHERE status = 4").fetchall()
        lost_links = db.execute("SELECT sum(lost_links) FROM referring_domains").fetchone()[0]
    assert statuses == {1: 104, 3: 29, 4: 1}
    assert gone == [("http://127.0.0.1:18765/news/gone.html",)]
    assert lost_links == 30
