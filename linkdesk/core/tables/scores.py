"""Score columns and filters: quality, band and risk level joined from the stored scores.

The scores are per project (the band thresholds come from the project's model), so the scored
tables are built for a connection: `scored_tables(db)`. Use them only while
`scoring.scores_current(db)` holds; otherwise show `LINKS` / `DOMAINS` without scores.

The joins are inner joins (every link and domain has a score once scores are current), so a
sort by a score reads the scores' index in order instead of sorting in memory.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from linkdesk.core.fields import VENDORS, vendor_bit
from linkdesk.core.scoring import BANDS, RISK_LEVELS, load_model, scores_current
from linkdesk.core.scoring.combine import band_condition
from linkdesk.core.tables.domains import DOMAINS, vendor_domains
from linkdesk.core.tables.links import LINKS
from linkdesk.core.tables.spec import Clause, Column, FilterSQL, Kind, TableSpec

BAND_LABELS = dict(enumerate(name.capitalize() for name in BANDS))
RISK_LABELS = dict(enumerate(name.capitalize() for name in RISK_LEVELS))
SCORE_COLUMNS = ("quality", "band", "risk")


def _score_columns(alias: str, join: str) -> tuple[Column, ...]:
    # Each order ends with the score row's id: the order is then total within the index, and
    # the joined table's row id (the tie-breaker query.py adds) needs no sort.
    rowid = f"{alias}.link_id" if alias == "ls" else f"{alias}.id"
    return (
        Column("quality", "Quality", f"{alias}.quality", Kind.NUMBER, sortable=True,
               order=(f"{alias}.quality", f"{alias}.risk_points", rowid), join=join, width=6,
               decimals=1, tooltip="Quality score, 0-100 (see the details panel for why)"),
        Column("band", "Band", f"{alias}.band", Kind.LABEL, sortable=True,
               order=(f"{alias}.band", f"{alias}.quality", rowid), join=join, width=7,
               labels=BAND_LABELS, tooltip="Risky, weak, fair or strong"),
        Column("risk", "Risk", f"{alias}.risk_level", Kind.LABEL, sortable=True,
               order=(f"{alias}.risk_level", f"{alias}.risk_points", rowid), join=join,
               width=7, labels=RISK_LABELS, tooltip="Risk level from the risk flags"),
    )


def _filters(db: sqlite3.Connection, alias: str, join: str) -> dict[str, FilterSQL]:
    model = load_model(db)

    def band(value: int) -> Clause:
        index = int(value)
        if not 0 <= index < len(BANDS):
            raise ValueError(f"unknown band {value!r}")
        # `band_condition` names its table; the alias stands in for it.
        return Clause(f"({band_condition(model, BANDS[index], alias)})", joins=(join,))

    def risk(value: int) -> Clause:
        index = int(value)
        if not 0 <= index < len(RISK_LEVELS):
            raise ValueError(f"unknown risk level {value!r}")
        return Clause(f"{alias}.risk_level = ?", (index,), joins=(join,))

    filters: dict[str, FilterSQL] = {"band": band, "risk": risk}
    if alias == "ds":
        filters["vendor"] = _domain_vendor(join)
    return filters


def _domain_vendor(join: str) -> FilterSQL:
    """The Referring domains' vendor filter from the vendors the scores keep per domain.

    The same domains as `vendor_domains` (tables/domains.py; the tests compare) without a
    look into every domain's links: 0.5 s less per filtering of 100,000 domains.
    """
    def vendor(name: str) -> Clause:
        if name == "gsc":
            return vendor_domains(name)
        if name not in VENDORS:
            raise ValueError(f"unknown vendor {name!r}")
        return Clause(f"(ds.vendors & {vendor_bit(name)}) <> 0", joins=(join,))

    return vendor


def _placed_after(spec: TableSpec, name: str, count: int) -> TableSpec:
    """`spec` with its last `count` columns moved right after the column `name`."""
    columns = list(spec.columns)
    added, kept = columns[-count:], columns[:-count]
    position = [column.name for column in kept].index(name) + 1
    return replace(spec, columns=(*kept[:position], *added, *kept[position:]))


def scored_links(db: sqlite3.Connection) -> TableSpec:
    """The Links table with Quality, Band and Risk (after Rel), and the band and risk filters."""
    joins = {"scores": "JOIN link_scores AS ls ON ls.link_id = l.id"}
    spec = LINKS.with_columns(*_score_columns("ls", "scores"), joins=joins,
                              filters=_filters(db, "ls", "scores"))
    return _placed_after(spec, "rel", len(SCORE_COLUMNS))


def scored_domains(db: sqlite3.Connection) -> TableSpec:
    """The Referring domains table with Quality, Band and Risk (after Links), and filters."""
    joins = {"scores": "JOIN domain_scores AS ds ON ds.domain = d.domain"}
    spec = DOMAINS.with_columns(*_score_columns("ds", "scores"), joins=joins,
                                filters=_filters(db, "ds", "scores"))
    return _placed_after(spec, "links", len(SCORE_COLUMNS))


def scored_tables(db: sqlite3.Connection) -> tuple[TableSpec, TableSpec] | None:
    """(links, domains) with scores, or None when the stored scores are out of date."""
    if not scores_current(db):
        return None
    return scored_links(db), scored_domains(db)
