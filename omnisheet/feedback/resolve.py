"""From the scan's groups to the plan's measures: each written stage, channel, indicator
and survey matched to the plan (its lists, in any language, and its Surveys tab), each
written score read on its scale, every row either counted in a measure or set aside
with its reason; then each measure's value and 95 % interval per period, from the
counts of each score (exact: a mean, a share and an NPS only need those)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..template import periods as periods_of
from ..template import statistics as stats
from ..template.text import normalise
from . import judge
from .engine import Group
from .errors import FeedbackInputError
from .model import REASONS, Example, Feedback, FileRead, Period, Rejection, Series, Verbatim
from .scores import read_score
from .sources import Source
from .vocabulary import INDICATORS, KIND_OF, SCALES, Vocabulary

if TYPE_CHECKING:
    from ..plan.model import Plan, Scalar, Survey
    from ..template.definition import Definition

EXAMPLES = 5
VERBATIM_CHARS = 1000


@dataclass(frozen=True)
class Touchpoint:
    stage: Scalar
    channel: Scalar
    kind: str
    named: str | None  # the plan's indicator the survey or row names, if it names one


class _Names:
    """A list of the plan (stages, channels) looked up by any of its values' names."""

    def __init__(self, plan: Plan, definition: Definition, list_key: str) -> None:
        listed = definition.list(list_key)
        self.index: dict[str, Scalar] = {}
        for value in plan.lists.get(list_key, listed.keys):
            if value is None:
                continue
            self.index.setdefault(normalise(value), value)
            known = listed.value(value)
            if known is not None:
                for label in known.labels.values():
                    self.index.setdefault(normalise(label), value)

    def get(self, text: object) -> Scalar:
        return self.index.get(normalise(text)) if normalise(text) else None


def check_sources(sources: Sequence[Source], plan: Plan, vocabulary: Vocabulary) -> None:
    """A file whose rows cannot be placed at all is one line, not a pile of rejects: no
    stage or channel and no survey the plan knows, or nothing saying what its score is."""
    surveys = _surveys(plan)
    for source in sources:
        columns = source.columns
        mapped = surveys.get(normalise(source.stem))
        if "survey" in columns:
            continue  # each row names its survey: unknown ones are counted
        for role in ("stage", "channel"):
            if role not in columns and (mapped is None or mapped.get(role) is None):
                raise FeedbackInputError("no_touchpoint", file=source.name, survey=source.stem)
        if ("indicator" not in columns and source.score_kind is None
                and (mapped is None or vocabulary.indicator(mapped.indicator) is None)):
            raise FeedbackInputError("no_indicator", file=source.name, survey=source.stem)


def _surveys(plan: Plan) -> dict[str, Survey]:
    found: dict[str, Survey] = {}
    for survey in getattr(plan, "surveys", ()) or ():
        if survey.survey is not None:
            found.setdefault(normalise(survey.survey), survey)
    return found


def build(plan: Plan, definition: Definition, vocabulary: Vocabulary, sources: Sequence[Source],
          groups: Sequence[Group], malformed: Sequence[tuple[int, int]], period: str,
          bad_dates: Mapping[int, Sequence[tuple[str, int]]] | None = None) -> Feedback:
    stages = _Names(plan, definition, "stage")
    channels = _Names(plan, definition, "channel")
    surveys = _surveys(plan)
    rejected: Counter[str] = Counter()
    examples: dict[str, Counter[tuple[str | None, str]]] = defaultdict(Counter)
    counts: dict[tuple[Scalar, Scalar, str], dict[dt.date, Counter[int]]] = defaultdict(
        lambda: defaultdict(Counter))
    said: dict[tuple[Scalar, Scalar, str], set[str]] = defaultdict(set)
    best: dict[tuple[Scalar, Scalar, str, dt.date], tuple[int, dt.datetime, str]] = {}
    rows_of: Counter[int] = Counter()
    placed: dict[tuple, Touchpoint | tuple[str, str | None]] = {}
    scored: dict[tuple[str, str | None], int | str] = {}

    def reject(reason: str, value: str | None, source: int, n: int) -> None:
        rejected[reason] += n
        examples[reason][(value, sources[source].name)] += n

    for source, line in malformed:
        reject("malformed_line", str(line), source, 1)
    for g in groups:
        rows_of[g.source] += g.rows
        if g.date_state or g.period is None:
            if g.date_state == 1:
                reject("empty_date", None, g.source, g.rows)
            else:  # counted here; its examples are the file's own (engine.unreadable_dates)
                rejected["unparseable_date"] += g.rows
            continue
        key = (g.source, g.survey, g.stage, g.channel, g.indicator)
        if key not in placed:
            placed[key] = _place(g, sources[g.source], surveys, stages, channels, vocabulary)
        where = placed[key]
        if not isinstance(where, Touchpoint):
            reject(where[0], where[1], g.source, g.rows)
            continue
        if (where.kind, g.score) not in scored:
            scored[(where.kind, g.score)] = read_score(g.score, where.kind, vocabulary)
        score = scored[(where.kind, g.score)]
        if isinstance(score, str):
            reject(score, None if score == "empty_score" else g.score, g.source, g.rows)
            continue
        series = (where.stage, where.channel, where.kind)
        counts[series][g.period][score] += g.rows
        if where.named:
            said[series].add(where.named)
        if g.verbatim is not None:
            at, text = g.verbatim
            slot = (*series, g.period)
            if slot not in best or _more_telling((score, at, text), best[slot]):
                best[slot] = (score, at, text)
    for source, found in (bad_dates or {}).items():
        for value, n in found:
            examples["unparseable_date"][(value, sources[source].name)] += n
    used = sum(sum(c.values()) for by_period in counts.values() for c in by_period.values())
    starts = sorted({p for by_period in counts.values() for p in by_period})
    span = periods_of.span(starts[0], starts[-1], period) if starts else []
    limit = judge.max_width(plan.settings)
    series_list = []
    for (stage, channel, kind), by_period in counts.items():
        named = said[(stage, channel, kind)]
        for indicator in INDICATORS[kind]:
            points = []
            for start in span:
                estimate = _estimate(indicator, by_period.get(start, Counter()))
                slot = best.get((stage, channel, kind, start))
                verbatim = None
                if slot is not None:
                    verbatim = Verbatim(text=slot[2][:VERBATIM_CHARS], score=slot[0], at=slot[1])
                points.append(Period(start, judge.Point(estimate.value, estimate.answers,
                                                        estimate.low, estimate.high), verbatim))
            made = Series(stage=stage, channel=channel, indicator=indicator,
                          periods=tuple(points),
                          headline=indicator in named if named else indicator == INDICATORS[kind][0])
            latest, previous = made.latest, made.previous
            series_list.append(Series(
                stage=stage, channel=channel, indicator=indicator, periods=made.periods,
                headline=made.headline,
                too_few=latest is not None and judge.too_few(indicator, latest.point, limit,
                                                             definition),
                fall=(judge.fell(indicator, previous.point, latest.point)
                      if latest is not None and previous is not None else None)))
    order = _order(plan, definition)
    series_list.sort(key=order)
    files = tuple(FileRead(path=s.name, format=s.format, rows=rows_of[i], columns=dict(s.columns),
                           encoding=s.encoding, delimiter=s.delimiter, sheet=s.sheet,
                           day_first_assumed=s.day_first_assumed)
                  for i, s in enumerate(sources))
    rejections = tuple(
        Rejection(reason, rejected[reason], tuple(
            Example(value, file, n) for (value, file), n in sorted(
                examples[reason].items(), key=lambda item: (-item[1], str(item[0][0]),
                                                            item[0][1]))[:EXAMPLES]))
        for reason in REASONS if rejected[reason])
    return Feedback(period=period, periods=tuple(span), series=tuple(series_list),
                    rejected=rejections, files=files,
                    rows=sum(rows_of.values()) + sum(1 for _ in malformed), used=used,
                    limit=limit)


