"""Where a project's bytes go: bytes per table and per index, beside the size of its CSVs.

    python benchmarks/bench_size.py PROJECT [CSV_OR_FOLDER ...]

Reads SQLite's `dbstat` virtual table (page bytes of every table and index, free pages
included), and prints one line per table or index: bytes, % of the file, and, when the
exports are given (files or folders of them), the ratio to their total size. The window's
sort indexes (core/tables/indexes.py: built in the background when a project first opens in
the window) are summed on a line of their own. The target (issue 21): a project <= 1.5x its
CSVs.
Read-only: the project is opened with `mode=ro`.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linkdesk.core.tables.indexes import TABLE_INDEXES

TARGET_RATIO = 1.5
MB = 1_000_000


def export_bytes(paths: list[Path]) -> int:
    """The total size of the export files given (folders: every file under them)."""
    total = 0
    for path in paths:
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
        total += sum(p.stat().st_size for p in files)
    return total


def object_sizes(project: Path) -> tuple[list[tuple[str, str, str, int]], int, int]:
    """(name, type, table, bytes) per table and index, the file's page bytes and free bytes."""
    db = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    try:
        kinds = {
            name: (kind, table)
            for name, kind, table in db.execute("SELECT name, type, tbl_name FROM sqlite_schema")
        }
        rows = db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        free = db.execute("PRAGMA freelist_count").fetchone()[0]
    finally:
        db.close()
    sizes = []
    for name, size in rows:
        kind, table = kinds.get(name, ("table", name))  # sqlite_schema itself
        sizes.append((name, kind, table, size))
    return sizes, pages * page_size, free * page_size


def is_sort_index(name: str) -> bool:
    """An index the window builds lazily to sort a column (core/tables/indexes.py)."""
    return name in TABLE_INDEXES


def report(project: Path, exports: list[Path]) -> str:
    """The table of sizes, as text."""
    sizes, file_bytes, free_bytes = object_sizes(project)
    csv_bytes = export_bytes(exports)
    lazy = [s for s in sizes if s[1] == "index" and is_sort_index(s[0])]
    shown = [s for s in sizes if not (s[1] == "index" and is_sort_index(s[0]))]
    shown.sort(key=lambda s: -s[3])
    lines = [f"{'object':<34} {'type':<6} {'MB':>9} {'% file':>7}"
             + (f" {'x CSVs':>7}" if csv_bytes else "")]

    def line(name: str, kind: str, size: int) -> str:
        text = f"{name:<34} {kind:<6} {size / MB:>9.1f} {100 * size / file_bytes:>6.1f}%"
        return text + (f" {size / csv_bytes:>7.3f}" if csv_bytes else "")

    for name, kind, _, size in shown:
        if size >= 64 * 1024 or size / file_bytes >= 0.001:
            lines.append(line(name, kind, size))
    small = sum(s[3] for s in shown if not (s[3] >= 64 * 1024 or s[3] / file_bytes >= 0.001))
    lines.append(line("(smaller objects)", "", small))
    lines.append(line(f"(window sort indexes: {len(lazy)})", "index", sum(s[3] for s in lazy)))
    lines.append(line("(free pages)", "", free_bytes))
    tables: dict[str, int] = {}
    for _, _, table, size in sizes:
        tables[table] = tables.get(table, 0) + size
    lines.append("")
    lines.append("per table, its indexes included:")
    for table, size in sorted(tables.items(), key=lambda item: -item[1])[:12]:
        lines.append(line(table, "", size))
    lines.append("")
    wal = project.with_name(project.name + "-wal")
    lines.append(f"project file: {file_bytes / MB:.1f} MB"
                 + (f" (+ WAL {wal.stat().st_size / MB:.1f} MB)" if wal.exists() else ""))
    if csv_bytes:
        ratio = file_bytes / csv_bytes
        without_lazy = (file_bytes - sum(s[3] for s in lazy)) / csv_bytes
        lines.append(f"CSVs: {csv_bytes / MB:.1f} MB; project / CSVs = {ratio:.2f}x "
                     f"({without_lazy:.2f}x without the sort indexes), target <= {TARGET_RATIO}x")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the size table of a project."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("exports", type=Path, nargs="*", help="the CSVs (files or folders)")
    args = parser.parse_args(argv)
    if not args.project.is_file():
        print(f"no project file {args.project}", file=sys.stderr)
        return 2
    print(report(args.project, args.exports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
