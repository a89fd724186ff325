"""Search Console rows: linking pages (Latest links) and linking sites (Top linking sites)."""

from __future__ import annotations

import sqlite3

from linkdesk.core import urls
from linkdesk.core.importers.detect import GoogleReport, parse_count
from linkdesk.core.importers.rows import Batch, RowStream
from linkdesk.core.values import parse_date

LABELS = {
    GoogleReport.LATEST_LINKS: "Search Console latest links",
    GoogleReport.SAMPLE_LINKS: "Search Console sample links",
    GoogleReport.TOP_LINKING_SITES: "Search Console top linking sites",
}


def stage_google_batch(
    db: sqlite3.Connection,
    report: GoogleReport,
    import_id: int,
    batch: Batch,
    stream: RowStream,
) -> int:
    """Store one batch of a Search Console report; return the rows stored."""
    if report is GoogleReport.TOP_LINKING_SITES:
        sites = _site_rows(import_id, batch, stream)
        db.executemany("INSERT INTO google_site_rows VALUES (?, ?, ?, ?, ?)", sites)
        return len(sites)
    pages = _page_rows(import_id, batch, stream)
    db.executemany("INSERT INTO google_page_rows VALUES (?, ?, ?, ?, ?, ?)", pages)
    return len(pages)


def _page_rows(import_id: int, batch: Batch, stream: RowStream) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for line_no, row in zip(batch.lines, batch.rows, strict=True):
        source = urls.normalize_url(row[0])
        if source is None:
            problem = urls.url_problem(row[0]) or "is not an http(s) URL"
            stream.skip(line_no, f"linking page {row[0].strip()[:80]!r} {problem}")
            continue
        crawled = parse_date(row[1]) if len(row) > 1 else None
        url, host = source
        rows.append((url, host, urls.registered_domain(host), import_id, line_no, crawled))
    return rows


def _site_rows(import_id: int, batch: Batch, stream: RowStream) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for line_no, row in zip(batch.lines, batch.rows, strict=True):
        host = urls.to_ascii_host(row[0])
        if not host or "." not in host:
            problem = urls.host_problem(row[0]) or "it has no dot"
            stream.skip(line_no, f"site {row[0].strip()[:80]!r} is not a domain name: {problem}")
            continue
        rows.append(
            (urls.registered_domain(host), import_id, line_no, parse_count(row[1]),
             parse_count(row[2]))
        )
    return rows
