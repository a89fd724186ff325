"""The project's time axis: export dates, changes between two points, reviews, the filters.

Three months of Ahrefs and Semrush exports (tests/exportgen.py writers) of one client with
known events — links added, dropped by one vendor only, dropped by both, marked lost by a
vendor, changed rel/anchor/image/redirect/sitewide/target, a domain that grows strong — are
imported in several orders, and the changes must match the events exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from exportgen import LinkRecord, make_profile, write_ahrefs, write_semrush
from oldlayout import old_observations

from linkdesk.cli import main
from linkdesk.core.checker.model import LIVE, MISSING, LinkCheck
from linkdesk.core.checker.store import save_checks, start_run
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.marks import MarkKind, Target, mark
from linkdesk.core.scoring import rescore
from linkdesk.core.store import Project, schema
from linkdesk.core.tables import DOMAINS, LINKS, Filters, TableQuery, with_marks
from linkdesk.core.timeline import (
    BadPoint,
    compute_changes,
    finish_review,
    latest_review,
    now,
    on_day,
    opening_summary,
    since_point,
    snapshots,
    start,
    until_point,
    with_since_review,
)

SITE = "acme-widgets.com"
DISAVOW = MarkKind.DISAVOW
MONTHS = (dt.date(2026, 9, 20), dt.date(2026, 10, 20), dt.date(2026, 11, 20))
HOME, SHOP = f"https://{SITE}/", f"https://{SITE}/shop/"


def _event(name: str, **fields: object) -> LinkRecord:
    """A link on a domain of its own: https://NAME.org/post -> the client's home page."""
    values: dict[str, object] = dict(
        source_url=f"https://{name}.org/post", target_url=HOME, anchor="acme widgets",
        title=f"{name} post", first_seen=dt.date(2026, 1, 10), domain_rating=30.0,
        url_rating=10.0, internal_links=20, external_links=15, domain_traffic=800,
        page_ascore=20, http_code=200)
    values.update(fields)
    return LinkRecord(**values)  # type: ignore[arg-type]


# The links every month starts from, by what happens to them.
STEADY = _event("steady")  # a domain with two links: one stays...
STEADY_DROPPED = _event("steady", source_url="https://steady.org/old")  # ...one is dropped
AHREFS_DROPS = _event("ahrefsdrops")  # Ahrefs stops reporting it in October, Semrush keeps it
BOTH_DROP_OCT = _event("bothdropoct")  # neither vendor reports it from October
BOTH_DROP_NOV = _event("bothdropnov")  # neither vendor reports it in November
AHREFS_LOST = _event("ahrefslost")  # November: Ahrefs says lost, Semrush no longer has it
SEMRUSH_LOST = _event("semrushlost")  # November: Semrush says lost, Ahrefs still live
REL = _event("relchange")  # November: nofollow
ANCHOR = _event("anchorchange")  # November: another anchor
IMAGE = _event("imagechange")  # November: an image link
REDIRECT = _event("redirectchange")  # November: Ahrefs reports a redirect
SITEWIDE = _event("sitewidechange")  # November: in the footer (Semrush says sitewide)
MOVED = _event("movedtarget")  # November: the page links to the shop instead
GONE = _event("gonelive")  # still reported, but the live check finds it missing
CHECKED_LIVE = _event("checkedlive")  # the live check finds it
MIXED_GONE = _event("mixedgone")  # a domain whose one link is found gone...
MIXED_DROPPED = _event("mixedgone", source_url="https://mixedgone.org/old")  # ...one unlisted
BOOSTED = _event("boosted", domain_rating=4.0, url_rating=1.0, domain_traffic=0,
                 page_ascore=2, internal_links=20)  # November: a strong site
DISAVOWED = _event("disavowedgone")  # disavowed by the user, gone in November
NEW_OCT = _event("newoct", first_seen=dt.date(2026, 10, 1))  # both vendors from October
NEW_NOV_AHREFS = _event("newnov", first_seen=dt.date(2026, 11, 1))  # Ahrefs, November only

BASE = (STEADY, STEADY_DROPPED, AHREFS_DROPS, BOTH_DROP_OCT, BOTH_DROP_NOV, AHREFS_LOST,
        SEMRUSH_LOST, REL, ANCHOR, IMAGE, REDIRECT, SITEWIDE, MOVED, GONE, CHECKED_LIVE,
        BOOSTED, DISAVOWED, MIXED_GONE, MIXED_DROPPED)


