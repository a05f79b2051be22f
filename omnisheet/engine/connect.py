"""Opening an engine through Ibis: a Spark session (local or a cluster's master), or a
warehouse by its connection URL, the credentials left to the engine's own places. A
missing optional part of omnisheet, a missing Java, an engine that cannot be reached or
that refuses the credentials is one EngineError."""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath
from typing import Any

from .errors import EngineError, explain
from .spec import DEFAULT, Spec, parse_engine

#: The Python modules each backend needs: without them, the optional part to install.
_MODULES = {"pyspark": ("ibis", "pyspark"), "postgres": ("ibis", "psycopg"),
            "duckdb": ("ibis", "duckdb"), "bigquery": ("ibis", "google.cloud.bigquery"),
            "snowflake": ("ibis", "snowflake.connector"), "trino": ("ibis", "trino"),
            "mysql": ("ibis", "MySQLdb"), "databricks": ("ibis", "databricks.sql"),
            "clickhouse": ("ibis", "clickhouse_connect"), "mssql": ("ibis", "pyodbc"),
            "oracle": ("ibis", "oracledb")}


class Engine:
    """An open engine: its Ibis backend (`con`), its tables by name, closed when done
    (a Spark session only if it was opened here)."""

    def __init__(self, spec: Spec, con: Any, session: Any = None, owned: bool = False) -> None:
        self.spec, self.con, self.session, self.owned = spec, con, session, owned

    @property
    def label(self) -> str:
        return self.spec.label

    def table(self, name: str) -> Any:
        """A table of the engine (`schema.table` or `catalog.schema.table`), or Parquet
        files the engine reads where they are (a path: `hdfs://…/responses/`, `x.parquet`)."""
        try:
            if is_path(name):
                return self.con.read_parquet(name)
            *database, table = name.split(".")
            if not database:
                return self.con.table(table)
            return self.con.table(table, database=tuple(database) if len(database) > 1
                                  else database[0])
        except Exception as error:
            raise explain(error, self.label, name) from None

    def table_with_schema(self, name: str) -> tuple[Any, Any]:
        """`table(name)` and its schema (column names and types, nothing read yet); a
        table the engine cannot describe is one EngineError naming it."""
        table = self.table(name)
        try:
            return table, table.schema()
        except Exception as error:
            raise explain(error, self.label, name) from None

    def fetch(self, expr: Any, what: str) -> list[dict[str, Any]]:
        """The rows of `expr` computed on the engine, as dicts: the caller's expression
        groups them, so only aggregates travel. A failure is one EngineError naming
        `what` (the tables it reads); `feedback` and `journeys` both fetch through it."""
        try:
            return expr.to_pyarrow().to_pylist()
        except Exception as error:
            raise explain(error, self.label, what) from None

    def close(self) -> None:
        try:
            if self.session is not None:
                if self.owned:
                    self.session.stop()
            elif hasattr(self.con, "disconnect"):
                self.con.disconnect()
        except Exception:  # closing is best effort: the results are already out
            pass

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def is_path(name: str) -> bool:
    """Whether `--table NAME` names Parquet files rather than a table."""
    return "/" in name or name.lower().endswith((".parquet", ".pq"))


def table_stem(name: str) -> str:
    """What the plan's tabs call a table by, as they call a file by its name without
    extension: `responses_2025` of `crm.responses_2025`, of `exports/responses_2025.parquet`
    and of `hdfs://…/responses_2025/`."""
    if is_path(name):
        return PurePosixPath(name.rstrip("/")).stem
    return name.rsplit(".", 1)[-1]


def require(spec: Spec) -> None:
    """The optional part this engine needs is installed, or one line says which."""
    for module in _MODULES.get(spec.backend, ("ibis",)):
        try:
            importlib.import_module(module)
        except ImportError:
            raise EngineError("extra_missing", engine=spec.label, extra=spec.extra) from None


def open_engine(spec: Spec, session: Any = None) -> Engine:
    """The engine `spec` names, connected; `session` an existing Spark session to use."""
    if spec.default:
        raise EngineError("default_has_no_tables")
    require(spec)
    import ibis

    try:
        if spec.kind == "spark":
            owned = session is None and _active_spark() is None
            session = session or spark_session(spec.target)
            return Engine(spec, ibis.pyspark.connect(session), session, owned)
        return Engine(spec, ibis.connect(spec.target))
    except EngineError:
        raise
    except Exception as error:
        raise explain(error, spec.label) from None


