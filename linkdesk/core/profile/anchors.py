"""Anchor text: links per anchor class, and the most used anchors."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from linkdesk.core.profile.links import LinkFacts, integers
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


def _top_anchors(db: sqlite3.Connection, facts: LinkFacts,
                 top: int) -> list[tuple[str | None, int]]:
    """The most used anchor groups, counted from the facts, each with its text as the
    Anchors table shows it: the smallest spelling among the links in scope.

    Links count per anchor text (its id), texts per group (`anchor_texts`, written with
    the ids by scoring/features.py). Group 0 is the links without an anchor (shown as None,
    as GROUP BY shows NULL). Equal counts go in group order, the order texts were met.
    """
    per_text = np.bincount(facts.anchor_id)
    text = db.execute("SELECT group_concat(key) FROM (SELECT key FROM anchor_texts "
                      "ORDER BY id)").fetchone()[0]
    group_of = np.concatenate(([0], integers(text)))  # ids run 1, 2, ... without gaps
    if len(group_of) < len(per_text):  # pragma: no cover - written by the same build
        raise ValueError("the anchor texts do not match the links: re-score the project")
    per_group = np.bincount(group_of[:len(per_text)], weights=per_text).astype(np.int64)
    groups = np.flatnonzero(per_group)
    if len(groups) > top > 0:  # everything at least as large as the top-th, in order
        kth = np.partition(per_group[groups], len(groups) - top)[len(groups) - top]
        groups = groups[per_group[groups] >= kth]
    keys = groups[np.lexsort((groups, -per_group[groups]))][:top].tolist()
    texts: dict[int, str | None] = {0: None}
    named = ",".join(str(key) for key in keys if key)
    if named:
        for text_id, key, anchor in db.execute(
                f"SELECT id, key, anchor FROM anchor_texts WHERE key IN ({named})"):
            if text_id < len(per_text) and per_text[text_id] and (
                    texts.get(key) is None or anchor < texts[key]):
                texts[key] = anchor
    return [(texts.get(key), int(per_group[key])) for key in keys]


def _top_anchors_unscored(db: sqlite3.Connection, scope: Scope,
                          top: int) -> list[tuple[str | None, int]]:
    where = scope.links  # materialized by the caller, if it chose to
    # Grouped as the Anchors table groups: the anchors' index (links.py) is read in order.
    tail = f"GROUP BY l.anchor COLLATE NOCASE ORDER BY n DESC LIMIT {int(top)}"
    rows = db.execute(where.sql("min(l.anchor), count(*) AS n", tail), where.params).fetchall()
    return [(anchor, int(n)) for anchor, n in rows]
