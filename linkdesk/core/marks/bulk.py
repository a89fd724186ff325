"""Bulk marking: pick rows (by id, by a table filter, by a rule), preview, then apply.

    target = targets_from_ids(db, spec.name, ids)           # or targets_by_rule; a table's
                                                            # rows: tables.targets_from_filter
    change = plan_marks(db, target, MarkKind.DISAVOW, "PBN footer links")
    preview(db, change)        # counts and a sample, before anything is written
    apply_change(db, change)   # one undo step; revert_change(db, change) undoes it
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from linkdesk.core import urls
from linkdesk.core.marks.change import MarkChange, RowEdit, apply_change
from linkdesk.core.marks.model import MarkKind, MarksError
from linkdesk.core.marks.store import (
    change_title,
    chunks,
    plan_domain_marks,
    plan_link_marks,
)
from linkdesk.core.scoring import RISK_LEVELS, scores_current

SAMPLE_SIZE = 20


@dataclass(frozen=True)
class Target:
    """What to mark: referring domains (registered, punycode) and links (source, target)."""

    domains: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()

    def __len__(self) -> int:
        return len(self.domains) + len(self.links)


@dataclass(frozen=True)
class Rule:
    """Rows whose stored scores match: risk level at least `min_risk` (0-3, e.g. 3 = high)
    and quality below `max_quality`; `level` is "domains" or "links". `None` ignores a
    condition; `unmarked_only` leaves rows that already carry a mark alone."""

    level: str = "domains"
    min_risk: int | None = None
    max_quality: float | None = None
    unmarked_only: bool = True

    def describe(self) -> str:
        """The rule in words."""
        parts = []
        if self.min_risk is not None:
            parts.append(f"risk {RISK_LEVELS[self.min_risk]} or higher")
        if self.max_quality is not None:
            parts.append(f"quality below {self.max_quality:g}")
        return f"{self.level} with " + (" and ".join(parts) or "any score")


@dataclass(frozen=True)
class Preview:
    """What a planned change would do."""

    text: str
    added: int  # rows without a mark that get one
    changed: int  # marks replaced (another kind, reason or force)
    removed: int  # marks cleared
    unchanged: int  # already so
    skipped: dict[str, int] = field(default_factory=dict)  # e.g. {"keep": 3}: protected
    links_affected: int = 0  # links of the profile whose own or domain mark changes
    sample: tuple[str, ...] = ()  # e.g. "spam.example: none -> disavow"

    @property
    def total(self) -> int:
        """Rows that would change."""
        return self.added + self.changed + self.removed


# -- choosing rows ----------------------------------------------------------------------------


def targets_from_ids(db: sqlite3.Connection, table: str, ids: Sequence[int]) -> Target:
    """The links (`links.id`) or referring domains (row ids of the Domains table) with these
    ids, as the tables' `ordered_ids` give them."""
    if table == "links":
        sql = ("SELECT source_url, target_url FROM links "
               "WHERE id IN (SELECT value FROM json_each(?))")
        return Target(links=tuple((source, target) for source, target in _rows(db, sql, ids)))
    if table == "domains":
        sql = ("SELECT domain FROM referring_domains "
               "WHERE rowid IN (SELECT value FROM json_each(?))")
        return Target(domains=tuple(row[0] for row in _rows(db, sql, ids)))
    raise MarksError(f"rows of the {table} table cannot be marked (links or domains only)")


def domains_of_links(db: sqlite3.Connection, link_ids: Sequence[int]) -> Target:
    """The referring domains of these links (`links.id`): "disavow the domain" of a link."""
    sql = "SELECT DISTINCT domain FROM links WHERE id IN (SELECT value FROM json_each(?))"
    return Target(domains=tuple(sorted({row[0] for row in _rows(db, sql, link_ids)})))


def targets_by_rule(db: sqlite3.Connection, rule: Rule) -> Target:
    """The rows whose stored scores match the rule. Raises MarksError if scores are stale."""
    if not scores_current(db):
        raise MarksError("the scores are out of date; re-score the project before marking "
                         "by score")
    conditions: list[str] = []
    params: list[object] = []
    alias = "ds" if rule.level == "domains" else "ls"
    if rule.min_risk is not None:
        conditions.append(f"{alias}.risk_level >= ?")
        params.append(int(rule.min_risk))
    if rule.max_quality is not None:
        conditions.append(f"{alias}.quality < ?")
        params.append(float(rule.max_quality))
    where = " AND ".join(conditions) or "1"
    if rule.level == "domains":
        unmarked = ("AND NOT EXISTS (SELECT 1 FROM domain_marks AS m WHERE m.domain = ds.domain)"
                    if rule.unmarked_only else "")
        rows = db.execute(f"SELECT ds.domain FROM domain_scores AS ds WHERE {where} {unmarked} "
                          "ORDER BY ds.domain", params)
        return Target(domains=tuple(row[0] for row in rows))
    if rule.level == "links":
        unmarked = ("AND NOT EXISTS (SELECT 1 FROM link_marks AS m WHERE m.source_url = "
                    "l.source_url AND m.target_url = l.target_url) AND NOT EXISTS "
                    "(SELECT 1 FROM domain_marks AS m WHERE m.domain = l.domain)"
                    if rule.unmarked_only else "")
        rows = db.execute(
            "SELECT l.source_url, l.target_url FROM link_scores AS ls "
            f"JOIN links AS l ON l.id = ls.link_id WHERE {where} {unmarked} ORDER BY l.id",
            params)
        return Target(links=tuple((s, t) for s, t in rows))
    raise MarksError(f"unknown rule level {rule.level!r} (domains or links)")


