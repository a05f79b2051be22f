"""All checks, and `run_checks(plan, definition)` which runs them.

Importing this package registers every check; their order here is the order of the
tabs they look at, which is how findings are listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

from . import (  # noqa: F401  (registration)
    common,
    data,
    journey,
    measures,
    observed,
    pressure,
    scenarios,
    trends,
    use_cases,
)
from .registry import REGISTRY, Check, CheckContext

if TYPE_CHECKING:
    from ...journeys.model import Journeys
    from ...plan.model import Finding, Plan
    from ...template.definition import Definition
    from ..measures import Evidence
    from ..pressure import Pressure
    from ..scoring import Priority

__all__ = ["REGISTRY", "Check", "run_checks"]


def run_checks(plan: Plan, definition: Definition, only: set[str] | None = None,
               priorities: list[Priority] | None = None,
               evidence: Evidence | None = None,
               contact_pressure: Pressure | None = None,
               journeys: Journeys | None = None) -> list[Finding]:
    """Every finding of every registered check (or of the codes in `only`), those the
    reader met included, as facts in no language; `priorities`, `evidence` and
    `contact_pressure`, when the caller has them already, spare making them again;
    `journeys`, what the events say (omnisheet journeys), for the observed-journey checks."""
    ctx = CheckContext(plan, definition)
    if priorities is not None:
        ctx.priorities = priorities
    if evidence is not None:
        ctx.evidence = evidence
    if contact_pressure is not None:
        ctx.pressure = contact_pressure
    ctx.journeys = journeys
    read = defaultdict(list)  # what the reader met, given its severity here
    for finding in plan.read_findings:
        read[finding.code].append(finding)
    findings: list[Finding] = []
    for code, registered in REGISTRY.items():
        if (only is None or code in only) and registered.can_run(plan.missing_tabs):
            findings.extend(replace(f, severity=registered.severity) for f in read[code])
            if registered.function is not None:
                findings.extend(registered.function(ctx))
    return findings
