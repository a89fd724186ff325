"""Adding placements from a file is one transaction: the rows, their statuses and the column
mapping remembered for the file's header are saved together, or nothing is; and a cancel
that comes while they are added (the last tenth of an import) leaves the project as it was.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from linkdesk.core.placements import (
    PlacementImportCancelled,
    add_read,
    import_placements,
    load_placements,
    read_table,
)
from linkdesk.core.placements import store as placements_store
from linkdesk.core.store import Project, settings
from linkdesk.core.store.settings import Key

MAPPING = {"source_url": "Seite", "target_url": "Ziel", "anchor": "Ankertext"}


def _sheet(path: Path, rows: int, start: int = 100) -> Path:
    """A German vendor's sheet: its own column names, so the import takes a mapping."""
    lines = ["Seite,Ziel,Ankertext,Preis"]
    lines += [f"https://blog{n}.example.org/post-{n},https://acme-widgets.com/shop/{n % 9},"
              f"Acme widgets {n},{80 + n}" for n in range(start, start + rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Project:
    opened = Project.open(tmp_path / "acme.linkdesk")
    opened.set_setting(Key.SITES, ["acme-widgets.com"])
    import_placements(opened.db, _sheet(tmp_path / "first.csv", 3, start=0),
                      {"source_url": "Seite", "target_url": "Ziel"})
    return opened


def _dump(db: sqlite3.Connection) -> list[str]:
    return list(db.iterdump())


def test_a_cancel_while_the_placements_are_added_leaves_the_project_as_it_was(
        project: Project, tmp_path: Path) -> None:
    before = _dump(project.db)
    adding: list[bool] = []

    def progress(done: int, rows: int) -> None:
        if (done, rows) == (1, 1):  # every row checked: the adding begins
            adding.append(True)

    with pytest.raises(PlacementImportCancelled):
        import_placements(project.db, _sheet(tmp_path / "more.csv", 50), MAPPING,
                          progress=progress, cancelled=lambda: bool(adding))
    assert adding == [True]
    assert not project.db.in_transaction
    assert _dump(project.db) == before  # rows, statuses, mapping, the id sequence
    project.close()



@pytest.mark.parametrize("failing", ["mapping", "statuses"])
def test_the_rows_their_statuses_and_mapping_are_saved_together_or_not_at_all(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    """The mapping was saved in a transaction of its own, after the rows (and the statuses
    after those): a full disk in between left rows without their mapping or status."""
    before = _dump(project.db)
    read = read_table(project.db, _sheet(tmp_path / "more.csv", 20).read_text("utf-8"),
                      "more.csv", MAPPING)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    if failing == "mapping":
        monkeypatch.setattr(settings, "put", full_disk)
    else:
        monkeypatch.setattr(placements_store, "refresh_statuses", full_disk)
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        add_read(project.db, read, remember=True)
    assert not project.db.in_transaction
    assert _dump(project.db) == before  # nothing half-saved
    monkeypatch.undo()
    result = add_read(project.db, read, remember=True)
    assert result.added == 20 and len(load_placements(project.db)) == 23
    remembered = settings.get(project.db, Key.PLACEMENT_MAPPINGS, {})
    assert MAPPING.items() <= remembered[read.header_key].items()
    project.close()
