"""Reading and planning marks: stored marks, a link's effective mark, counts, planned edits.

A link's effective mark is its own mark, else its domain's mark; a keep on the domain wins
over the link's own disavow unless that disavow is forced. The same rule in SQL
(`EFFECTIVE_KIND_SQL`) serves the tables' Mark column and filter and the counts.

Planning never writes: `plan_domain_marks` / `plan_link_marks` return a `MarkChange` to
preview, then `apply_change` (one undo step). When the user takes a mark off a domain or page
that an imported disavow file lists, the entry is withdrawn, so the next export leaves it out
(entries of imported files are otherwise carried over); marking it disavow again restores it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from linkdesk.core import urls
from linkdesk.core.marks.change import MarkChange, RowEdit, State
from linkdesk.core.marks.model import Mark, MarkKind, MarksError, now_iso

# Both joins from the Links table (alias l): the link's own mark (lm) and its domain's (dm).
LINK_MARK_JOINS = (
    "LEFT JOIN link_marks AS lm ON lm.source_url = l.source_url "
    "AND lm.target_url = l.target_url "
    "LEFT JOIN domain_marks AS dm ON dm.domain = l.domain"
)
OWN_MARK_WINS_SQL = (
    "(lm.kind IS NOT NULL AND NOT (lm.kind = 'disavow' AND lm.forced = 0 "
    "AND coalesce(dm.kind, '') = 'keep'))"
)
EFFECTIVE_KIND_SQL = f"(CASE WHEN {OWN_MARK_WINS_SQL} THEN lm.kind ELSE dm.kind END)"
EFFECTIVE_REASON_SQL = f"(CASE WHEN {OWN_MARK_WINS_SQL} THEN lm.reason ELSE dm.reason END)"

_CHUNK = 5_000  # keys per statement (passed as one JSON parameter)
T = TypeVar("T")


@dataclass(frozen=True)
class EffectiveMark:
    """What applies to a link: a mark, and whether it is the link's own or its domain's."""

    mark: Mark
    level: str  # "link" or "domain"

    @property
    def label(self) -> str:
        """E.g. "Disavow" or "Keep (domain)"."""
        suffix = " (domain)" if self.level == "domain" else ""
        return self.mark.kind.label + suffix


# -- reading ----------------------------------------------------------------------------------


def domain_marks(db: sqlite3.Connection, domains: Iterable[str]) -> dict[str, Mark]:
    """The stored marks of these domains (registered domains, punycode), by domain."""
    found: dict[str, Mark] = {}
    for chunk in chunks(list(domains)):
        for domain, *row in db.execute(
            "SELECT domain, kind, reason, marked_at, forced FROM domain_marks "
            "WHERE domain IN (SELECT value FROM json_each(?))", (json.dumps(chunk),)
        ):
            found[domain] = Mark.from_row(tuple(row))
    return found


def domains_without_links(db: sqlite3.Connection, domains: Iterable[str]) -> list[str]:
    """Those of these domains (as `domain_key` gives them) no link of the project comes from,
    in the order given: marking one is allowed (a disavow ahead of the exports), but it is
    often a typo worth a word."""
    wanted = list(dict.fromkeys(domains))
    known: set[str] = set()
    for chunk in chunks(wanted):
        known.update(row[0] for row in db.execute(
            "SELECT domain FROM referring_domains WHERE domain IN (SELECT value FROM json_each(?))",
            (json.dumps(chunk),)))
    return [domain for domain in wanted if domain not in known]


def link_marks(db: sqlite3.Connection, keys: Iterable[tuple[str, str]]
               ) -> dict[tuple[str, str], Mark]:
    """The stored marks of these links, by (source URL, target URL)."""
    found: dict[tuple[str, str], Mark] = {}
    for chunk in chunks([list(key) for key in keys]):
        for source, target, *row in db.execute(
            "SELECT source_url, target_url, kind, reason, marked_at, forced FROM link_marks "
            "WHERE (source_url, target_url) IN (SELECT json_extract(value, '$[0]'), "
            "json_extract(value, '$[1]') FROM json_each(?))", (json.dumps(chunk),)
        ):
            found[(source, target)] = Mark.from_row(tuple(row))
    return found


def all_marks(db: sqlite3.Connection, kind: MarkKind | None = None
              ) -> tuple[dict[str, Mark], dict[tuple[str, str], Mark]]:
    """Every domain mark and link mark (of one kind, if given)."""
    where, params = ("WHERE kind = ?", (kind.value,)) if kind else ("", ())
    domains = {row[0]: Mark.from_row(tuple(row[1:])) for row in db.execute(
        f"SELECT domain, kind, reason, marked_at, forced FROM domain_marks {where}", params)}
    links = {(row[0], row[1]): Mark.from_row(tuple(row[2:])) for row in db.execute(
        "SELECT source_url, target_url, kind, reason, marked_at, forced FROM link_marks "
        f"{where}", params)}
    return domains, links


def effective_link_marks(db: sqlite3.Connection, link_ids: Sequence[int]
                         ) -> dict[int, EffectiveMark]:
    """The effective mark of each of these links (`links.id`) that has one."""
    found: dict[int, EffectiveMark] = {}
    for chunk in chunks([int(i) for i in link_ids]):
        rows = db.execute(
            f"SELECT l.id, {OWN_MARK_WINS_SQL}, lm.kind, lm.reason, lm.marked_at, lm.forced, "
            f"dm.kind, dm.reason, dm.marked_at, dm.forced FROM links AS l {LINK_MARK_JOINS} "
            "WHERE l.id IN (SELECT value FROM json_each(?)) "
            "AND (lm.kind IS NOT NULL OR dm.kind IS NOT NULL)", (json.dumps(chunk),)
        )
        for link_id, own, *rest in rows:
            if own:
                found[link_id] = EffectiveMark(Mark.from_row(tuple(rest[:4])), "link")
            else:
                found[link_id] = EffectiveMark(Mark.from_row(tuple(rest[4:])), "domain")
    return found


def mark_counts(db: sqlite3.Connection) -> dict[str, int]:
    """`disavowed_links` (effective, in the profile), `disavowed_domains`, `kept_domains`,
    `kept_links` and `review` (marks of either level)."""
    # Counted from the marks' side, through indexes: a scan of every link would cost seconds.
    by_domain = db.execute(
        "SELECT count(*) FROM domain_marks AS dm JOIN links AS l ON l.domain = dm.domain "
        "LEFT JOIN link_marks AS lm ON lm.source_url = l.source_url "
        "AND lm.target_url = l.target_url "
        "WHERE dm.kind = 'disavow' AND (lm.kind IS NULL OR lm.kind = 'disavow')"
    ).fetchone()[0]
    by_link = db.execute(
        "SELECT count(*) FROM link_marks AS lm JOIN links AS l ON l.source_url = lm.source_url "
        "AND l.target_url = lm.target_url LEFT JOIN domain_marks AS dm ON dm.domain = l.domain "
        "WHERE lm.kind = 'disavow' AND (dm.kind IS NULL OR dm.kind = 'review' "
        "OR (dm.kind = 'keep' AND lm.forced = 1))"
    ).fetchone()[0]
    domains = dict(db.execute("SELECT kind, count(*) FROM domain_marks GROUP BY kind").fetchall())
    links = dict(db.execute("SELECT kind, count(*) FROM link_marks GROUP BY kind").fetchall())
    return {
        "disavowed_links": by_domain + by_link,
        "disavowed_domains": domains.get("disavow", 0),
        "kept_domains": domains.get("keep", 0),
        "kept_links": links.get("keep", 0),
        "review": domains.get("review", 0) + links.get("review", 0),
    }


# -- planning ---------------------------------------------------------------------------------


def plan_domain_marks(
    db: sqlite3.Connection, domains: Iterable[str], kind: MarkKind | None, reason: str = "",
    *, forced: bool = False, now: str | None = None,
) -> MarkChange:
    """The change that marks these domains `kind` (None: clears their marks); nothing written.

    A disavow leaves domains marked keep alone (counted in `skipped["keep"]`) unless forced.
    A domain whose host name is not valid (imported before hosts were checked) takes no mark
    (counted in `skipped["invalid"]`); its marks can still be cleared.
    """
    keys = list(dict.fromkeys(domains))
    invalid = 0
    if kind is not None:
        valid = [d for d in keys if not urls.host_problem(d)]
        invalid, keys = len(keys) - len(valid), valid
    current = {d: m.as_row() for d, m in domain_marks(db, keys).items()}
    change = _plan("domain_marks", "domain", [(d,) for d in keys],
                   {(d,): row for d, row in current.items()}, kind, reason, forced, now,
                   entry_values=_imported_values(db, "domain", keys), db=db)
    if invalid:
        change = replace(change, skipped={**change.skipped, "invalid": invalid})
    return change


def plan_link_marks(
    db: sqlite3.Connection, keys: Iterable[tuple[str, str]], kind: MarkKind | None,
    reason: str = "", *, forced: bool = False, now: str | None = None,
) -> MarkChange:
    """The change that marks these links (source URL, target URL) `kind`; nothing written."""
    wanted = list(dict.fromkeys(keys))
    current: dict[tuple[str, ...], tuple[str, str, str, int]] = {
        k: m.as_row() for k, m in link_marks(db, wanted).items()}
    sources = list(dict.fromkeys(source for source, _ in wanted))
    return _plan("link_marks", "url", wanted, current, kind, reason, forced, now,
                 entry_values=_imported_values(db, "url", sources), db=db)


def _plan(
    table: str, entry_kind: str, keys: Sequence[tuple[str, ...]],
    current: dict[tuple[str, ...], tuple[str, str, str, int]], kind: MarkKind | None,
    reason: str, forced: bool, now: str | None, *, entry_values: set[str],
    db: sqlite3.Connection,
) -> MarkChange:
    if kind is not None and not isinstance(kind, MarkKind):
        raise MarksError(f"unknown mark {kind!r}")
    now = now or now_iso()
    reason = " ".join(reason.split())  # one line: it becomes a comment in the disavow file
    edits: list[RowEdit] = []
    unchanged = kept = 0
    withdrawn = _withdrawn(db, entry_kind, entry_values)
    for key in keys:
        before = current.get(key)
        if kind is MarkKind.DISAVOW and before is not None and before[0] == "keep" and not forced:
            kept += 1
            continue
        after: State = None
        if kind is not None:
            after = (kind.value, reason, now, int(forced and kind is MarkKind.DISAVOW))
        if before == after or (before is not None and after is not None
                               and (before[0], before[1], before[3])
                               == (after[0], after[1], after[3])):
            unchanged += 1
            continue
        edits.append(RowEdit(table, key, before, after))
        value = key[0]  # the domain, or the link's source page
        if value in entry_values:
            was = withdrawn.get(value)
            should = kind is not MarkKind.DISAVOW
            if should and was is None:
                edits.append(RowEdit("disavow_withdrawn", (entry_kind, value), None, (now,)))
                withdrawn[value] = (now,)
            elif not should and was is not None:
                edits.append(RowEdit("disavow_withdrawn", (entry_kind, value), was, None))
                withdrawn.pop(value)
    count = sum(1 for edit in edits if edit.table == table)
    text = f"{change_title(kind)}: {rows_text(count, table)}"
    return MarkChange(text, tuple(edits), unchanged, {"keep": kept} if kept else {})


def change_title(kind: MarkKind | None) -> str:
    """How a change's text starts: "Mark disavow", "Clear marks"."""
    return "Clear marks" if kind is None else f"Mark {kind.value}"


