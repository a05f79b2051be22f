"""The comparison of many plans (pure: summaries in, a `Portfolio` out).

Plans are matched by their lists' stable keys: a stage the template knows is "buy"
whether the team wrote it « J'achète » or "I buy"; a value of the team's own ("Je
commande") is matched by its text, accents, case and punctuation aside (text.normalise).
Values not every plan shares are listed as differences, with the template's value a
renamed one stands in place of, so that a renamed stage is seen, not silently dropped.

What is compared:
* readiness per plan, and per figure (lowest, median, highest, and which plans);
* a stage × channel grid: in how many plans each touchpoint is a friction or an
  opportunity, out of the plans that have it;
* use cases that recur across plans: the same title (accents and case aside), category
  and touchpoint (stage and channel), with their score and rank in each plan;
* the data sources that block the most value across plans (each plan's data roadmap);
* measures per touchpoint and indicator, where plans have them.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..plan.model import Scalar
from ..template.definition import Definition
from ..template.text import normalise
from .files import Skipped
from .summary import PlanSummary, Unread

FIGURES = ("readiness", "frictions_addressed", "opportunities_addressed",
           "scenario_coverage", "data_available")
DIFFERING_LISTS = ("stage", "channel", "category", "source")


@dataclass(frozen=True)
class Value:
    """A list value as plans are matched by it: the template's key, or "=" and the
    normalised text of a team's own value, with the text as first typed."""

    key: str
    typed: str | None = None

    @property
    def none(self) -> bool:
        return self.key == ""


NONE = Value("")


def value_of(definition: Definition, list_key: str, raw: Scalar) -> Value:
    """How plans are matched by a list value: its key, or its normalised text."""
    if raw is None or raw == "":
        return NONE
    if isinstance(raw, str) and raw in _keys(definition, list_key):
        return Value(raw)
    text = str(raw)
    return Value("=" + normalise(text), " ".join(text.split()))


_KEYS: dict[tuple[int, str], tuple[Definition, frozenset[str]]] = {}


def _keys(definition: Definition, list_key: str) -> frozenset[str]:
    """A list's keys, as a set computed once per definition (a hundred plans ask 50,000
    times); the definition is kept with them so that its id is not reused."""
    cached = _KEYS.get((id(definition), list_key))
    if cached is None:
        listed = definition.lists.get(list_key)
        cached = (definition, frozenset(listed.keys if listed is not None else ()))
        _KEYS[(id(definition), list_key)] = cached
    return cached[1]


@dataclass(frozen=True)
class FigureStats:
    """One readiness figure across the plans where it can be computed. Readiness is in
    points (0–100), the other figures are shares (0–1)."""

    figure: str
    values: tuple[tuple[str, float | None], ...]  # (plan, value), in the plans' order
    lowest: float | None = None
    median: float | None = None
    highest: float | None = None
    mean: float | None = None
    lowest_plans: tuple[str, ...] = ()
    highest_plans: tuple[str, ...] = ()

    @property
    def known(self) -> int:
        return sum(v is not None for _, v in self.values)


@dataclass(frozen=True)
class GridCell:
    stage: Value
    channel: Value
    plans: tuple[str, ...]  # the plans with a touchpoint here
    possible: int  # the plans whose lists hold both the stage and the channel
    friction: tuple[str, ...] = ()
    opportunity: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grid:
    stages: tuple[Value, ...]
    channels: tuple[Value, ...]
    cells: Mapping[tuple[str, str], GridCell]

    def cell(self, stage: Value, channel: Value) -> GridCell | None:
        return self.cells.get((stage.key, channel.key))

    def recurring(self, status: str, at_least: int = 2) -> list[GridCell]:
        """The cells where `status` (friction, opportunity) is in at least `at_least`
        plans, most plans first, then in the map's order."""
        order = {(s.key, c.key): (j, i) for i, s in enumerate(self.stages)
                 for j, c in enumerate(self.channels)}
        found = [c for c in self.cells.values() if len(getattr(c, status)) >= at_least]
        return sorted(found, key=lambda c: (-len(getattr(c, status)),
                                            order.get((c.stage.key, c.channel.key), (0, 0))))


