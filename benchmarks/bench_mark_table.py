"""Benchmark `linkdesk mark PROJECT --table links FILTERS --disavow` on a 1M-link project.

    python benchmarks/bench_mark_table.py PROJECT [--code DIR] [--keep] [--filters "..."]

Copies PROJECT (e.g. /work/cache/score-1m.linkdesk, read-only) into benchmarks/out/, then
runs the command on the copy in a child process (the code of `--code DIR`, default this
checkout: run it once with another checkout's directory for a before/after) with a private
verdict library, and prints the child's wall time, CPU time (user + sys) and peak RSS, and
how many links carry a disavow mark afterwards. Default filter: `--band risky` (393,663 of
the 1M links of score-1m; `--filters "--search http"` takes every link). Run `linkdesk score`
on the project first, or the figures include re-scoring it. Figures are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when the command succeeded."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="the checkout whose linkdesk package runs the command")
    parser.add_argument("--keep", action="store_true", help="keep the marked copy")
    parser.add_argument("--filters", default="--band risky",
                        help="the command's filters, in one string (default: --band risky)")
    options = parser.parse_args(argv)
    options.filters = options.filters.split()
    OUT.mkdir(parents=True, exist_ok=True)
    copy = OUT / f"mark-{options.code.resolve().name}.linkdesk"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(options.project, copy)
    library = OUT / f"mark-{options.code.resolve().name}-library.sqlite"
    library.unlink(missing_ok=True)
    command = [sys.executable, "-m", "linkdesk.cli", "mark", str(copy), "--table", "links",
               *options.filters, "--disavow", "--reason", "bench", "--library", str(library)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(command, cwd=options.code, capture_output=True, text=True,
                         env={**os.environ, "LINKDESK_LIBRARY": str(library)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"code: {options.code.resolve()}  filters: {' '.join(options.filters)}")
    print(f"exit {run.returncode}; wall {wall:.1f} s, CPU {cpu:.1f} s, "
          f"peak RSS {after.ru_maxrss / 1024:.0f} MB")
    print(run.stdout.strip().splitlines()[0] if run.stdout.strip() else run.stderr[-2000:])
    with sqlite3.connect(copy) as db:
        marked = db.execute("SELECT count(*), count(DISTINCT reason) FROM link_marks "
                            "WHERE kind = 'disavow'").fetchone()
    print(f"link marks (disavow): {marked[0]:,}")
    for backup in OUT.glob(f"{copy.name}.v*.bak"):  # an older schema's copy, migrated
        backup.unlink()
    if not options.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
    return run.returncode


if __name__ == "__main__":
    raise SystemExit(main())
