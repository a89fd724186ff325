"""Anchor text: links per anchor class, and the most used anchors."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from linkdesk.core.profile.links import LinkFacts
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
    top: list[tuple[str | None, int]]  # (anchor text as first seen, links), most first
    total: int  # links in scope

    def share(self, name: str) -> float:
        """A class's share of the links, 0-1."""
        return float(self.links[self.classes.index(name)]) / self.total if self.total else 0.0


def anchor_mix(db: sqlite3.Connection, scope: Scope, facts: LinkFacts,
               top: int = 10) -> AnchorMix:
    """Links in scope per anchor class, and the `top` most used anchor texts (any case)."""
    classes = tuple(CLASS_LABELS)
    counts = np.zeros(len(classes), dtype=np.int64)
    if facts.scored and len(facts):
        per_class = np.bincount(facts.anchor_class, minlength=len(ANCHOR_CLASSES))
        for index, name in enumerate(ANCHOR_CLASSES):
            counts[classes.index(name)] = per_class[index]
        most = _top_anchors(db, facts, top)
    else:
        most = _top_anchors_unscored(db, scope, top)
    return AnchorMix(classes, counts, most, len(facts))


def _top_anchors(db: sqlite3.Connection, facts: LinkFacts, top: int) -> list[tuple[str, int]]:
    """The most used anchor groups, counted from the facts, each with its text.

    Key 0 groups the links without an anchor (shown as None, as GROUP BY shows NULL).
    """
    per_key = np.bincount(facts.anchor_key)
    candidates = np.arange(len(per_key))
    if len(per_key) > top > 0:  # the top few of up to a million groups, without a full sort
        candidates = np.argpartition(-per_key, top - 1)[:top]
    # Most links first; equal counts in key order (the order anchors were first met).
    ordered = sorted(candidates.tolist(), key=lambda key: (-per_key[key], key))[:top]
    keys = [int(key) for key in ordered if per_key[key]]
    named = ",".join(str(key) for key in keys if key)
    texts: dict[int, str | None] = {0: None}
    if named:  # each group's text as the Anchors table shows it (scoring/features.py)
        texts.update(db.execute(f"SELECT key, anchor FROM anchor_groups WHERE key IN ({named})"))
    return [(texts.get(key), int(per_key[key])) for key in keys]


def _top_anchors_unscored(db: sqlite3.Connection, scope: Scope,
                          top: int) -> list[tuple[str, int]]:
    where = scope.links  # materialized by the caller, if it chose to
    # Grouped as the Anchors table groups: the anchors' index (links.py) is read in order.
    tail = f"GROUP BY l.anchor COLLATE NOCASE ORDER BY n DESC LIMIT {int(top)}"
    rows = db.execute(where.sql("min(l.anchor), count(*) AS n", tail), where.params).fetchall()
    return [(anchor, int(n)) for anchor, n in rows]
