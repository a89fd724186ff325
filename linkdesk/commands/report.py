"""`linkdesk report` and `linkdesk report-settings`: the client report, headless.

    linkdesk report PROJECT -o FILE.pdf|FILE.html [--since DATE|review] [--page a4|letter]
                    [--name TEXT] [--logo FILE] [--accent #rrggbb] [--footer TEXT]
    linkdesk report-settings [--name ...] [--project PROJECT] [--clear] [--json]

The report's charts are the Dashboard's, drawn by Qt off screen: without a display the
command uses Qt's offscreen platform by itself (docs/report.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from linkdesk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from linkdesk.commands.opening import ensure_scores, open_to_change, open_to_read
from linkdesk.core.report import (
    Branding,
    BrandingError,
    gather_report,
    project_branding,
    save_project_branding,
    save_user_branding,
    user_branding,
)
from linkdesk.core.report.branding import checked, user_settings_path
from linkdesk.core.timeline import BadPoint
from linkdesk.display import missing_display


def register(commands: argparse._SubParsersAction) -> None:
    """Add `report` and `report-settings`."""
    report = commands.add_parser(
        "report", help="write a report the client can read (PDF or HTML) with your name on it")
    report.add_argument("project", type=Path)
    report.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                        help="the report: FILE.pdf or FILE.html (one self-contained file)")
    report.add_argument("--since", metavar="DATE|review",
                        help="the period's start for what changed: YYYY-MM-DD or review (the "
                             "last review); default: the last review, or none before any")
    report.add_argument("--page", choices=("a4", "letter"), default="a4",
                        help="PDF page size (default: a4)")
    _branding_arguments(report, "for this report only (default: report-settings)")
    report.set_defaults(run=run_report)

    settings = commands.add_parser(
        "report-settings", help="your name, logo, colour and footer for client reports")
    _branding_arguments(settings, "to store")
    settings.add_argument("--project", type=Path, metavar="PROJECT",
                          help="store them for this project's client only (an override)")
    settings.add_argument("--clear", action="store_true",
                          help="forget the stored values (the user's, or the project's)")
    settings.add_argument("--json", action="store_true", help="print JSON")
    settings.set_defaults(run=run_report_settings)


def _branding_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--name", help=f"your (or your agency's) name, {what}")
    parser.add_argument("--logo", metavar="IMAGE",
                        help=f"a PNG or JPEG logo (5 MB at most), {what}")
    parser.add_argument("--accent", metavar="#RRGGBB", help=f"the accent colour, {what}")
    parser.add_argument("--footer", help=f"a line at the foot of each page, {what}")


def _branding_options(options: argparse.Namespace) -> Branding:
    logo = str(Path(options.logo).resolve()) if options.logo else ""
    return checked(Branding(options.name or "", logo, options.accent or "",
                            options.footer or ""))


def run_report(options: argparse.Namespace) -> int:
    """Gather the report's data, draw its charts and write the file."""
    output: Path = options.output
    if output.suffix.lower() not in (".pdf", ".html", ".htm"):
        print(f"linkdesk report: {output}: the file must end in .pdf or .html",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        branding = _branding_options(options)
    except BrandingError as error:
        print(f"linkdesk report: {error}", file=sys.stderr)
        return EXIT_USAGE
    with open_to_read(options.project) as project:
        ensure_scores(project, "report")
        try:
            data = gather_report(project.db, options.since, branding)
        except BadPoint as error:
            print(f"linkdesk report: {error}", file=sys.stderr)
            return EXIT_USAGE
    if missing_display() is not None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # charts are drawn, never shown
    from linkdesk.ui.app import application
    from linkdesk.ui.qt_messages import quiet_offscreen_notes
    from linkdesk.ui.report.document import ReportError, write_report

    application()
    quiet_offscreen_notes()
    try:
        size = write_report(data, output, options.page, protect=[options.project])
    except ReportError as error:
        print(f"linkdesk report: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{output}: {size / 1024:,.0f} KB")
    return EXIT_OK


def run_report_settings(options: argparse.Namespace) -> int:
    """Store (or show) the white-label settings: the user's, or one project's overrides."""
    try:
        given = _branding_options(options)
    except BrandingError as error:
        print(f"linkdesk report-settings: {error}", file=sys.stderr)
        return EXIT_USAGE
    changing = options.clear or given != Branding()
    if options.project is not None:
        opener = open_to_change if changing else open_to_read
        with opener(options.project) as project:
            current = Branding() if options.clear else project_branding(project.db)
            if changing:
                current = given.over(current)
                save_project_branding(project.db, current)
            where = str(options.project)
    else:
        current = Branding() if options.clear else user_branding()
        if changing:
            current = given.over(current)
            save_user_branding(current)
        where = str(user_settings_path())
    if options.json:
        print(json.dumps({"stored_in": where, **asdict(current)}, indent=2))
    else:
        print(f"Report settings ({where}):")
        for name, value in asdict(current).items():
            print(f"  {name:<7}{value or '(not set)'}")
    return EXIT_OK
