"""docs/scoring.md matches the code: every name, and every default in its tables."""

from __future__ import annotations

import re
from pathlib import Path

from linkdesk.core.scoring.flags import FLAG_INFO
from linkdesk.core.scoring.model import (
    ANCHOR_CLASSES,
    BANDS,
    DEFAULT_DETECTION,
    DEFAULT_FLAG_POINTS,
    DEFAULT_THRESHOLDS,
    DEFAULT_WEIGHTS,
    FLAGS,
    RISK_LEVELS,
    SIGNALS,
)
from linkdesk.core.scoring.signals import SIGNAL_INFO

DOC = (Path(__file__).parent.parent / "docs" / "scoring.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| `(\w+)` \| ([^|]+) \|(.*)$")


def tables() -> dict[str, dict[str, tuple[str, str]]]:
    """Markdown tables by the first word of their header: name -> (second cell, the rest)."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    lines = DOC.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("|---"):
            kind = lines[index - 1].strip("| ").split()[0]
            rows = found.setdefault(kind, {})
            for row in lines[index + 1:]:
                if not row.startswith("|"):
                    break
                match = ROW.match(row)
                if match:
                    rows[match[1]] = (match[2].strip(), match[3])
    return found


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def test_every_name_is_documented() -> None:
    for name in (*SIGNALS, *FLAGS, *ANCHOR_CLASSES, *BANDS, *RISK_LEVELS):
        assert f"`{name}`" in DOC or f"**{name}**" in DOC or name in DOC, name


def test_documented_defaults_match_the_code() -> None:
    documented = tables()
    for kind, defaults in (
        ("signal", DEFAULT_WEIGHTS), ("flag", DEFAULT_FLAG_POINTS),
        ("threshold", DEFAULT_THRESHOLDS), ("detection", DEFAULT_DETECTION),
    ):
        assert set(documented[kind]) == set(defaults), kind
        for name, default in defaults.items():
            assert _number(documented[kind][name][0]) == _number(str(default)), name
    assert set(documented["class"]) == set(ANCHOR_CLASSES)


def test_documented_columns_match_the_code() -> None:
    documented = tables()
    for kind, infos in (("signal", SIGNAL_INFO), ("flag", FLAG_INFO)):
        for name, info in infos.items():
            for column in info.columns:
                assert f"`{column}`" in documented[kind][name][1], (name, column)
    assert set(SIGNAL_INFO) == set(SIGNALS)
    assert set(FLAG_INFO) == set(FLAGS)
