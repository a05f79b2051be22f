"""The values a cell holds once read (`Scalar`), and the order of values along a map's
axis: the lowest layer's types, so that numbers, delays and the plan model all take them
from below, never from the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

Scalar = str | int | float | bool | dt.date | dt.datetime | None


def axis(listed: Sequence[Scalar], used: Iterable[Scalar]) -> list[Scalar]:
    """A matrix axis: the list's values, then values used in the matrix but not listed."""
    values = list(listed)
    return values + [v for v in dict.fromkeys(used) if v not in values]
