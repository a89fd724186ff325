"""Writing the Google disavow file: plan (entries, warnings, diff), then write.

    plan = plan_disavow(db)          # the header names the client's site (`client_name`)
    plan.warnings, plan.needs_confirmation, plan.diff, plan.errors
    write_disavow(db, plan, "acme-disavow.txt", confirmed=True)

The file always passes validate.py: `domain:` entries in punycode, http(s) URLs, UTF-8 without
BOM, LF; `#` comments carry the header and each group's reason. Limits (100,000 lines, 2 MB,
2,048 characters a URL) are errors of the plan: the file is not written. If the reason
comments alone push it over the line or size limit, they are left out.
"""

from __future__ import annotations

import datetime
import sqlite3
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from linkdesk.core.disavow.checks import check_entries
from linkdesk.core.disavow.parse import Entry, parse_disavow
from linkdesk.core.disavow.plan import DisavowWarning, PlannedEntry, select_entries
from linkdesk.core.disavow.store import DisavowError, carried_entries, last_file, record_export
from linkdesk.core.disavow.syntax import MAX_BYTES, MAX_LINES, MAX_URL_CHARS, entry_text
from linkdesk.core.disavow.validate import validate_disavow
from linkdesk.core.files import ProtectedFileError, database_files, write_atomically
from linkdesk.core.marks.model import now_iso
from linkdesk.core.store.settings import sites
from linkdesk.core.words import counted, plural


@dataclass
class DisavowDiff:
    """Entries added and removed against the last file imported or exported."""

    against: str | None = None  # e.g. "imported old-disavow.txt"
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class DisavowPlan:
    """Everything about the file to write, before writing it."""

    entries: list[PlannedEntry]
    warnings: list[DisavowWarning]
    left_out: list[tuple[str, str]]  # (line, why): conflicts with keep marks
    diff: DisavowDiff
    text: str
    errors: list[str] = field(default_factory=list)  # limits exceeded: cannot be written
    comments_dropped: bool = False  # reasons left out to stay within the limits

    @property
    def needs_confirmation(self) -> bool:
        """Some warning must be confirmed before writing."""
        return any(w.needs_confirmation for w in self.warnings)

    @property
    def domains(self) -> int:
        """How many `domain:` entries."""
        return sum(e.kind == "domain" for e in self.entries)

    @property
    def urls(self) -> int:
        """How many URL entries."""
        return sum(e.kind == "url" for e in self.entries)

    @property
    def lines(self) -> int:
        """Lines of the file."""
        return self.text.count("\n")


def client_name(db: sqlite3.Connection, project_name: str = "") -> str:
    """Whom the file is for, as its first line says it (the window, `linkdesk disavow` and
    the report alike): the client's main site (the project's `sites` setting), else
    `project_name`, else the project file's name."""
    known = sites(db)
    if known:
        return known[0]
    if project_name:
        return project_name
    files = database_files(db)
    return files[0].name.removesuffix(".linkdesk") if files else ""


def plan_disavow(db: sqlite3.Connection, *, project_name: str = "",
                 now: str | None = None) -> DisavowPlan:
    """Work out the disavow file the project's marks and imported files give; reads only.
    `project_name` names the client only when the project has no site (`client_name`)."""
    project_name = client_name(db, project_name)
    chosen = select_entries(db)
    entries = sorted(chosen.domains.values(), key=_order) + sorted(chosen.urls.values(),
                                                                  key=_order)
    warnings = [*chosen.warnings, *check_entries(db, entries)]
    invalid = [e for e in carried_entries(db) if e.kind == "invalid"]
    now = now or now_iso()
    text = render(entries, invalid, project_name=project_name, now=now)
    errors = [f"{e.value[:80]}…: URL longer than {MAX_URL_CHARS:,} characters"
              for e in entries if e.kind == "url" and len(e.value) > MAX_URL_CHARS]
    dropped = False
    if _too_big(text):
        text = render(entries, invalid, project_name=project_name, now=now, reasons=False)
        dropped = True
    lines, size = text.count("\n"), len(text.encode("utf-8"))
    if lines > MAX_LINES:
        errors.append(f"{lines:,} lines: Google accepts at most {MAX_LINES:,}; disavow whole "
                      "domains instead of pages")
    if size > MAX_BYTES:
        errors.append(f"{size:,} bytes: Google accepts at most {MAX_BYTES:,} (2 MB); disavow "
                      "whole domains instead of pages")
    return DisavowPlan(entries, warnings, chosen.left_out, _diff(db, entries), text, errors,
                       dropped)


