"""The check registry: a decorator records each check's code, severity and tab.

A check is a pure function of a `CheckContext` (the plan and its indexes) that yields findings:
facts (a code, a severity, a subject, parameters), in no language. What a check means and
its message are `checks.<code>` in each language file; outputs/messages.py says them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ...plan.lookups import PlanLookups, id_key, identity_shown, touchpoint_key
from ...template.facts import Fixed, Label, Share
from ...template.text import normalise

if TYPE_CHECKING:  # listing the checks imports neither the model nor the definition
    from ...feedback.series import TrendSeries
    from ...journeys.model import Journeys
    from ...plan.layout import MapGrid
    from ...plan.model import Finding, Placement, Plan, Record, Scalar, Touchpoint
    from ...template.definition import Definition, Tab
    from ..measures import Evidence
    from ..pressure import Pressure
    from ..scoring import Priority


@dataclass(frozen=True)
class Check:
    """A registered check. What it means and its message, in each language, are in the
    language files (`checks.<code>`), so a language is one file."""

    code: str
    severity: str
    tab: str
    # None for a code only the reader finds (a missing tab): declared for its severity.
    function: Callable[[CheckContext], Iterable[Finding]] | None
    # Tabs the check reads besides its own: when the workbook lacks one, the check is
    # silent (the missing tab is said once) rather than flag every record as dangling.
    needs: tuple[str, ...] = ()

    def can_run(self, missing: Iterable[str]) -> bool:
        return not set(missing) & {self.tab, *self.needs}


REGISTRY: dict[str, Check] = {}


def _new_finding(**fields: Any) -> Finding:
    """A Finding whose `value` is the cell's value as data: a value given in the form a
    message shows it (a Share, a Fixed) stays the message's {value}, and the finding keeps
    the number (the JSON's and the Findings tab's "value": 0.58, not a Python object), a
    list's value its key."""
    from ...plan.model import Finding

    value = fields.get("value")
    if isinstance(value, Share | Fixed | Label):
        fields["params"] = {"value": value, **(fields.get("params") or {})}
        fields["value"] = value.value
    return Finding(**fields)


def _subject(tab: str, key: tuple[Any, ...] | Any = None, field: str | None = None,
             shown: tuple[Any, ...] = ()) -> Any:
    from ...plan.model import Subject

    return Subject(tab, key if key is None or isinstance(key, tuple) else (key,), field, shown)


def declare(code: str, severity: str, tab: str) -> None:
    """Declare a code the reader finds (a missing tab, a formula typed over): its severity
    and tab, as for a check; its message and documentation are `checks.<code>` in each
    language file."""
    if code in REGISTRY:
        raise ValueError(f"check {code!r} registered twice")
    REGISTRY[code] = Check(code, severity, tab, None)


def register(code: str, severity: str, tab: str, *, needs: tuple[str, ...] = ()) -> Callable:
    """Register a check: its code, severity and tab, and the other tabs it reads. Its
    message template (str.format fields: the finding's params, plus `value` and
    `expected`; a part in [brackets] said only when every field in it has a value) and
    its documentation are `checks.<code>` in each language file."""

    def register(function: Callable[[CheckContext], Iterable[Finding]]) -> Callable:
        if code in REGISTRY:
            raise ValueError(f"check {code!r} registered twice")
        REGISTRY[code] = Check(code, severity, tab, function, needs)
        return function

    return register


