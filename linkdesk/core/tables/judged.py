"""The Referring domains table's *Judged before* column and `judged` filter (issue 20).

    spec = with_judged(domains_spec)          # marked, scored or not; after with_marks
    TableQuery(db, spec, Filters(judged="never")).ordered_ids()
    warning = refresh_judged(db)              # the GUI connection, whose rows read the column

The column and the filter read the earlier verdicts that the verdict library holds on the
project's domains, copied into a temporary table of the connection (core/library/tables.py).
The spec's `prepare` step brings that copy up to date on whatever connection runs the query
(the window's, its background loader's, an export's), as the since-review filters do theirs
(core/timeline/filters.py). Reading the library again costs up to a second (110,000 domains
of which 36,000 judged: 0.7 s, mostly counting in the library), so it is done only when
something it depends on moved: the library file (another window, a command), the project's
referring domains (an import), or `judged_changed()` (this process marked). The key of what a
connection holds lives in a temporary table of its own. The last read is kept for the whole
process, so a second connection of the same project (the window's, after its background
loader read) only copies the rows in.

Filter values: "judged" (any verdict from another project or list), "disavow", "keep",
"review" (judged so by at least one of them), "never" (no mark here and no verdict anywhere:
the review queue).
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from linkdesk.core.library import (
    JUDGED_JOIN,
    ensure_judged,
    judged_sql,
    library_path,
    never_judged_sql,
    read_judged,
    store_judged,
)
from linkdesk.core.library.tables import TABLE, JudgedRow
from linkdesk.core.tables.spec import Clause, Column, Filters, TableSpec

JUDGED_VALUES = ("judged", "disavow", "keep", "review", "never")
JUDGED_TITLES = {"judged": "Judged before", "disavow": "Disavowed before",
                 "keep": "Kept before", "review": "Marked review before",
                 "never": "Never judged"}
_KEY = "temp.library_verdicts_key"
_generation = itertools.count(1)
_current = next(_generation)  # moved by judged_changed(): every connection reads again
_lock = threading.Lock()  # the loader's thread and the GUI thread share the last read
_last_read: tuple[str, list[JudgedRow], str] | None = None  # key, rows, warning

JUDGED_COLUMN = Column(
    "judged", "Judged before", "lv.summary", join="judged", width=26,
    tooltip="What other projects and imported lists decided about this domain "
            "(the verdict library)")


def judged_changed() -> None:
    """This process changed the library (or the project's marks): every connection reads
    the earlier verdicts again at its next table query."""
    global _current
    _current = next(_generation)


def refresh_judged(db: sqlite3.Connection, library: str | Path | None = None) -> str:
    """Bring the connection's copy of the earlier verdicts up to date, if anything moved.

    Returns "" or why the library cannot be read (the copy is then empty: no column values,
    nothing judged)."""
    ensure_judged(db)
    key = _state(db, library)
    try:
        held = db.execute(f"SELECT key, warning FROM {_KEY}").fetchone()
    except sqlite3.OperationalError:  # first use on this connection
        held = None
    if held is not None and held[0] == key:
        return str(held[1])
    rows, warning = _read(db, library, key)
    store_judged(db, rows)
    db.execute(f"DROP TABLE IF EXISTS {_KEY}")
    db.execute(f"CREATE TABLE {_KEY} (key TEXT, warning TEXT)")
    db.execute(f"INSERT INTO {_KEY} VALUES (?, ?)", (key, warning))
    return warning


def _read(db: sqlite3.Connection, library: str | Path | None, key: str
          ) -> tuple[list[JudgedRow], str]:
    """The rows for `key`: read by another connection of this process already, or now."""
    global _last_read
    with _lock:
        if _last_read is not None and _last_read[0] == key:
            return _last_read[1], _last_read[2]
    rows, warning = read_judged(db, library)
    with _lock:
        _last_read = (key, rows, warning)
    return rows, warning


def judged_extent(db: sqlite3.Connection) -> tuple[int, int]:
    """(domains, characters): how many of the project's domains this connection's copy of
    the earlier verdicts holds (after `refresh_judged`), and the longest Judged before text
    among them. The window hides the column when nothing was judged and sizes it by it."""
    ensure_judged(db)
    count, longest = db.execute(
        f"SELECT count(*), coalesce(max(length(summary)), 0) FROM {TABLE}").fetchone()
    return int(count), int(longest)


def judged_stale(db: sqlite3.Connection, library: str | Path | None = None) -> bool:
    """Whether the connection's copy would be read again (the library or the project moved
    since): the window asks when it comes back to the front."""
    try:
        held = db.execute(f"SELECT key FROM {_KEY}").fetchone()
    except sqlite3.OperationalError:
        return True
    return held is None or held[0] != _state(db, library)


def judged_domains(value: str) -> Clause:
    """Domains judged before (by a verdict, if one is named), or never judged anywhere."""
    if value == "never":
        return Clause(never_judged_sql("d"))
    if value == "judged":
        return Clause(judged_sql("d"))
    if value not in JUDGED_VALUES:
        raise ValueError(f"unknown judged filter {value!r}; one of {JUDGED_VALUES}")
    return Clause(judged_sql("d", value))


def with_judged(spec: TableSpec) -> TableSpec:
    """The Referring domains table (marked, scored or not) with the Judged before column
    (after Mark, if there is one) and the `judged` filter."""
    if spec.name != "domains":
        raise ValueError(f"the {spec.title} table has no Judged before column")
    joined = spec.with_columns(JUDGED_COLUMN, joins={"judged": JUDGED_JOIN.format(alias="d")},
                               filters={"judged": judged_domains})
    names = [column.name for column in spec.columns]
    after = names.index("mark") + 1 if "mark" in names else len(names)
    columns = (*spec.columns[:after], JUDGED_COLUMN, *spec.columns[after:])
    return replace(joined, columns=columns, prepare=_prepare(spec.prepare))


def _prepare(previous: Callable[[sqlite3.Connection, Filters], None] | None
             ) -> Callable[[sqlite3.Connection, Filters], None]:
    def prepare(db: sqlite3.Connection, filters: Filters) -> None:
        if previous is not None:
            previous(db, filters)
        refresh_judged(db)
    return prepare


def _state(db: sqlite3.Connection, library: str | Path | None) -> str:
    """What the copy depends on, the same for every connection to the project: the library
    file as it is on disk (WAL: its -wal file too), the project's referring domains, and
    this process's own changes."""
    where = library_path(library)
    stats = []
    for path in (where, where.with_name(where.name + "-wal")):
        try:
            found = os.stat(path)
        except OSError:
            stats.append("-")
            continue
        stats.append(f"{found.st_mtime_ns}:{found.st_size}:{found.st_ino}")
    project = next((file for _, name, file in db.execute("PRAGMA database_list")
                    if name == "main"), "")
    # Imports rebuild the domains they touch under new rowids (store/merge.py), and nothing
    # else removes one: two index lookups tell a changed list (a count would scan it).
    domains = db.execute("SELECT (SELECT max(rowid) FROM referring_domains), "
                         "(SELECT max(rowid) FROM imports)").fetchone()
    return f"{where}|{'|'.join(stats)}|{project}|{domains[0]}:{domains[1]}|{_current}"
