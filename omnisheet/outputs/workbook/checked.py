"""What a checked workbook adds to the team's plan: Findings and Dashboard tabs, and the
offending cells highlighted with a comment saying what is wrong."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ...analysis.checks.registry import REGISTRY
from ...plan.model import ERROR, INFO, WARNING, column_letter
from ...template.formatting import Formatter
from ...template.severity import RANK
from ..messages import Messages
from .context import Context, OrderedWorksheet, quote_sheet, row_height

if TYPE_CHECKING:
    from ...analysis.report import Report

# Excel keeps at most 65,530 hyperlinks per sheet (xlsxwriter drops the cell past it).
MAX_LINKS = 65_530
# Past this many comments LibreOffice is slow to open a checked workbook: a headless convert
# of the 0.25x synthetic plan's (13,719 cells at fault) took 44-51 s with a comment on each,
# 9 s with 1,000 and 7.5 s with none; xlsxwriter spent a third of the write on them. Every
# cell at fault stays listed with a link on the Findings tab, and errors and warnings stay
# highlighted.
MAX_COMMENTS = 1_000
SEVERITY_COLOURS = {ERROR: "error", WARNING: "warning", INFO: "info"}
# Each cell at fault, (sheet, row, column) 1-based, with its worst severity.
AtFault = dict[tuple[str, int, int], str]


def add_report_sheets(ctx: Context, report: Report, at_fault: AtFault) -> list[Any]:
    """The Findings, Dashboard and Pressure tabs, placed right after the instructions.

    Findings streams in row order; the Dashboard and Pressure are kept and sorted (see
    `_Ordered`). Returns them, for the caller to `finish`.
    """
    from .dashboard import write_dashboard

    names = ctx.definition.report_tabs
    findings = ctx.workbook.add_worksheet(_free_name(ctx, names["findings"][ctx.lang]),
                                          worksheet_class=OrderedWorksheet)
    dashboard = ctx.workbook.add_worksheet(_free_name(ctx, names["dashboard"][ctx.lang]),
                                           worksheet_class=OrderedWorksheet)
    dashboard.deferring = True
    write_findings(ctx, findings, report, at_fault)
    write_dashboard(ctx, dashboard, report)
    dashboard.activate()
    from .pressure import write_pressure

    pressure = ctx.workbook.add_worksheet(_free_name(ctx, names["pressure"][ctx.lang]),
                                          worksheet_class=OrderedWorksheet)
    pressure.deferring = True
    write_pressure(ctx, pressure, report)
    added = [findings, dashboard, pressure]
    if getattr(report, "journeys", None) is not None:  # omnisheet journeys -o
        from .observed import write_observed

        observed = ctx.workbook.add_worksheet(_free_name(ctx, names["observed"][ctx.lang]),
                                              worksheet_class=OrderedWorksheet)
        observed.deferring = True
        write_observed(ctx, observed, report)
        added.append(observed)
    return added


def _free_name(ctx: Context, name: str) -> str:
    """The report tab's name, unless the team uses it for a tab of their own."""
    taken = {cell.sheet for cell in ctx.plan.stray_cells} | set(ctx.plan.sheet_names.values())
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


# The message, then the value it quotes, get the width: printed one page wide, the
# narrow columns around them would make every row several lines tall.
FINDINGS_WIDTHS = [14, 22, 14, 7, 24, 40, 110]


class FindingTexts:
    """A finding's row on the Findings tab: what it is about, the value, the message, said
    by outputs/messages.py (messages in the report's language; the tab's own words in the
    workbook's)."""

    def __init__(self, ctx: Context, report: Report) -> None:
        self.said = Messages(ctx.definition, report.lang)
        self.tab_said = Messages(ctx.definition, ctx.lang)

    def __call__(self, finding: Any) -> tuple[str, Any, str]:
        value = self.tab_said.cell_value(finding)
        return (self.tab_said.about(finding),
                value if not isinstance(value, bool) else str(value),
                self.said.message(finding))


