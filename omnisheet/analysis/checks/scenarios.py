"""Checks on the scenario map, the scenario specs and their messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...plan.lookups import id_key
from ...template.delays import delay_hours
from ...template.severity import ERROR, WARNING
from ...template.text import normalise
from .registry import Context, check

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...plan.model import Finding


@check("scenario-unknown-use-case", ERROR, "scenarios", needs=("use_cases",))
def scenario_unknown_use_case(ctx: Context) -> Iterator[Finding]:
    """A scenario points at a use case ID that the Use cases tab does not have."""
    yield from ctx.unknown_references("scenario-unknown-use-case", "scenarios", "use_case",
                                      ctx.use_case_ids)


@check("scenario-not-in-specs", WARNING, "scenario_map", needs=("scenarios",))
def scenario_not_in_specs(ctx: Context) -> Iterator[Finding]:
    """The scenario map names a scenario ID that no row of the scenario specs describes."""
    for placement in ctx.plan.placements:
        for scenario_id in placement.scenarios:
            if id_key(scenario_id) not in ctx.scenario_ids:
                yield ctx.on_placement("scenario-not-in-specs", placement, scenario_id,
                                       closest=ctx.closest_id("scenarios", scenario_id))


@check("scenario-not-in-map", WARNING, "scenarios", needs=("scenario_map",))
def scenario_not_in_map(ctx: Context) -> Iterator[Finding]:
    """A specified scenario appears in no cell of the scenario map."""
    yield from ctx.scenarios_missing_from("scenario-not-in-map", ctx.placed_ids)


@check("scenario-without-trigger", ERROR, "scenarios")
def scenario_without_trigger(ctx: Context) -> Iterator[Finding]:
    """A scenario has no trigger type or no trigger description."""
    tab = ctx.table_tab("scenarios")
    for index, scenario in ctx.records("scenarios"):
        for key in ("trigger_type", "trigger"):
            if scenario.get(key) is None:
                yield ctx.finding("scenario-without-trigger", "scenarios", index, key,
                                  id=scenario.get("id") or "?",
                                  column=tab.column(key).labels[ctx.lang])
                break


@check("scenario-without-messages", ERROR, "scenarios", needs=("messages",))
def scenario_without_messages(ctx: Context) -> Iterator[Finding]:
    """A scenario has no message: nothing would be sent."""
    with_messages = {id_key(m.scenario) for m in ctx.plan.messages if m.scenario is not None}
    yield from ctx.scenarios_missing_from("scenario-without-messages", with_messages)


@check("message-unknown-scenario", ERROR, "messages", needs=("scenarios",))
def message_unknown_scenario(ctx: Context) -> Iterator[Finding]:
    """A message names a scenario ID that the scenario specs do not have."""
    yield from ctx.unknown_references("message-unknown-scenario", "messages", "scenario",
                                      ctx.scenario_ids)


@check("bad-delay", ERROR, "messages")
def bad_delay(ctx: Context) -> Iterator[Finding]:
    """A message's delay is not a delay omnisheet can read."""
    for index, message in ctx.records("messages"):
        if message.get("delay") is not None and delay_hours(message.get("delay")) is None:
            yield ctx.finding("bad-delay", "messages", index, "delay", value=message.get("delay"))


@check("delays-not-increasing", WARNING, "messages")
def delays_not_increasing(ctx: Context) -> Iterator[Finding]:
    """Within a scenario, a message is listed after another that it would precede."""
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


@check("message-channel-not-in-journey", WARNING, "messages", needs=("journey",))
def message_channel_not_in_journey(ctx: Context) -> Iterator[Finding]:
    """A message goes out on a channel where the journey map has no touchpoint."""
    used = {c for _, c in ctx.touchpoint_keys}
    if not ctx.plan.touchpoints:
        return
    for index, message in ctx.records("messages"):
        channel = message.get("channel")
        if channel is None or not ctx.in_list("channel", channel):
            continue
        if normalise(channel) not in used:
            yield ctx.finding("message-channel-not-in-journey", "messages", index, "channel",
                              value=channel, channel=ctx.label("channel", channel))


@check("unknown-stage-or-target", ERROR, "scenario_map", needs=("lists",))
def unknown_stage_or_target(ctx: Context) -> Iterator[Finding]:
    """A cell of the scenario map (or journey map) is filled under a column or row whose
    relationship stage, target, journey stage or channel is not in the Lists tab."""
    yield from (f for f in ctx.plan.read_findings if f.code == "unknown-stage-or-target")
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
