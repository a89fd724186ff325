"""CPU and wall time of each step of a project's first full score, and digests of what it stores.

    python benchmarks/bench_score_steps.py PROJECT.linkdesk [--digest]

Copies the scored project into ``benchmarks/out/`` (git-ignored; the original is only read),
forgets its signal values (`engine.forget_signals`) and re-scores it, printing each step's
wall and CPU seconds (CPU: user + system of this process and of the children it reaped: the
titles step carries the second scoring process's, scoring/scanhelper.py; beside it this
process's own, the critical path on an idle machine),
the total CPU and the process's peak memory (VmHWM). With ``--digest`` it also prints a digest
of every row of the score tables and of the scoring state (without its time stamp): two
versions of the scoring code store exactly the same results when the digests are equal.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import sys
import time
from pathlib import Path

from generate_export import OUT, ROOT

sys.path.insert(0, str(ROOT))
from linkdesk.core.scoring import ScoreProgress, rescore
from linkdesk.core.scoring.engine import forget_signals, read_state

TABLES = {"link_features": "link_id", "link_scores": "link_id", "domain_scores": "id",
          "network_keys": "id", "anchor_texts": "id"}


def digests(db: sqlite3.Connection) -> dict[str, str]:
    """Per score table, its row count and a digest of its rows in key order."""
    found = {}
    for table, key in TABLES.items():
        digest = hashlib.sha256()
        count = 0
        for row in db.execute(f"SELECT * FROM {table} ORDER BY {key}"):
            digest.update(repr(row).encode())
            count += 1
        found[table] = f"{count}:{digest.hexdigest()[:16]}"
    state = read_state(db)
    state.get("scores", {}).pop("scored_at", None)
    found["scoring_state"] = hashlib.sha256(
        json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]
    return found


def cpu_time() -> float:
    """User + system CPU seconds of this process and its reaped children."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--digest", action="store_true", help="print the stored results' digests")
    args = parser.parse_args()
    copy = OUT / "score-steps.linkdesk"
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copy(args.project, copy)
    db = sqlite3.connect(copy, isolation_level=None)
    forget_signals(db)
    marks = [("open", time.perf_counter(), cpu_time(), time.process_time())]
    cpu: list[float] = []

    def progress(step: ScoreProgress) -> None:
        name, wall, started, own = marks[-1]
        now, spent, own_now = time.perf_counter(), cpu_time(), time.process_time()
        print(f"{name:14s} {now - wall:7.2f} s  cpu {spent - started:6.2f}  "
              f"(this process {own_now - own:6.2f})", flush=True)
        cpu.append(spent - started)
        marks.append((step.stage, now, spent, own_now))

    rescore(db, progress=progress)
    progress(ScoreProgress("end", 0, 0))
    print(f"total cpu (steps) {sum(cpu[1:]):.2f}, wall {marks[-1][1] - marks[1][1]:.2f} s")
    with open("/proc/self/status", encoding="ascii") as status:
        print(next(line.strip() for line in status if line.startswith("VmHWM")))
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak of a child process: {child_peak} kB")
    if args.digest:
        print(json.dumps(digests(db), indent=1))
    db.close()


if __name__ == "__main__":
    main()
