"""Benchmark what the opening summary adds to opening a project in the window (issue 15).

    python benchmarks/bench_opening_summary.py [--rows N] [--keep DIR]

Builds (or reuses) bench_changes.py's two-month project: October's `--rows` links reviewed,
then November's export. Opens it in an offscreen window a few times, with and without the
summary bar's part listening, and prints:

* the time `open_project` takes on the GUI thread, both ways (the difference is what the
  summary adds to opening: its computing runs on a worker thread);
* how long after opening the summary arrives, and what it says.

Figures are printed, never asserted. Target: the summary adds at most 0.3 s to opening.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))
from bench_changes import build  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from linkdesk.ui.app import application  # noqa: E402
from linkdesk.ui.main_window import MainWindow  # noqa: E402
from linkdesk.ui.preferences import Preferences  # noqa: E402

RUNS = 3


def _open(path: Path, folder: Path, summary: bool) -> tuple[float, float, str]:
    """(seconds in open_project, seconds until the summary is in, its text)."""
    app = application(offscreen=True)
    prefs = Preferences(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    prefs.set_value("scoring/automatic", "false")
    window = MainWindow(prefs)
    if not summary:
        window.project_opened.disconnect(window.reviewing.project_opened)
    window.resize(1280, 800)
    window.show()
    started = time.perf_counter()
    window.open_project(path)
    opened = time.perf_counter() - started
    window.reviewing.wait_until_ready()
    arrived = time.perf_counter() - started
    text = window.reviewing.bar.text()
    window.close()
    window.deleteLater()
    app.processEvents()
    return opened, arrived, text


def measure(path: Path, folder: Path) -> None:
    """Open the project RUNS times each way; print medians."""
    _open(path, folder, True)  # the file in the page cache, the digests kept
    without = [_open(path, folder, False)[0] for _ in range(RUNS)]
    runs = [_open(path, folder, True) for _ in range(RUNS)]
    opened = statistics.median(run[0] for run in runs)
    print(f"open_project without the summary: {statistics.median(without):.3f} s")
    print(f"open_project with the summary:    {opened:.3f} s "
          f"(adds {opened - statistics.median(without):+.3f} s)")
    print(f"summary shown after:              {statistics.median(r[1] for r in runs):.3f} s")
    print(f"  {runs[-1][2]}")


def main(argv: Sequence[str] | None = None) -> int:
    """Build the project (or reuse it) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="folder for the exports and the project")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = options.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        measure(build(folder, options.rows), Path(scratch))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
