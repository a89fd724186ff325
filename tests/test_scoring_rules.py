"""Each quality signal and each risk flag, on hand-built links that isolate it.

Links are inserted straight into `links` (one referring domain per link unless a test is about
domains), with every other field empty, so the signal under test is the only one not neutral.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from linkdesk.core import urls
from linkdesk.core.link_status import VENDOR_LOST
from linkdesk.core.scoring import FLAGS, SIGNALS, rescore, set_overrides, set_terms
from linkdesk.core.scoring.anchors import AnchorClassifier
from linkdesk.core.scoring.model import ANCHOR_CLASSES, DEFAULT_WEIGHTS, Terms
from linkdesk.core.store import Project, transaction

TARGET = "https://acme-widgets.com/"
_counter = iter(range(1, 1_000_000))


def add_link(db: sqlite3.Connection, source_url: str | None = None, **fields: Any) -> int:
    """Insert one link (a fresh domain unless `source_url` is given); return its id."""
    if source_url is None:
        source_url = f"https://site{next(_counter)}.com/page"
    url, host = urls.normalize_url(source_url)  # type: ignore[misc]
    fields.setdefault("target_url", TARGET)
    if fields.get("lost") == 1:  # as an import of a vendor's lost link leaves it
        fields.setdefault("status", VENDOR_LOST)
    columns = ["source_url", "source_host", "domain", "vendors", "observation_count", *fields]
    values = [url, host, urls.registered_domain(host), 1, 1, *fields.values()]
    with transaction(db):
        cursor = db.execute(
            f"INSERT INTO links ({', '.join(columns)}) VALUES ({', '.join('?' * len(values))})",
            values,
        )
    return int(cursor.lastrowid or 0)


def scored(db: sqlite3.Connection) -> None:
    rescore(db)


def value(db: sqlite3.Connection, link_id: int, signal: str) -> int:
    return int(db.execute(
        f"SELECT {signal} FROM link_features WHERE link_id = ?", (link_id,)
    ).fetchone()[0])


def others_neutral(db: sqlite3.Connection, link_id: int, *allowed: str) -> bool:
    row = db.execute(
        f"SELECT {', '.join(SIGNALS)} FROM link_features WHERE link_id = ?", (link_id,)
    ).fetchone()
    return all(v == 0 for name, v in zip(SIGNALS, row, strict=True) if name not in allowed)


def flags_of(db: sqlite3.Connection, link_id: int) -> set[str]:
    bits = db.execute("SELECT flags FROM link_scores WHERE link_id = ?", (link_id,)).fetchone()[0]
    return {name for index, name in enumerate(FLAGS) if bits & (1 << index)}


def quality(db: sqlite3.Connection, link_id: int) -> float:
    return float(db.execute(
        "SELECT quality FROM link_scores WHERE link_id = ?", (link_id,)
    ).fetchone()[0])


def domain_flags(db: sqlite3.Connection, domain: str) -> set[str]:
    bits = db.execute("SELECT flags FROM domain_scores WHERE domain = ?", (domain,)).fetchone()[0]
    return {name for index, name in enumerate(FLAGS) if bits & (1 << index)}


@pytest.fixture
def db(project: Project) -> sqlite3.Connection:
    return project.db


# -- quality signals --------------------------------------------------------------------------


def test_a_link_without_data_is_neutral_and_low_confidence(db: sqlite3.Connection) -> None:
    link = add_link(db)
    scored(db)
    assert others_neutral(db, link)
    assert quality(db, link) == DEFAULT_WEIGHTS["base"]
    assert db.execute("SELECT low_confidence FROM link_scores").fetchone()[0] == 1
    assert flags_of(db, link) == set()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"domain_rating": 80}, 700),  # excellent DR alone: full strength
        ({"domain_rating": 24}, 0),  # 24/80 = 0.3: a typical link, neutral
        ({"domain_rating": 0}, -300),
        ({"url_rating": 40}, 700),  # page metric alone
        ({"domain_rating": 80, "url_rating": 0}, 400),  # 0.7 * 1000 + 0.3 * 0 - 300
        ({"domain_rating": 40, "trust_flow": 50, "domain_authority": 0}, 200),  # mean of .5, 1, 0
        ({"domain_authority": 160}, 700),  # capped at full strength
    ],
)
def test_authority(db: sqlite3.Connection, fields: dict[str, float], expected: int) -> None:
    link = add_link(db, **fields)
    scored(db)
    assert value(db, link, "authority") == expected
    assert others_neutral(db, link, "authority", "trust")


@pytest.mark.parametrize(
    ("tf", "cf", "expected"),
    [(40, 50, 0), (10, 50, -1000), (25, 50, 0), (19, 50, -400), (4, 4, 0), (None, 50, 0)],
)
def test_trust_ratio(db: sqlite3.Connection, tf: int | None, cf: int, expected: int) -> None:
    link = add_link(db, trust_flow=tf, citation_flow=cf)
    scored(db)
    assert value(db, link, "trust") == expected


@pytest.mark.parametrize(
    ("traffic", "expected"), [(1_000_000, 667), (99, 0), (0, -333), (None, 0)]
)
def test_domain_traffic(db: sqlite3.Connection, traffic: int | None, expected: int) -> None:
    link = add_link(db, domain_traffic=traffic)
    scored(db)
    assert value(db, link, "traffic") == expected
    assert others_neutral(db, link, "traffic")


def test_page_traffic(db: sqlite3.Connection) -> None:
    busy, quiet, unknown = (add_link(db, page_traffic=t) for t in (9_999, 0, None))
    scored(db)
    assert value(db, busy, "page_traffic") == 1000
    assert value(db, quiet, "page_traffic") == 0
    assert value(db, unknown, "page_traffic") == 0


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"nofollow": 0}, 250),
        ({"nofollow": 1}, -1000),
        ({"nofollow": 0, "ugc": 1}, -1000),
        ({"nofollow": 0, "sponsored": 1}, -1000),
        ({}, 0),
    ],
)
def test_follow(db: sqlite3.Connection, fields: dict[str, int], expected: int) -> None:
    link = add_link(db, **fields)
    scored(db)
    assert value(db, link, "follow") == expected
    assert others_neutral(db, link, "follow")


@pytest.mark.parametrize(
    ("column", "signal"),
    [("image", "image"), ("redirect", "redirect"), ("frame", "frame_form"),
     ("form", "frame_form"), ("lost", "lost"), ("sitewide", "sitewide")],
)
def test_link_attributes(db: sqlite3.Connection, column: str, signal: str) -> None:
    marked, plain = add_link(db, **{column: 1}), add_link(db, **{column: 0})
    scored(db)
    assert value(db, marked, signal) == -1000
    assert value(db, plain, signal) == 0
    assert others_neutral(db, marked, signal)
    effect = DEFAULT_WEIGHTS[signal]
    assert quality(db, plain) - quality(db, marked) == pytest.approx(effect)


def test_relevance_needs_topics_and_matches_word_starts(db: sqlite3.Connection) -> None:
    in_title = add_link(db, title="The best Widgets of 2026")
    in_url = add_link(db, "https://site-a.com/blue-widgets-guide")
    in_anchor = add_link(db, anchor="widgets")
    inside_word = add_link(db, title="Gadgetwidgets and more")
    everywhere = add_link(db, "https://site-b.com/widgets", title="Widgets", anchor="Widgets!")
    scored(db)
    assert value(db, in_title, "relevance") == 0  # no topics set: neutral
    with transaction(db):
        set_terms(db, topics=["widgets"])
    scored(db)
    assert value(db, in_title, "relevance") == 500
    assert value(db, in_url, "relevance") == 300
    assert value(db, in_anchor, "relevance") == 200
    assert value(db, inside_word, "relevance") == 0
    assert value(db, everywhere, "relevance") == 1000


def test_market_language_and_country(db: sqlite3.Connection) -> None:
    english = add_link(db, language="en")
    several = add_link(db, language="fr, en")
    german = add_link(db, language="de")
    british = add_link(db, language="en-GB")
    slovene = add_link(db, language="slovene")
    german_tld = add_link(db, "https://beispiel.de/seite")
    uk_tld = add_link(db, "https://example.co.uk/page")
    generic = add_link(db, "https://example.org/page")
    scored(db)
    assert value(db, english, "market") == 0  # no language set: neutral
    # No market set, no site with a country TLD: the English-speaking countries are the market.
    assert value(db, german_tld, "market") == -800
    assert value(db, uk_tld, "market") == 800
    assert value(db, generic, "market") == 0
    with transaction(db):
        set_terms(db, languages=["en"], countries=["gb"])
    scored(db)
    assert value(db, english, "market") == 200
    assert value(db, several, "market") == 200
    assert value(db, german, "market") == -200
    assert value(db, british, "market") == 200
    assert value(db, slovene, "market") == -200
    assert value(db, german_tld, "market") == -800
    assert value(db, uk_tld, "market") == 800
    assert value(db, generic, "market") == 0


@pytest.mark.parametrize(
    ("external", "expected"), [(50, 0), (500, -1000), (5_000, -1000), (5, 300), (None, 0)]
)
def test_page_links(db: sqlite3.Connection, external: int | None, expected: int) -> None:
    link = add_link(db, external_links=external)
    scored(db)
    assert value(db, link, "page_links") == expected


def test_repetition_counts_links_per_site_and_per_host_on_platforms(
    db: sqlite3.Connection,
) -> None:
    single = add_link(db, "https://lonely.com/")
    many = [add_link(db, f"https://busy.com/p{i}") for i in range(10)]
    blogs = [add_link(db, f"https://blog{i}.wordpress.com/post") for i in range(10)]
    scored(db)
    assert value(db, single, "repetition") == 0
    assert {value(db, link, "repetition") for link in many} == {-89}  # 8 of 30 points at 1,000
    assert {value(db, link, "repetition") for link in blogs} == {0}  # ten different people


def test_age_and_staleness_count_to_the_newest_data(db: sqlite3.Connection) -> None:
    add_link(db, first_seen="2026-01-01", last_seen="2026-11-20")  # sets the as-of date
    year_old = add_link(db, first_seen="2025-11-20", last_seen="2026-11-20")
    new = add_link(db, first_seen="2026-09-08", last_seen="2026-11-20")  # 73 days
    stale = add_link(db, first_seen="2024-01-01", last_seen="2026-05-01")
    lost_long_ago = add_link(db, first_seen="2024-01-01", last_seen="2025-01-01", lost=1)
    scored(db)
    assert value(db, year_old, "age") == 1000
    assert value(db, new, "age") == 200
    assert value(db, stale, "stale") == -1000
    assert value(db, year_old, "stale") == 0
    assert value(db, lost_long_ago, "stale") == 0  # lost says it already


def test_sitewide_footer_pattern(db: sqlite3.Connection) -> None:
    footer = [add_link(db, f"https://footer.com/page/{i}/", anchor="Acme") for i in range(20)]
    spread = [
        add_link(db, f"https://spread.com/p{i}", target_url=f"{TARGET}{i % 3}")
        for i in range(20)
    ]
    few = [add_link(db, f"https://few.com/p{i}") for i in range(19)]
    scored(db)
    assert {value(db, link, "sitewide") for link in footer} == {-1000}
    assert "sitewide" in flags_of(db, footer[0])
    assert "sitewide" in domain_flags(db, "footer.com")
    assert {value(db, link, "sitewide") for link in spread + few} == {0}


# -- risk flags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source_url", "expected"),
    [
        ("https://cheap-deals.xyz/p", {"spam_tld"}),
        ("https://best-cheap-deals.com/p", {"domain_pattern"}),
        ("https://shop1234.com/p", {"domain_pattern"}),
        ("https://averyveryverylongdomainnameforsure.com/p", {"domain_pattern"}),
        ("https://news24.com/p", set()),  # two digits are fine
        ("https://müller-haus.de/p", set()),  # punycode's "--" is not a hyphen of the name
        ("https://casinoroyale.com/p", {"poison_domain"}),
        ("https://updatingnews.com/p", set()),
        ("http://45.77.1.2/p", {"ip_host"}),
    ],
)
def test_domain_name_flags(db: sqlite3.Connection, source_url: str, expected: set[str]) -> None:
    link = add_link(db, source_url)
    scored(db)
    assert flags_of(db, link) == expected


def test_many_subdomains_but_not_on_platforms(db: sqlite3.Connection) -> None:
    own = [add_link(db, f"https://s{i}.network.com/") for i in range(5)]
    www = [add_link(db, f"https://{p}tidy.com/") for p in ("", "www.")]
    platform = [add_link(db, f"https://b{i}.tumblr.com/") for i in range(6)]
    scored(db)
    assert "many_subdomains" in flags_of(db, own[0])
    assert "many_subdomains" not in flags_of(db, www[0])
    assert "many_subdomains" not in flags_of(db, platform[0])


@pytest.mark.parametrize(
    ("fields", "flag", "present"),
    [
        ({"title": "Online Casino Bonus Guide"}, "poison_page", True),
        ({"title": "(Viagra) offers"}, "poison_page", True),
        ({"title": "Cleaning up spills at home"}, "poison_page", False),
        ({"anchor": "cheap viagra"}, "poison_anchor", True),
        ({"anchor": "", "image": 0}, "empty_anchor", True),
        ({"anchor": "→ »", "image": 0}, "empty_anchor", True),
        ({"anchor": "", "image": 1}, "empty_anchor", False),
        ({"anchor": "", "redirect": 1}, "empty_anchor", False),
        ({"external_links": 300}, "link_farm", True),
        ({"external_links": 299}, "link_farm", False),
        ({"is_spam": 1}, "ahrefs_spam", True),
        ({"spam_score": 60}, "moz_spam_score", True),
        ({"spam_score": 59}, "moz_spam_score", False),
        ({"toxicity": 60}, "semrush_toxicity", True),
        ({"toxicity": 45}, "semrush_toxicity", False),
        ({"lost": 1}, "lost_link", True),
        ({"sitewide": 1}, "sitewide", True),
    ],
)
def test_link_flags(
    db: sqlite3.Connection, fields: dict[str, Any], flag: str, present: bool
) -> None:
    link = add_link(db, **fields)
    scored(db)
    assert (flag in flags_of(db, link)) is present
    assert flags_of(db, link) <= {flag}  # nothing else fires


def test_money_anchor_needs_money_keywords(db: sqlite3.Connection) -> None:
    link = add_link(db, anchor="Blue Widgets")
    scored(db)
    assert "money_anchor" not in flags_of(db, link)
    with transaction(db):
        set_terms(db, money=["blue widgets"])
    scored(db)
    assert flags_of(db, link) == {"money_anchor"}


def test_network_title_needs_three_domains(db: sqlite3.Connection) -> None:
    shared = [add_link(db, title="Cheap widgets for everyone") for _ in range(3)]
    pair = [add_link(db, title="Only two sites have this") for _ in range(2)]
    short = [add_link(db, title="Home") for _ in range(5)]
    scored(db)
    assert {"network_title"} == flags_of(db, shared[0])
    assert flags_of(db, pair[0]) == set()
    assert flags_of(db, short[0]) == set()


def test_network_path_only_for_article_paths(db: sqlite3.Connection) -> None:
    mirrors = [add_link(db, f"https://m{i}.com/best-blue-widgets-guide") for i in range(5)]
    forum = [add_link(db, f"https://f{i}.com/showthread.php?t=20000") for i in range(6)]
    fewer = [add_link(db, f"https://x{i}.com/red-green-gadgets-guide") for i in range(4)]
    scored(db)
    assert flags_of(db, mirrors[0]) == {"network_path"}
    assert flags_of(db, forum[0]) == set()
    assert flags_of(db, fewer[0]) == set()


def test_a_domain_has_a_link_flag_when_half_its_links_have_it(db: sqlite3.Connection) -> None:
    add_link(db, "https://mostly-live.com/a", lost=1)
    add_link(db, "https://mostly-live.com/b", lost=0)
    add_link(db, "https://mostly-live.com/c", lost=0)
    add_link(db, "https://half-lost.com/a", lost=1)
    add_link(db, "https://half-lost.com/b", lost=0)
    scored(db)
    assert domain_flags(db, "mostly-live.com") == set()
    assert domain_flags(db, "half-lost.com") == {"lost_link"}


def test_risk_levels_and_the_risky_band(db: sqlite3.Connection) -> None:
    none = add_link(db)
    low = add_link(db, is_spam=1)  # a vendor marker alone: 2 points
    medium = add_link(db, "https://deals-4-you-now.xyz/p", external_links=400)  # 1 + 1 + 2
    high = add_link(db, "https://casino1234.xyz/p", is_spam=1)  # 1 + 1 + 3 + 2
    scored(db)
    levels = dict(db.execute("SELECT link_id, risk_level FROM link_scores").fetchall())
    assert [levels[link] for link in (none, low, medium, high)] == [0, 1, 2, 3]
    bands = dict(db.execute("SELECT link_id, band FROM link_scores").fetchall())
    assert bands[high] == 0  # risky
    assert bands[medium] != 0
    with transaction(db):
        set_overrides(db, "thresholds", {"risky_level": "medium"})
    scored(db)
    assert db.execute(
        "SELECT band FROM link_scores WHERE link_id = ?", (medium,)
    ).fetchone()[0] == 0


def test_flag_points_are_settings(db: sqlite3.Connection) -> None:
    link = add_link(db, is_spam=1)
    scored(db)
    with transaction(db):
        set_overrides(db, "flag_points", {"ahrefs_spam": 5})
    summary = rescore(db)
    assert not summary.recomputed_signals
    assert db.execute("SELECT risk_points, risk_level, band FROM link_scores WHERE link_id = ?",
                      (link,)).fetchone() == (5, 3, 0)


def test_bad_settings_are_refused(db: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="unknown weights name"):
        set_overrides(db, "weights", {"shoe_size": 3})
    with pytest.raises(ValueError, match="0-100"):
        set_overrides(db, "weights", {"authority": 500})
    with pytest.raises(ValueError, match="risky_level"):
        set_overrides(db, "thresholds", {"risky_level": "extreme"})
    with pytest.raises(ValueError, match="not a domain"):
        set_terms(db, sites=["not a site"])


# -- anchor classes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        ("", "empty_image"),
        ("  →  ", "empty_image"),
        ("acme-widgets.com", "naked_url"),
        ("https://www.acme-widgets.com/widgets/", "naked_url"),
        ("www.example.org", "naked_url"),
        ("Acme Widgets", "brand"),
        ("Website by Acme Widgets", "brand"),
        ("acmewidgets", "brand"),
        ("Acme Widgets blue widgets", "compound"),
        ("click here", "generic"),
        ("Read more »", "generic"),
        ("blue widgets", "exact_match"),
        ("Blue Widget", "exact_match"),
        ("cheap blue widgets", "partial_match"),
        ("widget supplier", "partial_match"),
        ("best gadgets", "other"),
        ("version 3.5", "other"),
        ("e.g. this", "other"),
        ("cheap viagra", "other"),
    ],
)
def test_anchor_classes(anchor: str, expected: str) -> None:
    classifier = AnchorClassifier(Terms(sites=("acme-widgets.com",), money=("blue widgets",)))
    assert ANCHOR_CLASSES[classifier.classify(anchor)] == expected


def test_brand_terms_replace_the_site_name() -> None:
    classifier = AnchorClassifier(Terms(brands=("ACME",), sites=("acme-widgets.com",)))
    assert ANCHOR_CLASSES[classifier.classify("Acme")] == "brand"
    assert ANCHOR_CLASSES[classifier.classify("acmewidgets")] == "other"


def test_links_without_anchor_data_are_unknown(db: sqlite3.Connection) -> None:
    link = add_link(db)
    scored(db)
    assert db.execute(
        "SELECT anchor_class FROM link_scores WHERE link_id = ?", (link,)
    ).fetchone()[0] == ANCHOR_CLASSES.index("unknown")


# -- edges ------------------------------------------------------------------------------------


def test_an_empty_project_scores_nothing(db: sqlite3.Connection) -> None:
    summary = rescore(db)
    assert (summary.links, summary.domains) == (0, 0)
    assert rescore(db).recomputed_signals is False


def test_scores_stay_within_bounds_and_the_explanation_says_so(db: sqlite3.Connection) -> None:
    from linkdesk.core.scoring import explain_link

    link = add_link(db, domain_rating=90, domain_traffic=5_000_000, nofollow=0)
    with transaction(db):
        set_overrides(db, "weights", {"base": 90})
    scored(db)
    assert quality(db, link) == 100
    explained = explain_link(db, link)
    assert explained is not None
    assert explained.contributions[-1].signal == "bounds"
    assert explained.contributions[-1].effect < 0
    assert sum(part.effect for part in explained.contributions) == pytest.approx(100)


def test_an_explanation_says_when_settings_changed_since_scoring(
    db: sqlite3.Connection,
) -> None:
    from linkdesk.core.scoring import explain_link

    link = add_link(db, domain_rating=50)
    scored(db)
    assert explain_link(db, link).current  # type: ignore[union-attr]
    with transaction(db):
        set_overrides(db, "weights", {"authority": 10})
    assert not explain_link(db, link).current  # type: ignore[union-attr]
    add_link(db)
    scored(db)
    assert explain_link(db, link).current  # type: ignore[union-attr]


def test_a_v1_project_gains_the_score_tables(tmp_path: Any) -> None:
    from linkdesk.core.store.project import APPLICATION_ID
    from linkdesk.core.store.schema import MIGRATIONS

    path = tmp_path / "old.linkdesk"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("BEGIN")
    MIGRATIONS[0](old)
    old.execute("PRAGMA user_version = 1")
    old.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    old.execute("COMMIT")
    old.close()
    with Project.open(path) as project:
        tables = {row[0] for row in project.db.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table'"
        )}
        assert {"link_scores", "link_features", "domain_scores", "scoring_state"} <= tables
        add_link(project.db, domain_rating=40)
        assert rescore(project.db).links == 1


def test_a_brand_is_found_written_in_separate_words() -> None:
    """Real data (issue 18): youtoocancook.net's links say "You Too Can Cook"."""
    classifier = AnchorClassifier(Terms(sites=("youtoocancook.net",), money=("easy recipes",)))
    assert ANCHOR_CLASSES[classifier.classify("You Too Can Cook")] == "brand"
    assert ANCHOR_CLASSES[classifier.classify("Posted by You Too Can Cook")] == "brand"
    assert ANCHOR_CLASSES[classifier.classify("You Too Can Cook easy recipes")] == "compound"
    # The same words in another order are not the brand.
    assert ANCHOR_CLASSES[classifier.classify("you can cook too")] == "other"
    # Short brands are not pieced together from chance words.
    short = AnchorClassifier(Terms(sites=("acme.com",)))
    assert ANCHOR_CLASSES[short.classify("ac me")] == "other"
