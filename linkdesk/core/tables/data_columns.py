"""Vendor metric columns follow the data: a project shows the metrics its exports carry.

A Semrush-only project has Authority Score (AS) and no DR, UR, TF or DA; showing four empty
columns and hiding the one with values, sorted by an empty DR, is what a new user would
otherwise see. `with_data_columns(spec, fields)` shows a vendor's main metric when the
project has values for it and hides empty ones; a table whose scores are current opens
sorted by Quality.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

from linkdesk.core.tables.spec import Sort, TableSpec

# Each vendor's main metrics: shown by default when the project has values for them.
MAIN_METRICS = ("domain_rating", "url_rating", "trust_flow", "domain_authority", "page_ascore")
# Further metrics: hidden by default (the column chooser shows them).
OTHER_METRICS = ("citation_flow", "page_authority", "spam_score")
METRIC_COLUMNS = MAIN_METRICS + OTHER_METRICS


def fields_with_data(db: sqlite3.Connection) -> frozenset[str]:
    """The metric fields at least one link has a value for.

    Only fields some import read a column for are looked at (each import keeps its
    field -> column mapping); a field with a value stops its search at the first one.
    """
    mapped: set[str] = set()
    for (mapping,) in db.execute("SELECT DISTINCT mapping FROM imports"):
        try:
            mapped.update(json.loads(mapping))
        except (TypeError, ValueError):  # an unreadable mapping: look at every metric
            mapped.update(METRIC_COLUMNS)
    found = set()
    for name in METRIC_COLUMNS:  # names of `links` columns, never user input
        if name in mapped and db.execute(
                f"SELECT EXISTS (SELECT 1 FROM links WHERE {name} IS NOT NULL)").fetchone()[0]:
            found.add(name)
    return frozenset(found)


def with_data_columns(spec: TableSpec, fields: frozenset[str]) -> TableSpec:
    """`spec` with its metric columns shown or hidden by the data, sorted by Quality if it
    has it, else not by an empty metric."""
    columns = tuple(
        replace(column, visible=column.name in MAIN_METRICS and column.name in fields)
        if column.name in METRIC_COLUMNS else column
        for column in spec.columns
    )
    names = {column.name for column in columns}
    sort = spec.default_sort
    if "quality" in names:
        sort = Sort("quality", descending=True)
    elif sort.column in METRIC_COLUMNS and sort.column not in fields:
        sort = next((Sort(c.name, descending=True) for c in columns
                     if c.name in MAIN_METRICS and c.name in fields and c.sortable),
                    Sort("last_seen", descending=True) if "last_seen" in names else sort)
    return replace(spec, columns=columns, default_sort=sort)


def empty_metric(spec: TableSpec, column: str, fields: frozenset[str]) -> bool:
    """Whether `column` of `spec` is a metric the project has no values for."""
    return column in METRIC_COLUMNS and column not in fields
