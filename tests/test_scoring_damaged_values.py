"""A project file is hostile input: values of the wrong kind in `links` must not stop a re-score.

`damaged_copy` takes a normally imported and scored project and overwrites one column in a few
rows with what an edited file can hold (blobs with invalid UTF-8, text in number columns, NUL
characters, huge strings, negative and enormous numbers, NULLs, dates that are no dates). The
tests assert that a full and an incremental re-score finish, that the damaged values count as
missing (the links of other domains score exactly as before), and that the command line never
shows a traceback.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import RunLinkdesk
from exportgen import make_profile, write_ahrefs

from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.scoring import rescore
from linkdesk.core.scoring.engine import forget_signals
from linkdesk.core.store import Project, ProjectError, transaction

SITE = "acme-widgets.com"
VALUES: dict[str, object] = {
    "blob": b"\xff\xfe\x00\x80abc",  # invalid UTF-8, with a NUL
    "word": "abc",
    "overflow": "1e999",  # REAL affinity reads it as infinity
    "huge": "x" * 1_000_000,
    "nul": "a\x00b",
    "negative": -5,
    "enormous": 10**18,
    "null": None,
    "no date": "9999-99-99",
    "yesterday": "yesterday",
}
NOT_UTF8 = object()  # a TEXT value whose bytes are not UTF-8 (damaged_copy writes it)
IDENTITY = ("source_url", "target_url", "source_host", "domain")
# Columns whose damage a re-score survives: any but a blob in the identity columns, which a
# re-score refuses (test_a_binary_identity_stops_the_rescore_with_a_message).
COLUMNS = ("first_seen", "last_seen", "lost_at", "anchor", "title", "language",
           "domain_rating", "trust_flow", "citation_flow", "domain_authority", "domain_traffic",
           "url_rating", "page_authority", "page_traffic", "external_links", "spam_score",
           "nofollow", "lost", "http_code")
DAMAGED_ROWS = 5


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of 600 generated links, imported and scored as usual."""
    folder = tmp_path_factory.mktemp("scored")
    records = list(make_profile(600, site=SITE, seed=3))
    write_ahrefs(folder / "base.csv", records[:550])
    write_ahrefs(folder / "more.csv", records[550:])
    path = folder / "p.linkdesk"
    with Project.open(path) as project:
        import_file(project, folder / "base.csv", ImportOptions(site=SITE))
    return path


def damaged_copy(scored: Path, tmp_path: Path, column: str, value: object) -> tuple[Path, set[str]]:
    """A copy of the project with `column` overwritten by `value` in a few links; the copy and
    the referring domains of those links."""
    path = tmp_path / "damaged.linkdesk"
    shutil.copy(scored, path)
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT id, domain FROM links ORDER BY id LIMIT ? OFFSET 20",
                          (DAMAGED_ROWS,)).fetchall()
        for link_id, _ in rows:
            # IntegrityError: that source URL is there already for that target
            with contextlib.suppress(sqlite3.IntegrityError):
                if value is NOT_UTF8:  # only SQL makes such a text; Python sends valid UTF-8
                    db.execute(f"UPDATE links SET {column} = CAST(x'41ff42' AS TEXT) "
                               f"WHERE id = ?", (link_id,))
                else:
                    db.execute(f"UPDATE links SET {column} = ? WHERE id = ?", (value, link_id))
        db.commit()
    finally:
        db.close()
    return path, {domain for _, domain in rows}


def _full_rescore(path: Path) -> dict[int, tuple[object, ...]]:
    """Re-score in full (forgetting the stored signals); each link's score row by link id."""
    with Project.open(path) as project:
        with transaction(project.db):
            forget_signals(project.db)
        rescore(project.db)
    return _scores(path)


