"""Run `omnisheet check` as a user would on every file of the shared real-file corpus.

The corpus (``../shared/corpus`` beside the repository: 826 files written by Excel,
LibreOffice, Google Sheets, Numbers, POI and others, see its SOURCES.md) is used in place,
never copied here. Each file gets ``check FILE --format json`` in its own bounded child
process; where that reads the file (exit 0 or 1), ``check FILE -o OUT --format json`` too.
The rule every file must meet: exit 0 or 1 with valid JSON, or exit 2 with exactly one
line on stderr that names the file and says, in a user's words, what is wrong and what to
do — no exception name, no parser message, no "unexpected error".

``tests/test_corpus.py`` asserts the rule; run this file (``make corpus``) for the figures
docs/safety.md quotes: outcomes by kind, the slowest file, the peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # support.bounded

from support.bounded import Run, run_bounded  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
NOT_SPREADSHEETS = {"MANIFEST.tsv", "SOURCES.md"}

TIME_LIMIT = 60.0
"""Wall seconds before a child is killed (and the file reported as hanging)."""
MEMORY_LIMIT_MIB = 1024
"""Address space of each child: a check that needs more is killed, not the machine."""
CPU_BUDGET = 2.0
"""CPU seconds any file may take to be checked or refused (the issue's "2 s")."""
PEAK_BUDGET_MIB = 100.0
"""Peak resident memory any file may take to be checked or refused (the issue's "100 MiB"),
beyond twice what its parts inflate to: a workbook that is read holds its values twice
for a moment, python-calamine's copy and Python's (57 MB of text in
sheetjs/large_strings.xlsx: 140 MiB)."""

# What a user must never read: exception names, parser messages, a bug's apology.
LEAKS = re.compile(
    r"Traceback|unexpected error|OMNISHEET_DEBUG"
    r"|\b[A-Z][A-Za-z]*(?:Error|Exception|Panic|NotFound|Warning)\b"
    r"|\b(?:calamine|openpyxl|xlsxwriter|zipfile|expat|pyo3|panicked)\b"
    r"|Expecting '|Unrecognized|BytesText|\bsheet:type\b",
)

# How a refusal is counted in the figures, from its words (first match wins).
REFUSALS: tuple[tuple[str, str], ...] = (
    ("no plan in it", r"holds no (?:omnichannel )?plan|no plan in it|none of the plan's tabs"),
    ("password-protected", r"password"),
    ("an old format, named", r"legacy|old spreadsheet format|Excel 2003 XML|flat OpenDocument|"
                             r"Gnumeric|format file"),
    ("Excel binary (.xlsb)", r"\.xlsb"),
    ("Apple Numbers", r"Numbers"),
    ("damaged", r"damaged|incomplete|could not be read"),
    ("hostile or over a limit", r"zip bomb|too large|limit|attack|tampered"),
    ("not a spreadsheet", r"not a spreadsheet|not a workbook|no spreadsheet|zip archive|"
                          r"web page|CSV|PDF|Word|PowerPoint|XML or markup|gzip"),
)


@dataclass
class Outcome:
    """One corpus file: its check, and its check -o where the check read it."""

    path: Path
    check: Run
    written: Run | None = None
    output_exists: bool = False
    inflated_mib: float = 0.0  # what its zip entries inflate to, 0 for other files

    @property
    def name(self) -> str:
        return str(self.path.relative_to(CORPUS))


def corpus_files(root: Path = CORPUS) -> list[Path]:
    """Every spreadsheet file of the corpus, sorted (its two notes left out)."""
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and p.name not in NOT_SPREADSHEETS)


def check_file(path: Path, scratch: Path) -> Outcome:
    """`check --format json`, then `check -o` into `scratch` when the first read the file."""
    limits = {"memory_mib": MEMORY_LIMIT_MIB, "cpu_seconds": int(TIME_LIMIT),
              "timeout": TIME_LIMIT}
    outcome = Outcome(path, run_bounded("check", str(path), "--format", "json", **limits),
                      inflated_mib=inflated_mib(path))
    if outcome.check.returncode in (0, 1):
        out = scratch / (path.relative_to(CORPUS).as_posix().replace("/", "__") + ".xlsx")
        outcome.written = run_bounded("check", str(path), "-o", str(out), "--format", "json",
                                      **limits)
        outcome.output_exists = out.is_file() and out.stat().st_size > 0
        out.unlink(missing_ok=True)
    return outcome


def inflated_mib(path: Path) -> float:
    """What a zip's entries declare they inflate to, in MiB (0 when it is not a zip)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist()) / 2**20
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return 0.0


def run_corpus(paths: Iterable[Path], jobs: int = 2,
               progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Check every path, `jobs` children at a time (threads only wait on them)."""
    with tempfile.TemporaryDirectory(prefix="omnisheet-corpus-") as scratch, \
            ThreadPoolExecutor(max_workers=jobs) as pool:
        outcomes = []
        for outcome in pool.map(lambda p: check_file(p, Path(scratch)), paths):
            outcomes.append(outcome)
            if progress:
                progress(outcome)
        return outcomes


