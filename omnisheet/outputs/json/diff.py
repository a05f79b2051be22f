"""A plan diff as JSON (the shape in diff.schema.json beside this module): the diff's own
record, and its findings fixed and new with their messages in the diff's language."""

from __future__ import annotations

from typing import Any

from ...analysis.diff import FindingChange, PlanDiff
from ...template.definition import load_definition
from ..messages import Messages


def diff_json(diff: PlanDiff) -> dict[str, Any]:
    said = Messages(diff.definition or load_definition(), diff.lang)
    return {**diff.to_dict(),
            "findings": {"fixed": [_finding(change, said) for change in diff.fixed],
                         "new": [_finding(change, said) for change in diff.new],
                         "revealed": [_finding(change, said) for change in diff.revealed]}}


def _finding(change: FindingChange, said: Messages) -> dict[str, Any]:
    f = change.finding
    value = f.value if f.value is None or isinstance(f.value, bool | int | float | str) \
        else str(f.value)
    return {"code": f.code, "severity": f.severity, "sheet": f.sheet, "cell": f.cell,
            "value": value, "message": said.message(f), "object": list(change.object)}
