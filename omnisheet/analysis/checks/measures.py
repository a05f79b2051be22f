"""Checks on the Touchpoint measures tab: evidence must sit on the map, on its scale, and
agree with the status the team gave the touchpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...template.formatting import Phrase
from ...template.numbers import number
from ...template.severity import ERROR, INFO, WARNING
from ...template.text import normalise
from .registry import Context, check

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...plan.model import Finding
    from ..measures import Evidence


def _evidence(ctx: Context) -> Evidence:
    """The plan's measures assessed: the report's, else made once for all checks."""
    if "evidence" not in ctx._cache:
        from ..measures import Evidence

        ctx._cache["evidence"] = Evidence(ctx.plan, ctx.definition)
    return ctx._cache["evidence"]


@check("measure-unknown-touchpoint", ERROR, "measures", needs=("journey",))
def measure_unknown_touchpoint(ctx: Context) -> Iterator[Finding]:
    """A measure names a stage and channel whose touchpoint is empty on the journey map."""
    for index, measure in ctx.records("measures"):
        if measure.get("stage") is None or measure.get("channel") is None:
            continue  # missing-required says so
        key = (normalise(measure.get("stage")), normalise(measure.get("channel")))
        if key not in ctx.touchpoint_keys:
            yield ctx.finding("measure-unknown-touchpoint", "measures", index, "stage",
                              value=measure.typed.get("stage", measure.get("stage")),
                              stage=ctx.label("stage", measure.get("stage")),
                              channel=ctx.label("channel", measure.get("channel")))


@check("measure-out-of-range", ERROR, "measures")
def measure_out_of_range(ctx: Context) -> Iterator[Finding]:
    """A value or target lies outside its indicator's scale (a CSAT of 9 on 1 to 5, an NPS of 140)."""
    from ..measures import scale

    tab = ctx.table_tab("measures")
    indicator_list = ctx.definition.list("indicator")
    for index, measure in ctx.records("measures"):
        s = scale(measure.get("indicator"), ctx.definition)
        if s is None:
            continue  # no indicator, or the team's own: value-not-in-list says so
        name = indicator_list.label(str(measure.get("indicator")), ctx.lang)
        for key in ("value", "target"):
            value = measure.get(key)
            if number(value) is not None and not s.contains(value):
                yield ctx.finding("measure-out-of-range", "measures", index, key,
                                  value=s.shown(value),
                                  expected=Phrase("check_phrases", "scale", low=s.low,
                                                  high=s.high),
                                  column=tab.column(key).labels[ctx.lang], indicator=name)


@check("measure-contradicts-status", WARNING, "measures", needs=("journey",))
def measure_contradicts_status(ctx: Context) -> Iterator[Finding]:
    """A touchpoint marked Normal or Opportunity is measured far below its target (more than 10
    points out of 100), or, with no target, in the bottom half of its scale."""
    evidence = _evidence(ctx)
    indicator_list = ctx.definition.list("indicator")
    for touchpoint in ctx.plan.touchpoints:
        if touchpoint.status not in ("normal", "opportunity"):
            continue
        for assessed in evidence.of(touchpoint):
            if not assessed.below_par():
                continue
            from ..measures import scale

            measure = assessed.measure
            figure = scale(measure.indicator, ctx.definition)
            why = (Phrase("check_phrases", "below_target", target=figure.shown(measure.target))
                   if assessed.gap is not None else Phrase("check_phrases", "bottom_half"))
            yield ctx.finding(
                "measure-contradicts-status", "measures", assessed.index, "value",
                value=figure.shown(measure.value),
                stage=ctx.label("stage", touchpoint.stage),
                channel=ctx.label("channel", touchpoint.channel),
                status=ctx.label("touchpoint_status", touchpoint.status),
                indicator=indicator_list.label(str(measure.indicator), ctx.lang), why=why)


@check("friction-without-evidence", INFO, "journey", needs=("measures",))
def friction_without_evidence(ctx: Context) -> Iterator[Finding]:
    """A touchpoint marked Friction has no measure on the Touchpoint measures tab."""
    evidence = _evidence(ctx)
    for touchpoint in ctx.plan.touchpoints:
        if touchpoint.status == "friction" and not evidence.of(touchpoint):
            yield ctx.on_touchpoint("friction-without-evidence", touchpoint,
                                    value=touchpoint.description,
                                    stage=ctx.label("stage", touchpoint.stage),
                                    channel=ctx.label("channel", touchpoint.channel))


