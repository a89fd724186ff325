"""What the exported disavow file will hold: marks and carried entries, keep marks honoured.

Sources, in this order of precedence:
- domain marks of kind disavow -> `domain:` entries;
- `domain:` entries of imported files (not withdrawn) -> `domain:` entries;
- link marks of kind disavow -> the link's source page URL;
- URL entries of imported files (not withdrawn) -> URL entries.

Keep wins over disavow unless the disavow mark is forced:
- a domain marked keep: entries for it (or its subdomains, or its pages) are left out;
- a page with a link marked keep: the page's URL is left out;
- a domain entry covering links marked keep is written as the URLs of its other pages
  instead (a forced domain mark keeps the `domain:` entry).
A URL a `domain:` entry covers is not written twice.

Google's `domain:` takes domain names: a domain mark on an IP address is written as the URLs
of its pages. An entry Google would reject (a host that is not valid, marked before hosts were
checked) is left out with a warning, so that one bad mark cannot stop the file being written.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from linkdesk.core import urls
from linkdesk.core.disavow.store import carried_entries, holds_own_domains, like_escaped
from linkdesk.core.disavow.syntax import entry_text, read_line, url_value
from linkdesk.core.disavow.validate import host_covered_by
from linkdesk.core.marks.model import MarkKind
from linkdesk.core.marks.store import all_marks
from linkdesk.core.words import counted, plural


@dataclass(frozen=True)
class PlannedEntry:
    """One entry of the file to write; `origin` is "mark", "imported" or "split" (a page of
    a domain written page by page because some of its links are marked keep)."""

    kind: str  # "domain" or "url"
    value: str
    reason: str = ""
    origin: str = "mark"

    @property
    def line(self) -> str:
        """The line that writes it."""
        return entry_text(self.kind, self.value)


@dataclass(frozen=True)
class DisavowWarning:
    """Something the user should know before uploading; `needs_confirmation`: the file is
    written only once the user confirms (`--force`)."""

    code: str  # high_quality, platform, public_suffix, keep_conflict, ip_address, invalid,
    # scores_stale, scores_missing, covered
    subject: str  # the entry or domain concerned
    message: str
    needs_confirmation: bool = False

    def __str__(self) -> str:
        return self.message


@dataclass
class Selection:
    """The entries to write, what was left out and why, and the warnings so far."""

    domains: dict[str, PlannedEntry] = field(default_factory=dict)
    urls: dict[str, PlannedEntry] = field(default_factory=dict)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (line, why)
    warnings: list[DisavowWarning] = field(default_factory=list)


def select_entries(db: sqlite3.Connection) -> Selection:
    """Work out every entry of the next disavow file."""
    chosen = Selection()
    domain_marks, link_marks = all_marks(db)
    kept_domains = {d for d, m in domain_marks.items() if m.kind is MarkKind.KEEP}
    kept_pages = {s for (s, _), m in link_marks.items() if m.kind is MarkKind.KEEP}
    kept_hosts: dict[str, set[str]] = {}  # host -> kept pages on it
    for page in kept_pages:
        kept_hosts.setdefault(_host(page), set()).add(page)
    carried = carried_entries(db)
    forced: set[str] = set()

    def keep_blocks(kind: str, value: str) -> bool:
        """An imported entry in a domain marked keep is left out."""
        host = value if kind == "domain" else _host(value)
        registered = urls.registered_domain(host)
        if registered in kept_domains:
            _leave_out(chosen, entry_text(kind, value), f"{registered} is marked keep")
            return True
        return False

    for domain, mark in sorted(domain_marks.items()):
        if mark.kind is MarkKind.DISAVOW:
            chosen.domains[domain] = PlannedEntry("domain", domain, mark.reason, "mark")
            if mark.forced:
                forced.add(domain)
    for entry in carried:
        if (entry.kind == "domain" and entry.value not in chosen.domains
                and not keep_blocks("domain", entry.value)):
            chosen.domains[entry.value] = PlannedEntry("domain", entry.value, entry.comment,
                                                       "imported")
    for domain in list(chosen.domains):
        if urls.is_ip_host(domain):
            _ip_as_pages(db, chosen, domain, kept_pages)
    kept_by_domain: dict[str, set[str]] = {}  # domain entry -> kept pages under it
    for host, pages in kept_hosts.items():
        labels = host.split(".")
        for start in range(len(labels) - 1):
            candidate = ".".join(labels[start:])
            if candidate in chosen.domains:
                kept_by_domain.setdefault(candidate, set()).update(pages)
    for domain, kept in sorted(kept_by_domain.items()):
        _split(db, chosen, domain, kept, domain in forced)

    for (source, _), mark in sorted(link_marks.items()):
        if mark.kind is not MarkKind.DISAVOW or source in chosen.urls:
            continue
        registered = urls.registered_domain(_host(source))
        if registered in kept_domains and not mark.forced:
            _leave_out(chosen, source, f"{registered} is marked keep")
        elif source in kept_pages and not mark.forced:
            _leave_out(chosen, source, "another link from this page is marked keep")
        else:
            chosen.urls[source] = PlannedEntry("url", source, mark.reason, "mark")
    for entry in carried:
        if entry.kind != "url" or entry.value in chosen.urls:
            continue
        if keep_blocks("url", entry.value):
            continue
        if entry.value in kept_pages:
            _leave_out(chosen, entry.value, "a link from this page is marked keep")
            continue
        chosen.urls[entry.value] = PlannedEntry("url", entry.value, entry.comment, "imported")

    _drop_invalid(chosen)
    # A URL under a domain: entry is disavowed already.
    for value in list(chosen.urls):
        if host_covered_by(_host(value), chosen.domains) is not None:
            del chosen.urls[value]
    return chosen


def _ip_as_pages(db: sqlite3.Connection, chosen: Selection, address: str,
                 kept_pages: set[str]) -> None:
    """Write an IP address's pages instead of `domain:IP` (Google's domain: takes names)."""
    entry = chosen.domains.pop(address)
    pages = [page for page in _pages_of(db, address) if page not in kept_pages]
    for page in pages:
        chosen.urls.setdefault(page, PlannedEntry("url", page, entry.reason, "split"))
    shown = f"domain:{address}"
    if not pages:
        _drop(chosen, shown, "Google's domain: takes domain names, not IP addresses, and no "
                             "page on this address is in the profile to disavow instead")
        return
    chosen.warnings.append(DisavowWarning(
        "ip_address", address, f"{shown} is written as its {counted(len(pages), 'page URL')}: "
        "Google's domain: takes domain names, not IP addresses"))


def _drop_invalid(chosen: Selection) -> None:
    """Leave out entries whose host Google would reject (marks made before hosts were
    checked, or on links imported then): one bad line would make Google refuse the whole
    file. (An overlong URL stays: the plan's errors say so.)"""
    for entries in (chosen.domains, chosen.urls):
        for value, entry in list(entries.items()):
            if entry.kind == "domain":
                line = read_line(entry.line)
                ok, why = line.kind == "domain" and line.value == value, line.error
            else:
                problem = urls.url_problem(value) or "is not in its normal form"
                ok, why = url_value(value) == value, f"the URL {problem}"
            if not ok:
                del entries[value]
                hint = " (clear its mark)" if entry.origin == "mark" else ""
                _drop(chosen, entry.line, (why or "not a valid entry") + hint)


def _drop(chosen: Selection, line: str, why: str) -> None:
    chosen.left_out.append((line, why))
    chosen.warnings.append(DisavowWarning("invalid", line, f"{line!r} left out: {why}"))


def _split(db: sqlite3.Connection, chosen: Selection, domain: str, kept: set[str],
           forced: bool) -> None:
    """Write a domain with kept links as the URLs of its other pages (unless forced)."""
    entry = chosen.domains[domain]
    if forced:
        chosen.warnings.append(DisavowWarning(
            "keep_conflict", domain,
            f"domain:{domain} (forced) also disavows {counted(len(kept), 'page')} with links "
            "marked keep"))
        return
    del chosen.domains[domain]
    pages = [page for page in _pages_of(db, domain) if page not in kept]
    for page in pages:
        chosen.urls.setdefault(page, PlannedEntry("url", page, entry.reason, "split"))
    chosen.warnings.append(DisavowWarning(
        "keep_conflict", domain,
        f"domain:{domain} is written as its {counted(len(pages), 'other page URL')}: "
        f"{counted(len(kept), 'page')} of it {plural(len(kept), 'has', 'have')} links marked "
        "keep (force the domain's disavow to "
        "write domain:)"))


def _pages_of(db: sqlite3.Connection, domain: str) -> list[str]:
    registered = urls.registered_domain(domain)
    if holds_own_domains(domain):
        rows = db.execute("SELECT DISTINCT source_url FROM links WHERE domain LIKE ? ESCAPE '\\'",
                          ("%." + like_escaped(domain),))
    elif registered == domain:
        rows = db.execute("SELECT DISTINCT source_url FROM links WHERE domain = ?", (domain,))
    else:
        rows = db.execute(
            "SELECT DISTINCT source_url FROM links WHERE domain = ? AND (source_host = ? "
            "OR source_host LIKE ? ESCAPE '\\')", (registered, domain, "%." + like_escaped(domain)))
    return sorted(row[0] for row in rows)


def _leave_out(chosen: Selection, line: str, why: str) -> None:
    chosen.left_out.append((line, why))
    chosen.warnings.append(DisavowWarning("keep_conflict", line,
                                          f"{line} left out: {why} (keep wins)"))


def _host(url: str) -> str:
    normalized = urls.normalize_url(url)
    return normalized[1] if normalized else ""
