"""The sample project: a made-up client (`acme-widgets.com`) seen by every vendor.

Built on first use in the user's data folder from the example exports shipped in `resources/`.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

import platformdirs

from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.scoring import rescore
from linkdesk.core.store import Project
from linkdesk.core.store.settings import Key

DEMO_SITE = "acme-widgets.com"
DEMO_EXPORTS = (
    "ahrefs-backlinks.csv",
    "ahrefs-backlinks-excel.csv",
    "ahrefs-backlinks-2019.csv",
    "semrush-backlinks.csv",
    "majestic-backlinks.csv",
    "moz-inbound-links.csv",
    "gsc-latest-links.csv",
)


def demo_project(folder: Path | None = None) -> Path:
    """Return the sample project's path, building it from the bundled exports if needed."""
    folder = folder or Path(platformdirs.user_data_dir("LinkDesk", appauthor=False))
    path = folder / "Sample - Acme Widgets.linkdesk"
    if path.exists():
        return path
    partial = path.with_name(path.name + ".building")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    samples = files("linkdesk.resources").joinpath("samples")
    with Project.open(partial) as project:
        project.set_setting(Key.SITES, [DEMO_SITE])
        project.set_setting(Key.BRAND_TERMS, ["Acme Widgets", "Acme"])
        # What the client sells and writes about: anchors and pages get their classes.
        project.set_setting(Key.MONEY_KEYWORDS, ["buy widgets online", "cheap widgets",
                                                 "widget supplier", "blue widgets"])
        project.set_setting(Key.TOPIC_KEYWORDS, ["widget", "maker", "workshop", "craft"])
        for name in DEMO_EXPORTS:
            with as_file(samples.joinpath(name)) as export:
                import_file(project, export, ImportOptions(site=DEMO_SITE))
        rescore(project.db)
    partial.rename(path)
    return path
