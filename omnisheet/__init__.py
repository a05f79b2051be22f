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
    "load": "omnisheet.reader",
    "write": "omnisheet.writer",
    "blank_plan": "omnisheet.writer",
    "check": "omnisheet.report.model",
    "Plan": "omnisheet.model",
    "Finding": "omnisheet.model",
    "UnreadableWorkbook": "omnisheet.errors",
    "OmnisheetError": "omnisheet.errors",
    "load_definition": "omnisheet.definition",
    "to_frames": "omnisheet.frames",
    "read_feedback": "omnisheet.feedback",
}

__all__ = [*_PUBLIC, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'omnisheet' has no attribute {name!r}")
