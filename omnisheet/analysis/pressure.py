"""Contact pressure: how many messages one customer of each target would receive on each
channel, in every rolling period of its cap, if every scenario that can run at the same
time for them did. Pure: a Plan in, figures out; the checks, the Pressure tab and the HTML
report read the same figures.

The model, simple enough to redo by hand on a small plan:

- A target's scenarios are those on its row of the scenario map, plus those on the All
  contacts row, which reach every customer. Service (transactional) scenarios are not
  counted, nor scenarios the specs do not describe.
- Scenarios run together when their relationship stages overlap: the same stage, or
  neighbours in the list, up to `stage_overlap` places apart (1: a stage and the next).
  So a target has one timeline per run of overlapping stages.
- Their triggers must be able to coincide: behaviour and event triggers can (a birthday is
  an event); two date triggers (a date of the calendar, the same for everyone) only when
  they are the same date, said the same way. A timeline holds at most one date.
- Worst case, every scenario of a timeline starts on day 0, its trigger; each message goes
  out at its delay (J+5 on day 5, H+2 two hours in, J-7 a week before).
- Per channel with a cap (N messages within D days), the count of every rolling period of
  D days that starts at a message; over N, the cap is exceeded. Scenarios of the All
  contacts row alone are said once, on that row, not again on every target.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..template.delays import delay_hours
from ..template.numbers import number
from ..template.text import normalise

if TYPE_CHECKING:
    from ..plan.model import Plan, Scalar
    from ..template.definition import Definition

ALL_CONTACTS = "all_contacts"
HOURS_PER_DAY = 24
DAYS_PER_WEEK = 7
DEFAULT_WINDOW_DAYS = 7
# The key/value settings the model reads, and what makes one usable (a reason key of
# words.check_phrases.setting_<reason>).
SETTINGS = {"min_gap_hours": "gap", "night_start": "hour", "night_end": "hour",
            "stage_overlap": "overlap"}


def setting_problems(settings: Mapping[str, Scalar]) -> dict[str, str]:
    """Which pressure settings cannot be used (key → reason), like scoring's."""
    problems = {}
    for key, reason in SETTINGS.items():
        n = number(settings.get(key))
        if (n is None or n < 0 or (reason == "hour" and n >= 24)
                or (reason == "overlap" and not n.is_integer())):
            problems[key] = reason
    return problems


@dataclass(frozen=True)
class Rules:
    """The settings the model uses, each the team's or, unusable, the template's."""

    min_gap_hours: float
    night_start: float
    night_end: float
    stage_overlap: int

    def at_night(self, hour: float) -> bool:
        hour %= 24
        start, end = self.night_start, self.night_end
        if start == end:
            return False
        return start <= hour or hour < end if start > end else start <= hour < end


def rules(plan: Plan, definition: Definition) -> Rules:
    settings = {s.key: s.default for s in definition.settings if s.key in SETTINGS}
    given = {k: v for k, v in plan.settings.items() if k in SETTINGS}
    problems = setting_problems({**settings, **given})
    chosen = {k: number(settings[k] if k in problems or k not in given else given[k])
              for k in SETTINGS}
    return Rules(chosen["min_gap_hours"], chosen["night_start"], chosen["night_end"],
                 int(chosen["stage_overlap"]))


@dataclass(frozen=True)
class Cap:
    """At most `most` messages within `days` days on one channel (as the plan holds it)."""

    channel: Scalar
    most: int
    days: float

    @property
    def hours(self) -> float:
        return self.days * HOURS_PER_DAY


@lru_cache(maxsize=4096)  # every message of a big plan asks
def channel_key(definition: Definition, channel: Scalar) -> str:
    """A channel as compared: its list key when the template knows it, in any spelling."""
    return normalise(definition.list("channel").match(channel) or channel)


def caps(plan: Plan, definition: Definition) -> dict[str, Cap]:
    """The caps of the Settings tab, by channel key; a row with no usable cap is none."""
    from ..plan.setting_tables import rows, values

    found = values(plan, definition, "contact_caps")
    out = {}
    for row in rows(plan, definition, "contact_caps"):
        key = channel_key(definition, row.value)
        numbers = found.get(key, {})
        if key not in out and "cap" in numbers:
            out[key] = Cap(row.value, int(numbers["cap"]),
                           numbers.get("window_days", DEFAULT_WINDOW_DAYS))
    return out


