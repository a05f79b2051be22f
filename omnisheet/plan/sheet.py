"""One sheet's values as the reader walks it, remembering which cells it made sense of, so
that every other value the team typed comes back as a stray cell, at its place."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Scalar, StrayCell


@dataclass
class Sheet:
    name: str
    rows: list[list[Scalar]]
    used: set[tuple[int, int]] = field(default_factory=set)
    # A table's body: from this 0-based row down, these columns are the table's (a set of
    # every cell cost 50 MB on a plan of 20,000 use cases).
    body_from: int = 0
    body_columns: frozenset[int] = frozenset()
    # Cells of the body kept as the team typed them (a value typed over a formula).
    kept: set[tuple[int, int]] = field(default_factory=set)

    def get(self, row: int, col: int) -> Scalar:
        """0-based cell value, None outside the grid."""
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def keep(self, row: int, col: int) -> None:
        """A cell of a table's body that comes back as typed, at its place."""
        self.kept.add((row, col))

    def take(self, row: int, col: int) -> Scalar:
        self.used.add((row, col))
        return self.get(row, col)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def is_blank(self) -> bool:
        return not any(value is not None for row in self.rows for value in row)

    def strays(self) -> list[StrayCell]:
        return [
            StrayCell(sheet=self.name, row=r + 1, column=c + 1, value=value)
            for r, row in enumerate(self.rows)
            for c, value in enumerate(row)
            if value is not None and (r, c) not in self.used
            and (not (r >= self.body_from and c in self.body_columns) or (r, c) in self.kept)
        ]
