"""Checks on the measures computed from survey responses (the Measure trends tab, filled
by `omnisheet feedback`): a measure on too few answers, a measure that fell more than
chance explains, a friction no response measures. They judge with the same functions
the command uses (omnisheet/feedback/judge.py), from what the tab holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...template.facts import Fixed, Label, Phrase, Share
from ...template.severity import INFO, WARNING
from ...template.text import normalise
from .registry import CheckContext, register

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...plan.model import Finding, Scalar, Trend


def _where(ctx: CheckContext, trend: Trend, index: int, column: str) -> tuple[str, int, str]:
    """The Touchpoint measures row that shows this period of this measure, else the trend
    row itself: the team reads the measures tab first."""
    from ...template.periods import parse

    wanted = parse(trend.period, ctx.definition)
    for i, measure in ctx.records("measures"):
        if (normalise(measure.get("stage")) == normalise(trend.stage)
                and normalise(measure.get("channel")) == normalise(trend.channel)
                and normalise(measure.get("indicator")) == normalise(trend.indicator)
                and (normalise(measure.get("period")) == normalise(trend.period)
                     or parse(measure.get("period"), ctx.definition) == wanted)):
            return "measures", i, column
    return "trends", index, column


def shown(indicator: Scalar, value: float | None) -> Scalar | Share | Fixed:
    """A measure as a message shows it: a CSAT share as a percentage, an NPS with one
    decimal, a mean with two."""
    if value is None:
        return None
    if indicator == "csat_pct":
        return Share(value / 100 if value > 1 else value)
    from ...feedback.judge import places

    return Fixed(value, "0." + "0" * places(indicator))


def _names(ctx: CheckContext, trend: Trend) -> dict[str, str]:
    return {"stage": Label("stage", trend.stage),
            "channel": Label("channel", trend.channel),
            "indicator": Label("indicator", trend.indicator)}


@register("measure-too-few-answers", WARNING, "trends")
def measure_too_few_answers(ctx: CheckContext) -> Iterator[Finding]:
    from ...feedback.judge import max_width, width

    limit = max_width(ctx.plan.settings)
    for series in ctx.trend_series:
        if not series.too_few:
            continue
        latest = series.answered[-1]
        point, indicator = latest.point, series.indicator
        wide = width(indicator, point, ctx.definition)
        why = (Phrase("check_phrases", "no_interval") if wide is None else
               Phrase("check_phrases", "interval", low=shown(indicator, point.low),
                      high=shown(indicator, point.high),
                      width=Fixed(wide, _telling(wide, limit))))
        tab, row, column = _where(ctx, latest.trend, latest.index, "answers")
        yield ctx.finding("measure-too-few-answers", tab, row, column,
                          value=latest.trend.answers, period=latest.trend.period,
                          answers=point.answers, why=why,
                          limit=Fixed(limit, _telling(limit, limit)),
                          **_names(ctx, latest.trend))


def _telling(figure: float, limit: float) -> str:
    """The number format that shows `figure` with the decimals that tell it from the limit
    (20.1 points against 20, never "20 points; the Settings allow 20 points")."""
    for places in range(4):
        if round(figure, places) != round(limit, places) or figure == limit:
            if figure == limit and places == 0 and not float(limit).is_integer():
                continue  # a limit of 12.5 shows its decimal
            return "0" + ("." + "0" * places if places else "")
    return "0.0000"


@register("measure-worsened", WARNING, "trends")
def measure_worsened(ctx: CheckContext) -> Iterator[Finding]:
    for series in ctx.trend_series:
        fall = series.fall
        if fall is None:
            continue
        before, latest = series.answered[-2], series.answered[-1]
        if fall.p is None:
            why = Phrase("check_phrases", "intervals_apart")
        elif fall.p < 0.001:
            why = Phrase("check_phrases", "p_below", p=Fixed(0.001, "0.000"))
        else:
            why = Phrase("check_phrases", "p_value", p=Fixed(fall.p, "0.000"))
        tab, row, column = _where(ctx, latest.trend, latest.index, "value")
        yield ctx.finding("measure-worsened", tab, row, column,
                          value=shown(series.indicator, latest.point.value),
                          previous=shown(series.indicator, before.point.value),
                          previous_period=before.trend.period, period=latest.trend.period,
                          why=why, **_names(ctx, latest.trend))


@register("touchpoint-unmeasured", INFO, "journey", needs=("trends",))
def touchpoint_unmeasured(ctx: CheckContext) -> Iterator[Finding]:
    from ...feedback.judge import Point

    trends = ctx.plan.table("trends")
    if not trends:
        return
    answered = {(normalise(t.stage), normalise(t.channel)) for t in trends
                if Point.of(t.value, t.answers).answers > 0}
    for touchpoint in ctx.plan.touchpoints:
        key = (normalise(touchpoint.stage), normalise(touchpoint.channel))
        if touchpoint.status == "friction" and key not in answered:
            yield ctx.on_touchpoint("touchpoint-unmeasured", touchpoint,
                                    value=touchpoint.description,
                                    stage=Label("stage", touchpoint.stage),
                                    channel=Label("channel", touchpoint.channel))
