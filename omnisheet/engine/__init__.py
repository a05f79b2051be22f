"""Where `feedback` (and `journeys`) compute: DuckDB on this machine by default, or an
engine where the data lives: a Spark session (`spark`, `local[N]`, `spark://host:7077`)
or a warehouse by its Ibis connection URL (`postgres://…`, `bigquery://…`, `trino://…`).

Only aggregates travel back. Credentials are the engine's own business (environment,
its config files): a password on the command line is refused, and no message or output
shows one. Nothing here imports Ibis, pandas or pyspark until an engine is opened, so
the default path and `--help` cost nothing more.

    from omnisheet.engine import parse_engine, open_engine
    with open_engine(parse_engine("local[2]")) as engine:
        table = engine.table("survey_responses")
"""

from __future__ import annotations

from .connect import Engine, on_engine, open_engine, tables_of
from .errors import EngineError
from .spec import EXTRAS, Spec, parse_engine

__all__ = ["EXTRAS", "Engine", "EngineError", "Spec", "on_engine", "open_engine", "parse_engine",
           "tables_of"]
