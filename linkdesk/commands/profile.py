"""`linkdesk balance PROJECT [--json] [filters]`: the Dashboard's headline figures, headless.

The profile balance panel, the anchor mix, the attributes and the top TLDs as text (or one
JSON object), computed by the same core as the window's Dashboard (core/profile), with the
same filters as the tables: a report to paste into a client's audit.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from linkdesk.commands import EXIT_OK
from linkdesk.commands.filters import add_filter_arguments, filters_from
from linkdesk.commands.opening import ensure_scores, open_to_read
from linkdesk.core.profile import CLASS_LABELS, ProfileReport, build_report
from linkdesk.core.scoring import BANDS


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `balance` subcommand."""
    parser = commands.add_parser(
        "balance", help="print the profile's balance of quality against quantity")
    parser.add_argument("project")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    add_filter_arguments(parser)
    parser.set_defaults(run=run_balance)


def run_balance(options: argparse.Namespace) -> int:
    """Print the balance of the links and domains the filters let through."""
    with open_to_read(options.project) as project:
        ensure_scores(project, "balance")  # bands and anchor classes must describe the data
        report = build_report(project.db, filters_from(options))
    figures = balance_figures(report)
    print(json.dumps(figures, indent=2) if options.json else balance_text(figures))
    return EXIT_OK


def _share(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def balance_figures(report: ProfileReport) -> dict[str, Any]:
    """The report's headline numbers as plain data (shares 0-1, four decimals)."""
    balance, anchors, attributes = report.balance, report.anchors, report.attributes
    assert balance is not None and anchors is not None and attributes is not None
    rel = balance.rel
    return {
        "links": balance.links,
        "referring_domains": balance.domains,
        "scored": balance.scored,
        "links_by_band": {band: _share(int(balance.link_bands[i]), balance.links)
                          for i, band in enumerate(BANDS)},
        "domains_by_band": {band: _share(int(balance.domain_bands[i]), balance.domains)
                            for i, band in enumerate(BANDS)},
        "dofollow": _share(rel.dofollow, rel.links),
        "nofollow": _share(rel.nofollow, rel.links),
        "ugc": _share(rel.ugc, rel.links),
        "sponsored": _share(rel.sponsored, rel.links),
        "lost": _share(rel.lost, rel.links),
        "links_per_domain_median": balance.median_links,
        "most_links_from_one_domain": {"domain": balance.worst_domain,
                                       "links": balance.worst_links},
        "marked_for_disavow_domains": balance.marked_domains,
        "anchor_classes": {name: _share(int(anchors.links[i]), anchors.total)
                           for i, name in enumerate(anchors.classes)},
        "top_anchors": [{"anchor": text, "links": n} for text, n in anchors.top],
        "top_tlds": [{"tld": tld, "domains": n} for tld, n in attributes.tlds.top],
        "hints": balance.hints,
    }


def _percent(share: float) -> str:
    return "under 1%" if 0 < share < 0.005 else f"{share * 100:.0f}%"


def _anchor(text: str | None) -> str:
    # As the Anchors table shows them: an empty anchor, or none reported (Search Console).
    if text is None:
        return "(not known)"
    return text or "(no anchor text)"


def balance_text(figures: dict[str, Any]) -> str:
    """The figures as a short report."""
    lines = [f"{figures['links']:,} links · {figures['referring_domains']:,} referring "
             "domains"]
    if figures["scored"]:
        for title, key in (("Domains by band", "domains_by_band"),
                           ("Links by band", "links_by_band")):
            shares = figures[key]
            lines.append(f"{title:<18}" + " · ".join(
                f"{band} {_percent(shares[band])}" for band in reversed(BANDS)))
    most = figures["most_links_from_one_domain"]
    lines += [
        f"{'Dofollow':<18}{_percent(figures['dofollow'])}   lost {_percent(figures['lost'])}",
        f"{'Links per domain':<18}{figures['links_per_domain_median']:g} (median); most: "
        f"{most['links']:,} from {most['domain'] or '-'}",
        f"{'Marked (disavow)':<18}{figures['marked_for_disavow_domains']:,} domains",
        "",
        "Hints:",
        *(f"  - {hint}" for hint in figures["hints"]),
    ]
    classes = [(CLASS_LABELS[name], share) for name, share in figures["anchor_classes"].items()
               if share]
    if classes:
        lines += ["", "Anchor classes:  " + ", ".join(
            f"{label} {_percent(share)}" for label, share in classes)]
    if figures["top_anchors"]:
        lines += ["Top anchors:     " + ", ".join(
            f"{_anchor(entry['anchor'])} ({entry['links']:,})"
            for entry in figures["top_anchors"][:5])]
    if figures["top_tlds"]:
        lines += ["Top TLDs:        " + ", ".join(
            f"{entry['tld']} ({entry['domains']:,})" for entry in figures["top_tlds"][:5])]
    return "\n".join(lines)
