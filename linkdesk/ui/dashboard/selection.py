"""Selecting the map's domains in the Referring domains table."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel

from linkdesk.ui.views.table_view import TableView


def select_ids(view: TableView, ids: list[int]) -> int:
    """Select the rows showing `ids` (runs of rows as ranges); how many rows were selected.

    A table still loading in the background is selected in once its rows arrive.
    """
    model = view.table
    if getattr(model, "loading", False):
        def later() -> None:
            model.modelReset.disconnect(later)
            select_ids(view, ids)

        model.modelReset.connect(later)
        return 0
    rows = model.rows_of(ids)
    selection = QItemSelection()
    last_column = model.columnCount() - 1
    start = previous = None
    for row in [*rows, None]:
        if row is not None and previous is not None and row == previous + 1:
            previous = row
            continue
        if start is not None and previous is not None:  # a run of rows ended
            selection.select(model.index(start, 0), model.index(previous, last_column))
        start = previous = row
    view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    if rows:
        view.selectionModel().setCurrentIndex(model.index(rows[0], 0),
                                              QItemSelectionModel.SelectionFlag.NoUpdate)
        view.scrollTo(model.index(rows[0], 0))
    return len(rows)
