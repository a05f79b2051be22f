"""omnisheet.template.statistics against computations written here another way: Wilson's interval
as the roots of the score test (found by bisection), Student's t from published tables
and from integrating its density, means and variances from the standard library."""

from __future__ import annotations

import math
import statistics as stdlib

import pytest

from omnisheet.template import statistics as stats

Z = 1.959963984540054  # the normal 97.5 % quantile, as tables give it
# Student's t, two-sided 95 % (97.5 % quantile), from a printed table
T_TABLE = {1: 12.7062, 2: 4.3027, 3: 3.1824, 4: 2.7764, 5: 2.5706, 6: 2.4469, 9: 2.2622,
           10: 2.2281, 20: 2.0860, 29: 2.0452, 30: 2.0423, 60: 2.0003, 120: 1.9799}


def t_density(x: float, df: float) -> float:
    return (math.gamma((df + 1) / 2) / (math.sqrt(df * math.pi) * math.gamma(df / 2))
            * (1 + x * x / df) ** (-(df + 1) / 2))


def t_cdf_by_integration(x: float, df: float, steps: int = 20000) -> float:
    """P(T ≤ x) = 1/2 + ∫0..x density (Simpson's rule), x ≥ 0."""
    h = x / steps
    total = t_density(0, df) + t_density(x, df)
    for i in range(1, steps):
        total += (4 if i % 2 else 2) * t_density(i * h, df)
    return 0.5 + total * h / 3


def wilson_by_bisection(successes: int, n: int) -> tuple[float, float]:
    """The p where the score statistic |p̂ − p| / √(p(1 − p)/n) equals z, each side of p̂."""
    observed = successes / n

    def gap(p: float) -> float:
        return abs(observed - p) - Z * math.sqrt(p * (1 - p) / n)

    def root(low: float, high: float) -> float:
        for _ in range(200):
            middle = (low + high) / 2
            if (gap(middle) > 0) == (gap(low) > 0):
                low = middle
            else:
                high = middle
        return (low + high) / 2

    lower = 0.0 if successes == 0 else root(0.0, observed)
    upper = 1.0 if successes == n else root(observed, 1.0)
    return lower, upper


def test_the_normal_quantile():
    assert stats.z_quantile() == pytest.approx(Z, abs=1e-12)


@pytest.mark.parametrize("df", sorted(T_TABLE))
def test_student_quantiles_match_the_printed_table(df):
    assert stats.t_quantile(df) == pytest.approx(T_TABLE[df], abs=6e-5)


@pytest.mark.parametrize("df", [1, 3, 7.5, 24, 200])
def test_student_quantile_is_where_the_integrated_density_reaches_97_5_percent(df):
    assert t_cdf_by_integration(stats.t_quantile(df), df) == pytest.approx(0.975, abs=1e-7)


@pytest.mark.parametrize("x,df", [(0.5, 2), (2.0, 5), (1.3, 40), (3.1, 1)])
def test_student_distribution_function(x, df):
    assert stats.t_cdf(x, df) == pytest.approx(t_cdf_by_integration(x, df), abs=1e-8)
    assert stats.t_cdf(-x, df) == pytest.approx(1 - t_cdf_by_integration(x, df), abs=1e-8)


@pytest.mark.parametrize("successes,n", [(0, 1), (1, 1), (0, 10), (5, 10), (3, 4), (82, 100),
                                         (999, 1000), (1, 2)])
def test_wilson_interval_is_the_score_test_s_roots(successes, n):
    low, high = stats.wilson(successes, n)
    expected = wilson_by_bisection(successes, n)
    assert low == pytest.approx(expected[0], abs=1e-9)
    assert high == pytest.approx(expected[1], abs=1e-9)
    estimate = stats.share(successes, n)
    assert estimate.value == pytest.approx(100 * successes / n)
    assert (estimate.low, estimate.high) == pytest.approx((100 * low, 100 * high))


def test_a_mean_and_its_student_interval():
    answers = [5, 4, 4, 3, 5, 2, 4, 4, 5, 1]  # ties, and both ends of the scale
    counts = {float(s): answers.count(s) for s in set(answers)}
    estimate = stats.mean(counts, bounds=(1, 5))
    half = T_TABLE[9] * stdlib.stdev(answers) / math.sqrt(len(answers))
    assert estimate.value == pytest.approx(stdlib.mean(answers))
    assert estimate.answers == 10
    assert estimate.low == pytest.approx(stdlib.mean(answers) - half, abs=1e-3)
    assert estimate.high == pytest.approx(stdlib.mean(answers) + half, abs=1e-3)


