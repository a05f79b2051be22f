"""Checks of the journey map against the journey customers really take (omnisheet
journeys): silent unless the events were read, each pointing at the map's cell."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...template.formatting import Share
from ...template.severity import INFO, WARNING
from ...template.text import normalise
from .registry import Context, check

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...journeys.model import Journeys
    from ...plan.model import Finding, Touchpoint


def _observed(ctx: Context) -> Journeys | None:
    return ctx._cache.get("journeys")


def _cell(ctx: Context, stage: Any, channel: Any) -> Touchpoint:
    """The map's touchpoint at a stage × channel, or an empty one placed there."""
    from ...plan.model import Touchpoint

    key = (normalise(stage), normalise(channel))
    found = next((t for t in ctx.plan.touchpoints
                  if (normalise(t.stage), normalise(t.channel)) == key), None)
    return found or Touchpoint(stage=stage, channel=channel)


def _on_map(ctx: Context, stage: Any, channel: Any) -> bool:
    return (normalise(stage), normalise(channel)) in ctx.touchpoint_keys


def _hours(value: float) -> float:
    """Hours as a message shows them: one decimal at most (2 h, 4,6 h)."""
    from ...template.numbers import round_half_away

    return round_half_away(value, 1)


@check("touchpoint-without-traffic", WARNING, "journey")
def touchpoint_without_traffic(ctx: Context) -> Iterator[Finding]:
    """A touchpoint the map describes that no customer used in the events' latest period,
    though customers were seen at that stage and on that channel elsewhere."""
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
                                    stage=ctx.label("stage", touchpoint.stage),
                                    channel=ctx.label("channel", touchpoint.channel),
                                    customers=customers.get(key[0]))


@check("traffic-without-touchpoint", WARNING, "journey")
def traffic_without_touchpoint(ctx: Context) -> Iterator[Finding]:
    """A stage × channel used by at least the Settings share of the stage's customers that
    the journey map leaves empty: customers go where the plan does not look."""
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
                                stage=ctx.label("stage", traffic.stage),
                                channel=ctx.label("channel", traffic.channel),
                                customers=traffic.customers)


@check("switch-without-opportunity", INFO, "journey", needs=("use_cases",))
def switch_without_opportunity(ctx: Context) -> Iterator[Finding]:
    """A switch of channel that at least the Settings share of the customers leaving a
    touchpoint take, where neither touchpoint is an Opportunity and no use case addresses
    either: a habit of customers the plan does not use (web research before buying in
    store, bought online and returned in store)."""
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
            from_stage=ctx.label("stage", switch.from_stage),
            from_channel=ctx.label("channel", switch.from_channel),
            to_stage=ctx.label("stage", switch.to_stage),
            to_channel=ctx.label("channel", switch.to_channel),
            customers=switch.customers, median=_hours(switch.p50_hours))


@check("slower-than-promised", WARNING, "journey", needs=("promises",))
def slower_than_promised(ctx: Context) -> Iterator[Finding]:
    """Customers take longer between two stages than the Promised delays tab says (click &
    collect promised within 2 hours): half of them or more, overall or on a day of the week."""
    journeys = _observed(ctx)
    if journeys is None:
        return
    days = ctx.definition.words_for("journeys", ctx.lang)["weekdays"].split("|")
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
                from_stage=ctx.label("stage", switch.from_stage),
                from_channel=ctx.label("channel", switch.from_channel),
                to_stage=ctx.label("stage", switch.to_stage),
                to_channel=ctx.label("channel", switch.to_channel),
                days=", ".join(days[d - 1].strip() for d in late) or None)


@check("drop-off-at-normal", WARNING, "journey")
def drop_off_at_normal(ctx: Context) -> Iterator[Finding]:
    """At a touchpoint marked Normal, the customers who reached the stage there went no
    further (no later stage within the Settings window) far more often than the stage's
    customers on every channel: the Settings number of points more, or above."""
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
                                stage=ctx.label("stage", drop.stage),
                                channel=ctx.label("channel", drop.channel),
                                reached=drop.reached, days=journeys.window_days)
