"""Applying earlier verdicts to a project: a plan to preview, then one undoable marks change.

Only what the project has not decided changes: a domain without a mark, or marked review,
takes the earlier verdict (keep if any source kept it, else disavow, else review). The
project's own disavow and keep marks always win, and are counted. The plan is a
`MarkChange`: `apply_change` applies it (one undo step in the window), `revert_change`
undoes it, exactly like any other marking. Marks applied so are not fed back into the
library (feed.py): the counts stay independent decisions.

The marks' reason says where they came from, "judged before (disavowed in 3 projects):
spam network", with counts only: a confidential project is never named, not even here.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from linkdesk.core.library.feed import COPIED
from linkdesk.core.library.model import VERDICTS, DomainVerdicts
from linkdesk.core.library.read import earlier_verdicts
from linkdesk.core.marks import (
    MarkChange,
    MarkKind,
    RowEdit,
    domain_marks,
    plan_domain_marks,
)

_EARLIER = re.compile(rf"^{re.escape(COPIED)}[^)]*\)(: )?")  # a reason an earlier apply wrote


@dataclass(frozen=True)
class ApplyRow:
    """One domain the plan changes."""

    domain: str
    before: str | None  # the project's mark: None or "review"
    after: str  # the verdict it takes
    summary: str  # "disavowed in 3 projects, kept in 1 project"
    reason: str  # the mark's reason

    @property
    def given(self) -> str:
        """The newest reason a person gave, without where it came from (that is `summary`):
        "spam network", or "" when none was given."""
        return _EARLIER.sub("", self.reason)


@dataclass(frozen=True)
class ApplyPlan:
    """What applying earlier verdicts would change (nothing is written by planning)."""

    change: MarkChange
    rows: tuple[ApplyRow, ...] = ()
    judged: int = 0  # the project's domains with earlier verdicts at all
    project_wins: int = 0  # of them, marked disavow or keep in the project: left alone
    unchanged: int = 0  # already marked so
    skipped: dict[str, int] = field(default_factory=dict)  # e.g. invalid host names

    @property
    def counts(self) -> dict[str, int]:
        """Domains that would change, by the verdict they take."""
        found = {name: sum(1 for row in self.rows if row.after == name) for name in VERDICTS}
        return {name: n for name, n in found.items() if n}

    def __bool__(self) -> bool:
        return bool(self.change)


def plan_apply(
    db: sqlite3.Connection, library: str | Path | None = None, *,
    verdicts: Iterable[str] = VERDICTS, now: str | None = None,
    earlier: dict[str, DomainVerdicts] | None = None,
) -> ApplyPlan:
    """Plan marking the project's undecided domains with their earlier verdicts.

    `verdicts` limits which verdicts are applied; `earlier` (from `earlier_verdicts`) saves
    reading the library again. Raises LibraryError when the library cannot be read."""
    wanted = set(verdicts)
    unknown = wanted - set(VERDICTS)
    if unknown:
        raise ValueError(f"unknown verdict {sorted(unknown)[0]!r}")
    if earlier is None:
        earlier = earlier_verdicts(db, library)
    own = domain_marks(db, earlier)
    groups: dict[tuple[str, str], list[str]] = {}
    intents: dict[str, ApplyRow] = {}
    project_wins = unchanged = 0
    for domain, found in sorted(earlier.items()):
        target = found.consensus
        mark = own.get(domain)
        if mark is not None and mark.kind in (MarkKind.DISAVOW, MarkKind.KEEP):
            project_wins += 1
            continue
        if target not in wanted:
            continue
        if mark is not None and mark.kind.value == target:
            unchanged += 1
            continue
        reason = mark_reason(found, target)
        groups.setdefault((target, reason), []).append(domain)
        intents[domain] = ApplyRow(domain, mark.kind.value if mark else None, target,
                                   found.summary, reason)
    edits: list[RowEdit] = []
    skipped: dict[str, int] = {}
    for (target, reason), domains in groups.items():
        planned = plan_domain_marks(db, domains, MarkKind(target), reason, now=now)
        edits += planned.edits
        unchanged += planned.unchanged
        for key, count in planned.skipped.items():
            skipped[key] = skipped.get(key, 0) + count
    rows = tuple(intents[edit.key[0]] for edit in edits if edit.table == "domain_marks")
    count = len(rows)
    text = f"Apply earlier verdicts: {count:,} domain{'' if count == 1 else 's'}"
    return ApplyPlan(MarkChange(text, tuple(edits), unchanged, skipped), rows, len(earlier),
                     project_wins, unchanged, skipped)


def mark_reason(found: DomainVerdicts, verdict: str) -> str:
    """The reason an applied mark gets: where it came from and the newest reason given."""
    original = ""
    for reason in found.reasons(verdict):
        original = _EARLIER.sub("", reason)
        if original:
            break
    where = f"{COPIED}{found.summary})"
    return f"{where}: {original}" if original else where
