"""Read a fetched page: its links to the client's hosts (with rel and anchor) and robots rules.

The page is parsed with selectolax's Lexbor engine (C, HTML5-conformant, so broken markup is
read the way browsers read it). Only hrefs that can point to one of the wanted hosts are
resolved and normalised, and the C selector picks them (`a[href*="host" i]`): a page has
dozens of links, and URL work in Python costs more than the parsing.

Lexbor's tree building slows with the square of the nesting depth (16,000 nested `<div>` take
0.2 s, 64,000 take 8 s), so a page that may nest deeper than `MAX_DEPTH` is read by the linear
scan of `scan.py` instead, which finds the same `<a href>` tags without building a tree.
The text is decoded here, not by Lexbor, which would honour `<meta charset="utf-7">`: browsers
refuse that charset because it lets a page hide markup (`+ADw-a href…`) in plain text.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
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
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(r"""<meta\b[^>]*?charset\s*=\s*["']?([A-Za-z0-9._:-]+)""",
                           re.IGNORECASE)
_PRESCAN = 1024  # bytes searched for <meta charset>, as browsers do
_UNSAFE = frozenset(("utf-7",))  # reads ASCII as ASCII, yet browsers refuse it (WHATWG)
_ASCII = bytes(range(0x20, 0x7F))
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_MAX_ANCHOR = 500
MAX_DEPTH = 4_000  # deeper pages are scanned, not parsed (Lexbor takes ~0.01 s at this depth)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_VOID = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
))
SCANNED = "the page is nested too deeply to parse; its links were found by a plain scan"


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
    note: str = ""  # how the page was read when not by the parser (`SCANNED`), for the detail


class Source:
    """What reading a page needs from it: `LexborSource`, or `scan.ScannedSource`."""

    def robots_metas(self) -> Iterator[tuple[str, str]]:
        """(name, content) of every `<meta name>`."""
        raise NotImplementedError

    def base_href(self) -> str | None:
        """The first `<base href>`'s href, if there is one."""
        raise NotImplementedError

    def links(self, names: tuple[str, ...] | None) -> Iterator[tuple[str, str, str]]:
        """(href, rel, anchor text) of each `<a href>` whose href contains one of `names`
        in any case (of every one when `names` is None)."""
        raise NotImplementedError


def parse_page(
    body: bytes, *, url: str, content_type: str, robots_header: str, hosts: frozenset[str]
) -> ParsedPage:
    """Parse an HTML page fetched from `url`, keeping the links to `hosts` (punycode)."""
    text = decode_page(body, content_type)
    if too_deep(text):
        return scan_page(text, url=url, robots_header=robots_header, hosts=hosts)
    return read_page(LexborSource(text), url, robots_header, hosts)


def scan_page(text: str, *, url: str, robots_header: str, hosts: frozenset[str]) -> ParsedPage:
    """Read a page by the linear scan (no tree): for pages too deep or too slow to parse."""
    from linkdesk.core.checker.scan import ScannedSource

    return read_page(ScannedSource(text), url, robots_header, hosts, note=SCANNED)


def read_page(
    source: Source, url: str, robots_header: str, hosts: frozenset[str], *, note: str = ""
) -> ParsedPage:
    """The links to `hosts` and the robots rules of a page, from either reader."""
    page = ParsedPage(note=note)
    _read_robots(source.robots_metas(), robots_header, page)
    base = url
    base_href = source.base_href()
    if base_href is not None:  # only the first <base href> counts (HTML standard)
        base = _join(url, base_href) or url
    # With the base on a wanted host, relative hrefs point there too: read every link.
    names = None if _host(base) in hosts else _names(hosts)
    for href, rel, text in source.links(names) if hosts else ():
        if not href.strip():
            continue
        normalized = normalize_url(_join(base, href) or "")
        if normalized is None or normalized[1] not in hosts:
            continue
        anchor = _anchor(rel, text, page.nofollow)
        page.by_url.setdefault(normalized[0], []).append(anchor)
        page.by_host.setdefault(normalized[1], []).append(anchor)
    return page


def decode_page(body: bytes, content_type: str) -> str:
    """The page as text: a BOM's charset, else the header's, else `<meta charset>`'s, else UTF-8.

    A charset Python does not know, or one that does not read ASCII as ASCII (UTF-7, UTF-16
    without a BOM, EBCDIC…), is ignored: the next source decides, UTF-8 (with replacement
    characters for what is not UTF-8) in the end.
    """
    for mark, charset in _BOMS:
        if body.startswith(mark):  # the BOM wins, as in browsers
            return body.decode(charset, errors="replace")
    header = _CHARSET.search(content_type)
    meta = _META_CHARSET.search(body[:_PRESCAN].decode("latin-1"))
    for found in (header, meta):
        safe = _safe(found[1]) if found else None
        if safe is not None:
            return body.decode(safe, errors="replace")
    return body.decode("utf-8", errors="replace")


