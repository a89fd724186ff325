"""White-label settings of the client report: the freelancer's name, logo, accent colour and
footer text.

One store for the window and the command line: a small JSON file in the user's config folder
(`user_settings_path`; `LINKDESK_REPORT_SETTINGS` names another file, as tests do). A project
can override any field for its client (project setting `report_branding`), and the command's
options override both for one report.

    branding = effective_branding(db)              user's settings, then the project's
    save_user_branding(Branding(name="Jo Smith"))
"""

from __future__ import annotations

import errno
import json
import os
import re
import sqlite3
import stat
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from linkdesk.core.files import write_atomically
from linkdesk.core.store import settings
from linkdesk.core.store.settings import Key

ENVIRONMENT = "LINKDESK_REPORT_SETTINGS"
FILE_NAME = "report.json"
DEFAULT_ACCENT = "#1f5f8b"  # a dark blue: reads as a dark grey on a greyscale printer
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
SETTINGS_MAX_BYTES = 1024 * 1024  # four short texts and a path: far less in practice
# What a logo file starts with, by kind; an SVG is told by an <svg element near its start.


class BrandingError(ValueError):
    """A white-label value that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Branding:
    """What the report carries of its author. Empty strings: not set."""

    name: str = ""
    logo: str = ""  # path of a PNG or JPEG image (logo.py)
    accent: str = ""  # "#rrggbb"
    footer: str = ""

    @property
    def accent_colour(self) -> str:
        """The accent colour to use ("#rrggbb"). A stored value of another form (an edited
        settings or project file) is never copied into the report's style."""
        return self.accent if _COLOUR.fullmatch(self.accent) else DEFAULT_ACCENT

    def over(self, base: Branding) -> Branding:
        """These values where set, `base`'s elsewhere."""
        return replace(base, **{f.name: getattr(self, f.name) for f in fields(self)
                                if getattr(self, f.name)})


def checked(branding: Branding) -> Branding:
    """`branding` with its values checked: BrandingError names the first bad one."""
    if branding.accent and not _COLOUR.fullmatch(branding.accent):
        raise BrandingError(f"accent colour {branding.accent!r}: write it as #rrggbb, "
                            "e.g. #1f5f8b")
    if branding.logo:
        from linkdesk.core.report.logo import read_logo  # logo.py imports BrandingError

        read_logo(branding.logo)
    return branding


def from_dict(raw: Any) -> Branding:
    """A Branding from stored JSON; unknown keys and non-text values are ignored."""
    if not isinstance(raw, dict):
        return Branding()
    names = {f.name for f in fields(Branding)}
    return Branding(**{k: v.strip() for k, v in raw.items() if k in names and isinstance(v, str)})


def user_settings_path() -> Path:
    """Where the user's white-label settings live."""
    override = os.environ.get(ENVIRONMENT)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("LinkDesk", appauthor=False)) / FILE_NAME


def user_branding() -> Branding:
    """The user's settings; none when the file is missing, unreadable, not a plain file or
    over SETTINGS_MAX_BYTES (never read further: the variable may name /dev/zero)."""
    try:
        with user_settings_path().open("rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return Branding()
            raw = handle.read(SETTINGS_MAX_BYTES + 1)
        if len(raw) > SETTINGS_MAX_BYTES:
            return Branding()
        return from_dict(json.loads(raw.decode("utf-8")))
    except (OSError, ValueError):
        return Branding()


def save_user_branding(branding: Branding) -> Path:
    """Store the user's settings (checked first); returns the file written.

    Through `write_atomically` (core/files.py): never a half-written file, a temporary name
    of its own (two windows may save at once), never over a project or another SQLite file."""
    path = user_settings_path()
    text = json.dumps(asdict(checked(branding)), indent=2)
    if path.is_dir():  # else the rename's error names the temporary file
        raise IsADirectoryError(errno.EISDIR, "a folder, not a settings file", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    with write_atomically(path, newline=None) as out:
        out.write(text)
    return path


def project_branding(db: sqlite3.Connection) -> Branding:
    """This project's overrides (empty fields: the user's settings apply)."""
    return from_dict(settings.get(db, Key.REPORT_BRANDING, {}))


def save_project_branding(db: sqlite3.Connection, branding: Branding) -> None:
    """Store this project's overrides; an all-empty Branding removes them."""
    values = {k: v for k, v in asdict(checked(branding)).items() if v}
    if values:
        settings.put(db, Key.REPORT_BRANDING, values)
    else:
        settings.delete(db, Key.REPORT_BRANDING)


def effective_branding(db: sqlite3.Connection, options: Branding | None = None) -> Branding:
    """The command's options over the project's overrides over the user's settings."""
    result = project_branding(db).over(user_branding())
    return (options or Branding()).over(result)
