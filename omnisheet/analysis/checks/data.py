"""Checks on data integration: every scenario fed, every variable sourced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...plan.lookups import id_key
from ...template.facts import Label, Phrase
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
                              source=Label("source", need.get("source")) if need.get("source")
                              else Phrase("check_phrases", "no_source"),
                              availability=Label("availability", availability))


@register("live-use-case-data-missing", WARNING, "data_needs", needs=("scenarios", "use_cases"))
def live_use_case_data_missing(ctx: CheckContext) -> Iterator[Finding]:
    live = {id_key(u.id) for u in ctx.plan.use_cases
            if u.id is not None and u.status == "live"}
    serving = {id_key(s.id): s.use_case for s in ctx.plan.scenarios
               if s.id is not None and s.use_case is not None and id_key(s.use_case) in live}
    for index, need in ctx.records("data_needs"):
        availability = need.get("availability")
        scenario = need.get("scenario")
        if availability in ("to_integrate", "to_collect") and scenario is not None \
                and id_key(scenario) in serving:
            yield ctx.finding("live-use-case-data-missing", "data_needs", index,
                              "availability", value=need.get("variable"),
                              source=Label("source", need.get("source")) if need.get("source")
                              else None,
                              availability=Label("availability", availability),
                              scenario=scenario, use_case=serving[id_key(scenario)])
