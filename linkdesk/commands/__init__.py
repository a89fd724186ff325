"""Headless subcommands of `linkdesk`, one module per group.

Each module has `register(subparsers)`, which adds its subcommands and sets `run` on each
parser to a function taking the parsed arguments and returning an exit status.
"""

from __future__ import annotations

import argparse

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Old names that still work but are not listed (export.py: `export-table` is `export`).
HIDDEN_COMMANDS = frozenset({"export-table"})
# How `--help` describes the PROJECT argument every subcommand has (`describe_project`).
PROJECT_HELP = "the client's project file, e.g. acme.linkdesk (one file per client)"
NEW_PROJECT_HELP = PROJECT_HELP.replace("(one file", "(created if needed; one file")
CREATING_COMMANDS = frozenset({"import"})


def describe_project(subparsers: argparse._SubParsersAction) -> None:
    """Give every subcommand's `project` argument the same name and help in `--help`
    (PROJECT, what it is), where the subcommand has not described it itself."""
    for command, parser in subparsers.choices.items():
        for action in parser._actions:
            if action.dest == "project" and not action.help and not action.option_strings:
                action.metavar = "PROJECT"
                action.help = NEW_PROJECT_HELP if command in CREATING_COMMANDS else PROJECT_HELP
