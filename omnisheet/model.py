"""The plan as plain typed objects: what the reader returns, what checks and the writer take.

List fields hold a stable key ("friction") when the value is one the template knows, the
team's own text otherwise, so French and English plans read into the same objects.
Positions (row, column, sheet names) never take part in equality: a plan equals itself
wherever its rows sit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cache
from typing import Any

Scalar = str | int | float | bool | dt.date | dt.datetime | None

from .severity import ERROR as ERROR  # noqa: E402  (re-exported: model is where they were)
from .severity import INFO as INFO  # noqa: E402
from .severity import SEVERITIES as SEVERITIES  # noqa: E402
from .severity import WARNING as WARNING  # noqa: E402


def column_letter(column: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """A → 1, aa → 27: the inverse of column_letter."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


@dataclass(frozen=True)
class CellRef:
    """A cell of the workbook, 1-based, with the sheet name as the workbook spells it."""

    sheet: str
    row: int
    column: int

    @property
    def a1(self) -> str:
        return f"{column_letter(self.column)}{self.row}"

    def __str__(self) -> str:
        return f"{self.sheet}!{self.a1}"


@dataclass(frozen=True, kw_only=True)
class Record:
    """A row of a table tab.

    `extra` keeps the columns the team added, by header; `typed` keeps the text as typed
    where the reader recognised a list value in another form ("opportunite"), so the
    checked workbook shows exactly what the team wrote.
    """

    row: int | None = field(default=None, compare=False)
    extra: tuple[tuple[str, Scalar], ...] = ()
    typed: Mapping[str, str] = field(default_factory=dict, compare=False)

    def get(self, key: str) -> Scalar:
        """A column's value by its definition key (a field, or an extra column)."""
        if key in self.field_names():
            return getattr(self, key)
        return dict(self.extra).get(key)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return _field_names(cls)

    def values(self) -> dict[str, Scalar]:
        return {name: getattr(self, name) for name in self.field_names()}


@cache
def _field_names(record_type: type) -> tuple[str, ...]:
    """A record type's own columns, computed once: `Record.get` is on every hot path."""
    return tuple(f.name for f in fields(record_type) if f.name not in ("row", "extra", "typed"))


@dataclass(frozen=True, kw_only=True)
class Measure(Record):
    """Evidence on a touchpoint: an indicator's value, target, reach and source."""

    stage: Scalar = None
    channel: Scalar = None
    indicator: Scalar = None
    value: Scalar = None
    target: Scalar = None
    answers: Scalar = None
    period: Scalar = None
    share: Scalar = None
    evidence: Scalar = None
    verbatim: Scalar = None


@dataclass(frozen=True, kw_only=True)
class UseCase(Record):
    id: Scalar = None
    category: Scalar = None
    title: Scalar = None
    objective: Scalar = None
    description: Scalar = None
    stage: Scalar = None
    channel: Scalar = None
    business_impact: Scalar = None
    cx_impact: Scalar = None
    difficulty: Scalar = None
    owner: Scalar = None
    status: Scalar = None


@dataclass(frozen=True, kw_only=True)
class Scenario(Record):
    id: Scalar = None
    name: Scalar = None
    programme: Scalar = None
    relationship_stage: Scalar = None
    target: Scalar = None
    use_case: Scalar = None
    trigger_type: Scalar = None
    trigger: Scalar = None
    exit_condition: Scalar = None


@dataclass(frozen=True, kw_only=True)
class Message(Record):
    scenario: Scalar = None
    delay: Scalar = None
    channel: Scalar = None
    content: Scalar = None


@dataclass(frozen=True, kw_only=True)
class DataNeed(Record):
    scenario: Scalar = None
    variable: Scalar = None
    description: Scalar = None
    source: Scalar = None
    availability: Scalar = None
    frequency: Scalar = None
    owner: Scalar = None


@dataclass(frozen=True, kw_only=True)
class Survey(Record):
    """A survey the team collects responses with: the touchpoint and indicator it measures."""

    survey: Scalar = None
    stage: Scalar = None
    channel: Scalar = None
    indicator: Scalar = None


@dataclass(frozen=True, kw_only=True)
class Trend(Record):
    """One period of a measure computed from survey responses, with its 95 % interval."""

    stage: Scalar = None
    channel: Scalar = None
    indicator: Scalar = None
    period: Scalar = None
    value: Scalar = None
    answers: Scalar = None
    low: Scalar = None
    high: Scalar = None


TABLE_RECORDS: Mapping[str, type[Record]] = {
    "measures": Measure,
    "surveys": Survey,
    "trends": Trend,
    "use_cases": UseCase,
    "scenarios": Scenario,
    "messages": Message,
    "data_needs": DataNeed,
}


