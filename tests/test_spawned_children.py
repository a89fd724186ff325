"""The processes `start_spawned` starts (a big import's second half, a wide profile's scan
helper) end with their parent (deleting the scratch folder it can no longer delete), and leave
a terminal's Ctrl-C to it.

Each case runs a parent in its own session (a subprocess), whose child is a stand-in job that
would otherwise run for an hour."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

ROOT = Path(__file__).resolve().parents[1]

CHILD = '''
import time

def wait_long(sender):
    """The child's job: say it started, then work (sleep) for an hour."""
    sender.send("started")
    time.sleep(3600)
'''

PARENT = '''
import os, signal, sys, tempfile
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from linkdesk.core.importers.parallel import start_spawned
from childjob import wait_long

scratch = tempfile.mkdtemp(dir=sys.argv[1], prefix="scratch-")
open(os.path.join(scratch, "part.db"), "w").close()
process, receiver = start_spawned(wait_long, scratch_folder=scratch)
assert receiver.recv() == "started"
print(process.pid, scratch, flush=True)
try:
    if sys.argv[3] == "ctrl-c":
        os.killpg(0, signal.SIGINT)  # a terminal's Ctrl-C: the whole process group
    signal.pause()  # killed by the test
except KeyboardInterrupt:
    receiver.poll(3)  # a child that took the Ctrl-C as its own ends meanwhile (EOF)
    process.terminate()  # what the import and the scoring do on a cancel
    process.join()
    print(process.exitcode, flush=True)
'''


def _start_parent(tmp_path: Path, how: str) -> subprocess.Popen[str]:
    (tmp_path / "childjob.py").write_text(textwrap.dedent(CHILD))
    (tmp_path / "parent.py").write_text(textwrap.dedent(PARENT))
    return subprocess.Popen(
        [sys.executable, str(tmp_path / "parent.py"), str(tmp_path), str(ROOT), how],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        # SIGINT as a terminal's shell leaves it (a background job of a script ignores it)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _gone(pid: int) -> bool:
    """Whether process `pid` has ended (a zombie of a dead parent is reaped by init)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_child_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    parent = _start_parent(tmp_path, "kill")
    assert parent.stdout is not None
    pid, scratch = parent.stdout.readline().split()
    child = int(pid)
    parent.kill()
    parent.wait()
    # Not a time limit: the job sleeps for an hour, so it is still there unless it followed
    # its parent (os.waitpid cannot be used: it is not this process's child).
    for _ in range(600):
        if _gone(child):
            break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the spawned process outlived its killed parent")
    assert parent.stderr is not None and "Traceback" not in parent.stderr.read()
    assert not Path(scratch).exists()  # the parent could not delete it any more


def test_ctrl_c_is_the_parents_to_handle(tmp_path: Path) -> None:
    parent = _start_parent(tmp_path, "ctrl-c")
    out, err = parent.communicate(timeout=120)
    pid, scratch, exitcode = out.split()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert int(exitcode) == -signal.SIGTERM  # ended by the parent's terminate(), not by SIGINT
    assert _gone(int(pid))
    assert Path(scratch).exists()  # the parent's to delete (SecondHalf.remove)
