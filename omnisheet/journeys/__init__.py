"""Behavioural events → the journey customers really take, checked against the plan.

    from omnisheet.journeys import read_journeys
    journeys = read_journeys(["exports/"], "plan.xlsx", period="month")
    journeys.traffic_in()      # customers per stage × channel in the latest period
    journeys.switches_in()     # from one step to the next, with median and 90th percentile
    journeys.dropoffs_in()     # who reached a stage and no later one within the window

Events are the exports teams have (GA4's BigQuery export, a CRM's interactions, till
receipts, an email platform's log, any table of key, moment and event), found and read
as `omnisheet feedback` reads responses (omnisheet/feedback/sources.py). DuckDB computes
everything in one statement (engine.py); Python sees only aggregates, and figures drawn
from fewer customers than the plan's threshold are suppressed (figures.py).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import JourneysInputError
from .model import Journeys
from .settings import setting

if TYPE_CHECKING:
    from ..plan.model import Plan
    from ..template.definition import Definition

__all__ = ["Journeys", "JourneysInputError", "read_journeys", "setting"]

#: DuckDB's memory limit unless OMNISHEET_MEMORY says otherwise: with Python's own, under
#: 2 GiB; beyond it DuckDB spills to a temporary folder.
MEMORY_LIMIT = "1536MB"


def read_journeys(events: Sequence[str | Path], plan: Plan | str | Path, *,
                  period: str = "month", definition: Definition | None = None,
                  threads: int | None = None, memory_limit: str | None = None,
                  where: Any = None, tables: Sequence[str] = ()) -> Journeys:
    """What the events say about the plan's journey, aggregates only. With `where` (an
    open omnisheet.engine.Engine), `tables` are that engine's, computed where they live
    (tables.py)."""
    import os

    import duckdb

    from ..feedback.errors import FeedbackInputError
    from ..feedback.sources import discover
    from ..plan.model import Plan as PlanType
    from ..template.definition import load_definition
    from . import engine, figures, reading

    d = definition or load_definition()
    the_plan = plan if isinstance(plan, PlanType) else _load(plan, d)
    if where is not None:
        return _on_tables(where, tables, the_plan, d, period)
    try:
        paths = discover(events)
    except FeedbackInputError as error:
        raise _said(JourneysInputError(error.key, **error.fields), the_plan) from None
    limit = memory_limit or os.environ.get("OMNISHEET_MEMORY") or MEMORY_LIMIT
    try:
        with tempfile.TemporaryDirectory(prefix="omnisheet-") as scratch:
            spill = Path(scratch) / "spill"
            spill.mkdir()
            con = engine.connect(threads, limit, str(spill))
            try:
                found = reading.read(con, paths, the_plan, d, Path(scratch))
                try:
                    rows = con.execute(engine.scan_sql(
                        found.events, found.identities, period,
                        setting(the_plan, d, "journey_window_days"),
                        len(found.stages))).fetchall()
                    keyless = dict(con.execute(engine.keyless_sql(found.events)).fetchall())
                    identity = con.execute(
                        "SELECT count(*), count(DISTINCT customer), "
                        "count(*) FILTER (WHERE claims > 1) "
                        f"FROM ({engine.identities_sql(found.identities)})").fetchone()
                except duckdb.OutOfMemoryException:
                    raise JourneysInputError("memory", limit=limit) from None
                except duckdb.Error as error:  # a column of a type the layout cannot use
                    reason = str(error).splitlines()[0][:200]
                    raise JourneysInputError("scan_failed", reason=reason) from None
            finally:
                con.close()
    except JourneysInputError as error:
        raise _said(error, the_plan) from None
    except FeedbackInputError as error:
        raise _said(JourneysInputError(error.key, **error.fields), the_plan) from None
    return figures.build(rows, found, keyless, identity, the_plan, d, period)


def _on_tables(engine: Any, tables: Sequence[str], plan: Plan, definition: Definition,
               period: str) -> Journeys:
    from ..engine.errors import EngineError
    from ..feedback.errors import FeedbackInputError
    from .tables import read_tables

    try:
        found = read_tables(engine, tables, plan, definition, period)
    except (JourneysInputError, EngineError) as error:
        error.plan = plan  # type: ignore[union-attr]
        raise
    except FeedbackInputError as error:  # the plan's zone
        raise _said(JourneysInputError(error.key, **error.fields), plan) from None
    return found


def _load(path: str | Path, definition: Definition) -> Plan:
    from ..read.reader import load

    return load(path, definition=definition)


def _said(error: JourneysInputError, plan: Any) -> JourneysInputError:
    error.plan = plan
    return error
