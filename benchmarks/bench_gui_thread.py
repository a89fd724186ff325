"""How long the GUI thread is held by Mark by Rule's preview, the report's charts and closing.

    python benchmarks/bench_gui_thread.py [--project PATH] [--skip rule,report,close]
                                         [--code CHECKOUT]

Drives a real `MainWindow` offscreen on a copy of a big scored project (by default the scoring
benchmark's 1M-link project, ``benchmarks/out/score-1m.linkdesk``, else the cached one in
/work/cache; the copy goes to ``benchmarks/out/``, is re-scored there if its scores are stale
and kept for the next run as ``gui-thread.linkdesk``). A `QTimer` on the GUI thread ticks
every 5 ms: the longest gap between two ticks is the longest time the window could not
answer (what a user feels as a freeze). Each figure is printed with its wall time and the
process's CPU time (every thread), never asserted:

* Mark by Rule: from Preview… in the rule dialog until the Mark dialog shows its preview
  (the default rule on domains and on links, and a wide one: any risk, quality below 50);
* the client report (PDF): from Export until the file is written, and the chart work on
  the GUI thread (its pieces: a chart each before, a step each now);
* closing: opening another project, and closing the window, while the project is idle,
  right after it opened (its tables, dashboard and summary still being read on workers) and
  during a re-score; then how long the cancelled readers ran on, no longer waited for.

`--code CHECKOUT` runs another checkout's `linkdesk` (e.g. main, for a before/after in the same
run; by default this one's).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, sys.argv[sys.argv.index("--code") + 1] if "--code" in sys.argv[:-1]
                else str(Path(__file__).resolve().parents[1]))  # whose `linkdesk` runs

from generate_export import OUT

from linkdesk.core.scoring import rescore, scores_current
from linkdesk.core.store import Project
from linkdesk.core.tables import ensure_table_indexes

CACHED = (OUT / "score-1m.linkdesk", Path("/work/cache/score-1m.linkdesk"))
WORKING = OUT / "gui-thread.linkdesk"
TICK_MS = 5


class Heartbeat:
    """Ticks on the GUI thread; `longest` is the longest gap between two ticks (seconds)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.longest = 0.0
        self._last = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def start(self) -> None:
        """Start measuring afresh."""
        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        """Stop; the longest gap, counting the one up to now."""
        self._tick()
        self.timer.stop()
        return self.longest


def prepare(source: Path | None) -> Path:
    """The working copy: scored, with the tables' sort indexes."""
    if not WORKING.exists():
        found = source or next((path for path in CACHED if path.exists()), None)
        if found is None:
            raise SystemExit("no scored project: run bench_score.py, or pass --project")
        print(f"copying {found} …", flush=True)
        OUT.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(found, WORKING)
    with Project.open(WORKING) as project:
        ensure_table_indexes(project.db)
        if not scores_current(project.db):
            print("re-scoring the copy (its scores are stale) …", flush=True)
            rescore(project.db)
        links, domains = (project.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                          for table in ("links", "referring_domains"))
    for leftover in WORKING.parent.glob(f"{WORKING.name}.v*.bak"):
        leftover.unlink()  # the migration's backup: a copy of a copy
    print(f"project: {links:,} links, {domains:,} referring domains, "
          f"{WORKING.stat().st_size / 1e6:.0f} MB; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs")
    return WORKING


def measured(label: str, action: Callable[[], object], done: Callable[[], bool],
             beat: Heartbeat, timeout: float = 600.0) -> float:
    """Run `action` from the event loop, wait for `done()`; print wall, CPU, longest gap."""
    from PySide6.QtCore import QCoreApplication, QTimer

    app = QCoreApplication.instance()
    assert app is not None
    beat.start()
    cpu = time.process_time()
    started = time.perf_counter()
    QTimer.singleShot(0, action)
    while not done():
        app.processEvents()
        time.sleep(0.001)
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"{label}: not done after {timeout:.0f} s")
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    longest = beat.stop()
    print(f"{label:<52}{wall:8.2f} s{cpu:8.2f} s{longest:9.3f} s", flush=True)
    return longest


def settle(seconds: float = 0.5) -> None:
    """Let the event loop run a while (queued deletions, finished workers)."""
    from PySide6.QtCore import QCoreApplication

    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QCoreApplication.processEvents()
        time.sleep(0.005)