@dataclass(frozen=True)
class Sent:
    """A message on a timeline: `hours` after day 0, from `scenario` (its ID as the specs
    write it), `index` its place on the Messages tab."""

    hours: float
    channel: Scalar
    scenario: Scalar
    delay: Scalar
    index: int

    @property
    def day(self) -> int:
        return math.floor(self.hours / HOURS_PER_DAY)


@dataclass(frozen=True)
class Timeline:
    """Scenarios one customer of `target` may be in at once, all triggered on day 0."""

    target: Scalar
    stages: tuple[Scalar, ...]
    scenarios: tuple[str, ...]  # id keys, in map order
    own: frozenset[str]  # those on the target's own row (not only All contacts)
    date: str | None = None


@dataclass(frozen=True)
class Peak:
    """The busiest rolling period of one channel for one target."""

    target: Scalar
    cap: Cap
    count: int
    start: float  # hours
    timeline: Timeline
    sent: tuple[Sent, ...]  # the messages within it, in time order

    @property
    def over(self) -> bool:
        return self.count > self.cap.most

    @property
    def ratio(self) -> float:
        if self.cap.most == 0:
            return math.inf if self.count else 0.0
        return self.count / self.cap.most

    @property
    def first_over(self) -> Sent | None:
        """The message that takes the period over its cap."""
        return self.sent[self.cap.most] if self.over else None


@dataclass(frozen=True)
class Week:
    """One week of one channel for one target: messages sent, and how the busiest period
    starting at one of them compares with the cap: over, at, under."""

    count: int
    level: str


@dataclass
class Pressure:
    """Everything the checks and the views need, computed once per plan."""

    plan: Plan
    definition: Definition
    rules: Rules
    caps: dict[str, Cap]
    targets: list[Scalar] = field(default_factory=list)
    timelines: dict[Scalar, list[Timeline]] = field(default_factory=dict)
    peaks: dict[tuple[Scalar, str], Peak] = field(default_factory=dict)
    uncapped: dict[str, Scalar] = field(default_factory=dict)  # channel key → as held
    _messages: dict[str, list[tuple[float, str, int]]] = field(default_factory=dict)
    _ids: dict[str, Scalar] = field(default_factory=dict)

    @property
    def over(self) -> list[Peak]:
        """The peaks over their cap, by target then channel, in the lists' order."""
        return [p for p in self.peaks.values() if p.over]

    def worst(self) -> Peak | None:
        """The peak furthest over (or nearest to) its cap: the target the views detail."""
        return max(self.peaks.values(), key=lambda p: (p.ratio, p.count), default=None)

    def sent(self, timeline: Timeline, channels: Iterable[str] | None = None) -> list[Sent]:
        """A timeline's messages in time order (then as listed), on `channels` or all."""
        wanted = set(channels) if channels is not None else None
        out = []
        for scenario in timeline.scenarios:
            for hours, channel, index in self._messages.get(scenario, ()):
                if wanted is None or channel in wanted:
                    message = self.plan.messages[index]
                    out.append(Sent(hours, message.channel, self._ids[scenario],
                                    message.delay, index))
        return sorted(out, key=lambda s: (s.hours, s.index))

    def weeks(self, target: Scalar, channel: str) -> dict[int, Week]:
        """Week number (0: days 0 to 6; -1 the week before the trigger) → its figures, on
        the timeline of the target's peak on that channel."""
        peak = self.peaks.get((target, channel))
        if peak is None:
            return {}
        times = sorted(s.hours for s in self.sent(peak.timeline, [channel]))
        weeks: dict[int, Week] = {}
        for i, start in enumerate(times):
            week = math.floor(start / (HOURS_PER_DAY * DAYS_PER_WEEK))
            busiest = bisect_left(times, start + peak.cap.hours) - i
            level = ("over" if busiest > peak.cap.most else
                     "at" if busiest == peak.cap.most else "under")
            before = weeks.get(week)
            rank = {"under": 0, "at": 1, "over": 2}
            if before is None:
                weeks[week] = Week(1, level)
            else:
                weeks[week] = Week(before.count + 1, max(before.level, level, key=rank.get))
        return weeks


