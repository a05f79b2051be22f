"""The responses' measures written into the plan: on the Touchpoint measures tab, each
measure's latest period (a row the team keeps for that touchpoint and indicator is
updated, its target and traffic share kept, unless its evidence is indirect or inferred,
which responses do not replace; the survey's own indicator gets a row when there is none); on the Measure trends tab, every period, replacing the periods computed
again and keeping the others, so a monthly run builds the history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..plan.model import Measure, Trend
from ..plan.rows import with_rows_placed
from ..template import periods as periods_of
from ..template.numbers import round_half_away
from ..template.text import normalise
from .judge import places
from .model import Feedback

if TYPE_CHECKING:
    from ..plan.model import Plan, Scalar
    from ..template.definition import Definition

#: What a measure row says where its evidence comes from: customers asked.
EVIDENCE = "direct"


@dataclass(frozen=True)
class Updated:
    """A row the team kept on the Touchpoint measures tab whose value the responses
    replaced: what it said, and what it says now (said to the user, never silent)."""

    before: Measure
    after: Measure
    # False: the new figure rests on too few answers and the team's was kept (listed, with why)
    replaced: bool = True


def applied(plan: Plan, feedback: Feedback, definition: Definition
            ) -> tuple[Plan, tuple[Updated, ...]]:
    """The plan with the responses' measures, and the team's rows whose value changed."""
    lang = plan.language
    measures, updated = _measures(plan, feedback, definition, lang)
    changed = plan.with_changes(measures=measures,
                                trends=_trends(plan, feedback, definition, lang))
    return with_rows_placed(changed, ("measures", "trends")), updated


def _same(a: Scalar, b: Scalar) -> bool:
    return normalise(a) == normalise(b)


def shown_value(indicator: str, value: float) -> float:
    """A value as a team would type it: 4.12 for a mean, 82.1 for a share or an NPS."""
    return round_half_away(value, places(indicator))


def _measures(plan: Plan, feedback: Feedback, definition: Definition, lang: str
              ) -> tuple[tuple[Measure, ...], tuple[Updated, ...]]:
    measures = list(plan.measures)
    updated = []
    for series in feedback.series:
        latest = series.latest
        if latest is None or latest.point.value is None:
            continue
        fields = {
            "value": shown_value(series.indicator, latest.point.value),
            "answers": latest.point.answers,
            "period": periods_of.period_name(latest.start, feedback.period, definition, lang),
            "evidence": EVIDENCE,
            "verbatim": latest.verbatim.text if latest.verbatim is not None else None,
        }
        index = next((i for i, m in enumerate(measures)
                      if _same(m.stage, series.stage) and _same(m.channel, series.channel)
                      and _same(m.indicator, series.indicator)
                      and m.evidence in (None, EVIDENCE)), None)
        if index is not None and series.too_few and measures[index].value is not None:
            kept = measures[index]  # a figure from too few answers never replaces the team's
            updated.append(Updated(kept, replace(kept, **fields), replaced=False))
            continue
        if index is not None:
            kept = measures[index]
            typed = {k: v for k, v in kept.typed.items() if k not in fields}
            measures[index] = replace(kept, typed=typed, **fields)
            if kept.value is not None and (kept.value != fields["value"] or not _same(
                    kept.period, fields["period"])):
                updated.append(Updated(kept, measures[index]))
        elif series.headline:
            measures.append(Measure(stage=series.stage, channel=series.channel,
                                    indicator=series.indicator, **fields))
    return tuple(measures), tuple(updated)


def _trend_key(stage: Scalar, channel: Scalar, indicator: Scalar, period: Scalar,
               definition: Definition) -> tuple:
    parsed = periods_of.parse(period, definition)
    return (normalise(stage), normalise(channel), normalise(indicator),
            parsed if parsed is not None else normalise(period))


def _trends(plan: Plan, feedback: Feedback, definition: Definition, lang: str
            ) -> tuple[Trend, ...]:
    fresh: dict[tuple, Trend] = {}
    for series in feedback.series:
        for period in series.periods:
            label = periods_of.period_name(period.start, feedback.period, definition, lang)
            point = period.point
            fresh[_trend_key(series.stage, series.channel, series.indicator, label,
                             definition)] = Trend(
                stage=series.stage, channel=series.channel, indicator=series.indicator,
                period=label, value=point.value, answers=point.answers, low=point.low,
                high=point.high)
    # A period computed again takes the row it had, the others keep theirs; new periods
    # come after, in order (with_rows_placed puts them under the last row).
    rows = []
    for kept in getattr(plan, "trends", ()):
        key = _trend_key(kept.stage, kept.channel, kept.indicator, kept.period, definition)
        again = fresh.pop(key, None)
        rows.append(kept if again is None else replace(again, row=kept.row))
    return (*rows, *sorted(fresh.values(), key=_order(plan, definition)))


def _order(plan: Plan, definition: Definition):
    stages = {normalise(v): i for i, v in enumerate(plan.lists.get("stage", ()))}
    channels = {normalise(v): i for i, v in enumerate(plan.lists.get("channel", ()))}
    indicators = {k: i for i, k in enumerate(definition.list("indicator").keys)}

    def key(trend: Trend) -> tuple:
        parsed = periods_of.parse(trend.period, definition)
        return (stages.get(normalise(trend.stage), len(stages)), normalise(trend.stage),
                channels.get(normalise(trend.channel), len(channels)), normalise(trend.channel),
                indicators.get(str(trend.indicator), len(indicators)), normalise(trend.indicator),
                parsed is None, parsed[1].isoformat() if parsed else normalise(trend.period))

    return key

