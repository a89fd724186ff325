"""Anchor classes (brand, naked URL, generic, exact/partial match, compound, empty/image).

Anchors are classified once per distinct anchor text (a profile repeats few texts many times),
in Python, by `AnchorClassifier`; the result joins back to links in SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linkdesk.core.scoring.model import ANCHOR_CLASSES, Terms, normalize_text
from linkdesk.core.scoring.words import GENERIC_ANCHORS, MODIFIER_WORDS, POISON_WORDS

UNKNOWN, EMPTY_IMAGE, NAKED_URL, BRAND, COMPOUND, GENERIC, EXACT, PARTIAL, OTHER = range(
    len(ANCHOR_CLASSES)
)

# `example.com`, `www.example.co.uk/page`, `https://example.com`: one token ending in a
# top-level domain of letters (so "3.5" and "e.g." are not URLs).
_URL_LIKE = re.compile(
    r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?:[/:?#]\S*)?$", re.I
)


@dataclass(frozen=True)
class AnchorFacts:
    """What one anchor text says: its class, and what the flags and relevance need."""

    anchor_class: int
    poison_word: str | None  # the first poison word in it
    topic_term: str | None  # the first topic term in it


# A brand written as one word is found spelt in separate words ("you too can cook") only
# from this length on: short ones ("acme") would match chance runs of words.
MIN_JOINED_BRAND = 6


class AnchorClassifier:
    """Classifies anchor texts against one project's terms."""

    def __init__(self, terms: Terms) -> None:
        self.brands = terms.brand_terms()
        self.joined_brands = frozenset(term.replace(" ", "") for term in self.brands)
        self.sites = tuple(site.lower().removeprefix("www.") for site in terms.sites)
        self.money = tuple(dict.fromkeys(k for k in map(normalize_text, terms.money) if k))
        self.money_stems = {_stems(keyword) for keyword in self.money}
        self.money_words = {
            word for keyword in self.money for word in _stems(keyword)
            if word not in MODIFIER_WORDS and len(word) >= 3
        }
        self.topics = tuple(dict.fromkeys(t for t in map(normalize_text, terms.topics) if t))

    def facts(self, anchor: str) -> AnchorFacts:
        """Classify one anchor text (the empty string for an empty anchor)."""
        text = normalize_text(anchor)
        padded = f" {text} "
        poison = next((w for w in POISON_WORDS if f" {w}" in padded), None)
        topic = next((t for t in self.topics if f" {t} " in padded), None)
        return AnchorFacts(self.classify(anchor, text), poison, topic)

    def classify(self, anchor: str, text: str | None = None) -> int:
        """The anchor class index of an anchor text."""
        text = normalize_text(anchor) if text is None else text
        if not text:
            return EMPTY_IMAGE  # empty, symbols only; an image without alt text lands here too
        raw = anchor.strip().lower()
        if _URL_LIKE.match(raw) or any(site in raw for site in self.sites if site):
            return NAKED_URL
        padded = f" {text} "
        brand = next((term for term in self.brands if f" {term} " in padded), None)
        if brand is None:
            brand, padded = self._spaced_brand(text)
        if brand is not None:
            rest = padded.replace(f" {brand} ", " ").strip()
            return COMPOUND if self._keyword_overlap(rest) else BRAND
        if text in GENERIC_ANCHORS:
            return GENERIC
        stems = _stems(text)
        if stems in self.money_stems:
            return EXACT
        if self._keyword_overlap(text):
            return PARTIAL
        return OTHER

    def _spaced_brand(self, text: str) -> tuple[str | None, str]:
        """A brand written with spaces its domain lacks: "You Too Can Cook" for the site
        youtoocancook.net. Returns (the brand, the padded text with those words as it), or
        (None, the padded text) when no run of up to six words spells a brand term."""
        words = text.split()
        if len(words) > 12 or len(words) < 2:  # a sentence is not a brand; one word was tried
            return None, f" {text} "
        compact = "".join(words)
        if not any(brand in compact for brand in self.joined_brands):  # most anchors: done
            return None, f" {text} "
        for start in range(len(words)):
            for end in range(start + 2, min(start + 6, len(words)) + 1):
                joined = "".join(words[start:end])
                if len(joined) >= MIN_JOINED_BRAND and joined in self.joined_brands:
                    spaced = " ".join([*words[:start], joined, *words[end:]])
                    return joined, f" {spaced} "
        return None, f" {text} "

    def _keyword_overlap(self, text: str) -> bool:
        """Whether text shares a keyword word with a money keyword ("best widgets")."""
        if not text or not self.money_words:
            return False
        return any(stem in self.money_words for stem in _stems(text))


def _stems(text: str) -> tuple[str, ...]:
    """Words with a plural `s` dropped, as a sorted tuple (order-free comparison)."""
    return tuple(sorted({_stem(word) for word in text.split()}))


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