@dataclass(frozen=True)
class Grid:
    """One capped channel's target × week grid, as the Pressure tab and the HTML report
    show it: `weeks` in order, then, past `MAX_WEEKS`, one column for the weeks after."""

    channel: str
    cap: Cap
    weeks: tuple[int, ...]
    later: bool
    rows: tuple[tuple[Scalar, tuple[Week | None, ...], Week | None], ...]


MAX_WEEKS = 12
_RANK = {"under": 0, "at": 1, "over": 2}


def grids(found: Pressure) -> list[Grid]:
    """A grid per capped channel some target receives messages on, in the caps' order."""
    out = []
    for channel, cap in found.caps.items():
        by_target = {t: found.weeks(t, channel) for t in found.targets
                     if (t, channel) in found.peaks}
        used = sorted({w for weeks in by_target.values() for w in weeks})
        if not used:
            continue
        shown = tuple(range(used[0], min(used[-1], used[0] + MAX_WEEKS - 1) + 1))
        later = used[-1] > shown[-1]
        rows = []
        for target, weeks in by_target.items():
            after = [w for k, w in weeks.items() if k > shown[-1]]
            rest = (Week(sum(w.count for w in after), max((w.level for w in after),
                                                          key=_RANK.get))
                    if after else None)
            rows.append((target, tuple(weeks.get(k) for k in shown), rest))
        out.append(Grid(channel, cap, shown, later, tuple(rows)))
    return out


def worst_timeline(found: Pressure) -> tuple[Peak, list[tuple[Sent, bool]]] | None:
    """The most solicited target's timeline: its worst peak, and every message of that
    peak's timeline in time order, marked when it is within the peak's period over the
    cap."""
    peak = found.worst()
    if peak is None:
        return None
    inside = {s.index for s in peak.sent} if peak.over else set()
    return peak, [(s, s.index in inside) for s in found.sent(peak.timeline)]


def pressure(plan: Plan, definition: Definition) -> Pressure:
    """The plan's pressure: made once by the report (Report.pressure), which the checks,
    the tab and the HTML report read."""
    from ..template.values import axis

    found = Pressure(plan, definition, rules(plan, definition), caps(plan, definition))
    if not plan.placements:
        return found
    scenarios = {}
    for scenario in plan.scenarios:
        if scenario.id is not None and scenario.purpose != "service":
            scenarios.setdefault(_id(scenario.id), scenario)
    found._ids = {key: s.id for key, s in scenarios.items()}
    messages: dict[str, list[tuple[float, str, int]]] = defaultdict(list)
    for index, message in enumerate(plan.messages):
        key = _id(message.scenario) if message.scenario is not None else None
        hours = delay_hours(message.delay)
        if key in scenarios and hours is not None and message.channel is not None:
            messages[key].append((hours, channel_key(definition, message.channel), index))
    found._messages = messages
    stages = axis(plan.lists.get("relationship_stage", ()),
                  (p.relationship_stage for p in plan.placements))
    place = {stage: i for i, stage in enumerate(stages)}
    targets = axis(plan.lists.get("target", ()), (p.target for p in plan.placements))
    rows: dict[Scalar, list[tuple[int, str]]] = defaultdict(list)
    for placement in plan.placements:
        for ident in placement.scenarios:
            if _id(ident) in messages:
                rows[placement.target].append((place[placement.relationship_stage], _id(ident)))
    found.targets = [t for t in targets if rows.get(t)]
    placed = {ident for cells in rows.values() for _, ident in cells}
    counted = {channel for key in placed for _, channel, _ in messages[key]}
    for key in sorted(counted):
        if key not in found.caps:
            held = _held(plan, definition, key)
            if held is not None:
                found.uncapped[key] = held
    for target in found.targets:
        best: dict[str, tuple[int, float, Timeline]] = {}
        found.timelines[target] = []
        # Counts shared by a run's dates, by identity; each kept here with its result, so
        # that a date's own counts, dropped after its timeline, never lend their id to the
        # next date's and its busiest hour (the tab differed from one run to the next).
        done: dict[int, tuple[Counter, tuple[int, float] | None]] = {}
        for timeline, counts in _timelines(target, rows, stages, found.rules, scenarios,
                                           messages, set(found.caps)):
            found.timelines[target].append(timeline)
            for channel, (total, mine) in counts.items():
                if id(total) not in done:
                    done[id(total)] = (total, _busiest(total, mine, found.caps[channel].hours))
                busiest = done[id(total)][1]
                if busiest is not None and (channel not in best
                                            or busiest[0] > best[channel][0]):
                    best[channel] = (*busiest, timeline)
        for channel in found.caps:
            if channel in best:
                count, start, timeline = best[channel]
                window = found.caps[channel].hours
                sent = tuple(s for s in found.sent(timeline, [channel])
                             if start <= s.hours < start + window)
                found.peaks[(target, channel)] = Peak(target, found.caps[channel], count,
                                                      start, timeline, sent)
    return found


