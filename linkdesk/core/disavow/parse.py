"""Reading a client's existing disavow file into entries, leniently.

Google's rules are checked by validate.py; reading is forgiving (a BOM, cp1252 bytes, `Domain:`
in capitals are read), because the point is to lose nothing of what the client disavowed:
every entry is kept with its line number and the comment lines above it (its reason), and
every invalid line is kept as text with the reason it is invalid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from linkdesk.core.disavow.syntax import entry_text, read_line
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
    comment: str = ""

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
            kind, value = (line.kind, line.value) if line.is_entry else ("invalid", text.strip())
            found = parsed.entries if line.is_entry else parsed.invalid
            found.append(Entry(number, kind, value, text, " ".join(comment)))
            after_entry = True
    return parsed
