"""Numbers as the spreadsheet sees them: ISNUMBER's idea of a number, ROUND's rounding."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Scalar


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
