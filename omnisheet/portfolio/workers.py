"""Check many plans in worker processes, each plan on its own, and hand back summaries.

Why processes: reading and checking a plan is CPU-bound Python, so threads would take
turns; a worker process per core checks that many plans at once. Each worker reads one
plan, checks it, writes what was asked (the checked workbook, its JSON report, its HTML
report) and returns a small `PlanSummary`, so a worker's memory is that of one plan and
the parent's that of the summaries.

A plan that cannot be read comes back as `Unread` with its one line, and the others go
on. A worker that dies outright (killed for memory, a crash in a native library) breaks
the pool: the plans it may have been checking are then checked again one at a time, each
in a process of its own, so that only the plan that kills its process is said unreadable.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from .summary import PlanSummary, Unread, Unwritten

Result = PlanSummary | Unread


@dataclass(frozen=True)
class Task:
    """One plan to check, and what to write for it."""

    index: int
    path: str
    name: str
    lang: str | None = None
    checked: str | None = None  # the checked workbook (.xlsx)
    sort: bool = False
    json_to: str | None = None  # its JSON report, as `check --format json` prints it
    html_to: str | None = None  # its HTML report


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def check_one(task: Task) -> Result:
    """Read, check and write one plan (in a worker); never raises for a bad plan."""
    from ..analysis.report import build_report
    from ..read.reader import load
    from ..template.errors import OmnisheetError, OutputError

    try:
        plan = load(Path(task.path))
        report = build_report(plan, lang=task.lang)
        outputs: dict[str, str] = {}
        if task.checked:
            from ..outputs.workbook import write

            write(plan, task.checked, report=report, sort=task.sort, team_file=True)
            outputs["checked_workbook"] = task.checked
        if task.json_to:
            _write_json(report, task.json_to, task.lang)
        if task.html_to:
            from ..outputs.html.report import write_html

            write_html(report, task.html_to, task.lang)
            outputs["report"] = task.html_to
        from .summary import summarise

        return summarise(report, task.name, outputs)
    except OutputError as exc:
        from ..template.errors import error_language

        return Unwritten(task.path, task.name, _why(exc, task),
                         exc.render(error_language(task.lang)))
    except OmnisheetError as exc:
        return Unread(task.path, task.name, _why(exc, task))
    except MemoryError:
        return Unread(task.path, task.name, _said("out_of_memory", task.lang))
    except BaseException as exc:  # a bug on one plan (or a native panic) stops no other
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit) or \
                os.environ.get("OMNISHEET_DEBUG"):
            raise
        from ..template.errors import one_line

        return Unread(task.path, task.name, _said(
            "unexpected", task.lang, error=one_line(exc)))


def _why(error: BaseException, task: Task) -> str:
    """Why a plan was not read, without its file's name when the error starts with it,
    in the language errors speak (--lang, else the user's locale, else English)."""
    from ..template.errors import UnreadableWorkbook, WordedError, error_language, say

    lang = error_language(task.lang)
    if isinstance(error, UnreadableWorkbook) and error.path == str(task.path):
        return say(error.why, lang)
    return error.render(lang) if isinstance(error, WordedError) else str(error)


def _said(key: str, lang: str | None = None, **fields: object) -> str:
    from ..template.definition import load_definition

    d = load_definition()
    return d.words_for("portfolio", lang or d.default_language)[key].format(**fields)


def _write_json(report, path: str, lang: str | None) -> None:
    import json

    from ..outputs.atomic import atomic_output
    from ..outputs.json.report import report_json

    with atomic_output(Path(path)) as tmp, open(tmp, "w", encoding="utf-8") as out:
        json.dump(report_json(report, lang), out, ensure_ascii=False, indent=2)


def _quiet_worker(parent: int | None = None) -> None:
    """Ctrl+C, SIGTERM and SIGHUP are the parent's to handle: it stops the run and ends
    the workers. Whatever ends the parent, even SIGKILL, ends the worker too."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):  # the parent's handlers, inherited through fork
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    die_with_parent(parent if parent is not None else os.getppid())


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """End this process when `parent` ends: Linux's parent-death signal (prctl through
    ctypes, no extra package), elsewhere a thread that looks for the parent every half
    second. A parent gone before this ran (adopted by init) ends the worker at once."""
    armed = False
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if os.getppid() != parent:
        os._exit(1)
    if not armed:
        import threading

        def watch() -> None:
            import time

            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, name="omnisheet-parent-watch", daemon=True).start()


def _context() -> multiprocessing.context.BaseContext:
    """fork where there is one: a worker starts with the parent's modules and template
    already loaded (a fresh interpreter would import them again, 0.3 s each)."""
    if "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def preload() -> None:
    """What every worker needs, loaded once in the parent before the workers fork."""
    from ..analysis import checks, report  # noqa: F401
    from ..read import reader  # noqa: F401
    from ..template.definition import load_definition

    load_definition()


def check_all(tasks: Sequence[Task], jobs: int, *,
              done: Callable[[Task, Result], None] | None = None,
              work: Callable[[Task], Result] = check_one) -> list[Result]:
    """Every task's result, in the tasks' order. `done` is called in the parent as each
    plan is finished (for a progress bar). At most two plans per worker are handed out
    at a time, so that when a worker dies the plans it may have held are few."""
    results: dict[int, Result] = {}
    pending = list(tasks)
    while pending:
        suspects = _run(pending, jobs, results, done, work)
        pending = [t for t in pending if t.index not in results and t not in suspects]
        for task in suspects:  # each alone: only the plan that kills its process is lost
            if task.index in results:
                continue
            again = _run([task], 1, results, done, work)
            if again:
                results[task.index] = Unread(task.path, task.name,
                                            _said("worker_died", task.lang))
                if done is not None:
                    done(task, results[task.index])
    return [results[t.index] for t in tasks]


def _run(tasks: Sequence[Task], jobs: int, results: dict[int, Result],
         done: Callable[[Task, Result], None] | None,
         work: Callable[[Task], Result]) -> list[Task]:
    """Run tasks in one pool until they are done or the pool breaks; the tasks that were
    in flight when it broke are returned (none when it did not)."""
    queue = list(reversed(tasks))
    workers = max(1, min(jobs, len(tasks)))
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                                   initializer=_quiet_worker, initargs=(os.getpid(),))
    flight: dict[Future, Task] = {}
    try:
        while queue or flight:
            while queue and len(flight) < 2 * workers:
                task = queue.pop()
                try:
                    flight[executor.submit(work, task)] = task
                except BrokenProcessPool:
                    return list(flight.values()) or [task]
            finished, _ = wait(flight, return_when=FIRST_COMPLETED)
            broken = []
            for future in finished:
                task = flight.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken.append(task)
                    continue
                results[task.index] = result
                if done is not None:
                    done(task, result)
            if broken:
                return broken + list(flight.values())
        return []
    except KeyboardInterrupt:
        _stop(executor)
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _stop(executor: ProcessPoolExecutor) -> None:
    """End the workers now (Ctrl+C): they ignore SIGINT, the parent does not wait for
    a plan in progress.

    The pool's manager thread is also taken out of the list Python's exit hook wakes:
    the caller joins it (`shutdown(wait=True)`), and on Python 3.11 the hook could write to
    the wake-up pipe the pool's ending had closed, printing an "Exception ignored ... Bad
    file descriptor" traceback under the one line a stopped run says."""
    from concurrent.futures import process as pool_module

    manager = getattr(executor, "_executor_manager_thread", None)
    for process in list(getattr(executor, "_processes", {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()
    executor.shutdown(wait=False, cancel_futures=True)
    with contextlib.suppress(Exception):
        pool_module._threads_wakeups.pop(manager, None)  # type: ignore[attr-defined]
