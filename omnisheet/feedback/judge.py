"""Whether a measure rests on too few answers, and whether it fell more than chance
explains: one place for both, used by `omnisheet feedback` and by the checks on the
Measure trends tab, from what that tab holds (value, answers, low, high), so a plan
checked again says what the command said."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..template import statistics as stats
from ..template.numbers import number
from .vocabulary import KIND_OF

if TYPE_CHECKING:
    from ..plan.model import Scalar
    from ..template.definition import Definition

DEFAULT_WIDTH = 20.0



def places(indicator: Scalar) -> int:
    """The decimals a measure is written with: one for a share in % or an NPS (82,1 %,
    +23,4), two for a mean (4,12). One rule for the text, the trends, the checks' messages
    and the value written into the plan."""
    return 1 if indicator in ("csat_pct", "nps") else 2

@dataclass(frozen=True)
class Point:
    """One period of a measure: its value, answers and 95 % interval (None where none)."""

    value: float | None
    answers: int
    low: float | None = None
    high: float | None = None

    @classmethod
    def of(cls, value: Scalar, answers: Scalar, low: Scalar = None, high: Scalar = None) -> Point:
        count = number(answers)
        return cls(number(value), int(count) if count is not None and count > 0 else 0,
                   number(low), number(high))


@dataclass(frozen=True)
class Fall:
    """A fall from one period to the next judged significant: its p-value (None when only
    the intervals say so) and whether the intervals are apart."""

    p: float | None
    apart: bool


def span(indicator: str, definition: Definition) -> float | None:
    """The width of an indicator's scale: 4 for a CSAT 1 to 5, 200 for an NPS."""
    listed = definition.list("indicator").value(indicator)
    if listed is None or listed.attr("min") is None:
        return None
    return float(listed.attr("max")) - float(listed.attr("min"))


def width(indicator: str, point: Point, definition: Definition) -> float | None:
    """The interval's width in points out of 100 of the scale; None without interval."""
    scale = span(indicator, definition)
    if scale is None or point.low is None or point.high is None:
        return None
    return (point.high - point.low) / scale * 100


def too_few(indicator: str, point: Point, limit: float, definition: Definition) -> bool:
    """Answers, but an interval wider than `limit` points out of 100, or none at all."""
    if point.answers < 1 or point.value is None or span(indicator, definition) is None:
        return False
    found = width(indicator, point, definition)
    return found is None or found > limit


def max_width(settings: object) -> float:
    """The plan's Maximum interval width, its default when it cannot be used."""
    value = number(dict(settings).get("max_interval_width"))  # type: ignore[call-overload]
    return value if value is not None and 0 < value <= 100 else DEFAULT_WIDTH


def fell(indicator: str, previous: Point, latest: Point) -> Fall | None:
    """A significant fall from `previous` to `latest` (two-sided, 5 %), or None: intervals
    apart, or a two-proportion test for a share, Welch's t test for a mean (standard
    errors read back from Student's intervals), a z test for an NPS."""
    if (previous.value is None or latest.value is None or latest.value >= previous.value
            or previous.answers < 1 or latest.answers < 1 or indicator not in KIND_OF):
        return None
    apart = (previous.low is not None and latest.high is not None
             and latest.high < previous.low)
    p = _p_value(indicator, previous, latest)
    if apart or (p is not None and p < stats.ALPHA):
        return Fall(p, apart)
    return None


def _p_value(indicator: str, a: Point, b: Point) -> float | None:
    if indicator == "csat_pct":
        pa, pb = (_fraction(a.value), _fraction(b.value))
        return stats.two_proportions(round(pa * a.answers), a.answers,
                                     round(pb * b.answers), b.answers)
    if a.low is None or a.high is None or b.low is None or b.high is None:
        return None
    if indicator == "nps":
        z = stats.z_quantile()
        return stats.normal_difference(a.value, (a.high - a.low) / (2 * z),  # type: ignore[arg-type]
                                       b.value, (b.high - b.low) / (2 * z))  # type: ignore[arg-type]
    if a.answers < 2 or b.answers < 2:
        return None
    se_a = (a.high - a.low) / (2 * stats.t_quantile(a.answers - 1))
    se_b = (b.high - b.low) / (2 * stats.t_quantile(b.answers - 1))
    return stats.welch(a.value, se_a, a.answers, b.value, se_b, b.answers)  # type: ignore[arg-type]


def _fraction(value: float | None) -> float:
    """A CSAT share as a fraction: 82 (%) and 0.82 (typed with a % sign) both mean 82 %."""
    value = value or 0.0
    return value if value <= 1 else value / 100
