"""Checks on data integration: every scenario fed, every variable sourced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..severity import ERROR, INFO, WARNING
from .registry import Context, check, id_key

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..model import Finding


@check("scenario-without-data", WARNING, "scenarios",
       fr="{value} n'a aucune donnée listée dans l'onglet des données.",
       en="{value} lists no data on the data integration tab.",
       needs=('data_needs',))
def scenario_without_data(ctx: Context) -> Iterator[Finding]:
    """A scenario lists no data need.

    Even a welcome series needs a first name and a consent; listing the variables is how
    the data roadmap is built. Add the variables the scenario uses, with their source.
    """
    fed = {id_key(n.scenario) for n in ctx.plan.data_needs if n.scenario is not None}
    yield from ctx.scenarios_missing_from("scenario-without-data", fed)


@check("variable-without-source", ERROR, "data_needs",
       fr="La variable « {value} » n'a pas de source.",
       en="The variable \"{value}\" has no source.")
def variable_without_source(ctx: Context) -> Iterator[Finding]:
    """A data need names a variable but not the system it comes from.

    Without a source nobody can integrate it. Choose the source system (CRM, point of sale,
    customer service...), adding it to the list if needed.
    """
    for index, need in ctx.records("data_needs"):
        if need.get("variable") is not None and need.get("source") is None:
            yield ctx.finding("variable-without-source", "data_needs", index, "source",
                              value=need.get("variable"))


@check("data-unknown-scenario", ERROR, "data_needs",
       fr="Cette donnée sert {value}, qui n'est pas un scénario.",
       en="This data need serves {value}, which is not a scenario.",
       needs=('scenarios',))
def data_unknown_scenario(ctx: Context) -> Iterator[Finding]:
    """A data need names a scenario ID that the scenario specs do not have.

    Correct the ID (the cell has a dropdown of existing scenarios).
    """
    yield from ctx.unknown_references("data-unknown-scenario", "data_needs", "scenario",
                                      ctx.scenario_ids)


@check("data-not-available", INFO, "data_needs",
       fr="« {value} » ({source}) n'est pas encore disponible : {availability}.",
       en="\"{value}\" ({source}) is not available yet: {availability}.")
def data_not_available(ctx: Context) -> Iterator[Finding]:
    """A variable is still to integrate or to collect.

    Not a mistake: it is work to plan. These variables make up the data roadmap, by
    source, ordered by the value of the scenarios waiting on them.
    """
    for index, need in ctx.records("data_needs"):
        availability = need.get("availability")
        if availability in ("to_integrate", "to_collect"):
            yield ctx.finding("data-not-available", "data_needs", index, "availability",
                              value=need.get("variable"),
                              source=ctx.label("source", need.get("source")) or "?",
                              availability=ctx.label("availability", availability))
