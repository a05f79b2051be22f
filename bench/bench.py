"""Benchmark omnisheet as a user runs it: whole processes, each against a floor measured in
the same run, side by side. Prints tables only (no assertions); the last one is markdown.

    python bench/bench.py                 # start-up, a real plan, synthetic plans at 1×, 2×, 4×
    python bench/bench.py --quick         # the same at 0.1×, 0.2×, 0.4×
    python bench/bench.py --scales 1,2
    python bench/bench.py --only portfolio   # 100 plans: a folder checked in parallel
    python bench/bench.py --only pressure    # what contact pressure adds to check, at 1×
    python bench/bench.py --only feedback    # survey responses: 2 and 8 million rows in DuckDB
    python bench/bench.py --only engines     # 10 million responses: DuckDB, before this
                                             # branch and now, vs a local Spark (--engine)
    python bench/bench.py --only journeys    # behavioural events: 10 and 100 million, Parquet
    python bench/bench.py --only journeys-engines  # 10 million events: DuckDB before and
                                             # now, the Ibis expression, a local Spark

Wall time by time.perf_counter around the process; peak memory is the child's own
ru_maxrss, read with os.wait4 (no shell, no launcher in between).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PY = sys.executable
OMNI = str(BIN / "omnisheet") if (BIN / "omnisheet").exists() else None
SAMPLE = ROOT / "samples" / "retail-fr.xlsx"
# Children cache their bytecode outside the repo (and even where PYTHONDONTWRITEBYTECODE is
# set), so start-up compares cached imports with cached imports, as an installed tool runs.
PYCACHE = Path(tempfile.gettempdir()) / "omnisheet-bench-pycache"
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CHILD_ENV["PYTHONPYCACHEPREFIX"] = str(PYCACHE)

FLOOR = """
import sys
from python_calamine import CalamineWorkbook
import xlsxwriter
src, dst = sys.argv[1], sys.argv[2]
wb = CalamineWorkbook.from_path(src)
out = xlsxwriter.Workbook(dst, {"constant_memory": True, "strings_to_numbers": False,
                                "strings_to_formulas": False, "strings_to_urls": False})
for name in wb.sheet_names:
    sheet = out.add_worksheet(name[:31])
    for r, row in enumerate(wb.get_sheet_by_name(name).to_python()):
        for c, value in enumerate(row):
            if value == "" or value is None:
                continue
            sheet.write(r, c, value)
out.close()
"""


def omnisheet(*args: str) -> list[str]:
    if OMNI:
        return [OMNI, *args]
    return [PY, "-c", "import sys; from omnisheet.cli import main; sys.exit(main())", *args]


def run_once(cmd: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one process."""
    # Standard error goes to a file: a pipe nobody reads while we wait would fill and stall
    # a child that writes much to it.
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err,
                                env=CHILD_ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        said = err.read()
    if proc.returncode not in (0, 1):  # check exits 1 when it finds something
        # A refusal (exit 2) is no figure: timing it would say a failed run is fast.
        raise SystemExit(f"! {' '.join(cmd)} exited {proc.returncode}: {said[-500:]!r}")
    if said:
        sys.stderr.write(f"! {' '.join(cmd)} said on stderr: {said[-500:]!r}\n")
    return elapsed, usage.ru_maxrss / 1024  # KiB on Linux


def measure_side_by_side(cmds: list[list[str]], reps: int) -> list[tuple[float, float]]:
    """Median time and max peak RSS of each command over `reps` runs, after an untimed
    warm-up when there are several; the runs are interleaved (floor, a, b, floor, a, b...)
    so that a slower or busier moment of the machine weighs on each of them alike."""
    if reps > 1:
        for cmd in cmds:
            run_once(cmd)
    runs: list[list[tuple[float, float]]] = [[] for _ in cmds]
    for _ in range(reps):
        for cmd, kept in zip(cmds, runs, strict=True):
            kept.append(run_once(cmd))
    return [(statistics.median(t for t, _ in kept), max(m for _, m in kept)) for kept in runs]


