"""The report's verdict on disavowing, following Google's guidance.

A disavow file is for links that are spammy, artificial or low-quality *and* have caused or
are likely to cause a manual action; most sites need none, since Google ignores such links on
its own. So the verdict is "none needed" unless the freelancer decided otherwise (marks or a
carried file give entries): then it says what the file holds and what changed. The file is
"in use" only once one was imported (the client's) or written by LinkDesk; marks without
either are a file being prepared. A profile with many risky links but no decision gets "none
for now, watched", never an automatic file.
"""

from __future__ import annotations

from dataclasses import dataclass

from linkdesk.core.disavow import DisavowPlan
from linkdesk.core.profile import Balance

WATCH_SHARE = 0.1  # risky links from which the verdict says they are watched


@dataclass(frozen=True)
class Verdict:
    """Which case the project is, with the figures its sentences need."""

    case: str  # "none", "watch", "planned" (marks, no file yet) or "file" (one is in use)
    risky_share: float  # of the links, 0-1 (0 when not scored)
    domains: int = 0  # entries of the file
    urls: int = 0
    against: str | None = None  # the last file, e.g. "imported old-disavow.txt"
    added: int = 0
    removed: int = 0


def disavow_verdict(plan: DisavowPlan, balance: Balance | None) -> Verdict:
    """The verdict for this plan (the file the project's decisions give) and profile."""
    risky = balance.link_share(0) if balance is not None and balance.scored else 0.0
    counts = dict(against=plan.diff.against, added=len(plan.diff.added),
                  removed=len(plan.diff.removed))
    if plan.entries:
        case = "file" if plan.diff.against is not None else "planned"
        return Verdict(case, risky, plan.domains, plan.urls, **counts)  # type: ignore[arg-type]
    case = "watch" if risky >= WATCH_SHARE else "none"
    return Verdict(case, risky, **counts)  # type: ignore[arg-type]
