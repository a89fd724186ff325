"""`linkdesk stats PROJECT [--json]`: a project's headline counts."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from linkdesk.commands import EXIT_OK
from linkdesk.commands.opening import ensure_scores, open_to_read
from linkdesk.core.stats import STAT_WORDS, project_stats


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `stats` subcommand."""
    parser = commands.add_parser("stats", help="print a project's counts")
    parser.add_argument("project", type=Path)
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.set_defaults(run=run_stats)


def run_stats(options: argparse.Namespace) -> int:
    """Print the counts, as text or one JSON object."""
    with open_to_read(options.project) as project:
        ensure_scores(project, "stats")  # bands and risk counts must describe the data
        stats = project_stats(project.db)
    print(json.dumps(stats, indent=2) if options.json else stats_text(stats))
    return EXIT_OK


def stats_text(stats: dict[str, object]) -> str:
    """The counts as aligned `name  value` lines, named in words (`STAT_WORDS`): "not
    followed  49,637 (links with nofollow, ugc or sponsored)"."""
    words = {key: STAT_WORDS.get(key, (key.replace("_", " "), "")) for key in stats}
    width = max(len(name) for name, _ in words.values())
    return "\n".join(f"{words[key][0]:<{width}}  {_value_text(value)}"
                     + (f" ({words[key][1]})" if words[key][1] else "")
                     for key, value in stats.items())


def _value_text(value: object) -> str:
    """`18,906`; a breakdown as `risky 50, weak 118, fair 51` (not a Python dict)."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dict):
        parts = [f"{str(key).replace('_', ' ')} {_value_text(count)}"
                 for key, count in value.items()]
        return ", ".join(parts) if parts else "none"
    return str(value)
