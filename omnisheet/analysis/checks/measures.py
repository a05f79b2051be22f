"""Checks on the Touchpoint measures tab: evidence must sit on the map, on its scale, and
agree with the status the team gave the touchpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...template.facts import ColumnName, Label, Phrase
from ...template.numbers import number
from ...template.severity import ERROR, INFO, WARNING
from ...template.text import normalise
from .registry import CheckContext, register

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...plan.model import Finding


@register("measure-unknown-touchpoint", ERROR, "measures", needs=("journey",))
def measure_unknown_touchpoint(ctx: CheckContext) -> Iterator[Finding]:
    for index, measure in ctx.records("measures"):
        if measure.get("stage") is None or measure.get("channel") is None:
            continue  # missing-required says so
        key = (normalise(measure.get("stage")), normalise(measure.get("channel")))
        if key not in ctx.touchpoint_keys:
            yield ctx.finding("measure-unknown-touchpoint", "measures", index, "stage",
                              value=measure.typed.get("stage", measure.get("stage")),
                              stage=Label("stage", measure.get("stage")),
                              channel=Label("channel", measure.get("channel")))


@register("measure-out-of-range", ERROR, "measures")
def measure_out_of_range(ctx: CheckContext) -> Iterator[Finding]:
    from ..measures import scale

    tab = ctx.table_tab("measures")
    for index, measure in ctx.records("measures"):
        s = scale(measure.get("indicator"), ctx.definition)
        if s is None:
            continue  # no indicator, or the team's own: value-not-in-list says so
        name = Label("indicator", measure.get("indicator"))
        for key in ("value", "target"):
            value = measure.get(key)
            if number(value) is not None and not s.contains(value):
                yield ctx.finding("measure-out-of-range", "measures", index, key,
                                  value=s.shown(value),
                                  expected=Phrase("check_phrases", "scale", low=s.low,
                                                  high=s.high),
                                  column=ColumnName(tab.key, key), indicator=name)


@register("measure-contradicts-status", WARNING, "measures", needs=("journey",))
def measure_contradicts_status(ctx: CheckContext) -> Iterator[Finding]:
    evidence = ctx.evidence
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
                stage=Label("stage", touchpoint.stage),
                channel=Label("channel", touchpoint.channel),
                status=Label("touchpoint_status", touchpoint.status),
                indicator=Label("indicator", measure.indicator), why=why)


@register("friction-without-evidence", INFO, "journey", needs=("measures",))
def friction_without_evidence(ctx: CheckContext) -> Iterator[Finding]:
    evidence = ctx.evidence
    for touchpoint in ctx.plan.touchpoints:
        if touchpoint.status == "friction" and not evidence.of(touchpoint):
            yield ctx.on_touchpoint("friction-without-evidence", touchpoint,
                                    value=touchpoint.description,
                                    stage=Label("stage", touchpoint.stage),
                                    channel=Label("channel", touchpoint.channel))


