"""The Pressure tab of a checked workbook: per capped channel, a target × week grid
coloured against the cap, then the most solicited target's timeline, message by message.
The figures are omnisheet.pressure's, the same the checks and the HTML report use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...analysis.pressure import grids, pressure, worst_timeline
from ...template.formatting import Formatter
from ...template.text import shorten
from .context import Context, row_height

if TYPE_CHECKING:
    from ...analysis.report import Report

MAX_TIMELINE = 200  # messages listed; a big plan's worst timeline can hold thousands
LEVELS = ("over", "at", "under")


def write_pressure(ctx: Context, sheet: Any, report: Report) -> None:
    d, lang = ctx.definition, ctx.lang
    w = d.words_for("pressure", lang)
    number = Formatter.of(d, lang)
    found = pressure(report.plan, d)
    title = ctx.fmt(bold=True, font_size=16, font_color=d.colours["header"])
    heading = ctx.fmt(bold=True, font_size=12, font_color=d.colours["header"])
    fills = {level: ctx.fmt(bg_color=d.colours[f"pressure_{level}"], border=1,
                            border_color="#BFBFBF", align="center")
             for level in LEVELS}
    sheet.hide_gridlines(2)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 14, 7)
    ctx.put(sheet, 0, 0, w["title"], title)
    sheet.set_row(0, 24)
    _cell(ctx, sheet, 1, 0, 14, w["help"], ctx.fmt(italic=True, text_wrap=True))
    sheet.set_row(1, 40)
    for col, level in enumerate(LEVELS):
        _cell(ctx, sheet, 3, 1 + 3 * col, 3 + 3 * col, w[level], fills[level])
    row = 5
    shown = grids(found)
    if not shown:
        ctx.put(sheet, row, 0, w["none"], ctx.text)
        row += 2
    for grid in shown:
        cap = w["cap"].format(channel=ctx.list_label("channel", grid.cap.channel),
                              cap=number.count(grid.cap.most), days=number.number(grid.cap.days))
        ctx.put(sheet, row, 0, cap, heading)
        row += 1
        ctx.put(sheet, row, 0, w["target"], ctx.header)
        heads = [w["week"].format(n=week + 1) for week in grid.weeks]
        heads += [w["later"]] if grid.later else []
        for col, head in enumerate(heads, start=1):
            ctx.put(sheet, row, col, head, ctx.header)
        for target, weeks, later in grid.rows:
            row += 1
            ctx.put(sheet, row, 0, ctx.list_label("target", target), ctx.subheader)
            cells = [*weeks, later] if grid.later else list(weeks)
            for col, week in enumerate(cells, start=1):
                if week is None:
                    ctx.put(sheet, row, col, None, ctx.text)
                else:
                    ctx.put(sheet, row, col, week.count, fills[week.level])
        row += 2
    if found.uncapped:
        names = ", ".join(str(ctx.list_label("channel", c)) for c in found.uncapped.values())
        ctx.put(sheet, row, 0, w["uncapped"].format(channels=names), ctx.fmt(italic=True))
        row += 2
    detail = worst_timeline(found)
    if detail is not None:
        _timeline(ctx, sheet, row, detail, w, heading)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)


def _timeline(ctx: Context, sheet: Any, row: int, detail: tuple, w: dict, heading: Any) -> None:
    peak, messages = detail
    plan = ctx.plan
    stages = ", ".join(str(ctx.list_label("relationship_stage", s)) for s in peak.timeline.stages)
    if peak.timeline.date is not None:
        date = next(s.trigger for s in plan.scenarios if s.trigger is not None
                    and s.trigger_type == "date" and _same(s.trigger, peak.timeline.date))
        stages = w["stages_and_date"].format(stages=stages, date=w["date"].format(date=date))
    ctx.put(sheet, row, 0, w["timeline"].format(target=ctx.list_label("target", peak.target),
                                                stages=stages), heading)
    ctx.put(sheet, row + 1, 0, w["timeline_help"], ctx.fmt(italic=True))
    row += 2
    heads = ("day", "delay", "channel", "scenario", "content")
    spans = {"day": (0, 0), "delay": (1, 1), "channel": (2, 4), "scenario": (5, 9),
             "content": (10, 14)}
    for key in heads:
        first, last = spans[key]
        _cell(ctx, sheet, row, first, last, w[key], ctx.header)
    names = {str(s.id).strip().casefold(): s.name for s in plan.scenarios if s.id is not None}
    plain = ctx.fmt(text_wrap=True, border=1, border_color="#D9D9D9", align="left")
    marked = ctx.fmt(text_wrap=True, border=1, border_color="#D9D9D9", align="left",
                     bg_color=ctx.definition.colours["pressure_over"])
    for sent, inside in messages[:MAX_TIMELINE]:
        row += 1
        fmt = marked if inside else plain
        message = plan.messages[sent.index]
        name = names.get(str(sent.scenario).strip().casefold())
        values = {"day": sent.day, "delay": sent.delay,
                  "channel": ctx.list_label("channel", message.channel),
                  "scenario": f"{sent.scenario} {name or ''}".strip(),
                  "content": shorten(str(message.content or ""), 60)
                  + (f" ({w['in_peak']})" if inside else "")}
        for key in heads:
            first, last = spans[key]
            _cell(ctx, sheet, row, first, last, values[key], fmt)
        # wrapped text needs its rows: LibreOffice keeps a row's stored height
        sheet.set_row(row, row_height((values["scenario"], 35), (values["content"], 35)))
    if len(messages) > MAX_TIMELINE:
        ctx.put(sheet, row + 1, 0, w["more"].format(n=len(messages) - MAX_TIMELINE),
                ctx.fmt(italic=True))


def _cell(ctx: Context, sheet: Any, row: int, first: int, last: int, value: Any,
          fmt: Any) -> None:
    """A value over columns first to last (merged when they are several); text as text."""
    if last > first:
        sheet.merge_range(row, first, row, last, "", fmt)
    ctx.put(sheet, row, first, value, fmt)


def _same(trigger: Any, date: str) -> bool:
    from ...template.text import normalise

    return normalise(trigger) == date
