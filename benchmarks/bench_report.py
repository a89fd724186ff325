"""Benchmark the client report (core/report, ui/report, docs/report.md).

    python benchmarks/bench_report.py [--rows N] [--keep DIR]

Writes one Ahrefs export of ``--rows`` links (``tests/exportgen.py``), imports and scores it,
then times gathering the report's data, drawing its charts and writing the PDF and the HTML
file, and prints the files' sizes. Figures are printed, never asserted. Targets: 1M links in
10 s or less (gather + charts + PDF), the PDF 5 MB or less.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import exportgen  # noqa: E402  (lives in tests/, found through the line above)

from linkdesk.core.importers.pipeline import import_file  # noqa: E402
from linkdesk.core.report import gather_report  # noqa: E402
from linkdesk.core.scoring import rescore  # noqa: E402
from linkdesk.core.scoring.engine import scores_current  # noqa: E402
from linkdesk.core.store import Project  # noqa: E402


def main() -> None:
    """Build (or reuse) the project, then time the report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path)
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="bench-report-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"report-{options.rows}.linkdesk"
    if not path.exists():
        export = folder / f"ahrefs-{options.rows}.csv"
        exportgen.write_ahrefs(export, exportgen.make_profile(options.rows, seed=1))
        with Project.open(path) as project:
            import_file(project, export)
            rescore(project.db)
    from linkdesk.ui.app import application
    from linkdesk.ui.report.charts import chart_images
    from linkdesk.ui.report.document import write_report

    application()
    with Project.open(path, create=False) as project:
        if not scores_current(project.db):  # a cached project from older code: the
            rescore(project.db)  # report of unscored links would time the wrong thing
        started = time.perf_counter()
        data = gather_report(project.db)
        gathered = time.perf_counter()
    charts = chart_images(data.profile)
    drawn = time.perf_counter()
    pdf_size = write_report(data, folder / "report.pdf", charts=charts)
    written = time.perf_counter()
    html_size = write_report(data, folder / "report.html", charts=charts)
    if not data.scored:
        print("warning: the links are not scored; the figures are not the report's",
              file=sys.stderr)
    print(f"{options.rows:,} links: gather {gathered - started:.2f} s, charts "
          f"{drawn - gathered:.2f} s, PDF {written - drawn:.2f} s "
          f"(total {written - started:.2f} s); PDF {pdf_size / 1e6:.2f} MB, "
          f"HTML {html_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
