"""The `omnisheet` command: thin; parse, call the library, print, choose the exit code.

Heavy imports (pandas, openpyxl, xlsxwriter, calamine) happen inside the commands that
need them, so `omnisheet --help` answers at once.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from . import __version__
from .outputs.output_rule import is_stdout

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNUSABLE = 2  # the file cannot be read or written, or the call is wrong

def _languages() -> click.Choice:
    """The languages there is a words file for (workbook_templates/lang/*.yaml)."""
    from .template.template_files import available_languages

    return click.Choice(available_languages())


LANGS = _languages()


def _fail(message: str) -> None:
    from .template.text import shown

    click.echo(f"omnisheet: {shown(message)}", err=True)
    sys.exit(EXIT_UNUSABLE)


def friendly(command):
    """Turn omnisheet's errors into one line and exit status 2, never a traceback; the
    line speaks the language of `_error_language`."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from .template.errors import OmnisheetError, WordedError

        lang = kwargs.get("lang")
        try:
            return command(*args, **kwargs)
        except WordedError as exc:
            _fail(exc.render(_error_language(lang)))
        except OmnisheetError as exc:
            _fail(str(exc))
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            _fail(_error_line("interrupted", lang))
        except OSError as exc:  # the disk, a folder or a file refused: not a bug
            if os.environ.get("OMNISHEET_DEBUG"):
                raise
            why = exc.strerror or str(exc)
            _fail(_error_line("os_error_file", lang, path=exc.filename, why=why)
                  if exc.filename else _error_line("os_error", lang, why=why))
        except Exception as exc:  # a bug: say so in one line unless debugging
            if os.environ.get("OMNISHEET_DEBUG"):
                raise
            from .template.errors import one_line

            _fail(_error_line("unexpected", lang, error=one_line(exc)))

    return wrapper


_PLAN_LANGUAGE = "omnisheet.plan_language"  # where a command keeps the language of its plan


def _error_language(asked: str | None) -> str:
    """--lang, else the language of the plan read (when one was read far enough), else the
    user's locale, else English: see `errors.error_language`."""
    from .template.errors import error_language

    context = click.get_current_context(silent=True)
    known = context.meta.get(_PLAN_LANGUAGE) if context is not None else None
    return error_language(asked, known)


def _error_line(key: str, lang: str | None, **fields: object) -> str:
    """One of the command line's own error lines (`words.cli`), in `_error_language`."""
    from .template.errors import say
    from .template.facts import Phrase

    return say(Phrase("cli", key, **fields), _error_language(lang))


def _knows_language(lang: str) -> None:
    """A plan was read: errors from here on speak its language (unless --lang says)."""
    context = click.get_current_context(silent=True)
    if context is not None:
        context.meta[_PLAN_LANGUAGE] = lang


def _stop_like_ctrl_c(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _on_stop_signals() -> None:
    """SIGTERM (a CI cancel, `timeout`, the system) and SIGHUP (a closed terminal) stop a
    run as Ctrl+C does: one line, the workers ended, no half-written output. For the
    command's time only: a program that calls `main` in-process gets its own back."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread may set handlers (a test runner's thread)
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signum = getattr(signal, name)
            previous[signum] = signal.signal(signum, _stop_like_ctrl_c)

    def restore() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(restore)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="omnisheet")
def main() -> None:
    """Plan an omnichannel customer relationship in a spreadsheet, and get it checked.

    Start with `omnisheet new plan.xlsx`, fill it in Excel, LibreOffice or Google Sheets,
    then `omnisheet check plan.xlsx -o plan-checked.xlsx`.
    """
    _on_stop_signals()


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=LANGS,
              help="Language of the tabs, headers, lists and help (default: the template's).")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@friendly
def new(out: Path, lang: str | None, force: bool) -> None:
    """Write a blank plan template to OUT (.xlsx)."""
    from .outputs.workbook import blank_plan, write

    _may_write(out, (), force)
    plan = blank_plan(lang)
    write(plan, out, overwrite=force)
    click.echo(_said("wrote_template", plan.language, path=out))


def _said(key: str, lang: str | None, **fields: object) -> str:
    """What the command line says once it wrote something, in the plan's language."""
    from .template.definition import load_definition
    from .template.text import shown

    definition = load_definition()
    words = definition.words_for("cli", lang or definition.default_language)
    return shown(words[key].format(**fields))


def _jobs_option(command):
    return click.option(
        "--jobs", type=click.IntRange(1), default=None,
        help="With several plans: how many to check at once (default: the number of "
             "cores).")(command)


def _portfolio(paths: tuple[Path, ...]) -> bool:
    """Several plans (more than one path, or a folder): the portfolio commands."""
    return len(paths) != 1 or paths[0].is_dir()


@contextlib.contextmanager
def _cycles_not_collected() -> Iterator[None]:
    """Python's cycle collector paused while one plan is read, checked and written.

    A big plan's cells, records and findings are millions of objects that all live until
    the end: the collector went over them again and again for nothing to free (at 4x the
    synthetic plan, 24 full passes, 4.4 s of 36). Reference counting still frees what is
    dropped, and peak memory is the same with the collector paused. When it resumes, what
    was made meanwhile is frozen (left out of its passes), or its first passes would go
    over all of it again (2 s at 4x)."""
    import gc

    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _load(path: Path):
    from .read.reader import load

    plan = load(path)
    _knows_language(plan.language)
    return plan


@main.command("check")
@click.argument("plan_files", metavar="PLAN...", nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write the checked and scored workbook here (.xlsx, or .ods for an .ods "
                   "plan); with several plans, "
                   "the folder to write each checked workbook into.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report format on standard output.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error",
              show_default=True, help="Exit 1 when a finding at or above this level exists.")
@click.option("--lang", type=LANGS, help="Language of the messages (default: the workbook's).")
@click.option("--sort", is_flag=True, help="In the output workbook, order use cases by rank.")
@click.option("--in-place", is_flag=True,
              help="Allow -o to name PLAN itself; a backup PLAN.bak is kept.")
@click.option("--force", is_flag=True, help="Replace the checked workbook(s) if they exist.")
@click.option("--top", type=click.IntRange(1), default=None,
              help="How many priorities the text report lists (default 10); with several "
                   "plans, how many lines of each list the plans share (default 5).")
@click.option("--findings-per-tab", "per_tab", type=click.IntRange(0), default=50,
              show_default=True,
              help="How many findings the text report lists per tab, errors first (0: all); "
                   "one plan only, as several plans get a line each.")
@_jobs_option
@friendly
def check_command(plan_files: tuple[Path, ...], output: Path | None, fmt: str, fail_on: str,
                  lang: str | None, sort: bool, in_place: bool, force: bool,
                  top: int | None, per_tab: int, jobs: int | None) -> None:
    """Check PLAN (.xlsx, .xlsm or .ods), score its use cases, and report.

    Several plans, or folders of them: each is checked in a worker process, one line per
    plan, then what the plans have in common (a portfolio section with --format json).

    Exit status: 0 when nothing at or above --fail-on was found, 1 when something was,
    2 when a file cannot be read or written.
    """
    if _portfolio(plan_files):
        from .commands.portfolio import PortfolioError, check_many, isatty_style

        if in_place:
            raise PortfolioError("in_place")
        _no_stdout(output)
        sys.exit(check_many(plan_files, output=output, fmt=fmt, fail_on=fail_on, lang=lang,
                            sort=sort, jobs=jobs, style=isatty_style(), top=top, force=force))
    plan_file = plan_files[0]
    if output is not None and output.is_dir():  # as before several plans were taken
        raise click.BadParameter(f"File {str(output)!r} is a directory.",
                                 param_hint="'-o' / '--output'")
    from .analysis.report import build_report as run

    if output is not None and _same_file(output, plan_file) and not in_place:
        _fail(_error_line("same_file_in_place", lang, path=output))
    if output is not None and not (in_place and _same_file(output, plan_file)):
        _no_stdout(output)
        _may_write(output, (plan_file,), force)
    with _cycles_not_collected():
        plan = _load(plan_file)
        report = run(plan, lang=lang)
        if output is not None:
            from .outputs.workbook import write

            if in_place and _same_file(output, plan_file):
                import shutil

                shutil.copy2(plan_file, plan_file.with_name(plan_file.name + ".bak"))
            write(plan, output, report=report, sort=sort, team_file=True)
    if fmt == "json":
        import json

        from .outputs.json.report import report_json

        # Streamed in batches: on a plan with 100,000 findings the whole text would be
        # another 100 MB, and a write per JSON token (json.dump) took half as long again.
        out = sys.stdout
        batch: list[str] = []
        encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
        for chunk in encoder.iterencode(report_json(report, lang)):
            batch.append(chunk)
            if len(batch) == 10_000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch) + "\n")
    else:
        from .outputs.text.report import render_text
        from .template.text import SafeStyle

        safe = SafeStyle(click.style if sys.stdout.isatty() and not os.environ.get("NO_COLOR")
                         else None)
        click.echo(safe.finish(render_text(report, lang, top=top or 10, style=safe.style,
                                           per_tab=per_tab)))
        if output is not None:
            click.echo("\n" + _said("checked_workbook", report.lang, path=output))
    sys.exit(EXIT_FINDINGS if report.fails(fail_on) else EXIT_OK)


@main.command("report")
@click.argument("plan_files", metavar="PLAN...", nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (one self-contained page).")
@click.option("--lang", type=LANGS, help="Language of the page (default: the workbook's).")
@click.option("--force", is_flag=True, help="Replace the page(s) if they exist.")
@_jobs_option
@friendly
def report_command(plan_files: tuple[Path, ...], output: Path, lang: str | None,
                   force: bool, jobs: int | None) -> None:
    """Write PLAN as one HTML page anyone can open: journey map with its measures,
    impact / ease matrix, priorities, scenario map, data roadmap, readiness, findings.

    Several plans, or folders of them: one page comparing them (readiness, recurring
    frictions and use cases, blocking data sources, measures), each plan's own report
    written beside it. No network is needed to view it; print it to PDF from the browser.
    """
    if _portfolio(plan_files):
        from .commands.portfolio import report_many

        _no_stdout(output)
        sys.exit(report_many(plan_files, output=output, lang=lang, jobs=jobs, force=force))
    plan_file = plan_files[0]
    from .analysis.report import build_report as run
    from .outputs.html.report import render_html, write_html

    if _same_file(output, plan_file):
        _fail(_error_line("same_file", lang, path=output))
    if not is_stdout(output):
        _may_write(output, (plan_file,), force)
    report = run(_load(plan_file), lang=lang)
    if is_stdout(output):
        sys.stdout.write(render_html(report, lang))
        return
    write_html(report, output, lang)
    click.echo(_said("report", report.lang, path=output))


@main.command("diff")
@click.argument("old_file", metavar="OLD", type=click.Path(path_type=Path))
@click.argument("new_file", metavar="NEW", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format on standard output.")
@click.option("--lang", type=LANGS, help="Language of the output (default: NEW's).")
@click.option("--fail-on-new", type=click.Choice(["error", "warning", "never"]),
              default="never", show_default=True,
              help="Exit 1 when a new finding at or above this level appeared.")
@click.option("--top", type=click.IntRange(1), default=8, show_default=True,
              help="How many lines each section of the text lists.")
@friendly
def diff_command(old_file: Path, new_file: Path, fmt: str, lang: str | None, fail_on_new: str,
                 top: int) -> None:
    """What changed from OLD to NEW, two versions of the same plan (any language).

    Use cases added, removed and re-ranked; touchpoint statuses; scenarios and their
    messages; data needs now available; findings fixed and new; readiness before → after.
    Exit status: 0, or 1 when --fail-on-new is met; 2 when a file cannot be read.
    """
    from .analysis.diff import diff_plans
    from .analysis.report import build_report as run

    old, new = _load(old_file), _load(new_file)
    lang = lang or new.language
    result = diff_plans(old, new, run(old), run(new), lang=lang)
    if fmt == "json":
        import json

        from .outputs.json.diff import diff_json

        click.echo(json.dumps(diff_json(result), ensure_ascii=False, indent=2))
    else:
        from .outputs.text.diff import render_diff_text
        from .template.text import SafeStyle

        safe = SafeStyle(click.style if sys.stdout.isatty() and not os.environ.get("NO_COLOR")
                         else None)
        click.echo(safe.finish(render_diff_text(result, top=top, style=safe.style)))
    sys.exit(EXIT_FINDINGS if result.new_at_or_above(fail_on_new) else EXIT_OK)


def _say_unfit(responses: tuple[Path, ...], lang: str | None) -> None:
    """One line on standard error for each entry of a responses folder that is no file."""
    from .feedback.sources import unfit
    from .read.safety import vet
    from .template.errors import UnreadableWorkbook
    from .template.text import shown

    for entry in unfit(responses):
        try:
            vet(entry)
        except UnreadableWorkbook as error:
            click.echo(f"omnisheet: {shown(error.render(_error_language(lang)))}", err=True)


def _may_write(output: Path, inputs: tuple[Path, ...], force: bool) -> None:
    """The one output rule (output_rule.py), before any work is done."""
    from .outputs.output_rule import guard_output

    guard_output(output, inputs, force=force)


def _no_stdout(output: Path | None) -> None:
    from .outputs.output_rule import refuse_stdout

    refuse_stdout(output)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


@main.command("checks")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text",
              show_default=True)
@click.option("--lang", type=LANGS, help="Language (default: the template's).")
@friendly
def list_checks(fmt: str, lang: str | None) -> None:
    """List every check: code, severity, and what it means."""
    from .commands.checks import listing

    click.echo(listing(fmt, lang))


@main.command()
@click.argument("plan_file", metavar="PLAN", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="JSON file (default: standard output), or a folder with --format csv.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
@click.option("--force", is_flag=True, help="Replace the output file(s) if they exist.")
@friendly
def export(plan_file: Path, output: Path | None, fmt: str, force: bool) -> None:
    """Export PLAN as JSON (a versioned shape; -o - or no -o: standard output), or as one
    CSV per tab into a folder."""
    if fmt == "csv":
        from .outputs.csv.exports import csv_targets, write_csv_folder

        _no_stdout(output)
        folder = output or plan_file.with_suffix("")
        if folder.exists() and not folder.is_dir():
            from .template.errors import OutputError

            raise OutputError(folder, "output_not_folder")
        plan = _load(plan_file)
        for target in csv_targets(plan, folder):
            _may_write(target, (plan_file,), force)
        for written in write_csv_folder(plan, folder):
            click.echo(_said("wrote", plan.language, path=written))
        return
    if is_stdout(output):
        output = None
    if output is not None:
        _may_write(output, (plan_file,), force)
    plan = _load(plan_file)
    import json

    from .plan.serialise import plan_to_dict

    text = json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2)
    if output is None:
        click.echo(text)
    else:
        from .outputs.atomic import atomic_output

        with atomic_output(output) as tmp:
            tmp.write_text(text + "\n", encoding="utf-8")
        click.echo(_said("wrote", plan.language, path=output))


@main.command("import")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (.xlsx).")
@click.option("--lang", type=LANGS, help="Language of the workbook (default: the plan's).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@friendly
def import_(source: Path, output: Path, lang: str | None, force: bool) -> None:
    """Write a plan from JSON (or YAML in the same shape) into the template."""
    from .outputs.workbook import write
    from .read.plan_file import read_plan_file

    _no_stdout(output)
    _may_write(output, (source,), force)
    plan = read_plan_file(source)
    _knows_language(plan.language)
    write(plan, output, lang=lang, overwrite=force)
    click.echo(_said("wrote", lang or plan.language, path=output))


@main.command("portfolio")
@click.argument("plan_files", metavar="PLAN...", nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (.xlsx).")
@click.option("--lang", type=LANGS,
              help="Language of the workbook (default: the one most plans are in).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@_jobs_option
@friendly
def portfolio_command(plan_files: tuple[Path, ...], output: Path, lang: str | None,
                      force: bool, jobs: int | None) -> None:
    """Compare plans (files or folders) in one workbook: readiness per plan, the
    frictions and use cases that recur, the data sources that block the most value, the
    measures, how the plans' lists differ, with charts.

    Exit status: 0, or 2 when a file cannot be read (the others are compared).
    """
    from .commands.portfolio import workbook_many

    _no_stdout(output)
    sys.exit(workbook_many(plan_files, output=output, lang=lang, jobs=jobs, force=force))


def _engine_options(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--engine and --table, worded alike on every command that computes where the data
    lives (`what` says what the engine does there)."""
    def add(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--table", "tables", multiple=True, metavar="NAME",
            help="A table of the --engine to read instead of files (repeatable): "
                 "schema.table, or Parquet files where the engine reads them.")(command)
        return click.option(
            "--engine", default="duckdb", show_default=True, metavar="ENGINE",
            help=f"Where the {what}: duckdb (files on this machine), spark, "
                 "local[N], spark://HOST:PORT, or a connection URL (postgres://USER@HOST/DB, "
                 "bigquery://PROJECT/DATASET, trino://…); the password stays where the "
                 "engine reads it (environment, its config files). Only aggregates travel.")(
            command)
    return add


@main.command("feedback")
@click.argument("responses", nargs=-1, type=click.Path(path_type=Path))
@click.option("--plan", "plan_file", required=True, type=click.Path(path_type=Path),
              help="The plan whose touchpoints the responses measure (.xlsx or .ods).")
@_engine_options("responses are grouped")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the plan with its measures and trends here (.xlsx), checked.")
@click.option("--period", type=click.Choice(["month", "quarter", "year"]), default="month",
              show_default=True, help="The period each measure is computed over.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format on standard output.")
@click.option("--column", "columns", multiple=True, metavar="ROLE=HEADER",
              help="Name a column yourself: date, stage, channel, indicator, score, verbatim "
                   "or survey (repeatable).")
@click.option("--lang", type=LANGS, help="Language of the output (default: the plan's).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@friendly
def feedback_command(responses: tuple[Path, ...], plan_file: Path, engine: str,
                     tables: tuple[str, ...], output: Path | None, period: str, fmt: str,
                     columns: tuple[str, ...], lang: str | None, force: bool) -> None:
    """Turn survey responses (CSV, Parquet, .xlsx or .ods exports; a folder is every such
    file) into the plan's measures: CSAT, CES and NPS per touchpoint and period, each with
    its number of answers and 95 % interval; rows that cannot be used are counted by reason.

    With --engine and --table, the responses are grouped where they live (Spark, a
    warehouse) and only the groups come back.

    Exit status: 0; 1 when a file (of several) could not be used or most of a file's rows
    were set aside; 2 when nothing could be kept, a file or table cannot be read or the
    call is wrong.
    """
    from .commands.feedback import run

    if output is not None and _same_file(output, plan_file):
        _fail(_error_line("same_file", lang, path=output))
    _say_unfit(responses, lang)
    if output is not None:
        from .feedback.sources import read_files

        _no_stdout(output)
        _may_write(output, (plan_file, *read_files(responses)), force)
    written, status = run(responses, plan_file, output=output, period=period, fmt=fmt,
                          columns=columns, lang=lang, engine=engine, tables=tables)
    if written is not None and fmt == "text":
        click.echo(_said("checked_workbook", lang, path=written))
    if status:
        sys.exit(status)


@main.command("journeys")
@click.argument("events", nargs=-1, type=click.Path(path_type=Path))
@click.option("--plan", "plan_file", required=True, type=click.Path(path_type=Path),
              help="The plan whose journey the events show (.xlsx or .ods), with its Events tab.")
@_engine_options("events are computed")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the plan with the observed shares of traffic and an Observed journey "
                   "tab here (.xlsx), checked; or its report page (.html).")
@click.option("--period", type=click.Choice(["month", "quarter", "year"]), default="month",
              show_default=True, help="The period each figure is computed over.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format on standard output.")
@click.option("--lang", type=LANGS, help="Language of the output (default: the plan's).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@friendly
def journeys_command(events: tuple[Path, ...], plan_file: Path, engine: str,
                     tables: tuple[str, ...], output: Path | None, period: str, fmt: str,
                     lang: str | None, force: bool) -> None:
    """Turn behavioural events (GA4's BigQuery export, CRM interactions, till receipts, an
    email platform's log, any table of customer, moment and event; CSV, Parquet, .xlsx or
    .ods; a folder is every such file) into the journey customers really take: customers
    per stage and channel, channel switches, delays against promises, drop-off, and the
    checks that compare them with the map. An identities file ties keys to customers;
    only aggregates come out, figures from too few customers suppressed.

    With --engine and --table, the events are computed where they live (Spark, a
    warehouse) and only the aggregates come back; a table whose columns are keys only
    (customer, email, card…) is the identities table.

    Exit status: 0, or 2 when a file or table cannot be read or the call is wrong.
    """
    from .commands.journeys import run

    if output is not None and _same_file(output, plan_file):
        _fail(_error_line("same_file", lang, path=output))
    if output is not None:
        from .feedback.sources import read_files

        _no_stdout(output)
        _may_write(output, (plan_file, *read_files(events)), force)
    written = run(events, plan_file, output=output, period=period, fmt=fmt, lang=lang,
                  engine=engine, tables=tables)
    if written is not None and fmt == "text":
        click.echo(_said("checked_workbook", lang, path=written))


if __name__ == "__main__":
    main()
