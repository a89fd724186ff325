"""The scoring model's settings: terms, weights, flag points and thresholds, with their defaults.

A project stores only what the user changed, so improved defaults reach old projects:
- term lists under their own keys: `sites` and `brand_terms` (shared with the rest of the app),
  `money_keywords`, `topic_keywords`, `market_languages`, `market_countries`;
- everything numeric under `scoring`: `{"weights": {}, "flag_points": {}, "thresholds": {},
  "detection": {}}`, each a dict of overrides.

Weights, flag points and thresholds only recombine stored signal values (the fast re-score);
terms and detection settings change the signal values themselves (a full re-score).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from linkdesk.core import urls
from linkdesk.core.store import settings
from linkdesk.core.store.settings import Key

# Bumped whenever a signal's or flag's formula changes, so stored signal values are recomputed.
# 5: link_list, generated_page, many_sites flags (issue 17); 6: brands found written in
# separate words (anchors.py); 7: repetition counts the project's sites a domain links to, the
# market defaults to the sites' countries, worldwide country TLDs are generic (issue 17); 8: the
# client's own sites (the `sites` setting) count as one site
FEATURES_VERSION = 8

SIGNALS: tuple[str, ...] = (
    "authority", "trust", "traffic", "page_traffic", "follow", "image", "redirect",
    "frame_form", "relevance", "market", "page_links", "repetition", "sitewide", "lost", "age",
    "stale",
)
"""Quality signals, in the order explanations list them."""

# Points a signal moves the score at full strength (its value is -1..1, 0 = neutral/missing).
DEFAULT_WEIGHTS: dict[str, float] = {
    "base": 45,  # the score of a typical link, where every signal is neutral
    "authority": 30,
    "trust": 6,
    "traffic": 5,
    "page_traffic": 2,
    "follow": 22,
    "image": 0,
    "redirect": 5,
    "frame_form": 5,
    "relevance": 12,
    "market": 10,
    "page_links": 12,
    "repetition": 30,
    "sitewide": 8,
    "lost": 30,
    "age": 4,
    "stale": 6,
}

FLAGS: tuple[str, ...] = (
    "spam_tld", "domain_pattern", "poison_domain", "ip_host", "many_subdomains", "sitewide",
    "poison_page", "poison_anchor", "money_anchor", "empty_anchor", "link_farm",
    "network_title", "network_path", "ahrefs_spam", "moz_spam_score", "semrush_toxicity",
    "lost_link", "link_list", "generated_page", "many_sites",
)
"""Risk flags; a flag's position is its bit in the stored `flags` columns (append only)."""

DEFAULT_FLAG_POINTS: dict[str, int] = {
    "spam_tld": 1,
    "domain_pattern": 0,
    "poison_domain": 3,
    "ip_host": 1,
    "many_subdomains": 2,
    "sitewide": 0,
    "poison_page": 2,
    "poison_anchor": 2,
    "money_anchor": 1,
    "empty_anchor": 1,
    "link_farm": 2,
    "network_title": 1,
    "network_path": 0,
    "ahrefs_spam": 2,
    "moz_spam_score": 2,
    "semrush_toxicity": 2,
    "lost_link": 0,
    "link_list": 3,
    "generated_page": 3,
    "many_sites": 3,
}

BANDS: tuple[str, ...] = ("risky", "weak", "fair", "strong")
"""Band names; the stored `band` is the index (so sorting by it sorts risky first)."""

RISK_LEVELS: tuple[str, ...] = ("none", "low", "medium", "high")
"""Risk level names; the stored `risk_level` is the index."""

ANCHOR_CLASSES: tuple[str, ...] = (
    "unknown", "empty_image", "naked_url", "brand", "compound", "generic", "exact_match",
    "partial_match", "other",
)
"""Anchor classes; the stored `anchor_class` is the index. `unknown`: no anchor data."""

DEFAULT_THRESHOLDS: dict[str, Any] = {
    "strong": 65,  # quality from which a link or domain is strong
    "fair": 40,  # quality from which it is fair (below: weak)
    "risk_low": 1,  # risk points from which the level is low
    "risk_medium": 3,
    "risk_high": 5,
    "risky_level": "high",  # the risk level from which the band is risky, whatever the quality
    "low_confidence_below": 2,  # fewer evidence groups than this: low confidence
}

