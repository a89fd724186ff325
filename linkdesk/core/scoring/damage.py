"""Links whose identity an edited project file made binary: refused with a message to the user.

Every scoring step groups, joins and parses links by their URLs, host and referring domain, as
text. A blob there (only an edit outside LinkDesk puts one: imports store text) has no domain,
site or path to score by, and a guess would differ between a full and an incremental re-score,
so the re-score stops with a `ProjectError` naming the project, the link and the column. Other
columns of the wrong kind read as missing (features.py, signals.py).

    check_indexed(db)           refuse a blob domain or source URL (two index look-ups)
    refuse(db, column)          raise the error for a blob found in `column` while scoring
    text_errors(db)             a text stored with bytes that are not UTF-8, refused alike

Python's sqlite3 cannot read a text whose bytes are not UTF-8 (an edit can store one with
CAST(x'ff' AS TEXT)): it fails the query wherever such a value is read, so that too stops the
re-score with a message rather than an internal error.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from linkdesk.core.store import ProjectError

# Indexed (links_domain, links_identity), so a blob, sorting after every text, is found by
# one look-up; source_host and target_url are checked as the scoring steps read them.
_INDEXED = ("domain", "source_url")


def check_indexed(db: sqlite3.Connection) -> None:
    """Raise ProjectError when a link's domain or source URL is binary data."""
    for column in _INDEXED:
        row = db.execute(f"SELECT id FROM links WHERE {column} >= x'' LIMIT 1").fetchone()
        if row is not None:
            refuse(db, column, row[0])


def refuse(db: sqlite3.Connection, column: str, link_id: int | None = None) -> NoReturn:
    """Raise ProjectError for binary data in the links' `column` (the first such link's, when
    `link_id` is not given)."""
    if link_id is None:
        row = db.execute(
            f"SELECT id FROM links WHERE typeof({column}) = 'blob' ORDER BY id LIMIT 1"
        ).fetchone()
        link_id = row[0] if row is not None else None
    which = f"link {link_id}" if link_id is not None else "a link"
    raise ProjectError(_message(db, f"{which} has binary data as its {column.replace('_', ' ')}"))


@contextmanager
def text_errors(db: sqlite3.Connection) -> Iterator[None]:
    """Within: SQLite's "Could not decode to UTF-8" becomes a ProjectError naming the project
    and the links column (put it outside the re-score's transaction: it is rolled back)."""
    try:
        yield
    except sqlite3.OperationalError as error:
        found = re.search(r"Could not decode to UTF-8 column '(.*)' with text", str(error))
        if found is None:
            raise
        words = set(re.findall(r"[a-z_]+", found.group(1)))
        column = next((row[1] for row in db.execute("PRAGMA table_info(links)")
                       if row[1] in words), None)
        where = f" as its {column.replace('_', ' ')}" if column else ""
        problem = f"a link has text{where} that is not valid UTF-8"
        raise ProjectError(_message(db, problem)) from None


def _message(db: sqlite3.Connection, problem: str) -> str:
    name = next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "")
    return (f"{name or 'the project'}: {problem}, which LinkDesk never stores (the file was "
            f"changed outside it); the scores are unchanged: restore the file from a backup, "
            f"or import its exports into a new project")