def fmt_t(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def print_table(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    print("\n".join(lines) + "\n", flush=True)
    return lines


def bench_startup(reps: int) -> list[str]:
    commands = (["--help"], ["--version"], ["checks"])
    (base_t, base_m), *timed = measure_side_by_side(
        [[PY, "-c", "import click"]] + [omnisheet(*args) for args in commands], reps)
    rows = [["`python -c \"import click\"` (floor)", fmt_t(base_t), f"{base_m:.0f} MiB",
             "1.00×", ""]]
    for args, (t, m) in zip(commands, timed, strict=True):
        ratio = t / base_t
        rows.append([f"`omnisheet {' '.join(args)}`", fmt_t(t), f"{m:.0f} MiB",
                     f"{ratio:.2f}×", "ok" if ratio <= 1.5 else "over"])
    return print_table(f"Start-up (median of {reps})",
                       ["command", "time", "peak RSS", "vs floor", "target ≤ 1.5×"], rows)


def bench_sample(reps: int) -> list[str]:
    floor = [PY, "-c", f"import openpyxl; openpyxl.load_workbook({str(SAMPLE)!r})"]
    (base_t, base_m), (t, m) = measure_side_by_side(
        [floor, omnisheet("check", str(SAMPLE), "--format", "json")], reps)
    ratio = t / base_t
    rows = [["openpyxl.load_workbook (floor)", fmt_t(base_t), f"{base_m:.0f} MiB", "1.00×", ""],
            [f"`omnisheet check {SAMPLE.relative_to(ROOT)} --format json`", fmt_t(t),
             f"{m:.0f} MiB", f"{ratio:.2f}×", "ok" if ratio <= 2 else "over"]]
    return print_table(f"A real plan (median of {reps})",
                       ["command", "time", "peak RSS", "vs floor", "target ≤ 2×"], rows)


def bench_large(scales: list[float], reps: int, workdir: Path) -> list[str]:
    floor_py = workdir / "floor.py"
    floor_py.write_text(FLOOR)
    results = []
    for scale in scales:
        big = workdir / f"big-{scale:g}.xlsx"
        gen_start = time.perf_counter()
        subprocess.run([PY, str(ROOT / "bench" / "synthetic.py"), str(big),
                        "--scale", str(scale)], check=True, stdout=subprocess.DEVNULL)
        gen = time.perf_counter() - gen_start
        size = big.stat().st_size / 2**20
        print(f"  generated {big.name} ({size:.1f} MiB) in {gen:.1f} s", flush=True)
        checked = workdir / "big-checked.xlsx"
        # The copy is the same floor over what check writes (its Findings and Dashboard tabs
        # included): what copying the checked workbook's cells costs, checking nothing. It
        # runs after check in each round, on the file check has just written.
        (ft, fm), (ct, cm), (ot, _) = measure_side_by_side([
            [PY, str(floor_py), str(big), str(workdir / "floor-out.xlsx")],
            omnisheet("check", str(big), "-o", str(checked), "--force"),
            [PY, str(floor_py), str(checked), str(workdir / "floor-out.xlsx")],
        ], reps)
        print(f"  {scale:g}×: floor {fmt_t(ft)} {fm:.0f} MiB, check {fmt_t(ct)} {cm:.0f} MiB,"
              f" copying check's output {fmt_t(ot)}", flush=True)
        results.append((scale, size, ft, fm, ct, cm, ot))
        big.unlink()

    rows = []
    first = results[0]
    for scale, size, ft, fm, ct, cm, ot in results:
        grow_t = ct / first[4]
        grow_m = cm / first[5]
        rows.append([f"{scale:g}×", f"{size:.1f} MiB", fmt_t(ft), f"{fm:.0f} MiB", fmt_t(ct),
                     f"{cm:.0f} MiB", f"{ct / ft:.2f}×", f"{cm / fm:.2f}×",
                     f"{ct / ot:.2f}×", f"{grow_t:.2f}× / {grow_m:.2f}×"])
    return print_table(
        f"Large synthetic plans, `check big.xlsx -o big-checked.xlsx` vs calamine→xlsxwriter floor "
        f"(median of {reps}; growth vs {first[0]:g}×)",
        ["scale", "file", "floor time", "floor RSS", "check time", "check RSS",
         "time vs floor", "RSS vs floor", "time vs copying its output",
         "growth time / RSS"], rows)


MEMORY = """
import resource, sys
from omnisheet.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
kib = 1024
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kib,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kib, file=sys.stderr)
"""


def bench_portfolio(count: int, reps: int, workdir: Path) -> list[str]:
    """`count` plans of the French sample's size (made at bench time from the samples with
    small variations, samples/portfolio/build.py): the folder checked with --jobs 2 against
    checking the files one process after another, and the portfolio page against the folder
    check alone."""
    plans = workdir / "plans"
    start = time.perf_counter()
    subprocess.run([PY, str(ROOT / "samples" / "portfolio" / "build.py"), str(plans),
                    "--variations", str(count)], check=True, stdout=subprocess.DEVNULL,
                   cwd=ROOT, env=CHILD_ENV)
    print(f"  wrote {count} plans in {time.perf_counter() - start:.1f} s", flush=True)
    files = sorted(plans.glob("*.xlsx"))
    loop = "; ".join(f"{' '.join(omnisheet('check', str(f)))} >/dev/null" for f in files)
    out = workdir / "out"
    out.mkdir()
    commands = [
        ["sh", "-c", loop + "; exit 0"],
        omnisheet("check", str(plans), "--jobs", "2"),
        omnisheet("report", str(plans), "-o", str(out / "portfolio.html"), "--jobs", "2",
                  "--force"),
    ]
    (seq_t, seq_m), (folder_t, folder_m), (page_t, page_m) = measure_side_by_side(commands,
                                                                                    reps)
    # memory: the parent's own peak and the largest worker's, from inside the process
    sizes = []
    for args in (["check", str(SAMPLE)], ["check", str(plans), "--jobs", "2"]):
        done = subprocess.run([PY, "-c", MEMORY, *args], capture_output=True, text=True,
                              cwd=ROOT, env=CHILD_ENV)
        sizes.append([float(x) for x in done.stderr.split()[-2:]])
    (single, _), (parent, worker) = sizes
    rows = [
        [f"`omnisheet check FILE`, {count} files one after another (floor)", fmt_t(seq_t),
         f"{seq_m:.0f} MiB", "1.00×", ""],
        [f"`omnisheet check FOLDER --jobs 2` ({count} plans)", fmt_t(folder_t),
         f"{folder_m:.0f} MiB", f"{folder_t / seq_t:.2f}×",
         "ok" if folder_t / seq_t <= 0.6 else "over"],
        ["`omnisheet report FOLDER -o portfolio.html --jobs 2`", fmt_t(page_t),
         f"{page_m:.0f} MiB", f"{page_t / folder_t:.2f}× of the folder check",
         "ok" if page_t / folder_t <= 1.2 else "over"],
    ]
    lines = print_table(f"A portfolio of {count} plans (median of {reps}, interleaved)",
                        ["command", "time", "peak RSS", "ratio", "target ≤ 0.6× / ≤ 1.2×"],
                        rows)
    lines += ["", f"Peak RSS: one plan checked alone {single:.0f} MiB; the folder check's "
              f"parent {parent:.0f} MiB, its largest worker {worker:.0f} MiB.", ""]
    print("\n".join(lines[-2:]), flush=True)
    return lines
# The checks that read the pressure model (omnisheet/analysis/pressure.py), and the other checks of
# contact pressure and consent: `check` without them all is the floor they are measured on.
MODEL_CHECKS = ("pressure-over-cap", "pressure-channel-without-cap")
OTHER_CHECKS = ("sequence-too-dense", "message-outside-hours", "consent-not-planned",
                "consent-not-available")


def check_without(codes: tuple[str, ...]) -> str:
    """`omnisheet check` as a child runs it, these checks taken out of the registry."""
    return ("import sys; from omnisheet.analysis.checks import REGISTRY; "
            f"[REGISTRY.pop(code) for code in {codes!r}]; "
            "from omnisheet.cli import main; sys.exit(main())")


def bench_pressure(scale: float, reps: int, workdir: Path) -> list[str]:
    """What contact pressure and consent add to `omnisheet check big.xlsx` (its text
    report, as a user runs it): without their checks, with the pressure model's, with all
    of them; interleaved."""
    big = workdir / f"pressure-{scale:g}.xlsx"
    subprocess.run([PY, str(ROOT / "bench" / "synthetic.py"), str(big), "--scale", str(scale)],
                   check=True, stdout=subprocess.DEVNULL)
    variants = [("without the pressure and consent checks (floor)", MODEL_CHECKS + OTHER_CHECKS),
                ("with the pressure model (`pressure-over-cap`, `-channel-without-cap`)",
                 OTHER_CHECKS),
                ("with every check of contact pressure and consent", ())]
    timed = measure_side_by_side([[PY, "-c", check_without(codes), "check", str(big)]
                                  for _, codes in variants], reps)
    big.unlink()
    (bt, _), *_ = timed
    rows = []
    for (label, _), (t, m) in zip(variants, timed, strict=True):
        added = t / bt - 1
        rows.append([f"`check` at {scale:g}× {label}", fmt_t(t), f"{m:.0f} MiB",
                     "" if t is bt else f"{added:+.1%}",
                     "" if t is bt else ("ok" if added < 0.10 else "over")])
    return print_table(f"Contact pressure on the synthetic plan (median of {reps})",
                       ["command", "time", "peak RSS", "added", "target < 10 %"], rows)


# --- omnisheet feedback: survey responses in DuckDB ---------------------------------------

# One responses export of ROWS rows (about 50 bytes each: 2 million make a 100 MB CSV), as a
# survey tool writes it, on the French sample's touchpoints; DuckDB writes it in a second.
RESPONSES = """
import sys
import duckdb
rows, out = int(sys.argv[1]), sys.argv[2]
stages = ["Je me renseigne", "J'achète", "Je compare", "Je reviens", "Je demande de l'aide"]
channels = ["Site web", "Magasin", "Email", "SMS", "Application mobile"]
quoted = lambda names: "[" + ", ".join("'" + n.replace("'", "''") + "'" for n in names) + "]"
duckdb.connect().execute(f'''
COPY (SELECT
  strftime(TIMESTAMP '2026-01-01' + to_seconds((i * 7919) % (182 * 86400)), '%Y-%m-%d %H:%M:%S')
      AS "Horodatage",
  {quoted(stages)}[1 + CAST(hash(i) % {len(stages)} AS BIGINT)] AS "Étape",
  {quoted(channels)}[1 + CAST(hash(i + 1) % {len(channels)} AS BIGINT)] AS "Canal",
  ['CSAT', 'CES', 'NPS'][1 + i % 3] AS "Indicateur",
  CASE i % 3 WHEN 0 THEN 1 + CAST(hash(i + 2) % 5 AS BIGINT)
             WHEN 1 THEN 1 + CAST(hash(i + 2) % 7 AS BIGINT)
             ELSE CAST(hash(i + 2) % 11 AS BIGINT) END AS "Note",
  CASE WHEN hash(i + 3) % 10 = 0 THEN 'Trop d''attente' END AS "Commentaire"
FROM range({rows}) t(i)) TO '{out}' (HEADER, DELIMITER ';')''')
"""

# The floor: DuckDB alone, grouping the same file by touchpoint, indicator and month.
DUCKDB_FLOOR = """
import sys
import duckdb
duckdb.sql(f'''SELECT "Étape", "Canal", "Indicateur", date_trunc('month', "Horodatage") AS month,
                      count(*), avg("Note")
               FROM read_csv('{sys.argv[1]}') GROUP BY ALL''').fetchall()
"""

# pandas doing the same work as omnisheet feedback, written as an analyst would: the plan
# read (omnisheet's reader), every column read as text (a score may be words), dates parsed,
# stages and channels matched to the plan's names, rows set aside by reason, the answers
# counted per touchpoint, indicator, month and score, each measure's value and interval
# computed from those counts (omnisheet's statistics), the most recent comment among the
# lowest scores, and the result written as JSON.
PANDAS = """
import json
import sys

import pandas as pd

from omnisheet.template import statistics as stats
from omnisheet.template.definition import load_definition
from omnisheet.read.reader import load
from omnisheet.template.text import normalise

path, plan_path = sys.argv[1], sys.argv[2]
definition = load_definition()
plan = load(plan_path)


def names(list_key):
    found = {}
    for value in plan.lists[list_key]:
        found[normalise(value)] = value
        known = definition.list(list_key).value(value)
        if known is not None:
            found.update({normalise(label): value for label in known.labels.values()})
    return found


KINDS = {"csat": (1, 5), "ces": (1, 7), "nps": (0, 10)}
frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
frame["moment"] = pd.to_datetime(frame["Horodatage"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
frame["period"] = frame["moment"].dt.to_period("M")
for column, key in (("Étape", "stage"), ("Canal", "channel")):
    index = names(key)
    frame[key] = frame[column].map({u: index.get(normalise(u)) for u in frame[column].unique()})
frame["kind"] = frame["Indicateur"].map({u: normalise(u) for u in frame["Indicateur"].unique()})
frame["score"] = pd.to_numeric(frame["Note"].str.replace(",", "."), errors="coerce")
low = frame["kind"].map({k: v[0] for k, v in KINDS.items()})
high = frame["kind"].map({k: v[1] for k, v in KINDS.items()})
reason = pd.Series(None, index=frame.index, dtype=object)
reason[frame["moment"].isna()] = "unparseable_date"
reason[reason.isna() & frame["stage"].isna()] = "unknown_stage"
reason[reason.isna() & frame["channel"].isna()] = "unknown_channel"
reason[reason.isna() & frame["score"].isna()] = "empty_score"
reason[reason.isna() & ((frame["score"] < low) | (frame["score"] > high))] = "out_of_scale"
rejected = reason.value_counts().to_dict()
used = frame[reason.isna()]
keys = ["stage", "channel", "kind", "period"]
counts = used.groupby(keys + ["score"], observed=True).size()
said = used[used["Commentaire"].str.strip() != ""].sort_values(["score", "moment"],
                                                               ascending=[True, False])
verbatims = said.groupby(keys, observed=True).head(1)
measures = []
for key, histogram in counts.groupby(level=[0, 1, 2, 3]):
    scores = {float(s): int(n) for s, n in zip(histogram.index.get_level_values(4), histogram)}
    n = sum(scores.values())
    kind = key[2]
    if kind == "nps":
        estimate = stats.nps(sum(c for s, c in scores.items() if s >= 9),
                             sum(c for s, c in scores.items() if s <= 6), n)
    else:
        estimate = stats.mean(scores, bounds=KINDS[kind])
    measures.append({"key": [str(k) for k in key], "value": estimate.value, "answers": n,
                     "low": estimate.low, "high": estimate.high})
json.dump({"measures": measures, "rejected": rejected,
           "verbatims": verbatims[["Commentaire"]].to_dict("records")}, sys.stdout)
"""


def bench_feedback(reps: int, workdir: Path, rows: tuple[int, ...]) -> list[str]:
    """`omnisheet feedback big.csv --format json` against the bare DuckDB query and pandas,
    interleaved (`reps` times at the first size, once at the others), and how its peak
    memory grows with the rows."""
    scripts = {}
    for name, text in (("responses", RESPONSES), ("floor", DUCKDB_FLOOR), ("pandas", PANDAS)):
        scripts[name] = workdir / f"bench_{name}.py"  # not pandas.py: it would hide pandas
        scripts[name].write_text(text)
    lines: list[str] = []
    peaks = []
    for i, count in enumerate(rows):
        big = workdir / f"responses-{count}.csv"
        start = time.perf_counter()
        subprocess.run([PY, str(scripts["responses"]), str(count), str(big)], check=True)
        size = big.stat().st_size / 1e6
        print(f"  generated {big.name} ({size:.0f} MB) in {time.perf_counter() - start:.1f} s",
              flush=True)
        ours = omnisheet("feedback", str(big), "--plan", str(SAMPLE), "--format", "json")
        runs = reps if i == 0 else 1  # the larger sizes once: pandas alone takes a while
        (ft, fm), (ot, om), (pt, pm) = measure_side_by_side(
            [[PY, str(scripts["floor"]), str(big)], ours,
             [PY, str(scripts["pandas"]), str(big), str(SAMPLE)]], runs)
        table = [["DuckDB's query alone (floor)", fmt_t(ft), f"{fm:.0f} MiB", "1.00×", ""],
                 ["`omnisheet feedback big.csv --plan samples/retail-fr.xlsx --format json`",
                  fmt_t(ot), f"{om:.0f} MiB", f"{ot / ft:.2f}×",
                  "ok" if ot / ft <= 2 else "over"],
                 ["pandas `read_csv` + `groupby`, the same work", fmt_t(pt), f"{pm:.0f} MiB",
                  f"{pt / ft:.2f}×",
                  f"omnisheet {pt / ot:.1f}× faster: " + ("ok" if pt / ot >= 4 else "under")]]
        lines += print_table(
            f"Survey responses: {count:,} rows, {size:.0f} MB CSV (median of {runs})",
            ["command", "time", "peak RSS", "vs floor", "target: ≤ 2× the floor, "
             "≥ 4× faster than pandas"], table) + [""]
        peaks.append((count, size, ot, om))
        big.unlink()
    first = peaks[0]
    table = [[f"{count:,}", f"{size:.0f} MB", fmt_t(t), f"{m:.0f} MiB",
              f"{m / first[3]:.2f}× for {count / first[0]:.0f}× the rows",
              "ok" if m < 500 and (count == first[0] or m / first[3] < count / first[0])
              else "over"]
             for count, size, t, m in peaks]
    lines += print_table(
        "Survey responses: peak memory of `omnisheet feedback --format json` as rows grow",
        ["rows", "CSV", "time", "peak RSS", "growth", "target: < 500 MiB, less than linear"],
        table)
    return lines


# --- the same responses on DuckDB and on a local Spark ---------------------------------------

# The responses of RESPONSES as a warehouse holds them: Parquet, the moment a timestamp.
RESPONSES_PARQUET = RESPONSES.replace(
    "strftime(TIMESTAMP '2026-01-01' + to_seconds((i * 7919) % (182 * 86400)), "
    "'%Y-%m-%d %H:%M:%S')", "TIMESTAMP '2026-01-01' + to_seconds((i * 7919) % (182 * 86400))"
).replace("(HEADER, DELIMITER ';')", "(FORMAT parquet)")

# omnisheet as it was before --engine, run from a copy of that commit's package.
BEFORE_ENGINES = "b749358"


def _before(rev: str, workdir: Path) -> list[str] | None:
    """The command line of omnisheet at `rev` (its package copied out of git), or None."""
    target = workdir / f"omnisheet-{rev}"
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "omnisheet",
                              "workbook_templates"], capture_output=True)
    if archive.returncode != 0:
        return None
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return [PY, "-c", f"import sys; sys.path.insert(0, {str(target)!r}); "
            "from omnisheet.cli import main; sys.exit(main())"]


