"""The Links table's Live/Lost filter on a 1M-link project, read from `links.status`.

    python benchmarks/bench_lost_filter.py [PROJECT]   (default benchmarks/out/window-1m.linkdesk)

Works on a copy (benchmarks/out/lost-1m.linkdesk): opening it migrates it to schema 13 (the
status of every link worked out: timed). Then a twentieth of the links are given the status
"no longer reported" (as a monthly export that dropped them would), and it times, against
the same queries without the filter (the reference, same run) and with the filter as it
read before (`lost = 0`, the vendors' flag alone):

- the Live filter's count and its first page under the default sort and under a sort by DR;
- the Lost filter's count;
- working the status out again when nothing moved (what every import and check adds), and
  when a twentieth of the links moved (written back, their domains recounted and noted);
- the derived alternative: the same answer as one SQL query over imports and observations,
  with no stored column (why the status is stored).

Wall and CPU time (user+sys) are printed side by side: the machine is shared.
"""

from __future__ import annotations

import resource
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linkdesk.core.link_status_update import write_link_status  # noqa: E402
from linkdesk.core.store import Project, transaction  # noqa: E402
from linkdesk.core.tables import LINKS, Filters, Sort, TableQuery  # noqa: E402
from linkdesk.core.tables.indexes import ensure_table_indexes  # noqa: E402

OUT = ROOT / "benchmarks" / "out"


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, work: Callable[[], object]) -> tuple[float, object]:
    wall, used = time.perf_counter(), cpu()
    result = work()
    wall, used = time.perf_counter() - wall, cpu() - used
    shown = f" -> {result:,}" if isinstance(result, int) else ""
    print(f"  {label:<52} {wall:7.2f} s wall {used:7.2f} s CPU{shown}", flush=True)
    return wall, result


def first_page(db, filters: Filters, sort: Sort | None = None) -> int:  # type: ignore[no-untyped-def]
    return len(TableQuery(db, LINKS, filters, sort).ordered_ids()[:100])


def old_live(db) -> int:  # type: ignore[no-untyped-def]
    return int(db.execute("SELECT count(*) FROM links AS l WHERE coalesce(l.lost, 0) = 0"
                          ).fetchone()[0])


# The derived definition as one query (no stored column): a link is live when an import of
# its vendor's latest day lists it not lost (one site, so no per-site grouping here).
DERIVED_LIVE = """
SELECT count(*) FROM links AS l WHERE l.vendors = 0 OR EXISTS (
    SELECT 1 FROM observation_fields AS o JOIN imports AS i ON i.id = o.import_id
    WHERE o.link_id = l.id AND i.vendor <> 'gsc' AND coalesce(o.lost, 0) = 0
      AND i.as_of = (SELECT max(j.as_of) FROM imports AS j WHERE j.vendor = i.vendor))
"""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    source = Path(args[0]) if args else OUT / "window-1m.linkdesk"
    path = OUT / "lost-1m.linkdesk"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, path)
    print(f"{source.name} copied to {path.name}")
    timed("open: migrate to schema 13 (status of every link)", lambda: Project.open(path).close())
    with Project.open(path) as project:
        db = project.db
        total = db.execute("SELECT count(*) FROM links").fetchone()[0]
        with transaction(db):
            timed("status worked out again, nothing moved (every import, check)",
                  lambda: write_link_status(db))
        with transaction(db):  # a twentieth no longer reported, as a monthly drop would be
            dropped = db.execute("UPDATE links SET status = 2 WHERE id % 20 = 0 "
                                 "AND status = 1").rowcount
        print(f"{total:,} links, {dropped:,} live ones set no longer reported")
        timed("the window's lazy sort indexes (as on first opening)",
              lambda: ensure_table_indexes(db))
        print("Links table (100 first rows of the ordered ids):")
        timed("reference: no filter, default sort", lambda: first_page(db, Filters()))
        timed("Live filter, default sort", lambda: first_page(db, Filters(lost=False)))
        timed("Lost filter, default sort", lambda: first_page(db, Filters(lost=True)))
        dr = Sort("domain_rating", descending=True)
        timed("reference: no filter, sort by DR", lambda: first_page(db, Filters(), dr))
        timed("Live filter, sort by DR", lambda: first_page(db, Filters(lost=False), dr))
        timed("reference: count, no filter",
              lambda: TableQuery(db, LINKS, Filters()).count())
        timed("Live filter: count (links.status)",
              lambda: TableQuery(db, LINKS, Filters(lost=False)).count())
        timed("Lost filter: count (links.status)",
              lambda: TableQuery(db, LINKS, Filters(lost=True)).count())
        timed("before: live count by lost = 0", lambda: old_live(db))
        timed("derived query instead of a column: live count",
              lambda: int(db.execute(DERIVED_LIVE).fetchone()[0]))
        with transaction(db):  # the twentieth's statuses written back, their domains noted
            timed("status worked out again, 5% of the links moved", lambda: write_link_status(db))
    for leftover in [*(Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")),
                     *OUT.glob(f"{path.name}.v*.bak*")]:  # the migration's backups too
        leftover.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