def rule_broken(path: Path, run: Run) -> str | None:
    """Why a run breaks the rule (a normal result or one human line), or None."""
    if run.timed_out:
        return f"killed after {TIME_LIMIT:.0f} s"
    if run.returncode in (0, 1):
        try:
            json.loads(run.stdout)
        except ValueError:
            return f"exit {run.returncode} without valid JSON: {run.stdout[:200]!r}"
        if run.stderr.strip():
            return f"exit {run.returncode} with text on stderr: {run.stderr[:300]!r}"
        return None
    if run.returncode != 2:
        return f"exit {run.returncode}: {run.stderr[-300:]!r}"
    lines = run.stderr.splitlines()
    if len(lines) != 1:
        return f"{len(lines)} lines on stderr: {run.stderr[:300]!r}"
    prefix = f"omnisheet: {path}: "
    if not lines[0].startswith(prefix):
        return f"the line does not name the file first: {lines[0]!r}"
    leak = LEAKS.search(lines[0].removeprefix(prefix))
    if leak:
        return f"the line leaks {leak.group(0)!r}: {lines[0]!r}"
    return None


def problems(outcome: Outcome) -> list[str]:
    """Every way this file breaks the rule or the budgets, each in one line."""
    found = []
    peak_budget = PEAK_BUDGET_MIB + 2 * outcome.inflated_mib
    runs = [("check", outcome.check)]
    if outcome.written is not None:
        runs.append(("check -o", outcome.written))
    for command, run in runs:
        broken = rule_broken(outcome.path, run)
        if broken:
            found.append(f"{command}: {broken}")
        if run.cpu_seconds > CPU_BUDGET:
            found.append(f"{command}: {run.cpu_seconds:.2f} s of CPU, over {CPU_BUDGET} s")
        if run.peak_mib > peak_budget:
            found.append(f"{command}: peak {run.peak_mib:.0f} MiB, over {peak_budget:.0f} MiB")
    if outcome.written and outcome.written.returncode in (0, 1) and not outcome.output_exists:
        found.append("check -o: exit 0/1 but no checked workbook written")
    return [f"{outcome.name}: {problem}" for problem in found]


def kind(outcome: Outcome) -> str:
    """The outcome in a user's terms, for the figures."""
    run = outcome.check
    if run.returncode == 0:
        return "read: nothing at or above error (exit 0)"
    if run.returncode == 1:
        return "read: findings (exit 1)"
    if run.returncode == 2:
        for label, words in REFUSALS:
            if re.search(words, run.stderr):
                return f"refused: {label} (exit 2)"
        return "refused: other (exit 2)"
    return f"broken: exit {run.returncode}"


def figures(outcomes: list[Outcome], seconds: float, jobs: int) -> str:
    """The corpus figures docs/safety.md quotes, as Markdown."""
    kinds = Counter(kind(o) for o in outcomes)
    slowest = max(outcomes, key=lambda o: o.check.cpu_seconds)
    slowest_wall = max(outcomes, key=lambda o: o.check.wall_seconds)
    biggest = max(outcomes, key=lambda o: o.check.peak_mib)
    written = [o for o in outcomes if o.written is not None]
    broken = [p for o in outcomes for p in problems(o)]
    lines = [
        f"{len(outcomes)} files, {seconds:.0f} s with {jobs} at a time "
        f"({len(written)} also written with -o)",
        "",
        "| Outcome of `check FILE --format json` | Files |",
        "|---|---:|",
        *(f"| {k} | {n} |" for k, n in sorted(kinds.items(), key=lambda kn: (-kn[1], kn[0]))),
        "",
        f"- slowest (CPU): {slowest.name}, {slowest.check.cpu_seconds:.2f} s "
        f"({slowest.check.wall_seconds:.2f} s wall)",
        f"- slowest (wall): {slowest_wall.name}, {slowest_wall.check.wall_seconds:.2f} s",
        f"- peak memory: {biggest.name}, {biggest.check.peak_mib:.0f} MiB",
    ]
    others = [o for o in outcomes if o is not biggest]
    if others:
        next_biggest = max(others, key=lambda o: o.check.peak_mib)
        lines.append(f"- peak memory of all the others: {next_biggest.name}, "
                     f"{next_biggest.check.peak_mib:.0f} MiB")
    if written:
        slow = max(written, key=lambda o: o.written.cpu_seconds)  # type: ignore[union-attr]
        big = max(written, key=lambda o: o.written.peak_mib)  # type: ignore[union-attr]
        lines += [
            f"- check -o, slowest: {slow.name}, {slow.written.cpu_seconds:.2f} s CPU; "  # type: ignore[union-attr]
            f"peak memory: {big.name}, {big.written.peak_mib:.0f} MiB",  # type: ignore[union-attr]
        ]
    lines += ["", f"{len(broken)} problems" + (":" if broken else ""), *broken]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="files (default: the whole corpus)")
    parser.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print each file's exit code and first stderr line")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    paths = [p.resolve() for p in args.paths] or corpus_files()

    def show(outcome: Outcome) -> None:
        if args.verbose:
            run = outcome.check
            print(f"{run.returncode} {run.cpu_seconds:5.2f}s {run.peak_mib:4.0f}M "
                  f"{outcome.name}  {run.stderr.strip()[:220]}", flush=True)

    started = time.perf_counter()
    outcomes = run_corpus(paths, args.jobs, show)
    print(figures(outcomes, time.perf_counter() - started, args.jobs))
    return 1 if any(problems(o) for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
