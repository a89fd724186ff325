"""Opening a project for a command: to read (a read-only file is fine) or to change it.

    with open_to_read(path) as project: ...     stats, explain, balance, export-table
    with open_to_change(path) as project: ...   import, score, settings, mark, disavow, check
"""

from __future__ import annotations

import sys
from pathlib import Path

from linkdesk.core.scoring import rescore, scores_current
from linkdesk.core.scoring.engine import ProgressCallback
from linkdesk.core.store import Project


def open_to_read(path: str | Path) -> Project:
    """An existing project, read-only if this user cannot change the file."""
    return Project.open(path, create=False)


def open_to_change(path: str | Path, *, create: bool = False) -> Project:
    """A project this user can change: a read-only file is a ProjectError saying so."""
    return Project.open(path, create=create, write=True)


def ensure_scores(project: Project, command: str,
                  progress: ProgressCallback | None = None) -> None:
    """Re-score stale scores so the figures describe the data as it is (`progress`: as
    `rescore` reports it).

    A read-only project cannot be re-scored: its figures use the scores it was saved with,
    and the command says so on stderr.
    """
    if scores_current(project.db):
        return
    if project.read_only:
        print(f"linkdesk {command}: {project.path} is read-only and its scores are out of "
              "date: the figures use the scores it was last saved with", file=sys.stderr)
        return
    rescore(project.db, progress=progress)
