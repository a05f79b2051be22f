"""All checks, and `check(plan)` which runs them.

Importing this package registers every check; their order here is the order of the
tabs they look at, which is how findings are listed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import common, data, journey, measures, scenarios, trends, use_cases  # noqa: F401  (registration)
from .registry import REGISTRY, Check, Context, render

if TYPE_CHECKING:
    from ..definition import Definition
    from ..model import Plan

__all__ = ["REGISTRY", "Check", "check", "render", "run_checks"]


def run_checks(plan: Plan, definition: Definition | None = None,
               only: set[str] | None = None, lang: str | None = None,
               priorities: list | None = None) -> list:
    """Every finding of every registered check (or of the codes in `only`); `priorities`,
    when the caller has scored the plan already, spares scoring it again."""
    from ..definition import load_definition

    ctx = Context(plan, definition or load_definition(), lang)
    if priorities is not None:
        ctx._cache["priorities"] = priorities
    findings = []
    for code, registered in REGISTRY.items():
        if (only is None or code in only) and registered.can_run(plan.missing_tabs):
            findings.extend(registered.function(ctx))
    return findings


def check(plan: Plan, definition: Definition | None = None, lang: str | None = None):
    """Check and score a plan: a Report whose findings are plain records.

    `lang` chooses the language of the messages (the workbook's by default).
    """
    from ..definition import load_definition
    from ..report.model import build_report

    return build_report(plan, definition or load_definition(), lang)
