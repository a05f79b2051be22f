"""The values a cell holds once read (`Scalar`), and the order of values along a map's
axis: the lowest layer's types, so that numbers, delays and the plan model all take them
from below, never from the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

Scalar = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


def portable(value: Scalar) -> str | int | float | bool | None:
    """A cell's value as JSON holds it: dates and datetimes in ISO form, a time as 18:30
    (18:30:15 with seconds), a duration as hours and minutes (30:00); the rest as it is.
    The diff compares values in this form too, so that a plan exported and imported back
    shows no change."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}" + (f":{value.second:02d}"
                                                         if value.second else "")
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        hours, rest = divmod(seconds, 3600)
        return f"{sign}{hours}:{rest // 60:02d}" + (f":{rest % 60:02d}" if rest % 60 else "")
    return value


def json_value(value: object) -> str | int | float | bool | None:
    """Any value a finding or a record holds, as the JSON outputs write it: a cell's value
    in its portable form, anything else (a list value's wrapper, a path) as its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return portable(value)
    return str(value)


def axis(listed: Sequence[Scalar], used: Iterable[Scalar]) -> list[Scalar]:
    """A matrix axis: the list's values, then values used in the matrix but not listed."""
    values = list(listed)
    return values + [v for v in dict.fromkeys(used) if v not in values]