def engine_rows(command: str, data: Path, what: str, args: list[str], before_rev: str,
                reps: int, workdir: Path) -> list[list[str]]:
    """The rows of an engines table: `omnisheet COMMAND data ARGS` on DuckDB (the default)
    at `before_rev`, before --engine existed, and now (interleaved, median of `reps`), then
    the same data through the Ibis expression on DuckDB and on a local Spark session
    (`--engine ... --table FILE`: read where it is), once each, against the first."""
    now = omnisheet(command, str(data), *args)
    before = _before(before_rev, workdir)
    cmds = ([[*before, command, str(data), *args]] if before else []) + [now]
    timed = measure_side_by_side(cmds, reps)
    (bt, bm), (nt, nm) = timed if before else ((float("nan"), 0.0), timed[0])
    ibis_t, ibis_m = run_once(omnisheet(command, "--engine", "duckdb://", "--table",
                                        str(data), *args))
    spark_t, spark_m = run_once(omnisheet(command, "--engine", "local[2]", "--table",
                                          str(data), *args))
    return [[f"DuckDB, {what} (the default) before --engine ({before_rev})", fmt_t(bt),
             f"{bm:.0f} MiB", "1.00×", ""],
            [f"DuckDB, {what} (the default) now", fmt_t(nt), f"{nm:.0f} MiB",
             f"{nt / bt:.2f}×", "ok" if nt / bt <= 1.1 else "over"],
            ["`--engine duckdb:// --table FILE` (the Ibis expression on DuckDB)",
             fmt_t(ibis_t), f"{ibis_m:.0f} MiB", f"{ibis_t / bt:.2f}×", ""],
            ["`--engine local[2] --table FILE` (a local Spark session, JVM not in RSS)",
             fmt_t(spark_t), f"{spark_m:.0f} MiB", f"{spark_t / bt:.2f}×", ""]]


