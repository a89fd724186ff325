"""Importing with today's code into a project made with an older schema's tables.

Some tests build a project as an older LinkDesk would have (the first N migrations), then
import into it with today's code. Since migration 9, today's code writes observations in a
layout those versions lack: `old_observations(db)` lends it today's tables as temporary
tables, then writes the rows into the old `observations` table as the old code stored them
(with their vendor and every field). Since migration 12, links are identified by
(source_url, target_id): the old `links` lends a `target_id` column and a temporary
`link_targets` for the block, and gets its (source_url, target_url) identity back at the end.
Since migration 13 the roll-ups read `links.status`: the old `links` lends it too (all live).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from linkdesk.core.fields import FIELDS
from linkdesk.core.store import transaction


@contextmanager
def old_observations(db: sqlite3.Connection) -> Iterator[None]:
    """Within the block, imports write today's layout; at its end, the old one is filled."""
    names = ", ".join(FIELDS)
    db.execute("CREATE TEMP TABLE observations (id INTEGER PRIMARY KEY, link_id INTEGER, "
               "import_id INTEGER, line_no INTEGER)")
    db.execute(f"CREATE TEMP TABLE observation_values (observation_id INTEGER PRIMARY KEY, "
               f"{names})")
    values = ", ".join(f"iif(v.observation_id IS NULL, l.{name}, v.{name}) AS {name}"
                       for name in FIELDS)
    db.execute("CREATE TEMP TABLE link_targets (id INTEGER PRIMARY KEY, url TEXT UNIQUE)")
    db.execute("ALTER TABLE main.links ADD COLUMN target_id INTEGER")
    db.execute("ALTER TABLE main.links ADD COLUMN status INTEGER NOT NULL DEFAULT 1")
    db.execute("DROP INDEX main.links_identity")
    db.execute("CREATE UNIQUE INDEX main.links_identity ON links(source_url, target_id)")
    db.execute(
        f"CREATE TEMP VIEW observation_fields AS SELECT o.id, o.link_id, o.import_id, "
        f"o.line_no, i.vendor, {values} FROM temp.observations AS o "
        "LEFT JOIN imports AS i ON i.id = o.import_id "
        "LEFT JOIN temp.observation_values AS v ON v.observation_id = o.id "
        "LEFT JOIN links AS l ON l.id = o.link_id")
    yield
    with transaction(db):
        db.execute(f"INSERT INTO main.observations (id, link_id, import_id, line_no, vendor, "
                   f"{names}) SELECT id, link_id, import_id, line_no, vendor, {names} "
                   "FROM temp.observation_fields")
        for name in ("VIEW temp.observation_fields", "TABLE temp.observation_values",
                     "TABLE temp.observations", "TABLE temp.link_targets",
                     "INDEX main.links_identity"):
            db.execute(f"DROP {name}")
        db.execute("ALTER TABLE main.links DROP COLUMN target_id")
        db.execute("ALTER TABLE main.links DROP COLUMN status")
        db.execute("CREATE UNIQUE INDEX links_identity ON links(source_url, target_url)")
