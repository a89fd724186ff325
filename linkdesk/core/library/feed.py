"""Feeding the library from a project's marks: the library mirrors every feeding project's
domain marks.

`apply_change` / `revert_change` (core/marks/change.py) call `record_marks` after the marks
are written, so the window, the command line, undo and redo all feed it the same way: a
domain mark's new state becomes this project's verdict on the domain (no mark: no verdict).
Importing a disavow file records the marks it adds (`feed_domains`).
Link marks are about pages and stay out. Nothing flows the other way by itself: a project
takes earlier verdicts only when asked (apply.py).

The library is a convenience, never a condition: when it cannot be written (missing folder,
read-only, locked past the busy timeout, damaged, newer) the marks stay written and the
caller gets a warning, said once per library file in a session.

A project is known to the library by an id kept in its settings (`Key.LIBRARY_ID`), so a
renamed or moved file stays the same source; its name is the file's name, unless the project
is confidential (`Key.LIBRARY_CONFIDENTIAL`): then it is counted but never named.
`Key.LIBRARY_FEED` false keeps a project's marks out of the library.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linkdesk.core.library.location import library_path
from linkdesk.core.library.model import PROJECT, LibraryError, LibraryMissing
from linkdesk.core.library.store import Library
from linkdesk.core.store import settings, transaction
from linkdesk.core.store.settings import Key

COPIED = "judged before ("  # how the reason of a mark applied from the library starts
_said: set[Path] = set()  # libraries whose trouble was already reported in this session


@dataclass(frozen=True)
class ProjectOptions:
    """How a project takes part in the library."""

    feed: bool = True  # its domain marks become its verdicts in the library
    confidential: bool = False  # counted, never named


def project_options(db: sqlite3.Connection) -> ProjectOptions:
    """The project's library settings."""
    found = settings.get_many(db, (Key.LIBRARY_FEED, Key.LIBRARY_CONFIDENTIAL))
    return ProjectOptions(bool(found.get(Key.LIBRARY_FEED, True)),
                          bool(found.get(Key.LIBRARY_CONFIDENTIAL, False)))


def project_id(db: sqlite3.Connection) -> str | None:
    """The project's id in the library, if it has fed one (read only)."""
    value = settings.get(db, Key.LIBRARY_ID)
    return str(value) if value else None


def project_name(db: sqlite3.Connection) -> str:
    """The name the library shows for this project: its file's name without `.linkdesk`."""
    for _, name, file in db.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file).name.removesuffix(".linkdesk")
    return "unsaved project"


MarkState = tuple[Any, ...] | None  # a domain mark as stored: (kind, reason, marked_at, ...)


def record_marks(db: sqlite3.Connection, states: Iterable[tuple[str, MarkState]],
                 library: str | Path | None = None) -> str:
    """Record in the library these domains' new mark states (None: no mark any more).

    Returns "" or a warning for the user; never raises for the library's sake."""
    written = list(states)
    if not written:
        return ""
    return _guarded(library, lambda: _write_states(db, written, library))


def feed_domains(db: sqlite3.Connection, domains: list[str],
                 library: str | Path | None = None) -> str:
    """Record these domains' current marks in the library (marks written without a
    `MarkChange`, e.g. by importing a disavow file); returns "" or a warning."""
    if not domains:
        return ""
    keys = list(dict.fromkeys(domains))

    def work() -> None:
        found: dict[str, MarkState] = {}
        for start in range(0, len(keys), 5_000):
            found.update((domain, (kind, reason, at)) for domain, kind, reason, at in db.execute(
                "SELECT domain, kind, reason, marked_at FROM domain_marks WHERE domain IN "
                "(SELECT value FROM json_each(?))", (json.dumps(keys[start : start + 5_000]),)))
        _write_states(db, [(domain, found.get(domain)) for domain in keys], library)

    return _guarded(library, work)


def sync_project(db: sqlite3.Connection, library: str | Path | None = None) -> int:
    """Make the library hold exactly this project's current domain marks; returns how many.

    Raises LibraryError (or sqlite3.Error) when the library cannot be written."""
    source = _ensure_project_id(db)
    name = None if project_options(db).confidential else project_name(db)
    marks = [(domain, _own_verdict(tuple(state))) for domain, *state in db.execute(
        "SELECT domain, kind, reason, marked_at FROM domain_marks")]
    with Library.open(library) as opened:
        return opened.write(source, PROJECT, name, marks, replace=True)


def set_project_options(db: sqlite3.Connection, *, feed: bool | None = None,
                        confidential: bool | None = None,
                        library: str | Path | None = None) -> str:
    """Change how the project takes part; returns "" or a warning about the library.

    The settings are written first (in the project). Then the library follows: feeding
    turned on copies the project's marks in; turned off takes its verdicts out; a
    confidential project's name is removed from the library (and restored when it is not)."""
    with transaction(db):
        if feed is not None:
            settings.put(db, Key.LIBRARY_FEED, bool(feed))
        if confidential is not None:
            settings.put(db, Key.LIBRARY_CONFIDENTIAL, bool(confidential))
    options = project_options(db)

    def follow() -> None:
        if feed is False:
            source = project_id(db)
            if source is not None:
                try:
                    with Library.open(library, create=False) as opened:
                        opened.forget_source(source)
                except LibraryMissing:
                    pass  # no library: nothing of it to take out
        elif feed is True:
            sync_project(db, library)
        elif confidential is not None and options.feed:
            source = _ensure_project_id(db)
            with Library.open(library) as opened:
                opened.put_source(source, PROJECT, None if confidential else project_name(db))

    return _guarded(library, follow, always=True, kept="the project's setting is saved")


def _write_states(db: sqlite3.Connection, states: list[tuple[str, MarkState]],
                  library: str | Path | None) -> None:
    options = project_options(db)
    if not options.feed:
        return
    source = _ensure_project_id(db)
    name = None if options.confidential else project_name(db)
    rows = [(domain, _own_verdict(state)) for domain, state in states]
    with Library.open(library) as opened:
        opened.write(source, PROJECT, name, rows)


def _own_verdict(state: MarkState) -> tuple[str, str, str] | None:
    """A mark's state as this project's verdict: (kind, reason, date), or None when there is
    no mark, or the mark is a verdict copied from the library (its reason starts with
`COPIED`, core/verdicts/apply.py): copies are
    not fed back, so "disavowed in 3 projects" counts three decisions, not one and its
    copies."""
    if state is None:
        return None
    kind, reason, at = state[:3]
    if str(reason).startswith(COPIED):
        return None
    return (str(kind), str(reason), str(at))


def _ensure_project_id(db: sqlite3.Connection) -> str:
    known = project_id(db)
    if known:
        return known
    with transaction(db):
        known = project_id(db)  # another window may have given it one meanwhile
        if not known:
            known = uuid.uuid4().hex
            settings.put(db, Key.LIBRARY_ID, known)
    return known


def _guarded(library: str | Path | None, work: Callable[[], None], *, always: bool = False,
             kept: str = "the marks are kept") -> str:
    """Run `work`; turn the library's trouble into a warning (said once per library, unless
    `always`); `kept` says what was done regardless."""
    try:
        work()
    except (LibraryError, sqlite3.Error, OSError) as error:
        where = library_path(library)
        if where in _said and not always:
            return ""
        _said.add(where)
        text = str(error)
        if not text.startswith(str(where)):
            text = f"{where}: {text}"
        return f"The verdict library was not updated ({text}); {kept}."
    return ""
