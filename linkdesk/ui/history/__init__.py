"""The History tab: the profile over time (core/timeline/history.py), charted.

`HistoryView` (view.py) draws referring domains per band at each export day (or month),
strong domains gained and lost, and disavowed domains; it follows the table filters like the
dashboard and reuses its chart parts (ui/dashboard/charts.py); worker.py computes off the GUI
thread.
"""

from linkdesk.ui.history.view import HistoryView

__all__ = ["HistoryView"]
