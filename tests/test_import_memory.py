"""What an import holds in memory (issue 21: a big import within 300 MB over all its processes).

Bounded by construction, not by measuring: the thread compressing the file's own text waits
for the import to take its chunks instead of reading ahead, and the second process of a
parallel import does not import the importing program again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from exportgen import make_profile, write_ahrefs

from linkdesk.core.importers import original
from linkdesk.core.importers.reader import ExportMember

REPO = Path(__file__).resolve().parents[1]


def test_original_text_is_compressed_no_further_ahead_than_a_few_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "ahrefs.csv"
    write_ahrefs(export, make_profile(8_000, seed=5))
    monkeypatch.setattr(original, "CHUNK_CHARS", 4_096)  # a chunk a block of 64 KB: ~40 chunks
    waiting: list[int] = []  # chunks not yet taken, each time one more is compressed
    compress = zlib.compress

    def counting(data: bytes, level: int) -> bytes:
        waiting.append(len(compressor.chunks))
        return compress(data, level)

    monkeypatch.setattr(original.zlib, "compress", counting)
    compressor = original.OriginalTextCompressor(ExportMember(export), "utf-8")
    chunks = compressor.result()  # nothing drained before: the thread must wait, not pile up

    assert len(chunks) > 3 * original.MAX_PENDING
    assert max(waiting) < original.MAX_PENDING
    text = b"".join(zlib.decompress(blob) for _, _, blob in chunks)
    assert text == export.read_bytes()
    assert [first for first, _, _ in chunks[1:]] == [last + 1 for _, last, _ in chunks[:-1]]


IMPORTING_PROGRAM = """
import os
import sys
from pathlib import Path

if __name__ != "__main__":  # a process importing this program again
    Path(os.environ["LINKDESK_TEST_MARKER"]).write_text(__name__)
else:
    from linkdesk.core.importers import parallel
    from linkdesk.core.importers.pipeline import import_file
    from linkdesk.core.store import Project

    parallel.MIN_BYTES = 1
    assert parallel.plan(parallel.ExportMember(Path(sys.argv[2])), "utf-8", 1) is not None
    with Project.open(sys.argv[1]) as project:
        print(import_file(project, sys.argv[2])[0].rows_imported)
"""


def test_second_process_does_not_import_the_importing_program(tmp_path: Path) -> None:
    export = tmp_path / "ahrefs.csv"
    write_ahrefs(export, make_profile(2_000, seed=6))
    program = tmp_path / "program.py"
    program.write_text(IMPORTING_PROGRAM, encoding="utf-8")
    marker = tmp_path / "imported-again"
    env = {**os.environ, "PYTHONPATH": str(REPO), "LINKDESK_TEST_MARKER": str(marker)}
    done = subprocess.run(
        [sys.executable, str(program), str(tmp_path / "p.linkdesk"), str(export)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == 2_000
    assert not marker.exists(), f"the second process imported the program as {marker.read_text()}"
