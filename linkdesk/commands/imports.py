"""`linkdesk import PROJECT FILE...`: import exports, print what each added."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from linkdesk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from linkdesk.commands.opening import open_to_change
from linkdesk.commands.scoring import summary_text
from linkdesk.core.importers.batches import FileOutcome, import_files
from linkdesk.core.importers.pipeline import (
    FORMAT_CHOICES,
    ImportOptions,
    ImportProgress,
    ImportResult,
)
from linkdesk.core.importers.site import settle_site
from linkdesk.core.scoring import ScoreCancelled, rescore, scores_current
from linkdesk.core.store import Project, transaction
from linkdesk.core.timeline.dates import (
    FROM_MTIME,
    BadDate,
    parse_export_day,
)
from linkdesk.core.words import counted, plural


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `import` subcommand."""
    parser = commands.add_parser(
        "import", help="import backlink exports into a project (created if needed)"
    )
    parser.add_argument("project", type=Path)
    parser.add_argument("files", type=Path, nargs="+", metavar="FILE",
                        help="an export file: CSV, .gz or a ZIP of CSVs")
    parser.add_argument("--format", choices=FORMAT_CHOICES, default="auto")
    parser.add_argument(
        "--map", action="append", default=[], metavar="FIELD=COLUMN",
        help="map a column for a generic CSV (source_url, target_url, anchor, nofollow, ...)",
    )
    parser.add_argument(
        "--site", metavar="DOMAIN",
        help="the client's site, e.g. acme-widgets.com (default: the domain most links point "
             "to, when it is clear)",
    )
    parser.add_argument("--as-of", metavar="DATE",
                        help="the day the exports describe, YYYY-MM-DD (default: the latest "
                             "last-seen date in each file, else its modification time)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument(
        "--no-score", action="store_true",
        help="do not re-score after importing (scores are computed when next needed)",
    )
    parser.set_defaults(run=run_import)


def run_import(options: argparse.Namespace) -> int:
    """Import each file, all-or-nothing: a failed file changes nothing."""
    try:
        mapping = parse_mapping(options.map)
    except ValueError as error:
        print(f"linkdesk import: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        as_of = parse_export_day(options.as_of) if options.as_of else None
    except BadDate as error:
        print(f"linkdesk import: {error}", file=sys.stderr)
        return EXIT_USAGE
    import_options = ImportOptions(options.format, mapping, options.site, as_of)
    show_progress = not options.quiet and sys.stderr.isatty()
    failures = 0
    # Files without dates take the day of the run's other files once all are imported
    # (batches.import_files): theirs are printed then.
    undated: list[ImportResult] = []
    made = _missing_paths(options.project)  # the project (and folders) this run would create

    def done(outcome: FileOutcome) -> None:
        nonlocal failures
        _clear_progress(show_progress)
        if outcome.error is not None:
            print(f"linkdesk import: {outcome.error}", file=sys.stderr)
            print(f"  {outcome.path.name}: nothing imported; the project is unchanged",
                  file=sys.stderr)
            failures += 1
        for result in outcome.results:
            if result.as_of_source == FROM_MTIME:
                undated.append(result)
            else:
                print(result_text(result))

    with open_to_change(options.project, create=True) as project:
        # Files share transactions in batches; each file is still all-or-nothing.
        moves = import_files(
            project, options.files, import_options, done=done,
            progress=_print_progress if show_progress else None,
        )
        if made and failures == len(options.files):
            project.close()
            _remove_new(made)
            print(f"linkdesk import: no file could be read; {options.project} was not created",
                  file=sys.stderr)
            return EXIT_FAILED
        for result in undated:
            print(result_text(result))
        if moves.text():  # what this import did to the links imported before
            print(moves.text())
        if not options.site:
            _settle_site(project, options.project)
        if not options.no_score and not scores_current(project.db):
            # Scores are derived data: computed after the imports, in their own transaction.
            try:
                summary = rescore(project.db)
            except ScoreCancelled:
                print("linkdesk import: scoring interrupted; run `linkdesk score`",
                      file=sys.stderr)
            else:
                print(summary_text(summary))
    return EXIT_FAILED if failures else EXIT_OK


def _settle_site(project: Project, path: Path) -> None:
    """Work out the client's site from the links when none is set, and say so."""
    with transaction(project.db):
        guess = settle_site(project.db)
    if guess is None:
        return
    if guess.site is not None:
        print(f"site: {guess.describe(guess.site)}; if it is not the client's: "
              f"linkdesk settings {path} --site DOMAIN")
    else:
        print(f"site: not set: the links point to {guess.list_candidates()}; say which is "
              f"the client's: linkdesk settings {path} --site DOMAIN")


def _missing_paths(project: Path) -> list[Path]:
    """The project file and its folders that do not exist yet, deepest first."""
    missing = []
    for path in (project, *project.absolute().parents):
        if path.exists():
            break
        missing.append(path)
    return missing


def _remove_new(made: list[Path]) -> None:
    """Remove the project file (with its WAL files) and the folders this run created."""
    project = made[0]
    for path in (project, project.with_name(project.name + "-wal"),
                 project.with_name(project.name + "-shm")):
        path.unlink(missing_ok=True)
    for folder in made[1:]:
        try:
            folder.rmdir()
        except OSError:  # not empty: something else was put there meanwhile
            break


def parse_mapping(pairs: list[str]) -> dict[str, str] | None:
    """Read `--map FIELD=COLUMN` options."""
    mapping = {}
    for pair in pairs:
        field, equals, column = pair.partition("=")
        if not equals or not field.strip() or not column.strip():
            raise ValueError(f"--map wants FIELD=COLUMN, got {pair!r}")
        mapping[field.strip().lower()] = column.strip()
    return mapping or None


def _print_progress(progress: ImportProgress) -> None:
    percent = 100 * progress.bytes_done / progress.bytes_total if progress.bytes_total else 0
    # ESC [K: the files of a batch are read one after another before any is reported, so a
    # shorter line must not keep the end of the previous file's.
    print(f"\r{progress.file}: {progress.rows:,} rows ({percent:.0f}%)\033[K", end="",
          file=sys.stderr)


def _clear_progress(shown: bool) -> None:
    if shown:
        print("\r\033[K", end="", file=sys.stderr)


def result_text(result: ImportResult) -> str:
    """One import's summary, as the user reads it."""
    name_colon = f"{result.file}: "
    if result.passed_over:  # the reason may start with the member's name: say it once
        return f"{result.file}: not imported: {result.passed_over.removeprefix(name_colon)}"
    if result.duplicate_of:
        return f"{result.file}: already imported ({result.duplicate_of}); nothing added"
    lines = [
        f"{result.file}: {result.label}: {counted(result.rows_read, 'row')} read, "
        f"{result.rows_imported:,} imported, {result.rows_skipped:,} skipped; "
        + (
            f"{counted(result.links_added, 'link')} added, {result.links_merged:,} merged"
            if result.vendor != "gsc"
            else f"{counted(*result.seen_by_google())} seen by Google"
        )
    ]
    if result.as_of:
        lines.append(f"  export dated {result.as_of} ({result.day_words('--as-of')})")
    for skipped in result.skipped[:10]:
        lines.append(f"  skipped line {skipped.line}: {skipped.reason}")
    if result.rows_skipped > 10:
        lines.append(f"  … and {result.rows_skipped - 10:,} more skipped "
                     f"{plural(result.rows_skipped - 10, 'row')}")
    lines.extend(f"  warning: {warning}" for warning in result.warnings)
    return "\n".join(lines)
