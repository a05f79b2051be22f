"""Numbers as the spreadsheet sees them: ISNUMBER's idea of a number, ROUND's rounding."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .values import Scalar


LARGEST = 1e15
"""Beyond this no figure of a plan makes sense (a spreadsheet keeps 15 significant
digits): such a number, NaN or an infinity (LibreOffice and imported JSON can hold them)
is no number, so the checks say `bad-number` at its cell and no sum, weight or rounding
meets it (1e308 doubled is infinity, and rounding infinity raises)."""


def number(value: Scalar) -> float | None:
    """A real number, or None: text and booleans never count as numbers (as in ISNUMBER),
    nor NaN, the infinities and anything beyond ±LARGEST."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or abs(value) > LARGEST:
        return None
    return float(value)


def sane(value: object) -> bool:
    """False for a float or int that `number` would refuse: what no writer or
    formatter should be handed as a number."""
    return not isinstance(value, int | float) or isinstance(value, bool) or \
        number(value) is not None


def round_half_away(value: float, places: int = 4) -> float:
    """Excel's ROUND: halves go away from zero (Python's round goes to even)."""
    factor = 10**places
    scaled = abs(value) * factor + 0.5
    if not math.isfinite(scaled):  # NaN, an infinity, or past 1e306: nothing to round
        return value
    return math.copysign(math.floor(scaled) / factor, value)


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_PERCENT = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)\s*%$")
_SPACES = str.maketrans("", "", "\u00a0\u202f\u2009")


def as_number(value: Scalar) -> Scalar:
    """Numbers typed as text ("4", "4,0", " 3.5 ", "−12" with the minus sign a French
    output writes) become numbers, and a percentage typed as text ("45%", "45,5 %") its
    fraction, as a spreadsheet stores 45 % (0.45); anything else stays as typed."""
    if isinstance(value, str):
        text = value.strip().translate(_SPACES).replace("\u2212", "-")
        if _NUMBER.match(text):
            return _whole(float(text.replace(",", ".")))
        percent = _PERCENT.match(text)
        if percent:
            return _whole(round(float(percent.group(1).replace(",", ".")) / 100, 12))
    return value


def _whole(number: float) -> int | float:
    return int(number) if number.is_integer() else number


_HOUR = re.compile(r"^(\d{1,2})\s*(?:[:h]\s*(\d{2})?(?:\s*:\s*(\d{2}))?|\s*heures?)$",
                   re.IGNORECASE)


def as_hour(value: Scalar | dt.time | dt.timedelta) -> Scalar:
    """An hour of the day as a number of hours, as people type it: 18, a time the
    spreadsheet stores (18:00 is 0.75 of a day), a duration, "18:30", "18h", "18 h 30";
    anything else stays as typed (the checks say it is not an hour)."""
    if isinstance(value, dt.datetime):
        value = value.time() if value.date() <= dt.date(1900, 1, 1) else value
    if isinstance(value, dt.time):
        return _whole(round(value.hour + value.minute / 60 + value.second / 3600, 6))
    if isinstance(value, dt.timedelta):
        return _whole(round(value.total_seconds() / 3600, 6))
    if isinstance(value, str):
        found = _HOUR.match(value.strip().translate(_SPACES).replace("\u2009", ""))
        if found:
            hour, minute = int(found.group(1)), int(found.group(2) or 0)
            if minute < 60:
                return _whole(round(hour + minute / 60, 6))
    return as_number(value)
