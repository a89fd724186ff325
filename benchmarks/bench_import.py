"""Benchmark `linkdesk import` of a large Ahrefs export against the sqlite3 shell's `.import`.

    python benchmarks/bench_import.py [--rows N] [--file PATH] [--keep] [--profile]

In one run: generate the export if it is not cached in ``benchmarks/out/``; read it once
so both loaders find it in the page cache; time the ``sqlite3`` command-line shell loading
it raw (``.mode csv``, ``.import FILE t``) into a fresh database file; time
``linkdesk import PROJECT FILE --quiet`` into a fresh project, with the child's peak RSS
(from ``os.wait4``); then print rows/s, the time ratio and the peak memory against the
targets (ratio <= 2.0x, peak <= 300 MB; 1 MB = 10^6 bytes), and check the project with
``linkdesk stats --json``. The figures are measured and printed, never asserted.

``--profile`` instead imports in this process under cProfile and prints the 25
functions with the most own time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generate_export import DEFAULT_ROWS, ROOT, default_path, generate

RATIO_TARGET = 2.0
PEAK_MB_TARGET = 300.0
ROWS_READ = re.compile(r"([\d,]+) rows read")
LINKDESK = [sys.executable, "-m", "linkdesk.cli"]


@dataclass(frozen=True)
class Run:
    """One finished child process: wall time, peak RSS, exit status and output."""

    seconds: float
    peak_mb: float
    returncode: int
    tree_peak_mb: float  # sampled sum over the process and its children (a second process)
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0  # user + system, the child's own children included
    process_peaks_mb: tuple[float, ...] = ()  # each sampled process's VmHWM, first seen first


def run_measured(command: list[str], interval: float = 0.02) -> Run:
    """Run ``command`` to the end; measure its wall time, CPU time and peak resident memory.

    ``os.wait4`` gives the resource usage of exactly this child (``ru_maxrss``, in KiB
    on Linux), unlike ``RUSAGE_CHILDREN``, which keeps the maximum over all children. Its
    CPU times include the child's own children that it waited for (the second process).
    The process tree is sampled every ``interval`` seconds.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT)
        sampler = TreeMemorySampler(child.pid, interval)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        sampler.stop()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            usage.ru_maxrss * 1024 / 1e6,
            child.returncode,
            sampler.peak_kb * 1024 / 1e6,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            usage.ru_utime + usage.ru_stime,
            tuple(kb * 1024 / 1e6 for kb in sampler.high_water_kb.values()),
        )


