"""The project's `settings` table: every key LinkDesk stores there, and the one place that
reads and writes it.

Each setting is a JSON value under a named key (`Key`). Other modules give settings their
meaning (the scoring model its terms and numbers, the disavow checks their platforms and
warning quality); they read and write them only through `get`, `get_many`, `put` and
`delete` here. The key strings are stored in project files: never rename one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from linkdesk.core import urls


class Key(StrEnum):
    """Every key of the settings table, with the string stored in project files."""

    SITES = "sites"  # the client's site hosts, main site first
    BRAND_TERMS = "brand_terms"
    MONEY_KEYWORDS = "money_keywords"
    TOPIC_KEYWORDS = "topic_keywords"
    MARKET_LANGUAGES = "market_languages"
    MARKET_COUNTRIES = "market_countries"
    SCORING = "scoring"  # overrides of the scoring model's numbers, by section
    COLUMN_MAPPINGS = "column_mappings"  # generic CSV header -> field mapping, remembered
    DISAVOW_PLATFORMS = "disavow_platforms"  # the user's list of very large platforms
    DISAVOW_WARN_QUALITY = "disavow_warn_quality"  # quality from which a disavow is confirmed
    LIBRARY_ID = "library_id"  # the project's id in the verdict library (core/library)
    LIBRARY_FEED = "library_feed"  # false: this project's marks stay out of the library
    LIBRARY_CONFIDENTIAL = "library_confidential"  # true: counted in the library, never named
    REPORT_BRANDING = "report_branding"  # this client's report: name, logo, colour, footer
    PLACEMENT_MAPPINGS = "placement_mappings"  # placements CSV header -> field mapping


def get(db: sqlite3.Connection, key: Key, default: Any = None) -> Any:
    """The setting's JSON value, or `default` when the project has none."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", (Key(key).value,)).fetchone()
    return default if row is None else json.loads(row[0])


def get_many(db: sqlite3.Connection, keys: Iterable[Key]) -> dict[Key, Any]:
    """The values of those of `keys` the project has, in one query."""
    names = [Key(key).value for key in keys]
    rows = db.execute(
        f"SELECT key, value FROM settings WHERE key IN ({', '.join('?' * len(names))})", names
    )
    return {Key(name): json.loads(value) for name, value in rows}


def put(db: sqlite3.Connection, key: Key, value: Any) -> None:
    """Store a setting (any JSON value); runs in the caller's transaction, if any."""
    db.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (Key(key).value, json.dumps(value)),
    )


def delete(db: sqlite3.Connection, key: Key) -> None:
    """Forget a setting (its default applies again); runs in the caller's transaction."""
    db.execute("DELETE FROM settings WHERE key = ?", (Key(key).value,))


# -- the client's sites ------------------------------------------------------------------------


def sites(db: sqlite3.Connection) -> list[str]:
    """The client's site hosts, main site first."""
    return list(get(db, Key.SITES, []))


def remember_site(db: sqlite3.Connection, site: str) -> bool:
    """Add a site (domain or URL) as the client's main site; False if it is not one."""
    root = urls.site_root(site)
    if root is None:
        return False
    host = root.split("://", 1)[1].rstrip("/")
    known = sites(db)
    if host not in known:
        put(db, Key.SITES, [host, *known])
    return True


def site_root(db: sqlite3.Connection) -> str | None:
    """The root URL Search Console placeholders point to.

    The client's main site if known; otherwise the host most of the imported links point to.
    """
    known = sites(db)
    if known:
        return urls.site_root(known[0])
    row = db.execute(
        "SELECT target_url FROM links WHERE placeholder = 0 "
        "GROUP BY substr(target_url, 1, instr(substr(target_url, 9), '/') + 8) "
        "ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    return urls.site_root(row[0]) if row else None
