"""The Mark column and the `marked` filter of the Links and Referring domains tables.

Composed like the scores (scores.py): `with_marks(spec)` adds them to LINKS or DOMAINS, scored
or not; `marked_tables(db)` gives both, with scores when they are current.

A link's Mark is its effective mark (marks/store.py): its own, else its domain's, shown as
"Disavow" or "Disavow (domain)". The column is not sortable: the effective mark is a CASE over
two outer joins, and no index can serve an ORDER BY on it (the tables never sort in memory).
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from linkdesk.core.marks import Preview, Target, targets_from_ids
from linkdesk.core.marks.batched import mark_rows
from linkdesk.core.marks.model import MarkKind
from linkdesk.core.marks.store import (
    EFFECTIVE_KIND_SQL,
    EFFECTIVE_REASON_SQL,
    LINK_MARK_JOINS,
    OWN_MARK_WINS_SQL,
)
from linkdesk.core.tables.domains import DOMAINS
from linkdesk.core.tables.links import LINKS
from linkdesk.core.tables.query import TableQuery
from linkdesk.core.tables.scores import scored_tables
from linkdesk.core.tables.spec import Clause, Column, Filters, FilterSQL, Kind, TableSpec

KINDS = tuple(MarkKind)
# Codes of the Mark column: 1-3 a row's own mark, 4-6 its domain's (links only).
MARK_LABELS: dict[int, str] = {
    **{index + 1: kind.label for index, kind in enumerate(KINDS)},
    **{index + 4: f"{kind.label} (domain)" for index, kind in enumerate(KINDS)},
}
# The Links table's Mark is wide enough for "Disavow (domain)" (at 12 average characters,
# the Referring domains table's, it read "Keep (dom…"); two more, as its letters are wider
# than the average.
WIDEST_MARK = max(map(len, MARK_LABELS.values())) + 2
_CODE = " ".join(f"WHEN '{kind.value}' THEN {index + 1}" for index, kind in enumerate(KINDS))


def _link_columns() -> tuple[Column, ...]:
    code = (f"(CASE WHEN {OWN_MARK_WINS_SQL} THEN (CASE lm.kind {_CODE} END) "
            f"ELSE (CASE dm.kind {_CODE} END) + 3 END)")
    marked_at = f"(CASE WHEN {OWN_MARK_WINS_SQL} THEN lm.marked_at ELSE dm.marked_at END)"
    return _columns(code, EFFECTIVE_REASON_SQL, marked_at, WIDEST_MARK)


def _domain_columns() -> tuple[Column, ...]:
    return _columns(f"(CASE dm.kind {_CODE} END)", "dm.reason", "dm.marked_at", 12)


def _columns(code: str, reason: str, marked_at: str, width: int) -> tuple[Column, ...]:
    return (
        Column("mark", "Mark", code, Kind.LABEL, join="marks", width=width, labels=MARK_LABELS,
               tooltip="Disavow, keep or review: the row's own mark, else its domain's"),
        Column("mark_reason", "Mark reason", reason, join="marks", width=24, visible=False,
               tooltip="Why it is marked"),
        Column("marked_at", "Marked", f"substr({marked_at}, 1, 10)", Kind.DATE, join="marks",
               width=10, visible=False, tooltip="When it was marked (UTC)"),
    )


def marked_filter(kind_sql: str, any_sql: str) -> FilterSQL:
    """The `marked` filter: True any mark, False none, or a kind ("disavow", "keep", "review"
    or a MarkKind) for rows whose (effective) mark is that kind."""

    def marked(value: bool | str | MarkKind) -> Clause:
        if value is True:
            return Clause(any_sql, joins=("marks",))
        if value is False:
            return Clause(f"NOT {any_sql}", joins=("marks",))
        try:
            kind = MarkKind(value)
        except ValueError:
            raise ValueError(f"unknown mark {value!r}") from None
        return Clause(f"{kind_sql} = ?", (kind.value,), joins=("marks",))

    return marked


def with_marks(spec: TableSpec) -> TableSpec:
    """LINKS or DOMAINS (scored or not) with the Mark columns and the `marked` filter."""
    if spec.name == "links":
        columns = _link_columns()
        joins = {"marks": LINK_MARK_JOINS}
        filters = {"marked": marked_filter(EFFECTIVE_KIND_SQL,
                                           "(lm.kind IS NOT NULL OR dm.kind IS NOT NULL)")}
        after = "rel"
    elif spec.name == "domains":
        columns = _domain_columns()
        joins = {"marks": "LEFT JOIN domain_marks AS dm ON dm.domain = d.domain"}
        filters = {"marked": marked_filter("dm.kind", "(dm.kind IS NOT NULL)")}
        after = "links"
    else:
        raise ValueError(f"the {spec.title} table has no marks")
    names = [column.name for column in spec.columns]
    if "risk" in names:
        after = "risk"
    marked = spec.with_columns(*columns, joins=joins, filters=filters)
    kept = list(marked.columns[: -len(columns)])
    position = [column.name for column in kept].index(after) + 1
    return replace(marked, columns=(*kept[:position], *columns, *kept[position:]))


def marked_tables(db: sqlite3.Connection) -> tuple[TableSpec, TableSpec]:
    """(links, domains) with marks, and with scores while the stored scores are current."""
    tables = scored_tables(db) or (LINKS, DOMAINS)
    return with_marks(tables[0]), with_marks(tables[1])


def mark_filtered(
    db: sqlite3.Connection, spec: TableSpec, filters: Filters | None, kind: MarkKind | None,
    reason: str = "", *, forced: bool = False, extra: Target | None = None,
    library: str | Path | None = None, dry_run: bool = False,
) -> tuple[Preview, str]:
    """Mark every row the table shows with these filters (and the domains and links of
    `extra`): what `targets_from_filter` + `plan_marks` + `apply_change` do, in batches
    (marks/batched.py), never holding the rows in memory. Returns what was done (or would
    be, `dry_run`) and "" or the verdict library's warning."""
    sql, params = TableQuery(db, spec, filters).matching_sql()
    return mark_rows(db, spec.name, sql, params, kind, reason, forced=forced, extra=extra,
                     library=library, dry_run=dry_run)


def targets_from_filter(db: sqlite3.Connection, spec: TableSpec,
                        filters: Filters | None = None) -> Target:
    """Every row the table shows with these filters (any sort), as marks' targets."""
    ids = TableQuery(db, spec, filters).ordered_ids()
    return targets_from_ids(db, spec.name, list(ids))
