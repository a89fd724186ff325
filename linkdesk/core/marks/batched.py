"""Marking every row a filter lets through, in batches: bounded memory on a million links.

    summary, warning = mark_rows(db, "links", sql, params, MarkKind.DISAVOW, "spam burst")

`sql` selects the `id` of the rows to mark (`links.id`, or the rowid of `referring_domains`
for "domains"), as `TableQuery.matching_sql()` gives it. The ids go into a temporary table
(SQLite's, not a Python list), then `BATCH` rows at a time are planned by the rules of
`plan_marks` (plan_domain_marks / plan_link_marks: keep wins, imported disavow entries
withdrawn) and written, every batch in one transaction: the marks are the ones `plan_marks` +
`apply_change` give, an interruption or a failure leaves none of them, and the Preview counts
what was done. The domains' new marks are recorded in the verdict library after the commit, as
`apply_change` does. `dry_run` plans and counts only (the project is not written).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from linkdesk.core.marks.bulk import SAMPLE_SIZE, Preview, Tally, Target
from linkdesk.core.marks.change import MarkChange, RowEdit, record_in_library, write_change
from linkdesk.core.marks.model import MarkKind, MarksError, now_iso
from linkdesk.core.marks.store import change_title, plan_domain_marks, plan_link_marks, rows_text
from linkdesk.core.store import atomic

BATCH = 5_000  # rows planned and written at a time
_TABLE = "temp.marking_rows"
_KEYS = {  # table -> the keys of a batch of its rows, after `?` (the last id) in id order
    "links": "SELECT m.id, l.source_url, l.target_url FROM temp.marking_rows AS m "
             "JOIN links AS l ON l.id = m.id WHERE m.id > ? ORDER BY m.id LIMIT ?",
    "domains": "SELECT m.id, d.domain FROM temp.marking_rows AS m "
               "JOIN referring_domains AS d ON d.rowid = m.id WHERE m.id > ? "
               "ORDER BY m.id LIMIT ?",
}


def mark_rows(
    db: sqlite3.Connection, table: str, sql: str, params: tuple[object, ...],
    kind: MarkKind | None, reason: str = "", *, forced: bool = False,
    extra: Target | None = None, library: str | Path | None = None, dry_run: bool = False,
    batch: int | None = None, sample_size: int = SAMPLE_SIZE,
) -> tuple[Preview, str]:
    """Mark (`kind` None: clear) the rows of `table` ("links" or "domains") that `sql`
    selects, and the domains and links of `extra` (named one by one: planned first, as
    `plan_marks` would); returns what was done (or would be, `dry_run`) and "" or the
    library's warning. Raises MarksError for another table."""
    if table not in _KEYS:
        raise MarksError(f"rows of the {table} table cannot be marked (links or domains only)")
    tally = Tally(sample_size)
    library_edits: list[RowEdit] = []

    def planned(change: MarkChange) -> None:
        tally.add(db, change)
        if not dry_run:
            write_change(db, change)
            library_edits.extend(e for e in change.edits if e.table == "domain_marks")

    extra = extra or Target()
    named_domains, named_links = set(extra.domains), set(extra.links)
    now = now_iso()  # one time for every batch, as one change has
    with _writing(db, dry_run), _ids(db, sql, params):
        planned(plan_domain_marks(db, extra.domains, kind, reason, forced=forced, now=now))
        planned(plan_link_marks(db, extra.links, kind, reason, forced=forced, now=now))
        for keys in _batches(db, table, batch or BATCH):
            if table == "links":
                links = [(key[0], key[1]) for key in keys if key not in named_links]
                planned(plan_link_marks(db, links, kind, reason, forced=forced, now=now))
            else:
                domains = [key[0] for key in keys if key[0] not in named_domains]
                planned(plan_domain_marks(db, domains, kind, reason, forced=forced, now=now))
    parts = [rows_text(tally.rows[name], name) for name in ("domain_marks", "link_marks")
             if tally.rows.get(name)]
    summary = tally.preview(f"{change_title(kind)}: {' and '.join(parts) or 'nothing'}")
    warning = record_in_library(db, MarkChange("", tuple(library_edits)), library)
    return summary, warning


@contextlib.contextmanager
def _writing(db: sqlite3.Connection, dry_run: bool) -> Iterator[None]:
    """One transaction for every batch (none for a dry run: it writes nothing)."""
    if dry_run:
        yield
        return
    with atomic(db):
        yield


@contextlib.contextmanager
def _ids(db: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> Iterator[None]:
    """The selected ids in a temporary table for the time of the block."""
    db.execute(f"DROP TABLE IF EXISTS {_TABLE}")
    db.execute(f"CREATE TABLE {_TABLE} (id INTEGER PRIMARY KEY)")
    try:
        db.execute(f"INSERT OR IGNORE INTO {_TABLE} (id) SELECT id FROM ({sql})", params)
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):  # rolled back with the transaction already
            db.execute(f"DROP TABLE IF EXISTS {_TABLE}")


def _batches(db: sqlite3.Connection, table: str, size: int) -> Iterator[list[tuple[str, ...]]]:
    """The keys of the selected rows, `size` at a time, by id (keyset paging: each batch is
    read after the previous one is written)."""
    last = 0
    while True:
        rows = db.execute(_KEYS[table], (last, size)).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield [tuple(row[1:]) for row in rows]
