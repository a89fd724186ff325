"""Quality signals: what each reads, how it is normalised, and why it matters.

Every signal yields a value in thousandths from -1000 to 1000 (0 = neutral, also when the data
is missing), stored per link in `link_features`. The score is `base + sum(weight * value)`,
so a signal's weight is the number of points it moves the score at full strength.

Signals that describe the referring domain (authority of the domain, trust ratio, traffic,
country, repetition) are computed once per domain in Python (`domain_*` functions); signals of
the page and the link itself are SQL expressions over `links` (`page_signal_sql`), evaluated
for all links in one statement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from linkdesk.core.scoring.model import Model
from linkdesk.core.scoring.words import GLOBAL_COUNTRY_TLDS

FULL = 1000  # a signal at full strength, in thousandths

# Vendor metrics are 0-100 but not alike: a Trust Flow of 50 is as rare as a Domain Rating of
# 80. Each metric is scaled so that its "excellent" value reaches full strength.
DOMAIN_REFERENCES: dict[str, float] = {
    "domain_rating": 80,  # Ahrefs DR
    "trust_flow": 50,  # Majestic TF
    "domain_authority": 80,  # Moz DA
}
PAGE_REFERENCES: dict[str, float] = {
    "url_rating": 40,  # Ahrefs UR
    "page_authority": 50,  # Moz PA
    "page_ascore": 60,  # Semrush page Authority Score
}
DOMAIN_SHARE = 0.7  # the domain's authority counts 70 %, the page's 30 %, when both are known
AUTHORITY_NEUTRAL = 300  # a typical link's combined authority (30/100) moves nothing
TRUST_MIN_CITATION = 5  # below this Citation Flow the TF/CF ratio is noise
TRUST_NEUTRAL, TRUST_SPAN = 0.5, 0.3  # TF/CF 0.5 and up is neutral, 0.2 and down -full
TRAFFIC_FULL_LOG = 6.0  # 1,000,000 visits a month: full strength
TRAFFIC_NEUTRAL = 333  # 100 visits a month (log 2 of 6) is neutral
PAGE_TRAFFIC_FULL_LOG = 4.0  # 10,000 visits a month to the page itself: full strength
PAGE_LINKS_NEUTRAL = 50  # external links on a page: 50 neutral, 500 full penalty
PAGE_LINKS_FULL = 500
PAGE_LINKS_BONUS = 300  # an uncrowded page (5 links or fewer) earns at most 0.3
REPETITION_FULL_LOG = 3.0  # 1,000 links from one site: the full penalty for many links
REPETITION_LINKS_PART = 267  # ... which is 8 of the signal's 30 points
REACH_PER_DOUBLING = 333  # each doubling of the project's sites a domain links to: 10 points
AGE_FULL_DAYS = 365  # a link a year old is established
DOFOLLOW_VALUE = 250  # a followed link: +0.25; nofollow/ugc/sponsored: -1
RELEVANCE_PARTS = {"title": 500, "url": 300, "anchor": 200}
MARKET_PARTS = {"language": 200, "country": 800}
# The market of a project whose sites have generic TLDs and no market set: the English-speaking
# countries (Ahrefs and Semrush default to the US database).
DEFAULT_MARKET = frozenset({"us", "gb", "ca", "au", "nz", "ie"})


@dataclass(frozen=True)
class SignalInfo:
    """What a signal reads and why it counts (documented in docs/scoring.md)."""

    columns: tuple[str, ...]
    why: str


SIGNAL_INFO: dict[str, SignalInfo] = {
    "authority": SignalInfo(
        ("domain_rating", "trust_flow", "domain_authority", "url_rating", "page_authority",
         "page_ascore"),
        "Authority passes through links; each vendor's metric scaled to one 0-100 scale, "
        "the domain's and the page's combined.",
    ),
    "trust": SignalInfo(
        ("trust_flow", "citation_flow"),
        "Many links but little trust (low TF/CF) is how bought or automated links look.",
    ),
    "traffic": SignalInfo(
        ("domain_traffic",), "A site people visit is a site search engines value."
    ),
    "page_traffic": SignalInfo(
        ("page_traffic",), "A page with its own search traffic sends visitors and value."
    ),
    "follow": SignalInfo(
        ("nofollow", "ugc", "sponsored"), "nofollow, ugc and sponsored links pass little value."
    ),
    "image": SignalInfo(("image",), "An image link carries no anchor text, only alt text."),
    "redirect": SignalInfo(("redirect",), "A redirected link passes value less reliably."),
    "frame_form": SignalInfo(
        ("frame", "form"), "Links inside frames or forms are barely links for search engines."
    ),
    "relevance": SignalInfo(
        ("title", "source_url", "anchor"),
        "A link from a page about the client's topic is worth more than an off-topic one.",
    ),
    "market": SignalInfo(
        ("language", "domain"),
        "A link from the client's language and country counts more; with no market set, the "
        "market is the countries of the project's sites' TLDs (English-speaking countries for "
        "sites on generic TLDs), so a country site elsewhere counts less.",
    ),
    "page_links": SignalInfo(
        ("external_links", "title", "source_url"),
        "Value is shared among a page's links; crowded pages give little, and lists of sites "
        "or pages made for the linked site give nothing.",
    ),
    "repetition": SignalInfo(
        ("domain", "source_host", "target_url"),
        "The second and thousandth link from one site add little: value is per site. A site "
        "linking to several of the project's sites is a directory, a scraper or a seller more "
        "often than an editor: each doubling of those sites costs a third of the signal.",
    ),
    "sitewide": SignalInfo(
        ("sitewide", "target_url", "domain"),
        "Footer and blogroll links repeat on every page and are discounted.",
    ),
    "lost": SignalInfo(("lost",), "A lost link gives nothing any more (until reclaimed)."),
    "age": SignalInfo(("first_seen",), "A link that has stood for a year is an established one."),
    "stale": SignalInfo(
        ("last_seen", "lost"), "Not seen for months: the link may be gone without being marked."
    ),
}


# -- per-domain values (Python) ---------------------------------------------------------------


def _number(value: object) -> float | None:
    """A metric as a number; None when missing or not a number (a text or blob that an edited
    project file put in a REAL column counts as missing)."""
    return value if isinstance(value, (int, float)) else None


def _scaled(value: float | None, reference: float) -> float | None:
    value = _number(value)
    return None if value is None else min(float(FULL), max(0.0, value) * FULL / reference)


def domain_authority(metrics: dict[str, float | None]) -> int | None:
    """The domain's authority 0-1000: the mean of its scaled DR, TF and DA that are known."""
    known = [
        scaled for name, reference in DOMAIN_REFERENCES.items()
        if (scaled := _scaled(metrics.get(name), reference)) is not None
    ]
    return round(sum(known) / len(known)) if known else None