def _scores(path: Path) -> dict[int, tuple[object, ...]]:
    """Each link's stored score row by link id, the domain's name for its id."""
    with Project.open(path) as project:
        # Surrogate ids aside: a damaged anchor or domain that becomes a new text or domain
        # moves the numbers of the others (the domain's name stands for its id).
        columns = [f"s.{row[1]}" for row in project.db.execute("PRAGMA table_info(link_scores)")
                   if row[1] not in ("anchor_id", "domain_id")]
        return {row[0]: row for row in project.db.execute(
            f"SELECT {', '.join(columns)}, d.domain FROM link_scores AS s "
            f"JOIN domain_scores AS d ON d.id = s.domain_id ORDER BY s.link_id")}


CASES = [(column, value) for column in COLUMNS for value in VALUES] + [
    (column, value) for column in IDENTITY for value in ("word", "huge", "nul", "negative")]


@pytest.mark.parametrize(("column", "value"), CASES)
def test_a_damaged_column_rescores_and_spares_other_domains(
    scored: Path, tmp_path: Path, column: str, value: str
) -> None:
    clean = tmp_path / "clean.linkdesk"
    shutil.copy(scored, clean)
    before = _full_rescore(clean)
    path, domains = damaged_copy(scored, tmp_path, column, VALUES[value])
    after = _full_rescore(path)
    assert after.keys() == before.keys()
    others = [link for link, row in before.items() if row[-1] not in domains]
    assert others
    assert [after[link] for link in others] == [before[link] for link in others]
    # An import on top re-scores incrementally without an error either, and reads the
    # damaged values as a full re-score does.
    with Project.open(path) as project:
        import_file(project, scored.parent / "more.csv", ImportOptions(site=SITE))
        assert rescore(project.db).rescored_links is not None
    full = tmp_path / "full.linkdesk"
    shutil.copy(path, full)
    assert _scores(path) == _full_rescore(full)
    assert len(_scores(path)) == 600


@pytest.mark.parametrize("column", IDENTITY)
def test_a_binary_identity_stops_the_rescore_with_a_message(
    scored: Path, tmp_path: Path, column: str
) -> None:
    path, _ = damaged_copy(scored, tmp_path, column, VALUES["blob"])
    with pytest.raises(ProjectError) as raised:
        _full_rescore(path)
    message = str(raised.value)
    assert str(path) in message and column.replace("_", " ") in message
    assert "\n" not in message


@pytest.mark.parametrize("column", ["domain", "target_url", "anchor", "title", "first_seen",
                                    "domain_rating"])
def test_text_that_is_not_utf8_stops_the_rescore_with_a_message(
    scored: Path, tmp_path: Path, column: str
) -> None:
    path, _ = damaged_copy(scored, tmp_path, column, NOT_UTF8)
    with pytest.raises(ProjectError) as raised:
        _full_rescore(path)
    message = str(raised.value)
    assert str(path) in message and f"{column.replace('_', ' ')} that is not valid UTF-8" in message


@pytest.mark.parametrize(("column", "value"), [
    ("first_seen", "blob"), ("domain", "blob"), ("target_url", "blob"),
    ("domain_rating", "word"), ("anchor", "blob"), ("title", "blob"),
    ("external_links", "huge"), ("first_seen", "enormous"), ("title", "not UTF-8"),
])
def test_the_command_line_on_a_damaged_project_shows_no_traceback(
    scored: Path, tmp_path: Path, run_linkdesk: RunLinkdesk, column: str, value: str
) -> None:
    path, _ = damaged_copy(scored, tmp_path, column, VALUES.get(value, NOT_UTF8))
    for args in (("score", path), ("changes", path), ("report", path, "-o", tmp_path / "r.html"),
                 ("export", path, "--links", "-o", tmp_path / "links.csv")):
        result = run_linkdesk(*args)
        assert "Traceback" not in result.stderr, (args, result.stderr[-2000:])
        assert "unexpected error" not in result.stderr.lower(), (args, result.stderr)
        assert result.returncode == 0 or len(result.stderr.strip().splitlines()) == 1, (
            args, result.stderr)
