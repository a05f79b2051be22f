"""Evidence on the journey: the same arithmetic as the Touchpoint measures tab's formulas.

rating = (value − scale min) / (scale max − scale min) × 100, rounded to 2 places
         (a percent indicator typed with a % sign, 0.82, reads as 82)
gap    = max(0, target brought to 100 the same way − rating), rounded to 2 places
stake  = gap / 100 × traffic share (35 or 0.35 both mean 35 %), rounded to 4 places

A use case's stake is the highest stake among the measures of the touchpoint it
addresses (its stage and channel, or every channel of the stage when it names none); its
score is multiplied by (1 + stake), so a friction many customers meet and rate badly lifts
the use cases that fix it above those fixing one few customers meet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from ..plan.model import Measure, Plan, Scalar, Touchpoint, UseCase
from ..template.definition import Definition, load_definition
from ..template.facts import Share
from ..template.numbers import number, round_half_away
from ..template.text import normalise

#: How far below target (in points out of 100) a measure may be before it contradicts a
#: Normal or Opportunity status; without a target, the bottom half of the scale does.
TOLERANCE = 10.0


@dataclass(frozen=True)
class Scale:
    low: float
    high: float
    percent: bool = False

    def to_100(self, value: Scalar) -> float | None:
        """A value on this scale brought to 0–100 (unrounded), or None if not a number."""
        n = number(value)
        if n is None:
            return None
        if self.percent and n <= 1:
            n *= 100
        return (n - self.low) / (self.high - self.low) * 100

    def shown(self, value: Scalar) -> Scalar | Share:
        """A value as a message shows it: a percent indicator's (58, or 0.58 typed with a %
        sign) as a percentage, others as they are."""
        n = number(value)
        if n is None or not self.percent:
            return value
        return Share(n if n <= 1 else n / 100)

    def contains(self, value: Scalar) -> bool:
        n = number(value)
        if n is None:
            return False
        if self.percent and 0 <= n <= 1:
            return True
        return self.low <= n <= self.high


def scale(indicator: Scalar, definition: Definition | None = None) -> Scale | None:
    """The scale of a known indicator key; None for a team's own indicator."""
    d = definition or load_definition()
    listed = d.list("indicator").value(indicator)
    if listed is None:
        return None
    return Scale(float(listed.attr("min")), float(listed.attr("max")),
                 bool(listed.attr("percent", 0)))


def share_of(value: Scalar) -> float | None:
    """A traffic share as a fraction: 35 and 0.35 both mean 35 %."""
    n = number(value)
    if n is None:
        return None
    return n / 100 if n > 1 else n


@dataclass(frozen=True)
class Assessed:
    """A measure with what the sheet computes for it."""

    index: int
    measure: Measure
    rating: float | None
    gap: float | None
    stake: float | None
    # a value or target outside the indicator's scale (an NPS of 412): no score, no gap
    # and no stake are drawn from it, and it never reads as a target met
    off_scale: bool = False

    @property
    def touchpoint(self) -> tuple[str, str]:
        """(stage, channel), normalised as every cross-tab match is."""
        return (normalise(self.measure.stage), normalise(self.measure.channel))

    def below_par(self) -> bool:
        """Far below its target, or, with no target, in the bottom half of its scale."""
        if self.gap is not None:
            return self.gap > TOLERANCE
        return self.rating is not None and self.measure.target is None and self.rating < 50


def assess(measure: Measure, index: int = 0, definition: Definition | None = None) -> Assessed:
    s = scale(measure.indicator, definition)
    rating = gap = stake = None
    if s is not None and any(number(v) is not None and not s.contains(v)
                             for v in (measure.value, measure.target)):
        return Assessed(index, measure, None, None, None, off_scale=True)
    if s is not None:
        raw = s.to_100(measure.value)
        rating = None if raw is None else round_half_away(raw, 2)
        target = s.to_100(measure.target)
        if rating is not None and target is not None:
            gap = max(0.0, round_half_away(target - rating, 2))
        share = share_of(measure.share)
        if gap is not None and share is not None:
            stake = round_half_away(gap / 100 * share, 4)
    return Assessed(index, measure, rating, gap, stake)