@dataclass(frozen=True)
class UseCaseInPlan:
    plan: str
    id: Scalar
    score: float | None
    rank: int | None
    quadrant: str | None


@dataclass(frozen=True)
class RecurringUseCase:
    title: str
    category: Value
    stage: Value
    channel: Value
    plans: tuple[UseCaseInPlan, ...]

    @property
    def plan_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.plan for p in self.plans))

    @property
    def mean_score(self) -> float | None:
        scores = [p.score for p in self.plans if p.score is not None]
        return round(statistics.fmean(scores), 4) if scores else None


@dataclass(frozen=True)
class SourceInPlan:
    plan: str
    value: float
    best_rank: int | None
    variables: int
    scenarios: int


@dataclass(frozen=True)
class BlockingSource:
    source: Value
    plans: tuple[SourceInPlan, ...]

    @property
    def value(self) -> float:
        return round(sum(p.value for p in self.plans), 4)


@dataclass(frozen=True)
class MeasureInPlan:
    plan: str
    value: Scalar
    target: Scalar
    rating: float | None
    gap: float | None
    answers: Scalar
    period: Scalar


@dataclass(frozen=True)
class MeasuredTouchpoint:
    stage: Value
    channel: Value
    indicator: Value
    plans: tuple[MeasureInPlan, ...]

    @property
    def plan_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.plan for p in self.plans))


@dataclass(frozen=True)
class ListDifference:
    """A list value that not every plan has: which plans have it, which do not, and for a
    team's own value, the template's value it stands in place of (same place in the list,
    that value missing from the plan), as a renamed stage does."""

    list: str
    value: Value
    present: tuple[str, ...]
    absent: tuple[str, ...]
    in_place_of: Value | None = None


