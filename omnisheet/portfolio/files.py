"""Which files of the paths given are plans to check.

Folders are searched through (hidden folders such as `.git` excepted) for `.xlsx`, `.xlsm`
and `.ods` files. Left out, and said:

* lock files: Excel's `~$plan.xlsx` and LibreOffice's `.~lock.plan.xlsx#`. They mean
  someone has the plan open, so the plan beside one is noted as open elsewhere (it is
  checked as last saved). Hidden files (omnisheet's own half-written `.NAME.xxxx.tmp`) are
  left out silently.
* omnisheet's own outputs, recognised by the mark omnisheet writes into every workbook it
  outputs (a custom document property, `omnisheet-output`, which Excel and LibreOffice
  keep): the portfolio workbook always; a checked workbook when the plan it was checked
  from (`omnisheet-source`, its file name) is in the same run, since it would count that
  plan twice. A checked workbook whose plan is not there is the team's plan, filled on
  in the checked copy, and is checked.

The same rules apply to files named one by one, so that `omnisheet check plans/*.xlsx`
behaves as `omnisheet check plans/`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..outputs.workbook.marks import CHECKED, PORTFOLIO, read_mark

SUFFIXES = (".xlsx", ".xlsm", ".ods")


@dataclass(frozen=True)
class PlanFile:
    """A file to check: its path as the user will read it, and its short name in the
    comparison (unique within the run)."""

    path: Path
    name: str


@dataclass(frozen=True)
class Skipped:
    """A file left out: `reason` is `lock_file` or `omnisheet_output`; `plan` the plan a
    lock file belongs to, or the plan a checked workbook was checked from."""

    path: Path
    reason: str
    plan: str | None = None


@dataclass(frozen=True)
class Found:
    plans: tuple[PlanFile, ...]
    skipped: tuple[Skipped, ...]
    missing: tuple[Path, ...]  # paths given that do not exist
    unfit: tuple[Path, ...] = ()  # not a regular file once links are followed: never read

    @property
    def open_elsewhere(self) -> tuple[str, ...]:
        """The names of plans a lock file says are open in a spreadsheet program, in the
        plans' order."""
        locked = {(s.path.parent, s.plan.casefold()) for s in self.skipped
                  if s.reason == "lock_file" and s.plan}
        return tuple(p.name for p in self.plans
                     if (p.path.parent, p.path.name.casefold()) in locked)


def lock_target(name: str) -> str | None:
    """The file a lock file locks ("~$plan.xlsx", ".~lock.plan.xlsx#" → "plan.xlsx"), or
    None when `name` is no lock file. Excel drops a long name's first two letters
    ("~$an-france.xlsx" for "plan-france.xlsx"); the caller matches either form."""
    if name.startswith("~$"):
        return name[2:]
    if name.startswith(".~lock.") and name.endswith("#"):
        return name[len(".~lock."):-1]
    return None


def is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def find_plans(paths: Sequence[Path]) -> Found:
    """The plans among `paths` (files and folders), in a stable order: each path in the
    order given, a folder's files sorted by their path within it."""
    candidates: list[Path] = []
    locks: list[Skipped] = []
    missing: list[Path] = []
    for given in paths:
        if given.is_dir():
            files: Iterable[Path] = _walk(given)
        elif given.exists() or given.is_symlink():
            files = [given]
        else:
            missing.append(given)
            continue
        for path in files:
            target = lock_target(path.name)
            if target is not None:
                locks.append(Skipped(path, "lock_file", target))
            elif path.name.startswith("."):
                continue
            elif is_spreadsheet(path) or given == path:
                candidates.append(path)
    candidates = _unique(candidates)
    unfit = [p for p in candidates if not _regular(p)]
    candidates = [p for p in candidates if p not in unfit]
    plans: list[Path] = []
    skipped = list(_locked(locks, candidates))
    for path in candidates:
        kind, source = read_mark(path)
        if kind == PORTFOLIO:
            skipped.append(Skipped(path, "omnisheet_output"))
        elif kind == CHECKED and source and any(
                p != path and p.name.casefold() == source.casefold() for p in candidates):
            skipped.append(Skipped(path, "omnisheet_output", source))
        else:
            plans.append(path)
    return Found(tuple(PlanFile(p, n) for p, n in zip(plans, short_names(plans), strict=True)),
                 tuple(skipped), tuple(missing), tuple(unfit))


def _regular(path: Path) -> bool:
    """A regular file once its links are followed (the kernel bounds the chain: a loop is
    an error). A FIFO would block its reader forever and /dev/zero never ends, so anything
    else is said unreadable without being opened."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:  # a loop, a dangling link, no permission: said by the plan's line
        return False


def _walk(folder: Path) -> Iterable[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            yield Path(root) / name


def _unique(paths: list[Path]) -> list[Path]:
    """Each file once, however many ways it was named (a folder and a file inside it)."""
    seen: set[Path] = set()
    kept = []
    for path in paths:
        real = Path(os.path.realpath(path))  # never raises, even on a symlink loop
        if real not in seen:
            seen.add(real)
            kept.append(path)
    return kept


def _locked(locks: list[Skipped], candidates: list[Path]) -> Iterable[Skipped]:
    """Each lock file, with the plan it locks named as the plan's file is (Excel's short
    form "~$an-france.xlsx" matched to "plan-france.xlsx")."""
    for lock in locks:
        folder = lock.path.parent
        target = lock.plan or ""
        match = next((p.name for p in candidates if p.parent == folder and
                      (p.name.casefold() == target.casefold() or
                       (len(p.name) > 2 and p.name[2:].casefold() == target.casefold()))),
                     None)
        yield Skipped(lock.path, "lock_file", match or target)


def short_names(paths: Sequence[Path]) -> list[str]:
    """Each plan's name in the comparison: its file name without the extension, or, when
    two plans share it, enough of their folders to tell them apart ("fr/plan", "be/plan")."""
    parts = [list(p.with_suffix("").parts) for p in paths]
    depth = [1] * len(paths)
    while True:
        names = ["/".join(p[-d:]) for p, d in zip(parts, depth, strict=True)]
        clashes = {n for n in names if names.count(n) > 1}
        grown = False
        for i, name in enumerate(names):
            if name in clashes and depth[i] < len(parts[i]):
                depth[i] += 1
                grown = True
        if not clashes or not grown:
            break
    seen: dict[str, int] = {}
    unique = []
    for name in names:  # the same path given twice under two spellings, say
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique
