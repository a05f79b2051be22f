"""The uncertainty of a survey measure, and whether a change is more than noise.

Pure functions over counts, no dependency: Wilson's interval for a share, the variance of
the NPS for the NPS, Student's t for a mean; a two-proportion z test, a z test on two NPS
and Welch's t test to compare two periods. Student's t distribution comes from the
regularised incomplete beta function (Numerical Recipes' continued fraction), since the
standard library only has the normal one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from statistics import NormalDist

CONFIDENCE = 0.95
ALPHA = 0.05
_NORMAL = NormalDist()


def z_quantile(confidence: float = CONFIDENCE) -> float:
    """The two-sided normal critical value: 1.959964 at 95 %."""
    return _NORMAL.inv_cdf(0.5 + confidence / 2)


@dataclass(frozen=True)
class Estimate:
    """A measure on its own scale with its 95 % interval; low and high are None when the
    answers cannot give one (a mean of a single answer)."""

    value: float | None
    answers: int
    low: float | None = None
    high: float | None = None


# --- intervals --------------------------------------------------------------------------


def wilson(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson's score interval for a share (0–1): never outside 0–1, sound for small n."""
    if n <= 0:
        raise ValueError("a share needs at least one answer")
    z = z_quantile(confidence)
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    return (centre - spread) / denominator, (centre + spread) / denominator


def share(successes: int, n: int, confidence: float = CONFIDENCE) -> Estimate:
    """A share in percent (0–100) with Wilson's interval."""
    if n <= 0:
        return Estimate(None, 0)
    low, high = wilson(successes, n, confidence)
    return Estimate(100 * successes / n, n, 100 * low, 100 * high)


def nps(promoters: int, detractors: int, n: int, confidence: float = CONFIDENCE) -> Estimate:
    """% promoters − % detractors (−100 to +100); the interval from the variance of one
    answer scored +1 / 0 / −1: (p+ + p−) − (p+ − p−)², divided by n, cut at −100 and +100
    (no NPS lies beyond). When every answer is alike (a single one, or all promoters)
    that variance is 0: see `unanimous`."""
    if n <= 0:
        return Estimate(None, 0)
    plus, minus = promoters / n, detractors / n
    value = plus - minus
    variance = plus + minus - value * value
    if n < 2 or variance <= 1e-12:
        low, high = unanimous(value, n, -1.0, 1.0, confidence)
        return Estimate(100 * value, n, 100 * low, 100 * high)
    spread = z_quantile(confidence) * math.sqrt(variance / n)
    return Estimate(100 * value, n, 100 * max(-1.0, value - spread),
                    100 * min(1.0, value + spread))


def mean(counts: Mapping[float, int], bounds: tuple[float, float] | None = None,
         confidence: float = CONFIDENCE) -> Estimate:
    """The mean of answers given as {score: how many}, with Student's t interval
    (n − 1 degrees of freedom, the sample standard deviation), cut at the scale's
    `bounds` when given. When every answer is the same the t interval has no width: see
    `unanimous` (needs the scale's `bounds`)."""
    n = sum(counts.values())
    if n <= 0:
        return Estimate(None, 0)
    average = sum(score * count for score, count in counts.items()) / n
    variance = (sum(count * (score - average) ** 2 for score, count in counts.items()) / (n - 1)
                if n > 1 else 0.0)
    if variance <= 1e-12:
        if bounds is None:
            return Estimate(average, n)
        low, high = unanimous(average, n, *bounds, confidence=confidence)
        return Estimate(average, n, low, high)
    spread = t_quantile(n - 1, confidence) * math.sqrt(variance / n)
    low, high = average - spread, average + spread
    if bounds is not None:  # no mean lies beyond the scale: 4 answers give 1.75 to 5, not 6.25
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return Estimate(average, n, low, high)


