"""The layering rules: the core never imports Qt; the UI never writes SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "linkdesk"
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "pytestqt")
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE)\b[^\n]*\b(FROM|INTO|SET|TABLE)\b")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_never_imports_qt_or_ui() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in imported_modules(path)
            if name.startswith(QT_MODULES) or name.startswith("linkdesk.ui")
        )
        for path in (PACKAGE / "core").rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
    assert len(offenders) > 10  # the rule looked at the real core


def test_ui_has_no_sql() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / "ui").rglob("*.py")
        if SQL.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_package_is_in_the_wheel() -> None:
    """`pip install .` ships only the packages pyproject.toml lists: a new folder must be there."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {
        ".".join(init.parent.relative_to(root).parts)
        for init in (root / "linkdesk").rglob("__init__.py")
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages"


KNOWN_LOOPS: set[frozenset[str]] = set()  # none: keep it so


def test_core_packages_import_each_other_one_way() -> None:
    """No two packages of the core import each other (exports and scoring did: two CSV
    writers, each importing the other's half)."""
    core = PACKAGE / "core"
    uses: dict[str, set[str]] = {}
    for path in core.rglob("*.py"):
        package = path.relative_to(core).parts[0].removesuffix(".py")
        for name in imported_modules(path):
            if name.startswith("linkdesk.core."):
                used = name.split(".")[2]
                if used != package:
                    uses.setdefault(package, set()).add(used)
    loops = {frozenset({a, b}) for a, used in uses.items() for b in used
             if a in uses.get(b, set())}
    assert loops - KNOWN_LOOPS == set()
    assert len(uses) > 5  # the rule looked at the real core
