"""Checks of the journey map against the journey customers really take (omnisheet
journeys): silent unless the events were read, each pointing at the map's cell."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...template.facts import Label, Share, Weekdays
from ...template.severity import INFO, WARNING
from ...template.text import normalise
from .registry import CheckContext, register

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...journeys.model import Journeys
    from ...plan.model import Finding, Touchpoint


def _observed(ctx: CheckContext) -> Journeys | None:
    return ctx.journeys


def _cell(ctx: CheckContext, stage: Any, channel: Any) -> Touchpoint:
    """The map's touchpoint at a stage × channel, or an empty one placed there."""
    from ...plan.model import Touchpoint

    key = (normalise(stage), normalise(channel))
    found = next((t for t in ctx.plan.touchpoints
                  if (normalise(t.stage), normalise(t.channel)) == key), None)
    return found or Touchpoint(stage=stage, channel=channel)


def _on_map(ctx: CheckContext, stage: Any, channel: Any) -> bool:
    return (normalise(stage), normalise(channel)) in ctx.touchpoint_keys


def _hours(value: float) -> float:
    """Hours as a message shows them: one decimal at most (2 h, 4,6 h)."""
    from ...template.numbers import round_half_away

    return round_half_away(value, 1)


@register("touchpoint-without-traffic", WARNING, "journey")
def touchpoint_without_traffic(ctx: CheckContext) -> Iterator[Finding]:
    journeys = _observed(ctx)
    if journeys is None:
        return
    traffic = journeys.traffic_in()
    used = {(normalise(t.stage), normalise(t.channel)) for t in traffic}
    stages = {normalise(t.stage) for t in traffic}
    channels = {normalise(t.channel) for t in traffic}
    customers = {normalise(s.stage): s.customers for s in journeys.stages_in()}
    for touchpoint in ctx.plan.touchpoints:
        key = (normalise(touchpoint.stage), normalise(touchpoint.channel))
        if key[0] in stages and key[1] in channels and key not in used:
            yield ctx.on_touchpoint("touchpoint-without-traffic", touchpoint,
                                    value=touchpoint.description,
                                    stage=Label("stage", touchpoint.stage),
                                    channel=Label("channel", touchpoint.channel),
                                    customers=customers.get(key[0]))


@register("traffic-without-touchpoint", WARNING, "journey")
def traffic_without_touchpoint(ctx: CheckContext) -> Iterator[Finding]:
    journeys = _observed(ctx)
    if journeys is None:
        return
    for traffic in journeys.traffic_in():
        if traffic.share is None or traffic.share < journeys.share_threshold:
            continue
        if _on_map(ctx, traffic.stage, traffic.channel):
            continue
        yield ctx.on_touchpoint("traffic-without-touchpoint",
                                _cell(ctx, traffic.stage, traffic.channel),
                                value=Share(traffic.share / 100),
                                stage=Label("stage", traffic.stage),
                                channel=Label("channel", traffic.channel),
                                customers=traffic.customers)


@register("switch-without-opportunity", INFO, "journey", needs=("use_cases",))
def switch_without_opportunity(ctx: CheckContext) -> Iterator[Finding]:
    journeys = _observed(ctx)
    if journeys is None:
        return
    for switch in journeys.switches_in():
        if normalise(switch.from_channel) == normalise(switch.to_channel):
            continue
        if switch.share_from is None or switch.share_from < journeys.share_threshold:
            continue
        ends = [_cell(ctx, switch.from_stage, switch.from_channel),
                _cell(ctx, switch.to_stage, switch.to_channel)]
        if any(t.status == "opportunity" or ctx.addressed(t) for t in ends):
            continue
        target = ends[1] if _on_map(ctx, switch.to_stage, switch.to_channel) else ends[0]
        if not _on_map(ctx, target.stage, target.channel):
            continue
        yield ctx.on_touchpoint(
            "switch-without-opportunity", target, value=Share(switch.share_from / 100),
            from_stage=Label("stage", switch.from_stage),
            from_channel=Label("channel", switch.from_channel),
            to_stage=Label("stage", switch.to_stage),
            to_channel=Label("channel", switch.to_channel),
            customers=switch.customers, median=_hours(switch.p50_hours))


@register("slower-than-promised", WARNING, "journey", needs=("promises",))
def slower_than_promised(ctx: CheckContext) -> Iterator[Finding]:
    journeys = _observed(ctx)
    if journeys is None:
        return
    for promise in journeys.promises:
        for switch in promise.switches:
            late = sorted(d for d, delay in switch.weekdays.items()
                          if delay.p50_hours > promise.hours)
            if switch.p50_hours <= promise.hours and not late:
                continue
            worst = max([switch.p50_hours, *(switch.weekdays[d].p50_hours for d in late)])
            yield ctx.on_touchpoint(
                "slower-than-promised", _cell(ctx, switch.to_stage, switch.to_channel),
                value=_hours(worst), promise=_hours(promise.hours),
                median=_hours(switch.p50_hours),
                from_stage=Label("stage", switch.from_stage),
                from_channel=Label("channel", switch.from_channel),
                to_stage=Label("stage", switch.to_stage),
                to_channel=Label("channel", switch.to_channel),
                days=Weekdays(tuple(late)) if late else None)


@register("drop-off-at-normal", WARNING, "journey")
def drop_off_at_normal(ctx: CheckContext) -> Iterator[Finding]:
    journeys = _observed(ctx)
    if journeys is None:
        return
    drops = journeys.dropoffs_in()
    stage_share = {normalise(d.stage): d.share for d in drops if d.channel is None}
    for drop in drops:
        if drop.channel is None or drop.share is None:
            continue
        if not _on_map(ctx, drop.stage, drop.channel):
            continue
        touchpoint = _cell(ctx, drop.stage, drop.channel)
        whole = stage_share.get(normalise(drop.stage))
        if touchpoint.status != "normal" or whole is None \
                or drop.share - whole < journeys.dropoff_threshold:
            continue
        yield ctx.on_touchpoint("drop-off-at-normal", touchpoint, status=True,
                                value=Share(drop.share / 100), stage_share=Share(whole / 100),
                                stage=Label("stage", drop.stage),
                                channel=Label("channel", drop.channel),
                                reached=drop.reached, days=journeys.window_days)
