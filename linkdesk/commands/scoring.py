"""Scoring commands: `settings`, `score` and `explain` (and `export`, from commands/export.py).

    linkdesk settings PROJECT [--brand TEXT ...] [--money TEXT ...] [--site DOMAIN ...]
                              [--topic TEXT ...] [--weight NAME=POINTS ...] [--json]
    linkdesk score PROJECT [--json]
    linkdesk explain PROJECT (--url SOURCE_URL | --domain DOMAIN) [--json]
    linkdesk export PROJECT --table links|domains|anchors -o FILE.csv [options]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from linkdesk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE, export
from linkdesk.commands.opening import ensure_scores, open_to_change, open_to_read
from linkdesk.core import urls
from linkdesk.core.marks import MarksError, typed_domain
from linkdesk.core.scoring import (
    BANDS,
    LinkExplanation,
    ScoreCancelled,
    ScoreSummary,
    explain_domain,
    explain_link,
    load_model,
    rescore,
    set_overrides,
    set_terms,
)
from linkdesk.core.scoring.explain import DomainExplanation, find_link
from linkdesk.core.store import transaction
from linkdesk.core.words import counted

# option -> (terms field, metavar, help)
_TERM_OPTIONS = {
    "brand": ("brands", "TEXT", "brand terms (default: the site's name)"),
    "money": ("money", "TEXT", "money keywords, e.g. 'blue widgets'"),
    "site": ("sites", "DOMAIN", "the client's sites, main first"),
    "topic": ("topics", "TEXT", "topic keywords the referring pages should be about"),
    "language": ("languages", "CODE", "the market's languages, e.g. en"),
    "country": ("countries", "CODE", "the market's countries (TLD codes), e.g. us gb; default: "
                "the sites' country TLDs, English-speaking countries for .com sites"),
}
# option -> settings section
_NUMBER_OPTIONS = {
    "weight": "weights",
    "flag_points": "flag_points",
    "threshold": "thresholds",
    "detection": "detection",
}


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `settings`, `score`, `explain` and `export` subcommands (`export` and its old
    name `export-table` come from commands/export.py; registered here to keep their place in
    `--help`)."""
    settings = commands.add_parser(
        "settings", help="show or change a project's scoring settings (changes re-score)",
        usage="linkdesk settings PROJECT [--brand TEXT ...] [--money TEXT ...] "
        "[--site DOMAIN ...] [--topic TEXT ...] [options]",
        description="Each list option replaces that list; give it without values to empty it. "
        "NAME=VALUE options change one weight or threshold; NAME= restores its default.",
    )
    settings.add_argument("project", type=Path)
    for option, (_, metavar, text) in _TERM_OPTIONS.items():
        settings.add_argument(f"--{option}", nargs="*", action="extend", metavar=metavar,
                              help=text)
    for option, section in _NUMBER_OPTIONS.items():
        settings.add_argument(
            f"--{option.replace('_', '-')}", action="append", default=[], metavar="NAME=VALUE",
            dest=option, help=f"change {section.replace('_', ' ')} (see docs/scoring.md)",
        )
    settings.add_argument("--json", action="store_true", help="print the settings as JSON")
    settings.set_defaults(run=run_settings)

    score = commands.add_parser("score", help="re-score every link and referring domain")
    score.add_argument("project", type=Path)
    score.add_argument("--json", action="store_true", help="print the summary as JSON")
    score.set_defaults(run=run_score)

    explain = commands.add_parser("explain", help="why a link or domain scores what it does")
    explain.add_argument("project", type=Path)
    which = explain.add_mutually_exclusive_group(required=True)
    which.add_argument("--url", metavar="SOURCE_URL", help="the linking page's URL")
    which.add_argument("--domain", help="a referring domain")
    explain.add_argument("--json", action="store_true", help="print the explanation as JSON")
    explain.set_defaults(run=run_explain)

    export.register(commands)


# -- settings ---------------------------------------------------------------------------------


def run_settings(options: argparse.Namespace) -> int:
    """Change the given settings and re-score in one transaction, then print the settings."""
    terms = {
        field: getattr(options, option) for option, (field, _, _) in _TERM_OPTIONS.items()
        if getattr(options, option) is not None
    }
    try:
        overrides = {
            section: _pairs(getattr(options, option))
            for option, section in _NUMBER_OPTIONS.items() if getattr(options, option)
        }
    except ValueError as error:
        print(f"linkdesk settings: {error}", file=sys.stderr)
        return EXIT_USAGE
    opener = open_to_change if terms or overrides else open_to_read
    with opener(options.project) as project:
        summary = None
        if terms or overrides:
            try:
                with transaction(project.db):
                    set_terms(project.db, **terms)
                    for section, values in overrides.items():
                        set_overrides(project.db, section, values)
                    summary = rescore(project.db, progress=None)
            except ValueError as error:
                print(f"linkdesk settings: {error}; nothing changed", file=sys.stderr)
                return EXIT_USAGE
        settings = load_model(project.db).to_dict()
    if options.json:
        print(json.dumps(settings, indent=2, ensure_ascii=False))
    else:
        print(settings_text(settings))
        if summary is not None:
            print(summary_text(summary))
    return EXIT_OK


