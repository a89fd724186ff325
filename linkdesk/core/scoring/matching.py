"""Finding poison words and topic keywords in page titles and URLs.

Done in Python with one compiled pattern per word list: a regular expression alternation scans
a title once, where SQL would need one `instr()` per word (measured: 6 s against 1 s for a
million links). Words match at the start of a word in titles ("pills" is not in "spills");
topic keywords match anywhere in URL paths, where words run together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from linkdesk.core.scoring.words import POISON_WORDS


def _word_start(words: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted(dict.fromkeys(w.strip().lower() for w in words if w.strip()), key=len)
    if not unique:
        return None
    alternation = "|".join(re.escape(word) for word in reversed(unique))
    return re.compile(rf"(?<!\w)({alternation})")


def _anywhere(words: Iterable[str]) -> re.Pattern[str] | None:
    slugs = sorted(dict.fromkeys(w.strip().lower().replace(" ", "-") for w in words
                                 if w.strip()), key=len)
    if not slugs:
        return None
    return re.compile("|".join(re.escape(slug) for slug in reversed(slugs)))


POISON_TITLE = re.compile(rf"(?<!\w)({'|'.join(map(re.escape, POISON_WORDS))})")
"""A poison word starting a word, in lower-cased text."""


def poison_in_title(title: str | None) -> str | None:
    """The first poison word starting a word of the title, if any."""
    found = POISON_TITLE.search(title.lower()) if title else None
    return found.group(1) if found else None


class TopicMatcher:
    """Finds the project's topic keywords in titles and URLs."""

    def __init__(self, topics: Iterable[str]) -> None:
        topics = tuple(topics)
        self._title = _word_start(topics)
        self._url = _anywhere(topics)

    @property
    def active(self) -> bool:
        """False when the project has no topic keywords (relevance is then neutral)."""
        return self._title is not None

    def in_title(self, title: str | None) -> str | None:
        """The first topic keyword starting a word of the title, if any."""
        found = self._title.search(title.lower()) if title and self._title else None
        return found.group(1) if found else None

    def in_url(self, url: str | None) -> str | None:
        """The first topic keyword (spaces as hyphens) in the URL's path, if any."""
        if not url or self._url is None:
            return None
        start = url.find("/", 8)
        return self.in_path(url[start:].lower()) if start >= 0 else None

    def in_path(self, path: str) -> str | None:
        """`in_url` of a URL whose lower-cased path and query are known."""
        found = self._url.search(path) if self._url is not None else None
        return found.group(0) if found else None


# A page that is a numbered list of sites or a directory page: "website list 703",
# "/domain-list-190", "page no. 190", "the_worlds_most_visited_web_pages_88", "Directory 5.org".
# Years are no page numbers ("Best sites 2024" is an ordinary article).
LIST_PAGE = re.compile(
    r"(?<![a-z])(?:links?|sites?|websites?|domains?|director(?:y|ies)|lists?|web[ _-]?pages"
    r"|page no)[\W_]{0,3}(?:page[\W_]{0,3}|no\.?[\W_]{0,2})?(?!(?:19|20)\d\d(?!\d))\d+"
)
# A long hexadecimal run in a URL: a page name made by a program (an MD5 is 32 digits).
HASH_IN_URL = re.compile(r"[0-9a-f]{24,}")
SITE_MIN_LENGTH = 6  # shorter site names ("a.co") turn up inside unrelated text


def list_page(title: str, path: str) -> str | None:
    """The words that make a page a numbered list of sites or a directory page, if any.

    Both arguments lower-cased: the title ('' when none) and the URL's path and query.
    """
    found = LIST_PAGE.search(title) or LIST_PAGE.search(path)
    return found.group(0) if found else None


def generated_page(title: str, path: str, site: str) -> str | None:
    """Why a page looks generated for the site it links to (a site-info page, an open
    redirect, a hashed page name), or None.

    `title` and `path` lower-cased as for `list_page`; `site` is the linked site's registered
    domain.
    """
    if len(site) >= SITE_MIN_LENGTH:
        if site in path:
            return f"the linked site {site} in the page's URL"
        if site in title:
            return f"the linked site {site} in the page's title"
    found = HASH_IN_URL.search(path.split("?", 1)[0])  # not session ids in queries
    if found:
        return f"a {len(found.group(0))}-digit hash as the page's name"
    return None


def url_path(url: str) -> str:
    """The path and query of a normalised URL, lower-cased ('/' when there is none)."""
    start = url.find("/", 8)
    return url[start:].lower() if start >= 0 else "/"


def target_host(url: str) -> str:
    """The host of a normalised target URL (`https://host/path` -> `host`)."""
    start = url.find("//") + 2
    end = url.find("/", start)
    return url[start:end] if end >= 0 else url[start:]
