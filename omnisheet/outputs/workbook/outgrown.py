"""Which of the team's maps their lists outgrew, and where the new slots go: one answer for
the .xlsx package (package/slots.py) and the .ods (ods/slots.py), which differ only in how
they read and write the cells. A slot is made like the last one the team has; its live
header is the last one's formula with the list's next place."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

# openpyxl.utils is imported by the functions that use it, when a map outgrew its slots:
# importing openpyxl took 0.2 s of every check -o.
from ...plan.layout import MapGrid, list_slots
from ...template.values import Scalar

if TYPE_CHECKING:
    from ...plan.model import Plan
    from ...template.definition import Definition

# A cell reference outside quotes ("text", 'sheet name'): A1, $B$2, Y3 in ODF's [.$Y3].
_QUOTED_OR_REF = re.compile(r""""(?:[^"]|"")*"|'(?:[^']|'')*'|"""
                            r"(?<![A-Za-z0-9_])(\$?)([A-Z]{1,3})(\$?)([0-9]+)(?![0-9A-Za-z_(])")
_INDEX = re.compile(r"INDEX\((list_\w+)\s*([,;])\s*([0-9]+)\)")


@dataclass(frozen=True)
class Outgrown:
    """A map whose list holds more entries than the template drew slots for."""

    sheet: str
    read: MapGrid
    across: tuple[Scalar, ...]  # the lists' values by place (see `list_slots`)
    down: tuple[Scalar, ...]


@dataclass(frozen=True)
class Growth:
    """Where a map's new slots go, 1-based: rows under the last drawn one, slots of
    `step` columns right of the last drawn one."""

    top: int  # the row of the column headers
    first_row: int  # the first data row
    last_row: int  # the last drawn row
    last_col: int  # the first column of the last drawn slot
    right: int  # its last column
    drawn_down: int
    drawn_across: int
    new_rows: list[int]
    new_cols: list[int]  # each new slot's first column

    @property
    def offsets(self) -> list[int]:
        """How far right of the last drawn slot each new one is."""
        return [c - self.last_col for c in self.new_cols]

    @property
    def bottom(self) -> int:
        return self.new_rows[-1] if self.new_rows else self.last_row

    def width(self, step: int) -> int:
        return self.right + step * len(self.new_cols)


def outgrown_maps(plan: Plan, definition: Definition) -> list[Outgrown]:
    """The maps of `plan` read from its file whose lists have more entries than the
    template's room and the slots the team had (no need to read a sheet otherwise)."""
    found = []
    for tab in definition.tabs:
        if tab.across is None or tab.down is None:
            continue
        read = plan.maps.get(tab.key)
        sheet = plan.sheet(tab.key)
        if read is None or not sheet or not read.down or not read.across:
            continue
        across = list_slots(plan, tab.across.list, definition)
        down = list_slots(plan, tab.down.list, definition)
        if len(across) <= max(len(read.across), tab.across.slots) and \
                len(down) <= max(len(read.down), tab.down.slots):
            continue
        found.append(Outgrown(sheet, read, across, down))
    return found


def growth(grown: Outgrown, has_header: Callable[[int, int], bool],
           taken_right: Callable[[int, int], bool], taken_row: Callable[[int], bool]
           ) -> Growth | None:
    """Where the new slots go, or None when none is wanted or there is no room.

    `has_header(row, column)`: a header (value or formula) there, which tells the slots
    drawn; `taken_right(row, column)`: something of the team's right of `column` on that
    row of the map; `taken_row(row)`: something of the team's on that row (1-based)."""
    read = grown.read
    top = read.top + 1
    drawn_down = _run(lambda i: has_header(read.data_row(i) + 1, read.left + 1))
    drawn_across = _run(lambda i: has_header(top, read.slot_column(i) + 1))
    more_down, more_across = len(grown.down) - drawn_down, len(grown.across) - drawn_across
    if not drawn_down or not drawn_across or (more_down <= 0 and more_across <= 0):
        return None
    last_row = read.data_row(drawn_down - 1) + 1
    last_col = read.slot_column(drawn_across - 1) + 1
    right = last_col + read.step - 1
    new_cols = [read.slot_column(drawn_across + j) + 1 for j in range(max(more_across, 0))]
    new_rows = list(range(last_row + 1, last_row + 1 + max(more_down, 0)))
    if any(taken_right(n, right) for n in range(top, last_row + 1)):
        new_cols = []
    if any(taken_row(n) for n in new_rows):
        new_rows = []
    if not new_cols and not new_rows:
        return None
    return Growth(top, read.data_row(0) + 1, last_row, last_col, right, drawn_down,
                  drawn_across, new_rows, new_cols)


def _run(present: Callable[[int], bool]) -> int:
    n = 0
    while present(n):
        n += 1
    return n


def live_header(formula: str | None, index: int) -> str | None:
    """The last slot's header formula for slot `index` (1-based): INDEX(list_x, n) with the
    list's place `index`, in the formula's own syntax; None for a header typed as text."""
    if not formula or not _INDEX.search(formula):
        return None
    return _INDEX.sub(lambda m: f"INDEX({m.group(1)}{m.group(2)}{index})", formula)


def header_text(values: tuple[Scalar, ...], index: int) -> str:
    """What the live header of slot `index` (1-based) shows: the list's value there."""
    value = values[index - 1] if 0 < index <= len(values) else None
    return "" if value is None else str(value)


def shift_formula(formula: str, columns: int, rows: int) -> str:
    """`formula` (or a range address) with every cell reference moved, absolute or not (a
    slot's formulas name only its own cells); text and sheet names in quotes left alone."""
    from openpyxl.utils import column_index_from_string, get_column_letter

    def moved(m: re.Match[str]) -> str:
        if m.group(2) is None:
            return m.group(0)
        return (m.group(1) + get_column_letter(column_index_from_string(m.group(2)) + columns)
                + m.group(3) + str(int(m.group(4)) + rows))

    return _QUOTED_OR_REF.sub(moved, formula)
