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
