"""What changed between two versions of the same plan: the core of `omnisheet diff`.

Everything is compared on the model, never on cells or labels, so a French workbook and
its English translation, or a plan re-saved by LibreOffice, differ only where the team
changed something:

- use cases and scenarios are matched by ID (case and surrounding spaces ignored);
- touchpoints by (stage, channel), data needs by (scenario, normalised variable);
- messages by (delay, channel) within their scenario, then by position;
- values compare in a canonical form (3 equals 3.0, J+5 equals D+5, list values by key);
- findings by code and the object they are about (a use case's ID and field, a
  touchpoint's stage and channel), so moving rows does not make every finding new.

The result is plain data (`PlanDiff`), findings included as facts: outputs/json/diff.py
makes it the JSON shape documented in `omnisheet/outputs/json/diff.schema.json` (the
findings' messages said there), and the text report renders from that.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ..plan.lookups import (
    canonical,
    comparer,
    delay_key,
    identity,
    normalise,
    ref_key,
    touchpoint_key,
)
from ..plan.model import (
    ERROR,
    SEVERITIES,
    Finding,
    Message,
    Plan,
    Record,
    Scalar,
    Touchpoint,
)
from ..plan.setting_tables import row_key, rows
from ..template.definition import Definition, load_definition
from ..template.severity import RANK
from ..template.values import json_value as _json

if TYPE_CHECKING:
    from .report import Report

SCHEMA_VERSION = 1

T = TypeVar("T")


# --- the result -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One field that changed: its key (or "+Header" for a column the team added)."""

    field: str
    old: Scalar
    new: Scalar

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": _json(self.old), "new": _json(self.new)}


@dataclass(frozen=True)
class UseCaseState:
    id: Scalar
    title: Scalar
    rank: int | None
    score: float | None
    quadrant: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": _json(self.id), "title": _json(self.title), "rank": self.rank,
                "score": self.score, "quadrant": self.quadrant}


