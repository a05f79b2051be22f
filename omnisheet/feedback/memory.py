"""How much memory DuckDB may hold before it spills to disk, and how running out is told
apart from a file it cannot read (so the user is told memory, not "not a table")."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

#: The share of the machine's memory (or of the container's cap) DuckDB may hold before
#: it spills to disk; OMNISHEET_MEMORY_LIMIT ("2GB") says it outright.
MEMORY_SHARE = 0.5


def memory_limit(environ: Mapping[str, str] | None = None) -> str:
    """DuckDB's memory limit: OMNISHEET_MEMORY_LIMIT, else a share of the smaller of the
    machine's memory and the cgroup's cap (a container or a CI job under 4 GiB)."""
    environ = os.environ if environ is None else environ
    given = environ.get("OMNISHEET_MEMORY_LIMIT", "").strip()
    if given:
        return given
    sizes = [_meminfo_total()]
    for cap in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(cap).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            sizes.append(int(text))
    known = [s for s in sizes if s and s < 1 << 50]
    if not known:
        return "2GB"
    return f"{max(64, int(min(known) * MEMORY_SHARE) >> 20)}MB"


def _meminfo_total() -> int | None:
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def out_of_memory(error: BaseException) -> bool:
    """Whether DuckDB stopped for want of memory (its own exception, or its words)."""
    import duckdb

    return (isinstance(error, duckdb.OutOfMemoryException | MemoryError)
            or "out of memory" in str(error).lower())
