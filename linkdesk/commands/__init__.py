"""Headless subcommands of `linkdesk`, one module per group.

Each module has `register(subparsers)`, which adds its subcommands and sets `run` on each
parser to a function taking the parsed arguments and returning an exit status.
"""

from __future__ import annotations

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Old names that still work but are not listed (export.py: `export-table` is `export`).
HIDDEN_COMMANDS = frozenset({"export-table"})
# How `--help` describes the positional arguments every subcommand shares.
PROJECT_HELP = "the client's project file, e.g. acme.linkdesk (one file per client)"
NEW_PROJECT_HELP = PROJECT_HELP.replace("(one file", "(created if needed; one file")
