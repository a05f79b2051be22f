"""omnisheet: an omnichannel customer relationship plan, spreadsheet-native and checkable.

    from omnisheet import load, write, check
    plan = load("plan.xlsx")
    report = check(plan)

The public names are imported on first use, so that `omnisheet --help` stays instant.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_PUBLIC = {
    "load": "omnisheet.read.reader",
    "write": "omnisheet.outputs.workbook",
    "blank_plan": "omnisheet.outputs.workbook",
    "check": "omnisheet.analysis.report",
    "Plan": "omnisheet.plan.model",
    "Finding": "omnisheet.plan.model",
    "UnreadableWorkbook": "omnisheet.template.errors",
    "OmnisheetError": "omnisheet.template.errors",
    "load_definition": "omnisheet.template.definition",
    "to_frames": "omnisheet.plan.frames",
    "read_feedback": "omnisheet.feedback",
}

__all__ = [*_PUBLIC, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'omnisheet' has no attribute {name!r}")
