"""The one pass over the responses, in DuckDB: every file read once, in parallel, grouped
by what the plan will need (file, survey, stage, channel, indicator as written, period,
whether the date was read, the score as written), counting rows and keeping, per group,
the most recent comment (the first in text order among those of the same moment). What the texts mean is decided afterwards on these few
thousand groups (omnisheet/feedback/resolve.py), so the scan needs no plan and runs
while the plan is read; and the same SQL runs on any DuckDB, local or a service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .memory import memory_limit
from .sources import Source, sql_name

KINDS = {"month": "month", "quarter": "quarter", "year": "year"}
#: Moments a survey answer can have: a "31/12/9999" placeholder, a year-10000 typo or a
#: date before Christ are set aside as out of range, not turned into a period.
EARLIEST, LATEST = "1900-01-01", "2200-01-01"


def connect(threads: int | None = None, spill: Path | None = None) -> Any:
    """An in-memory DuckDB that never downloads anything (an extension it lacks fails),
    held to a memory limit and spilling to `spill` beyond it, so large inputs finish."""
    import duckdb

    config: dict[str, Any] = {"autoinstall_known_extensions": False,
                              "autoload_known_extensions": False,
                              "preserve_insertion_order": False,
                              "memory_limit": memory_limit()}
    if spill is not None:
        config["temp_directory"] = str(spill)
    if threads:
        config["threads"] = threads
    return duckdb.connect(config=config)


@dataclass(frozen=True)
class Group:
    """Rows of one file alike in every text that matters, and in their period."""

    source: int
    survey: str | None
    stage: str | None
    channel: str | None
    indicator: str | None
    period: dt.date | None
    date_state: int  # 0 read, 1 empty, 2 unreadable, 3 out of range
    score: str | None
    rows: int
    verbatim: tuple[dt.datetime, str] | None
    excluded: str | None = None  # why the rows are no customer's answers (a preview, spam)


def scan_sql(sources: list[Source], period: str) -> str:
    """The whole scan as one statement: each file grouped, then all of them together."""
    unit = KINDS[period]
    parts = []
    for index, source in enumerate(sources):
        columns = source.columns

        def text(role: str, columns: dict[str, str] = columns) -> str:
            if role not in columns:
                return "CAST(NULL AS VARCHAR)"
            return f"CAST({sql_name(columns[role])} AS VARCHAR)"

        parts.append(f"""
SELECT {index} AS source, survey, stage, channel, indicator,
       CAST(date_trunc('{unit}', CASE WHEN in_range THEN moment END) AS DATE) AS period,
       CASE WHEN in_range THEN 0 WHEN moment IS NOT NULL THEN 3
            WHEN trim(coalesce(said, '')) = '' THEN 1 ELSE 2 END AS date_state,
       score, count(*) AS n,
       min(struct_pack(age := -epoch_us(moment), text := comment, moment := moment))
           FILTER (WHERE in_range AND comment IS NOT NULL) AS verbatim,
       excluded
FROM (SELECT *, coalesce(moment >= TIMESTAMP '{EARLIEST}' AND moment < TIMESTAMP '{LATEST}',
                         false) AS in_range
FROM (SELECT {text("survey")} AS survey, {text("stage")} AS stage,
             {text("channel")} AS channel, {text("indicator")} AS indicator,
             {source.date_sql} AS moment, {text("date")} AS said, {text("score")} AS score,
             nullif(trim({text("verbatim")}), '') AS comment,
             {source.excluded_sql} AS excluded
      FROM {source.relation}))
GROUP BY ALL""")
    return "\nUNION ALL\n".join(parts)


def scan(con: Any, sources: list[Source], period: str) -> list[Group]:
    rows = con.execute(scan_sql(sources, period)).fetchall()
    return [Group(source=r[0], survey=r[1], stage=r[2], channel=r[3], indicator=r[4],
                  period=r[5], date_state=r[6], score=r[7], rows=r[8],
                  verbatim=(r[9]["moment"], r[9]["text"]) if r[9] else None,
                  excluded=r[10])
            for r in rows]


def unreadable_dates(con: Any, source: Source, limit: int = 5) -> list[tuple[str, int]]:
    """The dates of a file that could not be read, the most frequent first, with their
    counts: a second look at that file only, made when the scan found some."""
    said = f"CAST({sql_name(source.columns['date'])} AS VARCHAR)"
    return [(value, int(n)) for value, n in con.execute(
        f"SELECT said, count(*) AS n FROM (SELECT {said} AS said, {source.date_sql} AS moment "
        f"FROM {source.sample_relation}) WHERE moment IS NULL AND trim(coalesce(said, '')) <> '' "
        f"GROUP BY said ORDER BY n DESC, said LIMIT {int(limit)}").fetchall()]


def malformed_lines(con: Any, sources: list[Source]) -> list[tuple[int, int]]:
    """(source, line) of each CSV line DuckDB could not split into the file's columns;
    they are counted and reported, never silently skipped."""
    by_path = {str(s.relation): i for i, s in enumerate(sources)}
    try:
        found = con.execute(
            "SELECT DISTINCT s.file_path, e.line FROM reject_errors e "
            "JOIN reject_scans s ON e.scan_id = s.scan_id AND e.file_id = s.file_id"
        ).fetchall()
    except Exception:  # no CSV was read: DuckDB made no reject tables
        return []
    lines = []
    for path, line in found:
        index = next((i for relation, i in by_path.items() if _quoted(path) in relation), None)
        if index is not None:
            lines.append((index, int(line)))
    return lines


def _quoted(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"
