"""Writing what the project holds to files other programs open (CSV for spreadsheets).

    export_table_csv(db, spec, filters, sort, path, progress=…, cancel=…)
    safe_cell(value)     the CSV-injection guard every CSV writer uses
"""

from linkdesk.core.exports.cells import safe_cell
from linkdesk.core.exports.table_csv import (
    CsvExportCancelled,
    CsvProgress,
    cell_text,
    export_table_csv,
)

__all__ = ["CsvExportCancelled", "CsvProgress", "cell_text", "export_table_csv", "safe_cell"]
