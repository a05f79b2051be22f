"""The plan as plain typed objects: what the reader returns, what checks and the writer take.

List fields hold a stable key ("friction") when the value is one the template knows, the
team's own text otherwise, so French and English plans read into the same objects.
Positions (row, column, sheet names) never take part in equality: a plan equals itself
wherever its rows sit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields, make_dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ..template.definition import Definition, Tab, load_definition
from ..template.severity import ERROR as ERROR  # noqa: E402  (re-exported: model is where they were)
from ..template.severity import INFO as INFO  # noqa: E402
from ..template.severity import SEVERITIES as SEVERITIES  # noqa: E402
from ..template.severity import WARNING as WARNING  # noqa: E402
from ..template.values import Scalar as Scalar  # re-exported: model is where it was
from ..template.values import axis


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


@dataclass(frozen=True, kw_only=True)
class Record:
    """A row of a table tab.

    `extra` keeps the columns the team added, by header; `typed` keeps the text as typed
    where the reader recognised a list value in another form ("opportunite"), or the cell
    as it was where it read a number from it (an hour typed 18:00, "45 %"), so the
    checked workbook shows exactly what the team wrote.
    """

    row: int | None = field(default=None, compare=False)
    extra: tuple[tuple[str, Scalar], ...] = ()
    typed: Mapping[str, Scalar] = field(default_factory=dict, compare=False)

    def get(self, key: str) -> Scalar:
        """A column's value by its definition key (a field, or an extra column)."""
        if key in _field_set(type(self)):
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


@cache
def _field_set(record_type: type) -> frozenset[str]:
    """The same columns as a set: `get` asks whether a key is one, on every hot path."""
    return frozenset(_field_names(record_type))


@cache
def record_types(definition: Definition) -> dict[str, type[Record]]:
    """Each table tab's record type, made from the definition (once per definition): a
    field per column the team fills (formulas excepted), named by its key, so a column
    added to plan.yaml is a field of its rows everywhere (reader, export, CSV, frames,
    diff) with no Python to change."""
    return {tab.key: _record_type(tab) for tab in definition.table_tabs}


def _record_type(tab: Tab) -> type[Record]:
    columns = [(c.key, Scalar, field(default=None)) for c in tab.input_columns]
    made = make_dataclass(tab.record or tab.key, columns, bases=(Record,), frozen=True,
                          kw_only=True)
    made.__module__ = __name__
    made.__doc__ = f"A row of the {tab.key} tab (fields from the template's definition)."
    return made


# The template's own tabs, as Python code names their rows (Measure, UseCase...): made
# from the bundled definition on first use, not when this module is imported.
_NAMED_RECORDS = {"Measure": "measures", "UseCase": "use_cases", "Scenario": "scenarios",
                  "Message": "messages", "DataNeed": "data_needs", "Survey": "surveys",
                  "Trend": "trends"}


if TYPE_CHECKING:  # for type checkers: each is a Record type made from the definition
    Measure = UseCase = Scenario = Message = DataNeed = Survey = Trend = Record
    TABLE_RECORDS: Mapping[str, type[Record]]