@dataclass(frozen=True)
class Portfolio:
    plans: tuple[PlanSummary, ...]
    language: str
    figures: tuple[FigureStats, ...]
    grid: Grid
    use_cases: tuple[RecurringUseCase, ...]
    sources: tuple[BlockingSource, ...]
    measures: tuple[MeasuredTouchpoint, ...]
    differences: tuple[ListDifference, ...]
    unread: tuple[Unread, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    open_elsewhere: tuple[str, ...] = ()
    lists: Mapping[str, tuple[Value, ...]] = field(default_factory=dict)

    def figure(self, key: str) -> FigureStats:
        return next(f for f in self.figures if f.figure == key)

    def fails(self, level: str) -> bool:
        return any(p.fails(level) for p in self.plans)

    def by_readiness(self) -> list[PlanSummary]:
        """Plans from the most ready to the least; those not computable last."""
        return sorted(self.plans, key=lambda p: (p.readiness is None, -(p.readiness or 0)))


def compare(plans: Sequence[PlanSummary], definition: Definition, *,
            unread: Sequence[Unread] = (), skipped: Sequence[Skipped] = (),
            open_elsewhere: Sequence[str] = (), lang: str | None = None) -> Portfolio:
    """Compare checked plans. `lang` is the language of the outputs; by default the
    language most plans are written in (the first plan's on a tie)."""
    lists = {key: _axis(definition, key, [p.lists.get(key, ()) for p in plans])
             for key in DIFFERING_LISTS}
    return Portfolio(
        plans=tuple(plans),
        language=lang or majority_language(plans, definition),
        figures=tuple(_figure(key, plans) for key in FIGURES),
        grid=_grid(definition, plans),
        use_cases=tuple(_recurring_use_cases(definition, plans)),
        sources=tuple(_blocking_sources(definition, plans)),
        measures=tuple(_measures(definition, plans)),
        differences=tuple(_differences(definition, plans)),
        unread=tuple(unread),
        skipped=tuple(skipped),
        open_elsewhere=tuple(open_elsewhere),
        lists=lists,
    )


def majority_language(plans: Sequence[PlanSummary], definition: Definition) -> str:
    if not plans:
        return definition.default_language
    counts = Counter(p.language for p in plans)
    best = max(counts.values())
    return next(p.language for p in plans if counts[p.language] == best)


# --- readiness ---------------------------------------------------------------------------


def _figure(key: str, plans: Sequence[PlanSummary]) -> FigureStats:
    values = tuple((p.name, p.readiness if key == "readiness" else p.shares.get(key))
                   for p in plans)
    known = [v for _, v in values if v is not None]
    if not known:
        return FigureStats(key, values)
    low, high = min(known), max(known)
    return FigureStats(
        key, values, lowest=low, median=round(statistics.median(known), 4), highest=high,
        mean=round(statistics.fmean(known), 4),
        lowest_plans=tuple(n for n, v in values if v == low),
        highest_plans=tuple(n for n, v in values if v == high))


# --- the journey grid --------------------------------------------------------------------


def merged(orders: Iterable[Sequence[str]]) -> list[str]:
    """One order holding every key of several orders, in the first order that has them,
    a key only one order has put just before the next key of that order already placed:
    [a b c], [a x c] → [a b x c] (a renamed value next to the one it replaces)."""
    result: list[str] = []
    for order in orders:
        for i, key in enumerate(order):
            if key in result:
                continue
            after = next((k for k in order[i + 1:] if k in result), None)
            result.insert(result.index(after) if after is not None else len(result), key)
    return result


def _axis(definition: Definition, list_key: str, lists: Iterable[Iterable[Scalar]]) -> tuple[Value, ...]:
    first: dict[str, Value] = {}
    orders = []
    for values in lists:
        order = []
        for raw in values:
            value = value_of(definition, list_key, raw)
            if value.none:
                continue
            first.setdefault(value.key, value)
            if value.key not in order:
                order.append(value.key)
        orders.append(order)
    return tuple(first[k] for k in merged(orders))


def _grid(definition: Definition, plans: Sequence[PlanSummary]) -> Grid:
    def keys(plan: PlanSummary, list_key: str, index: int) -> list[Scalar]:
        return [*plan.lists.get(list_key, ()), *(t[index] for t in plan.touchpoints)]

    stages = _axis(definition, "stage", [keys(p, "stage", 0) for p in plans])
    channels = _axis(definition, "channel", [keys(p, "channel", 1) for p in plans])
    held: dict[tuple[str, str], dict[str, list[str]]] = {}
    possible: Counter = Counter()
    for plan in plans:
        plan_stages = {value_of(definition, "stage", v).key for v in keys(plan, "stage", 0)}
        plan_channels = {value_of(definition, "channel", v).key
                         for v in keys(plan, "channel", 1)}
        for s in plan_stages:
            for c in plan_channels:
                possible[(s, c)] += 1
        for stage, channel, status in plan.touchpoints:
            where = (value_of(definition, "stage", stage).key,
                     value_of(definition, "channel", channel).key)
            cell = held.setdefault(where, {"plans": [], "friction": [], "opportunity": []})
            if plan.name not in cell["plans"]:
                cell["plans"].append(plan.name)
            if status in ("friction", "opportunity") and plan.name not in cell[status]:
                cell[status].append(plan.name)
    by_key = {v.key: v for v in (*stages, *channels)}
    stage_of = {v.key: v for v in stages}
    channel_of = {v.key: v for v in channels}
    cells = {
        (s, c): GridCell(stage_of.get(s, by_key.get(s, Value(s))),
                         channel_of.get(c, by_key.get(c, Value(c))),
                         tuple(found["plans"]), possible[(s, c)],
                         tuple(found["friction"]), tuple(found["opportunity"]))
        for (s, c), found in held.items()
    }
    return Grid(stages, channels, cells)


# --- use cases ---------------------------------------------------------------------------


def _recurring_use_cases(definition: Definition,
                         plans: Sequence[PlanSummary]) -> list[RecurringUseCase]:
    groups: dict[tuple[str, str, str, str], dict] = {}
    for plan in plans:
        for u in plan.use_cases:
            title = normalise(u.title)
            if not title:
                continue
            category = value_of(definition, "category", u.category)
            stage = value_of(definition, "stage", u.stage)
            channel = value_of(definition, "channel", u.channel)
            key = (title, category.key, stage.key, channel.key)
            group = groups.setdefault(key, {
                "title": " ".join(str(u.title).split()), "category": category,
                "stage": stage, "channel": channel, "plans": []})
            group["plans"].append(UseCaseInPlan(plan.name, u.id, u.score, u.rank, u.quadrant))
    recurring = [RecurringUseCase(g["title"], g["category"], g["stage"], g["channel"],
                                  tuple(g["plans"]))
                 for g in groups.values()
                 if len({p.plan for p in g["plans"]}) >= 2]
    return sorted(recurring, key=lambda r: (-len(r.plan_names),
                                            -(r.mean_score if r.mean_score is not None else -1),
                                            normalise(r.title)))


# --- data sources ------------------------------------------------------------------------


def _blocking_sources(definition: Definition,
                      plans: Sequence[PlanSummary]) -> list[BlockingSource]:
    groups: dict[str, tuple[Value, list[SourceInPlan]]] = {}
    for plan in plans:
        for line in plan.sources:
            source = value_of(definition, "source", line.source)
            _, found = groups.setdefault(source.key, (source, []))
            found.append(SourceInPlan(plan.name, line.value, line.best_rank, line.variables,
                                      line.scenarios))
    blocking = [BlockingSource(source, tuple(found)) for source, found in groups.values()]
    return sorted(blocking, key=lambda b: (-b.value, -len(b.plans), b.source.key))


# --- measures ----------------------------------------------------------------------------


def _measures(definition: Definition, plans: Sequence[PlanSummary]) -> list[MeasuredTouchpoint]:
    groups: dict[tuple[str, str, str], tuple[tuple[Value, Value, Value], list]] = {}
    for plan in plans:
        for m in plan.measures:
            names = (value_of(definition, "stage", m.stage),
                     value_of(definition, "channel", m.channel),
                     value_of(definition, "indicator", m.indicator))
            if names[0].none or names[2].none:
                continue
            _, found = groups.setdefault(tuple(v.key for v in names), (names, []))
            found.append(MeasureInPlan(plan.name, m.value, m.target, m.rating, m.gap,
                                       m.answers, m.period))
    measured = [MeasuredTouchpoint(*names, tuple(found)) for names, found in groups.values()]
    stages = _axis(definition, "stage", [p.lists.get("stage", ()) for p in plans])
    channels = _axis(definition, "channel", [p.lists.get("channel", ()) for p in plans])
    s_order = {v.key: i for i, v in enumerate(stages)}
    c_order = {v.key: i for i, v in enumerate(channels)}
    return sorted(measured, key=lambda m: (-len(m.plan_names),
                                           s_order.get(m.stage.key, len(s_order)),
                                           c_order.get(m.channel.key, len(c_order)),
                                           m.indicator.key))


# --- how the lists differ ----------------------------------------------------------------


def _differences(definition: Definition, plans: Sequence[PlanSummary]) -> list[ListDifference]:
    if len(plans) < 2:
        return []
    found: list[ListDifference] = []
    for list_key in DIFFERING_LISTS:
        template = definition.lists[list_key].keys
        having: dict[str, list[str]] = {}
        places: dict[str, Counter] = {}
        axis = _axis(definition, list_key, [p.lists.get(list_key, ()) for p in plans])
        for plan in plans:
            values = [value_of(definition, list_key, v) for v in plan.lists.get(list_key, ())]
            keys = {v.key for v in values}
            for index, value in enumerate(values):
                if value.none:
                    continue
                names = having.setdefault(value.key, [])
                if plan.name not in names:
                    names.append(plan.name)
                if value.typed is not None and index < len(template) \
                        and template[index] not in keys:
                    places.setdefault(value.key, Counter())[template[index]] += 1
        everyone = [p.name for p in plans]
        for value in axis:
            present = having.get(value.key, [])
            if len(present) == len(everyone):
                continue
            instead = places.get(value.key)
            found.append(ListDifference(
                list_key, value, tuple(present),
                tuple(n for n in everyone if n not in present),
                Value(instead.most_common(1)[0][0]) if instead else None))
    return found
