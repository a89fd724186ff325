"""Turning stored signal values into scores, bands and risk levels (the fast half of scoring).

Runs after every change of weights, flag points or thresholds: one INSERT … SELECT of integer
arithmetic over the narrow `link_features` table, index builds, and the domains' roll-up.
Scores are summed in integer tenths of a point, so an explanation's contributions add up to
the stored score exactly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from linkdesk.core.scoring.facts import FACT_COLUMNS
from linkdesk.core.scoring.features import ROLL_UP_LINKS, SCOPED_LINKS
from linkdesk.core.scoring.flags import risk_points
from linkdesk.core.scoring.model import SIGNALS, Model
from linkdesk.core.store.indexes import create_indexes, drop_indexes

SCORE_MAX = 1000  # tenths
_ID_SPAN = 1 << 40  # above any link id: orders (quality, -id) in one integer



def contribution_sql(model: Model) -> list[tuple[str, str]]:
    """(signal, SQL) pairs: each signal's effect in tenths of a point, over `link_features f`.

    Integer division truncates toward zero; the same expressions serve scoring and explaining.
    """
    return [(name, f"({model.weight_tenths(name)} * f.{name}) / 1000") for name in SIGNALS]


def quality_sql(model: Model) -> str:
    """The unclamped quality in tenths: base plus every weighted signal."""
    terms = [sql for name, sql in contribution_sql(model) if model.weight_tenths(name)]
    return " + ".join([str(model.weight_tenths("base")), *terms])


def band_sql(model: Model, tenths: str, level: str) -> str:
    """SQL for the band index from a quality in tenths and a risk level index."""
    thresholds = model.thresholds
    return (
        f"CASE WHEN {level} >= {model.risky_level()} THEN 0 "
        f"WHEN {tenths} >= {round(float(thresholds['strong']) * 10)} THEN 3 "
        f"WHEN {tenths} >= {round(float(thresholds['fair']) * 10)} THEN 2 ELSE 1 END"
    )


def apply_weights(
    db: sqlite3.Connection, model: Model, flag_sets: Iterable[int], scoped: bool = False
) -> None:
    """Rewrite `link_scores` and the scores in `domain_scores` from the stored signal values;
    when `scoped`, only those of the links and domains of the incremental scope
    (features.SCOPE_LINKS, features.ROLL_UP)."""
    db.execute("DROP TABLE IF EXISTS temp.score_levels")
    db.execute(
        "CREATE TEMP TABLE score_levels (flags INTEGER PRIMARY KEY, points INTEGER, "
        "level INTEGER)"
    )
    levels = []
    for bits in flag_sets:
        points = risk_points(bits, model)
        levels.append((bits, points, model.risk_level(points)))
    db.executemany("INSERT INTO temp.score_levels VALUES (?, ?, ?)", levels)
    low_confidence = int(model.thresholds["low_confidence_below"])

    # Bulk-loading and then indexing is several times faster than updating indexed rows. The
    # indexes are the window's sort indexes, if it built them (tables/indexes.py: schema 11
    # dropped the two of its own). Each costs about a second per million links to build.
    # A small scope updates the indexed rows in place instead.
    indexes = [] if scoped else drop_indexes(db, "link_scores")
    links = SCOPED_LINKS
    db.execute(f"DELETE FROM link_scores WHERE link_id IN {links}" if scoped
               else "DELETE FROM link_scores")
    facts = ", ".join(FACT_COLUMNS)  # the charts' facts, copied (facts.py)
    copied = ", ".join(f"f.{name}" for name in FACT_COLUMNS)
    db.execute(
        f"""
        INSERT INTO link_scores (link_id, domain_id, quality, band, risk_level, risk_points,
            flags, anchor_class, low_confidence, {facts})
        SELECT link_id, domain_id, max(0, min({SCORE_MAX}, q)) / 10.0,
            {band_sql(model, "q", "level")}, level, points, flags, anchor_class,
            confidence < {low_confidence}, {facts}
        FROM (
            SELECT f.link_id, f.domain_id, {quality_sql(model)} AS q, s.level, s.points,
                f.flags, f.anchor_class, f.confidence, {copied}
            FROM link_features AS f JOIN temp.score_levels AS s ON s.flags = f.flags
            {f"WHERE f.link_id IN {links}" if scoped else ""}
            LIMIT -1 OFFSET 0  -- not flattened: q is computed once per row
        )
        """
    )
    create_indexes(db, indexes)
    _roll_up_domains(db, model, scoped)
    db.execute("DROP TABLE temp.score_levels")


def _roll_up_domains(db: sqlite3.Connection, model: Model, scoped: bool = False) -> None:
    """A domain's quality is its best link's (of equals, the first: the smallest id, so a
    partial roll-up picks what a full one does); its risk comes from the domain's own flags."""
    indexes = [] if scoped else drop_indexes(db, "domain_scores")
    where = f"WHERE link_id IN {ROLL_UP_LINKS}" if scoped else ""
    # With max(), SQLite takes the bare columns from the row holding the maximum: one row,
    # as the key is unique (quality in tenths, then the smaller link id).
    best_key = f"CAST(quality * 10 + 0.5 AS INTEGER) * {_ID_SPAN} - link_id"
    db.execute(
        f"UPDATE domain_scores SET quality = best.quality, best_link_id = best.link_id, "
        f"low_confidence = best.low_confidence, risk_points = s.points, risk_level = s.level, "
        f"band = {band_sql(model, 'CAST(best.quality * 10 + 0.5 AS INTEGER)', 's.level')} "
        f"FROM (SELECT domain_id, max({best_key}), quality, link_id, low_confidence "
        f"FROM link_scores {where} GROUP BY domain_id) AS best, temp.score_levels AS s "
        f"WHERE domain_scores.id = best.domain_id AND s.flags = domain_scores.flags"
    )
    create_indexes(db, indexes)


def band_condition(model: Model, band: str, table: str = "link_scores") -> str:
    """SQL selecting the rows of a band as quality and risk-point ranges, which indexes serve.

    Equivalent to `band = <index>`; `table` is `link_scores` or `domain_scores`.
    """
    risky_points = risky_points_of(model)
    thresholds = model.thresholds
    strong, fair = float(thresholds["strong"]), float(thresholds["fair"])
    if band == "risky":
        return f"{table}.risk_points >= {risky_points}"
    ranges = {
        "strong": f"{table}.quality >= {strong!r}",
        "fair": f"{table}.quality >= {fair!r} AND {table}.quality < {strong!r}",
        "weak": f"{table}.quality < {fair!r}",
    }
    if band not in ranges:
        raise ValueError(f"unknown band {band!r}")
    return f"{ranges[band]} AND {table}.risk_points < {risky_points}"


def risky_points_of(model: Model) -> int:
    """The risk points from which the band is risky (0: never, when `risky_level` is none)."""
    key = ("risk_low", "risk_medium", "risk_high")[model.risky_level() - 1]
    return int(model.thresholds[key]) if model.risky_level() else 0