def __getattr__(name: str) -> Any:
    if name == "TABLE_RECORDS":
        return record_types(load_definition())
    if name in _NAMED_RECORDS:
        return record_types(load_definition())[_NAMED_RECORDS[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


@dataclass(frozen=True)
class Subject:
    """What a finding is about, whatever its row, column or language: a tab (by key), the
    thing in it (a row's identity, a touchpoint's stage and channel, a setting), and the
    field (a column's key). Two versions of a plan agree on it where the thing is the
    same, so the diff tells a finding fixed from one moved."""

    tab: str | None
    key: tuple[Any, ...] | None = None
    field: str | None = None
    # The thing as the plan holds it, for people (an ID as typed, list values by key);
    # `key` is its normalised form, for matching.
    shown: tuple[Scalar, ...] = dataclasses.field(default=(), compare=False)

    def parts(self) -> list[str]:
        """The subject as plain strings, for JSON."""
        flat: list[str] = []

        def add(value: Any) -> None:
            if isinstance(value, tuple):
                for part in value:
                    add(part)
            else:
                flat.append("" if value is None else str(value))

        add((self.tab, self.key or (), self.field))
        return flat


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One thing a check found: data only; the text comes from the check's template."""

    code: str
    # None on what the reader met: the registry, which declares every code, gives it.
    severity: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: int | None = None
    value: Scalar = None
    expected: Any = None  # text, or a formatting.Phrase rendered in the report's language
    params: Mapping[str, Any] = field(default_factory=dict)
    subject: Subject | None = None

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


@dataclass(frozen=True, init=False)
class Plan:
    """A whole plan. `lists` maps each list key to its values as the team keeps them;
    `tables` each table tab's records by tab key, also read as attributes
    (`plan.use_cases`) and given as keywords (`Plan(use_cases=...)`)."""

    language: str = "fr"
    lists: Mapping[str, tuple[Scalar, ...]] = field(default_factory=dict)
    settings: Mapping[str, Scalar] = field(default_factory=dict)
    touchpoints: tuple[Touchpoint, ...] = ()
    placements: tuple[Placement, ...] = ()
    tables: Mapping[str, tuple[Record, ...]] = field(default_factory=dict)
    stray_cells: tuple[StrayCell, ...] = ()
    extra_columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    read_findings: tuple[Finding, ...] = field(default=(), compare=False)
    sheet_names: Mapping[str, str] = field(default_factory=dict, compare=False)
    layouts: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    # The 1-based row of each table tab's headers in the team's file: rows added to a
    # table go under its last record, or under these headers when it has none.
    header_rows: Mapping[str, int] = field(default_factory=dict, compare=False)
    # The Lists tab as the team left it, so its gaps, duplicates and spellings come back.
    list_cells: Mapping[str, ListCells] = field(default_factory=dict, compare=False)
    # Where the team had each map tab (layout.MapGrid), so it is written back in place.
    maps: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # Tabs of the template the workbook lacks (read from a file): checks that need them stay
    # silent rather than report every record as pointing at nothing.
    missing_tabs: tuple[str, ...] = field(default=(), compare=False)
    source: str | None = field(default=None, compare=False)
    # The tables on the Settings tab (definition.setting_tables) as the team left them, by
    # key: rows of (the list's value, then one value per column). A table absent here is
    # the template's defaults (a plan made before it existed).
    setting_tables: Mapping[str, tuple[tuple[Scalar, ...], ...]] = field(default_factory=dict)
    # The definition the plan was read or made with (the bundled one unless given), so
    # that a custom template's tab names and record types are this plan's everywhere.
    definition: Definition = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    def __init__(self, **given: Any) -> None:
        own = {f.name: f for f in fields(self)}
        tables = dict(given.pop("tables", None) or {})
        tables.update({key: tuple(given.pop(key)) for key in list(given) if key not in own})
        for name, spec in own.items():
            if name == "tables":
                continue
            if name in given:
                value = given.pop(name)
            elif spec.default_factory is not MISSING:
                value = spec.default_factory()
            else:
                value = spec.default
            object.__setattr__(self, name, value)
        if self.definition is None:
            object.__setattr__(self, "definition", load_definition())
        # Empty tables are left out, so a plan equals itself however it was built.
        object.__setattr__(self, "tables", {k: tuple(v) for k, v in tables.items() if v})
        self._map_order()

    def _map_order(self) -> None:
        """Matrix cells in map order (rows, then columns), however the plan was built."""
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

    def __getattr__(self, name: str) -> tuple[Record, ...]:
        # Only for names that are not attributes: a table tab's records by its key.
        if name.startswith("__"):
            raise AttributeError(name)
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if "definition" in self.__dict__ and name in record_types(self.__dict__["definition"]):
            return ()
        raise AttributeError(f"a plan has no {name!r}")

    @property
    def stages(self) -> tuple[Scalar, ...]:
        return self.lists.get("stage", ())

    @property
    def channels(self) -> tuple[Scalar, ...]:
        return self.lists.get("channel", ())

    def table(self, tab_key: str) -> tuple[Record, ...]:
        return self.tables.get(tab_key, ())

    def sheet(self, tab_key: str, lang: str | None = None) -> str:
        """The tab's name in this workbook (or, unread, in the plan's language)."""
        if tab_key in self.sheet_names:
            return self.sheet_names[tab_key]
        return self.definition.tab(tab_key).labels[lang or self.language]

    def with_changes(self, **changes: Any) -> Plan:
        own = {f.name for f in fields(self)}
        tables = {**self.tables, **changes.pop("tables", {})}
        tables.update({key: changes.pop(key) for key in list(changes) if key not in own})
        given = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "tables"}
        return Plan(**{**given, **changes}, tables=tables)

    def records(self) -> Iterator[tuple[str, Record]]:
        for key, records in self.tables.items():
            for record in records:
                yield key, record