class Evidence:
    """Every measure of a plan assessed, and looked up by touchpoint."""

    def __init__(self, plan: Plan, definition: Definition | None = None) -> None:
        d = definition or plan.definition
        self.plan = plan
        self.assessed = tuple(assess(m, i, d) for i, m in enumerate(plan.measures))

    @cached_property
    def by_touchpoint(self) -> Mapping[tuple[str, str], tuple[Assessed, ...]]:
        found: dict[tuple[str, str], list[Assessed]] = {}
        for a in self.assessed:
            found.setdefault(a.touchpoint, []).append(a)
        return {k: tuple(v) for k, v in found.items()}

    @cached_property
    def _stake_by_stage(self) -> Mapping[str, float]:
        best: dict[str, float] = {}
        for a in self.assessed:
            if a.stake is not None:
                stage = a.touchpoint[0]
                best[stage] = max(best.get(stage, 0.0), a.stake)
        return best

    def of(self, touchpoint: Touchpoint) -> tuple[Assessed, ...]:
        return self.by_touchpoint.get((normalise(touchpoint.stage), normalise(touchpoint.channel)), ())

    def stake_of(self, use_case: UseCase) -> float | None:
        """The highest stake among the measures of what the use case addresses (0 without
        one, as MAXIFS gives); None when the use case names no stage."""
        if use_case.stage is None:
            return None
        stage = normalise(use_case.stage)
        if use_case.channel is None:
            return self._stake_by_stage.get(stage, 0.0)
        stakes = _stakes(self.by_touchpoint.get((stage, normalise(use_case.channel)), ()))
        return max(stakes, default=0.0)

    def ranked_touchpoints(self) -> list[tuple[tuple[Scalar, Scalar], float]]:
        """(stage, channel) by their highest stake, largest first: where to act first."""
        ranked = [((found[0].measure.stage, found[0].measure.channel), max(stakes))
                  for found in self.by_touchpoint.values()
                  if (stakes := list(_stakes(found)))]
        return sorted(ranked, key=lambda item: -item[1])


def _stakes(assessed: Iterable[Assessed]) -> Iterable[float]:
    return (a.stake for a in assessed if a.stake is not None)


def worst(assessed: Iterable[Assessed]) -> Assessed | None:
    """The measure that speaks loudest for a touchpoint: the largest gap to target, else
    the lowest score out of 100."""
    assessed = list(assessed)
    wrong = [a for a in assessed if a.off_scale]
    if wrong:  # a figure to correct speaks before any other
        return wrong[0]
    rated = [a for a in assessed if a.rating is not None]
    if not rated:
        return None
    return max(rated, key=lambda a: (a.gap if a.gap is not None else -1.0, -a.rating))


HEAT_LEVELS = ("met", "near", "far", "untargeted", "off_scale")


def heat(a: Assessed) -> str:
    """How a measure stands against its target: met, near (within the tolerance), far;
    off its scale, it stands nowhere (measure-out-of-range says it)."""
    if a.off_scale:
        return "off_scale"
    if a.gap is None:
        return "untargeted"
    if a.gap == 0:
        return "met"
    return "near" if a.gap <= TOLERANCE else "far"


def per_stage(evidence: Evidence) -> dict[Scalar, dict[Scalar, tuple[float, int]]]:
    """stage → indicator → (mean value weighted by answers, answers): the indicator per
    stage. A measure without a count of answers weighs 1."""
    sums: dict[Scalar, dict[Scalar, list[float]]] = {}
    for a in evidence.assessed:
        m = a.measure
        value = number(m.value)
        if value is None or m.stage is None or m.indicator is None or a.off_scale:
            continue
        s = scale(m.indicator)
        if s is not None and s.percent and value <= 1:
            value *= 100
        answers = number(m.answers)
        weight = answers if answers and answers > 0 else 1.0
        cell = sums.setdefault(m.stage, {}).setdefault(m.indicator, [0.0, 0.0, 0])
        cell[0] += value * weight
        cell[1] += weight
        cell[2] += int(answers or 0)
    return {stage: {ind: (round_half_away(total / weight, 2), int(count))
                    for ind, (total, weight, count) in by_ind.items()}
            for stage, by_ind in sums.items()}
