"""Reading vendors' cell values."""

from __future__ import annotations

import pytest

from linkdesk.core.values import parse_bool, parse_date, parse_flag, parse_number, parse_rel


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-09-15", "2026-09-15"),
        ("2023-05-23 10:17:03", "2023-05-23"),
        ("09/15/2026", "2026-09-15"),
        ("15/09/2026", "2026-09-15"),
        ("15.09.2026", "2026-09-15"),
        ("Sep 15, 2026", "2026-09-15"),
        ("September 5, 2026", "2026-09-05"),
        ("", None),
        ("2026-02-30", None),
        ("soon", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("4.2", 4.2), ('1,240', 1240.0), ("6%", 6.0), ("", None), ("n/a", None), (" 30 ", 30.0)],
)
def test_parse_number(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


def test_booleans_of_every_vendor() -> None:
    assert [parse_bool(t) for t in ("true", "TRUE", "Yes", "1", "false", "No", "", "?")] == [
        1, 1, 1, 1, 0, 0, None, None,
    ]
    assert [parse_flag(t) for t in ("", "+", "1", "x", "0")] == [0, 1, 1, 1, 0]
    assert [parse_rel(t) for t in ("nofollow", "ugc nofollow", "dofollow", "follow", "")] == [
        1, 1, 0, 0, None,
    ]


def test_a_date_that_reads_both_ways_follows_the_order_given() -> None:
    from linkdesk.core.values import DAY_FIRST, MONTH_FIRST, ambiguous_date

    assert parse_date("02/03/2026") == "2026-02-03"  # vendors' slashes: American
    assert parse_date("02/03/2026", DAY_FIRST) == "2026-03-02"
    assert parse_date("02/03/2026", None) is None  # not guessed
    # What can be read only one way is read so, whatever the order.
    assert parse_date("15/03/2026", MONTH_FIRST) == parse_date("03/15/2026", DAY_FIRST) == \
        "2026-03-15"
    assert parse_date("02.03.2026", MONTH_FIRST) == "2026-03-02"  # dots: day first
    assert parse_date("05/05/2026", None) == "2026-05-05"  # the same day both ways
    assert parse_date("2026/03/02", None) == "2026-03-02"
    assert [ambiguous_date(t) for t in ("02/03/2026", "05/05/2026", "15/03/2026",
                                        "02.03.2026", "2026-03-02")] == [
        True, False, False, False, False]


def test_a_files_dates_say_which_comes_first() -> None:
    from linkdesk.core.values import DAY_FIRST, MONTH_FIRST, date_order

    assert date_order([(2, "02/03/2026"), (3, "25/12/2026"), (4, "")]) == (DAY_FIRST, [])
    assert date_order([(2, "02/03/2026"), (3, "12/25/2026")]) == (MONTH_FIRST, [])
    assert date_order([(2, "02/03/2026"), (3, "2026-01-09")]) == (None, [])
    order, conflicts = date_order([(2, "25/12/2026"), (5, "12/25/2026"), (7, "26/12/2026")])
    assert order is None
    assert conflicts == ["line 2: '25/12/2026' has the day first",
                         "line 5: '12/25/2026' has the month first"]
