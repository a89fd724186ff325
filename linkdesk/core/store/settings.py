"""The project's `settings` table: every key LinkDesk stores there, and the one place that
reads and writes it.

Each setting is a JSON value under a named key (`Key`). Other modules give settings their
meaning (the scoring model its terms and numbers, the disavow checks their platforms and
warning quality); they read and write them only through `get`, `get_many`, `put` and
`delete` here. The key strings are stored in project files: never rename one.

A value is checked as it is read: one that is not JSON, or not the kind of value its key
holds (a hand-edited project), is a `SettingError` naming the setting and the problem. Reads
of settings that are only remembered conveniences (`lenient=True`) fall back to the default.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from linkdesk.core import urls
from linkdesk.core.store.errors import ProjectError
from linkdesk.core.text import clip


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


class SettingError(ProjectError):
    """A stored setting that cannot be used; the message names it and the problem."""

    def __init__(self, message: str, key: Key) -> None:
        super().__init__(message)
        self.key = key


_TEXT_LISTS = frozenset({Key.SITES, Key.BRAND_TERMS, Key.MONEY_KEYWORDS, Key.TOPIC_KEYWORDS,
                         Key.MARKET_LANGUAGES, Key.MARKET_COUNTRIES, Key.DISAVOW_PLATFORMS})
_OBJECTS = frozenset({Key.SCORING, Key.COLUMN_MAPPINGS, Key.REPORT_BRANDING,
                      Key.PLACEMENT_MAPPINGS})
_MAPPINGS = frozenset({Key.COLUMN_MAPPINGS, Key.PLACEMENT_MAPPINGS})
_FLAGS = frozenset({Key.LIBRARY_FEED, Key.LIBRARY_CONFIDENTIAL})
# How a damaged value is set again (any: restore the project from a backup).
_REPAIR = {
    **dict.fromkeys((Key.SITES, Key.BRAND_TERMS, Key.MONEY_KEYWORDS, Key.TOPIC_KEYWORDS,
                     Key.MARKET_LANGUAGES, Key.MARKET_COUNTRIES, Key.SCORING),
                    "set it again with linkdesk settings PROJECT, or "),
    Key.REPORT_BRANDING: "set it again with linkdesk report-settings --project PROJECT, or ",
    Key.LIBRARY_FEED: "set it again with linkdesk library project, or ",
    Key.LIBRARY_CONFIDENTIAL: "set it again with linkdesk library project, or ",
}


def get(db: sqlite3.Connection, key: Key, default: Any = None, *, lenient: bool = False) -> Any:
    """The setting's JSON value, or `default` when the project has none (or a JSON null).

    A damaged value is a SettingError; with `lenient` (a setting whose loss costs nothing
    but a remembered choice) it is `default` instead.
    """
    key = Key(key)
    row = db.execute("SELECT value FROM settings WHERE key = ?", (key.value,)).fetchone()
    if row is None:
        return default
    try:
        value = _decoded(db, key, row[0])
    except SettingError:
        if lenient:
            return default
        raise
    return default if value is None else value


def get_many(db: sqlite3.Connection, keys: Iterable[Key]) -> dict[Key, Any]:
    """The values of those of `keys` the project has, in one query (a damaged one: SettingError)."""
    names = [Key(key).value for key in keys]
    rows = db.execute(
        f"SELECT key, value FROM settings WHERE key IN ({', '.join('?' * len(names))})", names
    )
    found = {Key(name): _decoded(db, Key(name), value) for name, value in rows}
    return {key: value for key, value in found.items() if value is not None}


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


# -- checking what is stored -------------------------------------------------------------------


def _decoded(db: sqlite3.Connection, key: Key, text: object) -> Any:
    """The stored value, checked to be the kind its key holds."""
    problem: str | None
    try:
        value = json.loads(text) if isinstance(text, str | bytes) else text
    except ValueError as error:  # JSONDecodeError, or bytes that are not UTF-8
        problem = f"not valid JSON: {error}"
    else:
        problem = _shape_problem(key, value)
        if problem is None:
            return value
    raise damaged(db, key, problem)


def damaged(db: sqlite3.Connection, key: Key, problem: str) -> SettingError:
    """The error for a stored setting that cannot be used: the project, the setting, its
    `problem` and how to set it again."""
    where = next((file for _, name, file in db.execute("PRAGMA database_list")
                  if name == "main" and file), "the project")
    return SettingError(f"{where}: the setting {key.value!r} is damaged ({clip(problem)}); "
                        f"{_REPAIR.get(key, '')}restore the project from a backup", key)


def _shape_problem(key: Key, value: Any) -> str | None:
    """What is wrong with a decoded value for `key`, or None (null: not set)."""
    if value is None:
        return None
    if key in _TEXT_LISTS:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return f"expected a list of text, found {clip(json.dumps(value), 60)}"
    elif key in _OBJECTS:
        if not isinstance(value, dict):
            return f"expected a JSON object, found {clip(json.dumps(value), 60)}"
        if key is Key.SCORING:
            return _scoring_problem(value)
        if key in _MAPPINGS and not all(
                isinstance(mapping, dict) and all(isinstance(v, str) for v in mapping.values())
                for mapping in value.values()):
            return "expected header mappings (objects of column names)"
    elif key in _FLAGS:
        if not isinstance(value, bool):
            return f"expected true or false, found {clip(json.dumps(value), 60)}"
    elif key is Key.DISAVOW_WARN_QUALITY:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"expected a number, found {clip(json.dumps(value), 60)}"
    elif key is Key.LIBRARY_ID and not isinstance(value, str):
        return f"expected text, found {clip(json.dumps(value), 60)}"
    return None


def _scoring_problem(value: dict[str, Any]) -> str | None:
    """What is wrong with stored scoring overrides: sections of numbers (the risk level's
    name is checked by the scoring model, `load_model`)."""
    if not all(isinstance(v, dict) for v in value.values()):
        return "expected an object of sections (weights, flag_points, ...)"
    for section, numbers in value.items():
        for name, number in numbers.items():
            if section == "thresholds" and name == "risky_level":
                continue
            try:
                float(number)
            except (TypeError, ValueError):
                return (f"{clip(section, 40)}: {clip(name, 40)} wants a number, got "
                        f"{clip(repr(number), 60)}")
    return None
