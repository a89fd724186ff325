"""Scoring imported, realistic profiles: ranking, explanations, settings, Search Console, cancel."""

from __future__ import annotations

import ipaddress
import sqlite3
import statistics
from collections import defaultdict
from pathlib import Path

import exportgen
import pytest
from exportgen import LinkRecord, make_profile, write_ahrefs, write_gsc_latest

from linkdesk.core import urls
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.scoring import (
    ANCHOR_CLASSES,
    BANDS,
    FLAGS,
    SIGNALS,
    ScoreCancelled,
    explain_domain,
    explain_link,
    load_model,
    rescore,
    set_overrides,
    set_terms,
)
from linkdesk.core.scoring.combine import band_condition, contribution_sql
from linkdesk.core.stats import project_stats
from linkdesk.core.store import Project, transaction

SITE = "acme-widgets.com"
EXACT = ANCHOR_CLASSES.index("exact_match")


def kind_of(record: LinkRecord) -> str:
    """The kind of referring domain the generator made a record for, read from its traits."""
    host = record.source_url.split("/")[2]
    path = "/" + record.source_url.split("/", 3)[3] if record.source_url.count("/") >= 3 else "/"
    try:
        ipaddress.ip_address(host)
        return "ip"
    except ValueError:
        pass
    if host.rsplit(".", 1)[-1] in exportgen._SPAM_TLDS:
        return "spam"
    if any(host.endswith("." + platform) for platform in exportgen._PLATFORMS):
        return "platform"
    if "forum" in host:
        return "forum"
    if path.startswith(("/page/", "/category/")):
        return "sitewide"
    if (record.domain_rating or 0) >= 60 and (record.domain_traffic or 0) >= 50_000:
        return "editorial"
    return "other" if record.redirect or not host.isascii() else "ordinary"


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A scored 3,000-link Ahrefs profile (seed 0 has sitewide footer domains)."""
    folder = tmp_path_factory.mktemp("profile")
    records = list(make_profile(3_000, site=SITE, seed=0))
    write_ahrefs(folder / "ahrefs.csv", records)
    kinds = {urls.normalize_url(r.source_url)[0]: kind_of(r) for r in records}  # type: ignore[index]
    path = folder / "p.linkdesk"
    with Project.open(path) as project:
        import_file(project, folder / "ahrefs.csv", ImportOptions(site=SITE))
        rescore(project.db)
    return path, kinds


def _by_kind(db: sqlite3.Connection, kinds: dict[str, str]) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = defaultdict(list)
    for row in db.execute(
        "SELECT l.source_url, l.domain, s.quality, s.band, s.flags, d.quality, d.band, d.flags "
        "FROM link_scores AS s JOIN links AS l ON l.id = s.link_id "
        "JOIN domain_scores AS d ON d.id = s.domain_id"
    ):
        grouped[kinds[row[0]]].append(row[1:])
    return grouped


def test_a_realistic_profile_ranks_as_a_seasoned_seo_would(profile: tuple[Path, dict]) -> None:
    path, kinds = profile
    with Project.open(path) as project:
        grouped = _by_kind(project.db, kinds)
    median = {kind: statistics.median(row[1] for row in rows) for kind, rows in grouped.items()}
    domain_median = {
        kind: statistics.median({row[0]: row[4] for row in rows}.values())
        for kind, rows in grouped.items()
    }
    for medians in (median, domain_median):
        assert medians["editorial"] > medians["ordinary"] + 15
        assert medians["ordinary"] > max(medians["platform"], medians["forum"])
        assert min(medians["platform"], medians["forum"]) > medians["spam"]
    risky = BANDS.index("risky")
    spam_domains = {row[0]: row[5] for row in grouped["spam"]}
    assert sum(band == risky for band in spam_domains.values()) >= 0.9 * len(spam_domains)
    editorial_domains = {row[0]: row[5] for row in grouped["editorial"]}
    assert risky not in editorial_domains.values()
    assert sum(b == BANDS.index("strong") for b in editorial_domains.values()) >= 0.7 * len(
        editorial_domains
    )
    ordinary_risky = sum(row[2] == risky for row in grouped["ordinary"])
    assert ordinary_risky <= 0.02 * len(grouped["ordinary"])  # harmless links stay harmless


def test_the_footer_domains_are_flagged_sitewide(profile: tuple[Path, dict]) -> None:
    path, kinds = profile
    with Project.open(path) as project:
        grouped = _by_kind(project.db, kinds)
    sitewide_bit = 1 << FLAGS.index("sitewide")
    footer_domains = {row[0]: row[6] for row in grouped["sitewide"]}
    assert len(footer_domains) >= 2
    assert all(bits & sitewide_bit for bits in footer_domains.values())
    others = {row[0]: row[6] for kind in ("editorial", "forum", "platform", "spam")
              for row in grouped[kind]}
    assert not any(bits & sitewide_bit for bits in others.values())


def test_spam_networks_are_flagged_with_evidence(profile: tuple[Path, dict]) -> None:
    path, kinds = profile
    with Project.open(path) as project:
        spam_domain = next(row[0] for row in _by_kind(project.db, kinds)["spam"])
        explained = explain_domain(project.db, spam_domain)
    assert explained is not None
    assert explained.risk_level == "high" and explained.band == "risky"
    flags = {flag.flag: flag.evidence for flag in explained.flags}
    assert "link_farm" in flags and "external links" in flags["link_farm"]
    assert all(evidence for evidence in flags.values())


def test_explanations_add_up_to_the_stored_scores(profile: tuple[Path, dict]) -> None:
    path, _ = profile
    with Project.open(path) as project:
        db = project.db
        model = load_model(db)
        terms = " + ".join(sql for _, sql in contribution_sql(model))
        mismatches = db.execute(
            f"SELECT count(*) FROM link_features AS f JOIN link_scores AS s USING (link_id) "
            f"WHERE max(0, min(1000, {model.weight_tenths('base')} + {terms})) "
            f"<> CAST(round(s.quality * 10) AS INTEGER)"
        ).fetchone()[0]
        assert mismatches == 0
        sample = [row[0] for row in db.execute(
            "SELECT link_id FROM link_scores WHERE link_id % 37 = 1"
        )]
        for link_id in sample:
            explained = explain_link(db, link_id)
            assert explained is not None and explained.current
            total = sum(round(part.effect * 10) for part in explained.contributions)
            assert total == round(explained.quality * 10)
            assert [part.signal for part in explained.contributions][: len(SIGNALS) + 1] == [
                "base", *SIGNALS
            ]
            stored = db.execute(
                "SELECT risk_points FROM link_scores WHERE link_id = ?", (link_id,)
            ).fetchone()[0]
            assert sum(flag.points for flag in explained.flags) == stored
            assert all(flag.evidence for flag in explained.flags)
        for (domain,) in db.execute("SELECT domain FROM domain_scores WHERE id % 23 = 1"):
            explained_domain = explain_domain(db, domain)
            assert explained_domain is not None
            total = sum(round(part.effect * 10) for part in explained_domain.contributions)
            assert total == round(explained_domain.quality * 10)
            assert sum(f.points for f in explained_domain.flags) == explained_domain.risk_points


def test_stats_count_bands_risk_and_anchor_classes(profile: tuple[Path, dict]) -> None:
    path, _ = profile
    with Project.open(path) as project:
        stats = project_stats(project.db)
    assert set(stats["bands"]) == set(BANDS)
    assert sum(stats["bands"].values()) == stats["links"] == 3_000
    assert sum(stats["domain_bands"].values()) == sum(stats["risk"].values())
    assert sum(stats["risk"].values()) == stats["referring_domains"]
    assert sum(stats["anchor_classes"].values()) == 3_000
    assert stats["anchor_classes"]["brand"] > 0 and stats["anchor_classes"]["naked_url"] > 0


def test_band_conditions_select_the_same_rows_as_the_band(profile: tuple[Path, dict]) -> None:
    path, _ = profile
    with Project.open(path) as project:
        db, model = project.db, load_model(project.db)
        for index, band in enumerate(BANDS):
            for table in ("link_scores", "domain_scores"):
                by_band = db.execute(
                    f"SELECT count(*) FROM {table} WHERE band = ?", (index,)
                ).fetchone()[0]
                by_range = db.execute(
                    f"SELECT count(*) FROM {table} WHERE {band_condition(model, band, table)}"
                ).fetchone()[0]
                assert by_band == by_range, (band, table)


def test_settings_change_rescores_without_reimport(tmp_path: Path) -> None:
    write_ahrefs(tmp_path / "a.csv", make_profile(400, site=SITE, seed=4))
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = project.db
        import_file(project, tmp_path / "a.csv", ImportOptions(site=SITE))
        first = rescore(db)
        assert first.recomputed_signals
        assert not rescore(db).recomputed_signals  # nothing changed: signals reused
        exact = db.execute(
            "SELECT count(*) FROM link_scores WHERE anchor_class = ?", (EXACT,)
        ).fetchone()[0]
        assert exact == 0  # no money keywords yet
        lost_before = db.execute(
            "SELECT s.link_id, s.quality FROM link_scores AS s JOIN links AS l ON "
            "l.id = s.link_id WHERE l.lost = 1 AND s.quality BETWEEN 1 AND 70"
        ).fetchall()

        with transaction(db):
            set_terms(db, money=["blue widgets"])
        assert rescore(db).recomputed_signals  # terms change the signal values
        assert db.execute(
            "SELECT count(*) FROM link_scores WHERE anchor_class = ?", (EXACT,)
        ).fetchone()[0] > 0

        with transaction(db):
            set_overrides(db, "weights", {"lost": 0})
        summary = rescore(db)
        assert not summary.recomputed_signals  # a weight change only recombines
        after = dict(db.execute("SELECT link_id, quality FROM link_scores").fetchall())
        assert lost_before
        assert all(after[link] == pytest.approx(q + 30) for link, q in lost_before)
        assert db.execute("SELECT count(*) FROM imports").fetchone()[0] == 1


def test_search_console_only_links_are_neutral_and_low_confidence(tmp_path: Path) -> None:
    records = list(make_profile(60, site=SITE, seed=2))
    write_ahrefs(tmp_path / "a.csv", records[:30])
    write_gsc_latest(tmp_path / "gsc.csv", records[30:])
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = project.db
        import_file(project, tmp_path / "a.csv", ImportOptions(site=SITE))
        import_file(project, tmp_path / "gsc.csv", ImportOptions(site=SITE))
        rescore(db)
        rows = db.execute(
            f"SELECT l.domain, l.placeholder, s.low_confidence, s.anchor_class, "
            f"{', '.join('f.' + name for name in SIGNALS)} "
            f"FROM links AS l JOIN link_scores AS s ON s.link_id = l.id "
            f"JOIN link_features AS f ON f.link_id = l.id"
        ).fetchall()
    vendor_domains = {row[0] for row in rows if row[1] == 0}
    google_only = [row for row in rows if row[0] not in vendor_domains]
    assert google_only and vendor_domains
    for row in google_only:
        values = dict(zip(SIGNALS, row[4:], strict=True))
        assert row[2] == 1  # low confidence
        assert row[3] == ANCHOR_CLASSES.index("unknown")
        # Only what Search Console says counts: how many pages link, when last crawled, and
        # the page's URL (a numbered list of sites or a generated page gives nothing; the
        # domain's country TLD places it in or outside the market).
        assert all(v == 0 for name, v in values.items()
                   if name not in ("stale", "repetition", "page_links", "market"))
        assert values["page_links"] in (0, -1000)
    assert not any(row[2] for row in rows if row[1] == 0)


def test_progress_cancel_and_the_callers_transaction(tmp_path: Path) -> None:
    write_ahrefs(tmp_path / "a.csv", make_profile(300, site=SITE, seed=6))
    with Project.open(tmp_path / "p.linkdesk") as project:
        db = project.db
        import_file(project, tmp_path / "a.csv", ImportOptions(site=SITE))
        seen: list[str] = []
        rescore(db, progress=lambda p: seen.append(f"{p.stage}:{p.step}/{p.steps}"))
        assert seen[0] == "domains:1/7" and seen[-1] == "scores:7/7"
        before = db.execute("SELECT sum(quality) FROM link_scores").fetchone()[0]

        with transaction(db):
            set_overrides(db, "weights", {"authority": 10})
        calls = iter(range(100))
        with pytest.raises(ScoreCancelled):
            rescore(db, cancelled=lambda: next(calls) >= 1)
        assert db.execute("SELECT sum(quality) FROM link_scores").fetchone()[0] == before
        assert not db.in_transaction

        with transaction(db):  # the import pipeline calls rescore inside its transaction
            rescore(db)
            assert db.in_transaction
        assert db.execute("SELECT sum(quality) FROM link_scores").fetchone()[0] != before


def test_footer_links_and_mirror_paths_cost_quality_not_risk(
    profile: tuple[Path, dict],
) -> None:
    """`sitewide` and `network_path` are shown with 0 points, and image links lose nothing
    (measured against human disavow lists, docs/scoring.md): the footer pattern still costs
    the `sitewide` signal's quality points."""
    path, _ = profile
    bit = {name: 1 << index for index, name in enumerate(FLAGS)}
    with Project.open(path) as project:
        db = project.db
        points = load_model(db).flag_points
        footer = db.execute(
            f"SELECT link_id, risk_points, flags FROM link_scores WHERE flags & {bit['sitewide']}"
        ).fetchall()
        assert footer  # seed 0 has sitewide footer domains
        for _, risk, flags in footer:
            assert risk == sum(points[name] for name in FLAGS if flags & bit[name])
            assert risk == sum(
                points[name] for name in FLAGS
                if flags & bit[name] and name not in ("sitewide", "network_path")
            )
        explained = explain_link(db, footer[0][0])
        assert explained is not None
        assert next(f.points for f in explained.flags if f.flag == "sitewide") == 0
        sitewide = next(c for c in explained.contributions if c.signal == "sitewide")
        assert sitewide.effect == -8.0
        image = db.execute("SELECT id FROM links WHERE image = 1 LIMIT 1").fetchone()
        assert image is not None
        explained = explain_link(db, image[0])
        assert explained is not None
        assert next(c for c in explained.contributions if c.signal == "image").effect == 0.0
