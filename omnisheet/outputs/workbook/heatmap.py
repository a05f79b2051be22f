"""The Dashboard's evidence: the journey heat-map of the measures (stage × channel,
coloured against target) and the indicator per stage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...analysis.measures import HEAT_LEVELS, heat, per_stage, worst
from ...template.formatting import Formatter
from ...template.values import axis
from .context import Context

if TYPE_CHECKING:
    from ...analysis.report import Report


def write_evidence(ctx: Context, sheet: Any, report: Report, row: int) -> int:
    """Write both tables from `row` (0-based) down; returns the last row written."""
    plan = report.plan
    if not plan.measures:
        return row
    d = ctx.definition
    w = d.words_for("heatmap", ctx.lang)
    number = Formatter.of(d, ctx.lang)

    def figure(value: Any, percent: bool) -> str:
        """A measure as the team reads it: 3,4 in French; a percent indicator as 58 %."""
        if percent and isinstance(value, int | float) and not isinstance(value, bool):
            return number.percent(value if value <= 1 else value / 100, 0)
        return number.show(value)

    evidence = ctx.evidence
    indicators = d.list("indicator")
    fills = {level: ctx.fmt(bg_color=d.colours[f"heat_{level}"], border=1,
                            border_color="#BFBFBF", text_wrap=True, font_size=9)
             for level in HEAT_LEVELS}
    title = ctx.fmt(bold=True, font_size=12, font_color=d.colours["header"])

    ctx.put(sheet, row, 0, w["heatmap"], title)
    sheet.set_row(row, 52)  # "Proche de la cible (moins de 10 points sur 100)" read whole
    for col, level in enumerate(HEAT_LEVELS, start=2):
        ctx.put(sheet, row, col, d.text(f"heat_{level}", ctx.lang), fills[level])
    row += 2
    stages = axis(plan.stages, (m.stage for m in plan.measures))
    channels = axis(plan.channels, (m.channel for m in plan.measures))
    ctx.put(sheet, row, 0, w["corner"], ctx.header)
    sheet.set_row(row, 48)  # stage names wrap on up to four lines, none clipped
    for col, stage in enumerate(stages, start=1):
        ctx.put(sheet, row, col, ctx.list_label("stage", stage), ctx.header)
    for channel in channels:
        row += 1
        ctx.put(sheet, row, 0, ctx.list_label("channel", channel), ctx.subheader)
        sheet.set_row(row, 42)
        for col, stage in enumerate(stages, start=1):
            found = evidence.by_touchpoint.get(_key(stage, channel), ())
            loudest = worst(found)
            if loudest is None:
                ctx.put(sheet, row, col, None, ctx.text)
                continue
            m = loudest.measure
            pct = bool(indicators.value(m.indicator).attr("percent", 0))
            text = f"{indicators.label(str(m.indicator), ctx.lang)} {figure(m.value, pct)}"
            if m.target is not None:
                text += f" ({w['target']} {figure(m.target, pct)})"
            if len(found) > 1:
                text += f" +{len(found) - 1}"
            ctx.put(sheet, row, col, text, fills[heat(loudest)])

    row += 3
    table = per_stage(evidence)
    used = [i for i in indicators.keys if any(i in by for by in table.values())]
    ctx.put(sheet, row, 0, w["per_stage"], title)
    row += 1
    ctx.put(sheet, row, 0, w["stage"], ctx.header)
    sheet.set_row(row, 30)
    for col, indicator in enumerate(used, start=1):
        ctx.put(sheet, row, col, indicators.label(indicator, ctx.lang), ctx.header)
    for stage in axis(plan.stages, table):
        if stage not in table:
            continue
        row += 1
        ctx.put(sheet, row, 0, ctx.list_label("stage", stage), ctx.subheader)
        sheet.set_row(row, 26)  # "3,9 (1240 réponses)" on two lines
        for col, indicator in enumerate(used, start=1):
            mean = table[stage].get(indicator)
            pct = bool(indicators.value(indicator).attr("percent", 0))
            text = (figure(mean[0], pct) if mean else None)
            if mean and mean[1]:  # a count of answers only where the team gave one
                text = f"{text} ({number.count(mean[1])} {w['answers']})"
            ctx.put(sheet, row, col, text, ctx.text)
    return row


def _key(stage: Any, channel: Any) -> tuple[str, str]:
    from ...template.text import normalise

    return (normalise(stage), normalise(channel))
