"""Where things sit in a matrix tab, shared by the writer and the checks so that a finding
on a plan built in code points at the cell the writer will use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Scalar


def axis(listed: Sequence[Scalar], used: Iterable[Scalar]) -> list[Scalar]:
    """A matrix axis: the list's values, then values used in the matrix but not listed."""
    values = list(listed)
    return values + [v for v in dict.fromkeys(used) if v not in values]
