"""Reading a client's existing disavow file into entries, leniently.

Google's rules are checked by validate.py; reading is forgiving (a BOM, cp1252 bytes, `Domain:`
in capitals are read), because the point is to lose nothing of what the client disavowed:
every entry is kept with its line number and the comment lines above it (its reason), and
every invalid line is kept as text with the reason it is invalid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from linkdesk.core.disavow.syntax import DOMAIN_PREFIX, domain_value, entry_text, read_line
from linkdesk.core.disavow.validate import (
    BOM,
    Problem,
    from_utf16,
    split_lines,
    validate_disavow,
)


@dataclass(frozen=True)
class Entry:
    """One line of a disavow file that means something.

    `kind` is "domain", "url" or "invalid"; `value` the punycode domain, the normalised URL
    or, for an invalid line, the line itself; `comment` the comment lines just above it.
    """

    line_no: int
    kind: str
    value: str
    text: str
    comment: str = ""  # the comment lines above it, joined by line breaks
    corrected: str = ""  # a slip read as the entry it plainly means: what was corrected

    @property
    def line(self) -> str:
        """The entry as a disavow file writes it (normalised)."""
        return entry_text(self.kind, self.value)


@dataclass
class DisavowFile:
    """A parsed disavow file."""

    entries: list[Entry] = field(default_factory=list)  # valid entries, in file order
    invalid: list[Entry] = field(default_factory=list)  # invalid lines, kept as text
    problems: list[Problem] = field(default_factory=list)  # Google's rules: errors, warnings
    lines: int = 0

    @property
    def corrected(self) -> list[Entry]:
        """Entries read from a slip (`domain: x.com`), corrected."""
        return [e for e in self.entries if e.corrected]

    @property
    def domains(self) -> list[Entry]:
        """The `domain:` entries."""
        return [e for e in self.entries if e.kind == "domain"]

    @property
    def urls(self) -> list[Entry]:
        """The URL entries."""
        return [e for e in self.entries if e.kind == "url"]


def parse_disavow(data: bytes) -> DisavowFile:
    """Read a disavow file's bytes."""
    parsed = DisavowFile(problems=validate_disavow(data).problems)
    data = from_utf16(data) or data
    if data.startswith(BOM):
        data = data[len(BOM):]
    comment: list[str] = []
    after_entry = False  # a comment after an entry starts the next entries' comment
    for number, raw in split_lines(data):
        parsed.lines = number
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")  # old Windows editors
        text = text.replace("\x00", "")
        line = read_line(text)
        if line.kind == "blank":
            comment = []  # a comment block belongs to the entries right below it
        elif line.kind == "comment":
            if after_entry:
                comment, after_entry = [], False
            if line.value:
                comment.append(line.value)
        else:
            reason = "\n".join(comment)  # two comment lines stay two lines
            slip = None if line.is_entry else corrected_slip(text)
            if line.is_entry:
                parsed.entries.append(Entry(number, line.kind, line.value, text, reason))
            elif slip is not None:
                parsed.entries.append(Entry(number, "domain", slip[0], text, reason, slip[1]))
            else:
                parsed.invalid.append(Entry(number, "invalid", text.strip(), text, reason))
            after_entry = True
    return parsed


def corrected_slip(text: str) -> tuple[str, str] | None:
    """The domain a `domain:` line plainly means despite a slip, and what was corrected;
    None when it is not such a slip (or the intent is not clear).

    `domain: pharma.ru` (a space after the colon) is domain:pharma.ru;
    `domain:https://casino.pw/` (the site's root URL) is domain:casino.pw. A URL with a
    path or query is not corrected: the page or the whole domain? The user says.
    """
    stripped = text.strip()
    if stripped[: len(DOMAIN_PREFIX)].lower() != DOMAIN_PREFIX:
        return None
    name = stripped[len(DOMAIN_PREFIX):].strip()
    if not name or any(c.isspace() for c in name):
        return None
    if "://" in name:
        scheme, _, rest = name.partition("://")
        host, _, path = rest.partition("/")
        if scheme.lower() not in ("http", "https") or path or "?" in host or "#" in host:
            return None
        name, what = host, "a URL after domain:"
    elif stripped[len(DOMAIN_PREFIX)].isspace():
        what = "a space after domain:"
    else:
        return None  # no slip of these kinds: the error stands
    value = domain_value(name)
    return (value, what) if value is not None else None
