"""The portfolio commands behind `omnisheet check|report|portfolio PATH...`: find the
plans, check them in workers, compare them, render. The command line (cli.py) only
decides that there are several plans and prints what these return."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from ..outputs.output_rule import guard_output
from ..portfolio.compare import Portfolio, compare
from ..portfolio.files import Found, find_plans
from ..portfolio.summary import PlanSummary, Unread, Unwritten
from ..portfolio.workers import Task, check_all, default_jobs, preload
from ..template.definition import Definition, load_definition
from ..template.errors import OmnisheetError, WordedError, error_language
from ..template.facts import Phrase
from ..template.text import SafeStyle, shown

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
#: More plans than this, on a terminal, and a progress bar shows on standard error.
HANDFUL = 5


class PortfolioError(WordedError):
    """The call cannot be carried out (no plan found, an output over an input): a sentence
    of `words.portfolio`, said in the user's language by the command line."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(Phrase("portfolio", key, **{k: str(v) for k, v in fields.items()}))


class OutputFailed(OmnisheetError):
    """An output of the run could not be written: its one line, already in words."""


@dataclass
class Run:
    found: Found
    results: list[PlanSummary | Unread]
    portfolio: Portfolio

    @property
    def unusable(self) -> bool:
        return bool(self.portfolio.unread)


def _words(lang: str | None) -> dict[str, str]:
    """The portfolio's words for a line on standard error: --lang, else the locale's."""
    return load_definition().words_for("portfolio", error_language(lang))


def find(paths: Sequence[Path]) -> Found:
    found = find_plans(paths)
    if not found.plans and not found.missing and not found.unfit:
        raise PortfolioError("no_plans", paths=", ".join(str(p) for p in paths))
    return found


def gather(found: Found, jobs: int | None, lang: str | None,
           make_task: Callable[[int, Path, str], Task]) -> Run:
    """Check each plan found in a worker (a progress bar on a terminal), and compare."""
    definition = load_definition()
    tasks = [make_task(i, plan.path, plan.name) for i, plan in enumerate(found.plans)]
    preload()
    results = _with_progress(tasks, jobs or default_jobs())
    unwritten = next((r for r in results if isinstance(r, Unwritten)), None)
    if unwritten is not None:  # said once; the page or summary is not written over
        raise OutputFailed(unwritten.line)
    missing = [Unread(str(p), p.name, _words(lang)["missing"]) for p in found.missing]
    missing += [Unread(str(p), p.name, _unfit_line(p, lang)) for p in found.unfit]
    summaries = [r for r in results if isinstance(r, PlanSummary)]
    unread = [*missing, *(r for r in results if isinstance(r, Unread))]
    portfolio = compare(summaries, definition, unread=unread, skipped=found.skipped,
                        open_elsewhere=found.open_elsewhere, lang=lang)
    return Run(found, [*missing, *results], portfolio)


def _unfit_line(path: Path, lang: str | None) -> str:
    """Why an entry that is no regular file is not read: what vet says of it, from its
    metadata alone (it is never opened)."""
    from ..read.safety import vet
    from ..template.errors import UnreadableWorkbook, say

    try:
        vet(path)
    except UnreadableWorkbook as error:
        return say(error.why, error_language(lang))
    return _words(lang)["missing"]  # it became a regular file meanwhile: read next time


def _with_progress(tasks: list[Task], jobs: int) -> list[PlanSummary | Unread]:
    if len(tasks) <= HANDFUL or not sys.stderr.isatty():
        return check_all(tasks, jobs)
    with click.progressbar(length=len(tasks), file=sys.stderr, show_pos=True,
                           show_eta=True, width=30,
                           item_show_func=lambda name: shown(name) if name else name) as bar:
        return check_all(tasks, jobs, done=lambda task, result: bar.update(1, task.name))


def _exit(run: Run, fail_on: str = "never") -> int:
    if run.unusable:
        return EXIT_UNUSABLE
    return EXIT_FINDINGS if run.portfolio.fails(fail_on) else EXIT_OK


# --- omnisheet check PATH... ---------------------------------------------------------------


def _checked_suffix(path: Path) -> str:
    """An .ods plan's checked workbook is its own .ods; any other's an .xlsx."""
    if path.suffix.lower() == ".ods":
        from ..outputs.workbook.ods import is_ods

        if is_ods(path):
            return ".ods"
    return ".xlsx"


