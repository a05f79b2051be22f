"""`make bench`'s events part (bench/bench.py --only journeys): `omnisheet journeys` on 10
and 100 million events in Parquet against a bare DuckDB query computing the same
aggregates, written plainly below; peak memory, and how time grows with the events."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

EVENT_NAMES = ["view_item_list", "view_item", "add_to_wishlist", "purchase", "order_tracking",
               "view_guide", "contact_form", "write_review"]
EVENT_CHANNELS = ["web", "app", "email", "store"]

# N events of N/25 customers over March 2026, as a generic events export (a customer key, a
# moment, an event name, a channel), written by DuckDB straight to Parquet.
EVENTS_GEN = """
import sys, duckdb
n, path = int(sys.argv[1]), sys.argv[2]
customers = max(n // 25, 1)
names, channels = NAMES, CHANNELS
duckdb.connect().execute(
    "COPY (SELECT 'C' || CAST(hash(i) % " + str(customers) + " AS VARCHAR) AS customer_id, "
    "TIMESTAMP '2026-03-01' + to_microseconds(CAST(hash(i * 7 + 1) % 2678400000000 AS BIGINT)) "
    "AS event_time, " + str(names) + "[1 + CAST(hash(i * 13 + 5) % 8 AS INT)] AS event_name, "
    + str(channels) + "[1 + CAST(hash(i * 17 + 3) % 4 AS INT)] AS channel "
    "FROM range(" + str(n) + ") t(i)) TO '" + path + "' (FORMAT parquet)")
""".replace("NAMES", repr(EVENT_NAMES)).replace("CHANNELS", repr(EVENT_CHANNELS))

# The same aggregates as `omnisheet journeys --format json`, written plainly: events mapped
# to stage and channel numbers, one window over each customer's events, then the group-bys.
# Quantiles from ranks, as omnisheet computes them: DuckDB's quantile_cont holds every delay
# of a group in memory, 3.4 GiB at 10 million events, and runs out of memory further on.
FLOOR_SQL = """
WITH ev AS (
  SELECT customer_id AS customer, event_time AS moment, m.stage, c.channel,
         CAST(date_trunc('month', event_time) AS DATE) AS period
  FROM read_parquet('PATH') e
  JOIN (VALUES ('view_item_list', 0), ('view_item', 1), ('add_to_wishlist', 2),
               ('purchase', 3), ('order_tracking', 4), ('view_guide', 5), ('contact_form', 6),
               ('write_review', 7)) m(event, stage) ON m.event = e.event_name
  JOIN (VALUES ('web', 0), ('app', 1), ('email', 2), ('store', 6)) c(word, channel)
    ON c.word = e.channel),
steps AS (
  SELECT *, lead(stage) OVER w AS next_stage, lead(channel) OVER w AS next_channel,
         epoch(lead(moment) OVER w) - epoch(moment) AS delay,
         min(channel) OVER (PARTITION BY customer, period, stage)
           <> max(channel) OVER (PARTITION BY customer, period, stage) AS several_here,
         min(channel) OVER (PARTITION BY customer, period)
           <> max(channel) OVER (PARTITION BY customer, period) AS several,
         row_number() OVER (PARTITION BY customer, stage ORDER BY moment, channel) = 1
           AS arrival,
         max(stage) OVER (PARTITION BY customer ORDER BY moment
                          RANGE BETWEEN CURRENT ROW AND INTERVAL 7 DAY FOLLOWING) AS furthest
  FROM ev WINDOW w AS (PARTITION BY customer ORDER BY moment, stage, channel))
SELECT 'traffic', period, stage, channel, NULL::INT, NULL::INT, NULL::INT, NULL::DATE, count(*),
       count(DISTINCT customer), NULL::BIGINT, NULL::DOUBLE, NULL::DOUBLE
  FROM steps GROUP BY period, stage, channel
UNION ALL SELECT 'stage', period, stage, NULL, NULL, NULL, NULL, NULL, count(*),
       count(DISTINCT customer), count(DISTINCT customer) FILTER (WHERE several_here), NULL, NULL
  FROM steps GROUP BY period, stage
UNION ALL SELECT 'period', period, NULL, NULL, NULL, NULL, NULL, NULL, count(*),
       count(DISTINCT customer), count(DISTINCT customer) FILTER (WHERE several), NULL, NULL
  FROM steps GROUP BY period
UNION ALL SELECT 'switch', period, stage, channel, next_stage, next_channel, weekday, NULL,
       count(*), count(DISTINCT customer), NULL,
       CASE WHEN GROUPING(weekday) = 0 THEN
         min(delay) FILTER (WHERE rd = floor(0.5 * (nd - 1))) + (0.5 * (count(*) - 1)
           - floor(0.5 * (count(*) - 1))) * (min(delay) FILTER (WHERE rd = ceil(0.5 * (nd - 1)))
           - min(delay) FILTER (WHERE rd = floor(0.5 * (nd - 1))))
       ELSE
         min(delay) FILTER (WHERE ra = floor(0.5 * (na - 1))) + (0.5 * (count(*) - 1)
           - floor(0.5 * (count(*) - 1))) * (min(delay) FILTER (WHERE ra = ceil(0.5 * (na - 1)))
           - min(delay) FILTER (WHERE ra = floor(0.5 * (na - 1))))
       END,
       CASE WHEN GROUPING(weekday) = 0 THEN
         min(delay) FILTER (WHERE rd = floor(0.9 * (nd - 1))) + (0.9 * (count(*) - 1)
           - floor(0.9 * (count(*) - 1))) * (min(delay) FILTER (WHERE rd = ceil(0.9 * (nd - 1)))
           - min(delay) FILTER (WHERE rd = floor(0.9 * (nd - 1))))
       ELSE
         min(delay) FILTER (WHERE ra = floor(0.9 * (na - 1))) + (0.9 * (count(*) - 1)
           - floor(0.9 * (count(*) - 1))) * (min(delay) FILTER (WHERE ra = ceil(0.9 * (na - 1)))
           - min(delay) FILTER (WHERE ra = floor(0.9 * (na - 1))))
       END
  FROM (SELECT *,
          row_number() OVER (PARTITION BY period, stage, channel, next_stage, next_channel
                             ORDER BY delay) - 1 AS ra,
          count(*) OVER (PARTITION BY period, stage, channel, next_stage, next_channel) AS na,
          row_number() OVER (PARTITION BY period, stage, channel, next_stage, next_channel,
                             weekday ORDER BY delay) - 1 AS rd,
          count(*) OVER (PARTITION BY period, stage, channel, next_stage, next_channel,
                         weekday) AS nd
        FROM (SELECT *, isodow(moment) AS weekday FROM steps WHERE next_stage IS NOT NULL
              AND (next_stage <> stage OR next_channel <> channel)))
  GROUP BY GROUPING SETS ((period, stage, channel), (period, stage, channel, next_stage,
           next_channel), (period, stage, channel, next_stage, next_channel, weekday))
UNION ALL SELECT 'arrival', period, stage, channel, NULL, NULL, NULL, CAST(moment AS DATE),
       count(*),
       count(*), count(*) FILTER (WHERE furthest > stage), NULL, NULL
  FROM steps WHERE arrival AND stage < 7 GROUP BY period, stage, channel, CAST(moment AS DATE)
UNION ALL SELECT 'all', NULL, NULL, NULL, NULL, NULL, NULL, NULL, count(*),
       count(DISTINCT customer),
       NULL, NULL, NULL FROM ev
"""

# DuckDB spills beside the events (the bench's own folder), not into the checkout's .tmp,
# where a run stopped half-way left gigabytes.
FLOOR = """
import os, sys, duckdb
spill = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "floor-spill")
con = duckdb.connect(config={"temp_directory": spill})
rows = con.execute(SQL.replace("PATH", sys.argv[1])).fetchall()
print(len(rows))
""".replace("SQL", repr(FLOOR_SQL))

# The French sample with an Events tab naming the generated events, any source.
PLAN = """
import sys
from omnisheet.outputs.workbook import write
from omnisheet.plan.model import TABLE_RECORDS
from omnisheet.read.reader import load
plan = load(sys.argv[1])
rule = TABLE_RECORDS["events"]
stages = [s for s in plan.stages if s is not None]
write(plan.with_changes(events=tuple(rule(event=e, stage=stages[i])
                                     for i, e in enumerate(NAMES))), sys.argv[2])
