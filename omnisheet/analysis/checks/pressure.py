"""Checks on contact pressure (omnisheet/analysis/pressure.py) and on consent (omnisheet/analysis/consent.py):
what one customer would receive, when, and whether the data allows sending it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ...template.delays import delay_hours, in_hours
from ...template.formatting import Phrase
from ...template.numbers import number
from ...template.severity import INFO, WARNING
from .registry import REGISTRY, Context, check, id_key

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...plan.model import Finding, Scalar
    from ..pressure import Pressure, Sent


@dataclass(frozen=True)
class Listing:
    """Scenario IDs and delays a message lists ("SC-001 (J+0, J+3) · SC-002 (J+1)"): the
    team's own words, in no language, shown whole rather than cut as quoted text is."""

    text: str

    def __str__(self) -> str:
        return self.text


def _pressure(ctx: Context) -> Pressure:
    from ..pressure import pressure

    return pressure(ctx.plan, ctx.definition)


def _listing(sent: tuple[Sent, ...] | list[Sent]) -> Listing:
    by_scenario: dict[Scalar, list[str]] = {}
    for message in sent:
        by_scenario.setdefault(message.scenario, []).append(str(message.delay))
    return Listing(" · ".join(f"{scenario} ({', '.join(delays)})"
                              for scenario, delays in by_scenario.items()))


@check("pressure-over-cap", WARNING, "messages", needs=("scenario_map", "scenarios"))
def pressure_over_cap(ctx: Context) -> Iterator[Finding]:
    """A target may receive more messages on a channel, within the period of its cap, than
    the Settings tab allows."""
    for peak in _pressure(ctx).over:
        first = peak.first_over
        assert first is not None
        yield ctx.finding(
            "pressure-over-cap", "messages", first.index, "channel",
            value=ctx.plan.messages[first.index].channel,
            target=ctx.label("target", peak.target),
            channel=ctx.label("channel", peak.cap.channel), count=peak.count,
            cap=peak.cap.most, days=peak.cap.days, responsible=_listing(peak.sent),
            first=Listing(f"{first.scenario} {first.delay}"))


@check("pressure-channel-without-cap", INFO, "settings", needs=("scenario_map", "scenarios"))
def pressure_channel_without_cap(ctx: Context) -> Iterator[Finding]:
    """A channel that carries messages of the scenario map has no cap on the Settings tab."""
    from ...plan.model import Finding
    from ...plan.setting_tables import rows
    from ..pressure import channel_key

    table = ctx.definition.setting_table("contact_caps")
    listed = ctx.definition.list("channel")
    where = {channel_key(ctx.definition, row.value): row.sheet_row
             for row in reversed(rows(ctx.plan, ctx.definition, table.key))}
    for key, channel in _pressure(ctx).uncapped.items():
        template = listed.value(listed.match(channel))
        if template is not None and template.key not in table.defaults:
            continue  # left uncapped by the template (the website, the store): no message
        yield Finding(code="pressure-channel-without-cap", severity=INFO,
                      sheet=ctx.sheet("settings"), row=where[key] + 1, column=2,
                      value=ctx.label("channel", channel),
                      params={"channel": ctx.label("channel", channel)})


@check("sequence-too-dense", WARNING, "messages")
def sequence_too_dense(ctx: Context) -> Iterator[Finding]:
    """Two messages of one scenario on the same channel are closer than the minimum gap
    set on the Settings tab."""
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
                                  channel=ctx.label("channel", message.channel),
                                  previous=ctx.plan.messages[first].delay,
                                  hours=round(hours - before, 2), minimum=gap)


@check("message-outside-hours", WARNING, "messages", needs=("scenarios",))
def message_outside_hours(ctx: Context) -> Iterator[Finding]:
    """A message whose delay is given in hours lands at night, after a trigger whose hour
    the scenario specs give."""
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


@check("consent-not-planned", WARNING, "messages", needs=("scenarios", "data_needs"))
def consent_not_planned(ctx: Context) -> Iterator[Finding]:
    """A marketing scenario sends on a channel that needs consent for its target, and its
    data needs record no consent for that channel."""
    for scenario, _channel, rule, index, found in _consent(ctx):
        if not found:
            yield ctx.finding("consent-not-planned", "messages", index, "channel",
                              value=ctx.plan.messages[index].channel, scenario=scenario.id,
                              channel=ctx.label("channel", ctx.plan.messages[index].channel),
                              rule=ctx.label("consent", rule.line))


@check("consent-not-available", WARNING, "data_needs", needs=("scenarios", "messages"))
def consent_not_available(ctx: Context) -> Iterator[Finding]:
    """The consent a scenario needs for a channel is in the data integration, but not
    available yet."""
    from ..consent import PENDING

    said: set[int] = set()
    indexes = {id(need): i for i, need in enumerate(ctx.plan.data_needs)}
    for scenario, _channel, _rule, index, found in _consent(ctx):
        if found and all(need.availability in PENDING for need in found):
            for need in found:
                position = indexes[id(need)]
                if position in said:
                    continue
                said.add(position)
                yield ctx.finding(
                    "consent-not-available", "data_needs", position, "availability",
                    value=need.variable, scenario=scenario.id,
                    channel=ctx.label("channel", ctx.plan.messages[index].channel),
                    availability=ctx.label("availability", need.availability))


def _consent(ctx: Context) -> list[tuple]:
    """Per marketing scenario and channel needing consent for its targets: the scenario,
    the channel key, the rule, its first message there, and the data needs recording a
    consent for it. Made once for both checks."""
    if "consent" in ctx._cache:
        return ctx._cache["consent"]
    from ..consent import Consent, rule_for
    from ..pressure import channel_key

    d, plan = ctx.definition, ctx.plan
    consent = Consent(plan, d)
    lines = consent.rules
    found: list[tuple] = []
    if lines:
        targets: dict[str, set] = defaultdict(set)
        for placement in plan.placements:
            for ident in placement.scenarios:
                targets[id_key(ident)].add(placement.target)
        needs = defaultdict(list)
        for need in plan.data_needs:
            if need.scenario is not None:
                needs[id_key(need.scenario)].append(need)
        first: dict[str, dict[str, int]] = defaultdict(dict)  # scenario → channel → message
        for index, message in enumerate(plan.messages):
            if message.scenario is not None and message.channel is not None:
                first[id_key(message.scenario)].setdefault(channel_key(d, message.channel),
                                                           index)
        seen: set[str] = set()
        for scenario in plan.scenarios:
            key = id_key(scenario.id) if scenario.id is not None else None
            if key is None or key in seen or scenario.purpose == "service":
                continue
            seen.add(key)
            aimed = targets[key] | ({scenario.target} if scenario.target is not None else set())
            audiences = {consent.audience(t) for t in aimed} or {None}
            for channel, index in first.get(key, {}).items():
                rule = rule_for(lines, channel, audiences)
                if rule is not None:
                    found.append((scenario, channel, rule, index,
                                  consent.for_channel(needs[key], channel)))
    ctx._cache["consent"] = found
    return found


__all__ = ["REGISTRY"]