class TreeMemorySampler:
    """Samples the summed resident memory of a process and its descendants (every 20 ms).

    A big import stages half the file in a second process, whose memory counts too; `wait4`
    sees only the one process. Each process's own peak (VmHWM) is kept as last sampled.
    """

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.high_water_kb: dict[int, int] = {}  # pid -> VmHWM
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling."""
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(self.interval):
            total = 0
            for pid in _tree(self.pid):
                rss, high_water = _memory_kb(pid)
                total += rss
                if high_water:
                    self.high_water_kb[pid] = max(self.high_water_kb.get(pid, 0), high_water)
            self.peak_kb = max(self.peak_kb, total)


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """A process's resident memory now and its peak so far (VmRSS, VmHWM; 0 once gone)."""
    found = {"VmRSS:": 0, "VmHWM:": 0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line[:6]
            if key in found:
                found[key] = int(line.split()[1])
    except OSError:
        pass
    return found["VmRSS:"], found["VmHWM:"]


def warm_cache(path: Path) -> None:
    """Read the whole file once so neither loader pays for the first read from disk."""
    with path.open("rb") as handle:
        while handle.read(1 << 20):
            pass


def utf16(path: Path) -> bool:
    """Whether the file starts with a UTF-16 byte-order mark (an Ahrefs "for Excel" export)."""
    with path.open("rb") as handle:
        return handle.read(2) in (b"\xff\xfe", b"\xfe\xff")


def sqlite_import(sqlite3: str, export: Path, database: Path) -> tuple[Run, int]:
    """Time the shell's raw CSV load of ``export`` into table ``t``; return it and the rows."""
    run = run_measured([sqlite3, str(database), ".mode csv", f".import '{export}' t"])
    if run.returncode or run.stderr.strip():
        raise SystemExit(f"sqlite3 .import failed:\n{run.stderr}")
    count = subprocess.run(
        [sqlite3, str(database), "SELECT count(*) FROM t"],
        capture_output=True,
        text=True,
        check=True,
    )
    return run, int(count.stdout)


def linkdesk_import(export: Path, project: Path) -> Run:
    """Time ``linkdesk import PROJECT EXPORT --quiet --no-score`` into a new project.

    Scoring is derived data computed after the import (its own benchmark is bench_score.py);
    the import itself is what the ratio against the sqlite3 shell measures.
    """
    run = run_measured([*LINKDESK, "import", str(project), str(export), "--quiet", "--no-score"])
    if run.returncode:
        raise SystemExit(f"linkdesk import failed ({run.returncode}):\n{run.stdout}{run.stderr}")
    return run


def linkdesk_score(project: Path) -> Run:
    """Time the first ``linkdesk score PROJECT`` after the import (every signal computed)."""
    run = run_measured([*LINKDESK, "score", str(project)])
    if run.returncode:
        raise SystemExit(f"linkdesk score failed ({run.returncode}):\n{run.stdout}{run.stderr}")
    return run


def linkdesk_stats(project: Path) -> dict[str, object]:
    """The project's counts, from ``linkdesk stats PROJECT --json``."""
    done = subprocess.run(
        [*LINKDESK, "stats", str(project), "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    stats: dict[str, object] = json.loads(done.stdout)
    return stats


def profile_import(exports: Sequence[Path], project: Path) -> None:
    """Import ``exports`` (in batches, as ``linkdesk import`` does) in this process under
    cProfile; print the top 25 by own time."""
    sys.path.insert(0, str(ROOT))
    from linkdesk.core.importers.batches import FileOutcome, import_files
    from linkdesk.core.store import Project

    outcomes: list[FileOutcome] = []
    profiler = cProfile.Profile()
    with Project.open(project) as opened:
        start = time.perf_counter()
        profiler.enable()
        import_files(opened, exports, done=outcomes.append)
        profiler.disable()
        seconds = time.perf_counter() - start
    rows = sum(result.rows_read for outcome in outcomes for result in outcome.results)
    print(f"profiled import: {rows:,} rows from {len(exports):,} files in {seconds:.1f} s "
          "(with profiler overhead)\n")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def revision() -> str:
    """The checked-out commit, ``-dirty`` when the work tree has changes (``?`` without git)."""
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return done.stdout.strip()


def verdict(value: float, target: float) -> str:
    """``met`` or ``MISSED`` for a lower-is-better figure."""
    return "met" if value <= target else "MISSED"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: make sure the export exists, run both loaders, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows (1,000,000)")
    parser.add_argument("--file", type=Path, help="export to load (generated if missing)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary project and database"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the import instead")
    options = parser.parse_args(argv)
    export: Path = (options.file or default_path(options.rows)).resolve()
    if not export.exists():
        print(f"generating {export.name} ({options.rows:,} rows) ...", flush=True)
        generate(export, options.rows)
    tree = revision()
    work = Path(tempfile.mkdtemp(prefix="linkdesk-bench-"))
    project = work / "bench.linkdesk"
    try:
        warm_cache(export)
        if options.profile:
            profile_import([export], project)
            return 0
        sqlite3 = shutil.which("sqlite3")
        raw: Run | None = None
        rows: int | None = None
        if sqlite3 is None:
            print("no sqlite3 shell (apt-get install sqlite3): skipping the ratio")
        elif utf16(export):
            print("UTF-16 export: the sqlite3 shell reads only UTF-8; skipping the ratio")
        else:
            raw, rows = sqlite_import(sqlite3, export, work / "raw.db")
        ours = linkdesk_import(export, project)
        if rows is None:
            read = ROWS_READ.findall(ours.stdout)
            rows = sum(int(n.replace(",", "")) for n in read) if read else options.rows
        scored = linkdesk_score(project)
        stats = linkdesk_stats(project)
        report(export, rows, raw, ours, stats, tree)
        print(f"{'then scoring':<16} {scored.seconds:>14.2f} s   first full score, "
              f"peak {scored.peak_mb:,.0f} MB (not part of the ratio)")
    finally:
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def report(
    export: Path,
    rows: int,
    raw: Run | None,
    ours: Run,
    stats: dict[str, object],
    tree: str,
) -> None:
    """Print the figures of one run as a small table."""
    size = export.stat().st_size / 1e6
    lines = [
        ("linkdesk", tree, "git describe --dirty, before the runs"),
        ("rows", f"{rows:,}", ""),
        ("export file", f"{size:,.1f} MB", _shown(export)),
    ]
    if raw is not None:
        lines.append(("sqlite3 .import", f"{raw.seconds:.2f} s", f"peak {raw.peak_mb:,.0f} MB"))
    lines.append(("linkdesk import", f"{ours.seconds:.2f} s", f"{rows / ours.seconds:,.0f} rows/s"))
    if raw is not None:
        ratio = ours.seconds / raw.seconds
        lines.append(
            (
                "ratio",
                f"{ratio:.2f}x",
                f"target <= {RATIO_TARGET}x: " + verdict(ratio, RATIO_TARGET),
            )
        )
    lines.append(
        (
            "peak memory",
            f"{ours.peak_mb:,.0f} MB",
            f"target <= {PEAK_MB_TARGET:.0f} MB: " + verdict(ours.peak_mb, PEAK_MB_TARGET)
            + " (import process)",
        )
    )
    lines.append(
        (
            "peak, all procs",
            f"{ours.tree_peak_mb:,.0f} MB",
            f"target <= {PEAK_MB_TARGET:.0f} MB: " + verdict(ours.tree_peak_mb, PEAK_MB_TARGET)
            + " (with the second process; sampled)",
        )
    )
    lines.append(
        ("stats", f"{stats['links']:,} links", f"{stats['referring_domains']:,} referring domains")
    )
    for name, value, note in lines:
        print(f"{name:<16} {value:>16}   {note}")
    for line in ours.stdout.strip().splitlines():
        print(f"  {line}")


def _shown(path: Path) -> str:
    """``path`` relative to the repository when it lies inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


if __name__ == "__main__":
    raise SystemExit(main())
