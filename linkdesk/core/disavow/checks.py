"""Warnings before a disavow file is written: good links and big platforms are hard to
disavow by accident.

- a disavowed domain or page whose quality is high (stored scores; a warning says when they
  are out of date or missing);
- a `domain:` entry for a very large platform (platforms.py), or for a public suffix
  (`co.uk`: every site registered under it).
Both need the user's confirmation before the file is written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from linkdesk.core import urls
from linkdesk.core.disavow.plan import DisavowWarning, PlannedEntry
from linkdesk.core.disavow.platforms import platform_of, platforms
from linkdesk.core.disavow.syntax import public_suffix_warning
from linkdesk.core.scoring import load_model, scores_current
from linkdesk.core.store import settings
from linkdesk.core.store.settings import Key


def warn_quality(db: sqlite3.Connection) -> float:
    """The quality from which disavowing needs confirmation: the project's setting, else the
    strong band's threshold."""
    stored = settings.get(db, Key.DISAVOW_WARN_QUALITY)
    if stored is not None:
        return float(stored)
    return float(load_model(db).thresholds["strong"])


def set_warn_quality(db: sqlite3.Connection, quality: float | None) -> None:
    """Set the quality from which disavowing needs confirmation (None: the strong band's
    threshold). Runs in the caller's transaction."""
    if quality is None:
        settings.delete(db, Key.DISAVOW_WARN_QUALITY)
        return
    if not 0 <= float(quality) <= 100:
        raise ValueError(f"the warning quality is 0-100, got {quality!r}")
    settings.put(db, Key.DISAVOW_WARN_QUALITY, float(quality))


def check_entries(db: sqlite3.Connection, entries: Iterable[PlannedEntry]
                  ) -> list[DisavowWarning]:
    """The warnings the entries deserve."""
    entries = list(entries)
    warnings: list[DisavowWarning] = []
    known = platforms(db)
    for entry in entries:
        if entry.kind != "domain":
            continue
        if platform := platform_of(entry.value, known):
            warnings.append(DisavowWarning(
                "platform", entry.value,
                f"domain:{entry.value} disavows all of {platform}, a very large platform; "
                "disavow the pages (or the user's subdomain) instead", needs_confirmation=True))
        elif urls.is_public_suffix(entry.value):
            warnings.append(DisavowWarning("public_suffix", entry.value,
                                           public_suffix_warning(entry.value),
                                           needs_confirmation=True))
    warnings += _quality_warnings(db, entries)
    return warnings


def _quality_warnings(db: sqlite3.Connection, entries: list[PlannedEntry]
                      ) -> list[DisavowWarning]:
    if not entries:
        return []
    threshold = warn_quality(db)
    domains = [e.value for e in entries if e.kind == "domain"]
    registered = {urls.registered_domain(d): d for d in domains}
    pages = [e.value for e in entries if e.kind == "url"]
    warnings: list[DisavowWarning] = []
    scored = db.execute("SELECT count(*) FROM domain_scores").fetchone()[0]
    in_profile = db.execute(
        "SELECT count(*) FROM referring_domains WHERE domain IN (SELECT value FROM json_each(?))",
        (json.dumps(list(registered)),)).fetchone()[0]
    if not scored and (in_profile or pages):
        return [DisavowWarning(
            "scores_missing", "", "the project is not scored: the quality of what is "
            "disavowed was not checked (run `linkdesk score`)", needs_confirmation=True)]
    if not scores_current(db):
        warnings.append(DisavowWarning(
            "scores_stale", "", "the scores are out of date; the quality check used the last "
            "stored scores (run `linkdesk score`)"))
    for domain, quality in db.execute(
        "SELECT domain, quality FROM domain_scores WHERE quality >= ? "
        "AND domain IN (SELECT value FROM json_each(?)) ORDER BY quality DESC",
        (threshold, json.dumps(list(registered))),
    ):
        entry = registered[domain]
        warnings.append(DisavowWarning(
            "high_quality", entry, f"domain:{entry}: {urls.to_unicode_host(domain)} scores "
            f"{quality:.0f} (high quality); disavowing good links hurts", needs_confirmation=True))
    for page, quality in db.execute(
        "SELECT l.source_url, max(ls.quality) FROM links AS l JOIN link_scores AS ls "
        "ON ls.link_id = l.id WHERE l.source_url IN (SELECT value FROM json_each(?)) "
        "GROUP BY l.source_url HAVING max(ls.quality) >= ? ORDER BY 2 DESC",
        (json.dumps(pages), threshold),
    ):
        warnings.append(DisavowWarning(
            "high_quality", page, f"{page}: a link from it scores {quality:.0f} (high "
            "quality); disavowing good links hurts", needs_confirmation=True))
    return warnings
