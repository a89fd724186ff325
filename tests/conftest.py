"""Shared fixtures: an open project, and a runner for the `linkdesk` command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # `from exportgen import ...`
# Qt tests run without a display, here and in CI.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from linkdesk.core.store import Project

RunLinkdesk = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A new, empty project file in the test's temporary folder."""
    opened = Project.open(tmp_path / "p.linkdesk")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def run_linkdesk() -> RunLinkdesk:
    """Run the `linkdesk` command line (as installed in the venv) and capture its output."""
    script = Path(sys.executable).with_name("linkdesk")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "linkdesk.cli"]
    env = {**os.environ, "PYTHONUTF8": "1"}

    def run(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *map(str, args)],
            capture_output=True, text=True, encoding="utf-8", env=env, timeout=120, check=False,
        )

    return run
