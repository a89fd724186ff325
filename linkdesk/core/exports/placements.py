"""Placements to CSV: the one CSV writer (table_csv.py) over the Placements table.

The columns carry the import's field names (core/placements/csvio.py), then the status, what
differs, and the referring domain's quality and band: an exported file imports back (the
extra columns are not read).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from linkdesk.core.exports.table_csv import CsvProgress, export_table_csv
from linkdesk.core.placements.model import PlacementInput
from linkdesk.core.tables.placements import PLACEMENTS
from linkdesk.core.tables.spec import Sort

COLUMNS = (*PlacementInput.names(), "status", "differences", "quality", "band")


def export_placements(db: sqlite3.Connection, path: str | Path, *,
                      progress: Callable[[CsvProgress], None] | None = None) -> int:
    """Write every placement to a CSV file `import_placements` reads back; how many."""
    # Notes keep their line breaks (one_line off): the file is read back, not only viewed.
    return export_table_csv(db, PLACEMENTS, None, Sort("id"), path, columns=COLUMNS,
                            headers=COLUMNS, one_line=False, progress=progress)
