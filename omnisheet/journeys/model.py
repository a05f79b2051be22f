"""What the events say, as aggregates only: no customer key is ever held here. A figure
drawn from fewer customers than the plan's privacy threshold is None, with
`suppressed` set, so every output shows it the same way ("< 10")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceFile:
    name: str
    layout: str  # ga4, email, pos, crm, events, identities
    events: int = 0
    keyless: int = 0


@dataclass(frozen=True)
class Traffic:
    """Customers at a stage × channel in a period, and their share of the stage's."""

    period: dt.date
    stage: Any
    channel: Any
    customers: int | None
    events: int | None
    share: float | None  # 0–100
    suppressed: bool = False


@dataclass(frozen=True)
class StageFigures:
    period: dt.date
    stage: Any
    customers: int | None
    several: int | None  # customers on two channels or more at this stage
    suppressed: bool = False

    @property
    def omnichannel_rate(self) -> float | None:
        if self.customers and self.several is not None:
            return 100 * self.several / self.customers
        return None


@dataclass(frozen=True)
class Delay:
    customers: int
    events: int
    p50_hours: float
    p90_hours: float


@dataclass(frozen=True)
class Switch:
    """Customers going from one step of their journey (stage × channel) to the next."""

    period: dt.date
    from_stage: Any
    from_channel: Any
    to_stage: Any
    to_channel: Any
    customers: int
    events: int
    share_from: float | None  # of the customers leaving the first touchpoint for another
    share_to: float | None  # of the customers at the second touchpoint
    p50_hours: float
    p90_hours: float
    weekdays: dict[int, Delay] = field(default_factory=dict)  # ISO weekday, 1 = Monday


@dataclass(frozen=True)
class PromiseCheck:
    """A promise of the plan against the steps that match it."""

    row: int | None
    index: int
    from_stage: Any
    to_stage: Any
    to_channel: Any
    hours: float
    switches: tuple[Switch, ...]


@dataclass(frozen=True)
class DropOff:
    """Customers whose first arrival at a stage was on this channel, and how many reached
    no later stage within the window (those whose window ends after the data are left out)."""

    period: dt.date
    stage: Any
    channel: Any
    reached: int | None
    went_on: int | None
    suppressed: bool = False

    @property
    def dropped(self) -> int | None:
        return None if self.reached is None or self.went_on is None else self.reached - self.went_on

    @property
    def share(self) -> float | None:
        return 100 * self.dropped / self.reached if self.reached and self.dropped is not None \
            else None


@dataclass(frozen=True)
class Unplaced:
    source: str
    event: str | None
    events: int


@dataclass(frozen=True)
class Journeys:
    """Everything `omnisheet journeys` found, aggregates only."""

    period: str
    threshold: int
    share_threshold: float
    window_days: float
    dropoff_threshold: float
    sources: tuple[SourceFile, ...]
    events: int
    customers: int
    known_events: int
    known_customers: int
    placed_events: int
    first: dt.datetime | None
    last: dt.datetime | None
    identity_keys: int
    identity_customers: int
    identity_conflicts: int
    periods: tuple[dt.date, ...]
    traffic: tuple[Traffic, ...]
    stages: tuple[StageFigures, ...]
    switches: tuple[Switch, ...]
    promises: tuple[PromiseCheck, ...]
    dropoffs: tuple[DropOff, ...]
    unplaced: tuple[Unplaced, ...]
    suppressed: int
    plan: Any = field(default=None, compare=False)

    @property
    def latest(self) -> dt.date | None:
        return self.periods[-1] if self.periods else None

    def traffic_in(self, period: dt.date | None = None) -> list[Traffic]:
        period = period or self.latest
        return [t for t in self.traffic if t.period == period]

    def switches_in(self, period: dt.date | None = None) -> list[Switch]:
        period = period or self.latest
        return [s for s in self.switches if s.period == period]

    def dropoffs_in(self, period: dt.date | None = None) -> list[DropOff]:
        """Per stage × channel of first arrival; each stage's own figure (every channel)
        has the channel None."""
        period = period or self.latest
        return [d for d in self.dropoffs if d.period == period]

    def stages_in(self, period: dt.date | None = None) -> list[StageFigures]:
        period = period or self.latest
        return [s for s in self.stages if s.period == period]
