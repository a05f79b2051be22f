"""Checks on use cases: scored, tied to the journey, carried by scenarios."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...plan.lookups import id_key
from ...template.facts import ColumnName, Label
from ...template.numbers import as_number, number
from ...template.severity import ERROR, WARNING
from ...template.text import normalise
from .registry import CheckContext, register

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...plan.model import Finding

MARKS = ("business_impact", "cx_impact", "difficulty")


@register("use-case-unscored", WARNING, "use_cases")
def use_case_unscored(ctx: CheckContext) -> Iterator[Finding]:
    tab = ctx.table_tab("use_cases")
    for index, use_case in ctx.records("use_cases"):
        for key in MARKS:
            if use_case.get(key) is None:
                yield ctx.finding("use-case-unscored", "use_cases", index, key,
                                  id=use_case.get("id") or use_case.get("title") or "?",
                                  column=ColumnName(tab.key, key))
                break


@register("use-case-unknown-touchpoint", ERROR, "use_cases", needs=("journey",))
def use_case_unknown_touchpoint(ctx: CheckContext) -> Iterator[Finding]:
    stages = {s for s, _ in ctx.touchpoint_keys}
    for index, use_case in ctx.records("use_cases"):
        if use_case.get("stage") is None:
            continue
        if not ctx.in_list("stage", use_case.get("stage")):
            continue  # value-not-in-list says it
        channel = use_case.get("channel")
        if channel is not None and not ctx.in_list("channel", channel):
            continue
        stage = normalise(use_case.get("stage"))
        known = (stage, normalise(channel)) in ctx.touchpoint_keys if channel else stage in stages
        if not known:
            yield ctx.finding("use-case-unknown-touchpoint", "use_cases", index,
                              "channel" if channel else "stage",
                              value=use_case.get("stage"),
                              id=use_case.get("id") or "?",
                              stage=Label("stage", use_case.get("stage")),
                              channel=Label("channel", channel) if channel else "*")


@register("top-use-case-without-scenario", WARNING, "use_cases", needs=("scenarios",))
def top_use_case_without_scenario(ctx: CheckContext) -> Iterator[Finding]:
    from ..scoring import top_use_cases

    implemented = {id_key(s.use_case) for s in ctx.plan.scenarios if s.use_case is not None}
    top = top_use_cases(ctx.plan.settings)
    for priority in ctx.priorities:
        if priority.quadrant not in ("quick_win", "major_project") or priority.rank > top:
            continue
        if priority.id is not None and id_key(priority.id) in implemented:
            continue
        yield ctx.finding("top-use-case-without-scenario", "use_cases", priority.index, "id",
                          value=priority.id, id=priority.id or "?", rank=priority.rank,
                          quadrant=Label("quadrant", priority.quadrant))


@register("typed-over-formula-disagrees", WARNING, "use_cases")
def typed_over_formula_disagrees(ctx: CheckContext) -> Iterator[Finding]:
    computed = {p.index: p for p in ctx.priorities}
    row_index = {u.row: i for i, u in ctx.records("use_cases")}
    quadrants = ctx.definition.list("quadrant")
    for found in ctx.plan.read_findings:
        field = found.subject.field if found.subject else None
        if found.code != "formula-overwritten" or field not in ("quadrant", "rank") \
                or found.subject.tab != "use_cases":
            continue
        index = row_index.get(found.row)
        priority = computed.get(index) if index is not None else None
        if priority is None:
            continue
        if field == "quadrant":
            typed = quadrants.match(str(found.value)) if found.value is not None else None
            if typed == priority.quadrant:
                continue
            gives: object = Label("quadrant", priority.quadrant)
        else:
            if number(as_number(found.value)) == priority.rank:
                continue
            gives = priority.rank
        yield ctx.finding("typed-over-formula-disagrees", "use_cases", index, field,
                          value=found.value, id=priority.id or "?", gives=gives,
                          column=ColumnName("use_cases", field))
