"""Project files as the world leaves them: pages overwritten, cut short, on a read-only disk.

    damage_pages(path, "links")     overwrite a table's pages past its first leaf
    truncate(path, fraction)        keep only the first part of the file
    read_only_runner(folder)        run the command line with `folder` mounted read-only
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

PAGE_GARBAGE = bytes(range(256)) * 16  # 4,096 bytes that are no valid b-tree page


def damage_pages(path: Path, table: str = "links") -> int:
    """Overwrite every page of `table` except its root and first leaf; the count overwritten.

    Opening the project still works (it reads each table's root and first row); reading the
    table through fails with "database disk image is malformed", as after a disk error.
    """
    db = sqlite3.connect(path)
    try:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        root = db.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?",
                          (table,)).fetchone()[0]
        pages = [row[0] for row in db.execute(
            "SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", (table,))]
    finally:
        db.close()
    first_leaf = min((p for p in pages if p != root), default=root)
    victims = [p for p in pages if p not in (root, first_leaf)]
    assert victims, f"{table} is too small to damage past its first leaf"
    garbage = (PAGE_GARBAGE * (page_size // len(PAGE_GARBAGE) + 1))[:page_size]
    with open(path, "r+b") as file:
        for page in victims:
            file.seek((page - 1) * page_size)
            file.write(garbage)
    return len(victims)


def truncate(path: Path, fraction: float) -> None:
    """Keep the first `fraction` of the file, as a copy cut off by a full disk does."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])


def read_only_runner(folder: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `linkdesk ARGS` on a read-only `folder`: a read-only bind mount in a private mount
    namespace for root (who may write any file), the folder's write bits removed otherwise."""
    command = [sys.executable, "-m", "linkdesk.cli"]
    env = {**os.environ, "PYTHONUTF8": "1"}
    if os.geteuid() != 0:
        for item in [folder, *folder.iterdir()]:
            item.chmod(item.stat().st_mode & ~0o222)
        prefix: list[str] = []
    else:
        mount = shlex.quote(str(folder))
        prefix = ["unshare", "-m", "sh", "-c",
                  f"mount --bind {mount} {mount} && mount -o remount,bind,ro {mount} && "
                  'exec "$@"', "sh"]
        probe = subprocess.run([*prefix, "true"], capture_output=True, check=False) \
            if shutil.which("unshare") else None
        if probe is None or probe.returncode != 0:
            pytest.skip("running as root without mount namespaces: no read-only file system")

    def run(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, *command, *map(str, args)], capture_output=True,
                              text=True, encoding="utf-8", env=env, timeout=300, check=False,
                              cwd=Path(__file__).parent.parent)

    return run