def bench_engines(rows: int, reps: int, workdir: Path) -> list[str]:
    """`omnisheet feedback` on `rows` responses in Parquet: DuckDB (the default) before
    --engine existed and now, the same Ibis expression on DuckDB, and a local Spark
    session (`--engine local[2] --table FILE`: Spark reads the file where it is)."""
    script = workdir / "bench_responses_parquet.py"
    script.write_text(RESPONSES_PARQUET)
    big = workdir / f"responses-{rows}.parquet"
    start = time.perf_counter()
    subprocess.run([PY, str(script), str(rows), str(big)], check=True)
    print(f"  generated {big.name} ({big.stat().st_size / 1e6:.0f} MB) in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    args = ["--plan", str(SAMPLE), "--format", "json"]
    table = engine_rows("feedback", big, "files", args, BEFORE_ENGINES, reps, workdir)
    session = [PY, "-c", "from omnisheet.engine.connect import spark_session; "
               "spark_session('local[2]').range(1).count()"]
    start_t, _ = run_once(session)
    table += [["of which a local Spark session starting (and one tiny job)", fmt_t(start_t),
               "", "", ""]]
    lines = print_table(
        f"Survey responses on one machine: {rows:,} rows of Parquet "
        f"(DuckDB median of {reps}, the others once)",
        ["command", "time", "peak RSS", "vs DuckDB before", "target: now ≤ 1.1× before"],
        table)
    big.unlink()
    return lines


#: The parts of the benchmark, in the order they run.
PARTS = ["startup", "sample", "portfolio", "pressure", "large", "feedback", "engines",
         "journeys", "journeys-engines"]


def _journeys(reps: int, workdir: Path, sizes: tuple[int, ...]) -> list[str]:
    from bench_journeys import bench_journeys

    return bench_journeys(reps, workdir, sizes, py=PY, sample=SAMPLE, omnisheet=omnisheet,
                          measure=measure_side_by_side, table=print_table, fmt_t=fmt_t)


def _journeys_engines(count: int, reps: int, workdir: Path) -> list[str]:
    from bench_journeys import bench_journeys_engines

    return bench_journeys_engines(count, reps, workdir, py=PY, sample=SAMPLE,
                                  engine_rows=engine_rows, table=print_table)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark omnisheet (prints tables).")
    parser.add_argument("--quick", action="store_true", help="scales 0.1, 0.2, 0.4")
    parser.add_argument("--scales", default=None, help="comma-separated, default 1,2,4")
    parser.add_argument("--reps", type=int, default=11, help="repetitions of short runs")
    parser.add_argument("--large-reps", type=int, default=None,
                        help="repetitions of large runs (default 3 quick, 1 full)")
    parser.add_argument("--portfolio-plans", type=int, default=100,
                        help="plans in the portfolio benchmark (default 100)")
    parser.add_argument("--portfolio-reps", type=int, default=3,
                        help="repetitions of the portfolio runs (default 3)")
    parser.add_argument("--pressure-reps", type=int, default=5,
                        help="repetitions of check with and without the pressure checks, on "
                             "the 1× plan")
    parser.add_argument("--feedback-rows", default=None,
                        help="comma-separated response counts, default 2000000,8000000 "
                             "(200000,800000 with --quick)")
    parser.add_argument("--feedback-reps", type=int, default=5,
                        help="repetitions of the responses runs")
    parser.add_argument("--engine-rows", type=int, default=None,
                        help="responses in the engines part, default 10000000 (1000000 "
                             "with --quick)")
    parser.add_argument("--engine-reps", type=int, default=3,
                        help="repetitions of the DuckDB runs of the engines part")
    parser.add_argument("--events", default=None,
                        help="comma-separated event counts, default 10000000,100000000 "
                             "(1000000,10000000 with --quick)")
    parser.add_argument("--events-reps", type=int, default=3,
                        help="repetitions of the events runs at the first size")
    parser.add_argument("--engine-events", type=int, default=None,
                        help="events in the journeys-engines part, default 10000000 "
                             "(1000000 with --quick)")
    parser.add_argument("--only", choices=PARTS, action="append", default=None,
                        help="run this part only (repeatable; default: every part)")
    args = parser.parse_args(argv)
    rows = tuple(int(n) for n in (args.feedback_rows or (
        "200000,800000" if args.quick else "2000000,8000000")).split(","))
    sizes = tuple(int(n) for n in (args.events or (
        "1000000,10000000" if args.quick else "10000000,100000000")).split(","))
    scales = [float(s) for s in (args.scales or ("0.1,0.2,0.4" if args.quick else "1,2,4"))
              .split(",")]
    large_reps = args.large_reps or (3 if args.quick else 1)
    wanted = args.only or PARTS

    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs\n")
    report: list[str] = []
    with tempfile.TemporaryDirectory(prefix="omnisheet-bench-") as tmp:
        runs = {
            "startup": lambda: bench_startup(args.reps),
            "sample": lambda: bench_sample(args.reps),
            "portfolio": lambda: bench_portfolio(args.portfolio_plans, args.portfolio_reps,
                                                 Path(tmp) / "portfolio"),
            "pressure": lambda: bench_pressure(0.4 if args.quick else 1.0, args.pressure_reps,
                                               Path(tmp)),
            "large": lambda: bench_large(scales, large_reps, Path(tmp)),
            "feedback": lambda: bench_feedback(args.feedback_reps, Path(tmp), rows),
            "engines": lambda: bench_engines(
                args.engine_rows or (1_000_000 if args.quick else 10_000_000),
                args.engine_reps, Path(tmp)),
            "journeys": lambda: _journeys(args.events_reps, Path(tmp), sizes),
            "journeys-engines": lambda: _journeys_engines(
                args.engine_events or (1_000_000 if args.quick else 10_000_000),
                args.engine_reps, Path(tmp)),
        }
        for part in PARTS:
            if part in wanted:
                report += runs[part]() + [""]
    print("## Summary (markdown)\n")
    print("\n".join(report))


if __name__ == "__main__":
    main()
