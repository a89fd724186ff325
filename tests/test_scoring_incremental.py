"""Incremental re-scoring after imports gives exactly what a full re-score gives (issue 21).

Each scenario imports generated exports one after another into a scored project, re-scoring
after each (incrementally where it can), and after every step compares, row by row and
column by column, the project's scores with those of a copy re-scored in full.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
import sqlite3
import subprocess
import sys
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest
from exportgen import (
    LinkRecord,
    make_profile,
    write_ahrefs,
    write_gsc_latest,
    write_majestic,
    write_semrush,
)

from linkdesk.commands.scoring import summary_text
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.scoring import incremental, network_keys, rescore, set_overrides, set_terms
from linkdesk.core.scoring.engine import forget_signals, read_state
from linkdesk.core.scoring.network_keys import PATH_SQL
from linkdesk.core.store import Project, transaction

SITE = "acme-widgets.com"
Writer = Callable[[Path, list[LinkRecord]], object]
WRITERS: dict[str, Writer] = {
    "ahrefs": write_ahrefs, "semrush": write_semrush, "majestic": write_majestic,
    "gsc": write_gsc_latest,
}


def _records(n: int, seed: int) -> list[LinkRecord]:
    return list(make_profile(n, site=SITE, seed=seed))


def _domain_of(record: LinkRecord) -> str:
    return record.source_url.split("/")[2].removeprefix("www.")


def _split(records: list[LinkRecord]) -> dict[str, list[LinkRecord]]:
    """Parts of a profile that reach a scored project in different ways: whole new domains,
    new links of domains already there, and links already there (merged)."""
    by_domain: dict[str, list[LinkRecord]] = {}
    for record in records:
        by_domain.setdefault(_domain_of(record), []).append(record)
    domains = list(by_domain)
    rng = random.Random(7)
    rng.shuffle(domains)
    base, rest = domains[: len(domains) * 3 // 4], domains[len(domains) * 3 // 4:]
    old, more = [], []
    for domain in base:  # some of the base domains' links arrive later
        links = by_domain[domain]
        cut = len(links) - max(1, len(links) // 20) if len(links) > 3 else len(links)
        old += links[:cut]
        more += links[cut:]
    new = [record for domain in rest for record in by_domain[domain]]
    merged = rng.sample(old, max(1, len(old) // 40))  # the same links, seen again
    return {"base": old, "more": more, "new": new[: len(new) // 2],
            "new2": new[len(new) // 2:], "merged": merged}


def _copies_elsewhere(records: list[LinkRecord]) -> list[LinkRecord]:
    """Links of new domains repeating the titles and paths of some existing pages: those
    titles and paths now show on enough domains to mark a network, on links of domains
    the import does not touch."""
    copies = []
    for number, record in enumerate(records[:400:20]):
        path = record.source_url.split("/", 3)[3] if record.source_url.count("/") >= 3 else ""
        for copy in range(5):
            copies.append(dataclasses.replace(
                record, source_url=f"https://mirror{number}-{copy}.net/{path}",
                title=record.title or "A title long enough to count"))
    return copies


def _snapshot(db: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    """Every scored table's content, by natural keys: domain ids are surrogate (a domain
    keeps its id in an incremental re-score, a full one numbers them afresh), so rows name
    the domain instead."""
    def rows(sql: str) -> list[tuple[object, ...]]:
        return db.execute(sql).fetchall()

    def columns(table: str) -> list[str]:
        return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]

    link_cols = [c for c in columns("link_scores") if c != "domain_id"]
    feature_cols = [c for c in columns("link_features") if c != "domain_id"]
    domain_cols = [c for c in columns("domain_scores") if c != "id"]
    state = read_state(db)["features"]
    return {
        "link_scores": rows(f"SELECT {', '.join('s.' + c for c in link_cols)}, d.domain "
                            f"FROM link_scores AS s JOIN domain_scores AS d "
                            f"ON d.id = s.domain_id ORDER BY s.link_id"),
        "link_features": rows(f"SELECT {', '.join('f.' + c for c in feature_cols)}, d.domain "
                              f"FROM link_features AS f JOIN domain_scores AS d "
                              f"ON d.id = f.domain_id ORDER BY f.link_id"),
        "domain_scores": rows(f"SELECT {', '.join(domain_cols)} FROM domain_scores "
                              f"ORDER BY domain"),
        "anchor_texts": rows("SELECT id, key, anchor FROM anchor_texts ORDER BY id"),
        "state": [(state["as_of"], sorted(state["networks"]["titles"]),
                   sorted(state["networks"]["paths"]))],
    }


def _network_keys(db: sqlite3.Connection) -> set[tuple[int, str]]:
    """The kept `network_keys` pairs, by domain name (ids differ between the projects)."""
    names = dict(db.execute("SELECT id, domain FROM domain_scores").fetchall())
    return {(pair >> 32, names[pair & 0xFFFFFFFF])
            for pair in network_keys.stored(db).tolist() if pair & 0xFFFFFFFF in names}


def _shown(db: sqlite3.Connection) -> set[tuple[int, str]]:
    """Counted afresh: the (key, domain) of every title and article path a referring domain
    shows, as the full re-score's network counts select them (features.build_networks)."""
    titles = db.execute("SELECT DISTINCT title, domain FROM links WHERE length(title) >= 12")
    paths = db.execute(
        f"SELECT DISTINCT path, domain FROM (SELECT {PATH_SQL} AS path, domain FROM links AS l) "
        f"WHERE length(path) >= 15 AND path GLOB '*-*-*' AND instr(path, '?') = 0")
    return ({(network_keys.key(network_keys.TITLE, text), domain) for text, domain in titles}
            | {(network_keys.key(network_keys.PATH, text), domain) for text, domain in paths})


