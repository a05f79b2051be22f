"""A report as JSON (the shape in report.schema.json beside this module): the findings'
messages and every list value in the language asked for. The text output reads it too."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...analysis.report import Report
from ...plan.model import Finding, Scalar
from ...template.values import json_value as _json
from ..messages import Messages

SCHEMA_VERSION = 1


def report_json(report: Report, lang: str | None = None, *,
                findings: bool = True) -> dict[str, Any]:
    """The JSON shape (schema in report.schema.json beside this module), in `lang` (the
    report's by default); without `findings`, their list is left empty (the text report
    says only some of them, and tens of thousands of messages take seconds)."""
    lang = lang or report.lang
    said = Messages(report.definition, lang)
    plan, r = report.plan, report.readiness
    return {
        "schema_version": SCHEMA_VERSION,
        "file": report.file,
        "language": lang,
        "valid": report.valid,
        "summary": {
            "findings": report.counts(),
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
                "touchpoints_by_stage": _tally(report, "stage", r.by_stage, lang),
                "touchpoints_by_channel": _tally(report, "channel", r.by_channel, lang),
            },
        },
        "findings": findings_json(report.findings, said) if findings else [],
        "priorities": [
            {"id": p.id, "title": _json(p.title), "value": p.value, "ease": p.ease,
             "stake": p.stake, "score": p.score, "quadrant": _label(report, "quadrant", p.quadrant, lang),
             "quadrant_key": p.quadrant, "rank": p.rank}
            for p in report.priorities
        ],
        "data_roadmap": [
            {
                "source": _json(_label(report, "source", e.source, lang)),
                "value_unblocked": e.value,
                "best_rank": e.best_rank,
                "variables": [
                    {"variable": _json(v), "availability": _label(report, "availability", a, lang),
                     "consent": v in e.consent}
                    for v, a in e.variables
                ],
                "scenarios": [
                    {"id": _json(w.scenario), "name": _json(w.name), "best_rank": w.best_rank}
                    for w in e.scenarios
                ],
            }
            for e in report.roadmap
        ],
    }


def findings_json(findings: Iterable[Finding], said: Messages) -> list[dict[str, Any]]:
    """Findings as the JSON outputs give them: the facts, and what `said` says of them."""
    return [
        {
            "code": f.code, "severity": f.severity, "sheet": f.sheet, "cell": f.cell,
            "row": f.row, "column": f.column, "value": _json(f.value),
            "expected": said.expected(f),
            "message": said.message(f),
            "subject": None if f.subject is None else {
                "tab": f.subject.tab, "key": [str(k) for k in _flat(f.subject.key)],
                "field": f.subject.field, "text": said.about(f)},
        }
        for f in findings
    ]


def _tally(report: Report, list_key: str, table: dict, lang: str) -> list[dict[str, Any]]:
    return [{"name": _json(_label(report, list_key, key, lang)), **counts}
            for key, counts in table.items()]


def _flat(key: Any) -> list[Any]:
    if isinstance(key, tuple):
        return [part for item in key for part in _flat(item)]
    return [] if key is None else [key]


def _label(report: Report, list_key: str, value: Scalar, lang: str) -> Scalar:
    if isinstance(value, str):
        return report.definition.list(list_key).label(value, lang)
    return value
