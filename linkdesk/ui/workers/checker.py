"""Checking links live from the window: which links, the background task, its progress.

A check is a `Task` (task.py): `check_links` runs on the task's thread against the project
file (its own connection, its own asyncio loop) and saves results as they arrive, so a
cancelled check keeps what it checked. The links shown by a filter are listed on that thread
too: a filter can let a million links through, and the GUI thread never runs big SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from linkdesk.core.checker import (
    BLOCKED,
    DNS_ERROR,
    LIVE,
    MISSING,
    PAGE_ERROR,
    REDIRECTED,
    TIMEOUT,
    Change,
    CheckOptions,
    CheckProgress,
    CheckSummary,
    changes,
    check_links,
    link_ids_of_domains,
)
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, TableQuery, TableSpec
from linkdesk.ui.workers.task import Task

PLACEMENTS = "placements"  # the scope of Tools ▸ Check Placements (ui/placements.py)
ERRORS = (PAGE_ERROR, REDIRECTED, BLOCKED, TIMEOUT, DNS_ERROR)  # neither live nor missing
CHANGES_KEPT = 200  # changes brought back for the summary (all are counted)
SCOPES = {"selected": "the selected links", "domains": "the links of the selected domains",
          "shown": "the links shown", "all": "every link",
          PLACEMENTS: "the placements' pages"}


@dataclass(frozen=True)
class CheckRequest:
    """Which links to check: `link_ids`, or the rows of a table with filters, or all."""

    scope: str  # "selected", "domains", "shown" or "all": how the summary names them
    link_ids: tuple[int, ...] | None = None
    domain_ids: tuple[int, ...] | None = None  # "domains": their links are checked
    spec: TableSpec | None = None  # "shown": the Links table as filtered on screen
    filters: Filters | None = None
    options: CheckOptions | None = None

    @property
    def scope_text(self) -> str:
        """What is checked, in words: "the selected links"…"""
        return SCOPES.get(self.scope, "the links")

    def ids(self, project: Project) -> Sequence[int] | None:
        """The link ids (None: every link), listed on the calling (worker) thread."""
        if self.spec is not None:
            return [int(i) for i in TableQuery(project.db, self.spec, self.filters)
                    .ordered_ids()]
        if self.domain_ids is not None:
            return link_ids_of_domains(project.db, self.domain_ids)
        return self.link_ids


@dataclass
class CheckResult:
    """What a check did, for the summary: the checker's summary and the changes it found."""

    request: CheckRequest
    summary: CheckSummary
    changes: list[Change] = field(default_factory=list)  # the first CHANGES_KEPT
    change_count: int = 0
    # A placements check: the placements whose status changed; those with no page to fetch.
    placement_changes: list[Any] = field(default_factory=list)  # StatusChange
    not_checkable: int = 0


def run_check(request: CheckRequest, project: Project, progress: Callable[[Any], None],
              cancelled: Callable[[], bool]) -> CheckResult:
    """The task's work: check the links, then read what changed (on the worker thread).
    A placements check fetches the placements' pages instead (core check_placements)."""
    if request.scope == PLACEMENTS:
        from linkdesk.core.placements import check_placements  # the HTTP stack, on first use

        checked = check_placements(project, options=request.options, progress=progress,
                                   cancelled=cancelled)
        return CheckResult(request, checked.summary, placement_changes=checked.changes,
                           not_checkable=checked.not_checkable)
    summary = check_links(project, request.ids(project), options=request.options,
                          progress=progress, cancelled=cancelled)
    found = changes(project.db, summary.run_id) if summary.run_id is not None else []
    return CheckResult(request, summary, found[:CHANGES_KEPT], len(found))


def start_check(project_path: Path, request: CheckRequest, parent: QObject | None = None
                ) -> Task:
    """Start checking in the background; the task's `progressed` carries `CheckProgress`,
    its `finished` a `TaskOutcome` whose result is a `CheckResult`."""
    task = Task(project_path, lambda project, progress, cancelled: run_check(
        request, project, progress, cancelled), parent, name="check")
    task.start()
    return task


def progress_text(progress: CheckProgress, locale_number: Callable[[int], str] = str) -> str:
    """"Checking: 120 of 500 pages · 340 live · 12 missing · 3 errors" for the status bar."""
    n, by = locale_number, progress.by_status
    errors = sum(by.get(status, 0) for status in ERRORS)
    parts = [f"Checking: {n(progress.pages_done)} of {n(progress.pages_total)} pages",
             f"{n(by.get(LIVE, 0))} live", f"{n(by.get(MISSING, 0))} missing"]
    if errors:
        parts.append(f"{n(errors)} error{'s' if errors != 1 else ''}")
    return " · ".join(parts)
