"""The `linkdesk` command: opens the window, or runs the core headless with a subcommand.

    linkdesk [PROJECT]                      open the window (once it exists)
    linkdesk --demo                         the sample project
    linkdesk import PROJECT FILE... [--format F] [--map FIELD=COLUMN ...] [--site DOMAIN]
    linkdesk stats PROJECT [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from linkdesk import __version__
from linkdesk.core.importers.pipeline import (
    FORMAT_CHOICES,
    ImportCancelled,
    ImportFailed,
    ImportOptions,
    ImportProgress,
    ImportResult,
    import_file,
)
from linkdesk.core.store import Project, ProjectError
from linkdesk.core.store.stats import project_stats

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `linkdesk` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in _COMMANDS:
        parser = _command_parser()
        options = parser.parse_args(args)
        try:
            return int(_COMMANDS[args[0]](options))
        except ProjectError as error:
            print(f"linkdesk: {error}", file=sys.stderr)
            return EXIT_FAILED
        except KeyboardInterrupt:
            print("linkdesk: interrupted; the project is unchanged", file=sys.stderr)
            return EXIT_FAILED
    return _open_window(args)


def _open_window(args: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="linkdesk",
        description="LinkDesk, a desktop backlink manager. Commands: "
        + ", ".join(_COMMANDS)
        + " (see `linkdesk COMMAND --help`).",
    )
    parser.add_argument("project", nargs="?", help="project file to open (e.g. acme.linkdesk)")
    parser.add_argument("--demo", action="store_true", help="open the bundled sample project")
    parser.add_argument("--version", action="version", version=f"linkdesk {__version__}")
    options = parser.parse_args(args)
    if options.demo:
        from linkdesk.core.demo import demo_project

        try:
            path = demo_project()
        except (ImportFailed, ProjectError) as error:
            print(f"linkdesk: cannot build the sample project: {error}", file=sys.stderr)
            return EXIT_FAILED
        with Project.open(path) as project:
            stats = project_stats(project.db)
        print(f"Sample project: {path}")
        print(_stats_text(stats))
        print("The main window is not built yet; use the commands (linkdesk --help).")
        return EXIT_OK
    print("The main window is not built yet; use the commands: " + ", ".join(_COMMANDS))
    return EXIT_OK


def _command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linkdesk")
    commands = parser.add_subparsers(dest="command", required=True)

    importer = commands.add_parser(
        "import", help="import backlink exports into a project (created if needed)"
    )
    importer.add_argument("project", type=Path)
    importer.add_argument("files", type=Path, nargs="+", metavar="FILE")
    importer.add_argument("--format", choices=FORMAT_CHOICES, default="auto")
    importer.add_argument(
        "--map", action="append", default=[], metavar="FIELD=COLUMN",
        help="map a column for a generic CSV (source_url, target_url, anchor, nofollow, ...)",
    )
    importer.add_argument("--site", help="the client's site, e.g. acme-widgets.com")
    importer.add_argument("--quiet", action="store_true", help="no progress on stderr")

    stats = commands.add_parser("stats", help="print a project's counts")
    stats.add_argument("project", type=Path)
    stats.add_argument("--json", action="store_true", help="one JSON object")
    return parser


def _run_import(options: argparse.Namespace) -> int:
    try:
        mapping = _parse_mapping(options.map)
    except ValueError as error:
        print(f"linkdesk import: {error}", file=sys.stderr)
        return EXIT_USAGE
    import_options = ImportOptions(options.format, mapping, options.site)
    show_progress = not options.quiet and sys.stderr.isatty()
    failures = 0
    with Project.open(options.project) as project:
        for path in options.files:
            try:
                results = import_file(
                    project, path, import_options,
                    progress=_print_progress if show_progress else None,
                )
            except (ImportFailed, ImportCancelled) as error:
                _clear_progress(show_progress)
                print(f"linkdesk import: {error}", file=sys.stderr)
                print(f"  {path.name}: nothing imported; the project is unchanged",
                      file=sys.stderr)
                failures += 1
                continue
            _clear_progress(show_progress)
            for result in results:
                print(_result_text(result))
    return EXIT_FAILED if failures else EXIT_OK


def _parse_mapping(pairs: list[str]) -> dict[str, str] | None:
    mapping = {}
    for pair in pairs:
        field, equals, column = pair.partition("=")
        if not equals or not field.strip() or not column.strip():
            raise ValueError(f"--map wants FIELD=COLUMN, got {pair!r}")
        mapping[field.strip().lower()] = column.strip()
    return mapping or None


def _print_progress(progress: ImportProgress) -> None:
    percent = 100 * progress.bytes_done / progress.bytes_total if progress.bytes_total else 0
    print(f"\r{progress.file}: {progress.rows:,} rows ({percent:.0f}%)", end="", file=sys.stderr)


def _clear_progress(shown: bool) -> None:
    if shown:
        print("\r\033[K", end="", file=sys.stderr)


def _result_text(result: ImportResult) -> str:
    if result.duplicate_of:
        return f"{result.file}: already imported ({result.duplicate_of}); nothing added"
    lines = [
        f"{result.file}: {result.label}: {result.rows_read:,} rows read, "
        f"{result.rows_imported:,} imported, {result.rows_skipped:,} skipped; "
        + (
            f"{result.links_added:,} links added, {result.links_merged:,} merged"
            if result.vendor != "gsc"
            else f"{result.links_merged:,} linking pages seen by Google"
        )
    ]
    for skipped in result.skipped[:10]:
        lines.append(f"  skipped line {skipped.line}: {skipped.reason}")
    if result.rows_skipped > 10:
        lines.append(f"  … and {result.rows_skipped - 10:,} more skipped rows")
    return "\n".join(lines)


def _run_stats(options: argparse.Namespace) -> int:
    with Project.open(options.project, create=False) as project:
        stats = project_stats(project.db)
    print(json.dumps(stats, indent=2) if options.json else _stats_text(stats))
    return EXIT_OK


def _stats_text(stats: dict[str, object]) -> str:
    width = max(len(key) for key in stats)
    return "\n".join(f"{key.replace('_', ' '):<{width}}  {value}" for key, value in stats.items())


_COMMANDS = {"import": _run_import, "stats": _run_stats}

if __name__ == "__main__":
    raise SystemExit(main())
