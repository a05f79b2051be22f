"""Checks on data integration: every scenario fed, every variable sourced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...plan.lookups import id_key
from ...template.formatting import Label, Phrase
from ...template.severity import ERROR, INFO, WARNING
from .registry import Context, check

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ...plan.model import Finding


@check("scenario-without-data", WARNING, "scenarios", needs=("data_needs",))
def scenario_without_data(ctx: Context) -> Iterator[Finding]:
    """A scenario lists no data need."""
    fed = {id_key(n.scenario) for n in ctx.plan.data_needs if n.scenario is not None}
    yield from ctx.scenarios_missing_from("scenario-without-data", fed)


@check("variable-without-source", ERROR, "data_needs")
def variable_without_source(ctx: Context) -> Iterator[Finding]:
    """A data need names a variable but not the system it comes from."""
    for index, need in ctx.records("data_needs"):
        if need.get("variable") is not None and need.get("source") is None:
            yield ctx.finding("variable-without-source", "data_needs", index, "source",
                              value=need.get("variable"))


@check("data-unknown-scenario", ERROR, "data_needs", needs=("scenarios",))
def data_unknown_scenario(ctx: Context) -> Iterator[Finding]:
    """A data need names a scenario ID that the scenario specs do not have."""
    yield from ctx.unknown_references("data-unknown-scenario", "data_needs", "scenario",
                                      ctx.scenario_ids)


@check("data-not-available", INFO, "data_needs")
def data_not_available(ctx: Context) -> Iterator[Finding]:
    """A variable is still to integrate or to collect."""
    for index, need in ctx.records("data_needs"):
        availability = need.get("availability")
        if availability in ("to_integrate", "to_collect"):
            yield ctx.finding("data-not-available", "data_needs", index, "availability",
                              value=need.get("variable"),
                              source=ctx.label("source", need.get("source"))
                              or Phrase("check_phrases", "no_source"),
                              availability=ctx.label("availability", availability))


@check("live-use-case-data-missing", WARNING, "data_needs", needs=("scenarios", "use_cases"))
def live_use_case_data_missing(ctx: Context) -> Iterator[Finding]:
    """A scenario of a use case in production needs a variable that is not available."""
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
