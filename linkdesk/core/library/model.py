"""What the library holds: verdicts on domains, each given by one source.

A source is a project (named, or confidential: counted but never named) or an imported
list (a disavow file, a spreadsheet column). A domain has at most one verdict per source:
the project's current domain mark.
"""

from __future__ import annotations

from dataclasses import dataclass

VERDICTS = ("disavow", "keep", "review")
# How a verdict reads in a sentence: "disavowed in 3 projects".
PAST = {"disavow": "disavowed", "keep": "kept", "review": "marked review"}
PROJECT, LIST = "project", "list"


class LibraryError(Exception):
    """The library cannot be opened or used; the message is meant for the user."""


class LibraryMissing(LibraryError):
    """There is no library file yet (nothing has been judged, or it was moved)."""


@dataclass(frozen=True)
class Verdict:
    """One source's verdict on one domain."""

    domain: str
    verdict: str  # disavow, keep or review
    reason: str
    decided_at: str  # ISO 8601 UTC
    source: str  # the source's id: a project's library id, or "list:<file name>"
    source_kind: str  # "project" or "list"
    source_name: str | None  # None: a confidential project

    @property
    def who(self) -> str:
        """Who gave it, as the user reads it: the project, "a confidential project" or the
        list's file."""
        if self.source_kind == LIST:
            return f"list {self.source_name}"
        return self.source_name or "a confidential project"


@dataclass(frozen=True)
class DomainVerdicts:
    """Every verdict the library holds on one domain, newest first."""

    domain: str
    verdicts: tuple[Verdict, ...]

    def count(self, verdict: str, kind: str | None = None) -> int:
        """How many sources (of `kind`, if given) gave `verdict`."""
        return sum(1 for v in self.verdicts
                   if v.verdict == verdict and (kind is None or v.source_kind == kind))

    @property
    def counts(self) -> dict[str, int]:
        """Sources per verdict, for the verdicts given at all."""
        found = {name: self.count(name) for name in VERDICTS}
        return {name: n for name, n in found.items() if n}

    @property
    def consensus(self) -> str:
        """The verdict to apply: keep if any source kept the domain (keep wins, as in a
        project), else disavow if any disavowed it, else review."""
        given = {v.verdict for v in self.verdicts}
        for name in ("keep", "disavow", "review"):
            if name in given:
                return name
        return "review"

    def reasons(self, verdict: str | None = None) -> list[str]:
        """The distinct non-empty reasons (for `verdict`, if given), newest first."""
        found = [v.reason for v in self.verdicts
                 if v.reason and (verdict is None or v.verdict == verdict)]
        return list(dict.fromkeys(found))

    @property
    def last_decided(self) -> str:
        """The newest verdict's date."""
        return max((v.decided_at for v in self.verdicts), default="")

    @property
    def summary(self) -> str:
        """E.g. "disavowed in 3 projects, kept in 1 project and 1 list"."""
        projects = {name: self.count(name, PROJECT) for name in VERDICTS}
        lists = {name: self.count(name, LIST) for name in VERDICTS}
        return summary_text(projects, lists)


def summary_text(projects: dict[str, int], lists: dict[str, int]) -> str:
    """The sentence for these counts per verdict: "disavowed in 3 projects, kept in 1 list"."""
    parts = []
    for name in VERDICTS:
        in_projects, in_lists = projects.get(name, 0), lists.get(name, 0)
        if in_projects or in_lists:
            parts.append(f"{PAST[name]} in {_counted(in_projects, in_lists)}")
    return ", ".join(parts)


def _counted(projects: int, lists: int) -> str:
    words = []
    if projects:
        words.append(f"{projects} project{'' if projects == 1 else 's'}")
    if lists:
        words.append(f"{lists} list{'' if lists == 1 else 's'}")
    return " and ".join(words)
