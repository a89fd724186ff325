"""Benchmark the packaged app's start: from launch to its window shown on an X server.

    python benchmarks/bench_startup.py [--runs N] [--app dist/linkdesk/linkdesk] [--offscreen]

Starts the BUILT app (packaging/build.sh) on the sample project under its own Xvfb server,
N times (default 7), each time with fresh settings, and times each run from the launch to the
moment the main window ("Sample - Acme Widgets — LinkDesk") is viewable on the X server (polled
with `xwininfo -name` every 20 ms). Target: 3 s. The first run is printed apart.

`--cold` evicts the app folder's files from the page cache before every run
(posix_fadvise DONTNEED, file by file: the rest of the machine's cache is left alone), so each
run reads the app from disk as after a reboot; system libraries and Python's own files
outside the folder stay cached.

`--offscreen` (or no Xvfb/xwininfo) times `linkdesk PROJECT --screenshot FILE.png` with
QT_QPA_PLATFORM=offscreen instead: start-up plus one rendered frame, a proxy without a display.

Needs Debian's `xvfb` and `x11-utils` (xwininfo). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_APP = ROOT / "dist" / "linkdesk" / "linkdesk"
PROJECT_NAME = "Sample - Acme Widgets"
TARGET_S = 3.0
POLL_S = 0.02
TIMEOUT_S = 60.0


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """A private Xvfb server and its display name, on a number far from the usual ones."""
    for number in range(150, 250):
        if Path(f"/tmp/.X{number}-lock").exists():
            continue
        read, write = os.pipe()
        server = subprocess.Popen(
            ["Xvfb", f":{number}", "-displayfd", str(write), "-screen", "0", "1920x1080x24",
             "-nolisten", "tcp", "-noreset"],
            pass_fds=(write,), stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as pipe:
            ready = pipe.readline().strip()  # written once the server accepts clients
        if ready:
            return server, f":{number}"
        server.kill()
        server.wait()
    raise RuntimeError("Xvfb did not start")


def sample_project(app: Path, data: Path) -> Path:
    """Build the sample project once with the app itself (offscreen screenshot of --demo)."""
    env = {**os.environ, "XDG_DATA_HOME": str(data), "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run([str(app), "--demo", "--screenshot", str(data / "demo.png")], env=env,
                   check=True, capture_output=True)
    return data / "LinkDesk" / f"{PROJECT_NAME}.linkdesk"


def window_shown(display: str, title: str) -> bool:
    """The window exists and is mapped (viewable): created is not enough."""
    info = subprocess.run(["xwininfo", "-display", display, "-name", title],
                          capture_output=True, text=True).stdout
    return "Map State: IsViewable" in info


def evict(folder: Path) -> None:
    """Drop the folder's files from the page cache (a cold start reads them from disk)."""
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            descriptor = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(descriptor)


def time_window(app: Path, project: Path, display: str, config: Path) -> float:
    """Seconds from launch to the main window mapped on `display`."""
    shutil.rmtree(config, ignore_errors=True)
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "XDG_CONFIG_HOME": str(config)}
    title = f"{project.stem} — LinkDesk"
    started = time.perf_counter()
    log = config.parent / "app.log"
    with log.open("wb") as output:
        process = subprocess.Popen([str(app), str(project)], env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        while not window_shown(display, title):
            if process.poll() is not None:
                server_gone = subprocess.run(["xwininfo", "-root", "-display", display],
                                             capture_output=True).returncode != 0
                if server_gone:
                    raise RuntimeError(f"the X server {display} went away")
                raise RuntimeError(f"the app exited ({process.returncode}) before its window: "
                                   + log.read_text(errors="replace")[-2000:])
            if time.perf_counter() - started > TIMEOUT_S:
                raise RuntimeError("no window after a minute")
            time.sleep(POLL_S)
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait()


def time_screenshot(app: Path, project: Path, folder: Path) -> float:
    """Seconds of `linkdesk PROJECT --screenshot` offscreen: start-up plus one frame."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(folder)}
    started = time.perf_counter()
    subprocess.run([str(app), str(project), "--screenshot", str(folder / "shot.png")],
                   env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--app", type=Path, default=DEFAULT_APP)
    parser.add_argument("--offscreen", action="store_true",
                        help="time --screenshot offscreen instead of a window on Xvfb")
    parser.add_argument("--cold", action="store_true",
                        help="evict the app's files from the page cache before each run")
    options = parser.parse_args()
    if not options.app.is_file():
        print(f"bench_startup: no built app at {options.app}: bash packaging/build.sh",
              file=sys.stderr)
        return 1
    offscreen = options.offscreen or not (shutil.which("Xvfb") and shutil.which("xwininfo"))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        project = sample_project(options.app, work / "data")
        times = []
        if offscreen:
            what = "launch to screenshot written, offscreen (proxy: no X server)"
            for _ in range(options.runs):
                if options.cold:
                    evict(options.app.parent)
                times.append(time_screenshot(options.app, project, work))
        else:
            what = "launch to main window mapped on Xvfb"
            server, display = start_xvfb()
            try:
                for _ in range(options.runs):
                    if options.cold:
                        evict(options.app.parent)
                    times.append(time_window(options.app, project, display, work / "config"))
            finally:
                server.terminate()
                server.wait()
    cache = "cold: app files evicted from the page cache" if options.cold else "warm cache"
    print(f"Start-up of {options.app} on the sample project ({what}; {cache}), "
          f"{options.runs} runs:")
    print(f"  first run {times[0]:.2f} s")
    print(f"  median {statistics.median(times):.2f} s, max {max(times):.2f} s, "
          f"min {min(times):.2f} s   (target {TARGET_S:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
