"""Where things sit in a map tab (journey map, scenario map), in one place: the writer
draws from it, the reader records it, the checks point into it, so a finding on a plan
built in code names the cell the writer will use, and a plan read from a file is written
back where the team had it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..template.text import normalise
from ..template.values import Scalar

if TYPE_CHECKING:
    from ..template.definition import Definition, Tab
    from .model import Plan


@dataclass(frozen=True)
class MapGrid:
    """A map tab's geometry, 0-based: the header block's corner at (`top`, `left`); the
    column headers on row `top`, one slot every `step` columns from `left` + 1; the row
    headers in column `left`, data from row `top` + `depth` down.

    `across[i]` is the value slot i shows (a journey stage), `down[j]` the value row j
    shows (a channel); None where it shows none. Read from a file, they are what the team
    saw; drawn, what the lists hold (see `drawn_grid`).
    """

    top: int = 0
    left: int = 0
    step: int = 1
    depth: int = 1
    across: tuple[Scalar, ...] = ()
    down: tuple[Scalar, ...] = ()
    # A header's text as the team typed it over the live one ("je compare", " Je compare "),
    # None where it shows the list's value as the template writes it.
    across_typed: tuple[Scalar, ...] = ()
    down_typed: tuple[Scalar, ...] = ()

    def typed(self, which: str, index: int) -> Scalar:
        values = self.across_typed if which == "across" else self.down_typed
        return values[index] if index < len(values) else None

    def slot_column(self, index: int) -> int:
        return self.left + 1 + self.step * index

    def data_row(self, index: int) -> int:
        return self.top + self.depth + index

    def position(self, across: Scalar, down: Scalar) -> tuple[int, int]:
        """0-based (row, column) of the first cell of the slot showing `across` on the row
        showing `down`."""
        return self.data_row(self.down.index(down)), self.slot_column(self.across.index(across))


def grid_shape(tab: Tab) -> tuple[int, int]:
    """(step, depth) of a map tab: the journey map's slots are pairs (touchpoint, status)
    under a row of sub-headers; the scenario map's are single cells."""
    return (2, 2) if tab.step == 2 else (1, 1)


def drawn_grid(plan: Plan, tab: Tab, definition: Definition) -> MapGrid:
    """The geometry a map is written with, and findings point into.

    Where the team had the map (read from a file) it stays: same corner, same slots. Every
    slot up to the template's room or the list's length shows the list's value at its
    place (a live header), unless the team typed another value over it; values used in
    the map but in no slot (a plan built in code) come after.
    """
    assert tab.across is not None and tab.down is not None
    read = plan.maps.get(tab.key)
    step, depth = grid_shape(tab)
    top, left = (read.top, read.left) if read else (0, 0)
    across = _slots(read.across if read else (), list_slots(plan, tab.across.list, definition),
                    tab.across.slots, _used(plan, tab, "across"))
    down = _slots(read.down if read else (), list_slots(plan, tab.down.list, definition),
                  tab.down.slots, _used(plan, tab, "down"))
    return MapGrid(top=top, left=left, step=step, depth=depth, across=across, down=down,
                   across_typed=read.across_typed if read else (),
                   down_typed=read.down_typed if read else ())


def list_slots(plan: Plan, list_key: str, definition: Definition) -> tuple[Scalar, ...]:
    """A list's values by their place on the Lists tab, None where a row is empty: what a
    live header `INDEX(list, n)` shows in slot n."""
    read = plan.list_cells.get(list_key)
    if read is None:
        return tuple(plan.lists.get(list_key, definition.list(list_key).keys))
    by_row = {row: value for row, value, _ in read.cells}
    return tuple(by_row.get(row) for row in range(1, max(by_row, default=0) + 1))


def _used(plan: Plan, tab: Tab, which: str) -> list[Scalar]:
    if tab.key == "journey":
        return [t.stage if which == "across" else t.channel for t in plan.touchpoints]
    return [p.relationship_stage if which == "across" else p.target for p in plan.placements]


def _slots(read: Sequence[Scalar], listed: Sequence[Scalar], room: int,
           used: Iterable[Scalar]) -> tuple[Scalar, ...]:
    count = max(room, len(listed), len(read))
    shown = [read[i] if i < len(read) and read[i] is not None
             else (listed[i] if i < len(listed) else None) for i in range(count)]
    return tuple(shown + [v for v in dict.fromkeys(used) if v is not None and v not in shown])


def is_live(grid_value: Scalar, index: int, listed: Sequence[Scalar]) -> bool:
    """Whether a slot's header is the list's value at its place (a formula in the sheet),
    rather than a value the team typed over it."""
    return grid_value is None or (index < len(listed)
                                  and normalise(grid_value) == normalise(listed[index]))


def instruction_lines(tab: Tab, definition: Definition) -> list[tuple[int, str, Mapping[str, str]]]:
    """The instructions tab, line by line: (0-based row, kind, text per language), kind
    being title, heading, body or one of the touchpoint statuses (the legend). The
    reader takes back only these texts at these rows; the team's own notes stay theirs."""
    texts = tab.texts
    lines: list[tuple[int, str, Mapping[str, str]]] = [(0, "title", texts["title"])]
    row = 2
    for section in texts["sections"]:
        lines += [(row, "heading", section["heading"]), (row + 1, "body", section["body"])]
        row += 3
    for value in definition.list("touchpoint_status").values:
        lines.append((row, value.key, value.labels))
        row += 1
    return lines
