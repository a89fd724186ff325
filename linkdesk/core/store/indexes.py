"""Setting a table's indexes aside while it is bulk-loaded, then building them again.

Building an index once over loaded rows is several times faster than growing it row by row,
so bulk writers (the first import, re-scoring) drop every index of the tables they fill and
recreate exactly the ones that were there — including those other parts of LinkDesk add
later, such as the window's sort indexes.
"""

from __future__ import annotations

import sqlite3


def drop_indexes(db: sqlite3.Connection, *tables: str) -> list[tuple[str, str]]:
    """Drop the explicit indexes of `tables`; return (name, CREATE statement) to rebuild them.

    Automatic indexes (PRIMARY KEY, UNIQUE constraints) have no statement and stay.
    """
    marks = ", ".join("?" * len(tables))
    indexes = db.execute(
        f"SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name",
        tables,
    ).fetchall()
    for name, _ in indexes:
        db.execute(f'DROP INDEX "{name}"')
    return indexes


def create_indexes(db: sqlite3.Connection, indexes: list[tuple[str, str]]) -> None:
    """Build again the indexes `drop_indexes` returned."""
    for _, sql in indexes:
        db.execute(sql)