class CheckContext(PlanLookups):
    """The plan with what every check needs to look things up quickly, each made once."""

    def __init__(self, plan: Plan, definition: Definition) -> None:
        super().__init__(plan, definition)
        self._allowed: dict[str, set[str]] = {}
        self._grids: dict[str, MapGrid] = {}
        self._near_ids: dict[str, dict[str, str]] = {}
        # A finding's cell and subject, per column and per row (`finding`): a big plan's
        # tens of thousands of findings fall on far fewer columns and rows.
        self._columns: dict[tuple[str, str], int | None] = {}
        self._subjects: dict[tuple[str, int], tuple[Any, tuple[Any, ...]]] = {}
        # What the events say (omnisheet journeys), given by run_checks when they were read.
        self.journeys: Journeys | None = None

    @cached_property
    def priorities(self) -> list[Priority]:
        """The plan's priorities, scored once for all checks (the report hands in its own)."""
        from ..scoring import priorities

        return priorities(self.plan)

    @cached_property
    def evidence(self) -> Evidence:
        """The plan's measures assessed (the report hands in its own)."""
        from ..measures import Evidence

        return Evidence(self.plan, self.definition)

    @cached_property
    def pressure(self) -> Pressure:
        """What one customer would receive (the report hands in its own)."""
        from ..pressure import pressure

        return pressure(self.plan, self.definition)

    @cached_property
    def trend_series(self) -> list[TrendSeries]:
        """The survey trends' series, made once for the trend checks."""
        from ...feedback.series import trend_series

        return trend_series(self.plan, self.definition)

    @cached_property
    def consents(self) -> list[tuple]:
        """The consents marketing scenarios need (consent.scenario_consents), made once for
        both consent checks."""
        from ..consent import scenario_consents

        return scenario_consents(self.plan, self.definition)

    def sheet(self, tab_key: str) -> str:
        return self.plan.sheet(tab_key)

    def column_of(self, tab_key: str, column_key: str) -> int | None:
        """1-based column of a field on its tab, in this workbook's layout."""
        layout = self.plan.layouts.get(tab_key)
        tab = self.definition.tab(tab_key)
        if not layout:
            layout = tuple(c.key for c in tab.columns)
        if column_key in layout:
            return layout.index(column_key) + 1
        present = set(layout)
        missing = [c.key for c in tab.columns if c.key not in present]
        if column_key in missing:
            return len(layout) + missing.index(column_key) + 1
        return None

    def row_of(self, tab_key: str, index: int) -> int:
        record = self.plan.table(tab_key)[index]
        return record.row or index + 2

    def finding(self, code: str, tab_key: str, index: int | None = None,
                column_key: str | None = None, *, value: Scalar = None,
                expected: str | None = None, **params: Any) -> Finding:
        """A finding on a record's cell (or on the tab), with the registered severity."""
        row = self.row_of(tab_key, index) if index is not None else None
        column = None
        if column_key:
            if (tab_key, column_key) not in self._columns:
                self._columns[tab_key, column_key] = self.column_of(tab_key, column_key)
            column = self._columns[tab_key, column_key]
        key, shown = None, ()
        if index is not None and self.definition.tab(tab_key).kind == "table":
            if (tab_key, index) not in self._subjects:
                record = self.plan.table(tab_key)[index]
                self._subjects[tab_key, index] = (
                    self.identity(tab_key)(record),
                    identity_shown(self.definition, tab_key, record))
            key, shown = self._subjects[tab_key, index]
        return _new_finding(code=code, severity=REGISTRY[code].severity, sheet=self.sheet(tab_key),
                            row=row, column=column, value=value, expected=expected,
                            params=params, subject=_subject(tab_key, key, column_key, shown))

    def allowed(self, list_key: str) -> set[str]:
        """Normalised values a list field may hold: the team's list if editable, else the template's."""
        if list_key not in self._allowed:
            listed = self.definition.list(list_key)
            values: Iterable[Scalar] = (self.plan.lists.get(list_key, listed.keys)
                                        if listed.editable else listed.keys)
            self._allowed[list_key] = {normalise(v) for v in values}
        return self._allowed[list_key]

    def in_list(self, list_key: str, value: Scalar) -> bool:
        if "lists" in self.plan.missing_tabs and self.definition.list(list_key).editable:
            return True  # the team's lists are unknown: the missing Lists tab is said once
        return normalise(value) in self.allowed(list_key)

    def closest(self, list_key: str, typed: Scalar) -> Label | None:
        """The list's value closest to a value not in it, when one is close enough to be
        what was meant ("Frcition" for "Friction"): compared with its labels as the
        workbook's language writes them."""
        import difflib

        listed = self.definition.list(list_key)
        values = self.plan.lists.get(list_key, listed.keys) if listed.editable else listed.keys
        lang = self.plan.language
        labels = {normalise(listed.label(v, lang) if isinstance(v, str) else str(v)): v
                  for v in values}
        near = difflib.get_close_matches(normalise(typed), list(labels), n=1, cutoff=0.75)
        return Label(list_key, labels[near[0]]) if near else None

    def spelled_as_listed(self, list_key: str, value: Scalar, typed: str) -> bool:
        """Whether text read as a list's value is one of its labels (any language) but for
        case, which spreadsheets ignore when they compare text (dropdowns, colour rules)."""
        listed = self.definition.list(list_key).value(value)
        labels = listed.labels.values() if listed is not None else (str(value),)
        return typed.strip().casefold() in {label.casefold() for label in labels}

    def map_grid(self, tab_key: str) -> MapGrid:
        """The map's geometry as the writer draws it (layout.drawn_grid), made once."""
        if tab_key not in self._grids:
            from ...plan.layout import drawn_grid

            self._grids[tab_key] = drawn_grid(self.plan, self.definition.tab(tab_key),
                                              self.definition)
        return self._grids[tab_key]

    def touchpoint_cell(self, touchpoint: Touchpoint, status: bool = False) -> tuple[int, int]:
        """1-based cell of a touchpoint's description (or status) on the journey map."""
        if touchpoint.row is not None and touchpoint.column is not None:
            return touchpoint.row, touchpoint.column + (1 if status else 0)
        row, column = self.map_grid("journey").position(touchpoint.stage, touchpoint.channel)
        return row + 1, column + 1 + (1 if status else 0)

    def placement_cell(self, placement: Placement) -> tuple[int, int]:
        """1-based cell of a scenario map placement."""
        if placement.row is not None and placement.column is not None:
            return placement.row, placement.column
        row, column = self.map_grid("scenario_map").position(placement.relationship_stage,
                                                             placement.target)
        return row + 1, column + 1

    def on_placement(self, code: str, placement: Placement, value: Scalar, **params: Any
                     ) -> Finding:
        row, column = self.placement_cell(placement)
        key = (normalise(placement.relationship_stage), normalise(placement.target),
               normalise(value))
        return _new_finding(code=code, severity=REGISTRY[code].severity,
                            sheet=self.sheet("scenario_map"), row=row, column=column, value=value,
                            params=params, subject=_subject("scenario_map", key, None,
                                             (placement.relationship_stage, placement.target)))

    def on_touchpoint(self, code: str, touchpoint: Touchpoint, *, status: bool = False,
                      value: Scalar = None, expected: str | None = None, **params: Any) -> Finding:
        row, column = self.touchpoint_cell(touchpoint, status)
        return _new_finding(code=code, severity=REGISTRY[code].severity, sheet=self.sheet("journey"),
                            row=row, column=column, value=value, expected=expected, params=params,
                            subject=_subject("journey", touchpoint_key(touchpoint),
                                             "status" if status else "description",
                                             (touchpoint.stage, touchpoint.channel)))

    def scenarios_missing_from(self, code: str, known: set[str]) -> Iterator[Finding]:
        """A finding on each scenario whose ID is not in `known` (placed, messaged, fed)."""
        for index, scenario in self.records("scenarios"):
            ident = scenario.get("id")
            if ident is not None and id_key(ident) not in known:
                yield self.finding(code, "scenarios", index, "id", value=ident)

    def unknown_references(self, code: str, tab_key: str, column_key: str,
                           known: set[str]) -> Iterator[Finding]:
        """A finding on each record whose reference (a use case or scenario ID) is unknown."""
        for index, record in self.records(tab_key):
            ref = record.get(column_key)
            if ref is not None and id_key(ref) not in known:
                among = self.definition.tab(tab_key).column(column_key).ref
                yield self.finding(code, tab_key, index, column_key, value=ref,
                                   id=record.get("id") or "?",
                                   closest=self.closest_id(among, ref) if among else None)

    def shared_ids(self, tab_key: str) -> set[str]:
        """IDs two rows of a tab share (duplicate-id says it): the rows that point at one
        cannot be told apart, so checks that compare them stay silent."""
        counts = Counter(id_key(r.get("id")) for r in self.plan.table(tab_key)
                         if r.get("id") is not None)
        return {key for key, n in counts.items() if n > 1}

    def closest_id(self, tab_key: str, typed: Scalar) -> str | None:
        """The ID of `tab_key` a reference nearly matches, as the tab writes it: "SC-06"
        for "SC-6" or "SC6" (the same number), "UC-012" for "UC-O12" (a letter for a
        digit). Never another number: SC-018 is not what "SC-019" meant."""
        ids = self._near_ids.get(tab_key)
        if ids is None:  # once per tab: a plan may hold thousands of references
            ids = self._near_ids[tab_key] = {
                self._same_id(str(r.get("id"))): str(r.get("id"))
                for r in self.plan.table(tab_key) if r.get("id") is not None}
        return ids.get(self._same_id(str(typed)))

    @staticmethod
    def _same_id(text: str) -> str:
        """An ID as compared for a suggestion: no separators, its numbers without leading
        zeros, and after its letters an O read as 0 and an I or l as 1 (SC-6, sc06, SC-O6)."""
        key = id_key(text)
        prefix = re.match(r"[a-z]*", key).group()  # type: ignore[union-attr]
        tail = re.sub(r"[^a-z0-9]", "", key[len(prefix):]).translate(_DIGIT_LIKE)
        return prefix + re.sub(r"\d+", lambda m: str(int(m.group())), tail)

    def table_tab(self, tab_key: str) -> Tab:
        return self.definition.tab(tab_key)

    def records(self, tab_key: str) -> Iterator[tuple[int, Record]]:
        return enumerate(self.plan.table(tab_key))


_DIGIT_LIKE = str.maketrans("oil", "011")
