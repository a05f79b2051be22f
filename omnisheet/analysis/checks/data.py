"""Checks on data integration: every scenario fed, every variable sourced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...plan.lookups import id_key
from ...template.facts import Label
from ...template.severity import ERROR, INFO, WARNING
from .registry import CheckContext, register

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...plan.model import Finding


@register("scenario-without-data", WARNING, "scenarios", needs=("data_needs",))
def scenario_without_data(ctx: CheckContext) -> Iterator[Finding]:
    fed = {id_key(n.scenario) for n in ctx.plan.data_needs if n.scenario is not None}
    yield from ctx.scenarios_missing_from("scenario-without-data", fed)


@register("variable-without-source", ERROR, "data_needs")
def variable_without_source(ctx: CheckContext) -> Iterator[Finding]:
    for index, need in ctx.records("data_needs"):
        if need.get("variable") is not None and need.get("source") is None:
            yield ctx.finding("variable-without-source", "data_needs", index, "source",
                              value=need.get("variable"))


@register("data-unknown-scenario", ERROR, "data_needs", needs=("scenarios",))
def data_unknown_scenario(ctx: CheckContext) -> Iterator[Finding]:
    yield from ctx.unknown_references("data-unknown-scenario", "data_needs", "scenario",
                                      ctx.scenario_ids)


@register("data-not-available", INFO, "data_needs")
def data_not_available(ctx: CheckContext) -> Iterator[Finding]:
    for index, need in ctx.records("data_needs"):
        availability = need.get("availability")
        if availability in ("to_integrate", "to_collect"):
            yield ctx.finding("data-not-available", "data_needs", index, "availability",
                              value=need.get("variable"),
                              source=Label("source", need.get("source")) if need.get("source") else "?",
                              availability=Label("availability", availability))