def _place(g: Group, source: Source, surveys: Mapping[str, Survey], stages: _Names,
           channels: _Names, vocabulary: Vocabulary) -> Touchpoint | tuple[str, str | None]:
    """The touchpoint and kind of score of a group's rows, or why they have none."""
    name = (g.survey or "").strip() or None
    survey = None
    for candidate in (name, source.stem):
        if candidate and normalise(candidate) in surveys:
            survey = surveys[normalise(candidate)]
            break
    stage_text = g.stage if normalise(g.stage) else (survey.stage if survey else None)
    channel_text = g.channel if normalise(g.channel) else (survey.channel if survey else None)
    if normalise(g.indicator):
        indicator = vocabulary.indicator(g.indicator)
        if indicator is None:
            return "unknown_indicator", g.indicator
    elif survey is not None and vocabulary.indicator(survey.indicator) is not None:
        indicator = vocabulary.indicator(survey.indicator)
    elif source.score_kind is not None:
        indicator = (source.score_kind, None)
    else:
        indicator = None
    if survey is None and (stage_text is None or channel_text is None or indicator is None):
        return "unknown_survey", name or source.stem
    if indicator is None:
        return "unknown_indicator", None
    stage = stages.get(stage_text)
    if stage is None:
        return "unknown_stage", None if stage_text is None else str(stage_text).strip()
    channel = channels.get(channel_text)
    if channel is None:
        return "unknown_channel", None if channel_text is None else str(channel_text).strip()
    return Touchpoint(stage, channel, indicator[0], indicator[1])


def _more_telling(new: tuple[int, dt.datetime, str], old: tuple[int, dt.datetime, str]) -> bool:
    """The comment to show: the lowest score's, then the most recent, then (a tie) the
    first in alphabetical order, so two runs pick the same one."""
    if new[0] != old[0]:
        return new[0] < old[0]
    if new[1] != old[1]:
        return new[1] > old[1]
    return new[2] < old[2]


def _estimate(indicator: str, counts: Counter[int]) -> stats.Estimate:
    n = sum(counts.values())
    if indicator == "csat_pct":
        return stats.share(sum(c for s, c in counts.items() if s >= 4), n)
    if indicator == "nps":
        return stats.nps(sum(c for s, c in counts.items() if s >= 9),
                         sum(c for s, c in counts.items() if s <= 6), n)
    kind = KIND_OF[indicator]
    return stats.mean({float(s): c for s, c in counts.items()}, bounds=SCALES[kind])


def _order(plan: Plan, definition: Definition):
    stages = {normalise(v): i for i, v in enumerate(plan.lists.get("stage", ()))}
    channels = {normalise(v): i for i, v in enumerate(plan.lists.get("channel", ()))}
    indicators = {k: i for i, k in enumerate(definition.list("indicator").keys)}

    def key(series: Series) -> tuple:
        return (stages.get(normalise(series.stage), len(stages)), str(series.stage),
                channels.get(normalise(series.channel), len(channels)), str(series.channel),
                indicators.get(series.indicator, len(indicators)))

    return key