def test_nps_and_its_variance_interval():
    scores = [10, 9, 9, 8, 7, 6, 3, 10, 0, 9, 8, 5]
    per_answer = [1 if s >= 9 else -1 if s <= 6 else 0 for s in scores]
    value = stdlib.mean(per_answer)
    half = Z * math.sqrt(stdlib.pvariance(per_answer) / len(scores))
    estimate = stats.nps(sum(s >= 9 for s in scores), sum(s <= 6 for s in scores), len(scores))
    assert estimate.value == pytest.approx(100 * value)
    assert estimate.low == pytest.approx(100 * (value - half))
    assert estimate.high == pytest.approx(100 * (value + half))


@pytest.mark.parametrize("value,n,bounds", [(5, 1, (1, 5)), (5, 3, (1, 5)), (3, 20, (1, 5)),
                                            (1, 2, (1, 7))])
def test_answers_all_alike_get_wilson_s_bound_on_the_others(value, n, bounds):
    """Student's t gives such answers an interval of no width; the share of other answers
    is at most Wilson's upper bound for none in n, each at worst at the scale's end."""
    other = wilson_by_bisection(0, n)[1]
    estimate = stats.mean({float(value): n}, bounds=bounds)
    assert estimate.value == value
    assert estimate.low == pytest.approx(value - other * (value - bounds[0]))
    assert estimate.high == pytest.approx(value + other * (bounds[1] - value))


def test_nps_of_promoters_only_is_not_certain():
    other = wilson_by_bisection(0, 4)[1]
    estimate = stats.nps(4, 0, 4)
    assert estimate.value == 100
    assert estimate.low == pytest.approx(100 * (1 - 2 * other))
    assert estimate.high == pytest.approx(100)
    single = stats.nps(0, 1, 1)
    assert single.value == -100 and single.high > -100


def test_no_answers_no_measure():
    assert stats.mean({}).value is None
    assert stats.share(0, 0).value is None and stats.nps(0, 0, 0).answers == 0


def test_two_proportion_test():
    x1, n1, x2, n2 = 170, 200, 150, 200
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert stats.two_proportions(x1, n1, x2, n2) == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))


def test_welch_test():
    a = [5, 6, 5, 7, 4, 6, 5, 6, 7, 5, 6, 6]
    b = [4, 3, 5, 4, 2, 4, 5, 3, 4, 3]
    va, vb = stdlib.variance(a) / len(a), stdlib.variance(b) / len(b)
    t = (stdlib.mean(a) - stdlib.mean(b)) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    expected = 2 * (1 - t_cdf_by_integration(abs(t), df))
    p = stats.welch(stdlib.mean(a), math.sqrt(va), len(a), stdlib.mean(b), math.sqrt(vb), len(b))
    assert p == pytest.approx(expected, abs=1e-7)


def test_an_interval_stops_at_the_ends_of_its_scale():
    """Four CSAT answers (5, 5, 5, 1) give a t interval of 0.82 to 7.18: no mean lies
    beyond the scale, so it stops at 1 and 5; the same for an NPS past +100, while an
    interval inside the scale is left as it is."""
    four = stats.mean({5: 3, 1: 1}, bounds=(1, 5))
    half = 3.182446 * 2 / 2  # t(3) × stdev 2 / √4
    assert (four.low, four.high) == (1, 5)
    unbounded = stats.mean({5: 3, 1: 1})  # no scale given: the t interval as it is
    assert (unbounded.low, unbounded.high) == pytest.approx((4 - half, 4 + half), abs=1e-4)
    inside = stats.mean({3: 2, 4: 2}, bounds=(1, 5))
    assert (inside.low, inside.high) == pytest.approx(
        (3.5 - 3.182446 * math.sqrt(1 / 3) / 2, 3.5 + 3.182446 * math.sqrt(1 / 3) / 2), abs=1e-4)
    small = stats.nps(2, 1, 3)  # +33: the variance formula alone reaches +140
    assert small.high == 100 and small.low == pytest.approx(
        100 * (1 / 3 - 1.959964 * math.sqrt((1 - 1 / 9) / 3)), abs=1e-3)
