"""`--engine` as given, understood: which engine, where, and which optional part of
omnisheet it needs; shown back only without its password."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from .errors import EngineError

DEFAULT = "duckdb"

#: The Ibis backend of each URL scheme, and the optional part of omnisheet that brings it.
BACKENDS = {"duckdb": "duckdb", "postgres": "postgres", "postgresql": "postgres",
            "bigquery": "bigquery", "snowflake": "snowflake", "trino": "trino",
            "databricks": "databricks", "mysql": "mysql", "mssql": "mssql",
            "clickhouse": "clickhouse", "pyspark": "pyspark", "oracle": "oracle"}
EXTRAS = {"duckdb": "duckdb", "pyspark": "spark", "postgres": "postgres",
          "bigquery": "bigquery", "snowflake": "snowflake", "trino": "trino",
          "databricks": "databricks", "mysql": "mysql", "mssql": "mssql",
          "clickhouse": "clickhouse", "oracle": "oracle"}

_LOCAL = re.compile(r"^local(\[(\d+|\*)(,\d+)?\])?$")
_SECRET_QUERY = re.compile(r"(password|passwd|pwd|secret|token|key)", re.IGNORECASE)


@dataclass(frozen=True)
class Spec:
    """An engine: `kind` is "duckdb" (files on this machine), "spark" (`target` the
    master, empty for Spark's own configuration) or "url" (`target` the Ibis URL)."""

    kind: str
    target: str = ""
    backend: str = "duckdb"

    @property
    def default(self) -> bool:
        return self.kind == "duckdb"

    @property
    def extra(self) -> str:
        return EXTRAS.get(self.backend, self.backend)

    @property
    def label(self) -> str:
        """How messages name the engine: never with a password."""
        if self.kind == "spark":
            return self.target or "spark"
        return shown(self.target) if self.target else DEFAULT


def parse_engine(text: str | None) -> Spec:
    """`duckdb`, `spark`, `local`, `local[N]`, `spark://host:port`, `yarn`, `k8s://…`, or an
    Ibis URL such as `postgres://user@host/db`; a URL holding a password is refused."""
    given = (text or DEFAULT).strip()
    lowered = given.lower()
    if lowered == DEFAULT:
        return Spec("duckdb")
    if lowered == "spark":
        return Spec("spark", "", "pyspark")
    if _LOCAL.match(lowered) or lowered.startswith(("spark://", "k8s://")) or lowered == "yarn":
        return Spec("spark", given, "pyspark")
    parts = urlsplit(given)
    scheme = parts.scheme.lower()
    if not scheme or "://" not in given:
        raise EngineError("unknown_engine", engine=shown(given))
    if scheme not in BACKENDS:
        raise EngineError("unknown_engine", engine=shown(given))
    if parts.password or any(_SECRET_QUERY.search(q.split("=")[0])
                             for q in parts.query.split("&") if q):
        raise EngineError("password_in_url", engine=shown(given))
    return Spec("url", given, BACKENDS[scheme])


def shown(url: str) -> str:
    """A URL as messages may show it: no password, no query (where keys and tokens go)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "?"
    if not parts.scheme:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    if not user + host:  # duckdb:///file.duckdb
        return f"{parts.scheme}://{parts.path}"
    return urlunsplit((parts.scheme, user + host, parts.path, "", ""))
