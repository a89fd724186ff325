"""Reading the library: every verdict, or the earlier verdicts on a project's domains.

A project's *earlier verdicts* are the verdicts other sources gave its referring domains: its
own entry (its own marks, fed back) is left out. They are read in one pass over the
project's domains, a few thousand per statement, through the library's primary key, so
100,000 domains cost a fraction of a second. A missing library has no verdicts; a library
that cannot be read raises LibraryError (callers say so once and work without it).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from linkdesk.core.library.feed import project_id
from linkdesk.core.library.model import (
    PROJECT,
    VERDICTS,
    DomainVerdicts,
    LibraryError,
    LibraryMissing,
    Verdict,
    summary_text,
)
from linkdesk.core.library.store import Library

T = TypeVar("T")
_CHUNK = 5_000  # domains per statement (one JSON parameter)
_COLUMNS = ("v.domain, v.verdict, v.reason, v.decided_at, s.id, s.kind, s.name "
            "FROM verdicts AS v JOIN sources AS s ON s.id = v.source")


def all_verdicts(library: Library, verdict: str | None = None) -> list[DomainVerdicts]:
    """Every domain the library holds (with a `verdict` given, if named), by domain."""
    if verdict is not None and verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    where = ""
    params: tuple[object, ...] = ()
    if verdict is not None:
        where = ("WHERE v.domain IN (SELECT domain FROM verdicts WHERE verdict = ?)")
        params = (verdict,)
    rows = _read(library, f"SELECT {_COLUMNS} {where} ORDER BY v.domain", params)
    return list(_grouped(rows).values())


def verdicts_on(library: Library, domains: Iterable[str], *, exclude: str | None = None
                ) -> dict[str, DomainVerdicts]:
    """The verdicts on these domains, leaving out source `exclude` (a project's own)."""
    found: list[Verdict] = []
    keys = list(dict.fromkeys(domains))
    for start in range(0, len(keys), _CHUNK):
        found += _read(library, f"SELECT {_COLUMNS} WHERE v.domain IN "
                       "(SELECT value FROM json_each(?)) AND v.source IS NOT ?",
                       (json.dumps(keys[start : start + _CHUNK]), exclude))
    return _grouped(found)


def earlier_verdicts(db: sqlite3.Connection, library: str | Path | None = None,
                     domains: Iterable[str] | None = None) -> dict[str, DomainVerdicts]:
    """What other projects and lists decided about this project's referring domains (or
    `domains`), by domain; the project's own verdicts are left out.

    Raises LibraryError when the library cannot be read; a missing one gives {}."""
    keys = project_domains(db) if domains is None else list(domains)
    own = project_id(db)
    return _reading(library, lambda opened: verdicts_on(opened, keys, exclude=own))


def judged_counts(db: sqlite3.Connection, library: str | Path | None = None
                  ) -> dict[str, Counts]:
    """Per referring domain of the project, how many other sources gave each verdict (the
    tables' column). Raises LibraryError when the library cannot be read; a missing one
    gives {}."""
    keys, own = project_domains(db), project_id(db)
    return _reading(library, lambda opened: counts_on(opened, keys, exclude=own))


def project_domains(db: sqlite3.Connection) -> list[str]:
    """The project's referring domains."""
    return [row[0] for row in db.execute("SELECT domain FROM referring_domains")]


def _reading(library: str | Path | None, read: Callable[[Library], dict[str, T]]
             ) -> dict[str, T]:
    try:
        with Library.open(library, create=False) as opened:
            return read(opened)
    except LibraryMissing:
        return {}  # no library yet: nothing judged


@dataclass(frozen=True)
class Counts:
    """How many other sources gave each verdict on a domain (the tables' column)."""

    domain: str
    projects: dict[str, int]  # verdict -> projects
    lists: dict[str, int]  # verdict -> imported lists
    last_decided: str

    def count(self, verdict: str) -> int:
        """Sources (projects and lists) that gave `verdict`."""
        return self.projects.get(verdict, 0) + self.lists.get(verdict, 0)

    @property
    def summary(self) -> str:
        """E.g. "disavowed in 3 projects, kept in 1 list" (as `DomainVerdicts.summary`)."""
        return summary_text(self.projects, self.lists)


def counts_on(library: Library, domains: Iterable[str], *, exclude: str | None = None
              ) -> dict[str, Counts]:
    """Per domain, how many other sources gave each verdict: counted in SQL, for a whole
    project's domains at once (`verdicts_on` reads every verdict, for the details)."""
    keys = list(dict.fromkeys(domains))
    found: dict[str, Counts] = {}
    for start in range(0, len(keys), _CHUNK):
        try:
            rows = library.db.execute(
                "SELECT v.domain, v.verdict, s.kind, count(*), max(v.decided_at) "
                "FROM verdicts AS v JOIN sources AS s ON s.id = v.source "
                "WHERE v.domain IN (SELECT value FROM json_each(?)) AND v.source IS NOT ? "
                "GROUP BY v.domain, v.verdict, s.kind",
                (json.dumps(keys[start : start + _CHUNK]), exclude)).fetchall()
        except sqlite3.DatabaseError as error:
            raise LibraryError(f"{library.path}: the library cannot be read ({error})"
                               ) from None
        for domain, verdict, kind, count, last in rows:
            counts = found.get(domain)
            if counts is None:
                counts = found[domain] = Counts(domain, {}, {}, last)
            elif last > counts.last_decided:
                counts = found[domain] = Counts(domain, counts.projects, counts.lists, last)
            (counts.projects if kind == PROJECT else counts.lists)[verdict] = count
    return found


def _read(library: Library, sql: str, params: tuple[object, ...]) -> list[Verdict]:
    try:
        return [Verdict(*row) for row in library.db.execute(sql, params)]
    except sqlite3.DatabaseError as error:
        raise LibraryError(f"{library.path}: the library cannot be read ({error})") from None


def _grouped(rows: Iterable[Verdict]) -> dict[str, DomainVerdicts]:
    by_domain: dict[str, list[Verdict]] = {}
    for verdict in rows:
        by_domain.setdefault(verdict.domain, []).append(verdict)
    return {domain: DomainVerdicts(domain, tuple(_newest_first(found)))
            for domain, found in by_domain.items()}


def _newest_first(verdicts: list[Verdict]) -> Iterator[Verdict]:
    return iter(sorted(verdicts, key=lambda v: (v.decided_at, v.source), reverse=True))