# -- planning, previewing, applying ---------------------------------------------------------


def plan_marks(
    db: sqlite3.Connection, target: Target, kind: MarkKind | None, reason: str = "",
    *, forced: bool = False, now: str | None = None,
) -> MarkChange:
    """One change marking every domain and link of `target` (`kind` None clears marks)."""
    domains = plan_domain_marks(db, target.domains, kind, reason, forced=forced, now=now)
    links = plan_link_marks(db, target.links, kind, reason, forced=forced, now=now)
    skipped = {name: domains.skipped.get(name, 0) + links.skipped.get(name, 0)
               for name in {*domains.skipped, *links.skipped}}
    parts = [c.text.split(": ", 1)[1] for c in (domains, links) if c.edits]
    return MarkChange(f"{change_title(kind)}: {' and '.join(parts) or 'nothing'}",
                      domains.edits + links.edits, domains.unchanged + links.unchanged, skipped)


def preview(db: sqlite3.Connection, change: MarkChange, sample_size: int = SAMPLE_SIZE) -> Preview:
    """Counts and a sample of what `change` would do; reads only."""
    tally = Tally(sample_size)
    tally.add(db, change)
    return tally.preview(change.text)


@dataclass
class Tally:
    """A preview summed over the changes of a mark planned in batches (marks/batched.py):
    counts, and the sample of the first ones."""

    sample_size: int = SAMPLE_SIZE
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    links_affected: int = 0
    sample: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # edits by table (text of the change)

    def add(self, db: sqlite3.Connection, change: MarkChange) -> None:
        """Count what `change` does (reads only)."""
        domains: list[str] = []
        links: list[tuple[str, str]] = []
        for edit in change.edits:
            if edit.table == "disavow_withdrawn":
                continue
            self.rows[edit.table] = self.rows.get(edit.table, 0) + 1
            if edit.before is None:
                self.added += 1
            elif edit.after is None:
                self.removed += 1
            else:
                self.changed += 1
            if edit.table == "domain_marks":
                domains.append(edit.key[0])
            else:
                links.append((edit.key[0], edit.key[1]))
            if len(self.sample) < self.sample_size:
                self.sample.append(_describe(edit))
        self.unchanged += change.unchanged
        for name, count in change.skipped.items():
            self.skipped[name] = self.skipped.get(name, 0) + count
        self.links_affected += _links_affected(db, domains, links)

    def preview(self, text: str) -> Preview:
        """The Preview of everything added, under `text`."""
        return Preview(text, self.added, self.changed, self.removed, self.unchanged,
                       dict(self.skipped), self.links_affected, tuple(self.sample))


def mark(
    db: sqlite3.Connection, target: Target, kind: MarkKind | None, reason: str = "",
    *, forced: bool = False,
) -> MarkChange:
    """Plan and apply at once (the command line); returns the change, for undo."""
    change = plan_marks(db, target, kind, reason, forced=forced)
    if change:
        apply_change(db, change)
    return change


def _describe(edit: RowEdit) -> str:
    name = (urls.to_unicode_host(edit.key[0]) if edit.table == "domain_marks"
            else f"{edit.key[0]} -> {edit.key[1]}")
    before = edit.before[0] if edit.before else "none"
    after = edit.after[0] if edit.after else "none"
    return f"{name}: {before} -> {after}"


def _links_affected(db: sqlite3.Connection, domains: list[str],
                    links: list[tuple[str, str]]) -> int:
    count = 0
    for chunk in chunks(domains):
        count += db.execute(
            "SELECT coalesce(sum(links), 0) FROM referring_domains "
            "WHERE domain IN (SELECT value FROM json_each(?))", (json.dumps(chunk),)
        ).fetchone()[0]
    for pairs in chunks([list(key) for key in links]):
        count += db.execute(
            "SELECT count(*) FROM links WHERE (source_url, target_url) IN "
            "(SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') "
            "FROM json_each(?))", (json.dumps(pairs),)
        ).fetchone()[0]
    return count


def _rows(db: sqlite3.Connection, sql: str, ids: Sequence[int]) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for chunk in chunks([int(i) for i in ids]):
        found.extend(db.execute(sql, (json.dumps(chunk),)))
    return found
