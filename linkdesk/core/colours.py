"""The bands' colours: one definition for the window (tables, Dashboard, History) and the
client report, as hex strings (core imports no Qt; the window makes QColors of them).

On paper they also read in greyscale: risky darkest, then strong, weak, fair, and not scored
lightest (`test_report_words` checks the order).
"""

from __future__ import annotations

# In the order of scoring's BANDS: risky, weak, fair, strong. A deep red and a light yellow
# keep risky apart from strong, and fair from weak, in grey (a red like #d32f2f greys as
# dark as the green).
BAND_COLOURS: tuple[str, ...] = ("#b71c1c", "#ef6c00", "#d4b400", "#2ea043")
BAND_COLOUR_NAMES: tuple[str, ...] = ("red", "orange", "yellow", "green")  # the legends' words
NOT_SCORED_COLOUR = "#bdbdbd"
NOT_SCORED_COLOUR_NAME = "grey"
