"""The titles pass's loop over links (features._scan_pages), for any share of the links.

A full re-score's titles pass is a million rounds of Python (regular expressions, checksums),
so it can run in two processes at once (scanhelper.py): each scans ranges of link ids and the
parts are joined. Every result is a function of one link's own row (and its domain's id), so
how the links are split changes nothing that is stored; the loop only remembers the last page
to judge a page's links, which are stored in a row, once.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Iterable
from typing import Any

from linkdesk.core import urls
from linkdesk.core.scoring import damage, network_keys
from linkdesk.core.scoring.matching import target_host

NO_KEY = 1 << 40  # outside any network key

Judge = Callable[[str | None, str | None, str], int]
"""Gives a page's marks (features.PageMarks): its title, path (None: none) and linked site."""


class ScanParts:
    """What a scan of some links found: the marked links, and (a full scan) every link's title
    and path keys and the (key, domain id) pairs `network_keys` keeps. Arrays, so that a part
    found by another process travels cheaply."""

    def __init__(self) -> None:
        self.marked, self.marks = array("q"), array("q")  # link ids, their MARKS bits
        self.pairs = array("q")  # key << 32 | domain id
        self.ids, self.title_keys, self.path_keys = array("q"), array("q"), array("q")
        self.odd = array("q")  # links whose URL has a NUL: their path key may be another

    def extend(self, other: ScanParts) -> None:
        """Add another part's findings (the order of links does not matter to any result)."""
        for name, values in vars(other).items():
            getattr(self, name).extend(values)

    def mark_list(self) -> list[tuple[int, int]]:
        """The marks as (link id, bits) pairs."""
        return list(zip(self.marked, self.marks, strict=True))


def scan_rows(
    db: sqlite3.Connection,
    rows: Iterable[tuple[Any, ...]],
    judge: Judge,
    parts: ScanParts,
    domain_id_of: Callable[[Any], int] | None,
) -> None:
    """Judge the pages of these rows (link id, title, source URL, target URL, domain, domain
    key) into `parts`; with `domain_id_of` (a full scan: the domain's id from the domain key)
    also the network keys. Links of one page in a row are judged once."""
    full = domain_id_of is not None
    marked, marks, pairs = parts.marked.append, parts.marks.append, parts.pairs.append
    ids, title_keys, path_keys = parts.ids.append, parts.title_keys.append, parts.path_keys.append
    page_keys = network_keys.page_keys
    sites: dict[str, str] = {}  # target URL -> its site: a project has few target URLs
    last_url = last_title = last_site = last_domain = None
    found = 0
    title_key = path_key = NO_KEY
    nul = False
    for link_id, title, url, target, domain, domain_key in rows:
        site = sites.get(target)
        if site is None:
            if type(target) is not str:
                damage.refuse(db, "target_url")
            site = sites[target] = urls.registered_domain(target_host(target))
        # The page's other links (to other pages of the same site) repeat its marks and keys.
        if url != last_url or title != last_title or site != last_site or (
            domain != last_domain
        ):
            last_url, last_title, last_site, last_domain = url, title, site, domain
            if title is not None and type(title) is not str:
                title = None  # a blob or number (an edited file) is no title
            cut = url.find("/", 8)
            path = url[cut:] if cut >= 0 else url[7:]  # as PATH_SQL, not lower-cased
            found = judge(title, path if cut >= 0 else None, site)
            if full:
                domain_id = domain_id_of(domain_key)  # type: ignore[misc]
                keys = page_keys(title, path)
                title_key = NO_KEY if keys[0] is None else keys[0]
                path_key = NO_KEY if keys[1] is None else keys[1]
                for k in keys:
                    if k is not None:
                        pairs(k << 32 | domain_id)  # as network_keys reads them
                nul = "\0" in url  # its path's key is not the one SQL would count
        if found:
            marked(link_id)
            marks(found)
        if full:
            ids(link_id)
            title_keys(title_key)
            path_keys(path_key)
            if nul:
                parts.odd.append(link_id)


SCAN_SQL = "SELECT l.id, l.title, l.source_url, l.target_url, l.domain, {key} FROM links AS l"
"""The rows `scan_rows` reads; `{key}`: the domain key column (followed by joins, WHERE)."""
