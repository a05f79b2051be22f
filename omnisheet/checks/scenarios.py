"""Checks on the scenario map, the scenario specs and their messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..delays import delay_hours
from ..severity import ERROR, WARNING
from ..text import normalise
from .registry import Context, check, id_key

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..model import Finding


@check("scenario-unknown-use-case", ERROR, "scenarios",
       fr="{id} met en œuvre {value}, qui n'est pas un cas d'usage.",
       en="{id} implements {value}, which is not a use case.",
       needs=('use_cases',))
def scenario_unknown_use_case(ctx: Context) -> Iterator[Finding]:
    """A scenario points at a use case ID that the Use cases tab does not have.

    A typo, or a use case renumbered or deleted. Correct the ID (the cell has a dropdown of
    existing IDs).
    """
    yield from ctx.unknown_references("scenario-unknown-use-case", "scenarios", "use_case",
                                      ctx.use_case_ids)


@check("scenario-not-in-specs", WARNING, "scenario_map",
       fr="{value} est placé sur la carte mais n'est pas décrit dans l'onglet des scénarios.",
       en="{value} is on the scenario map but not specified on the scenario specs tab.",
       needs=('scenarios',))
def scenario_not_in_specs(ctx: Context) -> Iterator[Finding]:
    """The scenario map names a scenario ID that no row of the scenario specs describes.

    The map and the specs disagree: specify the scenario (trigger, messages), or remove
    the ID from the map.
    """
    for placement in ctx.plan.placements:
        for scenario_id in placement.scenarios:
            if id_key(scenario_id) not in ctx.scenario_ids:
                yield ctx.on_placement("scenario-not-in-specs", placement, scenario_id)


@check("scenario-not-in-map", WARNING, "scenarios",
       fr="{value} n'est placé nulle part sur la carte des scénarios.",
       en="{value} is not placed on the scenario map.",
       needs=('scenario_map',))
def scenario_not_in_map(ctx: Context) -> Iterator[Finding]:
    """A specified scenario appears in no cell of the scenario map.

    The map is how the team sees who is addressed when; put the ID in the cell of its
    target and relationship stage.
    """
    yield from ctx.scenarios_missing_from("scenario-not-in-map", ctx.placed_ids)


@check("scenario-without-trigger", ERROR, "scenarios",
       fr="{id} n'a pas de déclencheur : « {column} » est vide.",
       en="{id} has no trigger: \"{column}\" is empty.")
def scenario_without_trigger(ctx: Context) -> Iterator[Finding]:
    """A scenario has no trigger type or no trigger description.

    Marketing automation starts from a trigger: a behaviour (sign-up, abandoned cart), an
    event (birthday, contract end) or a date. Without it the scenario cannot be built.
    """
    tab = ctx.table_tab("scenarios")
    for index, scenario in ctx.records("scenarios"):
        for key in ("trigger_type", "trigger"):
            if scenario.get(key) is None:
                yield ctx.finding("scenario-without-trigger", "scenarios", index, key,
                                  id=scenario.get("id") or "?",
                                  column=tab.column(key).labels[ctx.lang])
                break


@check("scenario-without-messages", ERROR, "scenarios",
       fr="{value} n'a aucun message dans l'onglet Messages.",
       en="{value} has no message on the Messages tab.",
       needs=('messages',))
def scenario_without_messages(ctx: Context) -> Iterator[Finding]:
    """A scenario has no message: nothing would be sent.

    Add one row per message on the Messages tab, with this scenario's ID, a delay, a
    channel and a content.
    """
    with_messages = {id_key(m.scenario) for m in ctx.plan.messages if m.scenario is not None}
    yield from ctx.scenarios_missing_from("scenario-without-messages", with_messages)


@check("message-unknown-scenario", ERROR, "messages",
       fr="Ce message appartient à {value}, qui n'est pas un scénario.",
       en="This message belongs to {value}, which is not a scenario.",
       needs=('scenarios',))
def message_unknown_scenario(ctx: Context) -> Iterator[Finding]:
    """A message names a scenario ID that the scenario specs do not have.

    A typo or a renumbered scenario: correct the ID (the cell has a dropdown).
    """
    yield from ctx.unknown_references("message-unknown-scenario", "messages", "scenario",
                                      ctx.scenario_ids)


@check("bad-delay", ERROR, "messages",
       fr="Délai « {value} » illisible (exemples : J+0, J+5, H+2, 3 jours).",
       en="Delay \"{value}\" cannot be read (examples: D+0, D+5, H+2, 3 days).")
def bad_delay(ctx: Context) -> Iterator[Finding]:
    """A message's delay is not a delay omnisheet can read.

    Write it as J+5 / D+5 (days), H+2 (hours), S+1 / W+1 (weeks), or "5 jours" / "5 days";
    a bare number counts in days, J-7 is seven days before an event.
    """
    for index, message in ctx.records("messages"):
        if message.get("delay") is not None and delay_hours(message.get("delay")) is None:
            yield ctx.finding("bad-delay", "messages", index, "delay", value=message.get("delay"))


@check("delays-not-increasing", WARNING, "messages",
       fr="{scenario} : ce message ({value}) part avant le précédent ({previous}).",
       en="{scenario}: this message ({value}) goes before the previous one ({previous}).")
def delays_not_increasing(ctx: Context) -> Iterator[Finding]:
    """Within a scenario, a message is listed after another that it would precede.

    Sequences read top to bottom (abandoned cart: J+1, then J+5 with a promo code); a
    smaller delay below a larger one is usually a typo. Reorder the rows or fix the delay.
    """
    last: dict[str, tuple[float, object]] = {}
    for index, message in ctx.records("messages"):
        hours = delay_hours(message.get("delay"))
        if message.get("scenario") is None or hours is None:
            continue
        key = id_key(message.get("scenario"))
        if key in last and hours < last[key][0]:
            yield ctx.finding("delays-not-increasing", "messages", index, "delay",
                              value=message.get("delay"), scenario=message.get("scenario"),
                              previous=last[key][1])
        if key not in last or hours >= last[key][0]:
            last[key] = (hours, message.get("delay"))


@check("message-channel-not-in-journey", WARNING, "messages",
       fr="Message envoyé par « {channel} », canal sans aucun point de contact sur la carte du parcours.",
       en="Message sent on \"{channel}\", a channel with no touchpoint on the journey map.",
       needs=('journey',))
def message_channel_not_in_journey(ctx: Context) -> Iterator[Finding]:
    """A message goes out on a channel where the journey map has no touchpoint.

    Either the journey map forgets a channel customers really use, or the scenario speaks
    where customers are not. Describe the channel's touchpoints, or change the channel.
    """
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


@check("unknown-stage-or-target", ERROR, "scenario_map",
       fr="Case sans en-tête connu : « {value} » est placé sous une étape ou une cible absente des listes.",
       en="Cell without a known header: \"{value}\" sits under a stage or target not in the lists.",
       needs=('lists',))
def unknown_stage_or_target(ctx: Context) -> Iterator[Finding]:
    """A cell of the scenario map (or journey map) is filled under a column or row whose
    relationship stage, target, journey stage or channel is not in the Lists tab.

    Add the stage or target to its list on the Lists tab (the map's headers follow), or move
    the cell under an existing one.
    """
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
