"""The Observed journey tab (omnisheet journeys -o): what customers did, laid out like the
journey map so that a manager reads it without the docs. Stage × channel, the share of the
stage's customers who used each channel, in the map's own colours where the map describes
the touchpoint and grey where it does not; then the switches between channels, the delays
against what the plan promises, and the drop-off. Every figure is an aggregate; those drawn
from too few customers read "< 10". The Dashboard's chart of it is `observed_chart`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...template.text import normalise
from ...template.values import axis
from ..text.journeys import Words
from .context import Context

if TYPE_CHECKING:
    from ...analysis.report import Report
    from ...journeys.model import Journeys

GREY = "#EDEDED"
TOP_SWITCHES = 25


def write_observed(ctx: Context, sheet: Any, report: Report) -> None:
    journeys: Journeys = report.journeys
    d, plan = ctx.definition, report.plan
    t = Words(d, ctx.lang)
    w, k = t.w, journeys.threshold
    latest = journeys.latest
    name = t.period(latest, journeys.period) if latest else ""
    title = ctx.fmt(bold=True, font_size=16, font_color=d.colours["header"])
    heading = ctx.fmt(bold=True, font_size=12, font_color=d.colours["header"])
    note = ctx.fmt(text_wrap=True, valign="top", font_color="#404040")
    sheet.hide_gridlines(2)
    sheet.set_column(0, 0, 30)
    ctx.put(sheet, 0, 0, w["title"].format(period=name), title)
    sheet.set_row(0, 24)
    first = journeys.first.date() if journeys.first else None
    last = journeys.last.date() if journeys.last else None
    help_text = w["tab_help"].format(first=t.n.date(first) if first else "",
                                     last=t.n.date(last) if last else "", period=name, k=k)
    sheet.merge_range(1, 0, 1, 9, help_text, note)
    sheet.set_row(1, 48)

    traffic = {(normalise(c.stage), normalise(c.channel)): c for c in journeys.traffic_in()}
    touchpoints = {(normalise(tp.stage), normalise(tp.channel)): tp for tp in plan.touchpoints}
    stages = axis(plan.stages, (c.stage for c in journeys.traffic_in()))
    channels = axis(plan.channels, (c.channel for c in journeys.traffic_in()))
    status_colours = {v.key: v.colour or GREY for v in d.list("touchpoint_status").values}
    formats: dict[tuple[str, bool], Any] = {}

    def cell_format(colour: str, share: bool) -> Any:
        if (colour, share) not in formats:
            formats[(colour, share)] = ctx.fmt(
                bg_color=colour, border=1, border_color="#BFBFBF", align="center",
                valign="vcenter", text_wrap=True, num_format="0.0%" if share else "@")
        return formats[(colour, share)]

    row = 3
    ctx.put(sheet, row, 0, w["grid_corner"], ctx.header)
    sheet.set_row(row, 48)
    for col, stage in enumerate(stages, start=1):
        ctx.put(sheet, row, col, ctx.list_label("stage", stage), ctx.header)
        sheet.set_column(col, col, 15)
    for channel in channels:
        row += 1
        ctx.put(sheet, row, 0, ctx.list_label("channel", channel), ctx.subheader)
        sheet.set_row(row, 30)
        for col, stage in enumerate(stages, start=1):
            key = (normalise(stage), normalise(channel))
            cell, touchpoint = traffic.get(key), touchpoints.get(key)
            colour = status_colours.get(str(touchpoint.status), "#FFFFFF") if touchpoint \
                else GREY
            if cell is None:
                text = w["unused"] if touchpoint else None
                ctx.put(sheet, row, col, text, cell_format(colour, False))
            elif cell.share is None:
                ctx.put(sheet, row, col, w["fewer"].format(k=k), cell_format(colour, False))
            else:
                value = cell.share / 100
                if touchpoint is None:  # a share the map has no cell for: said in words too
                    ctx.put(sheet, row, col, f"{t.n.points(cell.share)} · {w['not_on_map']}",
                            cell_format(colour, False))
                else:
                    ctx.put(sheet, row, col, value, cell_format(colour, True))
    row += 1
    by_stage = {normalise(s.stage): s for s in journeys.stages_in()}
    for label, figure in ((w["stage_customers"], "customers"), (w["stage_omni"], "omni")):
        ctx.put(sheet, row, 0, label, ctx.subheader)
        for col, stage in enumerate(stages, start=1):
            found = by_stage.get(normalise(stage))
            if found is None:
                continue
            if figure == "customers":
                text = t.count(found.customers, k)
            else:
                rate = found.omnichannel_rate
                text = f"{t.count(found.several, k)} ({t.share(rate, k)})"
            ctx.put(sheet, row, col, text, ctx.text)
        row += 1

    row = _switches(ctx, sheet, journeys, t, row + 2, heading)
    row = _promises(ctx, sheet, journeys, t, row + 2, heading)
    _dropoff(ctx, sheet, journeys, t, row + 2, heading)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)


def _table(ctx: Context, sheet: Any, row: int, headers: list[str], rows: list[list[Any]]) -> int:
    for col, header in enumerate(headers):
        ctx.put(sheet, row, col, header, ctx.header)
    sheet.set_row(row, 30)
    for values in rows:
        row += 1
        for col, value in enumerate(values):
            ctx.put(sheet, row, col, value, ctx.text)
    return row


def _switches(ctx: Context, sheet: Any, journeys: Journeys, t: Words, row: int,
              heading: Any) -> int:
    w, k = t.w, journeys.threshold
    ctx.put(sheet, row, 0, w["switch_title"], heading)
    rows = [[t.touchpoint(s.from_stage, s.from_channel), t.touchpoint(s.to_stage, s.to_channel),
             t.n.count(s.customers), t.share(s.share_from, k), t.share(s.share_to, k),
             t.duration(s.p50_hours), t.duration(s.p90_hours)]
            for s in journeys.switches_in()[:TOP_SWITCHES]]
    return _table(ctx, sheet, row + 1, [w["switch_from"], w["switch_to"], w["customers"],
                                        w["share_from"], w["share_to"], w["median"], w["p90"]],
                  rows)


def _promises(ctx: Context, sheet: Any, journeys: Journeys, t: Words, row: int,
              heading: Any) -> int:
    w = t.w
    if not journeys.promises:
        return row
    ctx.put(sheet, row, 0, w["promise_title"], heading)
    rows = []
    for promise in journeys.promises:
        for s in (s for s in promise.switches if s.period == journeys.latest):
            late = sorted(d for d, v in s.weekdays.items() if v.p50_hours > promise.hours)
            rows.append([t.touchpoint(s.from_stage, s.from_channel),
                         t.touchpoint(s.to_stage, s.to_channel), t.duration(promise.hours),
                         t.duration(s.p50_hours), t.duration(s.p90_hours),
                         t.n.count(s.customers), t.weekdays(late) if late else None])
    return _table(ctx, sheet, row + 1, [w["switch_from"], w["switch_to"], w["promise"],
                                        w["median"], w["p90"], w["customers"], w["late_days"]],
                  rows)


def _dropoff(ctx: Context, sheet: Any, journeys: Journeys, t: Words, row: int,
             heading: Any) -> int:
    w, k = t.w, journeys.threshold
    ctx.put(sheet, row, 0, w["dropoff_title"].format(days=t.n.number(journeys.window_days)),
            heading)
    rows = [[t.touchpoint(d.stage, d.channel) if d.channel is not None else t.stage(d.stage),
             t.count(d.reached, k), t.masked(d.went_on), t.masked(d.dropped),
             w["hidden"] if d.share is None else t.n.points(d.share)]
            for d in journeys.dropoffs_in() if d.channel is not None]
    return _table(ctx, sheet, row + 1, [w["switch_from"], w["reached"], w["went_on"],
                                        w["dropped"], "%"], rows)


def observed_chart(ctx: Context, sheet_name: str, sheet: Any, journeys: Journeys, row: int
                   ) -> tuple[Any, int]:
    """Columns per stage: the share of its customers on each channel (latest period; a
    customer on two channels counts in both, so they are side by side, not stacked), from
    a small table written at `row` on the Dashboard; returns the chart and the row after
    the table."""
    t = Words(ctx.definition, ctx.lang)
    traffic = journeys.traffic_in()
    stages = axis(ctx.plan.stages, (c.stage for c in traffic))
    stages = [s for s in stages if any(normalise(c.stage) == normalise(s) for c in traffic)]
    channels = [c for c in axis(ctx.plan.channels, (c.channel for c in traffic))
                if any(normalise(x.channel) == normalise(c) for x in traffic)]
    share = {(normalise(c.stage), normalise(c.channel)): c.share for c in traffic}
    ctx.put(sheet, row, 0, t.w["chart"].format(
        period=t.period(journeys.latest, journeys.period)), ctx.subheader)
    for col, channel in enumerate(channels, start=1):
        ctx.put(sheet, row, col, ctx.list_label("channel", channel), ctx.subheader)
    for i, stage in enumerate(stages, start=row + 1):
        ctx.put(sheet, i, 0, ctx.list_label("stage", stage), ctx.text)
        for col, channel in enumerate(channels, start=1):
            value = share.get((normalise(stage), normalise(channel)))
            ctx.put(sheet, i, col, None if value is None else round(value, 1), ctx.text)
    last = row + len(stages)
    chart = ctx.workbook.add_chart({"type": "column"})
    for col in range(1, len(channels) + 1):
        chart.add_series({"name": [sheet_name, row, col],
                          "categories": [sheet_name, row + 1, 0, last, 0],
                          "values": [sheet_name, row + 1, col, last, col]})
    chart.set_title({"name": t.w["chart"].format(
        period=t.period(journeys.latest, journeys.period)), "name_font": {"size": 11}})
    chart.set_y_axis({"min": 0, "max": 100, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    return chart, last + 2
