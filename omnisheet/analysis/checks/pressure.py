"""Checks on contact pressure (omnisheet/analysis/pressure.py) and on consent (omnisheet/analysis/consent.py):
what one customer would receive, when, and whether the data allows sending it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ...template.delays import delay_hours, in_hours
from ...template.facts import Label, Phrase
from ...template.numbers import number
from ...template.severity import INFO, WARNING
from .registry import REGISTRY, CheckContext, id_key, register

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...plan.model import Finding, Scalar
    from ..pressure import Sent


@dataclass(frozen=True)
class Listing:
    """Scenario IDs and delays a message lists ("SC-001 (J+0, J+3) · SC-002 (J+1)"): the
    team's own words, in no language, shown whole rather than cut as quoted text is."""

    text: str

    def __str__(self) -> str:
        return self.text


def _listing(sent: tuple[Sent, ...] | list[Sent]) -> Listing:
    by_scenario: dict[Scalar, list[str]] = {}
    for message in sent:
        by_scenario.setdefault(message.scenario, []).append(str(message.delay))
    return Listing(" · ".join(f"{scenario} ({', '.join(delays)})"
                              for scenario, delays in by_scenario.items()))


@register("pressure-over-cap", WARNING, "messages", needs=("scenario_map", "scenarios"))
def pressure_over_cap(ctx: CheckContext) -> Iterator[Finding]:
    for peak in ctx.pressure.over:
        first = peak.first_over
        assert first is not None
        yield ctx.finding(
            "pressure-over-cap", "messages", first.index, "channel",
            value=ctx.plan.messages[first.index].channel,
            target=Label("target", peak.target),
            channel=Label("channel", peak.cap.channel), count=peak.count,
            cap=peak.cap.most, days=peak.cap.days, responsible=_listing(peak.sent),
            first=Listing(f"{first.scenario} {first.delay}"))


@register("pressure-channel-without-cap", INFO, "settings", needs=("scenario_map", "scenarios"))
def pressure_channel_without_cap(ctx: CheckContext) -> Iterator[Finding]:
    from ...plan.model import Finding
    from ...plan.setting_tables import rows
    from ..pressure import channel_key

    table = ctx.definition.setting_table("contact_caps")
    listed = ctx.definition.list("channel")
    where = {channel_key(ctx.definition, row.value): row.sheet_row
             for row in reversed(rows(ctx.plan, ctx.definition, table.key))}
    for key, channel in ctx.pressure.uncapped.items():
        template = listed.value(listed.match(channel))
        if template is not None and template.key not in table.defaults:
            continue  # left uncapped by the template (the website, the store): no message
        yield Finding(code="pressure-channel-without-cap", severity=INFO,
                      sheet=ctx.sheet("settings"), row=where[key] + 1, column=2,
                      value=Label("channel", channel),
                      params={"channel": Label("channel", channel)})


@register("sequence-too-dense", WARNING, "messages")
def sequence_too_dense(ctx: CheckContext) -> Iterator[Finding]:
    from ..pressure import channel_key, rules

    gap = rules(ctx.plan, ctx.definition).min_gap_hours
    if gap <= 0:
        return
    sequences: dict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
    shared = ctx.shared_ids("scenarios")  # two scenarios under one ID: duplicate-id says it
    for index, message in enumerate(ctx.plan.messages):
        hours = delay_hours(message.delay)
        if message.scenario is None or message.channel is None or hours is None:
            continue
        if id_key(message.scenario) in shared:
            continue
        sequences[(id_key(message.scenario),
                   channel_key(ctx.definition, message.channel))].append((hours, index))
    for sent in sequences.values():
        sent.sort()
        for (before, first), (hours, index) in zip(sent, sent[1:], strict=False):
            if hours - before < gap:
                message = ctx.plan.messages[index]
                yield ctx.finding("sequence-too-dense", "messages", index, "delay",
                                  value=message.delay, scenario=message.scenario,
                                  channel=Label("channel", message.channel),
                                  previous=ctx.plan.messages[first].delay,
                                  hours=round(hours - before, 2), minimum=gap)


@register("message-outside-hours", WARNING, "messages", needs=("scenarios",))
def message_outside_hours(ctx: CheckContext) -> Iterator[Finding]:
    from ..pressure import rules

    night = rules(ctx.plan, ctx.definition)
    hours_of = {}
    shared = ctx.shared_ids("scenarios")  # whose hour is it? duplicate-id says it
    for scenario in ctx.plan.scenarios:
        hour = number(scenario.trigger_hour)
        if scenario.id is not None and hour is not None and 0 <= hour < 24 \
                and id_key(scenario.id) not in shared:
            hours_of.setdefault(id_key(scenario.id), hour)
    if not hours_of:
        return
    hours = Phrase("pressure", "night", start=_time(night.night_start),
                   end=_time(night.night_end))
    for index, message in enumerate(ctx.plan.messages):
        start = hours_of.get(id_key(message.scenario or ""))
        delay = delay_hours(message.delay) if start is not None else None
        if delay is None or not in_hours(message.delay):
            continue  # a delay in days goes out at the trigger's hour
        at = (start + delay) % 24
        if night.at_night(at):
            yield ctx.finding("message-outside-hours", "messages", index, "delay",
                              value=message.delay, scenario=message.scenario,
                              trigger=_time(start), time=_time(at), night=hours)


@lru_cache(maxsize=1440)
def _time(hour: float) -> Phrase:
    """An hour of the day as the language writes it: 22 h 30, 22:30."""
    minutes = round(hour * 60) % (24 * 60)
    return Phrase("pressure", "time", hour=minutes // 60, minute=f"{minutes % 60:02d}")


@register("consent-not-planned", WARNING, "messages", needs=("scenarios", "data_needs"))
def consent_not_planned(ctx: CheckContext) -> Iterator[Finding]:
    for scenario, _channel, rule, index, found in ctx.consents:
        if not found:
            yield ctx.finding("consent-not-planned", "messages", index, "channel",
                              value=ctx.plan.messages[index].channel, scenario=scenario.id,
                              channel=Label("channel", ctx.plan.messages[index].channel),
                              rule=Label("consent", rule.line))


@register("consent-not-available", WARNING, "data_needs", needs=("scenarios", "messages"))
def consent_not_available(ctx: CheckContext) -> Iterator[Finding]:
    from ..consent import PENDING

    said: set[int] = set()
    indexes = {id(need): i for i, need in enumerate(ctx.plan.data_needs)}
    for scenario, _channel, _rule, index, found in ctx.consents:
        if found and all(need.availability in PENDING for need in found):
            for need in found:
                position = indexes[id(need)]
                if position in said:
                    continue
                said.add(position)
                yield ctx.finding(
                    "consent-not-available", "data_needs", position, "availability",
                    value=need.variable, scenario=scenario.id,
                    channel=Label("channel", ctx.plan.messages[index].channel),
                    availability=Label("availability", need.availability))


__all__ = ["REGISTRY"]
