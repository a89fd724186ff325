"""From export file(s) to a scored project, for three shapes of backlink profile (issue 21).

    python benchmarks/bench_shapes.py [--shape heavy|wide|folder] [--folder DIR]
                                      [--file-heavy PATH] [--file-wide PATH] [--keep]
                                      [--profile]

Shapes:

- ``heavy``: the 1M-row Ahrefs export of ``generate_export.py`` (heavy tail, ~109k referring
  domains), ``benchmarks/out/ahrefs-1m.csv``; generated when missing.
- ``wide``: 1M rows, almost one link per referring domain (~940k domains), made by
  ``generate_export.py --shape wide`` (``benchmarks/out/ahrefs-wide-1m.csv``) when missing.
- ``folder``: every export file in ``--folder DIR`` (e.g. the 273 real Semrush exports of
  ``../shared/corpus/semrush-273.tar.xz``, unpacked), imported with one
  ``linkdesk import PROJECT FILE...``.

For each shape, in one run: read the files once (page cache); time the sqlite3 shell loading
them raw (``sqlite3 DB ".mode csv" ".import FILE t"``, every file into one database in one shell
run); time ``linkdesk import PROJECT FILE... --quiet --no-score`` and then the first
``linkdesk score PROJECT`` (file -> scored is their sum: two processes, each starting Python and
opening the project). Each is measured in wall and CPU time (user + system, children
included), and with the summed resident memory of all its processes, sampled every 50 ms from
/proc, and each process's own peak (VmHWM). Then the ratio file -> scored / raw, and the
project's size on disk beside the files' size. Figures are printed, never asserted.
``--profile`` instead imports each shape in this process under cProfile (top 25 by own time).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench_import import (
    LINKDESK,
    Run,
    linkdesk_stats,
    profile_import,
    revision,
    run_measured,
    utf16,
    warm_cache,
)
from generate_export import DEFAULT_ROWS, OUT, ROOT, default_path, generate

SHAPES = ("heavy", "wide", "folder")
WIDE_DEFAULT = OUT / "ahrefs-wide-1m.csv"
WIDE_COMMAND = [sys.executable, str(ROOT / "benchmarks" / "generate_export.py"), "--shape", "wide"]
EXPORT_SUFFIXES = (".csv", ".gz", ".zip", ".tsv", ".txt")
SAMPLE_SECONDS = 0.05
RATIO_TARGET = 3.0
PEAK_MB_TARGET = 300.0
SIZE_RATIO_TARGET = 1.5


@dataclass(frozen=True)
class Shape:
    """One shape: its name and the export files imported together."""

    name: str
    files: list[Path]


@dataclass(frozen=True)
class Figures:
    """What one shape's run measured."""

    raw: Run | None
    imported: Run
    scored: Run
    project_bytes: int
    files_bytes: int
    stats: dict[str, object]


def heavy_files(path: Path | None) -> list[Path]:
    """The heavy-tailed 1M-row export, generated (as bench_import.py does) when missing."""
    export = (path or default_path(DEFAULT_ROWS)).resolve()
    if not export.exists():
        print(f"generating {export.name} ...", flush=True)
        generate(export, DEFAULT_ROWS)
    return [export]


def wide_files(path: Path | None) -> list[Path]:
    """The export with almost one link per domain: ``--file-wide``, or the generator's default
    file, made by ``generate_export.py --shape wide`` when missing."""
    export = (path or WIDE_DEFAULT).resolve()
    if path is None and not export.exists():
        print(f"generating {export.name}: {' '.join(WIDE_COMMAND[1:])} ...", flush=True)
        if subprocess.run(WIDE_COMMAND, cwd=ROOT).returncode:
            raise SystemExit(f"{' '.join(WIDE_COMMAND[1:])} failed: give the file with "
                             "--file-wide PATH")
    if not export.exists():
        raise SystemExit(f"{export}: no such file")
    return [export]


def folder_files(folder: Path | None) -> list[Path]:
    """Every export file under ``folder``, in name order."""
    if folder is None:
        raise SystemExit("--shape folder needs --folder DIR (a folder of real exports)")
    files = sorted(p for p in folder.rglob("*") if p.is_file()
                   and p.suffix.lower() in EXPORT_SUFFIXES)
    if not files:
        raise SystemExit(f"{folder}: no export files (*.csv, *.gz, *.zip) in it")
    return files


def raw_import(sqlite3: str, files: list[Path], database: Path) -> Run:
    """The sqlite3 shell loading every file into table ``t`` of one database, in one run.

    Files after the first append to ``t`` (their header lines become rows: it is a raw load);
    a file with other columns makes the shell warn, not stop.
    """
    commands = [".mode csv", *(f".import '{path}' t" for path in files)]
    run = run_measured([sqlite3, str(database), *commands], SAMPLE_SECONDS)
    if run.returncode:
        raise SystemExit(f"sqlite3 .import failed:\n{run.stderr[-2000:]}")
    return run