DEFAULT_DETECTION: dict[str, float] = {
    "link_farm_external_links": 300,  # external links on the page
    "sitewide_min_links": 20,  # links from one site before a footer pattern counts
    "sitewide_target_share": 0.8,  # share of those links pointing to one page
    "many_subdomains": 5,  # distinct hosts of one domain linking
    "network_title_domains": 3,  # referring domains showing the same page title
    "network_path_domains": 5,  # referring domains with the same URL path
    "moz_spam_score": 60,  # percent
    "semrush_toxicity": 60,
    "stale_days": 180,  # last seen this long before the newest data: possibly gone
    "domain_flag_share": 0.5,  # share of a domain's links with a flag for the domain to have it
    "many_sites": 4,  # distinct sites of the project one referring domain links to
}

TERM_KEYS: dict[str, Key] = {
    "brands": Key.BRAND_TERMS,
    "sites": Key.SITES,
    "money": Key.MONEY_KEYWORDS,
    "topics": Key.TOPIC_KEYWORDS,
    "languages": Key.MARKET_LANGUAGES,
    "countries": Key.MARKET_COUNTRIES,
}
"""Terms field -> settings key."""
_SECTIONS = ("weights", "flag_points", "thresholds", "detection")


@dataclass(frozen=True)
class Terms:
    """The client's words: brand, sites, money keywords, topics and market."""

    brands: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    money: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()

    def brand_terms(self) -> tuple[str, ...]:
        """Brand terms, normalised; derived from the sites' names when none are set.

        `acme-widgets.com` gives `acme widgets` and `acmewidgets`.
        """
        terms = [normalize_text(term) for term in self.brands]
        if not terms:
            for site in self.sites:
                label = urls.registered_domain(site.lower()).split(".")[0]
                spaced = normalize_text(label.replace("-", " ").replace("_", " "))
                terms += [spaced, spaced.replace(" ", "")]
        return tuple(dict.fromkeys(term for term in terms if term))


