"""Typed access to the project settings LinkDesk itself relies on (the client's sites)."""

from __future__ import annotations

import json
import sqlite3

from linkdesk.core import urls


def sites(db: sqlite3.Connection) -> list[str]:
    """The client's site hosts, main site first."""
    row = db.execute("SELECT value FROM settings WHERE key = 'sites'").fetchone()
    return list(json.loads(row[0])) if row else []


def remember_site(db: sqlite3.Connection, site: str) -> bool:
    """Add a site (domain or URL) as the client's main site; False if it is not one."""
    root = urls.site_root(site)
    if root is None:
        return False
    host = root.split("://", 1)[1].rstrip("/")
    known = sites(db)
    if host not in known:
        db.execute(
            "INSERT INTO settings(key, value) VALUES ('sites', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (json.dumps([host, *known]),),
        )
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