@dataclass(frozen=True)
class UseCaseChange:
    """A use case in both versions whose fields, score or rank moved."""

    old: UseCaseState
    new: UseCaseState
    changes: tuple[Change, ...]

    @property
    def rescored(self) -> bool:
        o, n = self.old, self.new
        return (o.rank, canonical(o.score)) != (n.rank, canonical(n.score))

    def to_dict(self) -> dict[str, Any]:
        o, n = self.old, self.new
        return {
            "id": _json(n.id), "title": _json(n.title), "rescored": self.rescored,
            "rank": {"old": o.rank, "new": n.rank},
            "score": {"old": o.score, "new": n.score},
            "quadrant": {"old": o.quadrant, "new": n.quadrant},
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass(frozen=True)
class TouchpointChange:
    stage: str
    channel: str
    changes: tuple[Change, ...]

    @property
    def status(self) -> Change | None:
        return next((c for c in self.changes if c.field == "status"), None)

    def to_dict(self) -> dict[str, Any]:
        status = self.status
        return {"stage": self.stage, "channel": self.channel,
                "status": None if status is None else {"old": _json(status.old),
                                                       "new": _json(status.new)},
                "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class MessageChange:
    old: Message
    new: Message
    changes: tuple[Change, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"old": _message(self.old), "new": _message(self.new),
                "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class MessagesDiff:
    """A scenario's message sequence: what was added, removed, or re-timed / re-channelled."""

    added: tuple[Message, ...] = ()
    removed: tuple[Message, ...] = ()
    changed: tuple[MessageChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def to_dict(self) -> dict[str, Any]:
        return {"added": [_message(m) for m in self.added],
                "removed": [_message(m) for m in self.removed],
                "changed": [c.to_dict() for c in self.changed]}


@dataclass(frozen=True)
class ScenarioChange:
    id: Scalar
    name: Scalar
    changes: tuple[Change, ...]
    messages: MessagesDiff

    def to_dict(self) -> dict[str, Any]:
        return {"id": _json(self.id), "name": _json(self.name),
                "changes": [c.to_dict() for c in self.changes],
                "messages": self.messages.to_dict()}


@dataclass(frozen=True)
class RecordChange:
    """A data need or a measure in both versions, with the fields that changed."""

    record: Record
    changes: tuple[Change, ...]

    def field(self, key: str) -> Change | None:
        return next((c for c in self.changes if c.field == key), None)


@dataclass(frozen=True)
class FindingChange:
    """A finding that appeared or went away, and what it is about (as the diff matched it)."""

    finding: Finding
    object: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """Added, removed and changed things of one kind."""

    added: tuple[Any, ...] = ()
    removed: tuple[Any, ...] = ()
    changed: tuple[Any, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class PlanDiff:
    old_file: str | None
    new_file: str | None
    old_language: str
    new_language: str
    lang: str
    readiness: tuple[float | None, float | None]
    shares: dict[str, tuple[float | None, float | None]]
    settings: tuple[Change, ...] = ()
    use_cases: Section = field(default_factory=Section)
    touchpoints: Section = field(default_factory=Section)
    scenarios: Section = field(default_factory=Section)
    data_needs: Section = field(default_factory=Section)
    measures: Section = field(default_factory=Section)
    fixed: tuple[FindingChange, ...] = ()
    new: tuple[FindingChange, ...] = ()
    # The plans' definition, which says everything in words (outputs/json/diff.py, the text).
    definition: Definition | None = field(default=None, compare=False)
    # appeared, but hidden before by an error now fixed (revealed_by): not new
    revealed: tuple[FindingChange, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether anything differs at all (readiness cannot move on its own)."""
        return bool(self.settings or self.use_cases or self.touchpoints or self.scenarios
                    or self.data_needs or self.measures or self.fixed or self.new or self.revealed
                    or canonical(self.readiness[0]) != canonical(self.readiness[1]))

    def new_at_or_above(self, level: str) -> list[FindingChange]:
        """New findings at `level` (error, warning) or worse; none for "never"."""
        if level == "never":
            return []
        return [f for f in self.new if RANK[f.finding.severity] <= RANK[level]]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (omnisheet/outputs/json/diff.schema.json) but the findings fixed
        and new, which outputs/json/diff.py adds with their messages."""
        uc, tp, sc, dn, me = (self.use_cases, self.touchpoints, self.scenarios,
                              self.data_needs, self.measures)
        rescored = sum(c.rescored for c in uc.changed)
        return {
            "schema_version": SCHEMA_VERSION,
            "language": self.lang,
            "old": {"file": self.old_file, "language": self.old_language,
                    "readiness": self.readiness[0]},
            "new": {"file": self.new_file, "language": self.new_language,
                    "readiness": self.readiness[1]},
            "changed": self.changed,
            "summary": {
                "settings": len(self.settings),
                "use_cases": {**_counts(uc), "rescored": rescored},
                "touchpoints": {**_counts(tp),
                                "status_changed": sum(c.status is not None for c in tp.changed)},
                "scenarios": _counts(sc),
                "data_needs": {**_counts(dn), "now_available": sum(
                    _became_available(c) for c in dn.changed)},
                "measures": _counts(me),
                "findings": {"fixed": len(self.fixed), "new": len(self.new),
                             "revealed": len(self.revealed),
                             "new_by_severity": {s: sum(f.finding.severity == s for f in self.new)
                                                 for s in SEVERITIES}},
            },
            "readiness": {
                "old": self.readiness[0], "new": self.readiness[1],
                "shares": {k: {"old": o, "new": n} for k, (o, n) in self.shares.items()},
            },
            "settings": [c.to_dict() for c in self.settings],
            "use_cases": {"added": [u.to_dict() for u in uc.added],
                          "removed": [u.to_dict() for u in uc.removed],
                          "changed": [c.to_dict() for c in uc.changed]},
            "touchpoints": {"added": [_touchpoint(t) for t in tp.added],
                            "removed": [_touchpoint(t) for t in tp.removed],
                            "changed": [c.to_dict() for c in tp.changed]},
            "scenarios": {"added": [_scenario(s, n) for s, n in sc.added],
                          "removed": [_scenario(s, n) for s, n in sc.removed],
                          "changed": [c.to_dict() for c in sc.changed]},
            "data_needs": {"added": [_data_need(d) for d in dn.added],
                           "removed": [_data_need(d) for d in dn.removed],
                           "changed": [_data_need_change(c) for c in dn.changed]},
            "measures": {"added": [_measure(m) for m in me.added],
                         "removed": [_measure(m) for m in me.removed],
                         "changed": [{**_measure(c.record),
                                      "changes": [x.to_dict() for x in c.changes]}
                                     for c in me.changed]},
        }


def _counts(section: Section) -> dict[str, int]:
    return {"added": len(section.added), "removed": len(section.removed),
            "changed": len(section.changed)}


def _became_available(change: RecordChange) -> bool:
    availability = change.field("availability")
    return availability is not None and availability.new == "available"


def _message(m: Message) -> dict[str, Any]:
    return {"scenario": _json(m.scenario), "delay": _json(m.delay), "channel": _json(m.channel),
            "content": _json(m.content)}


def _touchpoint(t: Touchpoint) -> dict[str, Any]:
    return {"stage": t.stage, "channel": t.channel, "description": _json(t.description),
            "status": _json(t.status)}


def _scenario(s: Record, messages: int) -> dict[str, Any]:
    return {"id": _json(s.get("id")), "name": _json(s.get("name")), "messages": messages}


def _data_need(d: Record) -> dict[str, Any]:
    return {"scenario": _json(d.get("scenario")), "variable": _json(d.get("variable")),
            "source": _json(d.get("source")), "availability": _json(d.get("availability"))}


def _data_need_change(c: RecordChange) -> dict[str, Any]:
    availability = c.field("availability")
    return {**_data_need(c.record),
            "availability": None if availability is None else {
                "old": _json(availability.old), "new": _json(availability.new)},
            "now_available": _became_available(c),
            "changes": [x.to_dict() for x in c.changes]}


def _measure(m: Record) -> dict[str, Any]:
    return {key: _json(m.get(key)) for key in ("stage", "channel", "indicator", "value",
                                                "target")}


# --- matching ---------------------------------------------------------------------------


def pair(old: Sequence[T], new: Sequence[T], key: Callable[[T], Hashable]
         ) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Match items by key, in order when a key repeats: (matched, removed, added).

    Matched pairs and added items follow the new order, removed ones the old order.
    """
    waiting: dict[Hashable, deque[T]] = defaultdict(deque)
    for item in old:
        waiting[key(item)].append(item)
    matched: list[tuple[T, T]] = []
    added: list[T] = []
    taken: set[int] = set()
    for item in new:
        queue = waiting.get(key(item))
        if queue:
            previous = queue.popleft()
            taken.add(id(previous))
            matched.append((previous, item))
        else:
            added.append(item)
    removed = [item for item in old if id(item) not in taken]
    return matched, removed, added


def _record_key(tab_key: str, definition: Definition | None = None
                ) -> Callable[[Record], Hashable]:
    """The identity of a row: what the team would say "is the same one" (the definition's
    `identity` of the tab)."""
    return identity(definition or load_definition(), tab_key)


def _changes(old: Record | Touchpoint, new: Record | Touchpoint, keys: Iterable[str],
             compare: Callable[[str, Scalar], Hashable]) -> tuple[Change, ...]:
    changes = []
    for key in keys:
        a, b = getattr(old, key), getattr(new, key)
        if type(a) is type(b) and a == b:  # the common case, without canonical forms
            continue
        if compare(key, a) != compare(key, b):
            changes.append(Change(key, a, b))
    return tuple(changes)


def _record_changes(old: Record, new: Record, compare: Callable[[str, Scalar], Hashable],
                    skip: tuple[str, ...] = ()) -> tuple[Change, ...]:
    """Changed fields, then changed columns the team added (named "+Header")."""
    if old == new:  # positions never take part in equality
        return ()
    keys = [k for k in old.field_names() if k not in skip]
    changes = list(_changes(old, new, keys, compare))
    extra_old = {k: v for k, v in old.extra if canonical(v) is not None}
    extra_new = {k: v for k, v in new.extra if canonical(v) is not None}
    for header in dict.fromkeys([*extra_old, *extra_new]):
        a, b = extra_old.get(header), extra_new.get(header)
        if canonical(a) != canonical(b):
            changes.append(Change(f"+{header}", a, b))
    return tuple(changes)


# --- the diff ---------------------------------------------------------------------------


def diff_plans(old: Plan, new: Plan, old_report: Report, new_report: Report, *,
               lang: str | None = None, definition: Definition | None = None) -> PlanDiff:
    """Everything that changed from `old` to `new`, given their reports (comparing does
    not run the checks); `lang` is the language outputs say it in (default the new
    report's)."""
    d = definition or new.definition
    lang = lang or new_report.lang
    old_shares, new_shares = old_report.readiness.shares, new_report.readiness.shares
    fixed, appeared = diff_findings(old_report, new_report)
    hidden = [f for f in appeared if revealed_by(f.finding, [x.finding for x in fixed])]
    appeared = [f for f in appeared if f not in hidden]
    return PlanDiff(
        old_file=old_report.file or old.source,
        new_file=new_report.file or new.source,
        old_language=old.language,
        new_language=new.language,
        lang=lang,
        readiness=(old_report.readiness.summary, new_report.readiness.summary),
        shares={k: (old_shares.get(k), new_shares.get(k))
                for k in dict.fromkeys([*old_shares, *new_shares])},
        settings=_settings(old, new) + _setting_tables(old, new, d),
        use_cases=_use_cases(old_report, new_report, d),
        touchpoints=_touchpoints(old, new),
        scenarios=_scenarios(old, new, d),
        data_needs=_table(old.data_needs, new.data_needs, "data_needs", d),
        measures=_table(getattr(old, "measures", ()) or (), getattr(new, "measures", ()) or (),
                        "measures", d),
        fixed=tuple(fixed),
        new=tuple(appeared),
        definition=d,
        revealed=tuple(hidden),
    )


def _settings(old: Plan, new: Plan) -> tuple[Change, ...]:
    keys = dict.fromkeys([*old.settings, *new.settings])
    return tuple(Change(k, old.settings.get(k), new.settings.get(k)) for k in keys
                 if canonical(old.settings.get(k)) != canonical(new.settings.get(k)))


def _setting_tables(old: Plan, new: Plan, d: Definition) -> tuple[Change, ...]:
    """The tables under the settings (the caps per channel), cell by cell: a change is
    named TABLE/ROW/COLUMN, the row by its list value as the new plan has it (a key, or
    the team's text), so `email` reads "Email" in any language. A plan made before the
    tables existed holds the template's defaults, as its checks read it."""
    changes = []
    for table in d.setting_tables:
        before = {row_key(d, table.rows, r.value): r for r in rows(old, d, table.key)}
        after = {row_key(d, table.rows, r.value): r for r in rows(new, d, table.key)}
        for key in dict.fromkeys([*before, *after]):
            was, now = before.get(key), after.get(key)
            for column in table.columns:
                a = was.values.get(column.key) if was else None
                b = now.values.get(column.key) if now else None
                if canonical(a) != canonical(b):
                    shown = (now or was).value
                    changes.append(Change(f"{table.key}/{shown}/{column.key}", a, b))
    return tuple(changes)


def _use_cases(old_report: Report, new_report: Report, d: Definition) -> Section:
    def states(report: Report) -> dict[int, UseCaseState]:
        ranked = {p.index: p for p in report.priorities}
        result = {}
        for index, u in enumerate(report.plan.use_cases):
            p = ranked.get(index)
            result[index] = UseCaseState(u.id, u.title, p.rank if p else None,
                                         p.score if p else None, p.quadrant if p else None)
        return result

    old_states, new_states = states(old_report), states(new_report)
    old_rows = list(enumerate(old_report.plan.use_cases))
    new_rows = list(enumerate(new_report.plan.use_cases))
    key = _record_key("use_cases", d)
    matched, removed, added = pair(old_rows, new_rows, lambda row: key(row[1]))
    compare = comparer(d, "use_cases")
    changed = []
    for (i, a), (j, b) in matched:
        change = UseCaseChange(old_states[i], new_states[j],
                               _record_changes(a, b, compare, skip=("id",)))
        if change.changes or change.rescored:
            changed.append(change)
    return Section(added=tuple(new_states[j] for j, _ in added),
                   removed=tuple(old_states[i] for i, _ in removed),
                   changed=tuple(changed))


def _touchpoints(old: Plan, new: Plan) -> Section:
    matched, removed, added = pair(old.touchpoints, new.touchpoints, touchpoint_key)

    def compare(key: str, value: Scalar) -> Hashable:
        return (normalise(value) or None) if key == "status" else canonical(value)

    changed = []
    for a, b in matched:
        changes = _changes(a, b, ("status", "description"), compare)
        if changes:
            changed.append(TouchpointChange(b.stage, b.channel, changes))
    return Section(tuple(added), tuple(removed), tuple(changed))


def _messages_by_scenario(plan: Plan) -> dict[str | None, list[Message]]:
    grouped: dict[str | None, list[Message]] = defaultdict(list)
    for message in plan.messages:
        grouped[ref_key(message.scenario)].append(message)
    return grouped


def diff_messages(old: Sequence[Message], new: Sequence[Message],
                  compare: Callable[[str, Scalar], Hashable],
                  definition: Definition | None = None) -> MessagesDiff:
    """One scenario's sequence, matched by (delay, channel), then what is left by channel
    (a re-timed message), by delay (a message moved to another channel), and by position:
    an edited message reads as changed rather than as one removed and one added."""
    keys: list[Callable[[Message], Hashable]] = [
        _record_key("messages", definition),
        lambda m: normalise(m.channel),
        lambda m: delay_key(m.delay),
        lambda m: 0,
    ]
    removed, added = list(old), list(new)
    matched: list[tuple[Message, Message]] = []
    for key in keys:
        pairs, removed, added = pair(removed, added, key)
        matched += pairs
    changed = []
    for a, b in sorted(matched, key=lambda ab: _index(new, ab[1])):
        changes = _record_changes(a, b, compare, skip=("scenario",))
        if changes:
            changed.append(MessageChange(a, b, changes))
    return MessagesDiff(added=tuple(added), removed=tuple(removed), changed=tuple(changed))


def _index(items: Sequence[Any], item: Any) -> int:
    return next(i for i, x in enumerate(items) if x is item)


def _shared_pairs(old: Sequence[Record], new: Sequence[Record], key: Callable,
                  matched: list, removed: list, added: list) -> None:
    """Two rows shared an ID: pair each with the new row most like it, so that one
    scenario is never both removed and modified; a row whose ID the team corrected (same
    name, an ID that is new) is that row, re-numbered."""
    counts = Counter(key(s) for s in old)
    if all(n < 2 for n in counts.values()):
        return
    def likeness(a: Record, b: Record) -> int:
        return sum(canonical(a.get(k)) == canonical(b.get(k)) for k in a.field_names())

    for index, (a, b) in enumerate(matched):  # the row most like b among those sharing its ID
        rivals = [r for r in removed if key(r) == key(a)]
        best = max(rivals, key=lambda r: likeness(r, b), default=None)
        if best is not None and likeness(best, b) > likeness(a, b):
            matched[index] = (best, b)
            removed[removed.index(best)] = a
    for a in [r for r in removed if counts[key(r)] > 1]:
        twin = next((b for b in added if normalise(b.get("name")) == normalise(a.get("name"))
                     and a.get("name") is not None), None)
        if twin is not None:
            removed.remove(a)
            added.remove(twin)
            matched.append((a, twin))


def _scenarios(old: Plan, new: Plan, d: Definition) -> Section:
    key = _record_key("scenarios", d)
    matched, removed, added = pair(old.scenarios, new.scenarios, key)
    _shared_pairs(old.scenarios, new.scenarios, key, matched, removed, added)
    old_messages, new_messages = _messages_by_scenario(old), _messages_by_scenario(new)
    compare, compare_message = comparer(d, "scenarios"), comparer(d, "messages")
    changed = []
    seen: set[str | None] = set()
    for a, b in matched:
        ident = ref_key(b.id)
        seen.add(ident)
        renumbered = ref_key(a.id) != ident
        messages = (diff_messages(old_messages.get(ident, []), new_messages.get(ident, []),
                                  compare_message, d)
                    if ident is not None and not renumbered else MessagesDiff())
        changes = _record_changes(a, b, compare, skip=() if renumbered else ("id",))
        if changes or messages:
            changed.append(ScenarioChange(b.id, b.name, changes, messages))
    # Messages of a scenario that neither version specifies still count as a change.
    ids = {ref_key(s.id) for s in (*old.scenarios, *new.scenarios)}
    for ident in dict.fromkeys([*old_messages, *new_messages]):
        if ident in ids or ident in seen:
            continue
        messages = diff_messages(old_messages.get(ident, []), new_messages.get(ident, []),
                                 compare_message, d)
        if messages:
            sample = (new_messages.get(ident) or old_messages[ident])[0]
            changed.append(ScenarioChange(sample.scenario, None, (), messages))

    def count(plan_messages: dict[str | None, list[Message]], s: Record) -> int:
        return len(plan_messages.get(ref_key(s.get("id")), []))

    return Section(added=tuple((s, count(new_messages, s)) for s in added),
                   removed=tuple((s, count(old_messages, s)) for s in removed),
                   changed=tuple(changed))


def _table(old: Sequence[Record], new: Sequence[Record], tab_key: str, d: Definition) -> Section:
    matched, removed, added = pair(old, new, _record_key(tab_key, d))
    compare = comparer(d, tab_key)
    changed = []
    for a, b in matched:
        changes = _record_changes(a, b, compare)
        if changes:
            changed.append(RecordChange(b, changes))
    return Section(tuple(added), tuple(removed), tuple(changed))


# --- findings ---------------------------------------------------------------------------


#: Findings said on one cell (the first message over a cap) but about something wider (a
#: target's channel): the diff matches them on that, so a message moved within the same
#: excess does not make it "fixed" and "new" at once.
MATCHED_ON: dict[str, tuple[str, ...]] = {"pressure-over-cap": ("target", "channel")}


def diff_findings(old_report: Report, new_report: Report
                  ) -> tuple[list[FindingChange], list[FindingChange]]:
    """(fixed, new): findings compared by code and subject (what they are about), counted
    as multisets."""

    def keyed(report: Report) -> list[tuple[Hashable, Finding, tuple[str, ...]]]:
        result = []
        for f in report.findings:
            about = _about(f)
            pair = MATCHED_ON.get(f.code)
            key = (f.code, tuple(str(f.params.get(p)) for p in pair)) if pair else (f.code, about)
            result.append((key, f, about))
        return result

    old, new = keyed(old_report), keyed(new_report)
    remaining = Counter(k for k, _, _ in new)
    fixed = []
    for k, f, about in old:
        if remaining[k]:
            remaining[k] -= 1
        else:
            fixed.append(FindingChange(f, about))
    remaining = Counter(k for k, _, _ in old)
    appeared = []
    for k, f, about in new:
        if remaining[k]:
            remaining[k] -= 1
        else:
            appeared.append(FindingChange(f, about))
    return fixed, appeared


#: Where a finding of these codes was, the tab or column could not be read at all.
_WHOLE_TAB = ("tab-missing", "column-missing")


def revealed_by(finding: Finding, fixed: Sequence[Finding]) -> bool:
    """Whether a finding that appeared was hidden by an error now fixed: an error on the
    same thing (its record, or an ID they share: a trigger hour that could not be read
    hid the night message of that scenario), or a tab or column that was missing."""
    from .checks.registry import REGISTRY

    subject = finding.subject
    if subject is None:
        return False
    check = REGISTRY.get(finding.code)
    tabs = {subject.tab, *(check.needs if check else ())}
    mine = _ids(subject.key) | {canonical(v) for v in finding.params.values()
                                if isinstance(v, str) and any(c.isdigit() for c in v)}
    for error in fixed:
        if error.severity != ERROR or error.subject is None:
            continue
        if error.code in _WHOLE_TAB:
            if error.subject.tab in tabs:
                return True
            continue
        if error.subject.tab == subject.tab and error.subject.key == subject.key \
                and subject.key is not None:
            return True
        if _ids(error.subject.key) & {normalise(str(m)) for m in mine}:
            return True
    return False


def _ids(key: tuple[Any, ...] | None) -> set[str]:
    """The ID-like parts of a subject's key (they hold a digit: UC-003, SC-001)."""
    return {normalise(str(part)) for part in key or () if any(c.isdigit() for c in str(part))}


def _about(f: Finding) -> tuple[str, ...]:
    """What a finding is about, as strings: its subject, else (for a finding about the
    workbook, a macro say) its sheet and cell."""
    if f.subject is not None:
        return tuple(f.subject.parts())
    return ("cell", normalise(f.sheet), str(f.row), str(f.column), normalise(f.value))