@dataclass(frozen=True)
class Model:
    """Everything that decides the scores of one project."""

    terms: Terms = field(default_factory=Terms)
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    flag_points: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_FLAG_POINTS))
    thresholds: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    detection: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_DETECTION))

    def weight_tenths(self, name: str) -> int:
        """A weight in tenths of a point: scores are summed as integers, so they add up."""
        return round(float(self.weights[name]) * 10)

    def risky_level(self) -> int:
        """The risk level index from which the band is risky."""
        return RISK_LEVELS.index(str(self.thresholds["risky_level"]))

    def risk_level(self, points: int) -> int:
        """The risk level index for a number of risk points."""
        for level, key in ((3, "risk_high"), (2, "risk_medium"), (1, "risk_low")):
            if points >= self.thresholds[key]:
                return level
        return 0

    def features_key(self) -> str:
        """A digest of what the stored signal values depend on (terms and detection)."""
        payload = json.dumps(
            [FEATURES_VERSION, self.terms.__dict__, dict(self.detection)], sort_keys=True
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as `linkdesk settings --json` prints it."""
        return {
            "terms": {name: list(value) for name, value in self.terms.__dict__.items()},
            "brand_terms_used": list(self.terms.brand_terms()),
            "weights": dict(self.weights),
            "flag_points": dict(self.flag_points),
            "thresholds": dict(self.thresholds),
            "detection": dict(self.detection),
        }


def normalize_text(text: str) -> str:
    """Lower-case, NFKC, punctuation as spaces, single spaces: how anchors and terms compare."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


_NOT_WORD = re.compile(r"[^\w]+")


# -- reading and writing the settings ----------------------------------------------------------


def load_model(db: sqlite3.Connection) -> Model:
    """The project's model: defaults overlaid with its stored settings."""
    stored = settings.get_many(db, (*TERM_KEYS.values(), Key.SCORING))
    terms = Terms(**{
        name: tuple(str(item) for item in stored.get(key) or ()) for name, key in TERM_KEYS.items()
    })
    overrides = stored.get(Key.SCORING) or {}
    risky = overrides.get("thresholds", {}).get("risky_level", DEFAULT_THRESHOLDS["risky_level"])
    if risky not in RISK_LEVELS:
        raise settings.damaged(db, Key.SCORING, f"thresholds: risky_level must be one of "
                               f"{', '.join(RISK_LEVELS)}, got {risky!r}")
    return Model(
        terms,
        {**DEFAULT_WEIGHTS, **overrides.get("weights", {})},
        {**DEFAULT_FLAG_POINTS, **overrides.get("flag_points", {})},
        {**DEFAULT_THRESHOLDS, **overrides.get("thresholds", {})},
        {**DEFAULT_DETECTION, **overrides.get("detection", {})},
    )


def set_terms(db: sqlite3.Connection, **terms: Iterable[str]) -> None:
    """Replace term lists (`brands=`, `sites=`, `money=`, `topics=`, `languages=`,
    `countries=`); runs inside the caller's transaction. Sites are stored as host names."""
    for name, values in terms.items():
        if name not in TERM_KEYS:
            raise ValueError(f"unknown term list {name!r}; known: {', '.join(TERM_KEYS)}")
        cleaned = [value.strip() for value in values if value.strip()]
        if name == "sites":
            cleaned = [_site_host(value) for value in cleaned]
        elif name in ("languages", "countries"):
            cleaned = [value.lower() for value in cleaned]
        settings.put(db, TERM_KEYS[name], list(dict.fromkeys(cleaned)))


def set_overrides(db: sqlite3.Connection, section: str, values: Mapping[str, Any]) -> None:
    """Change weights, flag points, thresholds or detection settings (validated); runs inside
    the caller's transaction. A value of None restores the default."""
    defaults = _defaults(section)
    stored = settings.get(db, Key.SCORING, {}, lenient=True)  # a damaged value: set anew
    current = dict(stored.get(section, {}))
    for name, value in values.items():
        if name not in defaults:
            raise ValueError(f"unknown {section} name {name!r}; known: {', '.join(defaults)}")
        if value is None:
            current.pop(name, None)
        else:
            current[name] = _validated(section, name, value)
    stored[section] = current
    settings.put(db, Key.SCORING, stored)


def defaults(section: str) -> Mapping[str, Any]:
    """The default weights, flag points, thresholds or detection settings."""
    return _defaults(section)


def _defaults(section: str) -> Mapping[str, Any]:
    if section not in _SECTIONS:
        raise ValueError(f"unknown settings section {section!r}; known: {', '.join(_SECTIONS)}")
    sections: dict[str, Mapping[str, Any]] = {
        "weights": DEFAULT_WEIGHTS,
        "flag_points": DEFAULT_FLAG_POINTS,
        "thresholds": DEFAULT_THRESHOLDS,
        "detection": DEFAULT_DETECTION,
    }
    return sections[section]


def _validated(section: str, name: str, value: Any) -> Any:
    if section == "thresholds" and name == "risky_level":
        if value not in RISK_LEVELS:
            raise ValueError(f"risky_level must be one of {', '.join(RISK_LEVELS)}")
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} wants a number, got {value!r}") from None
    if section == "flag_points":
        if number != int(number) or not 0 <= number <= 10:
            raise ValueError(f"flag points are whole numbers 0-10, got {value!r} for {name}")
        return int(number)
    if section == "weights" and not 0 <= number <= 100:
        raise ValueError(f"weights are points 0-100, got {value!r} for {name}")
    if section == "detection" and name.endswith("share") and not 0 < number <= 1:
        raise ValueError(f"{name} is a share between 0 and 1, got {value!r}")
    if number < 0:
        raise ValueError(f"{name} cannot be negative, got {value!r}")
    return int(number) if number == int(number) else number


def _site_host(site: str) -> str:
    root = urls.site_root(site)
    if root is None:
        raise ValueError(f"{site!r} is not a domain or URL")
    return root.split("://", 1)[1].rstrip("/")
