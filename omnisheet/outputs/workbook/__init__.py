"""Write a Plan into the template with xlsxwriter: empty for `new`, full for `import`,
with its report for the checked workbook. One writer for all three keeps dropdowns,
colours and formulas identical everywhere.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...plan.model import Plan
from ...template.definition import Definition, load_definition
from ..atomic import atomic_output
from .context import Context

if TYPE_CHECKING:
    from ...analysis.report import Report

__all__ = ["write", "written_as", "blank_plan"]


def blank_plan(lang: str | None = None, definition: Definition | None = None) -> Plan:
    """An empty plan whose lists and settings are the template's defaults."""
    d = definition or load_definition()
    lang = d.check_language(lang or d.default_language)
    lists = {key: listed.keys for key, listed in d.lists.items() if not listed.computed}
    settings = {s.key: s.default for s in d.settings}
    from ...plan.setting_tables import defaults

    return Plan(language=lang, lists=lists, settings=settings,
                setting_tables=defaults(lists, d), definition=d)


def write(
    plan: Plan,
    path: str | Path,
    *,
    lang: str | None = None,
    report: Report | None = None,
    sort: bool = False,
    definition: Definition | None = None,
    overwrite: bool = True,
    team_file: bool = False,
    read: Plan | None = None,
) -> Path:
    """Write `plan` to `path` atomically and return the path.

    With `report`, the workbook is the checked one: Findings and Dashboard tabs, offending
    cells highlighted and commented. `sort` orders use cases by rank. With `team_file`, the
    checked workbook is the team's own file with those additions (see `package`, and `ods`
    for an .ods plan written as .ods; an .ods is not sorted: `sort` gives a rebuilt .xlsx
    there, and refuses an .ods output). `read` is the plan as
    read from that file when `plan` is what a command measured into it (feedback's
    measures, journeys' shares): those are written into the team's tables.
    """
    if report is not None and team_file:
        from . import ods

        if not sort and ods.patchable(plan, Path(path)):
            d = definition or plan.definition
            lang = d.check_language(lang or plan.language or d.default_language)
            return ods.write_checked(plan, report, Path(path), definition=d, lang=lang,
                                     overwrite=overwrite, read=read)
        from .package import patchable, write_checked

        if patchable(plan, Path(path)):
            d = definition or plan.definition
            lang = d.check_language(lang or plan.language or d.default_language)
            return write_checked(plan, report, Path(path), definition=d, lang=lang,
                                 overwrite=overwrite, read=read, sort=sort)
    import xlsxwriter

    from .tabs import write_tabs

    if Path(path).suffix.lower() != ".xlsx":
        from ...template.errors import OutputError

        raise OutputError(path, "output_not_xlsx")
    d = definition or plan.definition
    lang = d.check_language(lang or plan.language or d.default_language)
    if report is not None and sort:  # use cases written from row 2 in rank order
        from ...plan.rows import ranked_rows
        from .package.sort import ranks, with_findings_moved

        rows = range(2, 2 + len(plan.table("use_cases")))
        report = with_findings_moved(report, plan, d, ranked_rows(plan, ranks(plan, report),
                                                                  rows))
    # xlsxwriter keeps each sheet's rows in temporary files until close(), and leaves them
    # behind when a write fails: a directory of our own goes, whatever happens.
    with (atomic_output(Path(path), overwrite=overwrite) as tmp,
          tempfile.TemporaryDirectory(prefix="omnisheet-") as scratch):
        options: dict[str, Any] = {
            "tmpdir": scratch,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            # a NaN or infinity a plan holds (its cell has its bad-number finding) is
            # written as the error a spreadsheet shows for it, #NUM! or #DIV/0!
            "nan_inf_to_errors": True,
            # Rows go to disk as soon as a later row is written; the tabs are written in
            # row order for it (see tabs.write_tabs and context._Ordered).
            "constant_memory": True,
        }
        workbook = xlsxwriter.Workbook(str(tmp), options)
        if report is not None:  # so that a folder checked again leaves this copy out
            from .marks import CHECKED, mark

            mark(workbook, CHECKED, plan.source)
        same = report is not None and report.plan is plan
        context = Context(workbook, d, plan, lang, report.priorities if same else None,
                          report.evidence if same else None)
        write_tabs(context, report=report, sort=sort)
        workbook.close()
    return Path(path)


def written_as(measured: Plan, path: str | Path, report: Report, definition: Definition,
               lang: str, read: Plan) -> Path:
    """What `feedback -o` and `journeys -o` measured into the plan `read`, written into the
    team's own workbook; a refusal (an output they cannot write) said in `lang`, the
    plan's language unless --lang says another."""
    from ...template.errors import OmnisheetError, WordedError

    try:
        return write(measured, path, report=report, definition=definition, team_file=True,
                     read=read)
    except WordedError as error:
        raise OmnisheetError(error.render(lang)) from None
