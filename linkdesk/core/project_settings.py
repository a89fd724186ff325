"""A project's settings as the Project Settings dialog edits them, saved in one transaction.

Scoring settings (the client's words, weights, flag points, thresholds, detection) are
validated by `scoring.model`; the disavow file's settings (large platforms, the quality from
which a disavow needs confirmation) by `disavow`; all are stored through `store.settings`,
which owns the settings table and its keys. Saving them together means a refused value
anywhere changes nothing at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from linkdesk.core.disavow.checks import set_warn_quality, warn_quality
from linkdesk.core.disavow.platforms import BUILTIN_PLATFORMS, platforms, set_platforms
from linkdesk.core.scoring.model import set_overrides, set_terms
from linkdesk.core.store import transaction


@dataclass(frozen=True)
class DisavowSettings:
    """What the disavow file's warnings depend on."""

    platforms: tuple[str, ...]
    builtin: bool  # the built-in platform list, not the user's own
    warn_quality: float


def disavow_settings(db: sqlite3.Connection) -> DisavowSettings:
    """The project's disavow settings."""
    names = platforms(db)
    return DisavowSettings(names, names == BUILTIN_PLATFORMS, warn_quality(db))


def save_project_settings(
    db: sqlite3.Connection,
    terms: Mapping[str, Iterable[str]],
    overrides: Mapping[str, Mapping[str, Any]],
    *,
    platform_names: Iterable[str] | None = None,
    warn_above: float | None = None,
) -> None:
    """Store every setting in one transaction; a ValueError (a bad value) changes nothing.

    `platform_names` None keeps the built-in platform list; `warn_above` None the strong
    band's threshold. Scores go out of date when terms or numbers change; re-scoring is the
    caller's choice (the window does it in the background).
    """
    with transaction(db):
        set_terms(db, **terms)
        for section, values in overrides.items():
            set_overrides(db, section, values)
        set_platforms(db, None if platform_names is None else list(platform_names))
        set_warn_quality(db, warn_above)
