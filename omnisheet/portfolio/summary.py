"""What a worker hands back about one plan: the few figures and keys the comparison needs.

A `PlanSummary` is small and plain (tuples of scalars), so that a hundred of them cross
from the worker processes to the parent cheaply and the parent never holds a Plan or a
Report. List values stay as the plan holds them: a stable key where the template knows
the value ("buy", "store"), the team's own text otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..plan.model import Scalar
from ..template.severity import RANK

if TYPE_CHECKING:
    from ..analysis.report import Report

#: The lists the comparison matches plans by.
COMPARED_LISTS = ("stage", "channel", "category", "source", "indicator")


@dataclass(frozen=True)
class UseCaseLine:
    id: Scalar
    title: Scalar
    category: Scalar
    stage: Scalar
    channel: Scalar
    score: float | None
    rank: int | None
    quadrant: str | None


@dataclass(frozen=True)
class SourceLine:
    """A data source the plan's roadmap waits on."""

    source: Scalar
    value: float
    best_rank: int | None
    variables: int
    scenarios: int


@dataclass(frozen=True)
class MeasureLine:
    stage: Scalar
    channel: Scalar
    indicator: Scalar
    value: Scalar
    target: Scalar
    rating: float | None  # out of 100
    gap: float | None
    answers: Scalar
    period: Scalar


@dataclass(frozen=True)
class PlanSummary:
    """One plan, checked: who it is, how ready, what it holds, what it wrote."""

    file: str
    name: str
    language: str
    readiness: float | None
    shares: Mapping[str, float | None]
    tallies: Mapping[str, int]
    findings: Mapping[str, int]
    objects: Mapping[str, int]
    lists: Mapping[str, tuple[Scalar, ...]]
    touchpoints: tuple[tuple[Scalar, Scalar, Scalar], ...]  # (stage, channel, status)
    use_cases: tuple[UseCaseLine, ...]
    sources: tuple[SourceLine, ...]
    measures: tuple[MeasureLine, ...]
    outputs: Mapping[str, str] = field(default_factory=dict)

    def fails(self, level: str) -> bool:
        """Whether a finding at or above `level` (error, warning; never) exists."""
        if level == "never":
            return False
        return any(n and RANK[severity] <= RANK[level] for severity, n in self.findings.items())


@dataclass(frozen=True)
class Unread:
    """A file that could not be checked, with the one line that says why."""

    file: str
    name: str
    message: str


@dataclass(frozen=True)
class Unwritten(Unread):
    """A plan read and checked whose output could not be written (a full disk, a folder
    refused): the whole run stops with `line`, said once, and no page or summary is
    written over the previous one."""

    line: str = ""


def summarise(report: Report, name: str, outputs: Mapping[str, str] | None = None) -> PlanSummary:
    """The summary of a checked plan (pure)."""
    from ..analysis.measures import Evidence

    plan, r = report.plan, report.readiness
    by_index = {p.index: p for p in report.priorities}
    use_cases = tuple(
        UseCaseLine(u.id, u.title, u.category, u.stage, u.channel,
                    by_index[i].score if i in by_index else None,
                    by_index[i].rank if i in by_index else None,
                    by_index[i].quadrant if i in by_index else None)
        for i, u in enumerate(plan.use_cases))
    sources = tuple(SourceLine(e.source, e.value, e.best_rank, len(e.variables), len(e.scenarios))
                    for e in report.roadmap)
    measures = tuple(
        MeasureLine(a.measure.stage, a.measure.channel, a.measure.indicator, a.measure.value,
                    a.measure.target, a.rating, a.gap, a.measure.answers, a.measure.period)
        for a in Evidence(plan, report.definition).assessed)
    return PlanSummary(
        file=report.file or name,
        name=name,
        language=report.lang,
        readiness=r.summary,
        shares=dict(r.shares),
        tallies={"frictions": r.frictions, "frictions_addressed": r.frictions_addressed,
                 "opportunities": r.opportunities,
                 "opportunities_addressed": r.opportunities_addressed,
                 "scenario_cells": r.cells, "scenario_cells_covered": r.cells_covered,
                 "data_needs": r.data_needs, "data_available": r.data_available},
        findings=report.counts(),
        objects={"touchpoints": len(plan.touchpoints), "use_cases": len(plan.use_cases),
                 "use_cases_scored": r.use_cases_scored, "scenarios": len(plan.scenarios),
                 "messages": len(plan.messages), "data_needs": len(plan.data_needs),
                 "measures": len(plan.measures)},
        lists={key: tuple(plan.lists.get(key, ())) for key in COMPARED_LISTS},
        touchpoints=tuple((t.stage, t.channel, t.status) for t in plan.touchpoints),
        use_cases=use_cases,
        sources=sources,
        measures=measures,
        outputs=dict(outputs or {}),
    )
