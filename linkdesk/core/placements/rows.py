"""Reading placements with their current status: what tables, checks and commands list."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from linkdesk.core.placements.model import COLUMNS, RELS, TYPES, Placement
from linkdesk.core.text import stored_text

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
    values: dict[str, Any] = {name: _READ.get(name, stored_text)(value)
                              for name, value in zip(COLUMNS, terms, strict=False)}
    placement = Placement(**values, id=int(placement_id))
    return StoredPlacement(placement, stored_text(added_at), stored_text(status),
                           tuple(stored_text(differences).split()),
                           None if since is None else stored_text(since))


# A project file edited by another program may hold any SQLite value in any column (a blob
# for a date, text for a price): each is read as the kind the column holds, so every list,
# report and export reads past it rather than stopping on it.


def stored_price(value: object) -> float | None:
    """A stored price, or None when the column holds no amount (NULL, text, a blob, a
    negative or infinite number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    amount = float(value)
    return amount + 0.0 if math.isfinite(amount) and amount >= 0 else None  # -0.0 is 0


def stored_type(value: object) -> str:
    """A stored placement type; one LinkDesk does not know reads as "other"."""
    text = stored_text(value)
    return text if text in TYPES else "other"


def _optional_text(value: object) -> str | None:
    return None if value is None else stored_text(value)


def _rel(value: object) -> str:
    text = stored_text(value)
    return text if text in RELS else "follow"


_READ: dict[str, Callable[[object], object]] = {
    "price": stored_price, "type": stored_type, "rel": _rel,
    "placed_on": _optional_text, "expires_on": _optional_text}