def _pairs(items: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not name.strip():
            raise ValueError(f"expected NAME=VALUE, got {item!r}")
        values[name.strip()] = value.strip() or None  # NAME= restores the default
    return values


def settings_text(settings: dict[str, Any]) -> str:
    """The settings as the user reads them."""
    lines = ["terms:"]
    for name, values in settings["terms"].items():
        lines.append(f"  {name:<10} {', '.join(values) if values else '-'}")
    lines.append(f"  brand terms used: {', '.join(settings['brand_terms_used']) or '-'}")
    for section in ("weights", "flag_points", "thresholds", "detection"):
        lines.append(f"{section.replace('_', ' ')}:")
        lines += [f"  {name:<26} {value}" for name, value in settings[section].items()]
    return "\n".join(lines)


# -- score ------------------------------------------------------------------------------------


def run_score(options: argparse.Namespace) -> int:
    """Re-score the project and print what it holds per band."""
    with open_to_change(options.project) as project:
        try:
            summary = rescore(project.db, progress=_print_progress if sys.stderr.isatty()
                              else None)
        except ScoreCancelled as error:
            print(f"linkdesk score: {error}", file=sys.stderr)
            return EXIT_FAILED
        finally:
            if sys.stderr.isatty():
                print("\r\033[K", end="", file=sys.stderr)
        bands = dict(project.db.execute(
            "SELECT band, count(*) FROM link_scores GROUP BY band"
        ).fetchall())
    counts = {name: bands.get(index, 0) for index, name in enumerate(BANDS)}
    if options.json:
        print(json.dumps({**summary.__dict__, "bands": counts}, indent=2))
    else:
        print(summary_text(summary))
        print("links per band: " + ", ".join(f"{name} {count:,}" for name, count in
                                             counts.items()))
    return EXIT_OK


def summary_text(summary: ScoreSummary) -> str:
    """One line saying what a re-score did."""
    how = "signals recomputed" if summary.recomputed_signals else "signals reused"
    if summary.full_because:  # a full re-score where an incremental one was hoped for
        how = f"signals recomputed for every link: {summary.full_because}"
    if summary.rescored_links is not None:
        how = f"only the {summary.rescored_links:,} links the new data touched recomputed"
    return (
        f"scored {summary.links:,} links and {summary.domains:,} referring domains "
        f"in {summary.seconds:.1f} s ({how})"
    )


def _print_progress(progress: Any) -> None:
    print(f"\rscoring: {progress.stage} ({progress.step}/{progress.steps})", end="",
          file=sys.stderr)


# -- explain ----------------------------------------------------------------------------------


def run_explain(options: argparse.Namespace) -> int:
    """Explain the links from a page, or a referring domain."""
    with open_to_read(options.project) as project:
        db = project.db
        ensure_scores(project, "explain")
        explanations: list[LinkExplanation | DomainExplanation] = []
        if options.url:
            explanations = [e for i in find_link(db, options.url)
                            if (e := explain_link(db, i)) is not None]
            missing = f"no link from {options.url} in this project"
        else:
            try:
                domain = typed_domain(options.domain)
            except MarksError as error:
                print(f"linkdesk explain: {error}", file=sys.stderr)
                return EXIT_USAGE
            found = explain_domain(db, domain)
            explanations = [found] if found else []
            missing = f"no links from the domain {options.domain} in this project"
    if not explanations:
        print(f"linkdesk explain: {missing}", file=sys.stderr)
        return EXIT_FAILED
    if options.json:
        data = [e.to_dict() for e in explanations]
        print(json.dumps(data if options.url else data[0], indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(map(explanation_text, explanations)))
    return EXIT_OK


def explanation_text(explanation: LinkExplanation | DomainExplanation) -> str:
    """An explanation as lines a user can read (neutral signals are left out)."""
    if isinstance(explanation, DomainExplanation):
        head = [
            f"{urls.to_unicode_host(explanation.domain)}: quality {explanation.quality:.1f} "
            f"({explanation.band}), risk {explanation.risk_level} "
            f"({counted(explanation.risk_points, 'point')})",
            f"  {explanation.counts_text()}; quality is its best link's: "
            f"{explanation.best_link.source_url}",
        ]
    else:
        head = [
            f"{explanation.source_url} -> {explanation.target_url}",
            f"  quality {explanation.quality:.1f} ({explanation.band}), risk "
            f"{explanation.risk_level} ({counted(explanation.risk_points, 'point')}), anchor "
            f"{explanation.anchor!r} ({explanation.anchor_class}), evidence "
            f"{explanation.confidence}/5" + (" - low confidence" if explanation.low_confidence
                                             else ""),
        ]
    if not explanation.current:
        head.append("  (settings or data changed since scoring: run `linkdesk score`)")
    lines = [*head, "  contributions:"]
    for part in explanation.contributions:
        if part.effect or part.signal == "base":
            lines.append(f"    {part.signal:<13} {part.effect:+6.1f}  {part.evidence}")
    lines.append(f"    {'= quality':<13} {explanation.quality:6.1f}")
    lines.append("  risk flags:" if explanation.flags else "  risk flags: none")
    lines += [f"    {flag.flag:<17} +{flag.points}  {flag.evidence}" for flag in explanation.flags]
    return "\n".join(lines)

