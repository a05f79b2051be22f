"""The portfolio as a workbook, for those who live in Excel: the same comparison as the
page, as tables a team can filter, sort and pivot, with native charts.

Tabs: a summary (readiness per plan and per figure, a chart), the recurring frictions and
opportunities as stage × channel grids coloured by how many plans share them, the use
cases several plans want (one score column per plan), the data sources that block the
most value (a chart), the measures (one row per plan and measure, filterable), and how the
plans' lists differ. Every text is written as text, never as a formula. The workbook
carries omnisheet's mark (a custom document property), so that a folder checked again
leaves it out.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from ..outputs.workbook.marks import PORTFOLIO, mark
from ..template.definition import Definition
from .compare import Portfolio
from .words import Words

#: Rows a chart shows at most (the table beside it holds them all).
CHART_ROWS = 15
HEADER_HEIGHT = 32  # two lines of a wrapped header


class _Book:
    def __init__(self, workbook: Any, definition: Definition, words: Words) -> None:
        self.wb, self.d, self.w = workbook, definition, words
        colours = definition.colours
        border = {"border": 1, "border_color": "#BFBFBF"}
        self.title = workbook.add_format({"bold": True, "font_size": 16,
                                          "font_color": colours["header"]})
        self.header = workbook.add_format({"bold": True, "font_color": colours["header_text"],
                                           "bg_color": colours["header"], "text_wrap": True,
                                           "valign": "top", **border})
        # Text on one line, in columns wide enough: LibreOffice does not grow a row for
        # wrapped text that xlsxwriter writes without a height.
        self.text = workbook.add_format({"valign": "top", **border})
        self.plain = workbook.add_format({"valign": "top", **border})
        self.muted = workbook.add_format({"italic": True, "font_color": "#595959"})
        self.bold = workbook.add_format({"bold": True, "valign": "top", **border})
        said = words.number  # "38 %" in French, "38%" in English, as in the text
        self.points = workbook.add_format({"num_format": said.sheet_percent(fraction=False),
                                           "valign": "top", **border})
        self.share = workbook.add_format({"num_format": said.sheet_percent(fraction=True),
                                          "valign": "top", **border})
        score = definition.tab("use_cases").column("score").number_format or "0.00"
        self.score = workbook.add_format({"num_format": score, "valign": "top", **border})
        self.count = workbook.add_format({"num_format": "0", "align": "center",
                                          "valign": "vcenter", **border})
        self.rowhead = workbook.add_format({"bold": True, "bg_color": colours["subheader"],
                                            "valign": "top", **border})

    def put(self, sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """A value where it belongs: text always as text, numbers as numbers."""
        if value is None or value == "":
            sheet.write_blank(row, col, None, fmt or self.plain)
        elif isinstance(value, bool):
            sheet.write_string(row, col, str(value), fmt or self.text)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, fmt or self.plain)
        else:
            sheet.write_string(row, col, str(value), fmt or self.text)

    def heads(self, sheet: Any, row: int, heads: list[str], widths: list[float]) -> None:
        for col, (head, width) in enumerate(zip(heads, widths, strict=True)):
            self.put(sheet, row, col, head, self.header)
            sheet.set_column(col, col, width)
        sheet.set_row(row, HEADER_HEIGHT)
        sheet.freeze_panes(row + 1, 0)


def write_portfolio_workbook(portfolio: Portfolio, definition: Definition,
                             path: str | Path, *, today: dt.date | None = None) -> Path:
    """Write the workbook to `path`, whole or not at all."""
    import xlsxwriter

    from ..outputs.atomic import atomic_output

    w = Words(definition, portfolio.language)
    with (atomic_output(Path(path)) as tmp,
          tempfile.TemporaryDirectory(prefix="omnisheet-") as scratch):
        workbook = xlsxwriter.Workbook(str(tmp), {
            "tmpdir": scratch, "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False, "nan_inf_to_errors": True})
        workbook.set_properties({"title": w["page_title"], "comments": "omnisheet"})
        mark(workbook, PORTFOLIO)
        book = _Book(workbook, definition, w)
        _summary(book, portfolio, today or dt.date.today())
        _grids(book, portfolio)
        _use_cases(book, portfolio)
        _sources(book, portfolio)
        _measures(book, portfolio)
        _differences(book, portfolio)
        workbook.close()
    return Path(path)


def _sheet(book: _Book, key: str) -> Any:
    sheet = book.wb.add_worksheet(book.w["tab_" + key][:31])
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_paper(9)  # A4
    return sheet


# --- summary ---------------------------------------------------------------------------------


FIGURE_KEYS = ("frictions_addressed", "opportunities_addressed", "scenario_coverage",
               "data_available")


def _summary(book: _Book, portfolio: Portfolio, today: dt.date) -> None:
    w = book.w
    sheet = _sheet(book, "summary")
    sheet.activate()
    from .. import __version__

    book.put(sheet, 0, 0, w["page_title"], book.title)
    book.put(sheet, 1, 0, w.say("generated", n=len(portfolio.plans),
                                date=w.number.date(today), version=__version__), book.muted)
    heads = [w["plan"], w["figure_readiness"], *(w["figure_" + k] for k in FIGURE_KEYS),
             w["errors_head"], w["warnings_head"], w["file_head"]]
    top = 3
    book.heads(sheet, top, heads, [30, 13, 14, 14, 14, 13, 10, 13, 50])
    plans = portfolio.by_readiness()
    for i, plan in enumerate(plans, start=top + 1):
        book.put(sheet, i, 0, plan.name, book.bold)
        book.put(sheet, i, 1, plan.readiness, book.points)
        for col, key in enumerate(FIGURE_KEYS, start=2):
            book.put(sheet, i, col, plan.shares.get(key), book.share)
        book.put(sheet, i, 6, plan.findings.get("error", 0), book.plain)
        book.put(sheet, i, 7, plan.findings.get("warning", 0), book.plain)
        book.put(sheet, i, 8, plan.file, book.plain)
    last = top + len(plans)
    if plans:
        sheet.autofilter(top, 0, last, len(heads) - 1)
        sheet.conditional_format(top + 1, 1, last, 1, {"type": "data_bar",
                                                       "bar_color": book.d.colours["header"],
                                                       "min_type": "num", "min_value": 0,
                                                       "max_type": "num", "max_value": 100})
    row = last + 2
    book.put(sheet, row, 0, w["per_figure"], book.title)
    row += 1
    for col, head in enumerate([w["figure"], w["lowest"], w["median"], w["highest"],
                                w["lowest_plans"]]):
        book.put(sheet, row, col, head, book.header)
    sheet.set_row(row, HEADER_HEIGHT)
    for figure in portfolio.figures:
        row += 1
        fmt = book.points if figure.figure == "readiness" else book.share
        book.put(sheet, row, 0, w["figure_" + figure.figure], book.rowhead)
        for col, value in enumerate((figure.lowest, figure.median, figure.highest), start=1):
            book.put(sheet, row, col, value, fmt)
        book.put(sheet, row, 4, w.names(figure.lowest_plans, 12), book.text)
    row += 2
    if portfolio.unread:
        book.put(sheet, row, 0, w.say("unread_title", n=len(portfolio.unread)), book.title)
        for unread in portfolio.unread:
            row += 1
            book.put(sheet, row, 0, unread.file, book.plain)
            book.put(sheet, row, 1, unread.message, book.muted)
        row += 2
    if portfolio.open_elsewhere:
        book.put(sheet, row, 0, w.say("open_elsewhere", names=w.names(portfolio.open_elsewhere)),
                 book.muted)
    if plans and any(p.readiness is not None for p in plans):
        chart = book.wb.add_chart({"type": "bar"})
        name = sheet.get_name()
        shown = min(len(plans), 40)
        chart.add_series({"name": w["figure_readiness"],
                          "categories": [name, top + 1, 0, top + shown, 0],
                          "values": [name, top + 1, 1, top + shown, 1],
                          "fill": {"color": book.d.colours["header"]},
                          "data_labels": {"value": True, "num_format": "0"}})
        chart.set_title({"name": w["chart_readiness"]})
        chart.set_x_axis({"min": 0, "max": 100})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"none": True})
        chart.set_size({"width": 720, "height": max(260, 24 * shown + 90)})
        sheet.insert_chart(row + 1, 0, chart)  # under the tables, inside the printed page


# --- frictions and opportunities grids ----------------------------------------------------------


def _grids(book: _Book, portfolio: Portfolio) -> None:
    w, grid = book.w, portfolio.grid
    sheet = _sheet(book, "frictions")
    book.put(sheet, 0, 0, w["section_journey_grid"], book.title)
    book.put(sheet, 1, 0, w["help_workbook_grid"], book.muted)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, max(len(grid.stages), 1), 14)
    colours = {v.key: v.colour for v in book.d.list("touchpoint_status").values}
    row = 3
    for status in ("friction", "opportunity"):
        book.put(sheet, row, 0, w["grid_" + status], book.bold)
        for col, stage in enumerate(grid.stages, start=1):
            book.put(sheet, row, col, w.value("stage", stage), book.header)
        sheet.set_row(row, HEADER_HEIGHT)
        for i, channel in enumerate(grid.channels, start=row + 1):
            book.put(sheet, i, 0, w.value("channel", channel), book.rowhead)
            for col, stage in enumerate(grid.stages, start=1):
                cell = grid.cell(stage, channel)
                if cell is None:
                    book.put(sheet, i, col, None, book.count)
                else:
                    book.put(sheet, i, col, len(getattr(cell, status)), book.count)
        first, last = row + 1, row + len(grid.channels)
        if grid.stages and grid.channels:
            sheet.conditional_format(first, 1, last, len(grid.stages), {
                "type": "2_color_scale", "min_type": "num", "min_value": 0,
                "max_type": "num", "max_value": max(len(portfolio.plans), 1),
                "min_color": "#FFFFFF", "max_color": colours.get(status) or "#F4B183"})
        row = last + 3
    # the list behind the charts: the touchpoints most plans find a friction
    recurring = grid.recurring("friction", at_least=1)
    book.put(sheet, row, 0, w["shared_frictions"], book.title)
    row += 1
    heads = [w["touchpoint_head"], w["grid_friction"], w["described_head"], w["plans_head"]]
    for col, head in enumerate(heads):
        book.put(sheet, row, col, head, book.header)
    sheet.set_row(row, HEADER_HEIGHT)
    first = row + 1
    for cell in recurring:
        row += 1
        book.put(sheet, row, 0, w.touchpoint(cell.stage, cell.channel), book.text)
        book.put(sheet, row, 1, len(cell.friction), book.plain)
        book.put(sheet, row, 2, len(cell.plans), book.plain)
        book.put(sheet, row, 3, ", ".join(cell.friction), book.text)
    if recurring:
        shown = min(len(recurring), CHART_ROWS)
        name = sheet.get_name()
        chart = book.wb.add_chart({"type": "bar"})
        chart.add_series({"name": w["grid_friction"],
                          "categories": [name, first, 0, first + shown - 1, 0],
                          "values": [name, first, 1, first + shown - 1, 1],
                          "fill": {"color": colours.get("friction") or "#F4B183"},
                          "data_labels": {"value": True}})
        chart.set_title({"name": w["chart_frictions"]})
        chart.set_y_axis({"reverse": True})
        chart.set_x_axis({"min": 0, "major_unit": 1})
        chart.set_legend({"none": True})
        chart.set_size({"width": 620, "height": max(260, 26 * shown + 90)})
        sheet.insert_chart(row + 2, 0, chart)  # under the list it draws


# --- recurring use cases -------------------------------------------------------------------------


def _use_cases(book: _Book, portfolio: Portfolio) -> None:
    w = book.w
    sheet = _sheet(book, "use_cases")
    names = [p.name for p in portfolio.plans]
    heads = [w["use_case"], w["category"], w["stage_head"], w["channel_head"], w["plans_head"],
             w["mean_score"], *names]
    book.heads(sheet, 0, heads, [50, 16, 18, 18, 8, 11, *([12] * len(names))])
    for row, u in enumerate(portfolio.use_cases, start=1):
        book.put(sheet, row, 0, u.title, book.text)
        book.put(sheet, row, 1, w.value("category", u.category), book.text)
        book.put(sheet, row, 2, w.value("stage", u.stage), book.text)
        book.put(sheet, row, 3, w.value("channel", u.channel), book.text)
        book.put(sheet, row, 4, len(u.plan_names), book.plain)
        book.put(sheet, row, 5, u.mean_score, book.score)
        best = {}
        for x in u.plans:
            if x.plan not in best or (x.score or -1) > (best[x.plan] or -1):
                best[x.plan] = x.score
        for col, plan in enumerate(names, start=6):
            if plan in best:
                value = best[plan]
                book.put(sheet, row, col, value if value is not None else w["unscored"],
                         book.score if value is not None else book.muted)
            else:
                book.put(sheet, row, col, None, book.plain)
    if portfolio.use_cases:
        sheet.autofilter(0, 0, len(portfolio.use_cases), len(heads) - 1)
    else:
        book.put(sheet, 2, 0, w["no_shared_use_cases"], book.muted)


# --- blocking data sources -------------------------------------------------------------------------


def _sources(book: _Book, portfolio: Portfolio) -> None:
    w = book.w
    sheet = _sheet(book, "data_sources")
    names = [p.name for p in portfolio.plans]
    heads = [w["source"], w["plans_head"], w["value_unblocked"], *names]
    book.heads(sheet, 0, heads, [28, 8, 14, *([12] * len(names))])
    for row, s in enumerate(portfolio.sources, start=1):
        book.put(sheet, row, 0, w.value("source", s.source), book.rowhead)
        book.put(sheet, row, 1, len(s.plans), book.plain)
        book.put(sheet, row, 2, s.value, book.score)
        values: dict[str, float] = {}
        for x in s.plans:
            values[x.plan] = values.get(x.plan, 0.0) + x.value
        for col, plan in enumerate(names, start=3):
            book.put(sheet, row, col, values.get(plan), book.score)
    if not portfolio.sources:
        book.put(sheet, 2, 0, w["no_sources"], book.muted)
        return
    shown = min(len(portfolio.sources), CHART_ROWS)
    name = sheet.get_name()
    chart = book.wb.add_chart({"type": "bar"})
    chart.add_series({"name": w["value_unblocked"],
                      "categories": [name, 1, 0, shown, 0], "values": [name, 1, 2, shown, 2],
                      "fill": {"color": book.d.colours["header"]},
                      "data_labels": {"value": True, "num_format": "0"}})
    chart.set_title({"name": w["chart_sources"]})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": 620, "height": max(260, 26 * shown + 90)})
    sheet.insert_chart(len(portfolio.sources) + 3, 0, chart)


# --- measures -----------------------------------------------------------------------------------


def _measures(book: _Book, portfolio: Portfolio) -> None:
    w = book.w
    sheet = _sheet(book, "measures")
    heads = [w["stage_head"], w["channel_head"], w["indicator"], w["plan"], w["value_head"],
             w["target_head"], w["score_100"], w["gap_head"], w["answers_head"],
             w["period_head"]]
    book.heads(sheet, 0, heads, [20, 20, 16, 18, 10, 10, 10, 10, 10, 14])
    row = 0
    for m in portfolio.measures:
        for x in m.plans:
            row += 1
            book.put(sheet, row, 0, w.value("stage", m.stage), book.text)
            book.put(sheet, row, 1, w.value("channel", m.channel), book.text)
            book.put(sheet, row, 2, w.value("indicator", m.indicator), book.text)
            book.put(sheet, row, 3, x.plan, book.bold)
            book.put(sheet, row, 4, x.value, book.plain)
            book.put(sheet, row, 5, x.target, book.plain)
            book.put(sheet, row, 6, x.rating, book.plain)
            book.put(sheet, row, 7, x.gap, book.plain)
            book.put(sheet, row, 8, x.answers, book.plain)
            book.put(sheet, row, 9, x.period, book.plain)
    if row:
        sheet.autofilter(0, 0, row, len(heads) - 1)
        sheet.conditional_format(1, 7, row, 7, {
            "type": "2_color_scale", "min_type": "num", "min_value": 0, "max_type": "num",
            "max_value": 30, "min_color": book.d.colours.get("heat_met", "#A9D18E"),
            "max_color": book.d.colours.get("heat_far", "#F4B183")})
    else:
        book.put(sheet, 2, 0, w["no_measures"], book.muted)


# --- list differences -----------------------------------------------------------------------------


def _differences(book: _Book, portfolio: Portfolio) -> None:
    w = book.w
    sheet = _sheet(book, "differences")
    heads = [w["list_head"], w["value_head"], w["in_plans"], w["not_in_plans"],
             w["in_place_of_head"]]
    book.heads(sheet, 0, heads, [16, 30, 40, 40, 24])
    for row, d in enumerate(portfolio.differences, start=1):
        book.put(sheet, row, 0, w["list_" + d.list], book.text)
        book.put(sheet, row, 1, w.value(d.list, d.value), book.bold)
        book.put(sheet, row, 2, ", ".join(d.present), book.text)
        book.put(sheet, row, 3, ", ".join(d.absent), book.text)
        book.put(sheet, row, 4, None if d.in_place_of is None
                 else w.value(d.list, d.in_place_of), book.text)
    if portfolio.differences:
        sheet.autofilter(0, 0, len(portfolio.differences), len(heads) - 1)
    else:
        book.put(sheet, 2, 0, w["no_differences"], book.muted)
