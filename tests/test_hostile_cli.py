"""Hostile and broken files through the command line: one line, exit 2, fast, bounded.

Each run is a child process under RLIMIT_AS and RLIMIT_CPU (support.bounded), whose own
CPU time and peak memory are measured, so the bounds asserted here depend neither on how
busy the machine is nor on how big pytest has grown.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hostile_files import ALL, PAINTED, READABLE
from support.bounded import run_bounded

ROOT = Path(__file__).resolve().parents[1]


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


@pytest.mark.slow  # sheets of a million formatted cells, in bounded processes
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


def test_a_plan_under_the_wrong_extension_is_checked_and_written(tmp_path):
    """An .ods named .xlsx, as users send them: read by its content, checked, written."""
    path = tmp_path / "plan.xlsx"
    shutil.copyfile(ROOT / "samples" / "retail-fr.ods", path)
    out = tmp_path / "checked.xlsx"
    result = run_bounded("check", str(path), "-o", str(out), "--format", "json")
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["summary"]["objects"]["use_cases"] == 26
    assert out.is_file() and out.stat().st_size > 0


@pytest.mark.parametrize(("head", "format_name"), [
    (b"\x00\x00\x02\x00\x06\x04" + b"\0" * 64, "Lotus 1-2-3"),
    (b"\x09\x04\x06\x00\x00\x00\x10\x00" + b"\0" * 64, "Excel 4.0"),
])
def test_an_old_format_gets_one_line_naming_it(head, format_name, tmp_path):
    path = tmp_path / "plan.xls"
    path.write_bytes(head)
    result = run_bounded("check", str(path), "--format", "json")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(f"omnisheet: {path}: this is a")
    assert format_name in result.stderr and "save it as .xlsx" in result.stderr
