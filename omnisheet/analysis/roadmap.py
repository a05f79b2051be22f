"""The data roadmap: per source system, what is still to integrate or collect, for which
scenarios, ordered by the value it unblocks.

A source unblocks the priority scores of the distinct use cases whose scenarios wait on
it; ties go to the source whose best waiting use case ranks higher. Consent comes first:
a consent variable (omnisheet/analysis/consent.py) heads its source's variables, and the sources
holding one come before the others, since without it a scenario sends nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..plan.lookups import id_key
from ..plan.model import Plan, Scalar
from .scoring import Priority

if TYPE_CHECKING:
    from ..template.definition import Definition

PENDING = ("to_integrate", "to_collect")


@dataclass(frozen=True)
class Waiting:
    scenario: Scalar
    name: Scalar
    best_rank: int | None


@dataclass(frozen=True)
class RoadmapEntry:
    source: Scalar
    variables: tuple[tuple[Scalar, Scalar], ...]  # (variable, availability key)
    scenarios: tuple[Waiting, ...]
    value: float
    best_rank: int | None
    consent: tuple[Scalar, ...] = ()  # the variables recording a consent, listed first


def data_roadmap(plan: Plan, priorities: list[Priority],
                 definition: Definition | None = None) -> list[RoadmapEntry]:
    from ..template.definition import load_definition
    from .consent import is_consent

    d = definition or load_definition()
    by_use_case: dict[str, Priority] = {}
    for p in priorities:
        if p.id is not None:
            by_use_case.setdefault(id_key(p.id), p)
    scenarios = {id_key(s.id): s for s in plan.scenarios if s.id is not None}
    pending: dict[Scalar, list] = {}
    for need in plan.data_needs:
        if need.availability in PENDING:
            pending.setdefault(need.source, []).append(need)
    entries: list[RoadmapEntry] = []
    for source, needs in pending.items():
        variables = tuple(dict.fromkeys((n.variable, n.availability) for n in needs))
        consent = tuple(v for v, _ in variables if is_consent(v, d))
        variables = tuple(sorted(variables, key=lambda va: va[0] not in consent))
        waiting: dict[str, Waiting] = {}
        use_cases: dict[str, Priority] = {}
        for need in needs:
            if need.scenario is None:
                continue
            scenario = scenarios.get(id_key(need.scenario))
            priority = None
            if scenario is not None and scenario.use_case is not None:
                priority = by_use_case.get(id_key(scenario.use_case))
            if priority is not None:
                use_cases[id_key(priority.id)] = priority
            waiting.setdefault(id_key(need.scenario), Waiting(
                scenario=need.scenario, name=scenario.name if scenario else None,
                best_rank=priority.rank if priority else None))
        ranks = [w.best_rank for w in waiting.values() if w.best_rank is not None]
        entries.append(RoadmapEntry(
            source=source,
            variables=variables,
            scenarios=tuple(sorted(waiting.values(),
                                   key=lambda w: (w.best_rank is None, w.best_rank or 0))),
            value=round(sum(p.score for p in use_cases.values()), 4),
            best_rank=min(ranks) if ranks else None,
            consent=tuple(dict.fromkeys(consent)),
        ))
    return sorted(entries, key=lambda e: (not e.consent, -e.value, e.best_rank is None,
                                          e.best_rank or 0, str(e.source)))
