"""The report of a check: findings, priorities, data roadmap and readiness, as data.

Every output (text, JSON, the checked workbook) renders from `Report.to_dict`, one list
of records, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..plan.lookups import PlanLookups
from ..plan.model import ERROR, INFO, SEVERITIES, Finding, Plan, Scalar
from ..template.definition import Definition, load_definition
from ..template.severity import RANK
from .checks import run_checks
from .checks.registry import render, shown
from .measures import Evidence
from .readiness import Readiness, readiness
from .roadmap import RoadmapEntry, data_roadmap
from .scoring import Priority, priorities
from .subjects import describe

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Report:
    file: str | None
    plan: Plan
    findings: tuple[Finding, ...]
    priorities: tuple[Priority, ...]
    roadmap: tuple[RoadmapEntry, ...]
    readiness: Readiness
    definition: Definition
    lang: str = "fr"
    evidence: Evidence | None = field(default=None, compare=False)
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

    def message(self, finding: Finding, lang: str | None = None) -> str:
        return render(finding, lang or self.lang, self.definition)

    def flatten(self, fields: list[str]) -> list[list[Any]]:
        """Findings as rows of the named fields: tests assert in one line."""
        rows = []
        for finding in self.findings:
            record = {"code": finding.code, "severity": finding.severity, "sheet": finding.sheet,
                      "cell": finding.cell, "row": finding.row, "column": finding.column,
                      "value": finding.value}
            rows.append([record[f] for f in fields])
        return rows

    def label(self, list_key: str, value: Scalar, lang: str) -> Scalar:
        if isinstance(value, str):
            return self.definition.list(list_key).label(value, lang)
        return value

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The JSON shape (schema in omnisheet/outputs/json/report.schema.json)."""
        lang = lang or self.lang
        plan, r = self.plan, self.readiness
        return {
            "schema_version": SCHEMA_VERSION,
            "file": self.file,
            "language": lang,
            "valid": self.valid,
            "summary": {
                "findings": self.counts(),
                "objects": {
                    "stages": len(plan.stages), "channels": len(plan.channels),
                    "touchpoints": len(plan.touchpoints), "use_cases": len(plan.use_cases),
                    "use_cases_scored": r.use_cases_scored, "scenarios": len(plan.scenarios),
                    "messages": len(plan.messages), "data_needs": len(plan.data_needs),
                },
                "readiness": {
                    "summary": r.summary,
                    "shares": r.shares,
                    "counts": {
                        "frictions": r.frictions, "frictions_addressed": r.frictions_addressed,
                        "opportunities": r.opportunities,
                        "opportunities_addressed": r.opportunities_addressed,
                        "scenario_cells": r.cells, "scenario_cells_covered": r.cells_covered,
                        "data_needs": r.data_needs, "data_available": r.data_available,
                    },
                    "touchpoints_by_stage": _tally(self, "stage", r.by_stage, lang),
                    "touchpoints_by_channel": _tally(self, "channel", r.by_channel, lang),
                },
            },
            "findings": findings_json(self.findings, self.definition, lang),
            "priorities": [
                {"id": p.id, "title": _json(p.title), "value": p.value, "ease": p.ease,
                 "stake": p.stake, "score": p.score, "quadrant": self.label("quadrant", p.quadrant, lang),
                 "quadrant_key": p.quadrant, "rank": p.rank}
                for p in self.priorities
            ],
            "data_roadmap": [
                {
                    "source": _json(self.label("source", e.source, lang)),
                    "value_unblocked": e.value,
                    "best_rank": e.best_rank,
                    "variables": [
                        {"variable": _json(v), "availability": self.label("availability", a, lang),
                         "consent": v in e.consent}
                        for v, a in e.variables
                    ],
                    "scenarios": [
                        {"id": _json(w.scenario), "name": _json(w.name), "best_rank": w.best_rank}
                        for w in e.scenarios
                    ],
                }
                for e in self.roadmap
            ],
        }


def findings_json(findings: Any, definition: Definition, lang: str) -> list[dict[str, Any]]:
    """Findings as the JSON reports give them: the facts, and the message in `lang`."""
    return [
        {
            "code": f.code, "severity": f.severity, "sheet": f.sheet, "cell": f.cell,
            "row": f.row, "column": f.column, "value": _json(f.value),
            "expected": None if f.expected is None else shown(f.expected, lang, definition),
            "message": render(f, lang, definition),
            "subject": None if f.subject is None else {
                "tab": f.subject.tab, "key": [str(k) for k in _flat(f.subject.key)],
                "field": f.subject.field, "text": describe(f, definition, lang)},
        }
        for f in findings
    ]


def _tally(report: Report, list_key: str, table: dict, lang: str) -> list[dict[str, Any]]:
    return [{"name": _json(report.label(list_key, key, lang)), **counts}
            for key, counts in table.items()]


def _flat(key: Any) -> list[Any]:
    if isinstance(key, tuple):
        return [part for item in key for part in _flat(item)]
    return [] if key is None else [key]


def _json(value: Scalar) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


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
    The measures are assessed once here, for the scores, the checks and the outputs."""
    d = definition or load_definition()
    lang = d.check_language(lang or plan.language)
    evidence = Evidence(plan, d)
    ranked = priorities(plan, evidence)
    findings = sorted(run_checks(plan, d, lang=lang, priorities=ranked, evidence=evidence,
                                 journeys=journeys),
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
        journeys=journeys,
    )


def check(plan: Plan, definition: Definition | None = None, lang: str | None = None,
          journeys: Any = None) -> Report:
    """Check and score a plan: a Report whose findings are plain records. `lang` chooses
    the language of the messages (the workbook's by default); `journeys`, the observed
    journey (omnisheet journeys), adds the checks that compare the map with it."""
    return build_report(plan, definition, lang, journeys)


__all__ = ["Report", "build_report", "check", "INFO"]
