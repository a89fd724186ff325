"""The tables' since-review filters in the window: which spec and which loader a table uses.

The New / Changed / Lost since last review filters read the changes since the last review
from temporary tables of the connection that computed them (core/timeline/filters.py): the
spec's `prepare` computes them, on demand, on the connection that runs the query. So, while
the filter is on (only then: a prepared spec gets no quick first screenful), the Links and
Referring domains tables run with `with_since_review(spec)` on a loader thread of their own,
never on the GUI thread (seconds on a million links, and a cache write). Their rows on
screen are still read by id on the GUI thread: the rows need no temporary table.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from linkdesk.core.tables import Filters, TableSpec
from linkdesk.core.timeline import with_since_review
from linkdesk.ui.models import TableModel
from linkdesk.ui.views.filter_bar import SINCE_REVIEW_TABLES
from linkdesk.ui.workers.table_loader import TableLoader


def since_review_spec(spec: TableSpec, filters: Filters) -> TableSpec:
    """`spec` as it runs with `filters`: with the since-review filter while it is on."""
    if filters.since_review is None or spec.name not in SINCE_REVIEW_TABLES:
        return spec
    return with_since_review(spec)


class SinceReviewTables(QObject):
    """Switches the Links and Referring domains models to and from the since-review specs."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loader: TableLoader | None = None  # the since-review queries' own connection
        self._path: Path | None = None

    def apply(self, models: dict[str, TableModel], specs: dict[str, TableSpec],
              usual: TableLoader | None, filters: Filters, project_path: Path | None
              ) -> tuple[TableSpec, TableSpec] | None:
        """Give each model its spec and loader for `filters` (before `configure`); returns
        the (links, domains) specs the charts should filter with."""
        if "links" not in specs or "domains" not in specs:
            return None
        chosen = {name: since_review_spec(specs[name], filters) for name in SINCE_REVIEW_TABLES}
        for name, spec in chosen.items():
            model = models.get(name)
            if model is None:
                continue
            # Not `spec.prepare`: Referring domains always has one (Judged before).
            if filters.since_review is not None and project_path is not None:
                model.spec = spec
                model.load_in_background(self._loader(project_path))
            elif model.spec is not specs[name]:  # the filter went off: the usual way again
                model.spec = specs[name]
                model.load_in_background(usual)
        return chosen["links"], chosen["domains"]

    def close(self) -> None:
        """Another project, or none: the loader's connection closes."""
        if self.loader is not None:
            self.loader.close()
            self.loader.deleteLater()
        self.loader = None
        self._path = None

    def _loader(self, path: Path) -> TableLoader:
        if self.loader is None or self._path != path:
            self.close()
            self.loader = TableLoader(path, self)
            self._path = path
        return self.loader
