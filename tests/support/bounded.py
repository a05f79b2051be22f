"""Run `omnisheet` in a child process under an address-space and CPU limit, and measure it.

Its CPU time comes from os.wait4 (the child's own rusage) and its peak memory from its own
VmHWM, written as it exits (ru_maxrss would include the pytest process it was forked
from), so the bounds asserted on them depend neither on how busy the machine is nor on how
big pytest has grown. A child that dies without exiting (killed, aborted) has no peak.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MiB = 2**20

_BOUNDED = """
import atexit, resource, sys
memory, cpu, report = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))

@atexit.register
def peak():
    try:
        with open('/proc/self/status') as status:
            kib = next(int(line.split()[1]) for line in status if line.startswith('VmHWM:'))
    except (OSError, StopIteration):
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open(report, 'w') as out:
        out.write(str(kib))

sys.argv = ['omnisheet', *sys.argv[4:]]
from omnisheet.cli import main
main()
"""


@dataclass
class Run:
    """What one bounded `omnisheet` run did, and what it cost."""

    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float
    peak_mib: float
    wall_seconds: float = 0.0
    timed_out: bool = False


def run_bounded(*args: str, memory_mib: int = 1536, cpu_seconds: int = 20,
                timeout: float = 120) -> Run:
    """`omnisheet ARGS` in a child limited to `memory_mib` of address space and
    `cpu_seconds` of CPU, killed after `timeout` seconds; its own CPU time and peak RSS
    are measured."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "peak"
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", _BOUNDED, str(memory_mib * MiB), str(cpu_seconds),
             str(report), *args],
            stdout=out, stderr=err, text=True, cwd=ROOT)
        timer = threading.Timer(timeout, child.kill)  # a hung child fails, never hangs us
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)  # reaps it: Popen.wait must not
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        try:
            peak = int(report.read_text()) / 1024
        except (OSError, ValueError):  # died before its exit handlers ran
            peak = float("inf")
        return Run(child.returncode, out.read(), err.read(), usage.ru_utime + usage.ru_stime,
                   peak, wall, timed_out=wall >= timeout)