def domain_trust(trust_flow: float | None, citation_flow: float | None) -> int:
    """TF/CF ratio as a penalty: 0.5 or more neutral, 0.2 or less -1000.

    Only a low ratio says something (many links, little trust); a high one earned a bonus
    once, which made a domain's quality depend on whether Majestic reported it.
    """
    trust_flow, citation_flow = _number(trust_flow), _number(citation_flow)
    if trust_flow is None or citation_flow is None or citation_flow < TRUST_MIN_CITATION:
        return 0
    ratio = trust_flow / citation_flow
    return round(max(-1.0, min(0.0, (ratio - TRUST_NEUTRAL) / TRUST_SPAN)) * FULL)


def domain_traffic(traffic: float | None) -> int | None:
    """Monthly organic traffic on a log scale; None when unknown (neutral)."""
    traffic = _number(traffic)
    if traffic is None:
        return None
    strength = min(1.0, math.log10(1 + max(0.0, traffic)) / TRAFFIC_FULL_LOG)
    return round(strength * FULL) - TRAFFIC_NEUTRAL


def site_repetition(links: int, sites: int = 1) -> int:
    """The penalty for many links from one site and for links to many of the project's sites.

    Many links: 0 for one link, -267 (8 of the default 30 points) from 1,000 links. Reach: -333
    (10 points) for each doubling of the project's sites the domain links to. Within -1000.
    """
    many = min(1.0, math.log10(max(1, links)) / REPETITION_FULL_LOG) * REPETITION_LINKS_PART
    reach = math.log2(max(1, sites)) * REACH_PER_DOUBLING
    return -round(min(float(FULL), many + reach))


def site_footer(links: int, top_target_links: int, model: Model) -> bool:
    """Footer/blogroll pattern: many links from one site, nearly all to the same page."""
    detection = model.detection
    return (
        links >= detection["sitewide_min_links"]
        and top_target_links >= links * detection["sitewide_target_share"]
    )


def country_code(domain: str) -> str | None:
    """The country of a domain's top-level domain (`uk` -> `gb`), None for generic ones and
    for country TLDs used worldwide (`.io`, `.co`, `.tv`: words.GLOBAL_COUNTRY_TLDS)."""
    tld = domain.rsplit(".", 1)[-1]
    if len(tld) != 2 or not tld.isalpha() or tld in GLOBAL_COUNTRY_TLDS:
        return None
    return "gb" if tld == "uk" else tld


def market_countries(model: Model) -> frozenset[str]:
    """The market's countries: those set; else those of the project's sites' country TLDs;
    else, for sites on generic TLDs (.com, .org), the English-speaking countries the vendors'
    own databases default to (`DEFAULT_MARKET`)."""
    if model.terms.countries:
        return frozenset(model.terms.countries)
    found = frozenset(
        code for site in model.terms.sites if (code := country_code(site.lower())) is not None
    )
    return found or DEFAULT_MARKET


def domain_country(domain: str, model: Model) -> int:
    """+800 for a country TLD in the project's market, -800 for another country, else 0."""
    code = country_code(domain)
    if code is None:
        return 0
    return MARKET_PARTS["country"] * (1 if code in market_countries(model) else -1)


# -- per-link values (SQL) --------------------------------------------------------------------


