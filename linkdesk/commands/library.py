"""The verdict library on the command line.

    linkdesk library list [--json] [--verdict disavow|keep|review]
    linkdesk library import FILE [--verdict V] [--reason TEXT]
    linkdesk library export -o FILE.csv [--bom]
    linkdesk library forget DOMAIN...
    linkdesk library apply PROJECT [--dry-run] [--json] [--verdict V ...]
    linkdesk library project PROJECT [--feed | --no-feed] [--confidential | --named]

Every one takes `--library PATH` (default: `$LINKDESK_LIBRARY`, else the data folder's).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from linkdesk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from linkdesk.core import urls
from linkdesk.core.library import (
    PROJECT,
    VERDICTS,
    DomainVerdicts,
    Library,
    LibraryError,
    LibraryMissing,
    all_verdicts,
    library_path,
    project_options,
    set_project_options,
)
from linkdesk.core.marks import MarksError, apply_change, domain_key
from linkdesk.core.store import Project
from linkdesk.core.text import clip, inert
from linkdesk.core.verdicts import ApplyPlan, export_csv, import_file, plan_apply

SAMPLE = 10  # lines of a list printed before "… and N more"
_REASONS_SHOWN = 5  # reasons a listed domain shows

Run = Callable[[argparse.Namespace], int]


def register(commands: argparse._SubParsersAction) -> None:
    """Add `library` and its subcommands."""
    library = commands.add_parser(
        "library", help="the verdict library: what you decided about domains, in every project")
    sub = library.add_subparsers(dest="library_command", required=True)

    listing = _add(sub, "list", "list the domains the library holds", run_list)
    listing.add_argument("--json", action="store_true", help="one JSON object per verdict")
    listing.add_argument("--verdict", choices=VERDICTS, help="only domains given this verdict")

    imported = _add(sub, "import", "import a library CSV, or a list of domains (a disavow "
                    "file, a spreadsheet column) as verdicts", run_import)
    imported.add_argument("file", type=Path)
    imported.add_argument("--verdict", choices=VERDICTS, default="disavow",
                          help="the verdict a list's domains get (default: disavow)")
    imported.add_argument("--reason", default="", help="the reason a list's domains get")

    exported = _add(sub, "export", "write the library as CSV", run_export)
    exported.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.csv")
    exported.add_argument("--bom", action="store_true", help="start with a UTF-8 BOM (Excel)")

    forget = _add(sub, "forget", "remove every verdict on a domain", run_forget)
    forget.add_argument("domain", nargs="+")

    apply = _add(sub, "apply", "mark a project's undecided domains with their earlier "
                 "verdicts (the project's disavow and keep marks win)", run_apply)
    apply.add_argument("project", type=Path)
    apply.add_argument("--dry-run", action="store_true", help="show what would change, only")
    apply.add_argument("--json", action="store_true", help="the plan as JSON")
    apply.add_argument("--verdict", choices=VERDICTS, action="append",
                       help="apply only this verdict (repeat for more; default: all)")

    project = _add(sub, "project", "show or change how a project takes part in the library",
                   run_project)
    project.add_argument("project", type=Path)
    feed = project.add_mutually_exclusive_group()
    feed.add_argument("--feed", dest="feed", action="store_const", const=True,
                      help="its domain marks become its verdicts in the library (default)")
    feed.add_argument("--no-feed", dest="feed", action="store_const", const=False,
                      help="keep its marks out of the library (its verdicts are removed)")
    named = project.add_mutually_exclusive_group()
    named.add_argument("--confidential", dest="confidential", action="store_const", const=True,
                       help="count its verdicts but never name it")
    named.add_argument("--named", dest="confidential", action="store_const", const=False,
                       help="name it beside its verdicts (default)")


def _add(sub: argparse._SubParsersAction, name: str, text: str,
         run: Run) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=text, description=text)
    parser.add_argument("--library", type=Path, metavar="PATH",
                        help="the library file (default: $LINKDESK_LIBRARY, else "
                             "library.sqlite in LinkDesk's data folder)")
    parser.set_defaults(run=_guarded(run, name))
    return parser


def _guarded(run: Run, name: str) -> Run:
    """The library's trouble as a message naming the file, not a traceback."""

    def guarded(options: argparse.Namespace) -> int:
        try:
            return run(options)
        except LibraryError as error:
            print(f"linkdesk library {name}: {error}", file=sys.stderr)
            return EXIT_FAILED
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            print(f"linkdesk library {name}: the library or project is busy (another "
                  "program is writing to it); nothing was changed: try again",
                  file=sys.stderr)
            return EXIT_FAILED

    return guarded


# -- list -------------------------------------------------------------------------------------


def run_list(options: argparse.Namespace) -> int:
    """Print the library's domains (and their verdicts)."""
    try:
        with Library.open(options.library, create=False) as library:
            found = all_verdicts(library, options.verdict)
    except LibraryMissing:
        found = []
    if options.json:
        print(json.dumps([item for domain in found for item in list_items(domain)
                          if options.verdict in (None, item["verdict"])], indent=2))
        return EXIT_OK
    for domain in found:
        # Imported text: inert, and each reason clipped (a colleague's file may give one of
        # 100,000 characters, or hundreds of reasons).
        said = domain.reasons()
        reasons = "; ".join(clip(reason) for reason in said[:_REASONS_SHOWN]) + (
            f"; and {len(said) - _REASONS_SHOWN:,} more" if len(said) > _REASONS_SHOWN else "")
        print(inert(f"{urls.to_unicode_host(domain.domain)}: {domain.summary}"
                    + (f" ({reasons})" if reasons else "") + f", last {domain.last_decided[:10]}"))
    print(f"{len(found):,} domains in {library_path(options.library)}")
    return EXIT_OK


