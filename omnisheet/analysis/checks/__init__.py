"""All checks, and `check(plan)` which runs them.

Importing this package registers every check; their order here is the order of the
tabs they look at, which is how findings are listed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from .registry import REGISTRY, Check, Context, render

if TYPE_CHECKING:
    from ...plan.model import Plan
    from ...template.definition import Definition

__all__ = ["REGISTRY", "Check", "render", "run_checks"]


def run_checks(plan: Plan, definition: Definition | None = None,
               only: set[str] | None = None, lang: str | None = None,
               priorities: list | None = None, evidence: Any = None,
               journeys: Any = None) -> list:
    """Every finding of every registered check (or of the codes in `only`); `priorities`
    and `evidence`, when the caller has them already, spare making them again; `journeys`,
    what the events say (omnisheet journeys), for the checks of the observed journey."""
    from ...template.definition import load_definition

    ctx = Context(plan, definition or load_definition(), lang)
    if priorities is not None:
        ctx._cache["priorities"] = priorities
    if evidence is not None:
        ctx._cache["evidence"] = evidence
    if journeys is not None:
        ctx._cache["journeys"] = journeys
    findings = []
    for code, registered in REGISTRY.items():
        if (only is None or code in only) and registered.can_run(plan.missing_tabs):
            findings.extend(registered.function(ctx))
    return findings
