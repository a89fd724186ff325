"""Writing the scored links or domains to a CSV file a spreadsheet can open safely.

Every cell goes through `safe_cell` (exports/cells.py, the CSV-injection guard, re-exported
here for existing callers). UTF-8, streamed.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from linkdesk.core import urls
from linkdesk.core.exports.cells import safe_cell
from linkdesk.core.scoring.flags import flag_names
from linkdesk.core.scoring.model import ANCHOR_CLASSES, BANDS, RISK_LEVELS

__all__ = ["DOMAIN_COLUMNS", "LINK_COLUMNS", "export_domains", "export_links", "safe_cell"]

LINK_COLUMNS = (
    "source_url", "target_url", "domain", "anchor", "anchor_class", "quality", "band",
    "risk_level", "risk_points", "flags", "confidence", "follow", "lost", "first_seen",
    "last_seen",
)
DOMAIN_COLUMNS = (
    "domain", "quality", "band", "risk_level", "risk_points", "flags", "links", "live_links",
    "hosts", "best_link", "confidence",
)


def export_links(db: sqlite3.Connection, path: str | Path) -> int:
    """Write every scored link, best first; return the number of rows written."""
    rows = db.execute(
        "SELECT l.source_url, l.target_url, l.domain, l.anchor, s.anchor_class, s.quality, "
        "s.band, s.risk_level, s.risk_points, s.flags, s.low_confidence, l.nofollow, l.ugc, "
        "l.sponsored, l.lost, l.first_seen, l.last_seen "
        "FROM link_scores AS s JOIN links AS l ON l.id = s.link_id "
        "ORDER BY s.quality DESC, s.link_id"
    )
    return _write(path, LINK_COLUMNS, (_link_row(row) for row in rows))


def export_domains(db: sqlite3.Connection, path: str | Path) -> int:
    """Write every scored referring domain, best first; return the number of rows written."""
    rows = db.execute(
        "SELECT d.domain, d.quality, d.band, d.risk_level, d.risk_points, d.flags, d.links, "
        "d.live_links, d.hosts, l.source_url, d.low_confidence FROM domain_scores AS d "
        "LEFT JOIN links AS l ON l.id = d.best_link_id ORDER BY d.quality DESC, d.domain"
    )
    return _write(path, DOMAIN_COLUMNS, (
        (urls.to_unicode_host(domain), quality, BANDS[band], RISK_LEVELS[level], points,
         _flag_text(bits), links, live, hosts, best, _confidence(low))
        for domain, quality, band, level, points, bits, links, live, hosts, best, low in rows
    ))


def _link_row(row: tuple[object, ...]) -> tuple[object, ...]:
    (source, target, domain, anchor, anchor_class, quality, band, level, points, bits, low,
     nofollow, ugc, sponsored, lost, first_seen, last_seen) = row
    rel = [name for name, on in (("nofollow", nofollow), ("ugc", ugc), ("sponsored", sponsored))
           if on]
    follow = " ".join(rel) if rel else ("" if nofollow is None else "dofollow")
    return (
        source, target, urls.to_unicode_host(str(domain)), anchor,
        ANCHOR_CLASSES[int(anchor_class)], quality, BANDS[int(band)], RISK_LEVELS[int(level)],
        points, _flag_text(int(bits)), _confidence(low), follow,
        "" if lost is None else ("yes" if lost else "no"), first_seen, last_seen,
    )


_FLAG_TEXT: dict[int, str] = {}


def _flag_text(bits: int) -> str:
    text = _FLAG_TEXT.get(bits)
    if text is None:
        text = _FLAG_TEXT[bits] = "; ".join(flag_names(bits))
    return text


def _confidence(low: object) -> str:
    return "low" if low else "normal"


def _write(path: str | Path, header: Iterable[str], rows: Iterator[Iterable[object]]) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(value) for value in row])
            count += 1
    return count