def unanimous(value: float, n: int, lowest: float, highest: float,
              confidence: float = CONFIDENCE) -> tuple[float, float]:
    """An interval for n answers all equal to `value`, where Student's t and the NPS
    variance give none of any width (three answers of 5 are not a certain 5): the share
    of other answers is at most Wilson's upper bound for 0 in n, u = z² / (n + z²), and
    at worst they sit at the end of the scale, so the mean lies between
    value − u × (value − lowest) and value + u × (highest − value)."""
    z = z_quantile(confidence)
    u = z * z / (n + z * z)
    return value - u * (value - lowest), value + u * (highest - value)


# --- Student's t ------------------------------------------------------------------------


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""

    def floor(value: float) -> float:
        return value if abs(value) > 1e-300 else 1e-300

    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 / floor(1 - qab * x / qap)
    result = d
    for m in range(1, 1000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d, c = 1 / floor(1 + aa * d), floor(1 + aa / c)
        result *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d, c = 1 / floor(1 + aa * d), floor(1 + aa / c)
        step = d * c
        result *= step
        if abs(step - 1) < 3e-16:
            break
    return result


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with `df` degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    tail = 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t))
    return 1 - tail if t >= 0 else tail


def t_density(t: float, df: float) -> float:
    return math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)
                    - 0.5 * math.log(df * math.pi) - (df + 1) / 2 * math.log1p(t * t / df))


def _cornish_fisher(z: float, df: float) -> float:
    """Student's quantile from the normal one, to the fourth order in 1/df (Abramowitz and
    Stegun 26.7.5): within 1e-10 from 100 degrees of freedom."""
    g1 = (z ** 3 + z) / 4
    g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96
    g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384
    g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160
    return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4


@cache
def t_quantile(df: float, confidence: float = CONFIDENCE) -> float:
    """The two-sided critical value of Student's t: 12.706 for 1 degree of freedom at
    95 %, 2.228 for 10, towards 1.96. Exact for 1 and 2 degrees of freedom; from 100 on,
    the Cornish-Fisher expansion; between, Newton's method on the distribution function
    from that expansion (bisection should a step leave the bracket)."""
    target = 0.5 + confidence / 2
    if df == 1:
        return math.tan(math.pi * (target - 0.5))
    if df == 2:
        return (2 * target - 1) / math.sqrt(2 * target * (1 - target))
    guess = _cornish_fisher(z_quantile(confidence), df)
    if df >= 100:
        return guess
    low, high = 0.0, max(2 * guess, 50.0)
    t = guess
    for _ in range(100):
        error = t_cdf(t, df) - target
        if abs(error) < 1e-15:
            break
        if error < 0:
            low = t
        else:
            high = t
        step = t - error / t_density(t, df)
        t = step if low < step < high else (low + high) / 2
        if high - low < 1e-14:
            break
    return t


# --- comparing two periods --------------------------------------------------------------


def two_sided_normal(z: float) -> float:
    return 2 * (1 - _NORMAL.cdf(abs(z)))


def two_proportions(x1: float, n1: int, x2: float, n2: int) -> float:
    """The two-sided p-value of the pooled two-proportion z test (x: successes)."""
    if n1 <= 0 or n2 <= 0:
        return 1.0
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return 1.0
    return two_sided_normal((x1 / n1 - x2 / n2) / math.sqrt(variance))


def welch(mean1: float, se1: float, n1: int, mean2: float, se2: float, n2: int) -> float:
    """The two-sided p-value of Welch's t test, from each mean's standard error (s/√n)
    and count; the degrees of freedom by Welch–Satterthwaite."""
    if n1 < 2 or n2 < 2:
        return 1.0
    variance = se1 * se1 + se2 * se2
    if variance <= 0:
        return 0.0 if mean1 != mean2 else 1.0
    df = variance * variance / (se1 ** 4 / (n1 - 1) + se2 ** 4 / (n2 - 1))
    t = (mean1 - mean2) / math.sqrt(variance)
    return 2 * (1 - t_cdf(abs(t), df))


def normal_difference(value1: float, se1: float, value2: float, se2: float) -> float:
    """The two-sided p-value of a z test on two independent estimates (two NPS)."""
    variance = se1 * se1 + se2 * se2
    if variance <= 0:
        return 0.0 if value1 != value2 else 1.0
    return two_sided_normal((value1 - value2) / math.sqrt(variance))
