"""The observed journey as JSON data (omnisheet/outputs/json/journeys.schema.json):
figures and the plan's own stage and channel names, no sentence; a suppressed figure is
null with `"suppressed": true`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ...journeys.model import Journeys

if TYPE_CHECKING:
    from ...template.definition import Definition

VERSION = 1


def _name(definition: Definition, list_key: str, value: Any, lang: str) -> Any:
    if isinstance(value, str):
        return definition.list(list_key).label(value, lang)
    return value


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def _when(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def to_dict(journeys: Journeys, definition: Definition, lang: str, plan_file: str) -> dict:
    def stage(v: Any) -> Any:
        return _name(definition, "stage", v, lang)

    def channel(v: Any) -> Any:
        return _name(definition, "channel", v, lang)

    periods = []
    for period in journeys.periods:
        periods.append({
            "period": period.isoformat(),
            "traffic": [{"stage": stage(t.stage), "channel": channel(t.channel),
                         "customers": t.customers, "events": t.events,
                         "share": _round(t.share), "suppressed": t.suppressed}
                        for t in journeys.traffic_in(period)],
            "stages": [{"stage": stage(s.stage), "customers": s.customers,
                        "omnichannel_customers": s.several,
                        "omnichannel_rate": _round(s.omnichannel_rate),
                        "suppressed": s.suppressed} for s in journeys.stages_in(period)],
            "switches": [{"from": {"stage": stage(s.from_stage), "channel": channel(s.from_channel)},
                          "to": {"stage": stage(s.to_stage), "channel": channel(s.to_channel)},
                          "customers": s.customers, "events": s.events,
                          "share_of_leaving": _round(s.share_from),
                          "share_of_arriving": _round(s.share_to),
                          "median_hours": _round(s.p50_hours), "p90_hours": _round(s.p90_hours),
                          "weekdays": [{"weekday": d, "customers": w.customers,
                                        "median_hours": _round(w.p50_hours),
                                        "p90_hours": _round(w.p90_hours)}
                                       for d, w in sorted(s.weekdays.items())]}
                         for s in journeys.switches_in(period)],
            "dropoff": [{"stage": stage(d.stage),
                         "channel": None if d.channel is None else channel(d.channel),
                         "reached": d.reached, "went_on": d.went_on, "dropped": d.dropped,
                         "share": _round(d.share), "suppressed": d.suppressed}
                        for d in journeys.dropoffs_in(period)],
        })
    return {
        "format": "omnisheet-journeys", "version": VERSION, "plan": plan_file,
        "language": lang, "period_kind": journeys.period,
        "settings": {"privacy_threshold": journeys.threshold,
                     "share_threshold": journeys.share_threshold,
                     "dropoff_window_days": journeys.window_days,
                     "dropoff_points": journeys.dropoff_threshold},
        "files": [{"file": s.name, "layout": s.layout, "events": s.events,
                   "keyless_events": s.keyless} for s in journeys.sources],
        "events": journeys.events, "customers": journeys.customers,
        "known_events": journeys.known_events, "known_customers": journeys.known_customers,
        "placed_events": journeys.placed_events,
        "first": _when(journeys.first), "last": _when(journeys.last),
        "identities": {"keys": journeys.identity_keys, "customers": journeys.identity_customers,
                       "conflicting_keys": journeys.identity_conflicts},
        "suppressed_figures": journeys.suppressed,
        "periods": periods,
        "promises": [{"from_stage": stage(p.from_stage), "to_stage": stage(p.to_stage),
                      "to_channel": None if p.to_channel is None else channel(p.to_channel),
                      "hours": p.hours,
                      "switches": [{"from_channel": channel(s.from_channel),
                                    "to_channel": channel(s.to_channel),
                                    "period": s.period.isoformat(), "customers": s.customers,
                                    "median_hours": _round(s.p50_hours),
                                    "p90_hours": _round(s.p90_hours),
                                    "late_weekdays": sorted(d for d, w in s.weekdays.items()
                                                            if w.p50_hours > p.hours)}
                                   for s in p.switches]}
                     for p in journeys.promises],
        "unplaced": [{"file": u.source, "event": u.event, "events": u.events}
                     for u in journeys.unplaced],
    }