def list_items(found: DomainVerdicts) -> list[dict[str, object]]:
    """A domain's verdicts as `list --json` writes them: one object per verdict given."""
    items = []
    for verdict in VERDICTS:
        given = [v for v in found.verdicts if v.verdict == verdict]
        if not given:
            continue
        projects = [v for v in given if v.source_kind == PROJECT]
        items.append({
            "domain": found.domain,
            "verdict": verdict,
            "projects": len(projects),
            "lists": len(given) - len(projects),
            "sources": [v.source_name for v in given if v.source_name],
            "confidential": sum(1 for v in projects if v.source_name is None),
            "reasons": found.reasons(verdict),
            "first_decided": min(v.decided_at for v in given),
            "last_decided": max(v.decided_at for v in given),
        })
    return items


# -- import, export, forget -------------------------------------------------------------------


def run_import(options: argparse.Namespace) -> int:
    """Import a library CSV or a list of domains."""
    with Library.open(options.library) as library:
        report = import_file(library, options.file, verdict=options.verdict,
                             reason=options.reason)
    print(report.text)
    for skipped in report.skipped[:SAMPLE]:
        print(f"  line {skipped.line}: {skipped.text[:80]!r}: {skipped.why}")
    if len(report.skipped) > SAMPLE:
        print(f"  … and {len(report.skipped) - SAMPLE:,} more")
    return EXIT_OK


def run_export(options: argparse.Namespace) -> int:
    """Write the library as CSV."""
    try:
        with Library.open(options.library, create=False) as library:
            count = export_csv(library, options.output, bom=options.bom)
    except OSError as error:
        print(f"linkdesk library export: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{options.output}: {count:,} verdicts")
    return EXIT_OK


def run_forget(options: argparse.Namespace) -> int:
    """Remove every verdict on the given domains."""
    domains = []
    for text in options.domain:
        try:
            domains.append(domain_key(text))
        except MarksError as error:
            print(f"linkdesk library forget: {error}; nothing was removed", file=sys.stderr)
            return EXIT_USAGE
    try:
        with Library.open(options.library, create=False) as library:
            for domain in domains:
                count = library.forget_domain(domain)
                print(f"{urls.to_unicode_host(domain)}: {count:,} verdicts removed")
    except LibraryMissing:
        print("linkdesk library forget: there is no library yet; nothing to remove",
              file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


# -- apply, project ---------------------------------------------------------------------------


def run_apply(options: argparse.Namespace) -> int:
    """Plan (and unless --dry-run, apply) a project's earlier verdicts."""
    where = library_path(options.library)
    with Project.open(options.project, create=False) as project:
        plan = plan_apply(project.db, where, verdicts=options.verdict or VERDICTS)
        warning = ""
        if plan and not options.dry_run:
            warning = apply_change(project.db, plan.change, library=where)
    if options.json:
        print(json.dumps(apply_json(plan, applied=bool(plan) and not options.dry_run),
                         indent=2))
    else:
        print("\n".join(inert(line) for line in apply_text(plan, options.dry_run).split("\n")))
    if warning:
        print(f"linkdesk library apply: {warning}", file=sys.stderr)
    return EXIT_OK


def apply_json(plan: ApplyPlan, *, applied: bool) -> dict[str, object]:
    """The plan as `apply --json` writes it."""
    return {
        "judged": plan.judged,
        "changes": len(plan.rows),
        "by_verdict": plan.counts,
        "project_wins": plan.project_wins,
        "unchanged": plan.unchanged,
        "skipped": plan.skipped,
        "applied": applied,
        "domains": [{"domain": row.domain, "before": row.before, "after": row.after,
                     "summary": row.summary, "reason": row.reason} for row in plan.rows],
    }


def apply_text(plan: ApplyPlan, dry_run: bool) -> str:
    """The plan as the user reads it."""
    verb = "would mark" if dry_run else "marked"
    counts = ", ".join(f"{n:,} {name}" for name, n in plan.counts.items()) or "nothing"
    were = "was" if plan.judged == 1 else "were"
    lines = [f"{plan.judged:,} of the project's domains {were} judged before; {verb} "
             f"{counts}; {plan.project_wins:,} left as the project marked them (disavow or "
             f"keep); {plan.unchanged:,} already so"]
    rows = [f"  {urls.to_unicode_host(row.domain)}: {row.before or 'none'} -> {row.after} "
            f"({row.summary})" for row in plan.rows]
    lines += rows[:SAMPLE]
    if len(rows) > SAMPLE:
        lines.append(f"  … and {len(rows) - SAMPLE:,} more")
    return "\n".join(lines)


def run_project(options: argparse.Namespace) -> int:
    """Show or change a project's library settings."""
    with Project.open(options.project, create=False) as project:
        warning = ""
        if options.feed is not None or options.confidential is not None:
            warning = set_project_options(project.db, feed=options.feed,
                                          confidential=options.confidential,
                                          library=options.library)
        now = project_options(project.db)
    print(f"{options.project}: "
          + ("feeds the library" if now.feed else "kept out of the library")
          + ("; confidential (counted, never named)" if now.confidential else "; named"))
    if warning:
        print(f"linkdesk library project: {warning}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