def _assert_same_as_full(path: Path, tmp_path: Path, label: str) -> None:
    copy = tmp_path / f"full-{label}.linkdesk"
    with Project.open(path) as project:
        target = sqlite3.connect(copy)
        project.db.backup(target)
        target.close()
        incremental = _snapshot(project.db)
        kept = _network_keys(project.db)
        shown = _shown(project.db)
    with Project.open(copy) as project:
        with transaction(project.db):
            forget_signals(project.db)
        assert rescore(project.db).rescored_links is None
        full = _snapshot(project.db)
        rebuilt = _network_keys(project.db)
    for table, rows in full.items():
        assert len(incremental[table]) == len(rows), (label, table)
        for mine, theirs in zip(incremental[table], rows, strict=True):
            assert mine == theirs, (label, table)
    # The kept rows name every domain showing each title and path (what a re-score relies
    # on); a full re-score keeps them and hardly more (link_keys may add a few).
    assert shown <= kept and shown <= rebuilt, label
    assert rebuilt <= kept, label
    assert len(rebuilt) <= len(shown) * 1.05, label


def _import(path: Path, tmp_path: Path, vendor: str, records: list[LinkRecord],
            name: str) -> None:
    export = tmp_path / f"{name}.csv"
    WRITERS[vendor](export, records)
    with Project.open(path) as project:
        import_file(project, export, ImportOptions(site=SITE))


def _scored_project(tmp_path: Path, records: list[LinkRecord]) -> Path:
    """A project of these links (an Ahrefs export), scored: in full, the first time."""
    path = tmp_path / "p.linkdesk"
    _import(path, tmp_path, "ahrefs", records, "base")
    with Project.open(path) as project:
        assert rescore(project.db).rescored_links is None
    return path


SCENARIOS = {
    # (vendor, part) in import order, after a base import scored in full
    "new domains, then more links, then merged": [
        ("ahrefs", "new"), ("semrush", "more"), ("majestic", "merged"), ("ahrefs", "new2")],
    "merged first, then Search Console, then new": [
        ("semrush", "merged"), ("gsc", "more"), ("ahrefs", "more"), ("majestic", "new")],
    "Search Console first": [("gsc", "new"), ("ahrefs", "new"), ("semrush", "new2")],
    # another profile's links share titles and paths with these: network flags move on
    # links of domains the import never touched
    "another profile": [("ahrefs", "other"), ("majestic", "new")],
}


