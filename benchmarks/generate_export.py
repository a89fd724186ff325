"""Write a realistic Ahrefs backlinks export for the import benchmark.

    python benchmarks/generate_export.py [--rows N] [--shape tail|wide] [--excel] [-o PATH]

The rows come from ``tests/exportgen.py`` (`make_profile`, `write_ahrefs`): one client
site in the current 37-column Ahrefs layout. Shapes:

- ``tail`` (default): many links per referring domain, heavy-tailed as real profiles are
  (~109k referring domains in 1M rows);
- ``wide``: almost one link per referring domain (~94% of the rows from distinct
  domains, the rest the same heavy tail): a big site, or a negative-SEO attack of
  throw-away domains.

The same ``--rows`` and ``--shape`` always give a byte-identical file. Default:
1,000,000 rows to ``benchmarks/out/ahrefs-1m.csv`` (``ahrefs-wide-1m.csv`` for the wide
shape; ``benchmarks/out/`` is git-ignored).
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
# Chance that a referring domain gives a single link, per shape (see make_profile).
SHAPES = {"tail": 0.0, "wide": 0.994}

sys.path.insert(0, str(ROOT / "tests"))
import exportgen  # noqa: E402  (lives in tests/, found through the line above)


def default_path(rows: int, *, excel: bool = False, shape: str = "tail") -> Path:
    """Where the export is cached: ``benchmarks/out/ahrefs-1m.csv``, ``ahrefs-wide-1m.csv``..."""
    if rows % 1_000_000 == 0 and rows:
        size = f"{rows // 1_000_000}m"
    elif rows % 1_000 == 0 and rows:
        size = f"{rows // 1_000}k"
    else:
        size = str(rows)
    kind = "" if shape == "tail" else f"{shape}-"
    return OUT / f"ahrefs-{kind}{size}{'-excel' if excel else ''}.csv"


def generate(path: Path, rows: int, *, excel: bool = False, shape: str = "tail") -> int:
    """Write an Ahrefs export of ``rows`` rows to ``path``; return the rows written.

    The file is written beside ``path`` under a temporary name and renamed at the end,
    so an interrupted run never leaves a truncated file that later runs would reuse.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    written = exportgen.write_ahrefs(
        partial,
        exportgen.make_profile(rows, site=SITE, seed=SEED, single_share=SHAPES[shape]),
        excel=excel,
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
    parser.add_argument(
        "--shape", choices=sorted(SHAPES), default="tail",
        help="tail: many links per referring domain (default); wide: about one each",
    )
    parser.add_argument("-o", "--output", type=Path, help="file to write (benchmarks/out/...)")
    options = parser.parse_args(argv)
    if options.rows < 0:
        parser.error("--rows must be >= 0")
    path = options.output or default_path(
        options.rows, excel=options.excel, shape=options.shape
    )
    start = time.perf_counter()
    rows = generate(path, options.rows, excel=options.excel, shape=options.shape)
    seconds = time.perf_counter() - start
    size = path.stat().st_size / 1e6
    print(f"{path}: {rows:,} rows, {size:,.1f} MB in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
