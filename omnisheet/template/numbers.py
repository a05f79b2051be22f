"""Numbers as the spreadsheet sees them: ISNUMBER's idea of a number, ROUND's rounding."""

from __future__ import annotations

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


def as_number(value: Scalar) -> Scalar:
    """Numbers typed as text ("4", "4,0", " 3.5 ", "−12" with the minus sign a French
    output writes) become numbers; anything else stays as typed."""
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace("\u2212", "-")
        if _NUMBER.match(text):
            number = float(text.replace(",", "."))
            return int(number) if number.is_integer() else number
    return value
