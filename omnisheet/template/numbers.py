"""Numbers as the spreadsheet sees them: ISNUMBER's idea of a number, ROUND's rounding."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .values import Scalar


def number(value: Scalar) -> float | None:
    """A real number, or None: text and booleans never count as numbers (as in ISNUMBER)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if math.isnan(value) or math.isinf(value):
        return None
    return float(value)


def round_half_away(value: float, places: int = 4) -> float:
    """Excel's ROUND: halves go away from zero (Python's round goes to even)."""
    factor = 10**places
    return math.copysign(math.floor(abs(value) * factor + 0.5) / factor, value)


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def as_number(value: Scalar) -> Scalar:
    """Numbers typed as text ("4", "4,0", " 3.5 ", "−12" with the minus sign a French
    output writes) become numbers; anything else stays as typed."""
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace("\u2212", "-")
        if _NUMBER.match(text):
            number = float(text.replace(",", "."))
            return int(number) if number.is_integer() else number
    return value
