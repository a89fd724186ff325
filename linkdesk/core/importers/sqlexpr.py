"""SQL expressions that turn raw cell text into typed field values.

Cells are staged as text and converted in SQL while they are copied into the project: converting
a million rows in SQLite's C code is several times faster than a Python call per cell. Rare
shapes (`Sep 15, 2026`, `1,240`) fall back to the Python parsers registered as SQL functions.
"""

from __future__ import annotations

import re
import sqlite3

from linkdesk.core.fields import FIELDS, Kind
from linkdesk.core.importers.formats import Column, Derived
from linkdesk.core.values import parse_date, parse_number

_TRUE = "('true', 'yes', 'y', '1', 'x')"
_FALSE = "('false', 'no', 'n', '0')"
_REFERENCE = re.compile(r"\{([^}]+)\}")


def register_functions(db: sqlite3.Connection) -> None:
    """Register the Python fallbacks the expressions call (`ld_date`, `ld_number`)."""
    db.create_function("ld_date", 1, parse_date, deterministic=True)
    db.create_function("ld_number", 1, parse_number, deterministic=True)


def cell_expression(kind: Kind, column: str) -> str:
    """SQL that reads the staged text cell `column` as a value of `kind`."""
    value = f"trim({column})"
    if kind is Kind.TEXT:
        return column
    if kind is Kind.BOOL:
        return (
            f"CASE WHEN lower({value}) IN {_TRUE} THEN 1 "
            f"WHEN lower({value}) IN {_FALSE} THEN 0 END"
        )
    if kind is Kind.FLAG:
        return f"CASE WHEN {value} = '' OR lower({value}) IN {_FALSE} THEN 0 ELSE 1 END"
    if kind is Kind.REL:
        return (
            f"CASE WHEN instr(lower({column}), 'nofollow') > 0 OR lower({value}) IN {_TRUE} "
            f"THEN 1 WHEN {value} = '' THEN NULL ELSE 0 END"
        )
    if kind is Kind.DATE:
        return (
            f"CASE WHEN {value} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' "
            f"THEN substr({value}, 1, 10) WHEN {value} = '' THEN NULL ELSE ld_date({column}) END"
        )
    if kind is Kind.NUMBER:
        return (
            f"CASE WHEN {value} = '' THEN NULL "
            f"WHEN {value} GLOB '*[^0-9.]*' THEN ld_number({column}) "
            f"ELSE CAST({value} AS REAL) END"
        )
    raise ValueError(f"no SQL for {kind}")


def field_expression(
    name: str, spec: Column | Derived, staged: dict[str, str]
) -> tuple[str, str | None] | None:
    """SQL for one field, and the column it reads (None for derived fields).

    `staged` maps lower-cased header names present in the file to their staging columns.
    Returns None when the file lacks the columns the field needs.
    """
    if isinstance(spec, Column):
        present = next((name for name in spec.names if name in staged), None)
        if present is None:
            return None
        kind = spec.kind or FIELDS[name][0]
        return cell_expression(kind, staged[present]), present
    references = _REFERENCE.findall(spec.sql)
    if not all(reference in staged for reference in references):
        return None
    return _REFERENCE.sub(lambda match: staged[match[1]], spec.sql), None
