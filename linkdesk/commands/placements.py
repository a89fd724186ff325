"""`linkdesk placements`: the ledger of links built or bought for the client (docs/placements.md).

    linkdesk placements PROJECT [--json]                      list, with statuses
    linkdesk placements add PROJECT --page URL --target URL [--anchor A] [--rel R]
                        [--price N --currency C] [--type T] [--placed DATE] [--expires DATE]
                        [--contact C] [--notes N] [--tag T]
    linkdesk placements import PROJECT FILE.csv [--map FIELD=COLUMN ...]
    linkdesk placements export PROJECT -o FILE.csv
    linkdesk placements check PROJECT [--concurrency N] [--timeout SECONDS] [--json]
    linkdesk placements remove PROJECT ID [ID ...]

The action may also follow the project (`linkdesk placements PROJECT import FILE.csv`, as
issue 19 writes it): `reorder_args` turns that into the form above before parsing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sqlite3
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from linkdesk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from linkdesk.commands.check import ctrl_c_cancels, page_seconds, positive_number
from linkdesk.commands.imports import parse_mapping
from linkdesk.commands.opening import open_to_change, open_to_read
from linkdesk.core.checker import DEFAULT_CONCURRENCY, CheckOptions
from linkdesk.core.exports.placements import export_placements
from linkdesk.core.placements import (
    RELS,
    TYPES,
    PlacementError,
    PlacementInput,
    Totals,
    apply_change,
    found_in,
    import_placements,
    load_placements,
    parse_placement,
    placement_values,
    plan_add,
    plan_delete,
    refresh_statuses,
    totals,
    vendor_names,
)
from linkdesk.core.text import inert

COMMAND = "placements"
ACTIONS = ("list", "add", "import", "export", "check", "remove")


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `placements` subcommand and its actions."""
    parser = commands.add_parser(
        COMMAND, help="the ledger of links you built or bought, checked live",
        description="Placements: links placed for the client (guest posts, niche edits, "
        "directories, PR...), what was agreed, and whether each is still live as agreed. "
        "See docs/placements.md.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="every placement with its status (the default)")
    listing.add_argument("project", type=Path)
    listing.add_argument("--json", action="store_true", help="print a JSON list of objects")
    listing.set_defaults(run=run_list)

    add = actions.add_parser("add", help="add one placement")
    add.add_argument("project", type=Path)
    add.add_argument("--page", "--url", dest="page", required=True, metavar="URL",
                     help="the page the link is on (or only its domain, until it is known)")
    add.add_argument("--target", required=True, metavar="URL", help="the client's page linked")
    add.add_argument("--anchor", default="", help="the agreed anchor text (default: any)")
    add.add_argument("--rel", default="follow", choices=RELS, help="the agreed rel")
    add.add_argument("--price", default="", help="what it cost, e.g. 120")
    add.add_argument("--currency", default="", help="three letters, e.g. EUR")
    add.add_argument("--type", default="other", help=f"one of {', '.join(TYPES)}")
    add.add_argument("--placed", default="", metavar="DATE", help="the day it was placed")
    add.add_argument("--expires", default="", metavar="DATE",
                     help="the expiry or renewal day")
    add.add_argument("--contact", "--vendor", dest="contact", default="",
                     help="the vendor or contact")
    add.add_argument("--notes", default="")
    add.add_argument("--tag", default="")
    add.set_defaults(run=run_add)

    load = actions.add_parser("import", help="add the placements of a CSV file")
    load.add_argument("project", type=Path)
    load.add_argument("file", type=Path)
    load.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                      help="read FIELD from COLUMN, a name or #N, the Nth column (fields: "
                      f"{', '.join(PlacementInput.names())}); remembered for this header")
    load.set_defaults(run=run_import)

    export = actions.add_parser("export", help="write the placements to a CSV file")
    export.add_argument("project", type=Path)
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.csv")
    export.set_defaults(run=run_export)

    check = actions.add_parser("check", help="check every placement's page live")
    check.add_argument("project", type=Path)
    check.add_argument("--concurrency", type=positive_number, metavar="N",
                       default=DEFAULT_CONCURRENCY,
                       help=f"requests at once (default {DEFAULT_CONCURRENCY}; at most 2 per "
                       "host)")
    check.add_argument("--timeout", type=page_seconds, metavar="SECONDS",
                       help="give up on a page after this long")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.set_defaults(run=run_check)

    remove = actions.add_parser("remove", help="delete placements by id")
    remove.add_argument("project", type=Path)
    remove.add_argument("ids", type=positive_number, nargs="+", metavar="ID")
    remove.set_defaults(run=run_remove)


