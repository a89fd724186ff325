"""Anchor text: links per anchor class, and the most used anchors."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from linkdesk.core.profile.scope import Scope
from linkdesk.core.scoring import ANCHOR_CLASSES

CLASS_LABELS: dict[str, str] = {
    "brand": "Brand",
    "naked_url": "Naked URL",
    "generic": "Generic",
    "compound": "Compound",
    "partial_match": "Partial match",
    "exact_match": "Exact match",
    "other": "Other",
    "empty_image": "Empty / image",
    "unknown": "Not known",
}
"""Anchor classes in the order charts show them: safe first, money keywords, then the rest."""


@dataclass(frozen=True)
class AnchorMix:
    """Links per anchor class (`links[i]` for `classes[i]`) and the top anchor texts."""

    classes: tuple[str, ...]
    links: np.ndarray  # int64, zero while the scores are out of date
    top: list[tuple[str, int]]  # (anchor text as first seen, links), most first
    total: int  # links in scope

    def share(self, name: str) -> float:
        """A class's share of the links, 0-1."""
        return float(self.links[self.classes.index(name)]) / self.total if self.total else 0.0


def anchor_mix(db: sqlite3.Connection, scope: Scope, top: int = 10) -> AnchorMix:
    """Links in scope per anchor class, and the `top` most used anchor texts (any case)."""
    classes = tuple(CLASS_LABELS)
    counts = np.zeros(len(classes), dtype=np.int64)
    if scope.scored:
        where = scope.link_scores
        for index, n in db.execute(where.sql("ls.anchor_class, count(*)",
                                             "GROUP BY ls.anchor_class"), where.params):
            counts[classes.index(ANCHOR_CLASSES[int(index)])] = int(n)
    where = scope.links
    # Grouped as the Anchors table groups: the anchors' index (links.py) is read in order.
    tail = f"GROUP BY l.anchor COLLATE NOCASE ORDER BY n DESC LIMIT {int(top)}"
    rows = db.execute(where.sql("min(l.anchor), count(*) AS n", tail), where.params).fetchall()
    total = db.execute(where.sql("count(*)"), where.params).fetchone()[0]
    return AnchorMix(classes, counts, [(anchor, int(n)) for anchor, n in rows], int(total))
