"""Message delays as people write them: J+5, D+5, j5, "5 jours", H+2, S+1, 0."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .values import Scalar

_HOURS = {"h": 1, "j": 24, "d": 24, "s": 168, "w": 168, "m": 720, "min": 1 / 60}
_UNIT_WORDS = {
    "heure": "h", "heures": "h", "hour": "h", "hours": "h", "hr": "h", "hrs": "h",
    "jour": "j", "jours": "j", "day": "d", "days": "d", "jr": "j", "jrs": "j",
    "semaine": "s", "semaines": "s", "sem": "s", "week": "w", "weeks": "w", "wk": "w",
    "mois": "m", "month": "m", "months": "m", "minute": "min", "minutes": "min", "mn": "min",
}
_PREFIXED = re.compile(r"^(?P<unit>min|[hjdswm])\s*(?P<sign>[+-])?\s*(?P<n>\d+(?:[.,]\d+)?)$")
_SUFFIXED = re.compile(r"^(?P<sign>[+-])?\s*(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>[a-z]+)?$")


def delay_hours(value: Scalar) -> float | None:
    """Hours after the trigger (negative before it), or None when the delay cannot be read.

    A bare number counts in days, as "J+5" does.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) * 24
    return _text_hours(str(value))


@lru_cache(maxsize=4096)
def _text_hours(value: str) -> float | None:
    """A delay written as text, read once: a plan repeats the same few delays thousands of
    times, and the checks and the pressure model each read them."""
    text = value.strip().casefold().replace(" ", "")
    text = text.replace("\u2212", "-")
    match = _PREFIXED.match(text)
    if match is None:
        match = _SUFFIXED.match(text)
        if match is None:
            return None
    unit = match.group("unit") or "j"
    unit = _UNIT_WORDS.get(unit, unit)
    if unit not in _HOURS:
        return None
    number = float(match.group("n").replace(",", "."))
    sign = -1 if match.group("sign") == "-" else 1
    return sign * number * _HOURS[unit]


def in_hours(value: Scalar) -> bool:
    """Whether a delay is written in hours or minutes (H+2, 30 min, H+0), rather than in
    days or weeks: a delay in days goes out at the trigger's hour."""
    if value is None or isinstance(value, bool | int | float):
        return False
    return _text_in_hours(str(value))


@lru_cache(maxsize=4096)
def _text_in_hours(value: str) -> bool:
    if _text_hours(value) is None:
        return False
    text = value.strip().casefold().replace(" ", "").replace("\u2212", "-")
    match = _PREFIXED.match(text) or _SUFFIXED.match(text)
    unit = _UNIT_WORDS.get(match.group("unit") or "j", match.group("unit") or "j")
    return unit in ("h", "min")
