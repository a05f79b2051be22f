"""Looking things up in a plan, once: IDs as the checks compare them, a row's identity
across versions (from the definition's `identity`), the touchpoints a use case addresses.
Checks, scoring, readiness, the roadmap and the diff all ask here, so they agree."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Hashable
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from ..template.delays import delay_hours
from ..template.text import normalise as _normalise
from ..template.values import portable

if TYPE_CHECKING:
    from ..template.definition import Definition
    from .model import Plan, Record, Scalar, Touchpoint

#: Plans repeat the same few stage, channel and list values thousands of times.
normalise = lru_cache(maxsize=65536)(_normalise)


def id_key(value: Scalar) -> str:
    """IDs compare without case or surrounding spaces ("uc-001 " is UC-001)."""
    return str(value).strip().casefold()


def ref_key(value: Scalar) -> str | None:
    """An ID as checks compare it; None when empty."""
    if value is None:
        return None
    return id_key(value) or None


def canonical(value: Scalar) -> Hashable:
    """The form two cells are compared in, so that re-saving a plan changes nothing.

    Spreadsheet programs disagree on number types (3 vs 3.0), float noise, dates stored
    as datetimes at midnight, line endings and Unicode composition; none is a change.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        rounded = round(float(value), 9)
        return int(rounded) if rounded.is_integer() else rounded
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        value = portable(value)  # as exported: a date and its ISO text are one value
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip() or None


def delay_key(value: Scalar) -> Hashable:
    """J+5, D+5, "5 jours" and 5 are one delay; an unreadable one compares as text."""
    hours = delay_hours(value)
    return ("h", canonical(hours)) if hours is not None else ("t", normalise(value))


def comparer(definition: Definition, tab_key: str) -> Callable[[str, Scalar], Hashable]:
    """How a column's values compare: IDs without case, list values and delays by meaning."""
    try:
        columns = {c.key: c for c in definition.tab(tab_key).columns}
    except KeyError:
        columns = {}

    def compare(key: str, value: Scalar) -> Hashable:
        column = columns.get(key)
        kind = column.type if column is not None else "text"
        if kind in ("id", "ref"):
            return ref_key(value)
        if kind == "delay":
            return None if canonical(value) is None else delay_key(value)
        if kind == "list" and isinstance(value, str):
            return normalise(value) or None
        return canonical(value)

    return compare


def identity(definition: Definition, tab_key: str) -> Callable[[Record], Hashable]:
    """A row's identity: what the team would say "is the same one" in two versions of a
    plan, from the columns the definition names (`identity`, then `fallback` when those
    are empty: a use case without an ID is known by its title)."""
    tab = definition.tab(tab_key)
    if not tab.identity:
        return lambda r: tuple(canonical(v) for v in r.values().values())
    kinds = {c.key: c.type for c in tab.columns}

    def part(key: str, value: Scalar) -> Hashable:
        kind = kinds.get(key)
        if kind in ("id", "ref"):
            return ref_key(value)
        if kind == "delay":
            return delay_key(value)
        return normalise(value)

    def key(record: Record) -> Hashable:
        parts = tuple(part(k, record.get(k)) for k in tab.identity)
        if tab.fallback and all(p in (None, "") for p in parts):
            return ("untitled", *(normalise(record.get(k)) for k in tab.fallback))
        return parts

    return key


def identity_shown(definition: Definition, tab_key: str, record: Record) -> tuple[Scalar, ...]:
    """A row's identity as the plan holds it, for people: its ID as typed, or its title
    when it has none (the fallback)."""
    tab = definition.tab(tab_key)
    shown = tuple(record.get(k) for k in tab.identity)
    if tab.fallback and all(v in (None, "") for v in shown):
        return tuple(record.get(k) for k in tab.fallback)
    return shown


def touchpoint_key(touchpoint: Touchpoint) -> tuple[str, str]:
    return normalise(touchpoint.stage), normalise(touchpoint.channel)


class PlanLookups:
    """A plan's indexes, each made once on first use."""

    def __init__(self, plan: Plan, definition: Definition) -> None:
        self.plan = plan
        self.definition = definition
        self._identities: dict[str, Callable[[Record], Hashable]] = {}

    @cached_property
    def use_case_ids(self) -> set[str]:
        return {id_key(u.id) for u in self.plan.use_cases if u.id is not None}

    @cached_property
    def scenario_ids(self) -> set[str]:
        return {id_key(s.id) for s in self.plan.scenarios if s.id is not None}

    @cached_property
    def placed_ids(self) -> set[str]:
        return {id_key(i) for p in self.plan.placements for i in p.scenarios}

    @cached_property
    def touchpoint_keys(self) -> set[tuple[str, str]]:
        return {touchpoint_key(t) for t in self.plan.touchpoints}

    @cached_property
    def _addressing(self) -> tuple[set[tuple[str, str]], set[str]]:
        """(stage, channel) pairs use cases name, and stages they name with no channel."""
        pairs: set[tuple[str, str]] = set()
        whole: set[str] = set()
        for u in self.plan.use_cases:
            stage = normalise(u.stage)
            if u.channel is None:
                whole.add(stage)
            else:
                pairs.add((stage, normalise(u.channel)))
        return pairs, whole

    def addressed(self, touchpoint: Touchpoint) -> bool:
        """A use case addresses a touchpoint when it names its stage and its channel (or no
        channel, which means every channel of the stage)."""
        pairs, whole = self._addressing
        key = touchpoint_key(touchpoint)
        return key in pairs or key[0] in whole

    def identity(self, tab_key: str) -> Callable[[Record], Hashable]:
        if tab_key not in self._identities:
            self._identities[tab_key] = identity(self.definition, tab_key)
        return self._identities[tab_key]
