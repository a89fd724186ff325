"""The Check and Checked columns and the `check` filter of the Links table.

Composed like the scores and marks (scores.py, marks.py): `with_checks(spec)` adds them to
LINKS, scored and marked or not. They read `check_latest` (the schema has it since v4), one
row per checked link pointing at its latest check:

- Check: the latest status, "Page error 404" with the code; blank for a link never checked.
  It sorts by the stored status (the `check_latest_status` index), which orders the labels
  alphabetically too: Blocked, DNS error, Live, Missing, Page error, Redirected, Timeout.
- Checked: the date (UTC) of the latest check. It sorts by the check's id (index
  `check_latest_check`): checks are numbered in the order they were saved.
- `check`: a status (`"live"`, `"page_error"`...) or `"unchecked"`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import replace

from linkdesk.core.checker.model import (
    BLOCKED,
    DNS_ERROR,
    LIVE,
    MISSING,
    PAGE_ERROR,
    REDIRECTED,
    STATUSES,
    TIMEOUT,
)
from linkdesk.core.tables.spec import Clause, Column, FilterSQL, Kind, TableSpec

UNCHECKED = "unchecked"  # the `check` filter's value for links never checked
STATUS_TITLES: dict[str, str] = {
    LIVE: "Live", MISSING: "Missing", PAGE_ERROR: "Page error", REDIRECTED: "Redirected",
    BLOCKED: "Blocked", TIMEOUT: "Timeout", DNS_ERROR: "DNS error",
}
CHECKS_JOIN = "LEFT JOIN check_latest AS ck ON ck.link_id = l.id"
_HTTP_CODE = 1000  # a page error's code is 1000 + its HTTP code, to show it in the label

# The Check column's value: the status's position in STATUSES, from 1; a page error with an
# HTTP code is 1000 + that code. Labels (below) turn both back into words.
_CODE_SQL = (
    "(CASE ck.status "
    + " ".join(f"WHEN '{status}' THEN {index + 1}" for index, status in enumerate(STATUSES)
               if status != PAGE_ERROR)
    + f" WHEN '{PAGE_ERROR}' THEN coalesce({_HTTP_CODE} + (SELECT http_code FROM link_checks "
    f"WHERE id = ck.check_id), {STATUSES.index(PAGE_ERROR) + 1}) END)"
)
_CHECKED_SQL = "(SELECT substr(checked_at, 1, 10) FROM link_checks WHERE id = ck.check_id)"


class CheckLabels(Mapping[int, str]):
    """The Check column's codes in words: 1 "Live", ..., 1404 "Page error 404"."""

    def __getitem__(self, code: int) -> str:
        if code > _HTTP_CODE:
            return f"{STATUS_TITLES[PAGE_ERROR]} {code - _HTTP_CODE}"
        if 1 <= code <= len(STATUSES):
            return STATUS_TITLES[STATUSES[code - 1]]
        raise KeyError(code)

    def __iter__(self) -> Iterator[int]:
        return iter(range(1, len(STATUSES) + 1))

    def __len__(self) -> int:
        return len(STATUSES)


CHECK_LABELS = CheckLabels()


def check_links_filter(value: str) -> Clause:
    """Links whose latest check has this status, or ("unchecked") that were never checked."""
    if value == UNCHECKED:
        return Clause("ck.link_id IS NULL", joins=("checks",))
    if value not in STATUSES:
        raise ValueError(f"unknown check status {value!r}")
    return Clause("ck.status = ?", (value,), joins=("checks",))


def _columns() -> tuple[Column, Column]:
    # Each order ends with check_latest's row id (the link id): the index then gives a total
    # order, and the links' id that query.py adds as a tie-breaker needs no sort.
    check = Column(
        "check", "Check", _CODE_SQL, Kind.LABEL, sortable=True,
        order=("ck.status", "ck.link_id"), join="checks", width=14, labels=CHECK_LABELS,
        tooltip="The latest live check of the source page (Tools ▸ Check Links); "
                "blank: never checked")
    checked = Column(
        "checked", "Checked", _CHECKED_SQL, Kind.DATE, sortable=True,
        order=("ck.check_id", "ck.link_id"), join="checks", width=11,
        tooltip="When the link was last checked live (UTC)")
    return check, checked


def _insert_after(columns: list[Column], column: Column, names: tuple[str, ...]) -> None:
    """Put `column` after the first of `names` the table has (else at the end)."""
    present = [c.name for c in columns]
    for name in names:
        if name in present:
            columns.insert(present.index(name) + 1, column)
            return
    columns.append(column)


def with_checks(spec: TableSpec) -> TableSpec:
    """LINKS (scored, marked or not) with the Check and Checked columns and the `check`
    filter. Check goes after Rel (what the tools say, then what the page says now), Checked
    after Last seen."""
    if spec.name != "links":
        raise ValueError(f"the {spec.title} table has no checks")
    check, checked = _columns()
    filters: Mapping[str, FilterSQL] = {"check": check_links_filter}
    added = spec.with_columns(check, checked, joins={"checks": CHECKS_JOIN}, filters=filters)
    columns = list(added.columns[:-2])
    _insert_after(columns, check, ("rel",))
    _insert_after(columns, checked, ("last_seen",))
    return replace(added, columns=tuple(columns))


def links_checked(db: sqlite3.Connection) -> bool:
    """Whether any link of the project was checked (the window hides the empty Check and
    Checked columns until then)."""
    return bool(db.execute("SELECT EXISTS (SELECT 1 FROM check_latest)").fetchone()[0])
