"""Marks and disavow files on the command line.

    linkdesk mark PROJECT (--domain D | --url U)... (--disavow | --keep | --review | --clear)
                  [--reason TEXT] [--force] [--dry-run]
    linkdesk mark PROJECT --table links|domains [--search TEXT] [--band NAME] [--risk NAME]
                  [--marked [KIND]] [--since-review KIND] [--judged KIND] (--disavow | ...)
    linkdesk import-disavow PROJECT FILE
    linkdesk disavow PROJECT -o FILE.txt [--force]
    linkdesk validate-disavow FILE
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from linkdesk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from linkdesk.commands.filters import (
    add_filter_arguments,
    add_judged_argument,
    add_since_review_argument,
    filters_from,
)
from linkdesk.commands.opening import ensure_scores, open_to_change, open_to_read
from linkdesk.core import urls
from linkdesk.core.disavow import (
    DisavowError,
    DisavowPlan,
    ImportReport,
    import_disavow,
    plan_disavow,
    validate_file,
    write_disavow,
)
from linkdesk.core.exports import export_spec
from linkdesk.core.marks import (
    MarkKind,
    MarksError,
    Target,
    apply_change,
    domain_key,
    domain_marks,
    domains_without_links,
    plan_marks,
    preview,
)
from linkdesk.core.store import Project
from linkdesk.core.tables import TableQuery, TableSpec, mark_filtered
from linkdesk.core.timeline import with_since_review
from linkdesk.core.words import counted, plural

SAMPLE = 10  # lines of a list printed before "… and N more"


def register(commands: argparse._SubParsersAction) -> None:
    """Add `mark`, `import-disavow`, `disavow` and `validate-disavow`."""
    mark = commands.add_parser("mark", help="mark referring domains or links disavow, keep or "
                                            "review (or clear their marks)")
    mark.add_argument("project", type=Path)
    mark.add_argument("--domain", action="append", default=[], metavar="DOMAIN",
                      help="a referring domain (all its links); repeat for more")
    mark.add_argument("--url", action="append", default=[], metavar="SOURCE_URL",
                      help="a linking page (its links in the project); repeat for more")
    mark.add_argument("--table", choices=("links", "domains"),
                      help="every row of this table the filters below let through, as "
                           "`linkdesk export --table` writes them (the window's Mark All "
                           "Shown), e.g. --table domains --since-review new --band risky")
    add_filter_arguments(mark)
    add_since_review_argument(mark)
    add_judged_argument(mark)
    kind = mark.add_mutually_exclusive_group(required=True)
    for name in ("disavow", "keep", "review", "clear"):
        kind.add_argument(f"--{name}", dest="kind", action="store_const", const=name,
                          help="remove the marks" if name == "clear" else f"mark {name}")
    mark.add_argument("--reason", default="", help="why (written into the disavow file)")
    mark.add_argument("--force", action="store_true",
                      help="disavow even what is marked keep (keep wins otherwise)")
    mark.add_argument("--dry-run", action="store_true", help="show what would change, only")
    mark.add_argument("--library", type=Path, metavar="PATH",
                      help="the verdict library the marks are recorded in (default: "
                           "$LINKDESK_LIBRARY, else the one in LinkDesk's data folder)")
    mark.set_defaults(run=run_mark)

    imported = commands.add_parser("import-disavow", help="import the client's existing "
                                                          "disavow file")
    imported.add_argument("project", type=Path)
    imported.add_argument("file", type=Path, metavar="FILE",
                          help="the client's current disavow file (a .txt)")
    imported.set_defaults(run=run_import_disavow)

    disavow = commands.add_parser("disavow", help="write the Google disavow file")
    disavow.add_argument("project", type=Path)
    disavow.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.txt")
    disavow.add_argument("--force", action="store_true",
                         help="write even though warnings need confirmation")
    disavow.set_defaults(run=run_disavow)

    validate = commands.add_parser("validate-disavow", help="check a disavow file against "
                                                            "Google's rules")
    validate.add_argument("file", type=Path, metavar="FILE",
                          help="the disavow file to check (a .txt)")
    validate.set_defaults(run=run_validate)


# -- mark -------------------------------------------------------------------------------------


def run_mark(options: argparse.Namespace) -> int:
    """Mark or clear the given domains and pages."""
    filters = filters_from(options)
    if filters.active() and not options.table:
        print("linkdesk mark: the filters (--search, --band, ...) choose rows of a table: "
              "add --table links or --table domains", file=sys.stderr)
        return EXIT_USAGE
    if not options.domain and not options.url and not options.table:
        print("linkdesk mark: give at least one --domain or --url, or --table with filters",
              file=sys.stderr)
        return EXIT_USAGE
    if options.table and not filters.active():  # a forgotten filter would mark every row
        print(f"linkdesk mark: --table {options.table} marks the rows the filters let through: "
              "give at least one (--search, --band, --risk, --marked, --since-review, "
              "--judged); nothing was marked", file=sys.stderr)
        return EXIT_USAGE
    kind = None if options.kind == "clear" else MarkKind(options.kind)
    domains: list[str] = []
    refused: list[tuple[str, MarksError]] = []
    for text in options.domain:
        try:
            domains.append(domain_key(text))
        except MarksError as error:
            refused.append((text, error))
    if refused and kind is not None:
        print(f"linkdesk mark: {refused[0][1]}; nothing was marked", file=sys.stderr)
        return EXIT_USAGE
    opener = open_to_read if options.dry_run else open_to_change
    with opener(options.project) as project:
        db = project.db
        if refused:  # a mark made before domains were checked can still be cleared
            stored = domain_marks(db, [_as_stored(text) for text, _ in refused])
            missing = [error for text, error in refused if _as_stored(text) not in stored]
            if missing:
                print(f"linkdesk mark: {missing[0]}; nothing was cleared", file=sys.stderr)
                return EXIT_USAGE
            domains += stored
        links: list[tuple[str, str]] = []
        for url in options.url:
            normalized = urls.normalize_url(url)
            if normalized is None:
                print(f"linkdesk mark: {url!r} {urls.url_problem(url)}; nothing was marked",
                      file=sys.stderr)
                return EXIT_USAGE
            found = db.execute("SELECT source_url, target_url FROM links WHERE source_url = ?",
                               (normalized[0],)).fetchall()
            if not found:
                print(f"linkdesk mark: no link from {url} in this project", file=sys.stderr)
                return EXIT_FAILED
            links += [(s, t) for s, t in found]
        unknown = domains_without_links(db, domains) if kind is not None else []
        named = Target(tuple(domains), tuple(links))
        if options.table:  # in batches: a million links are never held in memory
            spec = _shown(project, options.table, filters.since_review)
            try:
                TableQuery(db, spec, filters)  # a filter this table lacks (--judged on links)
            except ValueError as error:
                print(f"linkdesk mark: {error}; nothing was marked", file=sys.stderr)
                return EXIT_USAGE
            summary, warning = mark_filtered(
                db, spec, filters, kind, options.reason, forced=options.force, extra=named,
                library=options.library, dry_run=options.dry_run)
        else:
            change = plan_marks(db, named, kind, options.reason, forced=options.force)
            summary = preview(db, change)
            warning = ""
            if not options.dry_run and change:
                warning = apply_change(db, change, library=options.library)
    verb = "would change" if options.dry_run else "changed"
    print(f"{summary.text} ({verb}: {summary.added:,} added, {summary.changed:,} replaced, "
          f"{summary.removed:,} cleared; {summary.unchanged:,} already so; "
          f"{counted(summary.links_affected, 'link')} affected)")
    for line in summary.sample[:SAMPLE]:
        print(f"  {line}")
    if summary.total > min(len(summary.sample), SAMPLE):
        print(f"  … and {summary.total - min(len(summary.sample), SAMPLE):,} more")
    if summary.skipped.get("keep"):
        print(f"{summary.skipped['keep']:,} marked keep left alone (keep wins; --force to "
              "disavow them)")
    if unknown:
        what = "would be marked" if options.dry_run else "marked"
        print(f"linkdesk mark: no link of this project comes from {_listed(unknown)}; "
              f"{what} all the same (a typo? `linkdesk mark ... --domain D --clear` takes "
              "a mark back)", file=sys.stderr)
    if warning:
        print(f"linkdesk mark: {warning}", file=sys.stderr)
    return EXIT_OK


def _listed(domains: list[str]) -> str:
    """A few domains by name, the rest counted."""
    shown = ", ".join(domains[:SAMPLE])
    return shown if len(domains) <= SAMPLE else f"{shown} and {len(domains) - SAMPLE:,} more"


def _shown(project: Project, table: str, since_review: object) -> TableSpec:
    """The table the filters choose rows of, as the window shows it (scores current)."""
    ensure_scores(project, "mark")  # --band and --risk read the scores
    spec = export_spec(project.db, table)
    return with_since_review(spec) if since_review else spec


def _as_stored(text: str) -> str:
    """A refused domain as an older LinkDesk, which did not check hosts, stored its mark."""
    return urls.registered_domain(text.strip().lower().removeprefix("domain:"))


# -- import-disavow ---------------------------------------------------------------------------


def run_import_disavow(options: argparse.Namespace) -> int:
    """Import a disavow file and say what it covers."""
    with open_to_change(options.project) as project:
        try:
            report = import_disavow(project.db, options.file)
        except DisavowError as error:
            print(f"linkdesk import-disavow: {error}", file=sys.stderr)
            return EXIT_FAILED
    print(import_text(report, options.file))
    if report.library_warning:
        print(f"linkdesk import-disavow: {report.library_warning}", file=sys.stderr)
    return EXIT_OK


def import_text(report: ImportReport, path: Path) -> str:
    """What an import did, as the user reads it."""
    parsed, cover = report.parsed, report.coverage
    lines = [f"{path}: {counted(parsed.lines, 'line')}, "
             f"{counted(len(parsed.domains), 'domain entry', 'domain entries')}, "
             f"{counted(len(parsed.urls), 'URL entry', 'URL entries')}, "
             f"{counted(len(parsed.invalid), 'invalid line')}"]
    if report.already_imported:
        lines.append("  this file was imported before: nothing added")
    lines += [f"  line {e.line_no}: {e.text.strip()[:100]!r} read as {e.line} "
              f"(corrected {e.corrected})" for e in parsed.corrected]
    lines += [f"  line {e.line_no}: invalid, kept as text: {e.text.strip()[:100]}"
              for e in parsed.invalid]
    errors = sum(p.severity == "error" for p in parsed.problems)
    if errors:
        lines.append(f"  Google would reject this file as it is ({counted(errors, 'error')}; see "
                     "`linkdesk validate-disavow`)")
    lines.append(f"  covers {counted(cover.links, 'link')} of the profile from "
                 f"{counted(cover.domains, 'referring domain')} "
                 f"({counted(cover.whole_domains, 'whole domain')})")
    if cover.not_in_profile:
        missing = len(cover.not_in_profile)
        lines.append(f"  {counted(missing, 'entry', 'entries')} "
                     f"{plural(missing, 'matches', 'match')} nothing in the profile "
                     "(kept, and carried into the next disavow file):")
        lines += _sample([f"    line {e.line_no}: {e.line}" for e in cover.not_in_profile])
    lines.append(f"  marks added: {counted(report.domain_marks_added, 'domain')}, "
                 f"{counted(report.link_marks_added, 'link')}")
    if report.still_withdrawn:
        lines.append(f"  {counted(report.still_withdrawn, 'entry', 'entries')} you took back "
                     f"earlier {plural(report.still_withdrawn, 'stays', 'stay')} withdrawn")
    lines += [f"  conflict: {text} (keep wins)" for text in report.conflicts]
    return "\n".join(lines)


# -- disavow ----------------------------------------------------------------------------------


def run_disavow(options: argparse.Namespace) -> int:
    """Plan the disavow file, print warnings and diff, write it unless warnings stop it."""
    with open_to_change(options.project) as project:
        db = project.db
        ensure_scores(project, "disavow")  # the quality warnings must describe the data
        plan = plan_disavow(db)
        print(plan_text(plan))
        try:
            write_disavow(db, plan, options.output, confirmed=options.force)
        except DisavowError as error:
            print(f"linkdesk disavow: {error}", file=sys.stderr)
            if plan.needs_confirmation and not options.force and not plan.errors:
                print("linkdesk disavow: check the warnings above; run again with --force to "
                      "write the file anyway", file=sys.stderr)
            return EXIT_FAILED
    print(f"{options.output}: {counted(plan.domains, 'domain')}, {counted(plan.urls, 'URL')}, "
          f"{counted(plan.lines, 'line')}")
    return EXIT_OK


def plan_text(plan: DisavowPlan) -> str:
    """The plan's entries, diff, conflicts and warnings, as the user reads them."""
    lines = [f"disavow file: {counted(plan.domains, 'domain')}, {counted(plan.urls, 'URL')}"]
    against = plan.diff.against or "no earlier file"
    lines.append(f"against {against}: {len(plan.diff.added):,} added, "
                 f"{len(plan.diff.removed):,} removed")
    lines += _sample([f"  + {line}" for line in plan.diff.added])
    lines += _sample([f"  - {line}" for line in plan.diff.removed])
    for warning in plan.warnings:
        tag = "warning (needs --force)" if warning.needs_confirmation else "note"
        lines.append(f"{tag}: {warning.message}")
    if plan.comments_dropped:
        lines.append("note: reasons left out of the file to stay within Google's limits")
    lines += [f"error: {error}" for error in plan.errors]
    return "\n".join(lines)


# -- validate-disavow -------------------------------------------------------------------------


def run_validate(options: argparse.Namespace) -> int:
    """Print every problem of a disavow file; non-zero exit when Google would reject it."""
    try:
        report = validate_file(options.file)
    except OSError as error:
        print(f"linkdesk validate-disavow: {options.file}: cannot read it ({error.strerror})",
              file=sys.stderr)
        return EXIT_FAILED
    for problem in report.problems:
        print(f"{options.file}: {problem}")
    verdict = ("Google would reject it" if report.rejected else "valid")
    print(f"{options.file}: {counted(report.lines, 'line')}, "
          f"{counted(report.entries, 'entry', 'entries')}, "
          f"{counted(len(report.errors), 'error')}, "
          f"{counted(len(report.warnings), 'warning')}: {verdict}")
    return EXIT_FAILED if report.rejected else EXIT_OK


def _sample(lines: list[str]) -> list[str]:
    if len(lines) <= SAMPLE:
        return lines
    return [*lines[:SAMPLE], f"    … and {len(lines) - SAMPLE:,} more"]
