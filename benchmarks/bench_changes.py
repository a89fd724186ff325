"""Benchmark the changes between two monthly snapshots (core/timeline, docs/changes.md).

    python benchmarks/bench_changes.py [--rows N] [--keep DIR]

Writes two Ahrefs exports of one client (``tests/exportgen.py``): October's ``--rows`` links
and November's, in which 5% of the links are gone, 5% more are new and 2% changed rel or
anchor. Imports October (dated 2026-10-20), scores it and records a review; imports November
(dated 2026-11-20) and scores again. Then times, on one connection:

* the changes between the two days (``compute_changes(on_day(Oct 20), now())``);
* the changes since the review (the default of ``linkdesk changes``, with band moves);
* the opening summary;
* the since-review table filters (count of new / lost / changed / not yet judged links).

Figures are printed, never asserted. Target: 1M links, changes within 2 s; the summary adds
at most 0.3 s. ``--keep DIR`` keeps the exports and project there (reused when present).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
import exportgen  # noqa: E402  (lives in tests/, found through the line above)

from linkdesk.core.importers.pipeline import ImportOptions, import_file  # noqa: E402
from linkdesk.core.scoring import rescore  # noqa: E402
from linkdesk.core.store import Project  # noqa: E402
from linkdesk.core.tables import Filters, TableQuery  # noqa: E402
from linkdesk.core.timeline import (  # noqa: E402
    compute_changes,
    finish_review,
    now,
    on_day,
    opening_summary,
    since_point,
    with_since_review,
)

SITE = "acme-widgets.com"
OCTOBER, NOVEMBER = datetime.date(2026, 10, 20), datetime.date(2026, 11, 20)


def november(records: Iterator[exportgen.LinkRecord], rows: int) -> Iterator[exportgen.LinkRecord]:
    """October's links with 5% gone, 2% changed, then 5% new ones."""
    for number, record in enumerate(records):
        if number % 20 == 7:
            continue
        if number % 50 == 3:
            record = dataclasses.replace(record, nofollow=not record.nofollow)
        elif number % 50 == 4:
            record = dataclasses.replace(record, anchor=record.anchor + " new")
        yield dataclasses.replace(record, last_seen=NOVEMBER, lost=None)
    for record in exportgen.make_profile(rows // 20, site=SITE, seed=2):
        yield dataclasses.replace(record, source_url=record.source_url + "?nov=1",
                                  last_seen=NOVEMBER, lost=None)


def october(rows: int) -> Iterator[exportgen.LinkRecord]:
    """October's links, every one live and seen on the export's day."""
    for record in exportgen.make_profile(rows, site=SITE, seed=0):
        yield dataclasses.replace(record, last_seen=OCTOBER, lost=None)


def timed(label: str, work: object) -> object:
    """Run `work()`, print its seconds, return its result."""
    started = time.perf_counter()
    result = work()  # type: ignore[operator]
    print(f"{label:<48} {time.perf_counter() - started:7.2f} s", flush=True)
    return result


def build(folder: Path, rows: int) -> Path:
    """The two-month project in `folder` (made once)."""
    path = folder / f"changes-{rows}.linkdesk"
    if path.exists():
        return path
    oct_file, nov_file = folder / f"oct-{rows}.csv", folder / f"nov-{rows}.csv"
    if not oct_file.exists():
        timed("write October export", lambda: exportgen.write_ahrefs(oct_file, october(rows)))
        timed("write November export",
              lambda: exportgen.write_ahrefs(nov_file, november(october(rows), rows)))
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with Project.open(partial) as project:
        db = project.db
        timed("import October", lambda: import_file(
            project, oct_file, ImportOptions(site=SITE, as_of=OCTOBER)))
        timed("score", lambda: rescore(db))
        timed("finish review", lambda: finish_review(db, "October"))
        timed("import November", lambda: import_file(
            project, nov_file, ImportOptions(site=SITE, as_of=NOVEMBER)))
        timed("score", lambda: rescore(db))
    partial.rename(path)
    return path


def measure(path: Path) -> None:
    """Time the changes, the summary and the filters on the built project."""
    with Project.open(path) as project:
        db = project.db
        links = db.execute("SELECT count(*) FROM links").fetchone()[0]
        print(f"project: {links:,} links")
        for _ in range(2):  # the second run has the file in the page cache
            changes = timed("changes Oct 20 -> now", lambda: compute_changes(
                db, on_day(db, OCTOBER), now()))
        print(f"  {changes.counts}")  # type: ignore[attr-defined]
        changes = timed("changes since the review (band moves too)", lambda: compute_changes(
            db, since_point(db, None), now()))
        print(f"  {changes.counts}")  # type: ignore[attr-defined]
        summary = timed("opening summary", lambda: opening_summary(db))
        print(f"  {summary.text}")  # type: ignore[attr-defined]
        spec = with_since_review(_links_spec())
        for kind in ("new", "lost", "changed", "unjudged"):
            count = timed(f"filter {kind} since review: count", lambda k=kind: TableQuery(
                db, spec, Filters(since_review=k)).count())
            print(f"  {count:,} links")


def _links_spec():  # type: ignore[no-untyped-def]
    from linkdesk.core.tables import LINKS, with_marks

    return with_marks(LINKS)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the project (or reuse it) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="folder for the exports and the project")
    options = parser.parse_args(argv)
    if options.keep:
        options.keep.mkdir(parents=True, exist_ok=True)
        measure(build(options.keep, options.rows))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        measure(build(Path(folder), options.rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
