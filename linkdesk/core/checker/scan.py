"""A linear scan of a page's tags, for pages the parser cannot read in time (parse.py).

No tree is built: `<a href>`, `<meta name>` and `<base href>` tags are found by regular
expressions whose every match is bounded, so the time grows with the page's length only,
however deep its nesting. An anchor's text runs to its `</a>` (or the next `<a`), at most
`_TEXT_SPAN` characters, with tags dropped and entities decoded.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from linkdesk.core.checker.parse import Source

_TEXT_SPAN = 2_000
# A tag ends at its `>` and cannot hold a `<`: a `<a ` never closed costs the characters up
# to the next tag, not the rest of the page (which would make the scan quadratic).
_A = re.compile(r"<a\s([^<>]*)>", re.IGNORECASE)
_META = re.compile(r"<meta\s([^<>]*)>", re.IGNORECASE)
_BASE = re.compile(r"<base\s([^<>]*)>", re.IGNORECASE)
_END = re.compile(r"</a\s*>|<a\s", re.IGNORECASE)
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_IMG_ALT = re.compile(r"<img\s[^<>]*?\balt\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*(?:>|$)")  # within one anchor's text (bounded); a tag cut off too


class ScannedSource(Source):
    """A page read tag by tag, without a tree."""

    def __init__(self, text: str) -> None:
        self._text = text

    def robots_metas(self) -> Iterator[tuple[str, str]]:
        """(name, content) of every `<meta name>`."""
        for match in _META.finditer(self._text):
            attrs = _attributes(match[1])
            if "name" in attrs:
                yield attrs["name"], attrs.get("content", "")

    def base_href(self) -> str | None:
        """The first `<base href>`'s href, if there is one."""
        for match in _BASE.finditer(self._text):
            attrs = _attributes(match[1])
            if "href" in attrs:
                return attrs["href"]
        return None

    def links(self, names: tuple[str, ...] | None) -> Iterator[tuple[str, str, str]]:
        """(href, rel, anchor text) of the `<a href>` naming one of `names` (or of all)."""
        wanted = None if names is None else tuple(name.lower() for name in names)
        for match in _A.finditer(self._text):
            attrs = _attributes(match[1])
            href = attrs.get("href")
            if href is None:
                continue
            if wanted is not None and not any(name in href.lower() for name in wanted):
                continue
            yield href, attrs.get("rel", ""), self._anchor_text(match.end())

    def _anchor_text(self, start: int) -> str:
        end = _END.search(self._text, start, start + _TEXT_SPAN)
        inner = self._text[start : end.start() if end else start + _TEXT_SPAN]
        text = " ".join(html.unescape(_ANY_TAG.sub(" ", inner)).split())
        if not text:  # an image link: its alt text is the anchor
            image = _IMG_ALT.search(inner)
            text = " ".join(_value(image[1]).split()) if image else ""
        return text


def _attributes(tag: str) -> dict[str, str]:
    """A tag's attributes, names in lower case; the first of a repeated name wins (HTML)."""
    found: dict[str, str] = {}
    for match in _ATTR.finditer(tag):
        found.setdefault(match[1].lower(), _value(match[2] or ""))
    return found


def _value(raw: str) -> str:
    if raw[:1] in ("'", '"'):
        raw = raw[1:-1]
    return html.unescape(raw)
