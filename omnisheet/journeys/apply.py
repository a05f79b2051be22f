"""The observed traffic written into the plan: on the Touchpoint measures tab, each
touchpoint of the map with customers in the latest period gets its share of the stage's
customers, as inferred evidence. A row the team keeps for that touchpoint with inferred
evidence is updated; rows of direct or indirect evidence (what customers or staff said)
are never touched; a touchpoint with no inferred row gets one. Every row written is said."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..plan.model import Measure
from ..plan.rows import with_rows_placed
from ..template import periods as periods_of
from ..template.numbers import round_half_away
from ..template.text import normalise
from .model import Journeys

if TYPE_CHECKING:
    from ..plan.model import Plan
    from ..template.definition import Definition

#: What a measure row says where its evidence comes from: behaviour, from analytics.
EVIDENCE = "inferred"


@dataclass(frozen=True)
class Written:
    """A row of the Touchpoint measures tab the events wrote: as it was (None for a row
    added) and as it is."""

    before: Measure | None
    after: Measure


def applied(plan: Plan, journeys: Journeys, definition: Definition
            ) -> tuple[Plan, tuple[Written, ...]]:
    lang = plan.language
    measures = list(plan.measures)
    written = []
    on_map = {(normalise(t.stage), normalise(t.channel)) for t in plan.touchpoints}
    label = periods_of.period_name(journeys.latest, journeys.period, definition, lang) \
        if journeys.latest else None
    for traffic in journeys.traffic_in():
        key = (normalise(traffic.stage), normalise(traffic.channel))
        if traffic.share is None or key not in on_map:
            continue
        share = round_half_away(traffic.share, 1)
        rows = [i for i, m in enumerate(measures)
                if (normalise(m.stage), normalise(m.channel)) == key and m.evidence == EVIDENCE]
        for index in rows:
            kept = measures[index]
            typed = {k: v for k, v in kept.typed.items() if k not in ("share", "period")}
            measures[index] = replace(kept, typed=typed, share=share, period=label)
            written.append(Written(kept, measures[index]))
        if not rows:
            added = Measure(stage=traffic.stage, channel=traffic.channel, share=share,
                            period=label, evidence=EVIDENCE)
            measures.append(added)
            written.append(Written(None, added))
    changed = plan.with_changes(measures=tuple(measures))
    return with_rows_placed(changed, ("measures",)), tuple(written)
