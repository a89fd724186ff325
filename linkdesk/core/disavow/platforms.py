"""Very large platforms: disavowing one as a whole domain is almost always a mistake.

A `domain:` entry for blogspot.com or medium.com disavows every blog on it, not the one that
links. The list is built in; a project can replace it (setting `disavow_platforms`). A user's
own blog on a platform the Public Suffix List knows (`foo.blogspot.com`) is a domain of its
own and raises no warning.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from linkdesk.core.disavow.syntax import domain_value
from linkdesk.core.platforms import BUILTIN_PLATFORMS
from linkdesk.core.platforms import platforms as platforms  # re-exported: disavow's API
from linkdesk.core.store import settings
from linkdesk.core.store.settings import Key


def set_platforms(db: sqlite3.Connection, names: Iterable[str] | None) -> tuple[str, ...]:
    """Replace the project's list (None restores the built-in one); returns the list.

    Raises ValueError naming a name that is not a domain. Runs in the caller's transaction.
    """
    if names is None:
        settings.delete(db, Key.DISAVOW_PLATFORMS)
        return BUILTIN_PLATFORMS
    cleaned = []
    for name in names:
        value = domain_value(name.removeprefix("domain:"))
        if value is None:
            raise ValueError(f"{name!r} is not a domain name")
        cleaned.append(value)
    stored = tuple(sorted(set(cleaned)))
    settings.put(db, Key.DISAVOW_PLATFORMS, stored)
    return stored


def platform_of(domain: str, names: Iterable[str]) -> str | None:
    """The platform a whole-domain entry would disavow (`domain` itself or its www.)."""
    known = set(names)
    bare = domain.removeprefix("www.")
    return bare if bare in known else None