def reorder_args(args: list[str]) -> list[str]:
    """`placements PROJECT [ACTION] ...` as `placements ACTION PROJECT ...` (list by default)."""
    if len(args) < 2 or args[0] != COMMAND or args[1] in ACTIONS or args[1].startswith("-"):
        return args
    if len(args) > 2 and args[2] in ACTIONS:
        return [COMMAND, args[2], args[1], *args[3:]]
    return [COMMAND, "list", *args[1:]]


def _failed(message: str) -> int:
    print(f"linkdesk {COMMAND}: {message}", file=sys.stderr)
    return EXIT_FAILED


def placement_rows(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every placement as the JSON list shows it."""
    values = {v.placement_id: v for v in placement_values(db)}
    rows = []
    for stored in load_placements(db):
        p = stored.placement
        bits, found_page = found_in(db, p)
        value = values.get(p.id)
        rows.append({
            "id": p.id, "source_url": p.source_url or None,
            # Known only by its domain: the host typed (a blog on a platform, not all of it).
            "host": p.site or None, "domain": p.domain,
            "target_url": p.target_url, "anchor": p.anchor, "rel": p.rel,
            "placed_on": p.placed_on, "expires_on": p.expires_on, "price": p.price,
            "currency": p.currency, "type": p.type, "contact": p.contact, "notes": p.notes,
            "tag": p.tag, "status": stored.status, "differences": list(stored.differences),
            "status_since": stored.status_since,
            "vendors": list(vendor_names(bits)),
            # Known only by its domain, and the exports have one link from it to the target:
            # that link's page (offered, never written into the placement).
            "found_page": found_page or None,
            "quality": value.quality if value else None, "band": value.band if value else None,
        })
    return rows


def run_list(options: argparse.Namespace) -> int:
    """Print the placements with their statuses (refreshed first when the file is writable:
    an expiry date may have passed since)."""
    project = open_to_read(options.project)
    with project:
        if not project.read_only:
            refresh_statuses(project.db, today=datetime.date.today())
        rows = placement_rows(project.db)
        if options.json:
            print(json.dumps(rows, indent=2, ensure_ascii=False))
            return EXIT_OK
        if not rows:
            print("No placements yet: add one with `linkdesk placements add`.")
            return EXIT_OK
        for row in rows:
            differs = f" ({', '.join(row['differences'])})" if row["differences"] else ""
            found = ", ".join(row["vendors"]) or "not yet in any export"
            price = (f"  {row['price']:g} {row['currency']}".rstrip()
                     if row["price"] is not None else "")
            # inert: a project another program wrote may hold escape sequences in its URLs.
            print(inert(f"{row['id']:>4}  {row['status']}{differs}  "
                        f"{row['source_url'] or row['host']} -> {row['target_url']}{price}  "
                        f"[{found}; band {row['band']}]"))
            if row["found_page"]:
                print(inert(f"      the exports found it on {row['found_page']}"))
        print(_totals_text(totals(project.db)))
    return EXIT_OK


def _totals_text(found: Totals) -> str:
    bands = ", ".join(f"{band} {count}" for band, count in sorted(found.by_band.items()))
    kinds = ", ".join(f"{TYPES.get(kind, kind)} {count}"
                      for kind, count in sorted(found.by_type.items()))
    lines = [f"By band: {bands}", f"By type: {kinds}"]
    for domain, spend in found.spend_per_strong_domain.items():
        lines.append(f"  spent on strong {domain}: " + ", ".join(
            f"{amount:g} {currency}".rstrip() for currency, amount in sorted(spend.items())))
    return "\n".join(lines)


def run_add(options: argparse.Namespace) -> int:
    """Add one placement and print its id and status."""
    given = PlacementInput(
        source_url=options.page, target_url=options.target, anchor=options.anchor,
        rel=options.rel, placed_on=options.placed, expires_on=options.expires,
        price=options.price, currency=options.currency, type=options.type,
        contact=options.contact, notes=options.notes, tag=options.tag)
    try:
        placement = parse_placement(given)
    except PlacementError as error:
        print(f"linkdesk {COMMAND} add: {error}", file=sys.stderr)
        return EXIT_USAGE
    with open_to_change(options.project) as project:
        change = plan_add(project.db, [placement])
        apply_change(project.db, change)
        stored = load_placements(project.db, [change.edits[0].placement_id])[0]
        print(f"Added placement {stored.id}: {placement.page} -> {placement.target_url} "
              f"({stored.status})")
    return EXIT_OK


def run_import(options: argparse.Namespace) -> int:
    """Import a CSV file of placements: all its rows, or none."""
    try:
        mapping = parse_mapping(options.map)
    except ValueError as error:
        print(f"linkdesk {COMMAND} import: {error}", file=sys.stderr)
        return EXIT_USAGE
    with open_to_change(options.project) as project:
        try:
            result = import_placements(project.db, options.file, mapping)
        except PlacementError as error:
            return _failed(str(error))
    print(f"{options.file}: {result.added} placement{'s' if result.added != 1 else ''} added")
    for skipped in result.skipped:
        print(f"  skipped {skipped}")
    return EXIT_OK


def run_export(options: argparse.Namespace) -> int:
    """Write the placements to a CSV file."""
    with open_to_read(options.project) as project:
        written = export_placements(project.db, options.output)
    print(f"{options.output}: {written} placement{'s' if written != 1 else ''} written")
    return EXIT_OK


def run_check(options: argparse.Namespace) -> int:
    """Check the placements' pages and print what changed since the previous check."""
    from linkdesk.core.placements import check_placements

    check_options = CheckOptions(concurrency=options.concurrency)
    if options.timeout is not None:
        check_options = replace(
            check_options, page_timeout=options.timeout,
            connect_timeout=min(check_options.connect_timeout, options.timeout),
            read_timeout=min(check_options.read_timeout, options.timeout))
    with open_to_change(options.project) as project, ctrl_c_cancels() as interrupts:
        result = check_placements(project, options=check_options,
                                  cancelled=interrupts.stop.is_set)
        interrupts.checked.set()
        pages = {p.id: p.placement.page for p in load_placements(project.db)}
    changes: list[dict[str, Any]] = [
        {"id": c.placement_id, "page": pages.get(c.placement_id, c.page),
                "before": c.before, "after": c.after, "differences": list(c.differences),
                "detail": c.detail} for c in result.changes]
    if options.json:
        print(json.dumps({"pages": result.summary.pages, "placements": result.summary.links,
                          "not_checkable": result.not_checkable,
                          "cancelled": result.summary.cancelled, "changes": changes},
                         indent=2, ensure_ascii=False))
    else:
        print(f"Checked {result.summary.links} placements on {result.summary.pages} pages")
        if result.not_checkable:
            print(f"  {result.not_checkable} known only by their domain: add their page to "
                  "check them")
        print(f"Changes since the previous check: {len(changes)}")
        for change in changes:
            before = change["before"] or "new"
            differs = (f" ({', '.join(change['differences'])})"
                       if change["differences"] else "")
            print(inert(f"  {change['id']} {change['page']}: {before} -> {change['after']}"
                        f"{differs}{': ' + str(change['detail']) if change['detail'] else ''}"))
    return EXIT_FAILED if result.summary.cancelled else EXIT_OK


def run_remove(options: argparse.Namespace) -> int:
    """Delete placements by id (their status history is kept)."""
    with open_to_change(options.project) as project:
        try:
            change = plan_delete(project.db, options.ids)
        except PlacementError as error:
            return _failed(str(error))
        apply_change(project.db, change)
    print(f"Removed {len(change.edits)} placement{'s' if len(change.edits) != 1 else ''}")
    return EXIT_OK

