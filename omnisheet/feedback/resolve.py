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
from .model import (
    REASONS,
    Example,
    Feedback,
    FileRead,
    Period,
    Rejection,
    Series,
    Unusable,
    Verbatim,
)
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


def check_source(source: Source, plan: Plan, vocabulary: Vocabulary) -> None:
    """A file whose rows cannot be placed at all is one line, not a pile of rejects: no
    stage or channel and no survey the plan knows, or nothing saying what its score is.
    A survey the Surveys tab lists without its stage or channel says which is missing."""
    surveys = _surveys(plan)
    columns = source.columns
    mapped = source.survey_row or surveys.get(normalise(source.stem))
    if "survey" in columns:
        return  # each row names its survey: unknown ones are counted
    for role in ("stage", "channel"):
        if role not in columns and (mapped is None or mapped.get(role) is None):
            if mapped is not None:
                raise FeedbackInputError(f"survey_without_{role}", file=source.name,
                                         survey=mapped.survey)
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


#: The Surveys tab's columns naming a column of the survey's export, by role.
COLUMN_FIELDS = {"score": "score_column", "date": "date_column", "stage": "stage_column",
                 "channel": "channel_column", "verbatim": "comment_column"}


def survey_columns(plan: Plan) -> dict[str, list[tuple[dict[str, str], Survey]]]:
    """Per survey (its normalised name, which is its file's name), each row of the Surveys
    tab that names columns of its export: {role: header} and the row. A survey with
    several rows (one per question and indicator) reads its file once per row."""
    found: dict[str, list[tuple[dict[str, str], Survey]]] = defaultdict(list)
    for survey in getattr(plan, "surveys", ()) or ():
        if survey.survey is None:
            continue
        named = {role: str(survey.get(name)).strip() for role, name in COLUMN_FIELDS.items()
                 if survey.get(name) is not None and str(survey.get(name)).strip()}
        found[normalise(survey.survey)].append((named, survey))
    return {k: v for k, v in found.items() if any(named for named, _ in v)}


def value_aliases(survey: Survey | None) -> dict[str, str]:
    """The Surveys tab's "Aliases" cell: `Téléphone = Service client; Web = Site web`,
    each value as the export writes it, then as the plan does."""
    text = survey.get("aliases") if survey is not None else None
    found: dict[str, str] = {}
    for pair in str(text or "").replace("\n", ";").split(";"):
        written, sep, meant = pair.partition("=")
        if sep and normalise(written) and normalise(meant):
            found[normalise(written)] = meant.strip()
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

    rejected_of: Counter[int] = Counter()

    def reject(reason: str, value: str | None, source: int, n: int) -> None:
        rejected[reason] += n
        rejected_of[source] += n
        examples[reason][(value, sources[source].name)] += n

    for source, line in malformed:
        reject("malformed_line", str(line), source, 1)
        rows_of[source] += 1
    refused = off_scale(groups, sources, surveys, stages, channels, vocabulary, placed)
    for g in groups:
        if g.source in refused:
            continue
        rows_of[g.source] += g.rows
        if g.excluded:
            reject(g.excluded, None, g.source, g.rows)
            continue
        if g.date_state or g.period is None:
            if g.date_state == 1:
                reject("empty_date", None, g.source, g.rows)
            elif g.date_state == 3:
                reject("date_out_of_range", None, g.source, g.rows)
            else:  # counted here; its examples are the file's own (engine.unreadable_dates)
                rejected["unparseable_date"] += g.rows
                rejected_of[g.source] += g.rows
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
                           day_first_assumed=s.day_first_assumed, rejected=rejected_of[i],
                           layout=s.layout, kind=s.score_kind,
                           question=s.questions.get(s.columns["score"]))
                  for i, s in enumerate(sources))
    lookups = {"unknown_stage": stages, "unknown_channel": channels}

    def hint(reason: str, value: str | None) -> Scalar:
        return did_you_mean(value, lookups[reason]) if reason in lookups and value else None

    rejections = tuple(
        Rejection(reason, rejected[reason], tuple(
            Example(value, file, n, hint(reason, value)) for (value, file), n in sorted(
                examples[reason].items(), key=lambda item: (-item[1], str(item[0][0]),
                                                            item[0][1]))[:EXAMPLES]))
        for reason in REASONS if rejected[reason])
    if refused and len({s.path for s in sources}) == 1 and len(refused) == len(sources):
        raise next(iter(refused.values()))
    return Feedback(unusable=tuple(Unusable(sources[i].name, e.key, dict(e.fields))
                                   for i, e in sorted(refused.items())),
                    period=period, periods=tuple(span), series=tuple(series_list),
                    rejected=rejections, files=files,
                    rows=sum(rows_of.values()), used=used,
                    limit=limit)


