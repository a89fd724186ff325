"""Disavow files in the project: importing the client's file, what it covers, what it carries.

Importing keeps every line that means something (`disavow_entries`), including entries for
domains and pages the profile does not hold and invalid lines (as text): nothing the client
disavowed is lost. It also marks what it can represent as marks, without touching marks the
user made: a `domain:` entry of a registered domain becomes a domain mark, a URL entry a mark
on each profile link from that page. A subdomain entry (`domain:blog.example.com`) stays an
entry only: marks are per registered domain; so does a public suffix (`domain:co.uk`), which
the written file carries with a warning.

Until the user withdraws one (clears or keeps its domain or page, see marks/store.py), every
imported entry is carried into the exported file: Google's upload replaces the old file.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from linkdesk.core import urls
from linkdesk.core.disavow.parse import DisavowFile, Entry, parse_disavow
from linkdesk.core.library.feed import feed_domains
from linkdesk.core.marks.change import MarkChange, RowEdit
from linkdesk.core.marks.model import now_iso
from linkdesk.core.store import transaction
from linkdesk.core.words import counted


class DisavowError(Exception):
    """A disavow file cannot be read or written; the message names the file and the problem."""


@dataclass
class Coverage:
    """What a set of entries covers in the profile."""

    links: int = 0  # links of the profile that an entry disavows
    domains: int = 0  # referring domains with at least one such link
    whole_domains: int = 0  # referring domains a domain: entry covers completely
    not_in_profile: list[Entry] = field(default_factory=list)  # entries that cover no link


@dataclass
class ImportReport:
    """What importing a disavow file did."""

    file_name: str
    parsed: DisavowFile
    coverage: Coverage
    already_imported: bool = False
    domain_marks_added: int = 0
    link_marks_added: int = 0
    conflicts: list[str] = field(default_factory=list)  # entries whose rows are marked keep
    still_withdrawn: int = 0  # entries the user withdrew earlier: they stay withdrawn
    added_domains: list[str] = field(default_factory=list)  # domains given a disavow mark
    library_warning: str = ""  # the verdict library could not take the new marks (why)


def import_disavow(db: sqlite3.Connection, path: str | Path, *, now: str | None = None
                   ) -> ImportReport:
    """Import a client's disavow file in one transaction. Raises DisavowError when the file
    cannot be read or holds no disavow entry at all (it then changes nothing)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DisavowError(f"{path}: cannot read it ({error.strerror})") from None
    parsed = parse_disavow(data)
    if not parsed.entries:
        first = parsed.invalid[0] if parsed.invalid else None
        detail = (f"; line {first.line_no}: {first.text[:80]!r}" if first else " (it is empty)")
        raise DisavowError(f"{path}: no domain: or URL entry, is this a disavow file?{detail}")
    sha = hashlib.sha256(data).hexdigest()
    now = now or now_iso()
    report = ImportReport(path.name, parsed, Coverage())
    with transaction(db):
        report.already_imported = db.execute(
            "SELECT 1 FROM disavow_files WHERE direction = 'imported' AND file_sha256 = ?",
            (sha,)).fetchone() is not None
        if not report.already_imported:
            _store_file(db, "imported", path.name, sha, parsed.lines,
                        [*parsed.entries, *parsed.invalid], len(parsed.problems), now)
            _add_marks(db, report, now)
    report.coverage = coverage(db, parsed.entries)
    report.library_warning = feed_domains(db, report.added_domains)
    return report


def record_export(db: sqlite3.Connection, name: str, data: bytes, lines: int,
                  entries: Iterable[Entry], *, now: str | None = None) -> int:
    """Remember a file LinkDesk wrote (for the next diff); runs in its own transaction."""
    with transaction(db):
        return _store_file(db, "exported", name, hashlib.sha256(data).hexdigest(), lines,
                           list(entries), 0, now or now_iso())


def carried_entries(db: sqlite3.Connection) -> list[Entry]:
    """Entries of imported files that are not withdrawn, one per value (first seen wins),
    and the invalid lines of those files (one per text)."""
    rows = db.execute(
        "SELECT e.line_no, e.kind, e.value, e.text, e.comment, f.file_name "
        "FROM disavow_entries AS e JOIN disavow_files AS f ON f.id = e.file_id "
        "WHERE f.direction = 'imported' AND NOT EXISTS (SELECT 1 FROM disavow_withdrawn AS w "
        "WHERE w.kind = e.kind AND w.value = e.value) ORDER BY f.id, e.line_no"
    )
    found: dict[tuple[str, str], Entry] = {}
    for line_no, kind, value, text, comment, file_name in rows:
        if kind == "invalid":
            comment = f"{file_name} line {line_no}"
        found.setdefault((kind, value), Entry(line_no, kind, value, text, comment))
    return list(found.values())


def plan_withdrawal(db: sqlite3.Connection, entries: Iterable[tuple[str, str]],
                    withdrawn: bool = True, *, now: str | None = None) -> MarkChange:
    """The change that withdraws (or restores) imported entries, given as (kind, value) with
    kind "domain" or "url"; for entries marks cannot hold, such as `domain:blog.example.com`.
    Apply it with `apply_change` (one undo step)."""
    now = now or now_iso()
    current = withdrawn_entries(db)
    edits = []
    for key in dict.fromkeys(entries):
        if (key in current) != withdrawn:
            before = db.execute("SELECT withdrawn_at FROM disavow_withdrawn WHERE kind = ? "
                                "AND value = ?", key).fetchone()
            edits.append(RowEdit("disavow_withdrawn", key, tuple(before) if before else None,
                                 (now,) if withdrawn else None))
    verb = "Withdraw" if withdrawn else "Restore"
    return MarkChange(f"{verb} {counted(len(edits), 'disavow entry', 'disavow entries')}",
                      tuple(edits))


