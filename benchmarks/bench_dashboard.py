"""Benchmark the Dashboard tab on a big scored project: each chart's query, then the window.

    python benchmarks/bench_dashboard.py [--project PATH] [--rows N] [--runs 3]

Uses a scored project: by default a copy of ``benchmarks/out/score-1m.linkdesk`` (the scoring
benchmark's 1M-link project; the copy goes to a temporary folder, the cached file is never
changed). Without it, a project of ``--rows`` links is imported from the import benchmark's
export (``generate_export.py``) into the temporary folder. The copy gets the table indexes
and, if its scores are out of date, a re-score (both timed, one-off costs). Then:

* every section of ``core.profile.profile_sections`` (SQL and numpy), without filters and
  under a few filter sets, on one connection;
* a ``DashboardView`` offscreen (1388x800, the tab's size in a 1400x900 window): seconds from
  ``refresh()`` until the map is drawn and until every chart is drawn, and the longest single
  step of the GUI thread meanwhile (what a user would feel as a freeze);
* the map with every domain: seconds to set and paint its points, and a frame of pan or zoom.

Figures are printed, never asserted. Target: the dashboard of 1M links / 100k domains renders
within 1.5 s and pans and zooms smoothly. The machine is shared: compare figures of one run
rather than across runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_export import OUT, SITE, default_path, generate

from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.profile import SECTIONS, profile_sections
from linkdesk.core.scoring import rescore, scores_current
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, Follow, ensure_table_indexes

CACHED = OUT / "score-1m.linkdesk"
FILTER_SETS = {
    "no filters": Filters(),
    "search 'forum'": Filters(search="forum"),
    "band risky": Filters(band=0),
    "dofollow": Filters(follow=Follow.DOFOLLOW),
    "vendor ahrefs": Filters(vendor="ahrefs"),  # every link of this project
    # A filter only `links` can answer that keeps every link: the slowest case.
    "search 'https'": Filters(search="https"),
}


def prepare(folder: Path, project: Path | None, rows: int) -> Path:
    """A scored project with table indexes in `folder` (a copy, or imported there)."""
    source = project or (CACHED if CACHED.exists() else None)
    path = folder / "dashboard.linkdesk"
    if source is not None:
        print(f"copying {source} …", flush=True)
        shutil.copyfile(source, path)
    else:
        export = default_path(rows)
        if not export.exists():
            print(f"writing {export.name} …", flush=True)
            generate(export, rows)
        print(f"importing {export.name} ({rows:,} rows) …", flush=True)
        with Project.open(path) as opened:
            import_file(opened, export, ImportOptions(site=SITE))
    with Project.open(path) as opened:
        started = time.perf_counter()
        built = ensure_table_indexes(opened.db)
        print(f"table indexes: {built} built in {time.perf_counter() - started:.1f} s")
        if not scores_current(opened.db):
            started = time.perf_counter()
            rescore(opened.db)
            print(f"re-scored in {time.perf_counter() - started:.1f} s (scores were stale)")
        links = opened.db.execute("SELECT count(*) FROM links").fetchone()[0]
        domains = opened.db.execute("SELECT count(*) FROM referring_domains").fetchone()[0]
    print(f"project: {links:,} links, {domains:,} referring domains, "
          f"{path.stat().st_size / 1e6:.0f} MB; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")
    return path


def bench_sections(path: Path, runs: int) -> None:
    """Median seconds of each section under each filter set."""
    print("\nSections (core.profile, one connection, median of runs; seconds)")
    print(f"{'filters':16}" + "".join(f"{name:>11}" for name in SECTIONS) + f"{'total':>9}")
    with Project.open(path, create=False) as project:
        for label, filters in FILTER_SETS.items():
            times: dict[str, list[float]] = {name: [] for name in SECTIONS}
            totals = []
            for _ in range(runs):
                started = last = time.perf_counter()
                for name, _data in profile_sections(project.db, filters):
                    now = time.perf_counter()
                    times[name].append(now - last)
                    last = now
                totals.append(last - started)
            cells = "".join(f"{statistics.median(times[name]):11.3f}" for name in SECTIONS)
            print(f"{label:16}{cells}{statistics.median(totals):9.3f}", flush=True)


def pan_and_zoom(plot: object, app: object) -> float:
    """Median seconds to move or zoom the map's view one step and repaint it."""
    box = plot.getPlotItem().getViewBox()  # type: ignore[attr-defined]
    frames = []
    for step in range(40):
        started = time.perf_counter()
        if step % 2:
            box.translateBy(x=0.05, y=1.0)
        else:
            factor = 0.9 if step < 20 else 1.1
            box.scaleBy((factor, factor))
        plot.repaint()  # type: ignore[attr-defined]
        app.processEvents()  # type: ignore[attr-defined]
        frames.append(time.perf_counter() - started)
    return statistics.median(frames)


def bench_view(path: Path, runs: int) -> None:
    """Seconds from refresh() to the map drawn and to every chart drawn, offscreen."""
    from PySide6.QtWidgets import QApplication

    from linkdesk.ui.dashboard import DashboardView

    app = QApplication.instance() or QApplication(sys.argv[:1])
    print("\nDashboardView offscreen, 1388x800 (seconds; median of runs)")
    print(f"{'filters':16}{'map drawn':>11}{'balance':>11}{'all drawn':>11}"
          f"{'longest GUI step':>18}")
    with Project.open(path, create=False) as project:
        view = DashboardView()
        view.resize(1388, 800)
        view.set_project(project)
        view.show()
        app.processEvents()
        drawn: dict[str, float] = {}
        view.section_drawn.connect(lambda name: drawn.setdefault(name, time.perf_counter()))
        for label, filters in FILTER_SETS.items():
            firsts, balances, alls, steps = [], [], [], []
            for _ in range(runs):
                drawn.clear()
                longest = 0.0
                started = time.perf_counter()
                view.refresh(filters)
                while view.busy():
                    step = time.perf_counter()
                    app.processEvents()
                    longest = max(longest, time.perf_counter() - step)
                    time.sleep(0.002)
                view.repaint()
                alls.append(time.perf_counter() - started)
                firsts.append(drawn.get("map", started) - started)
                balances.append(drawn.get("balance", started) - started)
                steps.append(longest)
                assert not view.error, view.error
            print(f"{label:16}{statistics.median(firsts):11.2f}"
                  f"{statistics.median(balances):11.2f}{statistics.median(alls):11.2f}"
                  f"{statistics.median(steps):18.3f}", flush=True)
        view.refresh(Filters())  # every domain on the map for the last two figures
        while view.busy():
            app.processEvents()
            time.sleep(0.002)
        points = len(view.map.points) if view.map.points is not None else 0
        started = time.perf_counter()
        view.map.set_points(view.map.points)
        view.map.repaint()
        print(f"map alone: {points:,} points set and painted in "
              f"{time.perf_counter() - started:.3f} s")
        print(f"map pan and zoom: {pan_and_zoom(view.map, app) * 1000:.1f} ms a frame "
              "(median of 40 steps, range changed and repainted)")
        view.shutdown()


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare the project, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--project", type=Path, help="a project to copy (default: the cached "
                        "1M scored project, else one imported from the export)")
    parser.add_argument("--rows", type=int, default=100_000,
                        help="links to import when there is no project to copy (100,000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (3)")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = prepare(Path(folder), options.project, options.rows)
        bench_sections(path, options.runs)
        bench_view(path, options.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
