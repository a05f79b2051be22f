"""What `omnisheet feedback` found in the responses, as plain data: every measure per
touchpoint, indicator and period with its interval, and every row set aside, by reason.
Every output (text, JSON, the plan's tabs, a pandas frame) renders from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .judge import Fall, Point

if TYPE_CHECKING:
    from ..plan.model import Scalar

#: Why a row is set aside, in the order a row is judged (one reason per row).
REASONS = ("malformed_line", "empty_date", "unparseable_date", "unknown_survey",
           "unknown_stage", "unknown_channel", "unknown_indicator", "empty_score",
           "out_of_scale", "unknown_wording")


@dataclass(frozen=True)
class Verbatim:
    """What a customer wrote, with the score and the moment it came with."""

    text: str
    score: int
    at: dt.datetime


@dataclass(frozen=True)
class Period:
    """One period of one measure."""

    start: dt.date
    point: Point
    verbatim: Verbatim | None = None


@dataclass(frozen=True)
class Series:
    """A measure of a touchpoint (the plan's stage and channel) over every period.
    `headline`: the indicator the survey is said to measure (CSAT answers give two)."""

    stage: Scalar
    channel: Scalar
    indicator: str
    periods: tuple[Period, ...]
    headline: bool = True
    too_few: bool = False
    fall: Fall | None = None

    @property
    def answered(self) -> tuple[Period, ...]:
        return tuple(p for p in self.periods if p.point.answers > 0)

    @property
    def latest(self) -> Period | None:
        answered = self.answered
        return answered[-1] if answered else None

    @property
    def previous(self) -> Period | None:
        answered = self.answered
        return answered[-2] if len(answered) > 1 else None


@dataclass(frozen=True)
class Example:
    value: str | None
    file: str
    count: int


@dataclass(frozen=True)
class Rejection:
    reason: str
    count: int
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class FileRead:
    """A responses file as it was read."""

    path: str
    format: str
    rows: int
    columns: dict[str, str]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    day_first_assumed: bool = False


@dataclass(frozen=True)
class Feedback:
    period: str
    periods: tuple[dt.date, ...]
    series: tuple[Series, ...]
    rejected: tuple[Rejection, ...]
    files: tuple[FileRead, ...]
    rows: int
    used: int
    limit: float = 20.0
    # The plan the responses were matched to (read from its file, when a path was given).
    plan: Any = field(default=None, compare=False, repr=False)

    @property
    def rejected_count(self) -> int:
        return sum(r.count for r in self.rejected)

    @property
    def latest(self) -> dt.date | None:
        return self.periods[-1] if self.periods else None

    def to_frame(self) -> Any:
        """One row per touchpoint, indicator and period (pandas is imported only here)."""
        import pandas as pd

        return pd.DataFrame([
            {"stage": s.stage, "channel": s.channel, "indicator": s.indicator,
             "period": p.start, "value": p.point.value, "answers": p.point.answers,
             "low": p.point.low, "high": p.point.high}
            for s in self.series for p in s.periods])
