"""A score as a responses file gives it ("4", "4,0", "Très satisfait", "9 - Très
probable", "4/5") read on its kind's scale, or the reason it cannot be: empty, outside
the scale, or words on no known scale. Each distinct text is read once, not each row."""

from __future__ import annotations

import re

from ..template.text import normalise
from .vocabulary import SCALES, Vocabulary

EMPTY, OUT_OF_SCALE, UNKNOWN_WORDING = "empty_score", "out_of_scale", "unknown_wording"

_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
# "5 - Très satisfait", "10 – Extremely likely", "3: Neutral", "4) Agree"
_LEADING = re.compile(r"^(\d{1,2})\s*(?:[-–—:.)]\s*|\s+)(?=\D)")
_OUT_OF = re.compile(r"^(\d{1,2})\s*/\s*(\d{1,2})$")


def read_score(raw: object, kind: str, vocabulary: Vocabulary) -> int | str:
    """The score on `kind`'s scale (an int), or a reason: EMPTY, OUT_OF_SCALE,
    UNKNOWN_WORDING. A score must be one of the scale's points: 4.5 on 1 to 5 is out."""
    low, high = SCALES[kind]
    if raw is None or isinstance(raw, bool):
        return EMPTY
    if isinstance(raw, int | float):
        return _on_scale(float(raw), low, high)
    text = str(raw).replace("\u00a0", " ").replace("\u202f", " ").strip()
    if not text:
        return EMPTY
    if _NUMBER.match(text):
        return _on_scale(float(text.replace(",", ".")), low, high)
    out_of = _OUT_OF.match(text)
    if out_of and int(out_of.group(2)) == high:
        return _on_scale(float(out_of.group(1)), low, high)
    leading = _LEADING.match(text)
    if leading:
        return _on_scale(float(leading.group(1)), low, high)
    found = vocabulary.scales.get(kind, {}).get(normalise(text))
    return found if found is not None else UNKNOWN_WORDING


def _on_scale(value: float, low: int, high: int) -> int | str:
    if value != value or not value.is_integer() or not low <= value <= high:
        return OUT_OF_SCALE
    return int(value)