def measure(shape: Shape, work: Path) -> Figures:
    """Run the raw load, the import and the first score of one shape in ``work``."""
    for path in shape.files:
        warm_cache(path)
    sqlite3 = shutil.which("sqlite3")
    raw = None
    if sqlite3 is None:
        print("no sqlite3 shell (apt-get install sqlite3): no raw reference")
    elif any(utf16(path) for path in shape.files):
        print("UTF-16 exports: the sqlite3 shell reads only UTF-8; no raw reference")
    else:
        raw = raw_import(sqlite3, shape.files, work / "raw.db")
    project = work / f"{shape.name}.linkdesk"
    imported = _checked(run_measured(
        [*LINKDESK, "import", str(project), *map(str, shape.files), "--quiet", "--no-score"],
        SAMPLE_SECONDS,
    ), "import")
    scored = _checked(run_measured([*LINKDESK, "score", str(project)], SAMPLE_SECONDS), "score")
    project_bytes = sum(p.stat().st_size for p in work.glob(f"{project.name}*"))
    return Figures(raw, imported, scored, project_bytes,
                   sum(path.stat().st_size for path in shape.files), linkdesk_stats(project))


def _checked(run: Run, what: str) -> Run:
    # A failed file makes `linkdesk import` exit 1 while the others are imported: say so.
    if run.returncode:
        print(f"linkdesk {what} exited {run.returncode}:\n{run.stderr[-2000:]}", flush=True)
        if what != "import" or "nothing imported" not in run.stderr:
            raise SystemExit(1)
    return run


def report(shape: Shape, figures: Figures) -> None:
    """Print one shape's figures."""
    raw, imported, scored = figures.raw, figures.imported, figures.scored
    total = imported.seconds + scored.seconds
    total_cpu = imported.cpu_seconds + scored.cpu_seconds
    peak = max(imported.tree_peak_mb, scored.tree_peak_mb)
    lines = [
        ("files", f"{len(shape.files):,}", f"{figures.files_bytes / 1e6:,.1f} MB"),
        ("stats", f"{figures.stats['links']:,} links",
         f"{figures.stats['referring_domains']:,} referring domains"),
    ]
    if raw is not None:
        lines.append(("sqlite3 .import", _seconds(raw), f"peak {raw.tree_peak_mb:,.0f} MB"))
    lines += [
        ("linkdesk import", _seconds(imported), _memory(imported)),
        ("first score", _seconds(scored), _memory(scored)),
        ("file -> scored", f"{total:.2f} s", f"cpu {total_cpu:.2f} s; peak of all processes "
         f"{peak:,.0f} MB (target <= {PEAK_MB_TARGET:.0f}: {_verdict(peak, PEAK_MB_TARGET)})"),
    ]
    if raw is not None:
        ratio = total / raw.seconds
        lines.append(("ratio to raw", f"{ratio:.2f}x",
                      f"import alone {imported.seconds / raw.seconds:.2f}x; cpu "
                      f"{total_cpu / max(raw.cpu_seconds, 1e-3):.2f}x; target <= "
                      f"{RATIO_TARGET}x: {_verdict(ratio, RATIO_TARGET)}"))
    size_ratio = figures.project_bytes / figures.files_bytes
    lines.append(("project size", f"{figures.project_bytes / 1e6:,.1f} MB",
                  f"{size_ratio:.2f}x the files (target <= {SIZE_RATIO_TARGET}x: "
                  f"{_verdict(size_ratio, SIZE_RATIO_TARGET)})"))
    print(f"\n== {shape.name} ==")
    for name, value, note in lines:
        print(f"{name:<16} {value:>22}   {note}")


def _seconds(run: Run) -> str:
    return f"{run.seconds:.2f} s (cpu {run.cpu_seconds:.2f})"


def _memory(run: Run) -> str:
    each = ", ".join(f"{mb:,.0f}" for mb in run.process_peaks_mb) or "-"
    return f"peak {run.tree_peak_mb:,.0f} MB all processes; VmHWM each: {each} MB"


def _verdict(value: float, target: float) -> str:
    return "met" if value <= target else "MISSED"


def shapes_wanted(options: argparse.Namespace) -> list[Shape]:
    """The shapes this run measures, with their files (made when missing)."""
    names = [options.shape] if options.shape else [
        name for name in SHAPES if name != "folder" or options.folder is not None
    ]
    makers = {
        "heavy": lambda: heavy_files(options.file_heavy),
        "wide": lambda: wide_files(options.file_wide),
        "folder": lambda: folder_files(options.folder),
    }
    return [Shape(name, makers[name]()) for name in names]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: make the files, measure each shape, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shape", choices=SHAPES, help="measure only this shape")
    parser.add_argument("--folder", type=Path, help="a folder of real exports (shape folder)")
    parser.add_argument("--file-heavy", type=Path, help="the heavy-tailed export to use")
    parser.add_argument("--file-wide", type=Path, help="the one-link-per-domain export to use")
    parser.add_argument("--keep", action="store_true", help="keep the projects and databases")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the import of each shape in this process instead")
    options = parser.parse_args(argv)
    shapes = shapes_wanted(options)
    print(f"linkdesk {revision()} (git describe --dirty, before the runs)", flush=True)
    for shape in shapes:
        work = Path(tempfile.mkdtemp(prefix=f"linkdesk-shape-{shape.name}-", dir=OUT))
        try:
            if options.profile:
                print(f"\n== {shape.name}: profile ==")
                profile_import(shape.files, work / f"{shape.name}.linkdesk")
            else:
                report(shape, measure(shape, work))
        finally:
            if options.keep:
                print(f"kept {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
