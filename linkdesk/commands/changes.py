"""`linkdesk changes` and `linkdesk review`: what changed since a review or a date.

    linkdesk changes PROJECT [--since DATE|review] [--until DATE] [--json] [--limit N]
    linkdesk review PROJECT [--done [--note TEXT]] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from itertools import chain
from pathlib import Path
from typing import Any, TextIO

from linkdesk.commands import EXIT_OK, EXIT_USAGE
from linkdesk.commands.opening import ensure_scores, open_to_change, open_to_read
from linkdesk.commands.progress_line import ProgressLine
from linkdesk.core.text import clip, inert
from linkdesk.core.timeline import (
    BadPoint,
    Changes,
    DomainChange,
    LinkChange,
    Review,
    compute_changes,
    finish_review,
    reviews,
    since_point,
    until_point,
)
from linkdesk.core.words import counted

TEXT_LIMIT = 20  # entries of each list printed unless --limit says otherwise
_KIND_TITLES = {"new": "New", "lost": "Lost", "changed": "Changed"}


def register(commands: argparse._SubParsersAction) -> None:
    """Add `changes` and `review`."""
    changes = commands.add_parser(
        "changes", help="what changed since the last review (or a date): new, lost and "
                        "changed links and referring domains")
    changes.add_argument("project", type=Path)
    changes.add_argument("--since", metavar="DATE|review",
                         help="the start: YYYY-MM-DD (the exports dated up to that day), or "
                              "review (the last review); default: the last review, or the "
                              "first import before any review")
    changes.add_argument("--until", metavar="DATE",
                         help="the end: YYYY-MM-DD (the exports dated up to that day); "
                              "default: now")
    changes.add_argument("--json", action="store_true", help="print JSON")
    changes.add_argument("--limit", type=int, metavar="N",
                         help=f"list at most N entries of each kind (text: {TEXT_LIMIT})")
    changes.set_defaults(run=run_changes)

    review = commands.add_parser("review", help="record a finished review (--done), or list "
                                                "the reviews")
    review.add_argument("project", type=Path)
    review.add_argument("--done", action="store_true",
                        help="record a review of the project as it is now")
    review.add_argument("--note", default="", help="a note kept with the review")
    review.add_argument("--json", action="store_true", help="print JSON")
    review.set_defaults(run=run_review)


def run_changes(options: argparse.Namespace) -> int:
    """Print the changes between two points."""
    if options.limit is not None and options.limit < 0:
        print("linkdesk changes: --limit wants a number of 0 or more", file=sys.stderr)
        return EXIT_USAGE
    with open_to_read(options.project) as project:
        db = project.db
        try:
            since = since_point(db, options.since)
            until = until_point(db, options.until, since)
        except BadPoint as error:
            print(f"linkdesk changes: {error}", file=sys.stderr)
            return EXIT_USAGE
        # A big project takes seconds (each call computes the changes afresh: the window's
        # cache lives in its own connection, not in the project): say what runs meanwhile.
        with ProgressLine("linkdesk changes") as line:
            if until.kind == "now":  # band and risk moves compare with today's scores
                ensure_scores(project, options.command, progress=lambda p: line.step(
                    f"scoring the project first ({p.stage}, step {p.step} of {p.steps})"))
            line.step(f"comparing {since.label} with {until.label}")
            changes = compute_changes(db, since, until)
            if not options.json:
                line.step("listing the changes")
                limit = TEXT_LIMIT if options.limit is None else options.limit
                # As the window's summary says them.
                text = changes_text(changes, limit, changes.todays_bands())
        # Written once the line is cleared: on a terminal both share the screen.
        if options.json:
            write_json(changes.json_head(), changes.json_lists(options.limit), sys.stdout)
        else:
            print(text)
    return EXIT_OK


def write_json(head: Mapping[str, Any], lists: Mapping[str, Iterable[Any]], out: TextIO) -> None:
    """Write `{**head, **lists}` as `json.dumps(..., indent=2)` would, one list entry at a
    time: every change of a million-link project is never held at once."""
    out.write("{")
    first = True
    for key, value in chain(head.items(), lists.items()):
        out.write(("\n" if first else ",\n") + f"  {json.dumps(key)}: ")
        first = False
        if key not in lists:
            out.write(_indented(json.dumps(value, indent=2, ensure_ascii=False)))
            continue
        empty = True
        for entry in value:
            out.write(("[\n" if empty else ",\n") + "    "
                      + _indented(json.dumps(entry, indent=2, ensure_ascii=False), 4))
            empty = False
        out.write("[]" if empty else "\n  ]")
    out.write("\n}\n" if not first else "}\n")


def _indented(text: str, by: int = 2) -> str:
    return text.replace("\n", "\n" + " " * by)


def _reasons(by_reason: dict[str, int]) -> str:
    parts = [f"{reason.replace('_', ' ')} {count:,}" for reason, count in by_reason.items()
             if count]
    return f" ({', '.join(parts)})" if parts else ""


def changes_text(changes: Changes, limit: int, bands: tuple[int, int] | None = None) -> str:
    """The changes as the user reads them: counts, then up to `limit` entries of each list.
    `bands`: the risky new domains and the lost links from strong domains (`Changes.todays_bands`),
    said beside their totals when given."""
    counts = changes.counts
    risky = f" ({bands[0]:,} risky)" if bands and bands[0] else ""
    strong = f", {bands[1]:,} from strong domains" if bands and bands[1] else ""
    lines = [
        f"Changes from {changes.since.label} to {changes.until.label}",
        f"  new links: {counts.new_links:,}, new referring domains: {counts.new_domains:,}"
        f"{risky}",
        f"  lost links: {counts.lost_links:,}{_reasons(counts.lost_links_by_reason)}{strong}",
        f"  lost referring domains: {counts.lost_domains:,}"
        f"{_reasons(counts.lost_domains_by_reason)}",
        f"  changed links: {counts.changed_links:,}",
        f"  referring domains whose band or risk moved: {counts.changed_domains:,}"
        + ("" if changes.grades_known else
           " (no grades recorded at the start: finish a review to follow band moves)"),
    ]
    link_totals = {"new": counts.new_links, "lost": counts.lost_links,
                   "changed": counts.changed_links}
    domain_totals = {"new": counts.new_domains, "lost": counts.lost_domains,
                     "changed": counts.changed_domains}
    for noun, totals in (("links", link_totals), ("referring domains", domain_totals)):
        for kind, total in totals.items():
            if not total or not limit:
                continue
            lines.append(f"{_KIND_TITLES[kind]} {noun}:")
            if noun == "links":
                lines += [f"  {link_line(c)}" for c in changes.links(kind, limit)]
            else:
                lines += [f"  {domain_line(c)}" for c in changes.domains(kind, limit)]
            if total > limit:
                lines.append(f"  … and {total - limit:,} more")
    return "\n".join(lines)


def _value(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "anchor" and isinstance(value, str):  # quoted: an anchor may be empty
        return json.dumps(value, ensure_ascii=False)
    return "(not said)" if value is None else inert(str(value))


def _fields(fields: dict[str, tuple[Any, Any]]) -> str:
    return "; ".join(f"{name} {_value(name, a)} → {_value(name, b)}"
                     for name, (a, b) in fields.items())


def link_line(change: LinkChange) -> str:
    """One link change on one line."""
    text = f"{inert(change.url)} → {inert(change.target)}"
    if change.reason:
        text += f" ({change.reason})"
    if change.fields:
        text += f": {_fields(change.fields)}"
    return text


def domain_line(change: DomainChange) -> str:
    """One domain change on one line."""
    text = inert(change.domain) + (f" ({change.reason})" if change.reason else "")
    return text + (f": {_fields(change.fields)}" if change.fields else "")


def run_review(options: argparse.Namespace) -> int:
    """Record a review, or list them."""
    if options.note and not options.done:
        print("linkdesk review: --note goes with --done", file=sys.stderr)
        return EXIT_USAGE
    opener = open_to_change if options.done else open_to_read
    with opener(options.project) as project:
        if options.done:
            review = finish_review(project.db, options.note)
            if options.json:
                print(json.dumps(_review_json(review), indent=2, ensure_ascii=False))
            else:
                imports = project.db.execute("SELECT count(*) FROM imports").fetchone()[0]
                print(f"Review {review.id} recorded, {_when(review)}: it covers the "
                      f"{counted(imports, 'import')} so far; the bands and risk levels of "
                      f"{counted(review.domains, 'referring domain')} are kept for later "
                      "comparisons")
            return EXIT_OK
        recorded = reviews(project.db)
    if options.json:
        print(json.dumps([_review_json(r) for r in recorded], indent=2, ensure_ascii=False))
    elif not recorded:
        print("No review recorded yet: `linkdesk review PROJECT --done` records one")
    else:
        for review in recorded:
            note = f"  {clip(inert(' '.join(str(review.note).split())))}" if review.note else ""
            print(f"{review.id:>4}  {_when(review)}  {review.domains:,} domains graded{note}")
    return EXIT_OK


def _when(review: Review) -> str:
    return f"{review.reviewed_at[:10]} {review.reviewed_at[11:16]} UTC"


def _review_json(review: Review) -> dict[str, Any]:
    return {"id": review.id, "reviewed_at": review.reviewed_at, "note": review.note,
            "last_import_id": review.last_import_id, "domains_graded": review.domains}