def _id(value: Scalar) -> str:
    return str(value).strip().casefold()


def _held(plan: Plan, definition: Definition, key: str) -> Scalar:
    """A channel key as the plan's list holds it (the team's spelling for their own), None
    for a channel not in the list (said by value-not-in-list)."""
    return next((c for c in plan.channels if channel_key(definition, c) == key), None)


Counts = dict[str, tuple[Counter, Counter]]  # channel → (all, the target's own) by hours


def _timelines(target: Scalar, rows: Mapping[Scalar, list[tuple[int, str]]],
               stages: list[Scalar], rules: Rules, scenarios: Mapping,
               messages: Mapping[str, list[tuple[float, str, int]]], capped: set[str]
               ) -> Iterator[tuple[Timeline, Counts]]:
    """The target's timelines, per run of overlapping stages and per date, each with its
    messages counted by channel and hour (a run's scenarios that any day may trigger are
    counted once for all its dates)."""
    own = rows.get(target, [])
    shared = rows.get(ALL_CONTACTS, []) if target != ALL_CONTACTS else []
    cells = own + shared
    own_ids = frozenset(ident for _, ident in own)
    everyone = target == ALL_CONTACTS
    seen: set[frozenset[str]] = set()
    for start in sorted({stage for stage, _ in cells}):
        span = range(start, start + rules.stage_overlap + 1)
        ids = list(dict.fromkeys(ident for stage, ident in cells if stage in span))
        dated: dict[str, list[str]] = defaultdict(list)
        anytime = []
        for ident in ids:
            scenario = scenarios[ident]
            if scenario.trigger_type == "date" and scenario.trigger is not None:
                dated[normalise(scenario.trigger)].append(ident)
            else:
                anytime.append(ident)
        base = _count(anytime, messages, capped, own_ids, everyone)
        shown = tuple(stages[i] for i in sorted({st for st, _ in cells if st in span}))
        for date, group in (dated.items() if dated else [(None, [])]):
            members = frozenset(anytime + group)
            if members in seen or not members & own_ids:
                continue
            seen.add(members)
            # The run's counts, shared; a channel the date's scenarios add to, anew.
            counts = dict(base)
            for channel, (total, mine) in _count(group, messages, capped, own_ids,
                                                 everyone).items():
                before = base.get(channel, (Counter(), Counter()))
                counts[channel] = (before[0] + total, before[1] + mine)
            yield (Timeline(target, shown, tuple(i for i in ids if i in members), own_ids,
                            date), counts)


def _count(ids: Iterable[str], messages: Mapping[str, list[tuple[float, str, int]]],
           capped: set[str], own: frozenset[str], everyone: bool) -> Counts:
    counts: Counts = {}
    for ident in ids:
        mine = everyone or ident in own
        for hours, channel, _ in messages[ident]:
            if channel in capped:
                pair = counts.get(channel)
                if pair is None:
                    pair = counts[channel] = (Counter(), Counter())
                pair[0][hours] += 1
                if mine:
                    pair[1][hours] += 1
    return counts


def _busiest(total: Counter, mine: Counter, window: float) -> tuple[int, float] | None:
    """The most messages within `window` hours of a period starting at a message (the
    earliest such period), among periods holding one of the target's own messages."""
    times = sorted(total)
    best: tuple[int, float] | None = None
    j, inside, own_inside = 0, 0, 0
    for start in times:
        while j < len(times) and times[j] < start + window:
            inside += total[times[j]]
            own_inside += mine[times[j]]
            j += 1
        if own_inside and (best is None or inside > best[0]):
            best = (inside, start)
        inside -= total[start]
        own_inside -= mine[start]
    return best