def _november(record: LinkRecord) -> LinkRecord:
    changes: dict[LinkRecord, dict[str, object]] = {
        REL: {"nofollow": True}, ANCHOR: {"anchor": "cheap widgets online"},
        IMAGE: {"image": True, "anchor": ""}, REDIRECT: {"redirect": True},
        SITEWIDE: {"internal_links": 400}, MOVED: {"target_url": SHOP},
        BOOSTED: {"domain_rating": 91.0, "url_rating": 70.0, "domain_traffic": 2_000_000,
                  "page_ascore": 90, "page_traffic": 50_000},
    }
    return dataclasses.replace(record, **changes.get(record, {}))  # type: ignore[arg-type]


def month_records(vendor: str, month: int) -> Iterator[LinkRecord]:
    """What `vendor` ("ahrefs" or "semrush") exports in month 0, 1 or 2."""
    day = MONTHS[month]
    # A realistic profile underneath that never changes: it must produce no change at all.
    for record in make_profile(150, site=SITE, seed=11):
        yield dataclasses.replace(record, last_seen=day, lost=None)
    for record in BASE:
        if record is STEADY_DROPPED and month >= 1:
            continue
        if record is AHREFS_DROPS and vendor == "ahrefs" and month >= 1:
            continue
        if (record is BOTH_DROP_OCT and month >= 1) or (record is BOTH_DROP_NOV and month >= 2):
            continue
        if record is AHREFS_LOST and month == 2:
            if vendor == "ahrefs":
                yield dataclasses.replace(record, last_seen=day, lost=dt.date(2026, 11, 2))
            continue
        if record is SEMRUSH_LOST and month == 2 and vendor == "semrush":
            yield dataclasses.replace(record, last_seen=day, lost=dt.date(2026, 11, 3))
            continue
        if record in (DISAVOWED, MIXED_DROPPED) and month == 2:
            continue
        yield dataclasses.replace(_november(record) if month == 2 else record, last_seen=day)
    if month >= 1:
        yield dataclasses.replace(NEW_OCT, last_seen=day)
    if month == 2 and vendor == "ahrefs":
        yield dataclasses.replace(NEW_NOV_AHREFS, last_seen=day)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The six exports: a0 s0 (September) a1 s1 (October) a2 s2 (November)."""
    folder = tmp_path_factory.mktemp("months")
    files = {}
    for month in range(3):
        files[f"a{month}"] = folder / f"ahrefs-{month}.csv"
        write_ahrefs(files[f"a{month}"], month_records("ahrefs", month))
        files[f"s{month}"] = folder / f"semrush-{month}.csv"
        write_semrush(files[f"s{month}"], month_records("semrush", month))
    return files


def _import(project: Project, exports: dict[str, Path], order: str) -> None:
    for name in order.split():
        import_file(project, exports[name], ImportOptions(site=SITE))


def _link_id(db: sqlite3.Connection, record: LinkRecord) -> int:
    return db.execute("SELECT id FROM links WHERE source_url = ? AND target_url = ?",
                      (record.source_url, record.target_url)).fetchone()[0]


def _check(db: sqlite3.Connection) -> None:
    run = start_run(db, 3, {})
    save_checks(db, run, [LinkCheck(_link_id(db, GONE), MISSING),
                          LinkCheck(_link_id(db, MIXED_GONE), MISSING),
                          LinkCheck(_link_id(db, CHECKED_LIVE), LIVE, found=1)])


def _summary(changes: object) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """(links, domains) as comparable tuples: (url, change, reason or fields)."""
    data = changes.as_json()  # type: ignore[attr-defined]
    links = {(e["url"], e["change"], e.get("reason") or ",".join(sorted(e["fields"])))
             for e in data["links"]}
    domains = {(e["domain"], e["change"], e.get("reason") or ",".join(sorted(e["fields"])))
               for e in data["domains"]}
    return links, domains


EXPECTED_SEPT_TO_NOW_LINKS = {
    (STEADY_DROPPED.source_url, "lost", "no_longer_reported"),
    (BOTH_DROP_OCT.source_url, "lost", "no_longer_reported"),
    (BOTH_DROP_NOV.source_url, "lost", "no_longer_reported"),
    (AHREFS_LOST.source_url, "lost", "vendor_lost"),
    (DISAVOWED.source_url, "lost", "no_longer_reported"),
    (GONE.source_url, "lost", "gone_live"),
    (MIXED_GONE.source_url, "lost", "gone_live"),
    (MIXED_DROPPED.source_url, "lost", "no_longer_reported"),
    (NEW_OCT.source_url, "new", ""),
    (NEW_NOV_AHREFS.source_url, "new", ""),
    (REL.source_url, "changed", "rel"),
    (ANCHOR.source_url, "changed", "anchor"),
    (IMAGE.source_url, "changed", "anchor,image"),
    (REDIRECT.source_url, "changed", "redirect"),
    (SITEWIDE.source_url, "changed", "sitewide"),
    (MOVED.source_url, "changed", "target"),
}
EXPECTED_SEPT_TO_NOW_DOMAINS = {
    ("bothdropoct.org", "lost", "no_longer_reported"),
    ("bothdropnov.org", "lost", "no_longer_reported"),
    ("ahrefslost.org", "lost", "vendor_lost"),
    ("disavowedgone.org", "lost", "no_longer_reported"),
    ("gonelive.org", "lost", "gone_live"),
    # Only as surely gone as its least surely gone link.
    ("mixedgone.org", "lost", "no_longer_reported"),
    ("newoct.org", "new", ""),
    ("newnov.org", "new", ""),
}
ORDERS = ("a0 s0 a1 s1 a2 s2", "s2 a2 s1 a1 s0 a0", "a1 s2 a0 s0 a2 s1")


@pytest.mark.parametrize("order", ORDERS)
def test_changes_between_months_match_the_events_in_any_import_order(
        tmp_path: Path, exports: dict[str, Path], order: str) -> None:
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = project.db
        _import(project, exports, order)
        _check(db)
        since_september = compute_changes(db, on_day(db, MONTHS[0]), now())
        assert _summary(since_september) == (EXPECTED_SEPT_TO_NOW_LINKS,
                                             EXPECTED_SEPT_TO_NOW_DOMAINS)
        counts = since_september.counts
        assert (counts.new_links, counts.lost_links, counts.changed_links) == (2, 8, 6)
        assert (counts.new_domains, counts.lost_domains) == (2, 6)
        assert counts.lost_links_by_reason == {
            "no_longer_reported": 5, "vendor_lost": 1, "gone_live": 2}
        # September to October: only what happened in October (checks are made today).
        links, domains = _summary(compute_changes(db, on_day(db, MONTHS[0]),
                                                  on_day(db, MONTHS[1])))
        assert links == {(STEADY_DROPPED.source_url, "lost", "no_longer_reported"),
                         (BOTH_DROP_OCT.source_url, "lost", "no_longer_reported"),
                         (NEW_OCT.source_url, "new", "")}
        assert domains == {("bothdropoct.org", "lost", "no_longer_reported"),
                           ("newoct.org", "new", "")}
        # October to November: not the October events again.
        links, _ = _summary(compute_changes(db, on_day(db, MONTHS[1]), on_day(db, MONTHS[2])))
        assert {entry[0] for entry in links} == {
            BOTH_DROP_NOV.source_url, AHREFS_LOST.source_url, DISAVOWED.source_url,
            MIXED_DROPPED.source_url,
            NEW_NOV_AHREFS.source_url, REL.source_url, ANCHOR.source_url, IMAGE.source_url,
            REDIRECT.source_url, SITEWIDE.source_url, MOVED.source_url}
        # Before the first export everything live is new, nothing is lost.
        from_start = compute_changes(db, start(), now()).counts
        # (Not live now: six links no tool reports, two found gone, and the moved link's old
        # target.)
        assert from_start.lost_links == 0 and from_start.new_links == db.execute(
            "SELECT count(*) FROM links").fetchone()[0] - 9


def test_the_export_date_comes_from_the_file_or_the_user(
        tmp_path: Path, exports: dict[str, Path]) -> None:
    with Project.open(tmp_path / "p.linkdesk") as project:
        (result,) = import_file(project, exports["a1"])
        assert (result.as_of, result.as_of_source) == (MONTHS[1].isoformat(), "file")
        (result,) = import_file(project, exports["s0"], ImportOptions(as_of=dt.date(2026, 9, 1)))
        assert (result.as_of, result.as_of_source) == ("2026-09-01", "user")
        series = {(s.vendor, s.as_of) for s in snapshots(project.db)}
        assert series == {("ahrefs", "2026-10-20"), ("semrush", "2026-09-01")}


def test_without_dates_in_the_file_the_export_date_is_its_modification_time(
        tmp_path: Path) -> None:
    export = tmp_path / "generic.csv"
    export.write_text("Source URL;Target URL;Anchor\nhttps://a.org/x;https://acme.com/;acme\n",
                      encoding="utf-8")
    stamp = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC).timestamp()
    os.utime(export, (stamp, stamp))
    with Project.open(tmp_path / "p.linkdesk") as project:
        (result,) = import_file(project, export, ImportOptions(
            format="generic", mapping={"source_url": "Source URL", "target_url": "Target URL",
                                       "anchor": "Anchor"}))
        assert (result.as_of, result.as_of_source) == ("2026-03-04", "mtime")


def test_an_older_export_imported_after_a_review_is_neither_new_nor_lost(
        tmp_path: Path, exports: dict[str, Path]) -> None:
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = project.db
        _import(project, exports, "a2 s2")
        finish_review(db, "November")
        _import(project, exports, "a0 s0 a1 s1")  # older exports, brought in late
        changes = compute_changes(db, since_point(db, None), now())
        assert changes.since.kind == "review"
        assert (changes.counts.new_links, changes.counts.lost_links,
                changes.counts.changed_links) == (0, 0, 0)


def test_changes_since_a_review_include_band_moves_and_the_filters_agree(
        tmp_path: Path, exports: dict[str, Path]) -> None:
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = project.db
        _import(project, exports, "a0 s0")
        rescore(db)
        mark(db, Target(domains=("disavowedgone.org",)), DISAVOW, "spam")
        review = finish_review(db, "September")
        assert review.domains == db.execute("SELECT count(*) FROM domain_scores").fetchone()[0]
        assert latest_review(db) == review
        _import(project, exports, "s2 a1 a2 s1")
        _check(db)
        rescore(db)
        changes = compute_changes(db, since_point(db, "review"), now())
        links, domains = _summary(changes)
        assert links == EXPECTED_SEPT_TO_NOW_LINKS
        moved = {entry for entry in domains if entry[1] == "changed"}
        assert domains - moved == EXPECTED_SEPT_TO_NOW_DOMAINS
        # Band and risk moves are exactly the differences between the grades the review
        # kept and the scores now.
        expected_moves = {row[0] for row in db.execute(
            "SELECT g.domain FROM review_grades AS g JOIN domain_scores AS s "
            "ON s.domain = g.domain WHERE g.review_id = ? AND "
            "(g.band <> s.band OR g.risk_level <> s.risk_level)", (review.id,))}
        assert {entry[0] for entry in moved} == expected_moves
        assert "boosted.org" in expected_moves
        boosted = next(c for c in changes.domains("changed") if c.domain == "boosted.org")
        assert boosted.fields["band"][1] == "strong" != boosted.fields["band"][0]

        # The tables' since-review filters give the same rows.
        links_spec = with_since_review(with_marks(LINKS))
        domains_spec = with_since_review(with_marks(DOMAINS))
        for kind in ("new", "lost", "changed"):
            ids = TableQuery(db, links_spec, Filters(since_review=kind)).ordered_ids()
            assert sorted(ids) == sorted(change.link_id for change in changes.links(kind))
            rows = TableQuery(db, domains_spec, Filters(since_review=kind))
            names = {row[0] for row in rows.rows(list(rows.ordered_ids())).values()}
            assert names == {change.domain for change in changes.domains(kind)}
        unjudged = TableQuery(db, links_spec, Filters(since_review="unjudged")).ordered_ids()
        assert len(unjudged) == db.execute(
            "SELECT count(*) FROM links WHERE id > ?", (review.last_link_id,)).fetchone()[0] > 0

        summary = opening_summary(db, today=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
        parts = summary.part
        assert parts["new_links"].count == 2 and parts["new_domains"].count == 2
        assert parts["disavowed_domains_gone"].count == 1
        assert parts["disavowed_domains_gone"].filters == Filters(since_review="lost",
                                                                  marked="disavow")
        day = review.day
        assert summary.text.startswith(f"Since your review of {day.day} {day:%b}")
        assert "2 new links from 2 new domains" in summary.text
        assert "1 disavowed domain gone" in summary.text


def test_not_yet_judged_is_every_unmarked_row_before_the_first_review(
        tmp_path: Path, exports: dict[str, Path]) -> None:
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = project.db
        _import(project, exports, "a0")
        mark(db, Target(domains=("steady.org",)), DISAVOW, "")
        spec = with_since_review(with_marks(LINKS))
        unjudged = TableQuery(db, spec, Filters(since_review="unjudged")).count()
        total = db.execute("SELECT count(*) FROM links").fetchone()[0]
        assert unjudged == total - 2  # steady.org's two links are marked
        domains = TableQuery(db, with_since_review(DOMAINS), Filters(since_review="unjudged"))
        assert domains.count() == db.execute(
            "SELECT count(*) FROM referring_domains").fetchone()[0] - 1


def test_bad_since_and_until_values_are_refused_clearly(
        tmp_path: Path, exports: dict[str, Path]) -> None:
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = project.db
        _import(project, exports, "a0")
        with pytest.raises(BadPoint, match="no review recorded yet"):
            since_point(db, "review")
        with pytest.raises(BadPoint, match=r"'3/11/2026' is not a date: write it as YYYY-MM-DD"):
            since_point(db, "3/11/2026")
        since = since_point(db, "2026-10-01")
        with pytest.raises(BadPoint, match="before the start"):
            until_point(db, "2026-09-01", since)


def _run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_changes_and_review_commands(
        tmp_path: Path, exports: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.linkdesk"
    code, out, _ = _run(capsys, "import", path, exports["a0"], exports["s0"], "--site", SITE)
    assert code == 0 and f"export dated {MONTHS[0].isoformat()}" in out
    code, out, _ = _run(capsys, "review", path)
    assert code == 0 and "No review recorded yet" in out
    code, out, _ = _run(capsys, "review", path, "--done", "--note", "first pass")
    assert code == 0 and "Review 1 recorded" in out
    code, out, _ = _run(capsys, "import", path, exports["a2"], exports["s2"], exports["a1"],
                        exports["s1"], "--no-score")
    assert code == 0
    code, out, _ = _run(capsys, "changes", path, "--json")
    assert code == 0
    data = json.loads(out)
    assert all(isinstance(data[key], int) for key in (
        "new_links", "lost_links", "new_domains", "lost_domains", "changed_links"))
    assert (data["new_links"], data["lost_links"], data["changed_links"]) == (2, 6, 6)
    lost = {e["url"]: e["reason"] for e in data["links"] if e["change"] == "lost"}
    assert lost[AHREFS_LOST.source_url] == "vendor_lost"
    assert lost[BOTH_DROP_NOV.source_url] == "no_longer_reported"
    assert {e["domain"] for e in data["domains"] if e["change"] == "new"} == {
        "newoct.org", "newnov.org"}
    code, out, _ = _run(capsys, "changes", path, "--since", MONTHS[1], "--until", MONTHS[2])
    assert code == 0 and f"Changes from {MONTHS[1]} to {MONTHS[2]}" in out
    assert f"{REL.source_url} → {HOME}: rel follow → nofollow" in out
    assert f"{ANCHOR.source_url} → {HOME}: anchor \"acme widgets\" → \"cheap widgets online\"" \
        in out
    code, out, err = _run(capsys, "changes", path, "--since", "yesterday")
    assert code == 2 and not out
    assert err.strip() == ("linkdesk changes: --since 'yesterday' is not a date: write it as "
                           "YYYY-MM-DD, e.g. 2026-11-03, or the word review")
    code, _, err = _run(capsys, "import", path, exports["a0"], "--as-of", "20.11.2026")
    assert code == 2 and "--as-of '20.11.2026' is not a date" in err
    code, out, _ = _run(capsys, "review", path, "--json")
    assert json.loads(out)[0]["note"] == "first pass"
    output = tmp_path / "new.csv"
    code, out, _ = _run(capsys, "export-table", path, "--table", "links", "--since-review",
                        "new", "-o", output)
    assert code == 0 and "2 rows of Links" in out


def test_a_project_from_before_the_timeline_gets_export_dates_from_its_rows(
        tmp_path: Path, exports: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.linkdesk"
    with monkeypatch.context() as patch:
        before = schema.MIGRATIONS[:5]
        patch.setattr("linkdesk.core.store.project.MIGRATIONS", before)
        patch.setattr("linkdesk.core.store.project.SCHEMA_VERSION", len(before))
        with Project.open(path) as project, old_observations(project.db):  # as v5 stored them
            _import(project, exports, "a1 s0")
    with Project.open(path) as project:
        rows = project.db.execute(
            "SELECT vendor, as_of, as_of_source, first_observation_id IS NOT NULL "
            "FROM imports ORDER BY id").fetchall()
        assert rows == [("ahrefs", "2026-10-20", "file", 1), ("semrush", "2026-09-20", "file", 1)]
        changes = compute_changes(project.db, on_day(project.db, MONTHS[0]), now())
        assert changes.counts.new_links == 1  # NEW_OCT, from Ahrefs's October export


def test_digests_are_kept_and_give_the_same_changes(
        tmp_path: Path, exports: dict[str, Path]) -> None:
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = project.db
        _import(project, exports, "a0 s0 a1 s1 a2 s2")
        first = _summary(compute_changes(db, on_day(db, MONTHS[0]), now()))
        kept = db.execute("SELECT count(*) FROM snapshot_digests").fetchone()[0]
        # Every snapshot was its vendor's latest when imported: the status worked out after
        # each import (link_status_update) kept its digest, and the comparison read those.
        assert kept == 6
        assert _summary(compute_changes(db, on_day(db, MONTHS[0]), now())) == first
        # Unchecked here, the link found gone elsewhere is not lost.
        assert first[0] == EXPECTED_SEPT_TO_NOW_LINKS - {
            (GONE.source_url, "lost", "gone_live"), (MIXED_GONE.source_url, "lost", "gone_live")}


@pytest.mark.parametrize("order", list(itertools.islice(
    itertools.permutations(("a1", "s1", "a2")), 0, 6, 2)))
def test_one_vendor_dropping_a_link_never_loses_it(
        tmp_path: Path, exports: dict[str, Path], order: tuple[str, ...]) -> None:
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = project.db
        _import(project, exports, " ".join(("a0", "s0", *order)))
        urls = {c.url for c in compute_changes(db, on_day(db, MONTHS[0]), now()).links("lost")}
        assert AHREFS_DROPS.source_url not in urls and SEMRUSH_LOST.source_url not in urls
        assert BOTH_DROP_OCT.source_url in urls


def test_cached_changes_follow_each_thing_the_changes_depend_on(
        tmp_path: Path, exports: dict[str, Path]) -> None:
    """An import, a re-score, an import's day, a review and a live check each make the
    connection's cached changes stale."""
    from linkdesk.core.timeline.changes import cached_changes, state_key
    from linkdesk.core.timeline.redate import set_import_day

    with Project.open(tmp_path / "p.linkdesk") as project:
        db = project.db
        _import(project, exports, "a0 s0")
        rescore(db)
        since, until = start(), now()
        keys = [state_key(db, since, until)]
        steps = (lambda: _import(project, exports, "a1"),
                 lambda: rescore(db),
                 lambda: set_import_day(db, 3, MONTHS[2]),
                 lambda: finish_review(db, "October"),
                 lambda: _check(db))
        for step in steps:
            cached_changes(db, since, until)
            step()
            keys.append(state_key(db, since, until))
            assert cached_changes(db, since, until).counts == compute_changes(
                db, since, until).counts
        assert len(set(keys)) == len(keys)
        assert state_key(db, since, until) == keys[-1]  # reading changes nothing


def test_cached_changes_follow_imports_days_that_would_read_alike_run_together(
        tmp_path: Path, exports: dict[str, Path]) -> None:
    """The key held each import as id || day, run together: imports 1 and 2 of September
    and October read as import 1 of "2026-09-20,22026-10-20" and an undated import 2 (a
    project another program edited), and the second state showed the first's changes."""
    from linkdesk.core.timeline.changes import cached_changes

    path = tmp_path / "p.linkdesk"
    with Project.open(path) as project:
        _import(project, exports, "a0 a1")
    with Project.open(path) as project:
        db = project.db
        since, until = start(), on_day(db, MONTHS[1])
        both = cached_changes(db, since, until).counts
        with db:
            db.execute("UPDATE imports SET as_of = '2026-09-20,22026-10-20' WHERE id = 1")
            db.execute("UPDATE imports SET as_of = NULL WHERE id = 2")
        first_only = cached_changes(db, since, until).counts
    with Project.open(path) as project:
        assert first_only == compute_changes(project.db, since, until).counts
    assert first_only != both