def rows_text(count: int, table: str) -> str:
    """E.g. "1 domain", "393,663 links" (rows of `table`, domain_marks or link_marks)."""
    noun = "domain" if table == "domain_marks" else "link"
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _imported_values(db: sqlite3.Connection, kind: str, values: Sequence[str]) -> set[str]:
    """Which of these values an imported disavow file lists."""
    found: set[str] = set()
    for chunk in chunks(list(values)):
        found.update(row[0] for row in db.execute(
            "SELECT DISTINCT e.value FROM disavow_entries AS e "
            "JOIN disavow_files AS f ON f.id = e.file_id "
            "WHERE f.direction = 'imported' AND e.kind = ? "
            "AND e.value IN (SELECT value FROM json_each(?))", (kind, json.dumps(chunk))))
    return found


def _withdrawn(db: sqlite3.Connection, kind: str, values: set[str]) -> dict[str, tuple[str]]:
    found: dict[str, tuple[str]] = {}
    for chunk in chunks(sorted(values)):
        for value, at in db.execute(
            "SELECT value, withdrawn_at FROM disavow_withdrawn WHERE kind = ? "
            "AND value IN (SELECT value FROM json_each(?))", (kind, json.dumps(chunk))
        ):
            found[value] = (at,)
    return found


def chunks(items: list[T]) -> Iterator[list[T]]:
    """`items` in slices small enough for one statement's JSON parameter."""
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
