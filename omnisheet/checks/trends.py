"""Checks on the measures computed from survey responses (the Measure trends tab, filled
by `omnisheet feedback`): a measure on too few answers, a measure that fell more than
chance explains, a friction no response measures. They judge with the same functions
the command uses (omnisheet/feedback/judge.py), from what the tab holds."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ..formatting import Fixed, Phrase, Share
from ..severity import INFO, WARNING
from ..text import normalise
from .registry import Context, check

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator

    from ..model import Finding, Scalar, Trend

Row = tuple[int, "Trend", "dt.date"]


def _series(ctx: Context) -> list[list[Row]]:
    """The trend rows of each measure (touchpoint, indicator, kind of period), by period;
    a row whose period cannot be read is left to the other checks."""
    if "trend-series" not in ctx._cache:
        from ..periods import parse

        found: dict[tuple, list[Row]] = defaultdict(list)
        for index, trend in ctx.records("trends"):
            parsed = parse(trend.period, ctx.definition)
            if parsed is None or trend.stage is None or trend.channel is None:
                continue
            key = (normalise(trend.stage), normalise(trend.channel), str(trend.indicator),
                   parsed[0])
            found[key].append((index, trend, parsed[1]))
        ctx._cache["trend-series"] = [sorted(rows, key=lambda r: r[2]) for rows in found.values()]
    return ctx._cache["trend-series"]


def _answered(rows: list[Row]) -> list[Row]:
    from ..feedback.judge import Point

    return [r for r in rows if Point.of(r[1].value, r[1].answers).answers > 0
            and Point.of(r[1].value, r[1].answers).value is not None]


def _where(ctx: Context, trend: Trend, index: int, column: str) -> tuple[str, int, str]:
    """The Touchpoint measures row that shows this period of this measure, else the trend
    row itself: the team reads the measures tab first."""
    from ..periods import parse

    wanted = parse(trend.period, ctx.definition)
    for i, measure in ctx.records("measures"):
        if (normalise(measure.stage) == normalise(trend.stage)
                and normalise(measure.channel) == normalise(trend.channel)
                and normalise(measure.indicator) == normalise(trend.indicator)
                and (parse(measure.period, ctx.definition) == wanted
                     or normalise(measure.period) == normalise(trend.period))):
            return "measures", i, column
    return "trends", index, column


def shown(indicator: Scalar, value: float | None) -> Scalar | Share | Fixed:
    """A measure as a message shows it: a CSAT share as a percentage, an NPS with one
    decimal, a mean with two."""
    if value is None:
        return None
    if indicator == "csat_pct":
        return Share(value / 100 if value > 1 else value)
    return Fixed(value, "0.0" if indicator == "nps" else "0.00")


def _names(ctx: Context, trend: Trend) -> dict[str, str]:
    return {"stage": ctx.label("stage", trend.stage), "channel": ctx.label("channel", trend.channel),
            "indicator": ctx.label("indicator", trend.indicator)}


@check("measure-too-few-answers", WARNING, "trends")
def measure_too_few_answers(ctx: Context) -> Iterator[Finding]:
    """A measure computed from survey responses rests on too few answers: its 95 % interval is
    wider than the Settings allow."""
    from ..feedback.judge import Point, max_width, too_few, width

    limit = max_width(ctx.plan.settings)
    for rows in _series(ctx):
        answered = _answered(rows)
        if not answered:
            continue
        index, trend, _ = answered[-1]
        point = Point.of(trend.value, trend.answers, trend.low, trend.high)
        indicator = str(trend.indicator)
        if not too_few(indicator, point, limit, ctx.definition):
            continue
        wide = width(indicator, point, ctx.definition)
        why = (Phrase("check_phrases", "no_interval") if wide is None else
               Phrase("check_phrases", "interval", low=shown(indicator, point.low),
                      high=shown(indicator, point.high), width=Fixed(wide, "0")))
        tab, row, column = _where(ctx, trend, index, "answers")
        yield ctx.finding("measure-too-few-answers", tab, row, column, value=trend.answers,
                          period=trend.period, answers=point.answers, why=why,
                          limit=Fixed(limit, "0"), **_names(ctx, trend))


@check("measure-worsened", WARNING, "trends")
def measure_worsened(ctx: Context) -> Iterator[Finding]:
    """The latest period of a measure computed from survey responses is significantly below the
    previous one."""
    from ..feedback.judge import Point, fell

    for rows in _series(ctx):
        answered = _answered(rows)
        if len(answered) < 2:
            continue
        (_, before, _), (index, latest, _) = answered[-2], answered[-1]
        indicator = str(latest.indicator)
        fall = fell(indicator, Point.of(before.value, before.answers, before.low, before.high),
                    Point.of(latest.value, latest.answers, latest.low, latest.high))
        if fall is None:
            continue
        if fall.p is None:
            why = Phrase("check_phrases", "intervals_apart")
        elif fall.p < 0.001:
            why = Phrase("check_phrases", "p_below", p=Fixed(0.001, "0.000"))
        else:
            why = Phrase("check_phrases", "p_value", p=Fixed(fall.p, "0.000"))
        tab, row, column = _where(ctx, latest, index, "value")
        yield ctx.finding("measure-worsened", tab, row, column,
                          value=shown(indicator, Point.of(latest.value, 1).value),
                          previous=shown(indicator, Point.of(before.value, 1).value),
                          previous_period=before.period, period=latest.period, why=why,
                          **_names(ctx, latest))


@check("touchpoint-unmeasured", INFO, "journey", needs=("trends",))
def touchpoint_unmeasured(ctx: Context) -> Iterator[Finding]:
    """A touchpoint marked Friction gets no survey response at all, while the plan's measures come
    from responses."""
    from ..feedback.judge import Point

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
                                    stage=ctx.label("stage", touchpoint.stage),
                                    channel=ctx.label("channel", touchpoint.channel))
