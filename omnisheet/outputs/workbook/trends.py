"""The Dashboard's trends: a native line chart per measure computed from survey responses
(the Measure trends tab) that has two periods with answers and enough of them in the
latest, its 95 % interval drawn dashed above and below; each chart reads a small table
written right of it, which the team can read or chart again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .context import Context

if TYPE_CHECKING:
    from ...analysis.report import Report
    from ...feedback.series import TrendSeries

MAX_CHARTS = 24
CHART_ROWS = 16  # a chart's height in rows, with a row to spare
DATA_COL = 14  # column O, where the Dashboard keeps its charts' tables
CHART_COLUMNS = (0, 5)  # two charts a row: from column A, and from column F


def write_trends(ctx: Context, sheet: Any, report: Report, row: int) -> tuple[int, list[int]]:
    """The section from below `row` (0-based); returns the last row it uses, and the rows
    a printed page should start at (the section, then every four rows of charts)."""
    from ...feedback.series import trend_series

    series = trend_series(report.plan, ctx.definition)
    if not series:
        return row, []
    w = ctx.definition.words_for("trend_charts", ctx.lang)
    charted = [s for s in series if s.chartable][:MAX_CHARTS]
    top = row + 3
    title = ctx.fmt(bold=True, font_size=12, font_color=ctx.definition.colours["header"])
    ctx.put(sheet, top, 0, w["title"], title)
    left_out = len(series) - len(charted)
    if left_out:
        ctx.put(sheet, top + 1, 0, w["not_charted"].format(n=left_out), ctx.fmt(italic=True))
    first_chart = top + 2
    table_row = first_chart
    for i, item in enumerate(charted):
        chart_row = first_chart + (i // 2) * CHART_ROWS
        first, last = _table(ctx, sheet, item, table_row, w)
        chart = _chart(ctx, sheet, item, first, last, w)
        sheet.insert_chart(chart_row, CHART_COLUMNS[i % 2], chart, {"x_offset": 4, "y_offset": 4})
        table_row = last + 3
    chart_rows = -(-len(charted) // 2) * CHART_ROWS
    breaks = [top] + [first_chart + n * CHART_ROWS for n in range(4, chart_rows // CHART_ROWS, 4)]
    return max(first_chart + chart_rows, table_row, top + 1), breaks


def _name(ctx: Context, series: TrendSeries) -> str:
    indicator = ctx.list_label("indicator", series.indicator)
    return (f"{ctx.list_label('stage', series.stage)} × "
            f"{ctx.list_label('channel', series.channel)} — {indicator}")


def _table(ctx: Context, sheet: Any, series: TrendSeries, row: int, w: dict) -> tuple[int, int]:
    """period, value, low, high, answers for every period; returns the data rows."""
    number = ctx.fmt(num_format="0.0#", border=1, border_color="#D9D9D9")
    ctx.put(sheet, row, DATA_COL, _name(ctx, series), ctx.fmt(bold=True))
    for col, head in enumerate(("period", "value", "low", "high", "answers")):
        ctx.put(sheet, row + 1, DATA_COL + col, w[head], ctx.subheader)
    for offset, item in enumerate(series.rows, start=row + 2):
        point = item.point
        ctx.put(sheet, offset, DATA_COL, str(item.trend.period), ctx.text)
        for col, value in enumerate((point.value, point.low, point.high), start=1):
            ctx.put(sheet, offset, DATA_COL + col, value if point.answers else None, number)
        ctx.put(sheet, offset, DATA_COL + 4, point.answers, ctx.text)
    return row + 2, row + 1 + len(series.rows)


def _chart(ctx: Context, sheet: Any, series: TrendSeries, first: int, last: int, w: dict) -> Any:
    name = sheet.get_name()
    colour = ctx.definition.colours["header"]

    def ref(col: int) -> list:
        return [name, first, DATA_COL + col, last, DATA_COL + col]

    chart = ctx.workbook.add_chart({"type": "line"})
    chart.add_series({"name": w["value"], "categories": ref(0), "values": ref(1),
                      "line": {"color": colour, "width": 2.25},
                      "marker": {"type": "circle", "size": 6, "fill": {"color": colour},
                                 "border": {"color": colour}}})
    for col, key in ((2, "low"), (3, "high")):
        chart.add_series({"name": w[key], "categories": ref(0), "values": ref(col),
                          "line": {"color": "#7F7F7F", "width": 1, "dash_type": "dash"},
                          "marker": {"type": "none"}})
    chart.show_blanks_as("gap")
    chart.set_title({"name": _name(ctx, series), "name_font": {"size": 10, "bold": True}})
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    chart.set_x_axis({"num_font": {"size": 8}, "label_position": "low"})
    chart.set_y_axis({"num_font": {"size": 8}, "major_gridlines": {"visible": True,
                                                                    "line": {"color": "#E0E0E0"}}})
    chart.set_size({"width": 470, "height": 290})
    return chart
