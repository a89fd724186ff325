"""Generate realistic backlink export files for tests and import benchmarks.

`make_profile` streams a synthetic but realistic backlink profile of one client site as
`LinkRecord` objects; the ``write_*`` functions stream such records into files laid out
exactly like the exports of Ahrefs, Semrush, Majestic, Moz and Google Search Console
(column names and order, encoding, BOM, delimiter, quoting, line ends, boolean and date
spelling), following ``/tmp/formats.md`` and the samples in ``resources/samples/``.

Everything is deterministic: the same ``seed`` gives byte-identical files.  Nothing
depends on the current date; "today" is `EXPORT_DATE`.

Conventions chosen where the vendors leave room:

* Writers never hold all rows in memory, except the Google Search Console writers,
  which aggregate per linking page / site / target page (memory grows with the
  number of distinct source URLs, as GSC's own export is an aggregate).
* Values a `LinkRecord` does not carry (Ahrefs "Referring domains", Moz "Number of
  Domains Linking to Domain", Majestic topics, ...) are derived deterministically from
  the record, so every writer gives the same value for the same record.
* A link counts as *sitewide* (Semrush "Sitewide", Ahrefs "Content" = false) when its
  page has at least `SITEWIDE_INTERNAL_LINKS` internal links; `make_profile` gives
  exactly the pages of its sitewide (footer/blogroll) domains that many.
* Google Search Console: headers translated per `GSC_HEADERS`; dates are ISO
  ``YYYY-MM-DD`` in every language (German Search Console CSVs of the page-indexing
  report were seen with ISO dates under ``Zuletzt gecrawlt``; the Links report is
  assumed to do the same); counts are plain integers without thousands separators;
  UTF-8 without BOM, LF, like ``resources/samples/gsc-latest-links.csv``.

Speed: `make_profile` yields roughly 120-150k records/s on one 2.1 GHz core (records
are built through the slot descriptors, see `_record_builder`); the writers join rows
with ``str.join`` when no field needs quoting and fall back to `csv.writer` otherwise
(`_write_csv`), so the output is byte-for-byte what `csv.writer` would produce.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import gzip
import io
import itertools
import os
import random
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from typing import IO, Any

__all__ = [
    "AHREFS_2019_COLUMNS",
    "AHREFS_COLUMNS",
    "EXPORT_DATE",
    "GENERIC_COLUMNS",
    "GSC_FILE_NAMES",
    "GSC_HEADERS",
    "MAJESTIC_COLUMNS",
    "MOZ_COLUMNS",
    "SEMRUSH_COLUMNS",
    "SEMRUSH_LEGACY_COLUMNS",
    "SITEWIDE_INTERNAL_LINKS",
    "LinkRecord",
    "make_profile",
    "write_ahrefs",
    "write_ahrefs_2019",
    "write_generic",
    "write_gsc_latest",
    "write_gsc_top_sites",
    "write_gsc_zip",
    "write_majestic",
    "write_moz",
    "write_semrush",
]

PathLike = str | os.PathLike[str]

EXPORT_DATE = datetime.date(2026, 11, 20)
"""The fixed "today" of every generated profile and export."""
_EXPORT_ORD = EXPORT_DATE.toordinal()
_DATES_BASE = _EXPORT_ORD - 4_000
_DATES = tuple(datetime.date.fromordinal(o) for o in range(_DATES_BASE, _EXPORT_ORD + 1))

SITEWIDE_INTERNAL_LINKS = 250
"""Pages with at least this many internal links are treated as sitewide (footer) links."""


# --------------------------------------------------------------------------------------
# The record
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """One backlink: a link from ``source_url`` to ``target_url`` with vendor metrics."""

    source_url: str
    target_url: str
    anchor: str = ""
    title: str = ""
    nofollow: bool = False
    ugc: bool = False
    sponsored: bool = False
    image: bool = False
    redirect: bool = False
    first_seen: datetime.date | None = None
    last_seen: datetime.date | None = None
    lost: datetime.date | None = None  # None while the link lives
    domain_rating: float | None = None  # Ahrefs DR 0-100
    url_rating: float | None = None  # Ahrefs UR
    trust_flow: int | None = None  # Majestic TF (source)
    citation_flow: int | None = None  # Majestic CF (source)
    domain_authority: int | None = None  # Moz DA
    page_authority: int | None = None  # Moz PA
    page_ascore: int | None = None  # Semrush
    spam_score: int | None = None  # Moz spam score percent 0-100
    is_spam: bool = False  # Ahrefs "Is spam"
    domain_traffic: int | None = None
    page_traffic: int | None = None
    external_links: int | None = None
    internal_links: int | None = None
    language: str = "en"
    http_code: int = 200


def _record_builder() -> Callable[..., LinkRecord]:
    """Return a positional constructor for `LinkRecord` that is about twice as fast.

    A frozen dataclass ``__init__`` sets every field through ``object.__setattr__``;
    calling the slot descriptors directly gives the same object (there is no
    ``__post_init__``) in half the time, which matters for million-row profiles.
    """
    new = object.__new__
    cls = LinkRecord
    (
        s_source_url, s_target_url, s_anchor, s_title, s_nofollow, s_ugc, s_sponsored,
        s_image, s_redirect, s_first_seen, s_last_seen, s_lost, s_domain_rating,
        s_url_rating, s_trust_flow, s_citation_flow, s_domain_authority, s_page_authority,
        s_page_ascore, s_spam_score, s_is_spam, s_domain_traffic, s_page_traffic,
        s_external_links, s_internal_links, s_language, s_http_code,
    ) = (cls.__dict__[f.name].__set__ for f in fields(cls))

    def build(
        source_url: str, target_url: str, anchor: str, title: str, nofollow: bool,
        ugc: bool, sponsored: bool, image: bool, redirect: bool,
        first_seen: datetime.date | None, last_seen: datetime.date | None,
        lost: datetime.date | None, domain_rating: float | None, url_rating: float | None,
        trust_flow: int | None, citation_flow: int | None, domain_authority: int | None,
        page_authority: int | None, page_ascore: int | None, spam_score: int | None,
        is_spam: bool, domain_traffic: int | None, page_traffic: int | None,
        external_links: int | None, internal_links: int | None, language: str,
        http_code: int,
    ) -> LinkRecord:
        rec = new(cls)
        s_source_url(rec, source_url)
        s_target_url(rec, target_url)
        s_anchor(rec, anchor)
        s_title(rec, title)
        s_nofollow(rec, nofollow)
        s_ugc(rec, ugc)
        s_sponsored(rec, sponsored)
        s_image(rec, image)
        s_redirect(rec, redirect)
        s_first_seen(rec, first_seen)
        s_last_seen(rec, last_seen)
        s_lost(rec, lost)
        s_domain_rating(rec, domain_rating)
        s_url_rating(rec, url_rating)
        s_trust_flow(rec, trust_flow)
        s_citation_flow(rec, citation_flow)
        s_domain_authority(rec, domain_authority)
        s_page_authority(rec, page_authority)
        s_page_ascore(rec, page_ascore)
        s_spam_score(rec, spam_score)
        s_is_spam(rec, is_spam)
        s_domain_traffic(rec, domain_traffic)
        s_page_traffic(rec, page_traffic)
        s_external_links(rec, external_links)
        s_internal_links(rec, internal_links)
        s_language(rec, language)
        s_http_code(rec, http_code)
        return rec

    return build


_build_record = _record_builder()


# --------------------------------------------------------------------------------------
# Vocabulary for hosts, paths, titles and anchors
# --------------------------------------------------------------------------------------

# Two-word host stems ("greenhub", "dailyjournal"); every concatenation is distinct
# (checked in the tests), so a stem identifies its domain.
_STEM_A = (
    "green", "blue", "urban", "smart", "daily", "happy", "bright", "modern", "global",
    "local", "open", "prime", "pure", "wild", "north", "south", "east", "west", "silver",
    "golden", "rapid", "simple", "clever", "quiet", "bold", "fresh", "cozy", "little",
    "big", "first", "next", "old", "real", "good", "great", "home", "city", "metro",
    "tech", "web", "digital", "craft", "maker", "garden", "design", "travel", "food",
    "market", "trade", "media", "studio", "family", "pet", "river", "lake", "forest",
    "ocean", "sunny", "maple", "cedar", "stone", "iron", "copper", "alpine",
)
_STEM_B = (
    "hub", "lab", "zone", "works", "base", "spot", "point", "press", "post", "times",
    "journal", "review", "guide", "insider", "today", "report", "world", "corner",
    "house", "place", "shop", "store", "mart", "link", "line", "wire", "desk", "blog",
    "notes", "talk", "club", "network", "central", "source", "view", "planet", "nation",
    "land", "hq", "pro", "space", "box", "kit", "tools", "gear", "makers", "crafts",
    "living", "life", "trends", "tips", "ideas", "online", "center", "port", "wave",
    "hive", "nest", "den", "yard", "digest", "weekly", "gazette", "chronicle",
)
_STEM_COMBOS = len(_STEM_A) * len(_STEM_B)
_STEM_STEP = 1_999  # coprime with _STEM_COMBOS: spreads consecutive domains over the words

_REGULAR_TLDS = (
    ("com",) * 12 + ("org",) * 3 + ("net",) * 3 + ("co.uk", "co.uk", "io", "ca", "com.au", "nl")
)
_LANG_TLDS = {"de": "de", "fr": "fr", "es": "es", "ja": "jp"}

# Link farms: poison words and spammy TLDs (disjoint from _REGULAR_TLDS).
_SPAM_P = (
    "casino", "poker", "slots", "bet", "pharma", "pills", "viagra", "cialis", "loans",
    "payday", "cash", "crypto", "forex", "seo", "backlinks", "links", "free", "cheap",
    "submit", "directory", "rank", "traffic", "porn", "dating",
)
_SPAM_Q = (
    "bonus", "deals", "online", "hub", "list", "world", "zone", "now", "king", "club",
    "stars", "boost", "base", "spot", "pro", "vip", "express", "mega", "best", "top",
)
_SPAM_COMBOS = len(_SPAM_P) * len(_SPAM_Q)
_SPAM_TLDS = ("xyz", "top", "icu", "tk", "ru", "biz", "cc", "online", "click", "buzz", "info")

# Internationalised host names, written in Unicode.
_IDN_WORDS = (
    ("bücher", "de", "de"), ("müller", "de", "de"), ("möbel", "de", "de"),
    ("grün", "de", "de"), ("küche", "de", "de"), ("straße", "de", "de"),
    ("café", "fr", "fr"), ("crème", "fr", "fr"), ("élégance", "fr", "fr"),
    ("señal", "es", "es"), ("niño", "es", "es"), ("東京", "jp", "ja"),
    ("日本語", "jp", "ja"), ("пример", "рф", "ru"), ("москва", "рф", "ru"),
)
_IDN_SUFFIX = ("", "welt", "haus", "blog", "markt", "shop", "info", "forum")
_IDN_COMBOS = len(_IDN_WORDS) * len(_IDN_SUFFIX)

_IP_FIRST_OCTETS = (
    45, 62, 77, 81, 85, 91, 104, 109, 141, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217,
)

_PLATFORMS = ("blogspot.com", "blogspot.com", "blogspot.com", "wordpress.com", "tumblr.com",
              "weebly.com")

# Page slugs: three words, 48**3 combinations before a numeric suffix is needed.
_SLUG_WORDS = (
    "garden", "review", "guide", "tools", "home", "design", "build", "craft", "maker",
    "news", "tips", "best", "widgets", "workshop", "diy", "ideas", "project", "kitchen",
    "office", "repair", "parts", "supply", "industry", "engineer", "daily", "tech",
    "products", "list", "top", "compare", "buying", "hardware", "metal", "wood", "blue",
    "small", "business", "startup", "makers", "update", "weekly", "roundup", "links",
    "resources", "directory", "suppliers", "local", "spring",
)
_SLUG_TITLE = tuple(w.capitalize() for w in _SLUG_WORDS)
_SLUG_N = len(_SLUG_WORDS)
_SLUG_COMBOS = _SLUG_N**3
_SLUG_STEP = 7_919  # prime, coprime with 48**3

_AUTHORS = ("Jane Miller", "Tom Becker", "Priya Shah", "Lucas Martin", "Ana García",
            "Kenji Sato", "Emma Wilson", "Noah Schmidt")
_LEFT_CONTEXT = ("We recommend", "According to", "Check out", "Source:", "Thanks to",
                 "via", "", "Read the full guide by")
_RIGHT_CONTEXT = ("for more details.", "(opens in a new tab)", "", "and their catalogue.",
                  "— highly recommended.", "if you need parts.")

_TOPICS = (
    "Business/Industrial Goods and Services", "Business/Small Business",
    "Computers/Internet/Web Design and Development", "Shopping/Home and Garden",
    "Recreation/Home Improvement", "Arts/Design", "News/Newspapers", "Society/Issues",
    "Science/Technology", "Regional/Europe", "Reference/Directories",
    "Business/Marketing and Advertising",
)
_SPAM_TOPICS = ("Adult", "Games/Gambling", "Health/Pharmacy", "Business/Financial Services",
                "Computers/Internet/Searching")


def _uniform_table(seed: int, size: int = 256) -> tuple[float, ...]:
    """A fixed table of uniform numbers in [0, 1), the same on every run."""
    draw = random.Random(seed).random
    return tuple(draw() for _ in range(size))


# Times of day for Ahrefs time stamps (seconds of the day, formatted).
_TIMES = tuple(
    f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
    for s in (int(r * 86_400) for r in _uniform_table(20261120, 997))
)

# Page-level spreads: URL rating above the domain's floor (in tenths, two thirds of
# them whole numbers) and the page's share of the domain's traffic.
_UR_TENTHS = tuple(
    int(r * r * 250) if k % 3 == 0 else int(r * r * 25) * 10
    for k, r in enumerate(_uniform_table(7))
)
_TRAFFIC_SHARE = tuple(r**4 * 0.05 for r in _uniform_table(8))

_KIND_EDITORIAL = 0
_KIND_ORDINARY = 1
_KIND_PLATFORM = 2
_KIND_FORUM = 3
_KIND_SPAM = 4
_KIND_SITEWIDE = 5
_KIND_IDN = 6
_KIND_IP = 7
_KIND_REDIRECT = 8

# Cumulative probability that a referring domain is of each kind.
_KIND_CUMULATIVE = (
    (0.08, _KIND_EDITORIAL),
    (0.14, _KIND_PLATFORM),
    (0.18, _KIND_FORUM),
    (0.40, _KIND_SPAM),
    (0.404, _KIND_SITEWIDE),
    (0.419, _KIND_IDN),
    (0.429, _KIND_IP),
    (0.444, _KIND_REDIRECT),
    (1.0, _KIND_ORDINARY),
)
_KIND_LIMITS = tuple(limit for limit, _ in _KIND_CUMULATIVE)
_KINDS = tuple(kind for _, kind in _KIND_CUMULATIVE)


def _brand_from_site(site: str) -> str:
    """``acme-widgets.com`` -> ``Acme Widgets``."""
    label = site.split(".")[0]
    return " ".join(part.capitalize() for part in label.replace("_", "-").split("-") if part)


def _weighted(pairs: Iterable[tuple[str, int]]) -> tuple[str, ...]:
    """Expand ``(value, weight)`` pairs into a tuple for O(1) weighted picks."""
    return tuple(value for value, weight in pairs for _ in range(weight))


class _Vocabulary:
    """Targets and anchor tables for one client site."""

    __slots__ = ("anchors_farm", "anchors_image", "anchors_regular", "anchors_sitewide",
                 "brand", "distinct_targets", "targets")

    def __init__(self, site: str) -> None:
        self.brand = brand = _brand_from_site(site)
        base = f"https://{site}/"
        self.targets = _weighted([
            (base, 9),
            (f"{base}widgets/", 3),
            (f"{base}widgets/blue-widget", 3),
            (f"{base}blog/widget-guide", 3),
            (f"{base}about", 2),
        ])
        self.distinct_targets = tuple(dict.fromkeys(self.targets))
        naked_url, naked_domain = base, site
        self.anchors_regular = _weighted([
            (brand, 24), (naked_domain, 8), (naked_url, 7), (f"www.{site}", 2),
            ("click here", 5), ("here", 3), ("website", 4), ("read more", 3),
            ("this site", 2), ("blue widgets", 8), ("buy blue widgets", 3),
            ("best widgets", 3), ("cheap widgets", 2), ("widget supplier", 3),
            (f"{brand} blue widgets", 2), (f"widgets, gadgets & more from {brand}", 1),
            (f'{brand} "Blue" widgets', 1), ("", 6),
        ])
        self.anchors_farm = _weighted([
            ("blue widgets", 18), ("cheap blue widgets", 9), ("buy blue widgets online", 8),
            ("best widgets", 8), ("cheap widgets", 6), ("", 15), (naked_url, 10),
            (naked_domain, 6), (brand, 6), ("online casino", 4), ("cheap viagra", 3),
            ("payday loans", 3), ("click here", 4),
        ])
        self.anchors_sitewide = _weighted([
            (brand, 12), (naked_domain, 4), ("blue widgets", 3), (f"Website by {brand}", 1),
        ])
        self.anchors_image = _weighted([
            ("", 5), (brand, 2), (f"{brand} logo", 3), ("blue widgets", 1),
        ])


def _regular_stem(d: int) -> str:
    """An injective map from a domain number to a host stem (``greenhub``, ``cozyden3``)."""
    block, idx = divmod(d, _STEM_COMBOS)
    idx = idx * _STEM_STEP % _STEM_COMBOS
    stem = _STEM_A[idx % len(_STEM_A)] + _STEM_B[idx // len(_STEM_A)]
    return f"{stem}{block + 1}" if block else stem


def _spam_stem(d: int) -> str:
    """Link-farm stem with a number, e.g. ``casinobonus214`` or ``pharma-vip57``."""
    block, idx = divmod(d, _SPAM_COMBOS)
    idx = idx * 37 % _SPAM_COMBOS
    p = _SPAM_P[idx % len(_SPAM_P)]
    q = _SPAM_Q[idx // len(_SPAM_P)]
    number = 3 + block + idx * 131 % 900
    return f"{p}-{q}{number}" if idx % 3 == 0 else f"{p}{q}{number}"


def _idn_host(d: int) -> tuple[str, str]:
    """Unicode host (``bücher.de``, ``müller-haus.de``) and its language."""
    block, idx = divmod(d, _IDN_COMBOS)
    word, tld, lang = _IDN_WORDS[idx % len(_IDN_WORDS)]
    suffix = _IDN_SUFFIX[idx // len(_IDN_WORDS)]
    stem = f"{word}-{suffix}" if suffix else word
    return (f"{stem}{block + 1}.{tld}" if block else f"{stem}.{tld}"), lang


def _ip_host(d: int) -> str:
    """An injective map from a domain number to a public-looking IPv4 address."""
    block, first = divmod(d, len(_IP_FIRST_OCTETS))
    x = (block * 40_503 + 12_345) % 65_536  # a bijection on 16 bits
    last = 1 + (x * 7 + (block >> 16)) % 254
    return f"{_IP_FIRST_OCTETS[first]}.{x >> 8}.{x & 255}.{last}"


def _links_count(rng: random.Random, scale: float, alpha: float, cap: int) -> int:
    """Heavy-tailed (Pareto) number of links, softly capped: no pile-up at ``cap``."""
    count = int(scale * rng.paretovariate(alpha))
    if count > cap:
        count = int(cap * (0.4 + 0.6 * rng.random()))
    return max(1, count)


# --------------------------------------------------------------------------------------
# Profile generation
# --------------------------------------------------------------------------------------


def live_per_page(records: Iterable[LinkRecord]) -> list[LinkRecord]:
    """The records no vendor marks lost (their absence is the only thing that can lose them),
    one per source page (a page's lost link and new link would be a changed target)."""
    pages: set[str] = set()
    kept = []
    for record in records:
        if record.lost is None and record.source_url not in pages:
            pages.add(record.source_url)
            kept.append(record)
    return kept


def make_profile(
    n_links: int, *, site: str = "acme-widgets.com", seed: int = 0, single_share: float = 0.0
) -> Iterator[LinkRecord]:
    """Yield ``n_links`` backlinks of ``site`` lazily, deterministically for ``seed``.

    The profile is grouped by referring domain.  Links per domain follow a heavy-tailed
    distribution: most domains give 1-5 links, link farms and sitewide footer/blogroll
    links give hundreds to tens of thousands (capped at ``max(5, n_links // 25)`` so small
    profiles stay varied).  Domain kinds: authoritative editorial sites (high DR/TF/DA),
    ordinary sites (``www.``/bare/``blog.`` hosts, http and https), blog platforms
    (``name.blogspot.com``), forums (ugc + nofollow), link farms (spammy TLDs, poison
    words, thousands of external links, ``is_spam``), sitewide footer links, a few IDN
    hosts in Unicode (``bücher.de``), a few IP-address hosts and a few 301 redirects.
    Every ``(source_url, target_url)`` pair is unique; targets are a handful of pages
    of ``https://{site}/``; domain metrics (DR, TF, CF, DA, spam score, traffic) are the
    same for all links of a domain.

    ``single_share`` is the chance that a referring domain gives exactly one link
    whatever its kind: near 1 it makes a "wide" profile (a big site, or a negative-SEO
    attack of throw-away domains) with about one referring domain per link.  At 0 (the
    default) no extra random numbers are drawn, so the profile is unchanged.
    """
    if n_links < 0:
        raise ValueError("n_links must be >= 0")
    rng = random.Random(seed)
    vocab = _Vocabulary(site)
    big_cap = max(5, n_links // 25)
    remaining = n_links
    d = 0
    rnd = rng.random
    while remaining > 0:
        kind = _KINDS[bisect.bisect_right(_KIND_LIMITS, rnd())]
        if single_share and rnd() < single_share:
            count = 1
        elif kind == _KIND_EDITORIAL:
            count = _links_count(rng, 1, 2.2, min(20, big_cap))
        elif kind == _KIND_ORDINARY:
            count = _links_count(rng, 1, 1.3, min(300, big_cap))
        elif kind == _KIND_PLATFORM:
            count = _links_count(rng, 1, 1.6, min(100, big_cap))
        elif kind == _KIND_FORUM:
            count = _links_count(rng, 1, 1.1, min(2_000, big_cap))
        elif kind == _KIND_SPAM:
            count = _links_count(rng, 1, 0.9, big_cap)
        elif kind == _KIND_SITEWIDE:
            count = _links_count(rng, 150, 0.9, big_cap)
        elif kind in (_KIND_IDN, _KIND_IP):
            count = _links_count(rng, 1, 1.5, min(30, big_cap))
        else:  # redirect
            count = 1
        count = min(count, remaining)
        yield from _domain_links(rng, vocab, kind, d, count)
        remaining -= count
        d += 1


def _language(u: float) -> str:
    """Language of a referring domain (Ahrefs joins several with ``", "``)."""
    if u < 0.85:
        return "en"
    if u < 0.91:
        return "de"
    if u < 0.94:
        return "fr"
    if u < 0.97:
        return "es"
    if u < 0.985:
        return "ja"
    return "en, fr"


# Path styles (chosen per domain, so a site's URLs look alike).
_PATH_FARM, _PATH_FORUM, _PATH_SITEWIDE, _PATH_PLATFORM = 0, 1, 2, 3
_PATH_BLOG, _PATH_DATED, _PATH_ARTICLES, _PATH_PLAIN = 4, 5, 6, 7


def _domain_links(
    rng: random.Random, vocab: _Vocabulary, kind: int, d: int, count: int
) -> Iterator[LinkRecord]:
    """Yield exactly ``count`` links from referring domain number ``d`` of ``kind``."""
    rnd = rng.random
    export_ord = _EXPORT_ORD

    # ---- domain-level properties (shared by all links of the domain) -----------------
    lang = _language(rnd())
    https = rnd() < 0.85
    second_host = ""
    homepage_first = rnd() < 0.2
    path_style = _PATH_BLOG + int(rnd() * 4)
    multi_p, image_p, ugc_p, sponsored_p, lost_p, is_spam_p = 0.12, 0.05, 0.0, 0.02, 0.25, 0.0
    nofollow_p = 0.25
    anchors = vocab.anchors_regular
    int_cap = SITEWIDE_INTERNAL_LINKS - 1
    dr: float
    tf: int | None
    cf: int | None
    da: int | None
    traffic: int | None

    if kind in (_KIND_SPAM, _KIND_IP):
        if kind == _KIND_SPAM:
            stem = _spam_stem(d)
            host = f"{stem}.{_SPAM_TLDS[d % len(_SPAM_TLDS)]}"
            if rnd() < 0.3:
                host = "www." + host
            https = rnd() < 0.5
            name = stem.replace("-", " ").capitalize()
            dr = round(rnd() * 15, 1)
            tf, cf = int(rnd() ** 2 * 8), 5 + int(rnd() * 30)
            da, spam = 1 + int(rnd() * 14), 40 + int(rnd() * 60)
            traffic = int(rnd() ** 3 * 60)
            ext_base, int_base = 300 + int(rnd() ** 2 * 5_000), 2 + int(rnd() * 40)
            homepage_first = rnd() < 0.6
            lang = "en" if rnd() < 0.8 else "ru"
            is_spam_p, lost_p, multi_p = 0.85, 0.45, 0.3
        else:
            host = name = _ip_host(d)
            https = False
            dr, tf, cf = round(rnd() * 5, 1), int(rnd() * 3), int(rnd() * 15)
            da, spam, traffic = 1 + int(rnd() * 5), 50 + int(rnd() * 45), 0
            ext_base, int_base = 100 + int(rnd() * 2_000), int(rnd() * 10)
            homepage_first = True
            is_spam_p, lost_p = 0.6, 0.5
        ascore, nofollow_p = int(rnd() * 6), 0.08
        anchors = vocab.anchors_farm
        path_style = _PATH_FARM
    elif kind == _KIND_IDN:
        host, lang = _idn_host(d)
        name = host.split(".")[0].replace("-", " ").title()
        dr, tf = float(5 + int(rnd() * 40)), 3 + int(rnd() * 25)
        cf, da, spam = tf + int(rnd() * 15), 5 + int(rnd() * 40), int(rnd() * 20)
        traffic = int(rnd() ** 2 * 20_000)
        ext_base, int_base = 10 + int(rnd() * 60), 20 + int(rnd() * 150)
        ascore = 5 + int(rnd() * 40)
    elif kind == _KIND_PLATFORM:
        stem = _regular_stem(d)
        name = stem.capitalize()
        host = f"{stem}.{_PLATFORMS[d % len(_PLATFORMS)]}"
        https = True
        dr, tf = round(rnd() * 35, 1), int(rnd() * 20)
        cf, da, spam = tf + int(rnd() * 15), 1 + int(rnd() * 30), int(rnd() * 45)
        traffic = int(rnd() ** 3 * 5_000)
        ext_base, int_base, ascore = 5 + int(rnd() * 80), 10 + int(rnd() * 100), int(rnd() * 30)
        nofollow_p, is_spam_p = 0.35, 0.05
        path_style = _PATH_PLATFORM
        homepage_first = False
    else:
        stem = _regular_stem(d)
        name = stem.capitalize()
        tld = _LANG_TLDS.get(lang) if rnd() < 0.7 else None
        tld = tld or _REGULAR_TLDS[d % len(_REGULAR_TLDS)]
        u = rnd()
        prefix = "www." if u < 0.55 else "" if u < 0.9 else "news." if u < 0.94 else (
            "en." if lang.startswith("en") else "blog."
        )
        host = f"{prefix}{stem}.{tld}"
        if rnd() < 0.08:
            second_host = f"blog.{stem}.{tld}"
        if kind == _KIND_EDITORIAL:
            https = rnd() < 0.97
            dr, tf = float(60 + int(rnd() * 36)), 25 + int(rnd() * 45)
            cf, da, spam = tf + int(rnd() * 20), 55 + int(rnd() * 41), int(rnd() * 4)
            traffic = 50_000 + int(rnd() ** 3 * 5_000_000)
            ext_base, int_base = 5 + int(rnd() * 60), 60 + int(rnd() * 150)
            ascore = 30 + int(rnd() * 50)
            nofollow_p, sponsored_p, lost_p, multi_p = 0.2, 0.05, 0.1, 0.05
        elif kind == _KIND_FORUM:
            host = f"forum.{stem}.{tld}" if rnd() < 0.6 else f"{stem}forum.{tld}"
            second_host = ""
            dr, tf = float(20 + int(rnd() * 50)), 10 + int(rnd() * 30)
            cf, da, spam = tf + int(rnd() * 15), 20 + int(rnd() * 50), int(rnd() * 25)
            traffic = int(rnd() ** 2 * 200_000)
            ext_base, int_base = 10 + int(rnd() * 40), 80 + int(rnd() * 160)
            ascore = 10 + int(rnd() * 40)
            nofollow_p, ugc_p, lost_p = 0.95, 0.9, 0.3
            path_style = _PATH_FORUM
            homepage_first = False
        elif kind == _KIND_SITEWIDE:
            dr, tf = float(10 + int(rnd() * 40)), 5 + int(rnd() * 25)
            cf, da, spam = tf + int(rnd() * 20), 10 + int(rnd() * 40), int(rnd() * 30)
            traffic = int(rnd() ** 2 * 30_000)
            ext_base, ascore = 10 + int(rnd() * 50), 5 + int(rnd() * 30)
            int_base = SITEWIDE_INTERNAL_LINKS + int(rnd() * 600)
            int_cap = int_base
            nofollow_p = 0.1 if rnd() < 0.8 else 0.95
            lost_p, image_p, multi_p = 0.2, 0.01, 0.0
            anchors = vocab.anchors_sitewide
            path_style = _PATH_SITEWIDE
            homepage_first = True
        elif kind == _KIND_REDIRECT:
            host = f"{stem}.net"
            second_host = ""
            https = rnd() < 0.5
            dr, tf = float(10 + int(rnd() * 30)), 5 + int(rnd() * 20)
            cf, da, spam = tf + int(rnd() * 10), 10 + int(rnd() * 30), int(rnd() * 10)
            traffic = int(rnd() ** 3 * 2_000)
            ext_base, int_base, ascore = 1, 0, 5 + int(rnd() * 20)
            nofollow_p, lost_p, image_p, multi_p = 0.0, 0.15, 0.0, 0.0
            homepage_first = True
        else:  # ordinary
            dr = round(5 + rnd() * 55, 1) if rnd() < 0.3 else float(5 + int(rnd() * 55))
            tf = 3 + int(rnd() * 32)
            cf, da, spam = tf + int(rnd() * 20), 8 + int(rnd() * 47), int(rnd() * 30)
            traffic = int(rnd() ** 3 * 20_000)
            ext_base, int_base = 10 + int(rnd() * 120), 5 + int(rnd() * 190)
            ascore = 3 + int(rnd() * 40)
            ugc_p, is_spam_p = 0.03, 0.02

    # Not every vendor knows every domain.
    if rnd() < 0.03:
        tf = cf = None
    if rnd() < 0.03:
        da = None
    if rnd() < 0.05:
        traffic = None
    is_spam = rnd() < is_spam_p
    scheme = "https://" if https else "http://"
    origin = scheme + host
    origin2 = scheme + second_host if second_host else ""
    title_suffix = f" | {name}"
    fs_start = export_ord - 3_800 + int(rnd() * 3_400)  # first linked 2016-2025
    fs_span = max(1, export_ord - 25 - fs_start)
    targets = vocab.targets
    n_targets = len(targets)
    distinct = vocab.distinct_targets
    n_distinct = len(distinct)
    homepage = targets[0]
    image_anchors = vocab.anchors_image
    n_anchors = len(anchors)
    n_image_anchors = len(image_anchors)
    redirect = kind == _KIND_REDIRECT
    live_code = 301 if redirect else 200
    slug_off = int(rnd() * _SLUG_COMBOS)
    # Page metrics vary by page; they are picked from module-level tables by the
    # (pseudo-random) page number, which is much cheaper than drawing them.
    ur_tenths = 0 if path_style == _PATH_FARM else int(dr / 3) * 10
    ext_half = ext_base // 2 + 1
    int_half = max(1, min(int_base // 2, int_cap - int_base) + 1)
    pa_base = 1 + (da or 10) // 2
    dates = _DATES
    date_base = _DATES_BASE
    build = _build_record
    words_t, words_s = _SLUG_TITLE, _SLUG_WORDS
    n_words, combos, step = _SLUG_N, _SLUG_COMBOS, _SLUG_STEP

    # ---- pages, each with one to three links -----------------------------------------
    emitted = 0
    i = 0
    while emitted < count:
        if i == 0 and homepage_first:
            x = slug_off
            path = "/"
            title = name if path_style == _PATH_FARM else "" if redirect else f"{name} - Home"
            page_targets: tuple[str, ...] = (homepage,)
        else:
            # Slug and numbers derive from i, so paths never repeat within the domain.
            x = (i * step + slug_off) % combos
            a, b, c = x % n_words, x // n_words % n_words, x // (n_words * n_words)
            slug = f"{words_s[a]}-{words_s[b]}-{words_s[c]}"
            if i >= combos:
                slug = f"{slug}-{i // combos + 1}"
            words = f"{words_t[a]} {words_t[b]} {words_t[c]}"
            title = words + title_suffix
            if path_style >= _PATH_BLOG:
                if path_style == _PATH_BLOG:
                    path = f"/blog/{slug}"
                elif path_style == _PATH_DATED:
                    path = f"/{2016 + i % 10}/{1 + x % 12:02d}/{slug}/"
                elif path_style == _PATH_ARTICLES:
                    path = f"/articles/{slug}.html"
                else:
                    path = f"/{slug}?ref=rss" if i % 7 == 3 else f"/{slug}"
                if x % 53 == 0:
                    title = f'"{words}", reviewed{title_suffix}'
                elif x % 89 == 0:
                    title = ""
            elif path_style == _PATH_FARM:
                v = x % 3
                path = f"/?p={i * 7 + 13}" if v == 0 else f"/links/{i}.html" if v == 1 else (
                    f"/directory/{slug}"
                )
                title = f"{_SPAM_P[x % len(_SPAM_P)].capitalize()} {words_s[b]} {i}"
                if x % 211 == 7:
                    title += "\x13"  # raw control characters occur in real exports
            elif path_style == _PATH_SITEWIDE:
                path = f"/page/{i}/" if i % 5 == 0 else f"/category/{slug}/"
            elif path_style == _PATH_FORUM:
                path = (
                    f"/threads/{slug}.{10_000 + i}/" if x % 2 else f"/showthread.php?t={20_000 + i}"
                )
                title = f"{words} - {name} Forum"
            else:  # blog platform
                path = f"/{2016 + i % 10}/{1 + x % 12:02d}/{slug}.html"
                title = words
            if multi_p and rnd() < multi_p:
                j = int(rnd() * n_distinct)
                page_targets = tuple(distinct[(j + k) % n_distinct] for k in range(2 + (x & 1)))
            elif path_style == _PATH_SITEWIDE:
                page_targets = (homepage,)
            else:
                page_targets = (targets[int(rnd() * n_targets)],)
        source = origin2 + path if origin2 and i % 4 == 1 else origin + path
        i += 1

        ur = (ur_tenths + _UR_TENTHS[x & 255]) / 10
        page_traffic = None if traffic is None else int(traffic * _TRAFFIC_SHARE[(x >> 8) & 255])
        ext = ext_base + x % ext_half
        internal = int_base + (x >> 2) % int_half
        page_ascore = ascore + (x >> 3) % 8
        pa = pa_base + (x >> 5) % 10
        page_ord = fs_start + int(rnd() * fs_span) - date_base

        for target in page_targets:
            if emitted == count:
                break
            r = rnd()
            if r < image_p:
                image = True
                anchor = image_anchors[int(rnd() * n_image_anchors)]
            else:
                image = False
                anchor = "" if redirect else anchors[int(rnd() * n_anchors)]
            first = page_ord + int(r * 20)
            r = rnd()
            if r < lost_p:
                lost = last = dates[first + 1 + int(rnd() * (export_ord - date_base - first - 1))]
                code = 404 if r < lost_p * 0.4 else 301 if r < lost_p * 0.6 else live_code
            else:
                lost = None
                last = dates[max(first, export_ord - date_base - int(r * r * r * 45))]
                code = live_code
            r = rnd()
            yield build(
                source, target, anchor, title, r < nofollow_p,
                ugc_p > 0.0 and rnd() < ugc_p, r > 1.0 - sponsored_p, image, redirect,
                dates[first], last, lost, dr, ur, tf, cf, da, pa, page_ascore, spam,
                is_spam, traffic, page_traffic, ext, internal, lang, code,
            )
            emitted += 1


# --------------------------------------------------------------------------------------
# Writer helpers
# --------------------------------------------------------------------------------------

_TF = ("false", "true")
_YES_NO = ("No", "Yes")
_FLAG = ("", "+")


def _num(value: float | None) -> str:
    """Format a rating the way the vendors do: ``30`` or ``4.2``; None -> empty."""
    if value is None:
        return ""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


class _NumText(dict[float | None, str]):
    """Memo of `_num` (ratings repeat a lot; a dict hit is much cheaper)."""

    def __missing__(self, value: float | None) -> str:
        text = self[value] = _num(value)
        return text


class _DayText(dict[datetime.date | None, str]):
    """Memo of ``date.isoformat()``; None -> empty."""

    def __missing__(self, value: datetime.date | None) -> str:
        text = self[value] = "" if value is None else value.isoformat()
        return text


def _open_text(path: PathLike, encoding: str, bom: bool = False) -> IO[str]:
    """Open ``path`` for writing text with universal newlines off (csv sets line ends)."""
    handle = open(path, "w", encoding=encoding, newline="")  # noqa: SIM115
    if bom:
        handle.write("\ufeff")
    return handle


def _target_flow(target: str, cache: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """Majestic citation/trust flow of a target page (stable per URL)."""
    flows = cache.get(target)
    if flows is None:
        homepage = target.count("/") <= 3
        tf = 22 if homepage else 8 + len(target) % 11
        flows = cache[target] = (tf + 9, tf)
    return flows


def _is_sitewide(rec: LinkRecord) -> bool:
    return (rec.internal_links or 0) >= SITEWIDE_INTERNAL_LINKS


def _page_refdomains(rec: LinkRecord) -> int:
    ur = rec.url_rating or 0.0
    return int(ur * ur * 0.8) + len(rec.source_url) % 7


def _host_of(url: str) -> str:
    """Host of an absolute URL, lower-cased, without port or credentials."""
    rest = url.split("://", 1)[-1]
    for stop in "/?#":
        rest = rest.split(stop, 1)[0]
    return rest.rsplit("@", 1)[-1].split(":", 1)[0].lower()


def _write_csv(
    handle: IO[str],
    header: Iterable[str],
    rows: Iterable[Iterable[Any]],
    *,
    delimiter: str = ",",
    quote_all: bool = False,
    lineterminator: str = "\n",
) -> int:
    """Write ``header`` and ``rows`` exactly as `csv.writer` would; return the row count.

    Rows are streamed.  A row whose fields hold no quote, delimiter, line break or None
    is written with one ``str.join`` (several times faster than `csv.writer`, whose
    output it equals for such rows); any other row goes through `csv.writer` itself.
    """
    header = tuple(header)
    strings = True  # rows made of str only (joined without map(str))
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(handle, delimiter=delimiter, quoting=quoting, lineterminator=lineterminator)
    writer.writerow(header)
    writerow = writer.writerow
    write = handle.write
    n_sep = len(header) - 1
    count = 0
    if quote_all:
        sep = f'"{delimiter}"'
        for row in rows:
            if strings:
                try:
                    body = sep.join(row)
                except TypeError:
                    strings = False
                    body = sep.join(map(str, row))
            else:
                body = sep.join(map(str, row))
            if body.count('"') != 2 * n_sep or "None" in body:
                writerow(row)
            else:
                write(f'"{body}"{lineterminator}')
            count += 1
    else:
        for row in rows:
            if strings:
                try:
                    line = delimiter.join(row)
                except TypeError:
                    strings = False
                    line = delimiter.join(map(str, row))
            else:
                line = delimiter.join(map(str, row))
            if (
                not line  # csv writes a lone empty field as ""
                or line.count(delimiter) != n_sep
                or '"' in line
                or "\n" in line
                or "\r" in line
                or "None" in line
            ):
                writerow(row)
            else:
                write(line + lineterminator)
            count += 1
    return count


# --------------------------------------------------------------------------------------
# Ahrefs
# --------------------------------------------------------------------------------------

AHREFS_COLUMNS: tuple[str, ...] = (
    "Referring page title", "Referring page URL", "Language", "Platform",
    "Referring page HTTP code", "Domain rating", "UR", "Domain traffic", "Referring domains",
    "Linked domains", "External links", "Page traffic", "Keywords", "Target URL",
    "Left context", "Anchor", "Right context", "Redirect Chain URLs",
    "Redirect Chain status codes", "Type", "Is spam", "Content", "Nofollow", "UGC",
    "Sponsored", "Rendered", "Raw", "Lost status", "Drop reason", "Discovered status",
    "First seen", "Last seen", "Lost", "Author", "Page type", "Page category",
    "Links in group",
)

AHREFS_2019_COLUMNS: tuple[str, ...] = (
    "#", "Domain Rating", "URL Rating (desc)", "Referring Domains", "Referring Page URL",
    "Referring Page Title", "Internal Links Count", "External Links Count", "Link URL",
    "TextPre", "Link Anchor", "TextPost", "Type", "Backlink Status", "First Seen",
    "Last Check", "Day Lost", "Language", "Traffic", "Keywords", "Js rendered",
    "Linked Domains",
)


def _ahrefs_lost_status(rec: LinkRecord) -> str:
    if rec.lost is None:
        return ""
    code = rec.http_code
    if code >= 400:
        return "pageerror"
    if 300 <= code < 400 and not rec.redirect:
        return "pageredirected"
    return "removedfromhtml"


def _ahrefs_rows(records: Iterable[LinkRecord]) -> Iterator[list[Any]]:
    tf = _TF
    num = _NumText()
    day = _DayText()
    times, n_times = _TIMES, len(_TIMES)
    left, n_left = _LEFT_CONTEXT, len(_LEFT_CONTEXT)
    right, n_right = _RIGHT_CONTEXT, len(_RIGHT_CONTEXT)
    authors, n_authors = _AUTHORS, len(_AUTHORS)
    sitewide_at = SITEWIDE_INTERNAL_LINKS
    group = ("1", "2", "3", "4", "5")
    for rec in records:
        src = rec.source_url
        title = rec.title
        anchor = rec.anchor
        salt = len(src)
        ext = rec.external_links
        page_traffic = rec.page_traffic
        domain_traffic = rec.domain_traffic
        rendered = salt % 13 == 0
        is_spam = rec.is_spam
        dated = "/20" in src
        ur = rec.url_rating or 0.0
        first = rec.first_seen
        last = rec.last_seen
        lost = rec.lost
        last_time = times[(salt * 3 + len(title)) % n_times]
        if rec.redirect:
            chain, chain_codes = f"{src}, {rec.target_url}", "301, 200"
        else:
            chain = chain_codes = ""
        yield [
            title,
            src,
            rec.language,
            "wordpress" if dated and not is_spam else "",
            str(rec.http_code),
            num[rec.domain_rating],
            num[rec.url_rating],
            "" if domain_traffic is None else str(domain_traffic),
            str(int(ur * ur * 0.8) + salt % 7),
            "" if ext is None else str(ext // 3 + 1),
            "" if ext is None else str(ext),
            "" if page_traffic is None else str(page_traffic),
            "" if page_traffic is None else str(page_traffic // 3 + (page_traffic > 0)),
            rec.target_url,
            left[salt % n_left],
            anchor,
            right[len(anchor) % n_right],
            chain,
            chain_codes,
            "image" if rec.image else "text",
            tf[is_spam],
            tf[(rec.internal_links or 0) < sitewide_at and not is_spam and title != ""],
            tf[rec.nofollow],
            tf[rec.ugc],
            tf[rec.sponsored],
            tf[rendered or salt % 13 == 1],
            tf[not rendered],
            "" if lost is None else _ahrefs_lost_status(rec),
            "",
            "linkrestored" if salt % 29 == 0 else "pagefound" if salt % 7 == 0 else "linkfound",
            "" if first is None else f"{day[first]} {times[(salt + len(anchor)) % n_times]}",
            "" if last is None else f"{day[last]} {last_time}",
            "" if lost is None else f"{day[lost]} {last_time}",
            authors[salt % n_authors] if dated and salt % 3 == 0 else "",
            "Article" if src.count("/") > 3 and not is_spam else "",
            "",
            group[salt % 5],
        ]


def write_ahrefs(path: PathLike, records: Iterable[LinkRecord], *, excel: bool = False) -> int:
    """Write an Ahrefs Site Explorer backlinks export (current 37-column layout).

    ``excel=False``: UTF-8 without BOM, comma, minimal quoting, LF.
    ``excel=True`` ("for Excel"): UTF-16LE with BOM, tab, every field quoted, CRLF.
    Returns the number of data rows written.
    """
    rows = _ahrefs_rows(records)
    if excel:
        with _open_text(path, "utf-16-le", bom=True) as handle:
            return _write_csv(
                handle, AHREFS_COLUMNS, rows, delimiter="\t", quote_all=True, lineterminator="\r\n"
            )
    with _open_text(path, "utf-8") as handle:
        return _write_csv(handle, AHREFS_COLUMNS, rows)


def write_ahrefs_2019(path: PathLike, records: Iterable[LinkRecord]) -> int:
    """Write an older (about 2016-2020) Ahrefs backlinks export.

    UTF-16LE with BOM, tab, all fields quoted, CRLF; dates ``YYYY-MM-DD``; ``Type`` holds
    comma-joined flags (``Nofollow``, ``Image``, ``Redirect``, ``UGC``, ``Sponsored``).
    Returns the number of data rows written.
    """
    num = _NumText()
    day = _DayText()

    def rows() -> Iterator[list[Any]]:
        for number, rec in enumerate(records, 1):
            flags = [
                name
                for name, on in (
                    ("Nofollow", rec.nofollow), ("UGC", rec.ugc), ("Sponsored", rec.sponsored),
                    ("Image", rec.image), ("Redirect", rec.redirect),
                )
                if on
            ]
            ext = rec.external_links
            traffic = rec.domain_traffic
            yield [
                number,
                num[rec.domain_rating],
                num[rec.url_rating],
                _page_refdomains(rec),
                rec.source_url,
                rec.title,
                rec.internal_links,
                ext,
                rec.target_url,
                "",
                rec.anchor,
                "",
                ", ".join(flags),
                "lost" if rec.lost is not None else "",
                day[rec.first_seen],
                day[rec.last_seen],
                day[rec.lost],
                rec.language,
                traffic,
                0 if traffic is None else traffic // 20,
                _TF[len(rec.source_url) % 13 == 0],
                None if ext is None else ext // 3 + 1,
            ]

    with _open_text(path, "utf-16-le", bom=True) as handle:
        return _write_csv(
            handle,
            AHREFS_2019_COLUMNS,
            rows(),
            delimiter="\t",
            quote_all=True,
            lineterminator="\r\n",
        )


# --------------------------------------------------------------------------------------
# Semrush
# --------------------------------------------------------------------------------------

SEMRUSH_COLUMNS: tuple[str, ...] = (
    "Page ascore", "Source title", "Source url", "Target url", "Anchor", "External links",
    "Internal links", "Nofollow", "Sponsored", "Ugc", "Text", "Frame", "Form", "Image",
    "Sitewide", "First seen", "Last seen", "New link", "Lost link",
)

SEMRUSH_LEGACY_COLUMNS: tuple[str, ...] = (
    "Page score", "Page trust score", "Source title", "Source url", "Target url", "Anchor",
    "External links", "Internal links", "Nofollow", "Frame", "Form", "Image", "Sitewide",
    "First seen", "Last seen",
)

_NEW_LINK_DAYS = 30


def write_semrush(path: PathLike, records: Iterable[LinkRecord], *, legacy: bool = False) -> int:
    """Write a Semrush Backlink Analytics backlinks export.

    Current layout (19 columns) or, with ``legacy=True``, the 2016-2019 one (15 columns).
    UTF-8 without BOM, comma, minimal quoting, LF; ``true``/``false``; ``YYYY-MM-DD``.
    "New link" is true for links first seen within 30 days of `EXPORT_DATE`.
    Returns the number of data rows written.
    """
    tf = _TF
    day = _DayText()
    new_since = EXPORT_DATE - datetime.timedelta(days=_NEW_LINK_DAYS)

    def rows() -> Iterator[list[Any]]:
        for rec in records:
            image = rec.image
            first = rec.first_seen
            yield [
                rec.page_ascore,
                rec.title,
                rec.source_url,
                rec.target_url,
                rec.anchor,
                rec.external_links,
                rec.internal_links,
                tf[rec.nofollow],
                tf[rec.sponsored],
                tf[rec.ugc],
                tf[not image and not rec.redirect],
                "false",
                "false",
                tf[image],
                tf[_is_sitewide(rec)],
                day[first],
                day[rec.last_seen],
                tf[first is not None and first >= new_since and rec.lost is None],
                tf[rec.lost is not None],
            ]

    def legacy_rows() -> Iterator[list[Any]]:
        for rec in records:
            score = rec.page_ascore
            if score is None:
                trust = None
            elif rec.trust_flow is None or rec.citation_flow in (None, 0):
                trust = score // 2
            else:
                trust = min(100, score * rec.trust_flow // max(1, rec.citation_flow))
            yield [
                score,
                trust,
                rec.title,
                rec.source_url,
                rec.target_url,
                rec.anchor,
                rec.external_links,
                rec.internal_links,
                tf[rec.nofollow],
                "false",
                "false",
                tf[rec.image],
                tf[_is_sitewide(rec)],
                day[rec.first_seen],
                day[rec.last_seen],
            ]

    with _open_text(path, "utf-8") as handle:
        if legacy:
            return _write_csv(handle, SEMRUSH_LEGACY_COLUMNS, legacy_rows())
        return _write_csv(handle, SEMRUSH_COLUMNS, rows())


# --------------------------------------------------------------------------------------
# Majestic
# --------------------------------------------------------------------------------------

MAJESTIC_COLUMNS: tuple[str, ...] = (
    "Target URL", "Source URL", "Anchor Text", "Source Crawl Date", "Source First Found Date",
    "FlagNoFollow", "FlagImageLink", "FlagRedirect", "FlagFrame", "FlagOldCrawl",
    "FlagAltText", "FlagMention", "SourceCitationFlow", "SourceTrustFlow",
    "TargetCitationFlow", "TargetTrustFlow", "SourceTopicalTrustFlow_Topic_0",
    "SourceTopicalTrustFlow_Value_0", "RefDomainTopicalTrustFlow_Topic_0",
    "RefDomainTopicalTrustFlow_Value_0",
)


def write_majestic(path: PathLike, records: Iterable[LinkRecord], *, compress: bool = False) -> int:
    """Write a Majestic backlinks download (20 columns).

    UTF-8 without BOM, comma, minimal quoting, LF; flags ``+`` for true and empty for
    false; dates ``YYYY-MM-DD``.  ``compress=True`` writes gzip (reproducible: no name
    or time stamp in the header), so ``path`` should end in ``.gz``.
    Returns the number of data rows written.
    """
    flag = _FLAG
    day = _DayText()
    target_cache: dict[str, tuple[int, int]] = {}

    def rows() -> Iterator[list[Any]]:
        for rec in records:
            tf, cf = rec.trust_flow, rec.citation_flow
            target_cf, target_tf = _target_flow(rec.target_url, target_cache)
            if tf is None:
                topic, topic_value = "", None
            else:
                spammy = rec.is_spam or (rec.spam_score or 0) >= 40
                key = tf * 31 + (cf or 0) * 17 + (rec.domain_traffic or 0)
                topics = _SPAM_TOPICS if spammy else _TOPICS
                topic, topic_value = topics[key % len(topics)], max(0, tf - key % 4)
            yield [
                rec.target_url,
                rec.source_url,
                rec.anchor,
                day[rec.last_seen],
                day[rec.first_seen],
                flag[rec.nofollow],
                flag[rec.image],
                flag[rec.redirect],
                "",
                flag[rec.lost is not None],
                flag[rec.image and bool(rec.anchor)],
                "",
                cf,
                tf,
                target_cf,
                target_tf,
                topic,
                topic_value,
                topic,
                topic_value,
            ]

    if compress:
        raw = open(path, "wb")  # noqa: SIM115
        gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0)
        handle: IO[str] = io.TextIOWrapper(gz, encoding="utf-8", newline="")
    else:
        raw = gz = None
        handle = _open_text(path, "utf-8")
    try:
        return _write_csv(handle, MAJESTIC_COLUMNS, rows())
    finally:
        handle.close()
        if gz is not None:
            gz.close()
        if raw is not None:
            raw.close()


# --------------------------------------------------------------------------------------
# Moz
# --------------------------------------------------------------------------------------

MOZ_COLUMNS: tuple[str, ...] = (
    "URL", "Title", "Anchor Text", "Spam Score", "Page Authority", "Domain Authority",
    "Number of Domains Linking to this Page", "Number of Domains Linking to Domain",
    "Origin", "Target URL", "Link Equity", "No Link Equity", "Only rel=nofollow",
    "Only follow", "301",
)


def write_moz(path: PathLike, records: Iterable[LinkRecord]) -> int:
    """Write a Moz inbound-links export: 6 preamble lines, then the 15-column header.

    Preamble: ``Inbound links to <target host>``, ``Exported <EXPORT_DATE>`` and four
    empty lines.  UTF-8 without BOM, comma, LF; ``Yes``/``No``; spam score as ``6%``.
    Returns the number of data rows written.
    """
    iterator = iter(records)
    first = next(iterator, None)
    site = "" if first is None else _host_of(first.target_url)
    yes_no = _YES_NO

    def rows() -> Iterator[list[Any]]:
        for rec in itertools.chain(() if first is None else (first,), iterator):
            spam = rec.spam_score
            pa, da = rec.page_authority, rec.domain_authority
            equity = not (rec.nofollow or rec.ugc or rec.sponsored)
            yield [
                rec.source_url,
                rec.title,
                rec.anchor,
                "" if spam is None else f"{spam}%",
                pa,
                da,
                None if pa is None else pa * pa // 20 + len(rec.source_url) % 5,
                None if da is None else int(3 * 1.16**da) + da,
                "External",
                rec.target_url,
                yes_no[equity],
                yes_no[not equity],
                yes_no[rec.nofollow],
                yes_no[equity],
                yes_no[rec.redirect],
            ]

    handle = _open_text(path, "utf-8")
    with handle:
        handle.write(f"Inbound links to {site}\nExported {EXPORT_DATE.isoformat()}\n\n\n\n\n")
        return _write_csv(handle, MOZ_COLUMNS, rows())


# --------------------------------------------------------------------------------------
# Google Search Console
# --------------------------------------------------------------------------------------

GSC_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "latest_links": ("Linking page", "Last crawled"),
        "top_linking_sites": ("Site", "Linking pages", "Target pages"),
        "top_linked_pages": ("Target page", "Incoming links", "Linking sites"),
    },
    "de": {
        "latest_links": ("Verweisende Seite", "Zuletzt gecrawlt"),
        "top_linking_sites": ("Website", "Verweisende Seiten", "Zielseiten"),
        "top_linked_pages": ("Zielseite", "Eingehende Links", "Verweisende Websites"),
    },
    "fr": {
        "latest_links": ("Page d'origine du lien", "Dernière exploration"),
        "top_linking_sites": ("Site", "Pages d'origine des liens", "Pages cibles"),
        "top_linked_pages": ("Page cible", "Liens entrants", "Sites d'origine des liens"),
    },
    "es": {
        "latest_links": ("Página que enlaza", "Último rastreo"),
        "top_linking_sites": ("Sitio", "Páginas que enlazan", "Páginas de destino"),
        "top_linked_pages": ("Página de destino", "Enlaces entrantes", "Sitios que enlazan"),
    },
    "ja": {
        "latest_links": ("リンク元のページ", "前回のクロール"),
        "top_linking_sites": ("サイト", "リンクしているページ", "ターゲット ページ"),
        "top_linked_pages": ("ターゲット ページ", "受信リンク", "リンク元のサイト"),
    },
}
"""Search Console Links-report headers: language -> file kind -> column names."""

GSC_FILE_NAMES: dict[str, str] = {
    "latest_links": "Latest links.csv",
    "top_linking_sites": "Top linking sites.csv",
    "top_linked_pages": "Top linked pages.csv",
}
"""File names inside the GSC ZIP (English names for every interface language)."""


def _gsc_headers(lang: str) -> dict[str, tuple[str, ...]]:
    try:
        return GSC_HEADERS[lang]
    except KeyError:
        raise ValueError(f"lang must be one of {sorted(GSC_HEADERS)}, not {lang!r}") from None


def _gsc_site(url: str) -> str:
    host = _host_of(url)
    return host[4:] if host.startswith("www.") else host


def _crawled(rec: LinkRecord) -> datetime.date:
    return rec.last_seen or rec.first_seen or EXPORT_DATE


class _GscAggregate:
    """One pass over the records, collecting what the three GSC files need."""

    __slots__ = ("latest", "page_links", "page_sites", "site_pages", "site_targets")

    def __init__(self, records: Iterable[LinkRecord], *, latest: bool, sites: bool,
                 pages: bool) -> None:
        self.latest: dict[str, datetime.date] = {}
        self.site_pages: dict[str, int] = {}
        self.site_targets: dict[str, set[str]] = {}
        self.page_links: dict[str, int] = {}
        self.page_sites: dict[str, set[str]] = {}
        seen = self.latest
        for rec in records:
            src = rec.source_url
            crawled = _crawled(rec)
            known = seen.get(src)
            if known is None or crawled > known:
                seen[src] = crawled
            if sites or pages:
                site = _gsc_site(src)
                if sites:
                    if known is None:
                        self.site_pages[site] = self.site_pages.get(site, 0) + 1
                    self.site_targets.setdefault(site, set()).add(rec.target_url)
                if pages:
                    target = rec.target_url
                    self.page_links[target] = self.page_links.get(target, 0) + 1
                    self.page_sites.setdefault(target, set()).add(site)
        if not latest:
            self.latest = {}

    def latest_rows(self) -> list[tuple[str, str]]:
        """Newest first, as Search Console lists them."""
        ordered = sorted(self.latest.items(), key=lambda kv: (-kv[1].toordinal(), kv[0]))
        return [(url, day.isoformat()) for url, day in ordered]

    def site_rows(self) -> list[tuple[str, int, int]]:
        rows = [(site, n, len(self.site_targets[site])) for site, n in self.site_pages.items()]
        rows.sort(key=lambda r: (-r[1], r[0]))
        return rows

    def page_rows(self) -> list[tuple[str, int, int]]:
        rows = [(t, n, len(self.page_sites[t])) for t, n in self.page_links.items()]
        rows.sort(key=lambda r: (-r[1], r[0]))
        return rows


def write_gsc_latest(path: PathLike, records: Iterable[LinkRecord], *, lang: str = "en") -> int:
    """Write Search Console "Latest links": ``Linking page,Last crawled`` (translated).

    One row per distinct source URL with its newest ``last_seen`` date (ISO), newest
    first.  UTF-8 without BOM, comma, LF.  Returns the number of data rows written.
    """
    headers = _gsc_headers(lang)
    agg = _GscAggregate(records, latest=True, sites=False, pages=False)
    with _open_text(path, "utf-8") as handle:
        return _write_csv(handle, headers["latest_links"], agg.latest_rows())


def write_gsc_top_sites(path: PathLike, records: Iterable[LinkRecord], *, lang: str = "en") -> int:
    """Write Search Console "Top linking sites": ``Site,Linking pages,Target pages``.

    One row per site (source host without ``www.``): distinct linking pages and distinct
    target pages, most linking pages first.  Returns the number of data rows written.
    """
    headers = _gsc_headers(lang)
    agg = _GscAggregate(records, latest=False, sites=True, pages=False)
    with _open_text(path, "utf-8") as handle:
        return _write_csv(handle, headers["top_linking_sites"], agg.site_rows())


def write_gsc_zip(path: PathLike, records: Iterable[LinkRecord], *, lang: str = "en") -> int:
    """Write a Search Console Links ZIP download.

    Members ``Latest links.csv``, ``Top linking sites.csv`` and ``Top linked pages.csv``
    (names as in `GSC_FILE_NAMES`, headers translated to ``lang``; fixed time stamps, so
    the ZIP is reproducible).  Returns the total number of data rows in all three files.
    """
    headers = _gsc_headers(lang)
    agg = _GscAggregate(records, latest=True, sites=True, pages=True)
    stamp = (EXPORT_DATE.year, EXPORT_DATE.month, EXPORT_DATE.day, 0, 0, 0)
    total = 0
    with zipfile.ZipFile(path, "w") as archive:
        for kind, rows in (
            ("latest_links", agg.latest_rows()),
            ("top_linking_sites", agg.site_rows()),
            ("top_linked_pages", agg.page_rows()),
        ):
            info = zipfile.ZipInfo(GSC_FILE_NAMES[kind], date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as member, io.TextIOWrapper(
                member, encoding="utf-8", newline=""
            ) as handle:
                total += _write_csv(handle, headers[kind], rows)
    return total


# --------------------------------------------------------------------------------------
# A made-up tool that only a column mapping can import
# --------------------------------------------------------------------------------------

GENERIC_COLUMNS: tuple[str, ...] = ("Quelle", "Ziel", "Linktext", "Rel", "Erstmals gesehen")


def write_generic(path: PathLike, records: Iterable[LinkRecord], *, delimiter: str = ";") -> int:
    """Write an unknown tool's export: ``Quelle;Ziel;Linktext;Rel;Erstmals gesehen``.

    As re-saved by European Excel: UTF-8 with BOM, ``;`` (or ``delimiter``), minimal
    quoting, CRLF; ``Rel`` is ``nofollow`` (also for ugc/sponsored) or ``dofollow``;
    dates ``DD.MM.YYYY``.  Returns the number of data rows written.
    """

    def rows() -> Iterator[list[Any]]:
        for rec in records:
            first = rec.first_seen
            yield [
                rec.source_url,
                rec.target_url,
                rec.anchor,
                "nofollow" if rec.nofollow or rec.ugc or rec.sponsored else "dofollow",
                "" if first is None else f"{first.day:02d}.{first.month:02d}.{first.year}",
            ]

    with _open_text(path, "utf-8", bom=True) as handle:
        return _write_csv(
            handle, GENERIC_COLUMNS, rows(), delimiter=delimiter, lineterminator="\r\n"
        )
