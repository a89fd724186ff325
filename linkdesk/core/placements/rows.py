"""Reading placements with their current status: what tables, checks and commands list."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from linkdesk.core.placements.model import COLUMNS, Placement

STATE = (*COLUMNS, "added_at")  # a placement row as changes write it; the status is derived
# The project's links (alias l) a placement known only by its domain (alias p) may be: those
# to its target from the host typed, or `www.` of it, as the rest of the code treats `www.`
# (the typed `traveltalk.wordpress.com` is not its sibling blogs); from anywhere on the
# registered domain when the bare domain was typed (or before schema 10: host '').
DOMAIN_LINKS_SQL = (
    "l.domain = p.domain AND l.target_url = p.target_url AND (p.host IN ('', p.domain) "
    "OR l.source_host IN (p.host, 'www.' || p.host) OR 'www.' || l.source_host = p.host)"
)


@dataclass(frozen=True)
class StoredPlacement:
    """A placement with its current status."""

    placement: Placement
    added_at: str
    status: str
    differences: tuple[str, ...]
    status_since: str | None

    @property
    def id(self) -> int:
        """The placement's id."""
        return self.placement.id


def load_placements(db: sqlite3.Connection,
                    ids: Iterable[int] | None = None) -> list[StoredPlacement]:
    """The placements (all, or `ids`), by id."""
    select = f"SELECT id, {', '.join(STATE)}, status, differences, status_since FROM placements"
    if ids is None:
        rows = db.execute(f"{select} ORDER BY id").fetchall()
    else:
        wanted = sorted(set(ids))
        rows = [row for chunk in range(0, len(wanted), 500) for row in db.execute(
            f"{select} WHERE id IN ({', '.join('?' * len(wanted[chunk:chunk + 500]))}) "
            "ORDER BY id", wanted[chunk:chunk + 500])]
    return [_stored(row) for row in rows]


def _stored(row: Sequence[Any]) -> StoredPlacement:
    placement_id, *terms = row[: len(STATE) + 1]
    added_at, status, differences, since = row[len(STATE):]
    values: dict[str, Any] = dict(zip(COLUMNS, terms, strict=False))
    placement = Placement(**values, id=int(placement_id))
    return StoredPlacement(placement, str(added_at), str(status),
                           tuple(str(differences).split()), None if since is None else str(since))