def write_findings(ctx: Context, sheet: Any, report: Report, at_fault: AtFault,
                   rows: dict[str, Any] | None = None) -> None:
    """The Findings tab. With `rows`, a row per finding is left to the caller, who gets
    the formats in `rows` (see package.findings, which writes them faster)."""
    words = ctx.definition.words_for("findings_tab", ctx.lang)
    heads = ["severity", "code", "sheet", "cell", "subject", "value", "message"]
    widths = FINDINGS_WIDTHS
    for col, (head, width) in enumerate(zip(heads, widths, strict=True)):
        ctx.put(sheet, 0, col, words[head], ctx.header)
        sheet.set_column(col, col, width, ctx.text)
    offending = len(at_fault)
    if offending > MAX_COMMENTS:
        sheet.set_column(len(heads) + 1, len(heads) + 1, 60, ctx.text)
        number = Formatter.of(ctx.definition, ctx.lang)
        said = words["comments_capped"].format(shown=number.count(MAX_COMMENTS),
                                               total=number.count(offending))
        ctx.put(sheet, 0, len(heads) + 1, said, ctx.fmt(italic=True, text_wrap=True))
    link = ctx.fmt(font_color="#0563C1", underline=1, border=1, border_color="#D9D9D9")
    colours = ctx.definition.colours
    severity_fmts = {severity: ctx.fmt(bg_color=colours[colour], bold=True, border=1,
                                       border_color="#D9D9D9")
                     for severity, colour in SEVERITY_COLOURS.items()}
    if rows is not None:
        rows.update(link=link, severity=severity_fmts, text=ctx.text)
    texts = FindingTexts(ctx, report)
    for row, finding in enumerate(() if rows is not None else report.findings, start=1):
        about, value, message = texts(finding)
        sheet.set_row(row, row_height((about, widths[4]), (finding.value, widths[5]),
                                      (message, widths[6])))
        ctx.put(sheet, row, 0, words[finding.severity], severity_fmts[finding.severity])
        ctx.put(sheet, row, 1, finding.code, ctx.text)
        ctx.put(sheet, row, 2, finding.sheet, ctx.text)
        if finding.sheet:
            cell = finding.cell or "A1"
            if row <= MAX_LINKS:
                sheet.write_url(row, 3, f"internal:{quote_sheet(finding.sheet)}!{cell}", link,
                                string=cell)
            else:  # past Excel's limit a link would be dropped; the reference stays
                ctx.put(sheet, row, 3, cell, ctx.text)
        ctx.put(sheet, row, 4, about, ctx.text)
        ctx.put(sheet, row, 5, value, ctx.text)
        ctx.put(sheet, row, 6, message, ctx.text)
    if not report.findings:
        ctx.put(sheet, 1, 0, words["none"])
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(1, len(report.findings)), len(heads) - 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)  # each printed page says which column is which


def cells_at_fault(ctx: Context, report: Report) -> AtFault:
    """Per offending cell of the plan's tabs (sheet, row, column), 1-based: its worst
    severity, in the order the findings came. Made once per write: the Findings tab counts
    them, the comments and the highlights go on them."""
    names = {ctx.sheet_name(tab.key) for tab in ctx.definition.tabs}
    worst: AtFault = {}
    for finding in report.findings:
        if finding.sheet not in names or finding.row is None or finding.column is None:
            continue
        key = (finding.sheet, finding.row, finding.column)
        if key not in worst or RANK[finding.severity] < RANK[worst[key]]:
            worst[key] = finding.severity
    return worst


def _commented(ctx: Context, worst: AtFault) -> set[tuple[str, int, int]]:
    """The offending cells that get a comment: all of them up to MAX_COMMENTS; past it,
    errors first, then warnings, then information, each in tab and row order."""
    if len(worst) <= MAX_COMMENTS:
        return set(worst)
    tabs = {ctx.sheet_name(tab.key): n for n, tab in enumerate(ctx.definition.tabs)}
    ranked = sorted(worst, key=lambda key: (RANK[worst[key]], tabs[key[0]], key[1], key[2]))
    return set(ranked[:MAX_COMMENTS])


def note_texts(ctx: Context, report: Report, at_fault: AtFault
               ) -> dict[tuple[str, int, int], str]:
    """The note each commented cell gets (see `_commented`), (sheet, row, column) 1-based:
    its findings, a paragraph each, as the notes of every checked workbook say them."""
    words = ctx.definition.words_for("findings_tab", ctx.lang)
    chosen = _commented(ctx, at_fault)
    said = Messages(ctx.definition, report.lang)
    notes: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for finding in report.findings:
        key = (finding.sheet, finding.row, finding.column)
        if key in chosen:
            notes[key].append(f"{words[finding.severity]} — {said.message(finding)}\n"
                              f"({words['see']} {finding.code})")
    return {key: "\n\n".join(texts) for key, texts in notes.items()}


def queue_comments(ctx: Context, sheets: dict[str, Any], report: Report,
                   at_fault: AtFault) -> None:
    """Comment on each offending cell (up to MAX_COMMENTS). Runs before the tabs are
    written: the comments are queued with `later`, so they go out in row order
    (constant_memory)."""
    by_name = {ctx.sheet_name(key): sheet for key, sheet in sheets.items()}
    for (sheet_name, row, column), text in note_texts(ctx, report, at_fault).items():
        by_name[sheet_name].later(row - 1, by_name[sheet_name].write_comment, row - 1,
                                  column - 1, text,
                                  {"author": "omnisheet", "x_scale": 2.5, "y_scale": 2})


def mark_findings(ctx: Context, sheets: dict[str, Any], at_fault: AtFault) -> None:
    """Highlight each offending cell (red errors, amber warnings); after the tab's own
    conditional formats, as before. The comments are `queue_comments`'."""
    by_name = {ctx.sheet_name(key): sheet for key, sheet in sheets.items()}
    ranges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (sheet_name, row, column), severity in at_fault.items():
        if severity != INFO:
            ranges[(sheet_name, severity)].append(f"{column_letter(column)}{row}")
    colours = ctx.definition.colours
    for (sheet_name, severity), refs in ranges.items():
        highlight = ctx.workbook.add_format({"bg_color": colours[SEVERITY_COLOURS[severity]],
                                             "border": 2, "border_color": "#C00000"
                                             if severity == ERROR else "#E69138"})
        for chunk in range(0, len(refs), 200):
            part = refs[chunk : chunk + 200]
            options = {"type": "formula", "criteria": "=TRUE", "format": highlight}
            if len(part) > 1:
                options["multi_range"] = " ".join(part)
            by_name[sheet_name].conditional_format(part[0], options)


__all__ = ["REGISTRY"]