def page_authority_sql() -> str:
    """The page's authority 0-1000 (REAL), or NULL: the mean of its scaled UR, PA, ascore."""
    parts = " + ".join(
        f"coalesce(min({FULL}, l.{column} * {FULL / reference!r}), 0)"
        for column, reference in PAGE_REFERENCES.items()
    )
    known = " + ".join(f"(l.{column} IS NOT NULL)" for column in PAGE_REFERENCES)
    return f"(({parts}) / nullif({known}, 0))"


def page_signal_sql(model: Model, as_of_day: float | None, stale_before: str | None) -> dict[
    str, str
]:
    """SQL for each per-link signal value, over the columns `features.py` selects.

    `as_of_day` is the Julian day of the newest data (ages count to it, not to today, so a
    project scores the same whenever it is opened); `stale_before` an ISO date.
    """
    log_neutral = math.log10(PAGE_LINKS_NEUTRAL)
    links_scale = FULL / (math.log10(PAGE_LINKS_FULL) - log_neutral)
    age = (
        "0" if as_of_day is None else
        # coalesce: a text that is no date (an edited file) has no age
        "CASE WHEN first_seen IS NULL THEN 0 ELSE coalesce(" + _rounded(
            f"max(0, min({FULL}, ({as_of_day!r} - julianday(first_seen)) * "
            f"{FULL / AGE_FULL_DAYS!r}))"
        ) + ", 0) END"
    )
    stale = (
        "0" if stale_before is None else
        f"CASE WHEN coalesce(lost, 0) = 0 AND last_seen < '{stale_before}' THEN -{FULL} ELSE 0 END"
    )
    return {
        "authority": (
            "CASE WHEN dom_auth IS NULL AND page_auth IS NULL THEN 0 ELSE " + _rounded(
                f"CASE WHEN page_auth IS NULL THEN dom_auth WHEN dom_auth IS NULL THEN "
                f"page_auth ELSE {DOMAIN_SHARE!r} * dom_auth + {1 - DOMAIN_SHARE!r} * page_auth "
                f"END"
            ) + f" - {AUTHORITY_NEUTRAL} END"
        ),
        "trust": "trust",
        "traffic": "coalesce(traffic, 0)",
        "page_traffic": (
            "CASE WHEN page_traffic IS NULL THEN 0 ELSE " + _rounded(
                f"min({FULL}, log10(1 + max(page_traffic, 0)) * {FULL / PAGE_TRAFFIC_FULL_LOG!r})"
            ) + " END"
        ),
        "follow": (
            f"CASE WHEN coalesce(nofollow, 0) + coalesce(ugc, 0) + coalesce(sponsored, 0) > 0 "
            f"THEN -{FULL} WHEN nofollow IS NULL THEN 0 ELSE {DOFOLLOW_VALUE} END"
        ),
        "image": f"-{FULL} * coalesce(image, 0)",
        "redirect": f"-{FULL} * coalesce(redirect, 0)",
        "frame_form": f"CASE WHEN coalesce(frame, 0) OR coalesce(form, 0) THEN -{FULL} ELSE 0 END",
        "relevance": _relevance_sql(model),
        "market": f"{_language_sql(model)} + country",
        "page_links": (
            f"CASE WHEN list_page OR generated_page THEN -{FULL} "
            "WHEN external_links IS NULL THEN 0 ELSE " + _rounded(
                f"-max(-{PAGE_LINKS_BONUS}, min({FULL}, (log10(max(external_links, 1)) - "
                f"{log_neutral!r}) * {links_scale!r}))"
            ) + " END"
        ),
        "repetition": "repetition",
        "sitewide": f"CASE WHEN footer OR coalesce(sitewide, 0) THEN -{FULL} ELSE 0 END",
        "lost": f"-{FULL} * coalesce(lost, 0)",
        "age": age,
        "stale": stale,
    }


def _rounded(expression: str) -> str:
    """SQL rounding a value between -1000 and 1000 to the nearest integer.

    CAST truncates toward zero, which would turn 999.9999 into 999; shifting the value above
    zero first makes truncation round (round() itself is several times slower).
    """
    return f"(CAST(({expression}) + {FULL + 0.5!r} AS INTEGER) - {FULL})"


def sql_text(value: str) -> str:
    """A string literal for SQL (terms are the user's text)."""
    return "'" + value.replace("'", "''") + "'"


def _relevance_sql(model: Model) -> str:
    # The matching itself is done in Python (matching.py); these are its marks.
    if not any(topic.strip() for topic in model.terms.topics):
        return "0"
    parts = RELEVANCE_PARTS
    return (
        f"(title_topic * {parts['title']} + url_topic * {parts['url']} "
        f"+ anchor_topic * {parts['anchor']})"
    )


def _language_sql(model: Model) -> str:
    languages = model.terms.languages
    if not languages:
        return "0"
    # A language code starting a word: "en" matches "en", "fr, en" and "en-GB", not "slovene".
    words = "(' ' || replace(lower(language), ',', ' '))"
    match = " OR ".join(f"instr({words}, {sql_text(' ' + code)})" for code in languages)
    part = MARKET_PARTS["language"]
    return (
        f"CASE WHEN language IS NULL OR language = '' THEN 0 "
        f"WHEN {match} THEN {part} ELSE -{part} END"
    )
