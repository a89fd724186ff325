"""Benchmark re-scoring a large project after a weight change (target: 1M links in 10 s).

    python benchmarks/bench_score.py [--rows N] [--repeat K] [--rebuild]

Builds the project once and caches it in ``benchmarks/out/`` (git-ignored): the Ahrefs export
from ``generate_export.py`` (``make_profile`` + ``write_ahrefs``, the same file the import
benchmark uses), imported with ``linkdesk import``. Then, in this process:

1. one full ``rescore`` (signal values and scores: what an import or a change of terms costs);
2. ``--repeat`` times: change a weight (``authority`` 45 <-> 46) and time ``rescore``, which
   reuses the stored signal values and recomputes every score, band, risk level and the
   domains' roll-up.

Prints seconds and links/s against the target. The figures are measured, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from generate_export import DEFAULT_ROWS, OUT, ROOT, default_path, generate

sys.path.insert(0, str(ROOT))
from linkdesk.core.scoring import ScoreProgress, rescore, set_overrides
from linkdesk.core.scoring.engine import forget_signals
from linkdesk.core.store import Project, transaction

TARGET_SECONDS = 10.0
SITE = "acme-widgets.com"


def project_path(rows: int) -> Path:
    """Where the scored project of ``rows`` links is cached."""
    return OUT / default_path(rows).with_suffix(".linkdesk").name.replace("ahrefs-", "score-")


def build(rows: int, rebuild: bool) -> Path:
    """The cached project, imported from the cached export (both made if missing)."""
    export = default_path(rows)
    if not export.exists():
        print(f"generating {export.name} ...", flush=True)
        generate(export, rows)
    path = project_path(rows)
    if rebuild or not path.exists() or path.stat().st_mtime < export.stat().st_mtime:
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        partial = path.with_name(path.name + ".building")
        print(f"importing {export.name} into {path.name} ...", flush=True)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "linkdesk.cli", "import", partial, export, "--site", SITE,
             "--quiet"],
            check=True, cwd=ROOT,
        )
        partial.rename(path)
        print(f"  imported in {time.perf_counter() - start:.1f} s", flush=True)
    return path


def timed_rescore(project: Project, label: str) -> float:
    """Run rescore, print its steps' times, return the total seconds."""
    marks: list[tuple[str, float]] = []

    def progress(step: ScoreProgress) -> None:
        marks.append((step.stage, time.perf_counter()))

    start = time.perf_counter()
    summary = rescore(project.db, progress=progress)
    seconds = time.perf_counter() - start
    ends = [t for _, t in marks[1:]] + [start + seconds]
    steps = ", ".join(f"{stage} {end - t:.1f}" for (stage, t), end in zip(marks, ends,
                                                                          strict=True))
    print(f"{label}: {seconds:.2f} s for {summary.links:,} links "
          f"({summary.links / seconds:,.0f} links/s) [{steps}]", flush=True)
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build or reuse the project, time the re-scores, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="links (1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="weight changes to time (3)")
    parser.add_argument("--rebuild", action="store_true", help="re-import the cached project")
    options = parser.parse_args(argv)
    path = build(options.rows, options.rebuild)
    with Project.open(path) as project:
        with transaction(project.db):
            forget_signals(project.db)  # time the full path even if the cache holds scores
        timed_rescore(project, "full re-score (signals + scores)")
        times = []
        for attempt in range(options.repeat):
            with transaction(project.db):
                set_overrides(project.db, "weights", {"authority": 46 if attempt % 2 == 0
                                                      else None})
            times.append(timed_rescore(project, f"after a weight change #{attempt + 1}"))
        with transaction(project.db):
            set_overrides(project.db, "weights", {"authority": None})
    median = statistics.median(times)
    verdict = "within" if median <= TARGET_SECONDS else "OVER"
    print(f"re-score after a weight change: median {median:.2f} s, best {min(times):.2f} s "
          f"({options.rows / median:,.0f} links/s) — {verdict} the {TARGET_SECONDS:.0f} s target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
