"""The library in a project's tables: a *Judged before* column and the *Never judged* filter.

The tables run their SQL on the project's connection, and a table query must never fail
because of the library. So the earlier verdicts are copied once into a temporary table of
that connection (`temp.library_verdicts`, nothing is written to the project file), which the
column and the filters join; `load_judged` fills it again when the library may have changed
(after marking, or when the window comes back to the front). If the library cannot be read
the table is empty, and `load_judged` returns the warning to show.

    warning = load_judged(db)                       # on each connection that queries tables
    JUDGED_JOIN.format(alias="d")                   # LEFT JOIN ... AS lv
    "lv.summary" / "lv.disavow" ...                 # the column's display / sort values
    never_judged_sql("d")                           # the review queue's WHERE clause
    judged_sql("d", "disavow")                      # judged disavow by another source
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from linkdesk.core.library.model import LibraryError
from linkdesk.core.library.read import judged_counts

TABLE = "temp.library_verdicts"
# Per domain the library knows: how many other sources gave each verdict, and the sentence
# ("disavowed in 3 projects") and the newest verdict's date.
_CREATE = (f"CREATE TABLE IF NOT EXISTS {TABLE} (domain TEXT PRIMARY KEY, "
           "disavow INTEGER NOT NULL, keep INTEGER NOT NULL, review INTEGER NOT NULL, "
           "summary TEXT NOT NULL, last_decided TEXT NOT NULL) WITHOUT ROWID")
JUDGED_JOIN = "LEFT JOIN temp.library_verdicts AS lv ON lv.domain = {alias}.domain"


def ensure_judged(db: sqlite3.Connection) -> None:
    """Create the (empty) temporary table, so queries joining it always work."""
    db.execute(_CREATE)


def load_judged(db: sqlite3.Connection, library: str | Path | None = None) -> str:
    """Fill `temp.library_verdicts` with the earlier verdicts on the project's domains.

    Returns "" or why the library could not be read (the table is then empty). Other
    projects' verdicts only: the project's own marks are its Mark column."""
    rows, warning = read_judged(db, library)
    store_judged(db, rows)
    return warning


JudgedRow = tuple[str, int, int, int, str, str]  # domain, disavow, keep, review, summary, last


def read_judged(db: sqlite3.Connection, library: str | Path | None = None
                ) -> tuple[list[JudgedRow], str]:
    """The rows `temp.library_verdicts` holds for this project, and "" or why the library
    could not be read (then no rows). Writes nothing: any connection to the project (or a
    thread's own) can read them for another."""
    try:
        found = judged_counts(db, library)
    except (LibraryError, OSError) as error:
        return [], f"The verdict library cannot be read: {error}"
    summaries: dict[tuple[tuple[tuple[str, int], ...], ...], str] = {}  # few distinct counts
    rows = []
    for domain, v in found.items():
        shape = (tuple(sorted(v.projects.items())), tuple(sorted(v.lists.items())))
        summary = summaries.get(shape)
        if summary is None:
            summary = summaries[shape] = v.summary
        rows.append((domain, v.count("disavow"), v.count("keep"), v.count("review"), summary,
                     v.last_decided))
    return rows, ""


def store_judged(db: sqlite3.Connection, rows: list[JudgedRow]) -> None:
    """Replace what `temp.library_verdicts` holds with `rows` (from `read_judged`)."""
    ensure_judged(db)
    in_transaction = db.in_transaction
    if not in_transaction:
        db.execute("BEGIN")  # one temp-table transaction: nothing touches the project file
    try:
        db.execute(f"DELETE FROM {TABLE}")
        db.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?)", rows)
    except BaseException:
        if not in_transaction:
            db.execute("ROLLBACK")
        raise
    if not in_transaction:
        db.execute("COMMIT")


def judged_sql(alias: str, verdict: str | None = None) -> str:
    """WHERE clause: the domain was judged (`verdict`, if given) by another source."""
    if verdict is None:
        return f"EXISTS (SELECT 1 FROM {TABLE} AS j WHERE j.domain = {alias}.domain)"
    if verdict not in ("disavow", "keep", "review"):
        raise ValueError(f"unknown verdict {verdict!r}")
    return (f"EXISTS (SELECT 1 FROM {TABLE} AS j WHERE j.domain = {alias}.domain "
            f"AND j.{verdict} > 0)")


def never_judged_sql(alias: str) -> str:
    """WHERE clause of the review queue: the domain has no mark in this project and no
    verdict from any other source in the library."""
    return (f"NOT EXISTS (SELECT 1 FROM domain_marks AS m WHERE m.domain = {alias}.domain) "
            f"AND NOT {judged_sql(alias)}")
