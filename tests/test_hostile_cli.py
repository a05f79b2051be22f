"""Hostile and broken files through the command line: one line, exit 2, fast, bounded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_files import ALL

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("name", sorted(ALL))
def test_each_broken_file_gives_one_line_and_exit_2(name, tmp_path):
    if name == "unreadable" and os.geteuid() == 0:
        pytest.skip("root reads any file; the permission message is covered in test_safety")
    path = ALL[name](tmp_path)
    limit = (
        "import resource, sys, runpy; "
        "resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20)); "
        "resource.setrlimit(resource.RLIMIT_CPU, (20, 20)); "
        "sys.argv = ['omnisheet', 'check', sys.argv[1]]; "
        "from omnisheet.cli import main; main()"
    )
    result = subprocess.run([sys.executable, "-c", limit, str(path)], capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2, result.stderr[-500:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("omnisheet: ")
    assert result.stdout == ""
