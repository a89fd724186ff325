"""Write a realistic Ahrefs backlinks export for the import benchmark.

    python benchmarks/generate_export.py [--rows N] [--excel] [-o PATH]

The rows come from ``tests/exportgen.py`` (`make_profile`, `write_ahrefs`): one client
site, many links per referring domain (heavy-tailed, as real profiles are), the current
37-column Ahrefs layout. The same ``--rows`` always gives a byte-identical file.
Default: 1,000,000 rows to ``benchmarks/out/ahrefs-1m.csv`` (``benchmarks/out/`` is
git-ignored).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
DEFAULT_ROWS = 1_000_000
SITE = "acme-widgets.com"
SEED = 0

sys.path.insert(0, str(ROOT / "tests"))
import exportgen  # noqa: E402  (lives in tests/, found through the line above)


def default_path(rows: int, *, excel: bool = False) -> Path:
    """Where the export of ``rows`` rows is cached: ``benchmarks/out/ahrefs-1m.csv`` etc."""
    if rows % 1_000_000 == 0 and rows:
        size = f"{rows // 1_000_000}m"
    elif rows % 1_000 == 0 and rows:
        size = f"{rows // 1_000}k"
    else:
        size = str(rows)
    return OUT / f"ahrefs-{size}{'-excel' if excel else ''}.csv"


def generate(path: Path, rows: int, *, excel: bool = False) -> int:
    """Write an Ahrefs export of ``rows`` rows to ``path``; return the rows written.

    The file is written beside ``path`` under a temporary name and renamed at the end,
    so an interrupted run never leaves a truncated file that later runs would reuse.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    written = exportgen.write_ahrefs(
        partial, exportgen.make_profile(rows, site=SITE, seed=SEED), excel=excel
    )
    os.replace(partial, path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: parse the options, write the file, say how big it is."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="data rows (1,000,000)")
    parser.add_argument(
        "--excel", action="store_true", help='the "for Excel" variant: UTF-16LE, tabs, CRLF'
    )
    parser.add_argument("-o", "--output", type=Path, help="file to write (benchmarks/out/...)")
    options = parser.parse_args(argv)
    if options.rows < 0:
        parser.error("--rows must be >= 0")
    path = options.output or default_path(options.rows, excel=options.excel)
    start = time.perf_counter()
    rows = generate(path, options.rows, excel=options.excel)
    seconds = time.perf_counter() - start
    size = path.stat().st_size / 1e6
    print(f"{path}: {rows:,} rows, {size:,.1f} MB in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
