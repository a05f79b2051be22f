"""What the plan says about reading events: its Settings numbers and its lists in order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..plan.model import Plan
    from ..template.definition import Definition


def setting(plan: Plan, definition: Definition, key: str) -> float:
    """A number of the Settings tab, or its default when the team left it empty or wrong."""
    from ..template.numbers import number

    value = number(plan.settings.get(key))
    if value is None or value < 0:
        value = number(definition.setting(key).default)
    return float(value)


def placed_values(plan: Plan) -> tuple[list[Any], list[Any]]:
    """The plan's stages and channels, in list order (index = the engine's number)."""
    return ([v for v in plan.stages if v is not None],
            [v for v in plan.channels if v is not None])