def withdrawn_entries(db: sqlite3.Connection) -> set[tuple[str, str]]:
    """(kind, value) of the imported entries the user withdrew."""
    return {(kind, value) for kind, value in db.execute(
        "SELECT kind, value FROM disavow_withdrawn")}


def last_file(db: sqlite3.Connection) -> tuple[str, str, set[tuple[str, str]]] | None:
    """(direction, file name, entries) of the last file imported or exported, if any."""
    row = db.execute(
        "SELECT id, direction, file_name FROM disavow_files ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    entries = {(kind, value) for kind, value in db.execute(
        "SELECT kind, value FROM disavow_entries WHERE file_id = ? AND kind <> 'invalid'",
        (row[0],))}
    return row[1], row[2], entries


def coverage(db: sqlite3.Connection, entries: Iterable[Entry]) -> Coverage:
    """Which links and referring domains of the profile these entries cover."""
    result = Coverage()
    covered: set[int] = set()
    domains: set[str] = set()
    whole: set[str] = set()
    for entry in entries:
        if entry.kind == "domain":
            registered = urls.registered_domain(entry.value)
            if holds_own_domains(entry.value):
                # blogspot.com covers every blog on it: a scan, but a rare entry.
                rows = db.execute(
                    "SELECT id, domain FROM links WHERE domain LIKE ? ESCAPE '\\'",
                    ("%." + like_escaped(entry.value),)).fetchall()
                whole.update(domain for _, domain in rows)
            elif registered == entry.value:
                rows = db.execute("SELECT id, domain FROM links WHERE domain = ?",
                                  (entry.value,)).fetchall()
                whole.update(domain for _, domain in rows)
            else:
                rows = db.execute(
                    "SELECT id, domain FROM links WHERE domain = ? AND (source_host = ? "
                    "OR source_host LIKE ? ESCAPE '\\')",
                    (registered, entry.value, "%." + like_escaped(entry.value))).fetchall()
        elif entry.kind == "url":
            rows = db.execute("SELECT id, domain FROM links WHERE source_url = ?",
                              (entry.value,)).fetchall()
        else:
            continue
        if not rows:
            result.not_in_profile.append(entry)
        covered.update(link_id for link_id, _ in rows)
        domains.update(domain for _, domain in rows)
    result.links, result.domains, result.whole_domains = len(covered), len(domains), len(whole)
    return result


def holds_own_domains(domain: str) -> bool:
    """Whether the subdomains of `domain` are referring domains of their own: a public suffix
    (com, co.uk, blogspot.com), or a name without a suffix the list knows."""
    child = "x." + domain
    return not urls.is_ip_host(domain) and urls.registered_domain(child) == child


def like_escaped(text: str) -> str:
    """`text` for a LIKE pattern with ESCAPE '\\': wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _store_file(db: sqlite3.Connection, direction: str, name: str, sha: str, lines: int,
                entries: list[Entry], problems: int, now: str) -> int:
    cursor = db.execute(
        "INSERT INTO disavow_files (direction, file_name, file_sha256, lines, entries, "
        "problems, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (direction, name, sha, lines, sum(e.kind != "invalid" for e in entries), problems, now))
    file_id = int(cursor.lastrowid or 0)
    db.executemany(
        "INSERT INTO disavow_entries (file_id, line_no, kind, value, text, comment) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(file_id, e.line_no, e.kind, e.value, e.text, e.comment) for e in entries])
    return file_id


def _add_marks(db: sqlite3.Connection, report: ImportReport, now: str) -> None:
    """Marks for the entries that marks can hold, leaving the user's own marks alone."""
    withdrawn = withdrawn_entries(db)
    for entry in report.parsed.entries:
        if (entry.kind, entry.value) in withdrawn:
            report.still_withdrawn += 1
            continue
        reason = entry.comment or f"{report.file_name} line {entry.line_no}"
        if (entry.kind == "domain" and urls.registered_domain(entry.value) == entry.value
                and not urls.is_public_suffix(entry.value)):  # co.uk: an entry, not a mark
            before = db.total_changes
            db.execute(
                "INSERT OR IGNORE INTO domain_marks (domain, kind, reason, marked_at) "
                "VALUES (?, 'disavow', ?, ?)", (entry.value, reason, now))
            if db.total_changes > before:
                report.domain_marks_added += 1
                report.added_domains.append(entry.value)
            row = db.execute("SELECT kind FROM domain_marks WHERE domain = ?",
                             (entry.value,)).fetchone()
            if row[0] == "keep":
                report.conflicts.append(f"line {entry.line_no}: {entry.line} is marked keep")
        elif entry.kind == "url":
            before = db.total_changes
            db.execute(
                "INSERT OR IGNORE INTO link_marks (source_url, target_url, kind, reason, "
                "marked_at) SELECT source_url, target_url, 'disavow', ?, ? FROM links "
                "WHERE source_url = ?", (reason, now, entry.value))
            report.link_marks_added += db.total_changes - before
            kept = db.execute(
                "SELECT count(*) FROM links AS l LEFT JOIN link_marks AS lm "
                "ON lm.source_url = l.source_url AND lm.target_url = l.target_url "
                "LEFT JOIN domain_marks AS dm ON dm.domain = l.domain WHERE l.source_url = ? "
                "AND (lm.kind = 'keep' OR (dm.kind = 'keep' AND coalesce(lm.forced, 0) = 0))",
                (entry.value,)).fetchone()[0]
            if kept:
                report.conflicts.append(f"line {entry.line_no}: a link from {entry.value} is "
                                        "marked keep")
