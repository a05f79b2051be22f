"""The report of a check: findings, priorities, data roadmap and readiness, as data in
no language. Every output renders from it (outputs/json/report.py shapes the JSON, which
the text also reads), its findings said by outputs/messages.py, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..plan.lookups import PlanLookups
from ..plan.model import ERROR, INFO, SEVERITIES, Finding, Plan
from ..template.definition import Definition
from ..template.severity import RANK
from .checks import run_checks
from .measures import Evidence
from .pressure import Pressure, pressure
from .readiness import Readiness, readiness
from .roadmap import RoadmapEntry, data_roadmap
from .scoring import Priority, priorities


@dataclass(frozen=True)
class Report:
    file: str | None
    plan: Plan
    findings: tuple[Finding, ...]
    priorities: tuple[Priority, ...]
    roadmap: tuple[RoadmapEntry, ...]
    readiness: Readiness
    definition: Definition
    # The language outputs are written in unless told otherwise: asked for, else the
    # workbook's. The findings themselves are in none.
    lang: str = "fr"
    evidence: Evidence | None = field(default=None, compare=False)
    pressure: Pressure | None = field(default=None, compare=False)
    # What the events say (omnisheet journeys), when they were read: the outputs draw it.
    journeys: Any = field(default=None, compare=False)

    @property
    def valid(self) -> bool:
        return not any(f.severity == ERROR for f in self.findings)

    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}

    def fails(self, level: str) -> bool:
        """Whether a finding at or above `level` (error, warning; never) exists."""
        if level == "never":
            return False
        threshold = RANK[level]
        return any(RANK[f.severity] <= threshold for f in self.findings)

    def flatten(self, fields: list[str]) -> list[list[Any]]:
        """Findings as rows of the named fields: tests assert in one line."""
        rows = []
        for finding in self.findings:
            record = {"code": finding.code, "severity": finding.severity, "sheet": finding.sheet,
                      "cell": finding.cell, "row": finding.row, "column": finding.column,
                      "value": finding.value}
            rows.append([record[f] for f in fields])
        return rows


def sort_key(plan: Plan, definition: Definition):
    """Findings errors first, then warnings, then information, each in the order of the
    tabs, then rows and columns: what to fix first comes first."""
    order = {plan.sheet(t.key): i for i, t in enumerate(definition.tabs)}

    def key(finding: Finding) -> tuple:
        return (RANK[finding.severity], order.get(finding.sheet or "", -1), finding.row or 0,
                finding.column or 0, finding.code)

    return key


def build_report(plan: Plan, definition: Definition | None = None,
                 lang: str | None = None, journeys: Any = None) -> Report:
    """Check and score a plan, once: every output renders from the Report it returns.
    The measures are assessed, and the contact pressure computed, once here, for the
    scores, the checks and the outputs. `lang` is the language outputs say it in unless
    told otherwise (the workbook's by default): the findings themselves are in none."""
    d = definition or plan.definition
    lang = d.check_language(lang or plan.language)
    evidence = Evidence(plan, d)
    ranked = priorities(plan, evidence)
    pressed = pressure(plan, d)
    findings = sorted(run_checks(plan, d, priorities=ranked, evidence=evidence,
                                 contact_pressure=pressed, journeys=journeys),
                      key=sort_key(plan, d))
    return Report(
        file=plan.source,
        plan=plan,
        findings=tuple(findings),
        priorities=tuple(ranked),
        roadmap=tuple(data_roadmap(plan, ranked, d)),
        readiness=readiness(plan, PlanLookups(plan, d), len(ranked)),
        definition=d,
        lang=lang,
        evidence=evidence,
        pressure=pressed,
        journeys=journeys,
    )


__all__ = ["Report", "build_report", "INFO"]
