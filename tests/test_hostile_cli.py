"""Hostile and broken files through the command line: one line, exit 2, fast, bounded.

Each run is a child process under RLIMIT_AS and RLIMIT_CPU; its CPU time comes from
os.wait4 (the child's own rusage) and its peak memory from its own VmHWM, written as it
exits (ru_maxrss would include the pytest process it was forked from), so the bounds
asserted here depend neither on how busy the machine is nor on how big pytest has grown.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile_files import ALL, PAINTED, READABLE

ROOT = Path(__file__).parent.parent
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
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float
    peak_mib: float


def run_bounded(*args: str, memory_mib: int = 1536, cpu_seconds: int = 20,
                timeout: float = 120) -> Run:
    """`omnisheet ARGS` in a child limited to `memory_mib` of address space and
    `cpu_seconds` of CPU; its own CPU time and peak RSS are measured."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "peak"
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
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak = int(report.read_text()) / 1024 if report.exists() else float("inf")
        return Run(child.returncode, out.read(), err.read(), usage.ru_utime + usage.ru_stime,
                   peak)


@pytest.mark.parametrize("name", sorted(ALL))
def test_each_broken_file_gives_one_line_and_exit_2(name, tmp_path):
    if name == "unreadable" and os.geteuid() == 0:
        pytest.skip("root reads any file; the permission message is covered in test_safety")
    path = ALL[name](tmp_path)
    result = run_bounded("check", str(path))
    assert result.returncode == 2, result.stderr[-500:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("omnisheet: ")
    assert result.stdout == ""
    # measured: each is refused in under 0.3 s of CPU and 20 MiB, from its first bytes,
    # its zip directory or its first MBs (a lying size, a far-away cell); the bounds leave
    # room for slow machines
    assert result.cpu_seconds < 10, result.cpu_seconds
    assert result.peak_mib < 100, result.peak_mib


@pytest.mark.parametrize("name", sorted(READABLE))
def test_a_huge_looking_plan_is_read_and_checked_within_bounds(name, tmp_path):
    """A declared A1:XFD1048576, a million empty formatted rows or cells: no data, so the
    plan reads and is checked (output written) in seconds and little memory, painted
    touchpoints included (their fills are read with openpyxl)."""
    path = READABLE[name](tmp_path)
    out = tmp_path / "checked.xlsx"
    result = run_bounded("check", str(path), "-o", str(out), "--format", "json",
                         "--fail-on", "never", memory_mib=1024, cpu_seconds=60)
    assert result.returncode == 0, result.stderr[-800:]
    assert out.is_file() and out.stat().st_size > 0
    report = json.loads(result.stdout)
    assert report  # the JSON report of a readable plan
    if path.suffix == ".xlsx":  # one more painted below the formatted block
        painted = len(PAINTED) + (name == "formatted_block_above_paint")
        inferred = result.stdout.count('"status-inferred-from-colour"')
        assert inferred == painted, result.stdout[:2000]
    # measured: 2-5 s of CPU, of which ~2 s write the checked workbook; under 50 MiB
    assert result.cpu_seconds < 15, result.cpu_seconds
    assert result.peak_mib < 150, result.peak_mib
