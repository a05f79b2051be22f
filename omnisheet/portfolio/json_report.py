"""The portfolio as JSON: each plan's report exactly as `check --format json` gives it,
then a `portfolio` section (schema: omnisheet/outputs/json/portfolio.schema.json).

The plans' reports are written by the workers into files and copied through here, so the
parent never holds them; only the portfolio section is built in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from ..template.definition import Definition
from .compare import Portfolio, Value
from .summary import PlanSummary
from .words import Words

SCHEMA_VERSION = 1


def _json(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def portfolio_dict(portfolio: Portfolio, definition: Definition) -> dict[str, Any]:
    w = Words(definition, portfolio.language)

    def named(list_key: str, value: Value) -> dict[str, Any]:
        """A list value: the template's key (null for a team's own value) and its name."""
        known = not value.none and value.typed is None
        return {"key": value.key if known else None,
                "name": None if value.none else w.value(list_key, value)}

    grid = portfolio.grid
    return {
        "language": portfolio.language,
        "plans": [_plan(p) for p in portfolio.plans],
        "unread": [{"file": u.file, "name": u.name, "message": u.message}
                   for u in portfolio.unread],
        "skipped": [{"file": str(s.path), "reason": s.reason, "plan": s.plan}
                    for s in portfolio.skipped],
        "open_elsewhere": list(portfolio.open_elsewhere),
        "readiness": {
            f.figure: {
                "scale": "points" if f.figure == "readiness" else "share",
                "plans": f.known, "lowest": f.lowest, "median": f.median,
                "highest": f.highest, "mean": f.mean,
                "lowest_plans": list(f.lowest_plans), "highest_plans": list(f.highest_plans),
            }
            for f in portfolio.figures
        },
        "journey": {
            "stages": [named("stage", s) for s in grid.stages],
            "channels": [named("channel", c) for c in grid.channels],
            "touchpoints": [
                {"stage": named("stage", cell.stage), "channel": named("channel", cell.channel),
                 "plans": list(cell.plans), "possible": cell.possible,
                 "friction": list(cell.friction), "opportunity": list(cell.opportunity)}
                for s in grid.stages for c in grid.channels
                if (cell := grid.cell(s, c)) is not None
            ],
        },
        "use_cases": [
            {"title": u.title, "category": named("category", u.category),
             "stage": named("stage", u.stage), "channel": named("channel", u.channel),
             "mean_score": u.mean_score,
             "plans": [{"plan": p.plan, "id": _json(p.id), "score": p.score, "rank": p.rank,
                        "quadrant_key": p.quadrant} for p in u.plans]}
            for u in portfolio.use_cases
        ],
        "data_sources": [
            {"source": named("source", s.source), "value_unblocked": s.value,
             "plans": [{"plan": p.plan, "value_unblocked": p.value, "best_rank": p.best_rank,
                        "variables": p.variables, "scenarios": p.scenarios}
                       for p in s.plans]}
            for s in portfolio.sources
        ],
        "measures": [
            {"stage": named("stage", m.stage), "channel": named("channel", m.channel),
             "indicator": named("indicator", m.indicator),
             "plans": [{"plan": p.plan, "value": _json(p.value), "target": _json(p.target),
                        "score": p.rating, "gap": p.gap, "answers": _json(p.answers),
                        "period": _json(p.period)} for p in m.plans]}
            for m in portfolio.measures
        ],
        "differences": [
            {"list": d.list, "value": named(d.list, d.value), "present": list(d.present),
             "absent": list(d.absent),
             "in_place_of": None if d.in_place_of is None else named(d.list, d.in_place_of)}
            for d in portfolio.differences
        ],
    }


def _plan(p: PlanSummary) -> dict[str, Any]:
    return {"file": p.file, "name": p.name, "language": p.language,
            "readiness": p.readiness, "shares": dict(p.shares), "counts": dict(p.tallies),
            "findings": dict(p.findings), "objects": dict(p.objects),
            "checked_workbook": p.outputs.get("checked_workbook"),
            "report": p.outputs.get("report")}


def write_json(out: IO[str], reports: Iterable[str], portfolio: Portfolio,
               definition: Definition) -> None:
    """{"schema_version", "reports": [each plan's report, copied from its file],
    "portfolio": {...}}, indented as the single plan's report is."""
    out.write(f'{{\n  "schema_version": {SCHEMA_VERSION},\n  "reports": [')
    first = True
    for path in reports:
        out.write("\n" if first else ",\n")
        first = False
        with open(path, encoding="utf-8") as report:
            for n, line in enumerate(report):
                out.write(("" if n == 0 else "\n") + "    " + line.rstrip("\n"))
    out.write("\n  ]" if not first else "]")
    section = json.dumps(portfolio_dict(portfolio, definition), ensure_ascii=False, indent=2)
    out.write(',\n  "portfolio": ' + section.replace("\n", "\n  ") + "\n}\n")
