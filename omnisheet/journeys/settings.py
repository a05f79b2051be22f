"""What the plan says about reading events: its Settings numbers and its lists in order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..plan.model import Plan
    from ..template.definition import Definition


#: Each journey setting's bounds: (lowest, highest, whole number, reason key of its words).
BOUNDS: dict[str, tuple[float, float | None, bool, str]] = {
    "journey_privacy": (1, None, True, "journey_privacy"),
    "journey_share": (0, 100, False, "journey_percent"),
    "journey_window_days": (0, None, False, "journey_window"),
    "journey_dropoff": (0, 100, False, "journey_percent"),
}


def _usable(key: str, value: float | None) -> bool:
    low, high, whole, _ = BOUNDS[key]
    if value is None or value != value:
        return False
    if whole:
        return value >= low and value.is_integer()
    return value > low and (high is None or value <= high)


def setting_problems(settings: dict[str, Any]) -> dict[str, str]:
    """The journey settings the team typed that cannot be used (key → reason key); an
    empty cell is the default, not a problem."""
    from ..template.numbers import number

    problems = {}
    for key, (*_, reason) in BOUNDS.items():
        given = settings.get(key)
        if given is None or str(given).strip() == "":
            continue
        if not _usable(key, number(given)):
            problems[key] = reason
    return problems


def setting(plan: Plan, definition: Definition, key: str) -> float:
    """A number of the Settings tab, or its default when the team left it empty or wrong
    (the settings-invalid check says which)."""
    from ..template.numbers import number

    value = number(plan.settings.get(key))
    if not _usable(key, value):
        value = number(definition.setting(key).default)
    return float(value)


def placed_values(plan: Plan) -> tuple[list[Any], list[Any]]:
    """The plan's stages and channels, in list order (index = the engine's number)."""
    return ([v for v in plan.stages if v is not None],
            [v for v in plan.channels if v is not None])