""".replace("NAMES", repr(EVENT_NAMES))


def _prepared(workdir: Path, py: str, sample: Path) -> tuple[dict[str, Path], Path]:
    """The bench's scripts written out, and the sample plan given its Events tab."""
    scripts = {}
    for name, text in (("events", EVENTS_GEN), ("floor", FLOOR), ("plan", PLAN)):
        scripts[name] = workdir / f"bench_journeys_{name}.py"
        scripts[name].write_text(text)
    plan = workdir / "lumen-events.xlsx"
    subprocess.run([py, str(scripts["plan"]), str(sample), str(plan)], check=True)
    return scripts, plan


def _events(workdir: Path, py: str, script: Path, count: int) -> tuple[Path, float]:
    """`count` events generated into Parquet: the file and its size in MB."""
    events = workdir / f"events-{count}.parquet"
    start = time.perf_counter()
    subprocess.run([py, str(script), str(count), str(events)], check=True)
    size = events.stat().st_size / 1e6
    print(f"  generated {events.name} ({size:.0f} MB) in {time.perf_counter() - start:.1f} s",
          flush=True)
    return events, size


def bench_journeys(reps: int, workdir: Path, sizes: tuple[int, ...], *, py: str,
                   sample: Path, omnisheet: Callable[..., list[str]],
                   measure: Callable, table: Callable, fmt_t: Callable) -> list[str]:
    scripts, plan = _prepared(workdir, py, sample)
    lines: list[str] = []
    found = []
    for i, count in enumerate(sizes):
        events, size = _events(workdir, py, scripts["events"], count)
        runs = reps if i == 0 else 1
        (ft, fm), (ot, om) = measure(
            [[py, str(scripts["floor"]), str(events)],
             omnisheet("journeys", str(events), "--plan", str(plan), "--format", "json")], runs)
        lines += table(
            f"Events: {count:,}, {size:.0f} MB of Parquet (median of {runs})",
            ["command", "time", "peak RSS", "vs floor", "target: ≤ 2× the floor, < 2 GiB"],
            [["DuckDB's query of the same aggregates alone (floor)", fmt_t(ft), f"{fm:.0f} MiB",
              "1.00×", ""],
             ["`omnisheet journeys events.parquet --plan … --format json`", fmt_t(ot),
              f"{om:.0f} MiB", f"{ot / ft:.2f}×",
              "ok" if ot / ft <= 2 and om < 2048 else "over"]]) + [""]
        found.append((count, ot, om))
        events.unlink()
    first = found[0]
    lines += table(
        "Events: time of `omnisheet journeys` as events grow",
        ["events", "time", "peak RSS", "growth", "target: no faster than the events"],
        [[f"{count:,}", fmt_t(t), f"{m:.0f} MiB",
          f"{t / first[1]:.2f}× the time for {count / first[0]:.0f}× the events",
          "ok" if count == first[0] or t / first[1] <= count / first[0] * 1.1 else "over"]
         for count, t, m in found])
    return lines


#: The last commit of `omnisheet journeys` before it could run on an engine.
BEFORE_ENGINES = "5db8389"


def bench_journeys_engines(count: int, reps: int, workdir: Path, *, py: str, sample: Path,
                           engine_rows: Callable[..., list[list[str]]],
                           table: Callable) -> list[str]:
    """`omnisheet journeys` on `count` events in Parquet: the default (DuckDB's statement
    over the file) before --engine existed and now, then the portable Ibis expression on
    DuckDB and on a local Spark session reading the same file where it is."""
    scripts, plan = _prepared(workdir, py, sample)
    events, size = _events(workdir, py, scripts["events"], count)
    rows = engine_rows("journeys", events, "the file", ["--plan", str(plan), "--format", "json"],
                       BEFORE_ENGINES, reps, workdir)
    events.unlink()
    return table(f"Events on one machine: {count:,}, {size:.0f} MB of Parquet "
                 f"(DuckDB median of {reps}, the others once)",
                 ["command", "time", "peak RSS", "vs DuckDB before",
                  "target: now ≤ 1.1× before"], rows)
