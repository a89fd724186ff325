"""Writing what the project holds to files other programs open (CSV for spreadsheets).

    export_table_csv(db, spec, filters, sort, path, columns=…, bom=…, progress=…, cancel=…)
    export_spec(db, "links")   the table as the window shows it (checks, marks, scores)
    csv_columns(spec) / all_columns(spec)   the default and the full column lists
    safe_cell(value)           the CSV-injection guard

Every file is written through core/files.py `write_atomically`: never half a file, never
over a project.
"""

from linkdesk.core.cells import safe_cell
from linkdesk.core.exports.columns import (
    LEGACY_COLUMNS,
    LEGACY_UNICODE_HOSTS,
    TABLE_NAMES,
    all_columns,
    csv_columns,
    export_spec,
    legacy_layout,
    legacy_spec,
)
from linkdesk.core.exports.table_csv import (
    CsvExportCancelled,
    CsvProgress,
    cell_text,
    export_table_csv,
)

__all__ = [
    "LEGACY_COLUMNS",
    "LEGACY_UNICODE_HOSTS",
    "TABLE_NAMES",
    "CsvExportCancelled",
    "CsvProgress",
    "all_columns",
    "cell_text",
    "csv_columns",
    "export_spec",
    "export_table_csv",
    "legacy_layout",
    "legacy_spec",
    "safe_cell",
]
