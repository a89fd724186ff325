"""The page-shape flags (link lists, generated pages), links to many of the project's sites,
large platforms' subdomains, and the one-line reason for a band: on a generated Semrush export.

The patterns are those of real spam in Semrush exports (numbered "website list" pages,
site-info pages and open redirects naming the linked site, hashed page names); the controls
are ordinary pages that look a little alike.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
from pathlib import Path

import pytest
from exportgen import LinkRecord, make_profile, write_semrush

from linkdesk.core.disavow import set_platforms
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.scoring import (
    BANDS,
    FLAGS,
    explain_domain,
    explain_link,
    load_model,
    rescore,
    scores_current,
    set_terms,
)
from linkdesk.core.scoring.explain import band_reason
from linkdesk.core.scoring.model import Model
from linkdesk.core.store import Project, transaction

SITE = "acme-widgets.com"
OTHER_SITES = ("bolt-supplies.com", "cedar-tools.net", "delta-paints.org", "echo-lamps.com")

LIST_PAGES = {
    "https://topsites-index.net/website-list-703/": "website list 703 – Top Sites Index",
    "https://domainranks.org/domain-list-190":
        "domainranks.org | few of top websites | page no. 190",
    "http://theglobe-web.com/the_worlds_most_visited_web_pages_88.html":
        "The Globe - The world's most visited web pages",
}
GENERATED_PAGES = {
    f"https://siteinfo-check.net/www/{SITE}": f"{SITE} - Website Analysis and Traffic",
    f"https://cityportal.de/redirect.aspx?url=https%3A%2F%2F{SITE}%2F": "Stadtportal",
    "https://agedlinks.eu/list-54e75aca8d20b8ba57843e9970a4d99b": "Where to buy aged domains",
    "https://whois-lookup.org/report": f"Whois report for {SITE}",
}
ORDINARY_PAGES = {
    "https://gardenjournal.com/best-garden-sites-2024/": "Best garden sites 2024",
    "https://quietforum.org/viewtopic.php?t=123&sid=5f4dcc3b5aa765d61d8327deb882cf99":
        "Widgets for a small workshop - Quiet Forum",
    "https://dailyjournal-news.com/2024/05/acme-widgets-opens-a-second-plant":
        "Acme Widgets opens a second plant",
}
WIKIPEDIA = ("en", "de", "fr", "es", "it", "ja")
# One article each from a German, a British and a `.io` site (a country TLD used worldwide).
COUNTRY_PAGES = {
    "https://werkstattblog.de/2024/werkzeug-im-test": "Werkzeug im Test - Werkstattblog",
    "https://toolshed-review.co.uk/2024/widgets-we-use": "Widgets we use - Toolshed Review",
    "https://widgetlab.io/blog/small-workshops": "Small workshops - Widgetlab",
}


def _like(base: LinkRecord, source_url: str, title: str, target: str = f"https://{SITE}/") -> (
    LinkRecord
):
    return dataclasses.replace(base, source_url=source_url, title=title, target_url=target)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scored project: a generated profile plus the pages above, from a Semrush export."""
    folder = tmp_path_factory.mktemp("pages")
    records = list(make_profile(400, site=SITE, seed=5))
    base = records[0]
    extra = [_like(base, url, title) for url, title in
             {**LIST_PAGES, **GENERATED_PAGES, **ORDINARY_PAGES, **COUNTRY_PAGES}.items()]
    # One directory links to five of the project's sites, a partner blog to two.
    for index, site in enumerate((SITE, *OTHER_SITES)):
        extra.append(_like(base, f"https://hub-directory.net/entry/{index}", "Hub entry",
                           f"https://{site}/"))
    for site in (SITE, OTHER_SITES[0]):
        extra.append(_like(base, f"https://partner-blog.com/notes/{site}-visit",
                           "Notes from a visit", f"https://{site}/"))
    extra += [_like(base, f"https://{lang}.wikipedia.org/wiki/Widget", "Widget - Wikipedia")
              for lang in WIKIPEDIA]
    extra += [_like(base, f"https://s{n}.farm-network.com/p", "Farm page") for n in range(6)]
    write_semrush(folder / "semrush.csv", [*records, *extra])
    path = folder / "p.linkdesk"
    with Project.open(path) as opened:
        import_file(opened, folder / "semrush.csv", ImportOptions(site=SITE))
        rescore(opened.db)
    return path


def _domain_flags(project: Project, domain: str) -> set[str]:
    bits = project.db.execute(
        "SELECT flags FROM domain_scores WHERE domain = ?", (domain,)
    ).fetchone()[0]
    return {name for index, name in enumerate(FLAGS) if bits & (1 << index)}