@pytest.fixture
def any_share(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Take the incremental way whatever share of the links an import touches: a small
    generated profile has a few domains holding much of it (the share is about speed, the
    results must be the same either way). Returns, per re-score, how many links outside the
    touched domains changed their network flags (and were recomputed alone)."""
    monkeypatch.setattr(incremental, "FULL_SHARE", 1.0)
    moved: list[int] = []
    recount = incremental._recount_networks

    def counting(db: sqlite3.Connection, *args: object) -> object:
        count = "SELECT count(*) FROM temp.score_links"
        before = db.execute(count).fetchone()[0]
        found = recount(db, *args)  # type: ignore[arg-type]
        moved.append(db.execute(count).fetchone()[0] - before)
        return found

    monkeypatch.setattr(incremental, "_recount_networks", counting)
    return moved


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_incremental_rescores_equal_a_full_rescore(
    tmp_path: Path, scenario: str, any_share: list[int]
) -> None:
    parts = _split(_records(2_500, seed=3))
    parts["other"] = _copies_elsewhere(parts["base"])
    path = _scored_project(tmp_path, parts["base"])
    partial = 0
    for number, (vendor, part) in enumerate(SCENARIOS[scenario]):
        _import(path, tmp_path, vendor, parts[part], f"{number}-{vendor}-{part}")
        with Project.open(path) as project:
            summary = rescore(project.db)
        if summary.rescored_links is not None:
            partial += 1
            assert summary.rescored_links < summary.links
        _assert_same_as_full(path, tmp_path, f"{number}-{vendor}-{part}")
    assert partial == len(SCENARIOS[scenario])  # every step took the incremental way
    if scenario == "another profile":
        assert any_share[0] > 0


@pytest.mark.usefixtures("any_share")
def test_a_settings_change_after_an_import_rescores_in_full(tmp_path: Path) -> None:
    parts = _split(_records(1_500, seed=5))
    path = _scored_project(tmp_path, parts["base"])
    _import(path, tmp_path, "semrush", parts["new"], "new")
    with Project.open(path) as project:
        with transaction(project.db):
            set_terms(project.db, money=["widgets", "cheap widgets"])
            set_overrides(project.db, "detection", {"many_subdomains": 3})
        summary = rescore(project.db)
    assert summary.recomputed_signals and summary.rescored_links is None
    _assert_same_as_full(path, tmp_path, "settings")
    _import(path, tmp_path, "ahrefs", parts["more"], "more")
    with Project.open(path) as project:  # a weight change with the import: scores in full
        with transaction(project.db):
            set_overrides(project.db, "weights", {"authority": 40})
        summary = rescore(project.db)
    assert summary.rescored_links is None
    _assert_same_as_full(path, tmp_path, "weights")


def test_a_large_import_rescores_in_full(tmp_path: Path) -> None:
    parts = _split(_records(1_500, seed=6))
    path = _scored_project(tmp_path, parts["new"])
    _import(path, tmp_path, "ahrefs", parts["base"], "many")  # far more than 20 %
    with Project.open(path) as project:
        summary = rescore(project.db)
    assert summary.recomputed_signals and summary.rescored_links is None
    _assert_same_as_full(path, tmp_path, "large")


def test_linkdesk_import_scores_only_what_it_touched(tmp_path: Path) -> None:
    """The command line calls the same `rescore`, which takes the incremental way itself."""
    parts = _split(_records(1_500, seed=8))
    path = tmp_path / "p.linkdesk"
    outputs = []
    for name, records in (("base", parts["base"]), ("new", parts["new2"][:40])):
        export = tmp_path / f"{name}.csv"
        write_ahrefs(export, records)
        done = subprocess.run(
            [sys.executable, "-m", "linkdesk.cli", "import", str(path), str(export),
             "--site", SITE], capture_output=True, text=True, check=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        outputs.append(done.stdout)
    assert "signals recomputed" in outputs[0]
    assert "links the new data touched recomputed" in outputs[1]
    _assert_same_as_full(path, tmp_path, "cli")


def test_a_network_title_a_merge_takes_away_is_no_network_elsewhere(
    tmp_path: Path, any_share: list[int]
) -> None:
    """Three domains share a title; a later report of one of them gives its page another
    title: the title is on two domains only, and the two untouched domains' links lose the
    flag (found through the kept rows, counted in their links)."""
    records = _records(600, seed=11)
    day = datetime.date(2026, 10, 1)
    shared = "The very same page title on a network"
    copies = [dataclasses.replace(
        records[0], source_url=f"https://copy{number}.org/about-our-team-page",
        title=shared, last_seen=day) for number in range(3)]
    path = _scored_project(tmp_path, records + copies)
    with Project.open(path) as project:
        assert shared in read_state(project.db)["features"]["networks"]["titles"]
    retitled = dataclasses.replace(copies[0], title="Another title for this page",
                                   last_seen=day + datetime.timedelta(days=1))
    assert max(r.last_seen for r in records if r.last_seen) > retitled.last_seen  # as_of stays
    _import(path, tmp_path, "ahrefs", [retitled], "retitled")
    with Project.open(path) as project:
        summary = rescore(project.db)
        assert shared not in read_state(project.db)["features"]["networks"]["titles"]
    assert summary.rescored_links is not None
    assert any_share[-1] >= 2  # the other two copies' links, recomputed alone
    _assert_same_as_full(path, tmp_path, "retitled")


def test_an_incremental_rescore_reads_no_link_outside_the_touched_domains(
    tmp_path: Path,
) -> None:
    """No statement of an incremental re-score scans the whole `links` table (it holds the
    wide rows: a pass over a million of them took seconds); the touched domains' links are
    read through the links(domain) index."""
    parts = _split(_records(1_500, seed=12))
    path = _scored_project(tmp_path, parts["base"])
    _import(path, tmp_path, "semrush", parts["new"], "new")
    scans: list[tuple[str, str]] = []
    with Project.open(path) as project:
        db = project.db

        def check(sql: str) -> None:
            if " links" not in sql or sql.lstrip().upper().startswith(("DROP", "EXPLAIN")):
                return
            for *_, detail in db.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall():
                if detail in ("SCAN links", "SCAN l"):  # no index: every row
                    scans.append((detail, sql))

        db.set_trace_callback(check)
        summary = rescore(db)
        db.set_trace_callback(None)
    assert summary.rescored_links is not None
    assert scans == []


def test_an_incremental_rescore_reads_the_network_keys_once(tmp_path: Path) -> None:
    """The kept pairs (one blob: 13 MB for a million links) are read once per re-score and
    handed on (they were read three times: to check them, to recount, to add the touched
    domains' pairs); the scores are still those of a full re-score."""
    parts = _split(_records(1_500, seed=14))
    path = _scored_project(tmp_path, parts["base"] + _copies_elsewhere(parts["base"]))
    _import(path, tmp_path, "ahrefs", parts["new"] + _copies_elsewhere(parts["more"]), "new")
    statements: list[str] = []
    with Project.open(path) as project:
        project.db.set_trace_callback(statements.append)
        summary = rescore(project.db)
        project.db.set_trace_callback(None)
    assert summary.rescored_links is not None
    reads = [sql for sql in statements if "SELECT pairs FROM network_keys" in sql]
    assert len(reads) == 1
    assert any("INTO network_keys" in sql for sql in statements)  # the touched pairs added
    _assert_same_as_full(path, tmp_path, "read-once")


def test_network_keys_keep_every_pair_added_in_order() -> None:
    """The kept pairs (one sorted blob) gain the touched domains' pairs without losing or
    repeating any, whatever was kept before (nothing, a few, many); each key names exactly its
    domains."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE network_keys (id INTEGER PRIMARY KEY, pairs BLOB NOT NULL)")
    db.execute("CREATE TABLE domain_scores (id INTEGER PRIMARY KEY, domain TEXT)")
    db.execute("CREATE TEMP TABLE score_scope (domain TEXT PRIMARY KEY)")
    names = [f"d{i}.com" for i in range(1, 40)]
    db.executemany("INSERT INTO domain_scores VALUES (?, ?)", enumerate(names, start=1))
    db.executemany("INSERT INTO temp.score_scope VALUES (?)", [(name,) for name in names])
    rng = random.Random(5)
    texts = [f"title number {n}" for n in range(60)]
    for start in (0, 1, 300):
        kept = {(network_keys.key(network_keys.TITLE, rng.choice(texts)), rng.randrange(1, 40))
                for _ in range(start)}
        network_keys.store_all(db, array("q", [k << 32 | i for k, i in kept]))
        for _ in range(6):
            added = [(network_keys.key(network_keys.TITLE, rng.choice(texts)),
                      f"d{rng.randrange(1, 45)}.com") for _ in range(rng.randrange(0, 40))]
            # d40.com and above have no id yet: left out
            network_keys.add_touched(db, network_keys.stored(db), added)
            kept |= {(k, int(name[1:-4])) for k, name in added if int(name[1:-4]) < 40}
            assert network_keys.stored(db).tolist() == sorted(k << 32 | i for k, i in kept)
        keys = [network_keys.key(network_keys.TITLE, text) for text in texts]
        for k, names in network_keys.domains_of(db, network_keys.stored(db), keys).items():
            assert names == {f"d{i}.com" for key, i in kept if key == k}


@pytest.mark.parametrize("damage", [
    "DELETE FROM network_keys", "UPDATE network_keys SET pairs = x'0102'",
    # out of order or repeated: the binary search of the lookups would miss pairs
    "UPDATE network_keys SET pairs = CAST(substr(pairs, 9) || substr(pairs, 1, 8) AS BLOB)",
    "UPDATE network_keys SET pairs = CAST(substr(pairs, 1, 8) || pairs AS BLOB)",
    # far more pairs than the links could have: not to be read into memory
    "UPDATE network_keys SET pairs = zeroblob(64 * 1024 * 1024)",
])
def test_lost_or_damaged_network_keys_mean_a_full_rescore(tmp_path: Path, damage: str) -> None:
    """Without its pairs (an edited project) every count would look too small: the next
    re-score is a full one, which keeps them again."""
    parts = _split(_records(1_000, seed=13))
    path = _scored_project(tmp_path, parts["base"])
    with Project.open(path) as project, transaction(project.db):
        project.db.execute(damage)
    _import(path, tmp_path, "ahrefs", parts["new"], "new")
    with Project.open(path) as project:
        assert rescore(project.db).rescored_links is None
        assert network_keys.kept_pairs(project.db) is not None
    _assert_same_as_full(path, tmp_path, damage)


def _month_two(records: list[LinkRecord], seed: int) -> list[LinkRecord]:
    """The next export of the same vendor, as a user trial imported it: every link reported
    again (a few with other metrics or rel), about 3% no longer reported, and a burst of new
    spam domains (one link each) worth about 3.5% of the links."""
    rng = random.Random(seed)
    kept = [record for record in records if rng.random() > 0.03]
    kept = [dataclasses.replace(record, nofollow=not record.nofollow)
            if rng.random() < 0.01 else record for record in kept]
    burst = []
    for number, record in enumerate(make_profile(len(records) * 35 // 1000, site=SITE,
                                                 seed=seed, single_share=0.9)):
        host = record.source_url.split("/")[2]
        if host.replace(".", "").isdigit() or host.startswith("["):
            continue  # an IP host: a name cannot be put in front of it
        burst.append(dataclasses.replace(record, is_spam=True, source_url=record.source_url
                                         .replace(host, f"burst{number}-spam.top", 1)))
    return kept + burst


def _a_month_earlier(records: list[LinkRecord]) -> list[LinkRecord]:
    shift = datetime.timedelta(days=31)
    return [dataclasses.replace(
        record, first_seen=record.first_seen and record.first_seen - shift,
        last_seen=record.last_seen and record.last_seen - shift,
        lost=record.lost and record.lost - shift) for record in records]


def test_a_month_two_export_of_the_same_vendors_rescores_in_full_and_says_why(
    tmp_path: Path,
) -> None:
    """A user trial: month 2 of the same vendors, imported into a scored project, re-scored
    every link and said only 'signals recomputed'. Right: the exports report every link
    again and a month later, and every link's age counts to the data's latest date. The
    summary now says so, and the scores are those of a full re-score."""
    records = _records(2_500, seed=12)
    month_one = _a_month_earlier(records)
    path = _scored_project(tmp_path, month_one)
    _import(path, tmp_path, "semrush", month_one, "month1-semrush")
    with Project.open(path) as project:
        rescore(project.db)
    month_two = _month_two(records, seed=13)
    for vendor in ("ahrefs", "semrush"):
        _import(path, tmp_path, vendor, month_two, f"month2-{vendor}")
    with Project.open(path) as project:
        summary = rescore(project.db)
    assert summary.rescored_links is None
    assert summary.full_because == (
        "the data's latest date moved from 2026-10-20 to 2026-11-20 (every link's age counts "
        "to it), and the new data touched 100% of the links (a full re-score is as quick "
        "above 20%)")
    assert summary_text(summary).endswith(f"(signals recomputed for every link: "
                                          f"{summary.full_because})")
    _assert_same_as_full(path, tmp_path, "month two")


def test_a_month_two_shape_on_the_same_day_rescores_incrementally_as_a_full_one(
    tmp_path: Path, any_share: list[int]
) -> None:
    """The same shape (every link reported again, 3% dropped, a burst of spam domains)
    without the day moving takes the incremental way at any share, with a full re-score's
    results: every link is in its scope, so nothing may be left out of it."""
    records = _records(2_500, seed=14)
    path = _scored_project(tmp_path, records)
    month_two = _month_two(records, seed=15)
    _import(path, tmp_path, "ahrefs", month_two, "again-ahrefs")
    _import(path, tmp_path, "majestic", month_two, "again-majestic")
    with Project.open(path) as project:
        summary = rescore(project.db)
    assert summary.rescored_links is not None and not summary.full_because
    _assert_same_as_full(path, tmp_path, "same day")


def test_a_settings_change_says_why_every_link_was_rescored(tmp_path: Path) -> None:
    path = _scored_project(tmp_path, _records(800, seed=16))
    with Project.open(path) as project:
        with transaction(project.db):
            set_terms(project.db, money=["widgets", "cheap widgets"])
        summary = rescore(project.db)
    assert summary.full_because.startswith("the terms or detection settings changed")


def test_months_that_only_move_statuses_rescore_incrementally_as_a_full_one(
    tmp_path: Path, any_share: list[int]
) -> None:
    """An export of the same vendor a day later without a third of the domains (their links: no
    longer reported, no observation of theirs added), then that export's day set earlier
    (the first is the latest again: live again) and back. Each re-score reads those domains
    only through the status moves, and equals a full re-score."""
    from linkdesk import cli

    records = _records(2_500, seed=16)
    path = _scored_project(tmp_path, records)
    dropped = set(sorted({_domain_of(record) for record in records})[::3])
    export = tmp_path / "kept.csv"
    write_ahrefs(export, [record for record in records if _domain_of(record) not in dropped])
    lost_sql = "SELECT count(*) FROM links WHERE status <> 1"
    with Project.open(path) as project:
        at_first = project.db.execute(lost_sql).fetchone()[0]
        first = project.db.execute("SELECT max(as_of) FROM imports").fetchone()[0]
    day = (datetime.date.fromisoformat(first) + datetime.timedelta(days=1)).isoformat()
    for step, moved_to in (("dropped", None), ("set earlier", "2026-01-01"),
                           ("set back", day)):
        with Project.open(path) as project:
            if moved_to is None:
                import_file(project, export, ImportOptions(
                    site=SITE, as_of=datetime.date.fromisoformat(day)))
            last = project.db.execute("SELECT max(id) FROM imports").fetchone()[0]
        if moved_to is not None:
            assert cli.main(["imports", str(path), "--set-day", str(last), moved_to]) == 0
        with Project.open(path) as project:
            count = project.db.execute(lost_sql).fetchone()[0]
            summary = rescore(project.db)
        assert (count > at_first) == (step != "set earlier"), step
        assert summary.rescored_links is not None, step
        _assert_same_as_full(path, tmp_path, step)


def test_status_moves_deleted_by_another_program_make_a_full_rescore(
    tmp_path: Path, any_share: list[int]
) -> None:
    """New moves reuse the ids of deleted ones (no AUTOINCREMENT): read from the recorded last
    id they would be missed, and the domains whose links came back would keep their lost
    scores."""
    from linkdesk import cli

    records = _records(2_500, seed=17)
    path = _scored_project(tmp_path, records)
    dropped = set(sorted({_domain_of(record) for record in records})[::3])
    export = tmp_path / "kept.csv"
    write_ahrefs(export, [record for record in records if _domain_of(record) not in dropped])
    with Project.open(path) as project:
        first = project.db.execute("SELECT max(as_of) FROM imports").fetchone()[0]
        day = datetime.date.fromisoformat(first) + datetime.timedelta(days=1)
        import_file(project, export, ImportOptions(site=SITE, as_of=day))
        rescore(project.db)
        last = project.db.execute("SELECT max(id) FROM imports").fetchone()[0]
        with transaction(project.db):
            project.db.execute("DELETE FROM status_moves")  # another program's edit
    assert cli.main(["imports", str(path), "--set-day", str(last), "2026-01-01"]) == 0
    with Project.open(path) as project:
        summary = rescore(project.db)
    assert "moves of lost links were removed" in summary.full_because
    _assert_same_as_full(path, tmp_path, "moves deleted")
