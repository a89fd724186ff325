"""Metric columns follow the project's data (issue 18): a Semrush-only project shows AS, not
four empty DR/UR/TF/DA columns, opens sorted by Quality, and exports AS to CSV."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_ahrefs, write_semrush

from linkdesk.core.exports import export_spec
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.scoring import rescore
from linkdesk.core.store import Project
from linkdesk.core.tables import (
    DOMAINS,
    LINKS,
    Sort,
    TableQuery,
    fields_with_data,
    scored_tables,
    with_data_columns,
)

SITE = "acme-widgets.com"


def semrush_project(tmp_path: Path, links: int = 150) -> Path:
    export = tmp_path / "semrush.csv"
    write_semrush(export, make_profile(links, site=SITE, seed=21))
    path = tmp_path / "semrush-only.linkdesk"
    with Project.open(path) as project:
        import_file(project, export, ImportOptions(site=SITE))
        rescore(project.db)
    return path


def write_semrush_links(path: Path, links: list[tuple[str, str, int, bool]]) -> None:
    """A Semrush backlinks export of (source URL, anchor, page AS, lost) links to the site,
    for cases the generator does not make (one domain's 1,235 links, a long anchor)."""
    header = ("Page ascore,Source title,Source url,Target url,Anchor,External links,"
              "Internal links,Nofollow,Sponsored,Ugc,Text,Frame,Form,Image,Sitewide,"
              "First seen,Last seen,New link,Lost link\n")
    rows = [f"{ascore},Page {i},{source},https://{SITE}/,{anchor},10,20,false,false,false,"
            f"true,false,false,false,false,2024-01-02,2025-02-03,false,{str(lost).lower()}\n"
            for i, (source, anchor, ascore, lost) in enumerate(links)]
    path.write_text(header + "".join(rows), encoding="utf-8")


def shown(spec: object) -> set[str]:
    return {column.name for column in spec.columns if column.visible}  # type: ignore[attr-defined]


def test_a_semrush_project_shows_as_and_hides_empty_metrics(tmp_path: Path) -> None:
    with Project.open(semrush_project(tmp_path)) as project:
        fields = fields_with_data(project.db)
        assert "page_ascore" in fields
        assert not fields & {"domain_rating", "url_rating", "trust_flow", "domain_authority"}
        scored = scored_tables(project.db)
        assert scored is not None
        links, domains = (with_data_columns(spec, fields) for spec in scored)
        assert "page_ascore" in shown(links) and "page_ascore" in shown(domains)
        assert not shown(links) & {"domain_rating", "url_rating", "trust_flow",
                                   "domain_authority"}
        assert not shown(domains) & {"domain_rating", "trust_flow", "domain_authority"}
        assert links.default_sort == Sort("quality", descending=True)
        assert domains.default_sort == Sort("quality", descending=True)
        # Unscored, the Links table is not sorted by an empty DR either.
        assert with_data_columns(LINKS, fields).default_sort == Sort("page_ascore", True)
        # The domains' AS is the best of their links'.
        query = TableQuery(project.db, with_data_columns(DOMAINS, fields))
        rows = list(query.rows(query.ordered_ids()[:20]).values())
        best = dict(project.db.execute(
            "SELECT domain, max(page_ascore) FROM links GROUP BY domain"))
        column = query.spec.column_index("page_ascore")
        domain = query.spec.column_index("domain")
        assert rows and all(row[column] == best[row[domain]] for row in rows)


def test_an_ahrefs_project_keeps_dr_and_ur(tmp_path: Path) -> None:
    export = tmp_path / "ahrefs.csv"
    write_ahrefs(export, make_profile(80, site=SITE, seed=2))
    with Project.open(tmp_path / "a.linkdesk") as project:
        import_file(project, export, ImportOptions(site=SITE))
        fields = fields_with_data(project.db)
        links = with_data_columns(LINKS, fields)
        assert {"domain_rating", "url_rating"} <= shown(links)
        assert not shown(links) & {"trust_flow", "domain_authority", "page_ascore"}
        assert links.default_sort == Sort("domain_rating", descending=True)


def test_the_csv_export_has_semrush_as(tmp_path: Path) -> None:
    from linkdesk.core.exports import export_table_csv

    with Project.open(semrush_project(tmp_path)) as project:
        for table in ("links", "domains"):
            spec = export_spec(project.db, table)
            out = tmp_path / f"{table}.csv"
            export_table_csv(project.db, spec, None, None, out)
            with out.open(encoding="utf-8") as handle:
                header = next(csv.reader(handle))
            assert "AS" in header, table
            assert "DR" not in header and "TF" not in header, table


def test_domain_details_count_hosts_as_the_table_does(tmp_path: Path) -> None:
    """www.blogx.com and blogx.com are two hosts in the table and in the details; counts have
    thousands separators; lost links are said as lost, not as "0 live"."""
    from linkdesk.core.scoring import explain_domain
    from linkdesk.ui.views.details import explanation_text

    export = tmp_path / "semrush.csv"
    write_semrush_links(export, [
        (f"https://{'www.' if i % 2 else ''}blogx.com/post-{i}", "Acme", 30, True)
        for i in range(1235)])
    with Project.open(tmp_path / "p.linkdesk") as project:
        import_file(project, export, ImportOptions(site=SITE))
        rescore(project.db)
        table_hosts = project.db.execute(
            "SELECT hosts FROM referring_domains WHERE domain = 'blogx.com'").fetchone()[0]
        explained = explain_domain(project.db, "blogx.com")
    assert table_hosts == 2 and explained is not None and explained.hosts == 2
    text = explanation_text(explained)
    assert "1,235 links (all reported lost) from 2 hosts; scored by its best link" in text
    assert "live" not in text.splitlines()[0]
