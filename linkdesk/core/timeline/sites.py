"""The client sites links point to, as the timeline groups a vendor's reports by them.

A vendor's export covers one target site (Ahrefs and Semrush export a domain's backlinks). A
project may hold two client sites, or a site's shop on its own domain: a newer Ahrefs export
of one site says nothing about the links to the other, so a vendor's latest report is chosen
per target site (compute.vendor_blocks). A link's site is the registered domain of its target
URL (`www.` and `shop.` of `acme-widgets.com` are one site).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np

from linkdesk.core.timeline.digests import parse_ids
from linkdesk.core.urls import registered_domains


@dataclass(frozen=True)
class LinkSites:
    """Per link id (arrays of `size`): the index of its target site, and whether a vendor
    (not Search Console) ever reported it."""

    site: np.ndarray  # int64 site index; `count` for a link of no known site
    known: np.ndarray  # bool: links.vendors has a vendor's bit
    count: int  # number of sites
    reported: np.ndarray  # the site indexes of the links vendors reported

    @property
    def size(self) -> int:
        """One more than the largest link id."""
        return len(self.site)

    def of(self, links: np.ndarray) -> np.ndarray:
        """The site index of each of these link ids (`count` for an id out of range)."""
        inside = links < len(self.site)
        return np.where(inside, self.site[np.where(inside, links, 0)], self.count)


def _host(url: object) -> str:
    """A target URL's host; "" for a value that is no URL (an edited project file)."""
    try:
        return (urlsplit(url).hostname or "") if isinstance(url, str) else ""
    except ValueError:  # "http://[bad/": not an address a link could point to
        return ""


def link_sites(db: sqlite3.Connection) -> LinkSites:
    """Every link's target site, read in one pass over `links`."""
    targets = db.execute("SELECT id, url FROM link_targets ORDER BY id").fetchall()
    hosts = [_host(url) for _, url in targets]
    names = registered_domains(hosts)
    index = {name: i for i, name in enumerate(sorted(set(names)))}
    count = len(index)
    top = max((row[0] for row in targets), default=0)
    of_target = np.full(top + 1, count, np.int64)
    for (target_id, _), name in zip(targets, names, strict=True):
        of_target[target_id] = index[name]
    # Every value an integer (an edited file's text would shift the lists apart).
    row = db.execute("SELECT group_concat(id), group_concat(CASE WHEN typeof(target_id) = "
                     "'integer' THEN target_id ELSE 0 END), group_concat(coalesce(vendors <> 0, "
                     "0)), coalesce(max(id), 0) FROM links").fetchone()
    size = int(row[3]) + 1
    ids, target_ids, known_flags = parse_ids(row[0]), parse_ids(row[1]), parse_ids(row[2])
    site = np.full(size, count, np.int64)
    inside = (target_ids >= 0) & (target_ids <= top)
    site[ids[inside]] = of_target[target_ids[inside]]
    known = np.zeros(size, bool)
    known[ids[known_flags != 0]] = True
    return LinkSites(site, known, count, np.unique(site[known]))
