"""The Measure trends tab read back as series: each measure (touchpoint, indicator, kind
of period) with its periods in order and what the checks judge of it. The checks, the
Dashboard's charts and the HTML report all read the tab through here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..template.text import normalise
from .judge import Fall, Point, fell, max_width, too_few

if TYPE_CHECKING:
    from ..plan.model import Plan, Scalar, Trend
    from ..template.definition import Definition


@dataclass(frozen=True)
class Row:
    index: int  # the record's position on the Measure trends tab
    trend: Trend
    start: dt.date
    point: Point


@dataclass(frozen=True)
class TrendSeries:
    stage: Scalar
    channel: Scalar
    indicator: str
    kind: str
    rows: tuple[Row, ...]
    too_few: bool = False
    fall: Fall | None = None

    @property
    def answered(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.point.answers > 0 and r.point.value is not None)

    @property
    def chartable(self) -> bool:
        """Worth a line: two periods with answers, the latest on enough of them."""
        return len(self.answered) >= 2 and not self.too_few


def trend_series(plan: Plan, definition: Definition) -> list[TrendSeries]:
    """Every measure of the tab, in the tab's order; a row whose period cannot be read, or
    without its stage and channel, is left to the other checks."""
    from ..template.periods import parse

    found: dict[tuple, list[Row]] = defaultdict(list)
    for index, trend in enumerate(getattr(plan, "trends", ()) or ()):
        parsed = parse(trend.period, definition)
        if parsed is None or trend.stage is None or trend.channel is None:
            continue
        key = (normalise(trend.stage), normalise(trend.channel), str(trend.indicator), parsed[0])
        found[key].append(Row(index, trend, parsed[1],
                              Point.of(trend.value, trend.answers, trend.low, trend.high)))
    limit = max_width(plan.settings)
    series = []
    for (_, _, indicator, kind), rows in found.items():
        rows.sort(key=lambda r: r.start)
        answered = [r for r in rows if r.point.answers > 0 and r.point.value is not None]
        latest = answered[-1] if answered else None
        series.append(TrendSeries(
            stage=rows[0].trend.stage, channel=rows[0].trend.channel, indicator=indicator,
            kind=kind, rows=tuple(rows),
            too_few=latest is not None and too_few(indicator, latest.point, limit, definition),
            fall=fell(indicator, answered[-2].point, latest.point) if len(answered) > 1 else None))
    return series