def _link(project: Project, url_start: str) -> int:
    return int(project.db.execute(
        "SELECT id FROM links WHERE source_url LIKE ? || '%'", (url_start,)
    ).fetchone()[0])


def _domain(url: str) -> str:
    host = url.split("/")[2]
    return host.removeprefix("www.")


def test_numbered_lists_of_sites_are_flagged_with_their_words(project: Path) -> None:
    with Project.open(project) as opened:
        for url in LIST_PAGES:
            assert "link_list" in _domain_flags(opened, _domain(url)), url
            explained = explain_link(opened.db, _link(opened, url))
            assert explained is not None
            evidence = next(f.evidence for f in explained.flags if f.flag == "link_list")
            assert "numbered list of sites" in evidence
            # Such a page gives no page value either.
            page_links = next(c for c in explained.contributions if c.signal == "page_links")
            assert page_links.value == -1.0
        words = explain_link(opened.db, _link(opened, "https://topsites-index.net/"))
        assert words is not None
        assert "'list 703'" in next(f.evidence for f in words.flags)


def test_pages_made_for_the_linked_site_are_flagged(project: Path) -> None:
    expected = {
        "siteinfo-check.net": f"the linked site {SITE} in the page's URL",
        "cityportal.de": f"the linked site {SITE} in the page's URL",
        "agedlinks.eu": "a 32-digit hash as the page's name",
        "whois-lookup.org": f"the linked site {SITE} in the page's title",
    }
    with Project.open(project) as opened:
        for domain, evidence in expected.items():
            explained = explain_domain(opened.db, domain)
            assert explained is not None
            found = {f.flag: f.evidence for f in explained.best_link.flags}
            assert found.get("generated_page") == evidence, domain


def test_ordinary_pages_are_not_lists_nor_generated(project: Path) -> None:
    with Project.open(project) as opened:
        for url in ORDINARY_PAGES:
            flags = _domain_flags(opened, _domain(url))
            assert not flags & {"link_list", "generated_page"}, (url, flags)


def test_a_domain_linking_to_many_of_the_projects_sites(project: Path) -> None:
    with Project.open(project) as opened:
        assert "many_sites" in _domain_flags(opened, "hub-directory.net")
        assert "many_sites" not in _domain_flags(opened, "partner-blog.com")
        explained = explain_domain(opened.db, "hub-directory.net")
        assert explained is not None
        evidence = next(f.evidence for f in explained.flags if f.flag == "many_sites")
        assert evidence == "hub-directory.net links to 5 of the project's sites"
        # A one-site project never has the flag.
        assert not any("many_sites" in _domain_flags(opened, d) for (d,) in opened.db.execute(
            "SELECT DISTINCT domain FROM links WHERE target_url LIKE ?", (f"https://{SITE}/%",)
        ) if d != "hub-directory.net")


def _signal(project: Project, domain: str, signal: str) -> int:
    """The signal value of a domain's first link."""
    return int(project.db.execute(
        f"SELECT f.{signal} FROM link_features AS f JOIN domain_scores AS d "
        f"ON d.id = f.domain_id WHERE d.domain = ? ORDER BY f.link_id LIMIT 1", (domain,)
    ).fetchone()[0])


def test_linking_to_many_of_the_projects_sites_lowers_the_quality(project: Path) -> None:
    with Project.open(project) as opened:
        # Five links each way: the links part is the same, the sites make the difference
        # (-267 * log10(n) / 3 for n links, -333 for each doubling of the sites).
        hub = _signal(opened, "hub-directory.net", "repetition")
        partner = _signal(opened, "partner-blog.com", "repetition")
        assert partner == -round(267 * math.log10(2) / 3 + 333)
        assert hub == -round(267 * math.log10(5) / 3 + 333 * math.log2(5))
        explained = explain_domain(opened.db, "hub-directory.net")
        assert explained is not None
        repetition = next(c for c in explained.contributions if c.signal == "repetition")
        assert repetition.evidence == (
            "5 links from hub-directory.net, linking to 5 of the project's sites"
        )
        assert repetition.effect == pytest.approx(30 * hub / 1000, abs=0.1)
        # A site's own many links from one domain cost no more than before: 8 points at most.
        single = opened.db.execute(
            "SELECT domain FROM domain_scores WHERE links >= 5 AND domain NOT IN "
            "('hub-directory.net', 'partner-blog.com', 'wikipedia.org', 'farm-network.com') "
            "AND platform = 0 ORDER BY links DESC LIMIT 1"
        ).fetchone()[0]
        links = opened.db.execute(
            "SELECT links FROM domain_scores WHERE domain = ?", (single,)
        ).fetchone()[0]
        assert _signal(opened, single, "repetition") == -round(
            267 * min(1.0, math.log10(links) / 3)
        )


