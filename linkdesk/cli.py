"""The `linkdesk` command: opens the window, or runs the core headless with a subcommand.

    linkdesk [PROJECT]        open the window (once it exists)
    linkdesk --demo           the sample project
    linkdesk COMMAND ...      a headless command (see `linkdesk COMMAND --help`)
    linkdesk-gui [PROJECT]    the window only: on Windows a pythonw launcher, with no console
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from collections.abc import Sequence

from linkdesk import __version__
from linkdesk.commands import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    HIDDEN_COMMANDS,
    changes,
    check,
    describe_project,
    disavow,
    import_days,
    imports,
    library,
    placements,
    profile,
    report,
    scoring,
    stats,
)
from linkdesk.commands.failures import run_guarded, undecodable_argument
from linkdesk.core.importers.pipeline import ImportFailed
from linkdesk.core.stats import project_stats
from linkdesk.core.store import Project, ProjectError

# Each module registers its subcommands; the order is the order of `--help`.
COMMAND_MODULES = (imports, import_days, stats, scoring, profile, check, disavow, changes, report,
                   library, placements)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `linkdesk` console script."""
    multiprocessing.freeze_support()  # big imports use a second process, also in a frozen app
    args = placements.reorder_args(list(sys.argv[1:] if argv is None else argv))
    parser = _command_parser()
    commands = _subcommand_names(parser)
    if not args or args[0] not in commands:
        return run_guarded("", None, lambda: _open_window(args, commands))
    options = parser.parse_args(args)
    undecodable = undecodable_argument(options)
    if undecodable:
        print(f"linkdesk {options.command}: {undecodable}", file=sys.stderr)
        return EXIT_USAGE
    return run_guarded(options.command, options, lambda: options.run(options))


def window_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `linkdesk-gui` GUI script: the window (and its options), no subcommand.

    pip makes it a pythonw launcher on Windows, so no console window opens beside the app;
    there is no console to print to either, so a subcommand's name is not one here.
    """
    multiprocessing.freeze_support()
    args = list(sys.argv[1:] if argv is None else argv)
    commands = _subcommand_names(_command_parser())
    return run_guarded("", None, lambda: _open_window(args, commands))


def _command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linkdesk")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    describe_project(subparsers)
    return parser


def _subcommand_names(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def _open_window(args: list[str], commands: list[str]) -> int:
    import os
    from pathlib import Path

    parser = argparse.ArgumentParser(
        prog="linkdesk",
        description="LinkDesk, a desktop backlink manager. Commands: "
        + ", ".join(name for name in commands if name not in HIDDEN_COMMANDS)
        + " (see `linkdesk COMMAND --help`).",
    )
    parser.add_argument("project", nargs="?", help="project file to open (e.g. acme.linkdesk)")
    parser.add_argument("--demo", action="store_true", help="open the bundled sample project")
    parser.add_argument("--screenshot", metavar="FILE.png", type=Path,
                        help="render the window on PROJECT at 1400x900 into a PNG and exit")
    parser.add_argument("--tab", default="links",
                        choices=("links", "domains", "anchors", "placements", "dashboard",
                                 "history"),
                        help="the tab the screenshot shows (default: links)")
    parser.add_argument("--version", action="version", version=f"linkdesk {__version__}")
    options = parser.parse_args(args)
    path = Path(options.project) if options.project else None
    if options.demo:
        from linkdesk.core.demo import demo_project

        try:
            path = demo_project()
        except (ImportFailed, ProjectError) as error:
            print(f"linkdesk: cannot build the sample project: {error}", file=sys.stderr)
            return EXIT_FAILED
        print(f"Sample project: {path}")
    if options.screenshot is not None:
        if path is None:
            parser.error("--screenshot needs a PROJECT (or --demo)")
        from linkdesk.ui.app import screenshot

        problem = screenshot(path, options.screenshot, options.tab)
        if problem:
            print(f"linkdesk: {problem}", file=sys.stderr)
            return EXIT_FAILED
        print(f"Screenshot: {options.screenshot}")
        return EXIT_OK
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        # No screen to show a window on: an invisible window would wait forever.
        if path is not None and path.is_file():
            with Project.open(path, create=False) as project:
                print(stats.stats_text(project_stats(project.db)))
        print("linkdesk: no display (QT_QPA_PLATFORM=offscreen); use --screenshot FILE.png "
              "to render the window", file=sys.stderr)
        return EXIT_OK
    from linkdesk.display import missing_display

    if (no_display := missing_display(project=path)) is not None:  # else Qt aborts (134)
        print(f"linkdesk: {no_display}", file=sys.stderr)
        return EXIT_FAILED
    from linkdesk.ui.app import run_window

    return run_window(path)

if __name__ == "__main__":
    raise SystemExit(main())