@dataclass(frozen=True, kw_only=True)
class Touchpoint:
    """A stage × channel intersection of the journey map that holds something."""

    stage: str
    channel: str
    description: Scalar = None
    status: Scalar = None
    status_inferred: bool = field(default=False, compare=False)
    typed: Mapping[str, str] = field(default_factory=dict, compare=False)
    row: int | None = field(default=None, compare=False)
    column: int | None = field(default=None, compare=False)


@dataclass(frozen=True, kw_only=True)
class Placement:
    """A cell of the scenario map: the scenarios aimed at a target at a relationship stage."""

    relationship_stage: str
    target: str
    scenarios: tuple[str, ...] = ()
    text: Scalar = field(default=None, compare=False)
    row: int | None = field(default=None, compare=False)
    column: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ListCells:
    """One list's column on the Lists tab as read: its 0-based column, and each filled
    cell's 0-based row, the value read there and the text as typed."""

    column: int
    cells: tuple[tuple[int, Scalar, Scalar], ...]


@dataclass(frozen=True, kw_only=True)
class StrayCell:
    """A value typed somewhere omnisheet has no field for (a note under a table, a user tab)."""

    sheet: str
    row: int
    column: int
    value: Scalar


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One thing a check found: data only; the text comes from the check's template."""

    code: str
    severity: str
    sheet: str | None = None
    row: int | None = None
    column: int | None = None
    value: Scalar = None
    expected: Any = None  # text, or a formatting.Phrase rendered in the report's language
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def cell(self) -> str | None:
        if self.row is None or self.column is None:
            return None
        return f"{column_letter(self.column)}{self.row}"

    @property
    def where(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""


@dataclass(frozen=True, kw_only=True)
class Plan:
    """A whole plan. `lists` maps each list key to its values as the team keeps them."""

    language: str = "fr"
    lists: Mapping[str, tuple[Scalar, ...]] = field(default_factory=dict)
    settings: Mapping[str, Scalar] = field(default_factory=dict)
    touchpoints: tuple[Touchpoint, ...] = ()
    measures: tuple[Measure, ...] = ()
    surveys: tuple[Survey, ...] = ()
    trends: tuple[Trend, ...] = ()
    use_cases: tuple[UseCase, ...] = ()
    placements: tuple[Placement, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    messages: tuple[Message, ...] = ()
    data_needs: tuple[DataNeed, ...] = ()
    stray_cells: tuple[StrayCell, ...] = ()
    extra_columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    read_findings: tuple[Finding, ...] = field(default=(), compare=False)
    sheet_names: Mapping[str, str] = field(default_factory=dict, compare=False)
    layouts: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    # The Lists tab as the team left it, so its gaps, duplicates and spellings come back.
    list_cells: Mapping[str, ListCells] = field(default_factory=dict, compare=False)
    # Where the team had each map tab (layout.MapGrid), so it is written back in place.
    maps: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # Tabs of the template the workbook lacks (read from a file): checks that need them stay
    # silent rather than report every record as pointing at nothing.
    missing_tabs: tuple[str, ...] = field(default=(), compare=False)
    source: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # Matrix cells in map order (rows, then columns), however the plan was built.
        from .layout import axis

        tps = self.touchpoints
        stages = axis(self.stages, (t.stage for t in tps))
        channels = axis(self.channels, (t.channel for t in tps))
        object.__setattr__(self, "touchpoints", tuple(sorted(
            tps, key=lambda t: (channels.index(t.channel), stages.index(t.stage)))))
        placed = self.placements
        rel = axis(self.lists.get("relationship_stage", ()), (p.relationship_stage for p in placed))
        targets = axis(self.lists.get("target", ()), (p.target for p in placed))
        object.__setattr__(self, "placements", tuple(sorted(
            placed, key=lambda p: (targets.index(p.target), rel.index(p.relationship_stage)))))

    @property
    def stages(self) -> tuple[Scalar, ...]:
        return self.lists.get("stage", ())

    @property
    def channels(self) -> tuple[Scalar, ...]:
        return self.lists.get("channel", ())

    def table(self, tab_key: str) -> tuple[Record, ...]:
        return getattr(self, tab_key)

    def messages_of(self, scenario_id: Scalar) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if m.scenario == scenario_id)

    def sheet(self, tab_key: str, lang: str | None = None) -> str:
        """The tab's name in this workbook (or, unread, in the plan's language)."""
        if tab_key in self.sheet_names:
            return self.sheet_names[tab_key]
        from .definition import load_definition

        return load_definition().tab(tab_key).labels[lang or self.language]

    def with_changes(self, **changes: Any) -> Plan:
        return replace(self, **changes)

    def records(self) -> Iterator[tuple[str, Record]]:
        for key in TABLE_RECORDS:
            for record in self.table(key):
                yield key, record

    def to_frames(self) -> dict[str, Any]:
        """One pandas DataFrame per tab, keyed by tab key (pandas is imported only here)."""
        from .frames import plan_frames

        return plan_frames(self)
