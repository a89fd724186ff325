"""The canonical fields of a backlink observation, shared by importers, store and exports.

Every vendor's columns are mapped onto these names. Each field has a kind that says how its
cells are read (see `importers.sqlexpr`) and how it merges into a link when several vendors
report the same link (see `store.merge`).
"""

from __future__ import annotations

from enum import Enum


class Kind(Enum):
    """How a cell is read."""

    TEXT = "text"
    BOOL = "bool"  # true/false, Yes/No, 1/0
    FLAG = "flag"  # Majestic: empty is false, anything else true
    REL = "rel"  # a rel value (`nofollow`, `dofollow`) or a boolean: true means nofollow
    DATE = "date"
    NUMBER = "number"


class Merge(Enum):
    """How the values of several observations of one link combine."""

    LATEST = "latest"  # the value from the most recently seen observation
    MIN = "min"
    MAX = "max"


# name -> (kind, merge rule, SQL type)
FIELDS: dict[str, tuple[Kind, Merge, str]] = {
    "anchor": (Kind.TEXT, Merge.LATEST, "TEXT"),
    "title": (Kind.TEXT, Merge.LATEST, "TEXT"),
    "language": (Kind.TEXT, Merge.LATEST, "TEXT"),
    "nofollow": (Kind.BOOL, Merge.LATEST, "INTEGER"),
    "ugc": (Kind.BOOL, Merge.LATEST, "INTEGER"),
    "sponsored": (Kind.BOOL, Merge.LATEST, "INTEGER"),
    "image": (Kind.BOOL, Merge.LATEST, "INTEGER"),
    "redirect": (Kind.BOOL, Merge.LATEST, "INTEGER"),
    "frame": (Kind.BOOL, Merge.LATEST, "INTEGER"),
    "form": (Kind.BOOL, Merge.LATEST, "INTEGER"),
    "sitewide": (Kind.BOOL, Merge.LATEST, "INTEGER"),
    "lost": (Kind.BOOL, Merge.LATEST, "INTEGER"),
    "is_spam": (Kind.BOOL, Merge.MAX, "INTEGER"),
    "first_seen": (Kind.DATE, Merge.MIN, "TEXT"),
    "last_seen": (Kind.DATE, Merge.MAX, "TEXT"),
    "lost_at": (Kind.DATE, Merge.LATEST, "TEXT"),
    "http_code": (Kind.NUMBER, Merge.LATEST, "INTEGER"),
    "domain_rating": (Kind.NUMBER, Merge.MAX, "REAL"),  # Ahrefs DR
    "url_rating": (Kind.NUMBER, Merge.MAX, "REAL"),  # Ahrefs UR
    "trust_flow": (Kind.NUMBER, Merge.MAX, "REAL"),  # Majestic TF of the source
    "citation_flow": (Kind.NUMBER, Merge.MAX, "REAL"),  # Majestic CF of the source
    "domain_authority": (Kind.NUMBER, Merge.MAX, "REAL"),  # Moz DA
    "page_authority": (Kind.NUMBER, Merge.MAX, "REAL"),  # Moz PA
    "page_ascore": (Kind.NUMBER, Merge.MAX, "REAL"),  # Semrush page authority score
    "spam_score": (Kind.NUMBER, Merge.MAX, "REAL"),  # Moz spam score, percent
    "toxicity": (Kind.NUMBER, Merge.MAX, "REAL"),  # Semrush Backlink Audit toxicity
    "domain_traffic": (Kind.NUMBER, Merge.MAX, "REAL"),
    "page_traffic": (Kind.NUMBER, Merge.MAX, "REAL"),
    "external_links": (Kind.NUMBER, Merge.MAX, "INTEGER"),
    "internal_links": (Kind.NUMBER, Merge.MAX, "INTEGER"),
}

# Vendors, in the order that breaks ties when two report a link on the same day.
VENDORS: tuple[str, ...] = ("ahrefs", "majestic", "moz", "semrush", "generic")


def vendor_bit(vendor: str) -> int:
    """The bit that stands for a vendor in `links.vendors`."""
    return 1 << VENDORS.index(vendor)