def on_engine(engine: str | None, files: Sequence[Any], tables: Sequence[str]) -> bool:
    """Whether a command reads an engine's tables rather than files on this machine: it
    names tables, an engine other than the default, or nothing at all (said by tables_of)."""
    return bool(tables) or not files or (engine or DEFAULT).strip().lower() != DEFAULT


@contextlib.contextmanager
def tables_of(engine: str | None, files: Sequence[Any], tables: Sequence[str],
              nothing: str = "nothing_to_read", session: Any = None) -> Iterator[Engine]:
    """The engine `--engine` names, open, for the `--table`s a command was given: files
    given with it, or no table at all, are one line (`nothing` the key of that one)."""
    spec = parse_engine(engine)
    if files:
        raise EngineError("files_with_engine", file=str(files[0]), engine=spec.label)
    if not tables:
        raise EngineError(nothing)
    with open_engine(spec, session=session) as opened:
        yield opened


def _active_spark() -> Any:
    from pyspark.sql import SparkSession

    return SparkSession.getActiveSession()


def spark_session(master: str = "") -> Any:
    """A Spark session: `master` as given (`local[2]`, `spark://host:7077`), or Spark's own
    configuration (spark-defaults.conf, SPARK_MASTER) when empty. Times are read in UTC,
    as DuckDB reads them; the web UI is off; a local session shuffles into few parts and
    logs nothing below FATAL (its WARN lines would bury the output; OMNISHEET_DEBUG=1
    keeps them)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("omnisheet")
    if master:
        builder = builder.master(master)
    builder = (builder.config("spark.sql.session.timeZone", "UTC")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false"))
    local = not master or master.startswith("local")
    if local:
        builder = builder.config("spark.sql.shuffle.partitions",
                                 os.environ.get("OMNISHEET_SPARK_PARTITIONS", "4"))
    quiet = master.startswith("local") and not os.environ.get("OMNISHEET_DEBUG")
    if quiet and _active_spark() is None:
        builder = builder.config("spark.driver.extraJavaOptions",
                                 f"-Dlog4j2.configurationFile={_LOG4J}")
        session = _without_notices(builder.getOrCreate)
    else:
        session = builder.getOrCreate()
    session.sparkContext.setLogLevel("FATAL" if quiet else "ERROR")
    if not os.environ.get("OMNISHEET_DEBUG"):
        _no_python_logs()
    return session


#: Spark's logging as omnisheet sets it for a local session (read when the JVM starts).
_LOG4J = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spark-log4j2.properties")


#: What Java and Spark print straight to the error stream when a session starts (Java: an
#: incubating module Spark asks for; Spark: the shell's log level), which no logging
#: setting reaches: dropped from the Java process's error stream.
_NOTICES = ("WARNING: Using incubator modules:", "Setting default log level to",
            "To adjust logging level use sc.setLogLevel")


def _without_notices(start: Any) -> Any:
    """`start()`, with the Java process it launches writing its error stream through a
    pipe whose lines reach this one's unchanged, all but Java's start-up notices. Only the
    launch sees the pipe: this process's own stderr is given back at once."""
    import sys
    import threading

    reading, writing = os.pipe()
    sys.stderr.flush()
    kept = os.dup(2)
    os.dup2(writing, 2)
    try:
        return start()
    finally:
        os.dup2(kept, 2)
        os.close(kept)
        os.close(writing)
        threading.Thread(target=_pass_on, args=(reading,), daemon=True).start()


def _pass_on(reading: int) -> None:
    with os.fdopen(reading, "rb") as lines:
        for line in lines:
            if not line.decode(errors="replace").startswith(_NOTICES):
                os.write(2, line)


def _no_python_logs() -> None:
    """pyspark logs each failed query as JSON on stderr before raising it; omnisheet says
    the failure in one line (explain), so those logs are dropped."""
    from pyspark.logger import PySparkLogger

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).disabled = True
