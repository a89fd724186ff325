"""The one export command: a table, filtered and sorted as in the window, to CSV.

    linkdesk export PROJECT --table links|domains|anchors -o FILE.csv [--search TEXT]
                  [--band NAME] [--risk NAME] [--marked [KIND]] [--since-review KIND]
                  [--sort COLUMN] [--desc] [--bom] [--all-columns]
    linkdesk export PROJECT --links|--domains -o FILE.csv    (the first spelling: every column,
                  best first, headed by the column names scripts read it by)

`export-table` is the same command under its old name (hidden: old scripts keep working).
Every file is written by core/exports (one writer), never over a project file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from linkdesk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from linkdesk.commands.filters import (
    add_filter_arguments,
    add_judged_argument,
    add_since_review_argument,
    filters_from,
)
from linkdesk.commands.opening import ensure_scores, open_to_read
from linkdesk.core.exports import (
    LEGACY_UNICODE_HOSTS,
    TABLE_NAMES,
    all_columns,
    export_spec,
    export_table_csv,
    legacy_layout,
    legacy_spec,
)
from linkdesk.core.files import ProtectedFileError
from linkdesk.core.tables import Sort, TableSpec
from linkdesk.core.timeline import with_since_review
from linkdesk.core.words import counted


def register(commands: argparse._SubParsersAction) -> None:
    """Add `export`, and `export-table` as its hidden old name."""
    export = commands.add_parser(
        "export", help="write a table (links, referring domains, anchors) to a CSV file",
        usage="linkdesk export PROJECT --table links|domains|anchors -o FILE.csv [options]",
        description="Writes the table as the window shows it: the same search, filters, sort "
        "and columns (--all-columns adds the hidden ones and the scores' details).")
    _arguments(export, legacy=True)
    alias = commands.add_parser("export-table", usage=export.usage,
                                description=export.description)
    _arguments(alias, legacy=False)


def _arguments(parser: argparse.ArgumentParser, *, legacy: bool) -> None:
    parser.add_argument("project", type=Path)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--table", choices=TABLE_NAMES)
    if legacy:
        which.add_argument("--links", dest="legacy", action="store_const", const="links",
                           help="every link with its scores, best first (the first spelling)")
        which.add_argument("--domains", dest="legacy", action="store_const", const="domains",
                           help="every referring domain with its scores, best first")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.csv")
    add_filter_arguments(parser)
    add_since_review_argument(parser)
    add_judged_argument(parser)
    parser.add_argument("--sort", metavar="COLUMN", help="a sortable column's name")
    parser.add_argument("--desc", action="store_true", help="sort descending")
    parser.add_argument("--bom", action="store_true", help="start with a BOM (for Excel)")
    parser.add_argument("--all-columns", action="store_true",
                        help="every column, also those hidden by default")
    parser.set_defaults(run=run_export, legacy=None)


def run_export(options: argparse.Namespace) -> int:
    """Write a table, filtered and sorted, to CSV."""
    name = f"linkdesk {options.command}"
    table = options.legacy or options.table
    filters = filters_from(options)
    with open_to_read(options.project) as project:
        db = project.db
        ensure_scores(project, options.command)
        spec = export_spec(db, table)
        if options.since_review and table != "anchors":  # the anchors table has no rows' ages
            spec = with_since_review(spec)
        layout: dict[str, Any] = {}
        if options.legacy:  # the first spelling: its columns, header names and values
            spec = legacy_spec(spec)
            columns, headers = legacy_layout(spec, table)
            layout = {"columns": columns, "headers": headers, "one_line": False,
                      "unicode_hosts": LEGACY_UNICODE_HOSTS}
        elif options.all_columns:
            layout = {"columns": all_columns(spec)}
        try:
            count = export_table_csv(db, spec, filters, _sort(spec, options), options.output,
                                     bom=options.bom, **layout)
        except ProtectedFileError as error:
            print(f"{name}: {error}", file=sys.stderr)
            return EXIT_FAILED
        except ValueError as error:
            print(f"{name}: {error}", file=sys.stderr)
            return EXIT_USAGE
        except OSError as error:
            print(f"{name}: cannot write {options.output}: {error.strerror}", file=sys.stderr)
            return EXIT_FAILED
    if options.legacy:
        what = "links" if table == "links" else "referring domains"
        print(f"{options.output}: {count:,} {what}")
    else:
        print(f"{options.output}: {counted(count, 'row')} of {spec.title}")
    return EXIT_OK


def _sort(spec: TableSpec, options: argparse.Namespace) -> Sort | None:
    if options.sort:
        return Sort(options.sort, options.desc)
    if options.legacy:
        return Sort("quality", descending=True)  # best first, as it always was
    if options.desc:
        return Sort(spec.default_sort.column, True)
    return None
