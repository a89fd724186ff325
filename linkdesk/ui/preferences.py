"""Per-user window state in QSettings: geometry, splitters, column layouts, recent projects.

Qt's opaque state blobs (window geometry, splitter sizes) are stored under keys that carry
the Qt version, as Anki does: a blob saved by another Qt is never fed to this one (an old
blob can restore a window off-screen or fail silently). Column layouts are stored in our own
format, by column name, so adding a column (a score) keeps the user's widths and order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, qVersion

MAX_RECENT = 10


def qt_key(name: str) -> str:
    """`name` with the running Qt's major.minor version, e.g. "window/geometry-qt6.12"."""
    major_minor = ".".join(qVersion().split(".")[:2])
    return f"{name}-qt{major_minor}"


class Preferences:
    """Typed access to the user's settings (a QSettings; tests pass one on a temporary file)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or QSettings()

    # -- Qt blobs ----------------------------------------------------------------------------

    def blob(self, name: str) -> QByteArray | None:
        """A state blob saved by this Qt version, if any."""
        value = self.settings.value(qt_key(name))
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_blob(self, name: str, value: QByteArray) -> None:
        """Save a state blob under this Qt version's key."""
        self.settings.setValue(qt_key(name), value)

    # -- column layouts ----------------------------------------------------------------------

    def column_layout(self, table: str) -> list[tuple[str, int, bool]]:
        """Saved (column name, width, hidden) in visual order; [] when none or unreadable."""
        try:
            raw = json.loads(str(self.settings.value(f"tables/{table}/columns", "[]")))
            return [(str(name), int(width), bool(hidden)) for name, width, hidden in raw]
        except (ValueError, TypeError):
            return []

    def set_column_layout(self, table: str, layout: list[tuple[str, int, bool]]) -> None:
        """Save the column layout of a table."""
        self.settings.setValue(f"tables/{table}/columns", json.dumps(layout))

    def chosen_columns(self, table: str) -> dict[str, bool]:
        """Columns the user showed (True) or hid (False) with the column chooser, by name."""
        try:
            raw = json.loads(str(self.settings.value(f"tables/{table}/chosen", "{}")))
            return {str(name): bool(shown) for name, shown in dict(raw).items()}
        except (TypeError, ValueError):
            return {}

    def set_chosen_columns(self, table: str, chosen: dict[str, bool]) -> None:
        """Remember the columns the user showed or hid (they win over the data's default)."""
        self.settings.setValue(f"tables/{table}/chosen", json.dumps(chosen))

    def sort(self, table: str) -> tuple[str, bool] | None:
        """The saved sort (column name, descending) of a table."""
        value = str(self.settings.value(f"tables/{table}/sort", ""))
        name, _, direction = value.partition(":")
        return (name, direction == "desc") if name else None

    def set_sort(self, table: str, column: str, descending: bool) -> None:
        """Save the sort of a table."""
        direction = "desc" if descending else "asc"
        self.settings.setValue(f"tables/{table}/sort", f"{column}:{direction}")

    # -- projects ----------------------------------------------------------------------------

    def recent_projects(self) -> list[Path]:
        """Recently opened projects that still exist, newest first."""
        value = self.settings.value("projects/recent", [])
        # A hand-edited settings file may hold anything here: keep only a name or a list.
        paths = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [Path(p) for p in paths if p and Path(p).is_file()][:MAX_RECENT]

    def add_recent_project(self, path: Path) -> None:
        """Put a project first in the recent list (and make it the one to reopen)."""
        path = path.resolve()
        paths = [str(path)] + [str(p) for p in self.recent_projects() if p.resolve() != path]
        self.settings.setValue("projects/recent", paths[:MAX_RECENT])
        self.settings.setValue("projects/last", str(path))

    def forget_project(self, path: Path) -> None:
        """Drop a project from the recent list, and from reopening at the next start."""
        path = _absolute(path)
        paths = [str(p) for p in self.recent_projects() if _absolute(p) != path]
        self.settings.setValue("projects/recent", paths)
        last = self.settings.value("projects/last", "")
        if last and _absolute(Path(str(last))) == path:
            self.forget_last_project()

    def clear_recent_projects(self) -> None:
        """Empty the Open Recent menu."""
        self.settings.setValue("projects/recent", [])

    def last_project(self) -> Path | None:
        """The project open when LinkDesk last closed, if it still exists."""
        value = self.settings.value("projects/last", "")
        path = Path(str(value)) if value else None
        return path if path is not None and path.is_file() else None

    def forget_last_project(self) -> None:
        """Start with the welcome screen next time."""
        self.settings.remove("projects/last")

    @property
    def automatic_scoring(self) -> bool:
        """Whether the window re-scores by itself when the scores are out of date."""
        return str(self.value("scoring/automatic", "true")).lower() == "true"

    @automatic_scoring.setter
    def automatic_scoring(self, on: bool) -> None:
        self.set_value("scoring/automatic", "true" if on else "false")

    def value(self, key: str, default: Any = None) -> Any:
        """Any other setting."""
        return self.settings.value(key, default)

    def set_value(self, key: str, value: Any) -> None:
        """Store any other setting."""
        self.settings.setValue(key, value)

    def sync(self) -> None:
        """Write to disk now."""
        self.settings.sync()


def _absolute(path: Path) -> Path:
    """The path resolved, or only made absolute when it cannot be (a symbolic link loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
