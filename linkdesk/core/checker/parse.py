"""Read a fetched page: its links to the client's hosts (with rel and anchor) and robots rules.

The page is parsed with selectolax's Lexbor engine (C, HTML5-conformant, so broken markup is
read the way browsers read it). Only hrefs that can point to one of the wanted hosts are
resolved and normalised, and the C selector picks them (`a[href*="host" i]`): a page has
dozens of links, and URL work in Python costs more than the parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from linkdesk.core.urls import normalize_url, to_unicode_host

_ROBOTS_METAS = frozenset(("robots", "googlebot"))
# X-Robots-Tag rules that take a value, so `name: value` is not a crawler's name.
_VALUED_RULES = frozenset(
    ("unavailable_after", "max-snippet", "max-image-preview", "max-video-preview")
)
_SCOPED = re.compile(r"\s*([A-Za-z0-9_-]+)\s*:\s*(.*)", re.DOTALL)
_TOKENS = re.compile(r"[\s,]+")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_MAX_ANCHOR = 500


@dataclass(frozen=True, slots=True)
class Anchor:
    """One `<a href>` to a wanted host."""

    nofollow: bool
    ugc: bool
    sponsored: bool
    text: str

    @property
    def followed(self) -> bool:
        """Passes value: none of nofollow, ugc, sponsored."""
        return not (self.nofollow or self.ugc or self.sponsored)


@dataclass(slots=True)
class ParsedPage:
    """The page's links to the wanted hosts, by normalised URL and by host, and its robots."""

    by_url: dict[str, list[Anchor]] = field(default_factory=dict)
    by_host: dict[str, list[Anchor]] = field(default_factory=dict)
    noindex: bool = False
    nofollow: bool = False  # meta robots / X-Robots-Tag nofollow: every link on it is nofollow


def parse_page(
    body: bytes, *, url: str, content_type: str, robots_header: str, hosts: frozenset[str]
) -> ParsedPage:
    """Parse an HTML page fetched from `url`, keeping the links to `hosts` (punycode)."""
    tree = _parse(body, content_type)
    page = ParsedPage()
    _read_robots(tree, robots_header, page)
    base = url
    base_node = tree.css_first("base[href]")
    if base_node is not None:  # only the first <base href> counts (HTML standard)
        base = urljoin(url, (base_node.attrs.get("href") or "").strip())
    # With the base on a wanted host, relative hrefs point there too: read every link.
    selector = "a[href]" if _host(base) in hosts else _selector(hosts)
    for node in tree.css(selector) if hosts else ():
        href = (node.attrs.get("href") or "").strip()
        if not href:
            continue
        normalized = normalize_url(urljoin(base, href))
        if normalized is None or normalized[1] not in hosts:
            continue
        anchor = _anchor(node, page.nofollow)
        page.by_url.setdefault(normalized[0], []).append(anchor)
        page.by_host.setdefault(normalized[1], []).append(anchor)
    return page


def _parse(body: bytes, content_type: str) -> LexborHTMLParser:
    charset = _CHARSET.search(content_type)
    if charset and charset[1].lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            return LexborHTMLParser(body.decode(charset[1], errors="replace"))
        except LookupError:  # an unknown charset name: detect it from the page instead
            pass
    # Bytes: Lexbor honours a BOM or <meta charset> (in the first 1024 bytes), else UTF-8.
    return LexborHTMLParser(body, encoding=True)


def _read_robots(tree: LexborHTMLParser, header: str, page: ParsedPage) -> None:
    rules: set[str] = set()
    for meta in tree.css("meta[name]"):
        if (meta.attrs.get("name") or "").strip().lower() in _ROBOTS_METAS:
            rules.update(_TOKENS.split((meta.attrs.get("content") or "").lower()))
    for value in header.splitlines():  # one X-Robots-Tag header a line
        scoped = _SCOPED.match(value)
        if scoped and scoped[1].lower() not in _VALUED_RULES:
            if scoped[1].lower() not in _ROBOTS_METAS:
                continue  # rules for another crawler (`bingbot: noindex`)
            value = scoped[2]
        rules.update(_TOKENS.split(value.lower()))
    page.noindex = "noindex" in rules or "none" in rules
    page.nofollow = "nofollow" in rules or "none" in rules


def _anchor(node: LexborNode, page_nofollow: bool) -> Anchor:
    rel = set(_TOKENS.split((node.attrs.get("rel") or "").lower()))
    text = " ".join(node.text(deep=True, separator=" ").split())
    if not text:  # an image link: vendors report its alt text as the anchor
        image = node.css_first("img[alt]")
        text = " ".join((image.attrs.get("alt") or "").split()) if image is not None else ""
    return Anchor(
        nofollow=page_nofollow or "nofollow" in rel,
        ugc="ugc" in rel,
        sponsored="sponsored" in rel,
        text=text[:_MAX_ANCHOR],
    )


@lru_cache(maxsize=1024)
def _selector(hosts: frozenset[str]) -> str:
    """Links whose href contains a wanted host, as punycode or Unicode, in any case.

    Every absolute or protocol-relative href to the host contains its name; the exact test
    is `normalize_url` afterwards.
    """
    names = sorted(set(hosts) | {to_unicode_host(host) for host in hosts})
    return ", ".join(f'a[href*="{_css_string(name)}" i]' for name in names if name)


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _host(url: str) -> str:
    normalized = normalize_url(url)
    return normalized[1] if normalized else ""
