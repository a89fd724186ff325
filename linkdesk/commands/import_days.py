"""`linkdesk imports PROJECT [--set-day ID YYYY-MM-DD] [--json]`: the imports and their days.

Each distinct day is an export of its own in `changes` and the History tab; an import dated by
its file's modification time (a file without dates, imported alone) can be given the day it
describes afterwards, as re-importing the file adds nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from linkdesk.commands import EXIT_OK, EXIT_USAGE
from linkdesk.commands.opening import open_to_change, open_to_read
from linkdesk.core.link_status_update import settle_link_status
from linkdesk.core.store import transaction
from linkdesk.core.text import inert
from linkdesk.core.timeline.dates import BadDate, parse_export_day, source_words
from linkdesk.core.timeline.redate import DatedRow, UnknownImport, list_imports, set_import_day


def register(commands: argparse._SubParsersAction) -> None:
    """Add `imports`."""
    parser = commands.add_parser(
        "imports", help="list the imports with the day each export describes, or set an "
                        "import's day (--set-day)")
    parser.add_argument("project", type=Path)
    parser.add_argument("--set-day", nargs=2, metavar=("IMPORT_ID", "DATE"),
                        help="the day import IMPORT_ID describes, YYYY-MM-DD (the ids are in "
                             "the list)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(run=run_imports)


def run_imports(options: argparse.Namespace) -> int:
    """List the imports, or set one's day."""
    if options.set_day:
        return _set_day(options.project, *options.set_day)
    with open_to_read(options.project) as project:
        rows = list_imports(project.db)
    if options.json:
        print(json.dumps([asdict(row) for row in rows], indent=2))
    elif not rows:
        print("no imports yet: linkdesk import PROJECT FILE...")
    else:
        print("\n".join(import_line(row) for row in rows))
    return EXIT_OK


def import_line(row: DatedRow) -> str:
    """One import as listed: id, day and where it came from, file, format, rows."""
    # inert: every stored text here may come from a file another program edited.
    return inert(f"{row.id:>4}  {row.as_of}  {row.file} ({row.vendor}, {row.label}, "
                 f"{row.rows:,} rows): dated by {source_words(row.source, 'the user')}")


def _set_day(path: Path, import_id: str, day_text: str) -> int:
    try:
        number = int(import_id)
    except ValueError:
        print(f"linkdesk imports: --set-day: {import_id!r} is not an import id: give the "
              "number `linkdesk imports PROJECT` lists", file=sys.stderr)
        return EXIT_USAGE
    try:
        day = parse_export_day(day_text, "--set-day")
    except BadDate as error:
        print(f"linkdesk imports: {error}", file=sys.stderr)
        return EXIT_USAGE
    with open_to_change(path) as project, transaction(project.db):
        try:
            before, source = set_import_day(project.db, number, day)
            settle_link_status(project.db)  # a vendor's latest export may be another one
        except UnknownImport as error:
            print(f"linkdesk imports: {error}", file=sys.stderr)
            return EXIT_USAGE
    print(f"import {number}: dated {day.isoformat()} (was {before or 'undated'}, by "
          f"{source_words(source, 'the user')})")
    return EXIT_OK
