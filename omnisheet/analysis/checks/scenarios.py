"""Checks on the scenario map, the scenario specs and their messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...plan.lookups import id_key
from ...template.delays import delay_hours
from ...template.facts import ColumnName, Label
from ...template.severity import ERROR, WARNING
from ...template.text import normalise
from .registry import CheckContext, register

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...plan.model import Finding


@register("scenario-unknown-use-case", ERROR, "scenarios", needs=("use_cases",))
def scenario_unknown_use_case(ctx: CheckContext) -> Iterator[Finding]:
    yield from ctx.unknown_references("scenario-unknown-use-case", "scenarios", "use_case",
                                      ctx.use_case_ids)


@register("scenario-not-in-specs", WARNING, "scenario_map", needs=("scenarios",))
def scenario_not_in_specs(ctx: CheckContext) -> Iterator[Finding]:
    for placement in ctx.plan.placements:
        for scenario_id in placement.scenarios:
            if id_key(scenario_id) not in ctx.scenario_ids:
                yield ctx.on_placement("scenario-not-in-specs", placement, scenario_id,
                                       closest=ctx.closest_id("scenarios", scenario_id))


@register("scenario-not-in-map", WARNING, "scenarios", needs=("scenario_map",))
def scenario_not_in_map(ctx: CheckContext) -> Iterator[Finding]:
    yield from ctx.scenarios_missing_from("scenario-not-in-map", ctx.placed_ids)


@register("scenario-without-trigger", ERROR, "scenarios")
def scenario_without_trigger(ctx: CheckContext) -> Iterator[Finding]:
    tab = ctx.table_tab("scenarios")
    for index, scenario in ctx.records("scenarios"):
        for key in ("trigger_type", "trigger"):
            if scenario.get(key) is None:
                yield ctx.finding("scenario-without-trigger", "scenarios", index, key,
                                  id=scenario.get("id") or "?",
                                  column=ColumnName(tab.key, key))
                break


@register("scenario-without-messages", ERROR, "scenarios", needs=("messages",))
def scenario_without_messages(ctx: CheckContext) -> Iterator[Finding]:
    with_messages = {id_key(m.scenario) for m in ctx.plan.messages if m.scenario is not None}
    yield from ctx.scenarios_missing_from("scenario-without-messages", with_messages)


@register("message-unknown-scenario", ERROR, "messages", needs=("scenarios",))
def message_unknown_scenario(ctx: CheckContext) -> Iterator[Finding]:
    yield from ctx.unknown_references("message-unknown-scenario", "messages", "scenario",
                                      ctx.scenario_ids)


@register("bad-delay", ERROR, "messages")
def bad_delay(ctx: CheckContext) -> Iterator[Finding]:
    for index, message in ctx.records("messages"):
        if message.get("delay") is not None and delay_hours(message.get("delay")) is None:
            yield ctx.finding("bad-delay", "messages", index, "delay", value=message.get("delay"))


@register("delays-not-increasing", WARNING, "messages")
def delays_not_increasing(ctx: CheckContext) -> Iterator[Finding]:
    last: dict[str, tuple[float, object]] = {}
    shared = ctx.shared_ids("scenarios")
    for index, message in ctx.records("messages"):
        hours = delay_hours(message.get("delay"))
        if message.get("scenario") is None or hours is None:
            continue
        if id_key(message.get("scenario")) in shared:
            continue  # two scenarios' messages under one ID: duplicate-id says it
        key = id_key(message.get("scenario"))
        if key in last and hours < last[key][0]:
            yield ctx.finding("delays-not-increasing", "messages", index, "delay",
                              value=message.get("delay"), scenario=message.get("scenario"),
                              previous=last[key][1])
        if key not in last or hours >= last[key][0]:
            last[key] = (hours, message.get("delay"))


@register("message-channel-not-in-journey", WARNING, "messages", needs=("journey",))
def message_channel_not_in_journey(ctx: CheckContext) -> Iterator[Finding]:
    used = {c for _, c in ctx.touchpoint_keys}
    if not ctx.plan.touchpoints:
        return
    for index, message in ctx.records("messages"):
        channel = message.get("channel")
        if channel is None or not ctx.in_list("channel", channel):
            continue
        if normalise(channel) not in used:
            yield ctx.finding("message-channel-not-in-journey", "messages", index, "channel",
                              value=channel, channel=Label("channel", channel))


@register("unknown-stage-or-target", ERROR, "scenario_map", needs=("lists",))
def unknown_stage_or_target(ctx: CheckContext) -> Iterator[Finding]:
    for placement in ctx.plan.placements:
        if not (ctx.in_list("relationship_stage", placement.relationship_stage)
                and ctx.in_list("target", placement.target)):
            yield ctx.on_placement("unknown-stage-or-target", placement,
                                   ", ".join(placement.scenarios))
    for touchpoint in ctx.plan.touchpoints:
        if not (ctx.in_list("stage", touchpoint.stage) and ctx.in_list("channel",
                                                                       touchpoint.channel)):
            yield ctx.on_touchpoint("unknown-stage-or-target", touchpoint,
                                    value=touchpoint.description)
