"""Benchmark importing a few new rows into a scored large project (target: 10,000 rows into a
scored 1M-link project, imported and scored, in 5 s; issue 21).

    python benchmarks/bench_incremental.py [--rows N] [--new K] [--seed S]

Reuses ``bench_score.py``'s cached project (``benchmarks/out/score-1m.linkdesk``, built from
``generate_export.py``'s export if missing), scores a copy of it in full once (cached as
``incremental-1m.linkdesk``: the state an incremental re-score starts from), then, on a fresh
copy, imports an Ahrefs export of ``--new`` rows (``make_profile`` with another seed: new
referring domains and new links of domains already there) and re-scores as ``linkdesk import``
does. Prints the import, the re-score (incremental or full, and how many links it
recomputed), file -> scored, and the peak memory of this process. Measured, never asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench_score import SITE, build
from generate_export import DEFAULT_ROWS, OUT, ROOT

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
import exportgen

from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.scoring import rescore
from linkdesk.core.scoring.engine import forget_signals
from linkdesk.core.store import Project, transaction

TARGET_SECONDS = 5.0


def scored_base(rows: int) -> Path:
    """The cached project scored in full by this version (made once)."""
    source = build(rows, rebuild=False)
    path = OUT / source.name.replace("score-", "incremental-")
    if not path.exists() or path.stat().st_mtime < source.stat().st_mtime:
        partial = path.with_name(path.name + ".building")
        shutil.copyfile(source, partial)
        with Project.open(partial) as project:
            with transaction(project.db):
                forget_signals(project.db)  # a full score by this version, whatever was stored
            start = time.perf_counter()
            summary = rescore(project.db)
            print(f"full score of the base copy: {time.perf_counter() - start:.1f} s "
                  f"({summary.links:,} links)", flush=True)
        for backup in partial.parent.glob(partial.name + ".v*.bak"):
            backup.unlink()  # left by the schema upgrade of the copy
        path.unlink(missing_ok=True)
        partial.rename(path)
    return path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _waited() -> float | None:
    """Seconds this thread has waited for a CPU while ready to run (Linux schedstat): what
    other processes' load adds to the wall time."""
    try:
        with open("/proc/thread-self/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: prepare the projects, import and score the new rows, print figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="project links (1M)")
    parser.add_argument("--new", type=int, default=10_000, help="new rows to import (10,000)")
    parser.add_argument("--seed", type=int, default=1, help="the new rows' profile seed (1)")
    options = parser.parse_args(argv)
    base = scored_base(options.rows)
    work = OUT / "incremental-work.linkdesk"
    export = OUT / f"incremental-new-{options.new}-{options.seed}.csv"
    if not export.exists():
        exportgen.write_ahrefs(export, exportgen.make_profile(options.new, site=SITE,
                                                             seed=options.seed))
    shutil.copyfile(base, work)
    marks: list[tuple[str, float]] = []
    with Project.open(work) as project:
        cpu_start, waited_start = _cpu(), _waited()
        start = time.perf_counter()
        results = import_file(project, export, ImportOptions(site=SITE))
        imported = time.perf_counter()
        summary = rescore(project.db, progress=lambda step: marks.append(
            (step.stage, time.perf_counter())))
        scored = time.perf_counter()
        cpu = _cpu() - cpu_start
        waited_end = _waited()
    added = sum(result.links_added for result in results)
    merged = sum(result.links_merged for result in results)
    way = ("incremental" if summary.rescored_links is not None else "full")
    total = scored - start
    print(f"{options.new:,} rows ({added:,} links added, {merged:,} merged) into "
          f"{summary.links - added:,} scored links")
    print(f"import {imported - start:.2f} s, re-score {scored - imported:.2f} s ({way}, "
          f"{summary.rescored_links if summary.rescored_links is not None else summary.links:,}"
          f" links recomputed), file -> scored {total:.2f} s — "
          f"{'within' if total <= TARGET_SECONDS else 'OVER'} the {TARGET_SECONDS:.0f} s target")
    ends = [t for _, t in marks[1:]] + [scored]
    steps = ", ".join(f"{stage} from {t - imported:.2f} s, {end - t:.2f} s"
                      for (stage, t), end in zip(marks, ends, strict=True))
    print(f"re-score steps (the first starts once the scope is found): {steps}")
    print(f"CPU time of this process, import and re-score: {cpu:.2f} s (the machine is "
          f"shared: wall time above grows with its load)")
    if waited_start is not None and waited_end is not None:
        waited = waited_end - waited_start
        print(f"of file -> scored, {waited:.2f} s waiting for a CPU held by other processes: "
              f"{total - waited:.2f} s without them (load average {os.getloadavg()[0]:.1f})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MB")
    work.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