@lru_cache(maxsize=64)
def _safe(name: str) -> str | None:
    """The codec's name when pages may be decoded with it, else None."""
    try:
        codec = codecs.lookup(name).name
        if codec in _UNSAFE or _ASCII.decode(codec) != _ASCII.decode("ascii"):
            return None
    except (LookupError, UnicodeError):  # unknown, not a text encoding, or not ASCII-based
        return None
    return codec


def too_deep(text: str) -> bool:
    """Whether the page's elements may nest deeper than `MAX_DEPTH` (a linear estimate).

    Each start tag of a non-void element opens a level, each end tag of an element left open
    closes one. The estimate errs high (a `<p>` never closed counts), not low: an end tag
    with nothing of its name open closes nothing, as in the parser.
    """
    if text.count("<") <= MAX_DEPTH:  # the common case, counted in C
        return False
    depth = 0
    open_tags: dict[str, int] = {}
    for match in _TAG.finditer(text):
        name = match[2].lower()
        if name in _VOID:
            continue
        if not match[1]:
            open_tags[name] = open_tags.get(name, 0) + 1
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif open_tags.get(name, 0) > 0:
            open_tags[name] -= 1
            depth -= 1
    return False


class LexborSource(Source):
    """A page read by the Lexbor parser."""

    def __init__(self, text: str) -> None:
        self._tree = LexborHTMLParser(text)

    def robots_metas(self) -> Iterator[tuple[str, str]]:
        """(name, content) of every `<meta name>`."""
        for meta in self._tree.css("meta[name]"):
            yield meta.attrs.get("name") or "", meta.attrs.get("content") or ""

    def base_href(self) -> str | None:
        """The first `<base href>`'s href, if there is one."""
        node = self._tree.css_first("base[href]")
        return None if node is None else node.attrs.get("href") or ""

    def links(self, names: tuple[str, ...] | None) -> Iterator[tuple[str, str, str]]:
        """(href, rel, anchor text) of the `<a href>` naming one of `names` (or of all)."""
        selector = "a[href]" if names is None else _selector(names)
        for node in self._tree.css(selector) if selector else ():
            yield node.attrs.get("href") or "", node.attrs.get("rel") or "", _text(node)


def _text(node: LexborNode) -> str:
    text = " ".join(node.text(deep=True, separator=" ").split())
    if not text:  # an image link: vendors report its alt text as the anchor
        image = node.css_first("img[alt]")
        text = " ".join((image.attrs.get("alt") or "").split()) if image is not None else ""
    return text


def _read_robots(metas: Iterable[tuple[str, str]], header: str, page: ParsedPage) -> None:
    rules: set[str] = set()
    for name, content in metas:
        if name.strip().lower() in _ROBOTS_METAS:
            rules.update(_TOKENS.split(content.lower()))
    for value in header.splitlines():  # one X-Robots-Tag header a line
        scoped = _SCOPED.match(value)
        if scoped and scoped[1].lower() not in _VALUED_RULES:
            if scoped[1].lower() not in _ROBOTS_METAS:
                continue  # rules for another crawler (`bingbot: noindex`)
            value = scoped[2]
        rules.update(_TOKENS.split(value.lower()))
    page.noindex = "noindex" in rules or "none" in rules
    page.nofollow = "nofollow" in rules or "none" in rules


def _anchor(rel_value: str, text: str, page_nofollow: bool) -> Anchor:
    rel = set(_TOKENS.split(rel_value.lower()))
    return Anchor(
        nofollow=page_nofollow or "nofollow" in rel,
        ugc="ugc" in rel,
        sponsored="sponsored" in rel,
        text=text[:_MAX_ANCHOR],
    )


@lru_cache(maxsize=1024)
def _names(hosts: frozenset[str]) -> tuple[str, ...]:
    """The hosts' names as an href spells them, punycode or Unicode.

    Every absolute or protocol-relative href to the host contains its name; the exact test
    is `normalize_url` afterwards.
    """
    return tuple(sorted(n for n in set(hosts) | {to_unicode_host(h) for h in hosts} if n))


@lru_cache(maxsize=1024)
def _selector(names: tuple[str, ...]) -> str:
    """The links whose href contains one of `names`, in any case."""
    return ", ".join(f'a[href*="{_css_string(name)}" i]' for name in names)


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _join(base: str, href: str) -> str | None:
    try:
        return urljoin(base, href.strip())
    except ValueError:  # e.g. an unclosed IPv6 bracket: it points nowhere
        return None


def _host(url: str) -> str:
    normalized = normalize_url(url)
    return normalized[1] if normalized else ""