def _place(g: Group, source: Source, surveys: Mapping[str, Survey], stages: _Names,
           channels: _Names, vocabulary: Vocabulary) -> Touchpoint | tuple[str, str | None]:
    """The touchpoint and kind of score of a group's rows, or why they have none."""
    name = (g.survey or "").strip() or None
    survey = source.survey_row if name is None else None
    for candidate in (name, source.stem):
        if survey is None and candidate and normalise(candidate) in surveys:
            survey = surveys[normalise(candidate)]
    aliases = value_aliases(survey)
    stage_text = g.stage if normalise(g.stage) else (survey.stage if survey else None)
    channel_text = g.channel if normalise(g.channel) else (survey.channel if survey else None)
    stage_text = aliases.get(normalise(stage_text), stage_text)
    channel_text = aliases.get(normalise(channel_text), channel_text)
    if normalise(g.indicator):
        indicator = vocabulary.indicator(g.indicator)
        if indicator is None:
            return "unknown_indicator", g.indicator
    elif survey is not None and vocabulary.indicator(survey.indicator) is not None and (
            source.survey_row is survey or source.score_kind in (
                None, vocabulary.indicator(survey.indicator)[0])):  # type: ignore[index]
        indicator = vocabulary.indicator(survey.indicator)
    elif source.score_kind is not None:  # the question says it: "recommend" is an NPS
        indicator = (source.score_kind, None)
    else:
        indicator = None
    if survey is None and name is not None and (
            stage_text is None or channel_text is None or indicator is None):
        return "unknown_survey", name
    if indicator is None:
        return "unknown_indicator", None
    if stage_text is None:
        return "no_stage", None
    stage = stages.get(stage_text)
    if stage is None:
        return "unknown_stage", str(stage_text).strip()
    if channel_text is None:
        return "no_channel", None
    channel = channels.get(channel_text)
    if channel is None:
        return "unknown_channel", str(channel_text).strip()
    return Touchpoint(stage, channel, indicator[0], indicator[1])


#: A score column most of whose numbers lie off its indicator's scale is the wrong one.
OFF_SCALE_SHARE = 0.5


def off_scale(groups: Sequence[Group], sources: Sequence[Source],
              surveys: Mapping[str, Survey], stages: _Names, channels: _Names,
              vocabulary: Vocabulary, placed: dict) -> dict[int, FeedbackInputError]:
    """The files whose score column is not the indicator's: most numbers off its scale
    (an NPS question, 0 to 10, mapped to a CSAT, 1 to 5). Refused, naming the column and
    its range, rather than publishing a CSAT from the 0-5 answers of an NPS."""
    inside: Counter[tuple[int, str]] = Counter()
    outside: Counter[tuple[int, str]] = Counter()
    seen: dict[tuple[int, str], list[float]] = defaultdict(list)
    for g in groups:
        if g.excluded or g.date_state or g.score is None:
            continue
        key = (g.source, g.survey, g.stage, g.channel, g.indicator)
        if key not in placed:
            placed[key] = _place(g, sources[g.source], surveys, stages, channels, vocabulary)
        where = placed[key]
        if not isinstance(where, Touchpoint):
            continue
        try:
            value = float(str(g.score).strip().replace(",", "."))
        except ValueError:
            continue
        low, high = SCALES[where.kind]
        slot = (g.source, where.kind)
        seen[slot].append(value)
        if low <= value <= high and value.is_integer():
            inside[slot] += g.rows
        else:
            outside[slot] += g.rows
    refused: dict[int, FeedbackInputError] = {}
    for (source, kind), n in outside.items():
        if n > OFF_SCALE_SHARE * (n + inside[(source, kind)]):
            values = seen[(source, kind)]
            low, high = SCALES[kind]
            refused[source] = FeedbackInputError(
                "off_scale", file=sources[source].name, column=sources[source].columns["score"],
                low=_plain(min(values)), high=_plain(max(values)), kind=kind.upper(),
                scale_low=low, scale_high=high)
    return refused


def _plain(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def did_you_mean(written: str, names: _Names) -> Scalar:
    """The plan's value a written one most likely means ("Téléphone" for « Service client
    (téléphone) »): one whose words hold it, else the closest spelling; None if none."""
    import difflib

    wanted = normalise(written)
    if not wanted:
        return None
    holding = [key for key in names.index if f" {wanted} " in f" {key} "
               or f" {key} " in f" {wanted} "]
    if len({names.index[k] for k in holding}) == 1:
        return names.index[holding[0]]
    close = difflib.get_close_matches(wanted, list(names.index), n=1, cutoff=0.75)
    return names.index[close[0]] if close else None


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
