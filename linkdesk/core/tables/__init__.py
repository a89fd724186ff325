"""The main window's tables in SQL: columns, filters, sorting, row fetching, details.

Everything the UI shows from a project goes through here; `linkdesk.ui` never writes SQL.

    TableQuery(db, LINKS, Filters(search="forum"), Sort("domain_rating", descending=True))
        .count() / .ordered_ids() / .rows(ids)
    link_details(db, link_id), domain_details(db, domain_id)
    ensure_table_indexes(db)     indexes for the sortable columns (the window builds them)
    scored_tables(db)            LINKS and DOMAINS with Quality, Band, Risk (scores current)
    marked_tables(db)            LINKS and DOMAINS with the Mark column and filter (and scores)
    with_data_columns(spec, fields_with_data(db))   metric columns shown where there is data
    with_checks(links_spec)      the Links table with the Check and Checked columns and filter
    with_judged(domains_spec)    Referring domains with Judged before (the verdict library)
"""

from linkdesk.core.tables.anchors import ANCHORS
from linkdesk.core.tables.checks import (
    CHECK_LABELS,
    STATUS_TITLES,
    UNCHECKED,
    links_checked,
    with_checks,
)
from linkdesk.core.tables.data_columns import (
    METRIC_COLUMNS,
    empty_metric,
    fields_with_data,
    with_data_columns,
)
from linkdesk.core.tables.details import (
    FIELD_LABELS,
    DomainDetails,
    LinkDetails,
    Observation,
    domain_details,
    link_details,
)
from linkdesk.core.tables.domains import DOMAINS
from linkdesk.core.tables.indexes import (
    IndexingCancelled,
    ensure_table_indexes,
    missing_table_indexes,
)
from linkdesk.core.tables.judged import (
    JUDGED_TITLES,
    JUDGED_VALUES,
    judged_changed,
    judged_extent,
    judged_stale,
    refresh_judged,
    with_judged,
)
from linkdesk.core.tables.links import LINKS, VENDOR_NAMES
from linkdesk.core.tables.marks import (
    MARK_LABELS,
    mark_filtered,
    marked_tables,
    targets_from_filter,
    with_marks,
)
from linkdesk.core.tables.query import TableQuery
from linkdesk.core.tables.scores import (
    BAND_LABELS,
    RISK_LABELS,
    scored_domains,
    scored_links,
    scored_tables,
)
from linkdesk.core.tables.spec import (
    Clause,
    Column,
    Filters,
    Follow,
    Kind,
    Sort,
    TableSpec,
    prepare_tables,
)

TABLES = (LINKS, DOMAINS, ANCHORS)

__all__ = [
    "ANCHORS",
    "BAND_LABELS",
    "CHECK_LABELS",
    "DOMAINS",
    "FIELD_LABELS",
    "JUDGED_TITLES",
    "JUDGED_VALUES",
    "LINKS",
    "MARK_LABELS",
    "METRIC_COLUMNS",
    "RISK_LABELS",
    "STATUS_TITLES",
    "TABLES",
    "UNCHECKED",
    "VENDOR_NAMES",
    "Clause",
    "Column",
    "DomainDetails",
    "Filters",
    "Follow",
    "IndexingCancelled",
    "Kind",
    "LinkDetails",
    "Observation",
    "Sort",
    "TableQuery",
    "TableSpec",
    "domain_details",
    "empty_metric",
    "ensure_table_indexes",
    "fields_with_data",
    "judged_changed",
    "judged_extent",
    "judged_stale",
    "link_details",
    "links_checked",
    "mark_filtered",
    "marked_tables",
    "missing_table_indexes",
    "prepare_tables",
    "refresh_judged",
    "scored_domains",
    "scored_links",
    "scored_tables",
    "targets_from_filter",
    "with_checks",
    "with_data_columns",
    "with_judged",
    "with_marks",
]