def lingering() -> None:
    """How long the cancelled readers of the closed project run on (the process cannot end
    before they have), where they are no longer waited for."""
    try:
        from linkdesk.ui.workers.job import retired_running, wait_for_retired
    except ImportError:  # before: every reader was waited for
        return
    running = retired_running()
    started = time.perf_counter()
    wait_for_retired()
    print(f"  then {running} cancelled readers ended within "
          f"{time.perf_counter() - started:.2f} s (off the GUI thread)")


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare the project, drive the window, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--project", type=Path, help="a scored project to copy")
    parser.add_argument("--skip", default="", help="comma-separated: rule, report, close")
    parser.add_argument("--code", help="the checkout whose linkdesk to run (default: this)")
    options = parser.parse_args(argv)
    skip = set(filter(None, options.skip.split(",")))
    path = prepare(options.project)

    from PySide6.QtCore import QSettings

    import linkdesk
    from linkdesk.ui.app import application
    from linkdesk.ui.dialogs.mark_dialog import MarkDialog
    from linkdesk.ui.main_window import MainWindow
    from linkdesk.ui.preferences import Preferences

    print(f"code: {Path(linkdesk.__file__).parent}")
    app = application(offscreen=True)
    beat = Heartbeat()
    with tempfile.TemporaryDirectory() as folder:
        prefs = Preferences(QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat))
        prefs.set_value("scoring/automatic", "false")
        window = MainWindow(prefs)
        window.resize(1400, 900)
        window.show()
        app.processEvents()
        print(f"\n{'':<52}{'wall':>10}{'CPU':>10}{'longest gap':>11}")

        def opened() -> bool:
            return (window.project is not None and window.project.path == path
                    and not window.workspace.loading() and window.jobs.score_job is None)

        measured("open the project (until its tables are read)",
                 lambda: window.open_project(path), opened, beat)
        settle(3.0)  # the dashboard and the opening summary finish on their workers

        if "rule" not in skip:
            def mark_dialog() -> MarkDialog | None:
                found = [d for d in window.findChildren(MarkDialog) if d.isVisible()]
                return found[-1] if found else None

            def previewed() -> bool:
                dialog = mark_dialog()
                text = dialog.preview.toPlainText() if dialog is not None else ""
                return bool(text) and not text.startswith("Working out")  # planned

            for label, level, risk, quality in (
                    ("risky domains (default rule)", 0, None, None),
                    ("domains of any risk, quality below 50", 0, 0, 50.0),
                    ("risky links (default scores)", 1, None, None)):
                rule = window.marking.mark_by_rule()
                assert rule is not None
                rule.level.setCurrentIndex(level)
                if risk is not None:
                    rule.risk.setCurrentIndex(risk)
                if quality is not None:
                    rule.quality.setValue(quality)
                measured(f"Mark by Rule preview: {label}", rule.accept, previewed, beat)
                dialog = mark_dialog()
                assert dialog is not None
                print(f"  {dialog.what.text()}")
                dialog.reject()
                settle()

        if "report" not in skip:
            from linkdesk.ui.report import export as report_export

            charting: list[float] = []  # seconds of each piece of chart work on the GUI thread

            def timed(real: Callable[..., object]) -> Callable[..., object]:
                def run(*args: object) -> object:
                    started = time.perf_counter()
                    try:
                        return real(*args)
                    finally:
                        charting.append(time.perf_counter() - started)
                return run

            stepped = hasattr(report_export, "drawing_steps")
            if stepped:  # this branch: each step of each chart, one per turn
                real_steps = report_export.drawing_steps

                def steps(profile: object) -> object:
                    inner = real_steps(profile)  # type: ignore[arg-type]
                    take = timed(lambda: next(inner, None))
                    while (step := take()) is not None:
                        yield step

                report_export.drawing_steps = steps  # type: ignore[assignment]
            else:  # before: one chart per turn
                real_chart = report_export.chart_image  # type: ignore[attr-defined]
                report_export.chart_image = timed(real_chart)  # type: ignore[attr-defined]
            written: list[object] = []
            window.report_export.ask_to_open = False
            window.report_export.finished.connect(written.append)
            pdf = Path(folder) / "report.pdf"
            measured("client report (PDF), export to file written",
                     lambda: window.report_export.export(pdf), lambda: bool(written), beat)
            print(f"  chart work on the GUI thread: {sum(charting):.2f} s in "
                  f"{len(charting)} pieces, the longest {max(charting, default=0):.3f} s; "
                  f"{pdf.stat().st_size / 1e6:.2f} MB")
            if stepped:
                report_export.drawing_steps = real_steps  # type: ignore[assignment]
            else:
                report_export.chart_image = real_chart  # type: ignore[attr-defined]
            settle()

        if "close" not in skip:
            other = Path(folder) / "other.linkdesk"
            Project.open(other).close()

            def on_other() -> bool:
                return window.project is not None and window.project.path == other

            def reopened() -> MainWindow:
                """A new window on the big project (the last one was closed)."""
                shown = MainWindow(prefs)
                shown.show()
                shown.open_project(path)
                return shown

            measured("open another project (the big one idle)",
                     lambda: window.open_project(other), on_other, beat)
            lingering()
            measured("open the big project again", lambda: window.open_project(path),
                     opened, beat)
            measured("open another project right after (big one still read)",
                     lambda: window.open_project(other), on_other, beat)
            lingering()
            window.open_project(path)
            settle(3.0)
            measured("close the window (idle)", window.close,
                     lambda: not window.isVisible(), beat)
            lingering()
            window = reopened()
            measured("close the window right after opening", window.close,
                     lambda: not window.isVisible(), beat)
            lingering()
            window = reopened()
            settle(3.0)
            window.jobs.rescore()
            settle(2.0)
            wal = Path(f"{path}-wal")
            print(f"  (WAL {wal.stat().st_size / 1e6 if wal.exists() else 0:.1f} MB)")
            measured("close the window during a re-score", window.close,
                     lambda: not window.isVisible(), beat)
            lingering()
        window.close()  # a loader still running as the process ends would abort it
        settle()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
