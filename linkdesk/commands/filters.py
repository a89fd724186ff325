"""The table filters as command-line options, shared by the commands that take them.

    --search TEXT  --band NAME  --risk NAME  --marked [KIND]
    --since-review new|changed|lost|unjudged   (the tables' commands only)
    --judged judged|disavow|keep|review|never  (export of Referring domains)
"""

from __future__ import annotations

import argparse

from linkdesk.core.marks import MarkKind
from linkdesk.core.scoring import BANDS, RISK_LEVELS
from linkdesk.core.tables import JUDGED_VALUES, Filters
from linkdesk.core.timeline import SINCE_REVIEW


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the filter options to a subcommand."""
    parser.add_argument("--search", default="", help="the quick search text")
    parser.add_argument("--band", choices=BANDS, help="only this quality band")
    parser.add_argument("--risk", choices=RISK_LEVELS, help="only this risk level")
    parser.add_argument("--marked", nargs="?", const="any",
                        choices=("any", "none", *(k.value for k in MarkKind)),
                        help="only marked rows (any mark, none, or one kind)")


def add_since_review_argument(parser: argparse.ArgumentParser) -> None:
    """Add `--since-review` (the Links and Referring domains tables understand it)."""
    parser.add_argument("--since-review", choices=SINCE_REVIEW,
                        help="only rows new, changed or lost since the last review, or not yet "
                             "judged (no mark, arrived after the last review)")


def add_judged_argument(parser: argparse.ArgumentParser) -> None:
    """Add `--judged` (the Referring domains table's verdict library filter)."""
    parser.add_argument("--judged", choices=JUDGED_VALUES,
                        help="referring domains judged before by another project or list "
                             "(any verdict, or this one), or never judged anywhere")


def filters_from(options: argparse.Namespace) -> Filters:
    """The Filters the parsed options ask for."""
    marked: bool | str | None = {"any": True, "none": False}.get(options.marked,
                                                                  options.marked)
    return Filters(
        search=options.search,
        band=BANDS.index(options.band) if options.band else None,
        risk=RISK_LEVELS.index(options.risk) if options.risk else None,
        marked=marked,
        since_review=getattr(options, "since_review", None),
        judged=getattr(options, "judged", None),
    )
