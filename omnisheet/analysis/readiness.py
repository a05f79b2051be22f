"""Readiness figures: how far the plan is from an omnichannel relationship.

The summary is the mean, as a percentage, of the shares that can be computed:
frictions addressed by a use case, opportunities taken up by a use case, relationship
stage × target cells covered by a scenario, and data needs available.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..plan.lookups import PlanLookups, id_key
from ..plan.model import Plan, Scalar
from ..template.text import normalise

STATUSES = ("normal", "friction", "opportunity")


def share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


@dataclass(frozen=True)
class Readiness:
    by_stage: dict[Scalar, dict[str, int]] = field(default_factory=dict)
    by_channel: dict[Scalar, dict[str, int]] = field(default_factory=dict)
    frictions: int = 0
    frictions_addressed: int = 0
    opportunities: int = 0
    opportunities_addressed: int = 0
    cells: int = 0
    cells_covered: int = 0
    data_needs: int = 0
    data_available: int = 0
    use_cases: int = 0
    use_cases_scored: int = 0

    @property
    def shares(self) -> dict[str, float | None]:
        return {
            "frictions_addressed": share(self.frictions_addressed, self.frictions),
            "opportunities_addressed": share(self.opportunities_addressed, self.opportunities),
            "scenario_coverage": share(self.cells_covered, self.cells),
            "data_available": share(self.data_available, self.data_needs),
        }

    @property
    def summary(self) -> float | None:
        """Omnichannel readiness, 0–100: the mean of the shares that can be computed."""
        known = [v for v in self.shares.values() if v is not None]
        return round(100 * sum(known) / len(known), 1) if known else None


def readiness(plan: Plan, ctx: PlanLookups, scored: int) -> Readiness:
    def tally(key_of) -> dict[Scalar, dict[str, int]]:
        table: dict[Scalar, dict[str, int]] = {}
        for tp in plan.touchpoints:
            counts = table.setdefault(key_of(tp), dict.fromkeys((*STATUSES, "none"), 0))
            status = tp.status if tp.status in STATUSES else "none"
            counts[status] += 1
        return table

    by_stage = {s: dict.fromkeys((*STATUSES, "none"), 0) for s in plan.stages}
    by_stage.update(tally(lambda tp: tp.stage))
    by_channel = {c: dict.fromkeys((*STATUSES, "none"), 0) for c in plan.channels}
    by_channel.update(tally(lambda tp: tp.channel))
    frictions = [tp for tp in plan.touchpoints if tp.status == "friction"]
    opportunities = [tp for tp in plan.touchpoints if tp.status == "opportunity"]
    stages = plan.lists.get("relationship_stage", ())
    targets = plan.lists.get("target", ())
    known_ids = ctx.scenario_ids
    covered = {
        (normalise(p.relationship_stage), normalise(p.target))
        for p in plan.placements
        if any(id_key(i) in known_ids for i in p.scenarios)
    } | {(normalise(s.relationship_stage), normalise(s.target)) for s in plan.scenarios}
    grid = {(normalise(s), normalise(t)) for s in stages for t in targets}
    return Readiness(
        by_stage=by_stage,
        by_channel=by_channel,
        frictions=len(frictions),
        frictions_addressed=sum(ctx.addressed(tp) for tp in frictions),
        opportunities=len(opportunities),
        opportunities_addressed=sum(ctx.addressed(tp) for tp in opportunities),
        cells=len(grid),
        cells_covered=len(covered & grid),
        data_needs=len(plan.data_needs),
        data_available=sum(n.availability == "available" for n in plan.data_needs),
        use_cases=len(plan.use_cases),
        use_cases_scored=scored,
    )
