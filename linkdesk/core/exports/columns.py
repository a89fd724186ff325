"""Which tables and columns a CSV export writes.

    export_spec(db, "links")   the table as the window shows it: scores (when current), marks,
                               for links the live-check columns (Check, Checked), for
                               domains Judged before (the verdict library)
    csv_columns(spec)          written by default: the shown columns, risk flags, mark reason
    all_columns(spec)          every column, also the hidden ones and those only a file has
    LEGACY_COLUMNS["links"]    the layout `linkdesk export --links` always wrote (header names)
    legacy_spec(spec)          ... and its values: bands and risk levels by name, "dofollow"
    legacy_layout(spec, "links")   its columns and header names, then every other column

Some columns exist only in files (`with_file_columns`): the risk flags, and for scored tables
the anchor class, risk points and confidence the score explanations give (links), the live
links and best link (domains). The window's tables do not show them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

from linkdesk.core.scoring import ANCHOR_CLASSES, BANDS, RISK_LEVELS
from linkdesk.core.tables import (
    ANCHORS,
    Column,
    Kind,
    TableSpec,
    fields_with_data,
    marked_tables,
    with_checks,
    with_data_columns,
    with_judged,
)

FLAGS_COLUMN = "flags"
TABLE_NAMES = ("links", "domains", "anchors")
_SCORE_ALIASES = {"links": "ls", "domains": "ds"}
_CONFIDENCE = {0: "normal", 1: "low"}

# (header, column): the header names `linkdesk export --links/--domains` wrote, old scripts
# read the file by them; the columns of the table that now fill them.
LEGACY_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "links": (
        ("source_url", "source_url"), ("target_url", "target_url"), ("domain", "domain"),
        ("anchor", "anchor"), ("anchor_class", "anchor_class"), ("quality", "quality"),
        ("band", "band"), ("risk_level", "risk"), ("risk_points", "risk_points"),
        ("flags", "flags"), ("confidence", "confidence"), ("follow", "rel"), ("lost", "lost"),
        ("first_seen", "first_seen"), ("last_seen", "last_seen"),
    ),
    "domains": (
        ("domain", "domain"), ("quality", "quality"), ("band", "band"),
        ("risk_level", "risk"), ("risk_points", "risk_points"), ("flags", "flags"),
        ("links", "links"), ("live_links", "live_links"), ("hosts", "hosts"),
        ("best_link", "best_link"), ("confidence", "confidence"),
    ),
}


# Columns of host names the first layout wrote in Unicode (the tables show punycode).
LEGACY_UNICODE_HOSTS = ("domain",)


def export_spec(db: sqlite3.Connection, table: str) -> TableSpec:
    """The table `table` ("links", "domains" or "anchors") as the window builds it."""
    if table == "anchors":
        return ANCHORS
    if table not in TABLE_NAMES:
        raise ValueError(f"no table {table!r}; choose one of {', '.join(TABLE_NAMES)}")
    links, domains = marked_tables(db)
    spec = with_checks(links) if table == "links" else with_judged(domains)
    return with_data_columns(spec, fields_with_data(db))  # the metrics the project has


def legacy_spec(spec: TableSpec) -> TableSpec:
    """`spec` with the values `export --links/--domains` always wrote: bands and risk levels
    by their names ("strong", "none"), a followed link's rel as "dofollow"."""
    names = {column.name for column in spec.columns}
    changed: dict[str, dict[str, Any]] = {
        "band": {"labels": dict(enumerate(BANDS))},
        "risk": {"labels": dict(enumerate(RISK_LEVELS))},
    }
    if "rel" in names:
        rel = spec.column("rel").sql
        changed["rel"] = {"sql": f"(CASE ({rel}) WHEN 'follow' THEN 'dofollow' ELSE ({rel}) END)"}
    columns = tuple(replace(column, **changed[column.name]) if column.name in changed
                    else column for column in spec.columns)
    return replace(spec, columns=columns)


def legacy_layout(spec: TableSpec, table: str) -> tuple[list[str], list[str]]:
    """(columns, headers) of `export --links/--domains`: its columns under its header names,
    then every other column of `spec` under its name."""
    pairs = list(LEGACY_COLUMNS[table])
    named = {column for _, column in pairs}
    pairs += [(column, column) for column in all_columns(spec) if column not in named]
    return [column for _, column in pairs], [header for header, _ in pairs]


def csv_columns(spec: TableSpec) -> tuple[str, ...]:
    """The columns written by default: the visible ones, then risk flags and mark reason."""
    names = [column.name for column in spec.columns if column.visible]
    if "scores" in spec.joins and spec.name in _SCORE_ALIASES:
        names.append(FLAGS_COLUMN)
    if "marks" in spec.joins and "mark_reason" not in names:
        names.append("mark_reason")
    return tuple(names)


def all_columns(spec: TableSpec) -> tuple[str, ...]:
    """Every column: the table's (shown and hidden), then those only a file has."""
    return tuple(column.name for column in with_file_columns(spec).columns)


def with_file_columns(spec: TableSpec) -> TableSpec:
    """`spec` with the columns only a file has (none when the table is not scored)."""
    alias = _SCORE_ALIASES.get(spec.name)
    if "scores" not in spec.joins or alias is None:
        return spec
    present = {column.name for column in spec.columns}
    extra = [column for column in _file_columns(alias) if column.name not in present]
    return spec.with_columns(*extra) if extra else spec


def _file_columns(alias: str) -> tuple[Column, ...]:
    def hidden(name: str, title: str, sql: str, kind: Kind = Kind.TEXT,
               labels: dict[int, str] | None = None) -> Column:
        return Column(name, title, sql, kind, join="scores", visible=False, labels=labels)

    flags = hidden(FLAGS_COLUMN, "Risk flags", f"{alias}.flags")
    points = hidden("risk_points", "Risk points", f"{alias}.risk_points", Kind.NUMBER)
    confidence = hidden("confidence", "Confidence",
                        f"(CASE WHEN {alias}.low_confidence THEN 1 ELSE 0 END)", Kind.LABEL,
                        _CONFIDENCE)
    if alias == "ls":
        anchor_class = hidden("anchor_class", "Anchor class", "ls.anchor_class", Kind.LABEL,
                              dict(enumerate(ANCHOR_CLASSES)))
        return flags, anchor_class, points, confidence
    return (
        flags, points,
        hidden("live_links", "Live links", "ds.live_links", Kind.NUMBER),
        hidden("best_link", "Best link", "(SELECT source_url FROM links WHERE id = "
                                         "ds.best_link_id)", Kind.URL),
        confidence,
    )