def check_many(paths: Sequence[Path], *, output: Path | None, fmt: str, fail_on: str,
               lang: str | None, sort: bool, jobs: int | None,
               style: Callable[..., str] | None, top: int | None = None,
               force: bool = False) -> int:
    """`check` of several plans: a line per plan and the portfolio summary (or the JSON),
    each checked workbook into the folder `output`. Returns the exit status."""
    from ..portfolio.json_report import write_json
    from ..portfolio.text import TOP, render_lines, render_summary
    from ..portfolio.words import Words

    found = find(paths)
    outputs: dict[str, Path] = {}
    if output is not None:
        if (output.exists() and not output.is_dir()) or (
                not output.exists() and output.suffix.lower() in (".xlsx", ".xlsm", ".ods")):
            raise PortfolioError("output_folder", path=output)
        inputs = {_real(p.path) for p in found.plans}
        for plan in found.plans:
            target = output / f"{plan.name}{_checked_suffix(plan.path)}"
            if _real(target) in inputs:
                raise PortfolioError("output_replaces", path=target, plan=plan.path)
            guard_output(target, _inputs(found, paths), force=force)
            outputs[plan.name] = target
        for target in outputs.values():
            target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="omnisheet-portfolio-") as scratch:

        def task(index: int, path: Path, name: str) -> Task:
            checked = outputs.get(name)
            json_to = str(Path(scratch) / f"{index}.json") if fmt == "json" else None
            return Task(index, str(path), name, lang, str(checked) if checked else None,
                        sort, json_to)

        run = gather(found, jobs, lang, task)
        definition = load_definition()
        if fmt == "json":
            reports = sorted(Path(scratch).glob("*.json"), key=lambda p: int(p.stem))
            write_json(sys.stdout, (str(p) for p in reports), run.portfolio, definition)
        else:
            w = Words(definition, run.portfolio.language)
            safe = SafeStyle(style)
            click.echo(safe.finish("\n".join(render_lines(run.results, w, safe.style))))
            click.echo("\n" + safe.finish(render_summary(run.portfolio, definition, safe.style,
                                                         top or TOP)))
            if output is not None:
                click.echo("\n" + shown(w.say("checked_workbooks", path=output)))
        _warn_unread(run, fmt)
    return _exit(run, fail_on)


def _warn_unread(run: Run, fmt: str) -> None:
    """With --format json, standard output is the JSON: the files not read are also said
    on standard error, one line each, as a single check says it."""
    if fmt != "json":
        return
    for unread in run.portfolio.unread:
        click.echo(shown(f"omnisheet: {unread.file}: {unread.message}"), err=True)


def _inputs(found: Found, paths: Sequence[Path]) -> list[Path]:
    """What an output must never be: every plan found and every file named."""
    return [*(p.path for p in found.plans), *paths]


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))  # never raises, even on a symlink loop


# --- omnisheet report PATH... -o portfolio.html ---------------------------------------------


def report_many(paths: Sequence[Path], *, output: Path, lang: str | None,
                jobs: int | None, force: bool = False) -> int:
    """The portfolio page, and each plan's own report beside it."""
    from ..portfolio.html import write_portfolio_html
    from ..portfolio.words import Words

    folder = output.parent
    taken = {_real(output)}

    def task(index: int, path: Path, name: str) -> Task:
        page = folder / f"{name}.html"
        if _real(page) in taken:
            page = folder / f"{name} ({index + 1}).html"
        taken.add(_real(page))
        guard_output(page, inputs, force=force)
        page.parent.mkdir(parents=True, exist_ok=True)
        return Task(index, str(path), name, lang, html_to=str(page))

    if not folder.is_dir():
        raise PortfolioError("no_folder", path=output, folder=folder)
    found = find(paths)
    inputs = _inputs(found, paths)
    guard_output(output, inputs, force=force)
    run = gather(found, jobs, lang, task)
    definition = load_definition()
    write_portfolio_html(run.portfolio, definition, output)
    _lines_for_unread(run)
    w = Words(definition, run.portfolio.language)
    click.echo(shown(w.say("wrote_page", path=output, n=len(run.portfolio.plans))))
    return _exit(run)


def _lines_for_unread(run: Run) -> None:
    for unread in run.portfolio.unread:
        click.echo(shown(f"omnisheet: {unread.file}: {unread.message}"), err=True)


# --- omnisheet portfolio PATH... -o portfolio.xlsx ---------------------------------------------


def workbook_many(paths: Sequence[Path], *, output: Path, lang: str | None,
                  jobs: int | None, force: bool = False) -> int:
    from ..portfolio.words import Words
    from ..portfolio.workbook import write_portfolio_workbook

    if output.suffix.lower() != ".xlsx":
        raise PortfolioError("workbook_suffix", path=output)
    if not output.parent.is_dir():
        raise PortfolioError("no_folder", path=output, folder=output.parent)
    found = find(paths)
    guard_output(output, _inputs(found, paths), force=force)
    run = gather(found, jobs, lang,
                 lambda index, path, name: Task(index, str(path), name, lang))
    definition: Definition = load_definition()
    write_portfolio_workbook(run.portfolio, definition, output)
    _lines_for_unread(run)
    w = Words(definition, run.portfolio.language)
    click.echo(shown(w.say("wrote_workbook", path=output, n=len(run.portfolio.plans))))
    return _exit(run)


def isatty_style() -> Callable[..., str] | None:
    return click.style if sys.stdout.isatty() and not os.environ.get("NO_COLOR") else None