def write_disavow(db: sqlite3.Connection, plan: DisavowPlan, path: str | Path, *,
                  confirmed: bool = False) -> Path:
    """Write the planned file (via a temporary file: never half a file) and remember it.

    Raises DisavowError when the plan has errors, when warnings need confirmation and
    `confirmed` is False, or when the file cannot be written or would replace a project
    (core/files.py `write_atomically`).
    """
    path = Path(path)
    if path.suffix.lower() != ".txt":
        raise DisavowError(f"{path}: Google accepts only .txt files")
    if plan.errors:
        raise DisavowError(f"{path}: not written: " + "; ".join(plan.errors))
    if plan.needs_confirmation and not confirmed:
        count = sum(w.needs_confirmation for w in plan.warnings)
        raise DisavowError(f"{path}: not written: {counted(count, 'warning')} "
                           f"{plural(count, 'needs', 'need')} confirmation")
    data = plan.text.encode("utf-8")
    report = validate_disavow(data)
    if report.rejected:  # a bug, never the user's data: say exactly where
        raise DisavowError(f"{path}: not written, it would not pass Google's rules: "
                           + "; ".join(map(str, report.errors[:5])))
    try:
        with write_atomically(path, protect=database_files(db),
                              binary=True) as out:
            out.write(data)
    except ProtectedFileError as error:
        raise DisavowError(str(error)) from None
    except OSError as error:
        raise DisavowError(f"{path}: cannot write it ({error.strerror})") from None
    # Stored as read back from the file: real line numbers, reasons as comments.
    record_export(db, path.name, data, plan.lines, parse_disavow(data).entries)
    return path


def render(entries: list[PlannedEntry], invalid: list[Entry], *, project_name: str, now: str,
           reasons: bool = True) -> str:
    """The file's text: header, entries grouped by reason, carried invalid lines as comments."""
    day = now[:10] or datetime.date.today().isoformat()
    domains = sum(e.kind == "domain" for e in entries)
    name = " ".join(project_name.split()) or "this site"
    lines = [
        f"# Disavow file for {name}, written by LinkDesk on {day}",
        f"# {counted(domains, 'domain')} and {counted(len(entries) - domains, 'URL')}. "
        "Uploading it to Google "
        "replaces the previous file.",
    ]
    if not reasons:
        lines.append("# (reasons left out to stay within Google's limits)")
    for (_, reason), group in groupby(entries,
                                      key=lambda e: (e.kind, e.reason if reasons else "")):
        lines.append("")
        if reasons and reason:
            lines += [f"# {part}" for part in reason.splitlines()]  # a reason may be 2 lines
        lines += [entry.line for entry in group]
    if invalid:
        lines += ["", "# Lines of imported files that Google would reject, kept for reference:"]
        lines += [f"# ({' '.join(e.comment.split())}) {' '.join(e.text.split())[:300]}"
                  for e in invalid]
    return "\n".join(lines) + "\n"


def _order(entry: PlannedEntry) -> tuple[bool, str, str]:
    return (entry.reason == "", entry.reason, entry.value)


def _too_big(text: str) -> bool:
    return text.count("\n") > MAX_LINES or len(text.encode("utf-8")) > MAX_BYTES


def _diff(db: sqlite3.Connection, entries: list[PlannedEntry]) -> DisavowDiff:
    last = last_file(db)
    now = {(e.kind, e.value): e.line for e in entries}
    if last is None:
        return DisavowDiff(None, sorted(now.values()), [])
    direction, name, before = last
    return DisavowDiff(
        f"{direction} {name}",
        sorted(line for key, line in now.items() if key not in before),
        sorted(entry_text(kind, value) for kind, value in before if (kind, value) not in now),
    )
