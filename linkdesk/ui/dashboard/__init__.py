"""The Dashboard tab: charts of the profile's balance of quality against quantity.

`DashboardView` (view.py) lays the charts out and runs the numbers (core/profile) on a worker
thread; map_view.py is the quality-vs-quantity map, panels.py the bar charts, balance_panel.py
the headline figures.
"""

from linkdesk.ui.dashboard.view import DashboardView

__all__ = ["DashboardView"]
