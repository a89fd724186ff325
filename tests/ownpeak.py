"""Measuring a child process's own peak memory, whatever the test process has used.

Linux carries the forking process's peak RSS (pytest's, growing as the suite runs: one big
import test lifts it past 600 MB) into the exec'd child's `ru_maxrss`, so a bound on
`ru_maxrss` fails or passes with the tests that ran before it. `VmHWM` in /proc/self/status is
the peak of the child's own address space, set up fresh by exec.
"""

from __future__ import annotations

# Lines for a `python -c` script: `own_peak_kb()` is this program's peak resident memory.
OWN_PEAK_KB = (
    "def own_peak_kb():\n"
    "    import re\n"
    "    with open('/proc/self/status', encoding='ascii') as status:\n"
    "        return int(re.search(r'VmHWM:\\s+(\\d+) kB', status.read())[1])\n"
)
