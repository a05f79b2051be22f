"""The engine's rows made into the Journeys: numbers back into the plan's stages and
channels, shares, delays in hours, drop-off over the days whose window has ended, and
every figure drawn from fewer customers than the threshold suppressed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ..template.text import normalise
from .engine import COLUMNS
from .model import (
    Delay,
    DropOff,
    Journeys,
    PromiseCheck,
    SourceFile,
    StageFigures,
    Switch,
    Traffic,
    Unplaced,
)

if TYPE_CHECKING:
    from ..plan.model import Plan
    from ..template.definition import Definition
    from .reading import Found


def build(rows: list[tuple], found: Found, keyless: dict[int, int], identity: tuple,
          plan: Plan, definition: Definition, period: str) -> Journeys:
    from .settings import setting

    k = int(setting(plan, definition, "journey_privacy"))
    window = setting(plan, definition, "journey_window_days")
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        record = dict(zip(COLUMNS, row, strict=True))
        by[record["figure"]].append(record)
    stages, channels = found.stages, found.channels
    suppressed = 0

    def few(n: int | None) -> bool:
        return n is not None and n < k

    stage_rows = {(r["period"], r["stage"]): r for r in by["stage"]}
    traffic = []
    for r in sorted(by["traffic"], key=lambda r: (r["period"], r["stage"], r["channel"])):
        total = stage_rows[(r["period"], r["stage"])]["customers"]
        hidden = few(r["customers"])
        suppressed += hidden
        traffic.append(Traffic(
            period=r["period"], stage=stages[r["stage"]], channel=channels[r["channel"]],
            customers=None if hidden else r["customers"], events=None if hidden else r["events"],
            share=None if hidden else 100 * r["customers"] / total, suppressed=hidden))
    stage_figures = []
    for (when, stage), r in sorted(stage_rows.items()):
        hidden = few(r["customers"])
        several = None if hidden or few(r["several"]) and r["several"] else r["several"]
        suppressed += hidden
        stage_figures.append(StageFigures(when, stages[stage],
                                          None if hidden else r["customers"], several, hidden))
    switches = _switches(by["switch"], stages, channels, traffic, k)
    suppressed += sum(1 for r in by["switch"] if r["weekday"] is None
                      and r["next_stage"] is not None and few(r["customers"]))
    last = next((r["last"] for r in by["all"]), None)
    if by["dropoff"]:  # summed and withheld where the events live (tables.py)
        dropoffs, hidden_drops = _dropoffs_summed(by["dropoff"], stages, channels)
    else:
        dropoffs, hidden_drops = _dropoffs(by["arrival"], stages, channels, last, window, k)
    suppressed += hidden_drops
    names = {p.index: p for p in found.all}
    unplaced = sorted((Unplaced(names[r["source"]].stem, r["label"], r["events"])
                       for r in by["unplaced"] if not few(r["customers"])),
                      key=lambda u: (-u.events, u.source, u.event or ""))
    everything = by["all"][0] if by["all"] else {}
    per_file = {r["source"]: r["events"] for r in by["file"]}
    return Journeys(
        period=period, threshold=k,
        share_threshold=setting(plan, definition, "journey_share"), window_days=window,
        dropoff_threshold=setting(plan, definition, "journey_dropoff"),
        sources=tuple(SourceFile(p.name, p.layout.kind, per_file.get(p.index, 0),
                                 keyless.get(p.index, 0)) for p in found.all),
        events=everything.get("events") or 0, customers=everything.get("customers") or 0,
        known_events=everything.get("known_events") or 0,
        known_customers=everything.get("known_customers") or 0,
        placed_events=sum(r["events"] for r in by["period"]),
        first=everything.get("first"), last=last,
        identity_keys=identity[0] or 0, identity_customers=identity[1] or 0,
        identity_conflicts=identity[2] or 0,
        periods=tuple(sorted(r["period"] for r in by["period"])),
        traffic=tuple(traffic), stages=tuple(stage_figures), switches=tuple(switches),
        promises=_promises(plan, definition, switches, stages, channels),
        dropoffs=tuple(dropoffs), unplaced=tuple(unplaced), suppressed=suppressed, plan=plan)


def _switches(rows: list[dict[str, Any]], stages: list[Any], channels: list[Any],
              traffic: list[Traffic], k: int) -> list[Switch]:
    overall = [r for r in rows if r["weekday"] is None and r["next_stage"] is not None]
    leaving = {(r["period"], r["stage"], r["channel"]): r["customers"] for r in rows
               if r["next_stage"] is None}
    days: dict[tuple, dict[int, Delay]] = defaultdict(dict)
    for r in rows:
        if r["weekday"] is not None and r["next_stage"] is not None and r["customers"] >= k:
            days[_switch_key(r)][int(r["weekday"])] = Delay(
                r["customers"], r["events"], r["p50"] / 3600, r["p90"] / 3600)
    arriving = {(t.period, t.stage, t.channel): t.customers for t in traffic}
    found = []
    for r in sorted(overall, key=lambda r: (r["period"], -r["customers"], _switch_key(r))):
        if r["customers"] < k:
            continue
        at = arriving.get((r["period"], stages[r["next_stage"]], channels[r["next_channel"]]))
        out = leaving.get((r["period"], r["stage"], r["channel"]))
        found.append(Switch(
            period=r["period"], from_stage=stages[r["stage"]], from_channel=channels[r["channel"]],
            to_stage=stages[r["next_stage"]], to_channel=channels[r["next_channel"]],
            customers=r["customers"], events=r["events"],
            share_from=100 * r["customers"] / out if out else None,
            share_to=100 * r["customers"] / at if at else None,
            p50_hours=r["p50"] / 3600, p90_hours=r["p90"] / 3600,
            weekdays=days.get(_switch_key(r), {})))
    return found


def _switch_key(r: dict[str, Any]) -> tuple:
    return (r["period"], r["stage"], r["channel"], r["next_stage"], r["next_channel"])


def _dropoffs(rows: list[dict[str, Any]], stages: list[Any], channels: list[Any],
              last: dt.datetime | None, window: float, k: int) -> tuple[list[DropOff], int]:
    """Arrivals whose window ended within the data, summed per stage × channel."""
    if last is None:
        return [], 0
    end = (last - dt.timedelta(days=window)).date()
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        if r["day"] < end:  # the whole window of that day lies within the data
            total = sums[(r["period"], r["stage"], r["channel"])]
            total[0] += r["customers"]
            total[1] += r["went_on"]
    for (when, stage, _channel), (reached, went_on) in list(sums.items()):
        total = sums[(when, stage, -1)]
        total[0] += reached
        total[1] += went_on
    found, hidden = [], 0
    for (when, stage, channel), (reached, went_on) in sorted(sums.items()):
        # too few who reached, or who went on or dropped: that part would tell the other
        few = reached < k or 0 < went_on < k or 0 < reached - went_on < k
        hidden += few
        found.append(DropOff(when, stages[stage], None if channel < 0 else channels[channel],
                             None if reached < k else reached, None if few else went_on, few))
    return found, hidden


def _dropoffs_summed(rows: list[dict[str, Any]], stages: list[Any], channels: list[Any]
                     ) -> tuple[list[DropOff], int]:
    """The same drop-off, summed by the engine, with what would tell fewer customers than
    the threshold already withheld there (reached or went_on null)."""
    found, hidden = [], 0
    for r in sorted(rows, key=lambda r: (r["period"], r["stage"], r["channel"])):
        few = r["went_on"] is None
        hidden += few
        channel = r["channel"]
        found.append(DropOff(r["period"], stages[r["stage"]],
                             None if channel < 0 else channels[channel], r["customers"],
                             r["went_on"], few))
    return found, hidden


def _promises(plan: Plan, definition: Definition, switches: list[Switch], stages: list[Any],
              channels: list[Any]) -> tuple[PromiseCheck, ...]:
    from ..template.numbers import number

    found = []
    for index, record in enumerate(plan.table("promises")):
        hours = number(record.get("hours"))
        if hours is None or record.get("from_stage") is None or record.get("to_stage") is None:
            continue
        to_channel = record.get("to_channel")
        matching = tuple(s for s in switches
                         if _same(s.from_stage, record.get("from_stage"), definition, "stage")
                         and _same(s.to_stage, record.get("to_stage"), definition, "stage")
                         and (to_channel is None
                              or _same(s.to_channel, to_channel, definition, "channel")))
        found.append(PromiseCheck(record.row, index, record.get("from_stage"),
                                  record.get("to_stage"), to_channel, float(hours), matching))
    return tuple(found)


def _same(value: Any, other: Any, definition: Definition, list_key: str) -> bool:
    if normalise(value) == normalise(other):
        return True
    listed = definition.list(list_key)
    a, b = listed.value(value), listed.value(other)
    return a is not None and b is not None and a.key == b.key