def test_the_market_defaults_to_the_sites_countries(project: Path, tmp_path: Path) -> None:
    with Project.open(project) as opened:
        # acme-widgets.com has a generic TLD: the market is the English-speaking countries.
        assert _signal(opened, "werkstattblog.de", "market") == -800
        assert _signal(opened, "toolshed-review.co.uk", "market") == 800
        assert _signal(opened, "widgetlab.io", "market") == 0  # .io: used worldwide
        explained = explain_domain(opened.db, "werkstattblog.de")
        assert explained is not None
        market = next(c for c in explained.contributions if c.signal == "market")
        assert market.evidence == ("country de: outside the market (au, ca, gb, ie, nz, us; "
                                   "default for sites on generic TLDs)")
        assert market.effect == -8.0
    # A German client's project: its sites' TLD is the market.
    copy = tmp_path / "german.linkdesk"
    copy.write_bytes(project.read_bytes())
    with Project.open(copy) as opened:
        with transaction(opened.db):
            set_terms(opened.db, sites=["acme-werkzeug.de"])
        rescore(opened.db)
        assert _signal(opened, "werkstattblog.de", "market") == 800
        assert _signal(opened, "toolshed-review.co.uk", "market") == -800
        explained = explain_domain(opened.db, "werkstattblog.de")
        assert explained is not None
        market = next(c for c in explained.contributions if c.signal == "market")
        assert market.evidence == "country de: in the market (de; from the sites' TLDs)"


def test_language_editions_of_a_large_platform_are_no_subdomain_network(project: Path) -> None:
    with Project.open(project) as opened:
        hosts = opened.db.execute(
            "SELECT hosts FROM domain_scores WHERE domain = 'wikipedia.org'"
        ).fetchone()[0]
        assert hosts == len(WIKIPEDIA) >= load_model(opened.db).detection["many_subdomains"]
        assert "many_subdomains" not in _domain_flags(opened, "wikipedia.org")
        assert "many_subdomains" in _domain_flags(opened, "farm-network.com")


def test_every_band_says_why_in_one_line(project: Path) -> None:
    with Project.open(project) as opened:
        seen = set()
        for (domain,) in opened.db.execute("SELECT domain FROM domain_scores").fetchall():
            explained = explain_domain(opened.db, domain)
            assert explained is not None
            reason = explained.band_reason
            assert reason.startswith(explained.band + ": ") and "\n" not in reason
            if explained.band == "risky":
                assert f"{explained.risk_points} risk points" in reason
                assert "whatever the quality" in reason
            else:
                assert f"quality {explained.quality:.1f}" in reason
            assert explained.best_link.band_reason.startswith(explained.best_link.band)
            seen.add(explained.band)
        assert {"risky", "weak"} <= seen


def test_a_zero_quality_reads_weak_or_risky_and_says_why() -> None:
    model = Model()  # the defaults, as a new project has them
    weak = band_reason(model, BANDS.index("weak"), 0.0, 2)
    risky = band_reason(model, BANDS.index("risky"), 0.0, 7)
    assert weak == ("weak: quality 0.0 is under 40; risk low (2 risk points, under the 5 "
                    "that make it risky)")
    assert risky == ("risky: risk high (7 risk points; 5 or more make it high), whatever "
                     "the quality")


def test_the_projects_own_platform_list_decides(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.linkdesk"
    copy.write_bytes(project.read_bytes())
    with Project.open(copy) as opened:
        assert scores_current(opened.db)
        with transaction(opened.db):
            set_platforms(opened.db, ["example-platform.com"])  # wikipedia.org left out
        assert not scores_current(opened.db)
        rescore(opened.db)
        assert "many_subdomains" in _domain_flags(opened, "wikipedia.org")


def test_the_clients_own_sites_count_as_one(project: Path, tmp_path: Path) -> None:
    """A site linking to a client's shop and its blog is normal: when both are the client's
    sites (the project's `sites` setting), they count as one site, for the quality and for
    the `many_sites` flag."""
    copy = tmp_path / "own-sites.linkdesk"
    shutil.copyfile(project, copy)
    with Project.open(copy) as opened:
        set_terms(opened.db, sites=[SITE, OTHER_SITES[0]])
        opened.db.commit()
        rescore(opened.db)
        partner = _signal(opened, "partner-blog.com", "repetition")
        assert partner == -round(267 * math.log10(2) / 3)  # the links part alone
        hub = _signal(opened, "hub-directory.net", "repetition")
        assert hub == -round(267 * math.log10(5) / 3 + 333 * math.log2(4))
        explained = explain_domain(opened.db, "hub-directory.net")
        assert explained is not None
        evidence = next(f.evidence for f in explained.flags if f.flag == "many_sites")
        assert evidence == "hub-directory.net links to 4 of the project's sites"
