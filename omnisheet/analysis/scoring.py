"""Priorities of use cases: the same arithmetic as the workbook's own formulas.

value = (w_business × business + w_cx × cx) / (w_business + w_cx), rounded to 4 places
ease  = 6 − difficulty
stake = the highest measured stake of the touchpoint it addresses, 0 to 1 (see measures.py)
score = value × ease × (1 + stake), rounded to 4 places (1 to 25 without a measure, up to 50)
quadrant: value ≥ value threshold is high, ease ≥ ease threshold is easy
rank: by score, then value (both descending), then ID (case-insensitive), 1 for the best;
equal scores, values and IDs share a rank, exactly as COUNTIFS does in the sheet.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from ..plan.lookups import id_key
from ..plan.model import Plan, Scalar, UseCase
from ..template.numbers import number, round_half_away
from .measures import Evidence

SCALE = (1.0, 5.0)


def on_scale(value: Scalar) -> float | None:
    """A 1–5 number, or None when missing, not a number, or out of the scale."""
    n = number(value)
    if n is None or not SCALE[0] <= n <= SCALE[1]:
        return None
    return n


@dataclass(frozen=True)
class Weights:
    business: float = 1.0
    cx: float = 1.0
    value_threshold: float = 3.0
    ease_threshold: float = 3.0


def setting_problems(settings: dict[str, Scalar] | object) -> dict[str, str]:
    """Which settings cannot be used, and why (key → reason key)."""
    problems: dict[str, str] = {}
    values = dict(settings)  # type: ignore[call-overload]
    for key in ("weight_business", "weight_cx"):
        n = number(values.get(key))
        if n is None or n < 0:
            problems[key] = "weight"
    if not problems:
        wb, wc = number(values["weight_business"]), number(values["weight_cx"])
        if (wb or 0) + (wc or 0) <= 0:
            problems["weight_business"] = "weights_zero"
    for key in ("threshold_value", "threshold_ease"):
        if on_scale(values.get(key)) is None:
            problems[key] = "threshold"
    if "max_interval_width" in values:  # measure-too-few-answers (omnisheet feedback)
        width = number(values["max_interval_width"])
        if width is None or not 0 < width <= 100:
            problems["max_interval_width"] = "interval_width"
    if "top_use_cases" in values:  # top-use-case-without-scenario
        top = number(values["top_use_cases"])
        if top is None or top < 1 or not top.is_integer():
            problems["top_use_cases"] = "top_use_cases"
    return problems


def top_use_cases(settings: dict[str, Scalar]) -> int:
    """How many of the first-ranked use cases should have a scenario (the setting, or 10)."""
    top = number(settings.get("top_use_cases"))
    return int(top) if top is not None and top >= 1 and top.is_integer() else 10


def weights(plan: Plan) -> Weights:
    """The plan's weights and thresholds; a setting that cannot be used keeps its default."""
    defaults = Weights()
    values = {
        "weight_business": defaults.business,
        "weight_cx": defaults.cx,
        "threshold_value": defaults.value_threshold,
        "threshold_ease": defaults.ease_threshold,
    }
    merged = {**values, **{k: v for k, v in plan.settings.items() if v is not None}}
    problems = setting_problems(merged)
    chosen = {k: (values[k] if k in problems else number(merged[k])) for k in values}
    if "weight_business" in problems or "weight_cx" in problems:
        chosen["weight_business"], chosen["weight_cx"] = defaults.business, defaults.cx
    return Weights(
        chosen["weight_business"], chosen["weight_cx"],
        chosen["threshold_value"], chosen["threshold_ease"],
    )


@dataclass(frozen=True)
class Priority:
    """A scored use case."""

    index: int
    id: Scalar
    title: Scalar
    value: float
    ease: float
    stake: float | None
    score: float
    quadrant: str
    rank: int = 0


def value_of(use_case: UseCase, w: Weights) -> float | None:
    business, cx = on_scale(use_case.business_impact), on_scale(use_case.cx_impact)
    if business is None or cx is None:
        return None
    return round_half_away((w.business * business + w.cx * cx) / (w.business + w.cx))


def ease_of(use_case: UseCase) -> float | None:
    difficulty = on_scale(use_case.difficulty)
    return None if difficulty is None else 6 - difficulty


def quadrant(value: float, ease: float, w: Weights) -> str:
    if value >= w.value_threshold:
        return "quick_win" if ease >= w.ease_threshold else "major_project"
    return "fill_in" if ease >= w.ease_threshold else "thankless"


def _id_key(value: Scalar) -> str:
    return "" if value is None else id_key(value)


def priorities(plan: Plan, evidence: Evidence | None = None) -> list[Priority]:
    """Every fully qualified use case, scored and ranked, best first. `evidence`: the
    plan's measures assessed, when the caller has them already (a report makes them once)."""
    w = weights(plan)
    evidence = evidence or Evidence(plan)
    scored: list[Priority] = []
    for index, use_case in enumerate(plan.use_cases):
        value, ease = value_of(use_case, w), ease_of(use_case)
        if value is None or ease is None:
            continue
        stake = evidence.stake_of(use_case)
        score = round_half_away(value * ease * (1 + (stake or 0.0)))
        scored.append(Priority(index, use_case.id, use_case.title, value, ease, stake, score,
                               quadrant(value, ease, w)))
    keys = sorted((-p.score, -p.value, _id_key(p.id)) for p in scored)
    ranked = [
        Priority(**{**p.__dict__, "rank": bisect_left(keys, (-p.score, -p.value, _id_key(p.id))) + 1})
        for p in scored
    ]
    return sorted(ranked, key=lambda p: (p.rank, p.index))

