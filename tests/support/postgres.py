"""A real Postgres server for a test: Debian's postgresql, made in a temporary folder
with initdb, started with pg_ctl on a free local port (as the postgres user when the
tests run as root, which initdb refuses), stopped and removed afterwards."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str
    password: str
    database: str

    def url(self) -> str:
        """The connection URL a user types: no password in it."""
        return f"postgres://{self.user}@{self.host}:{self.port}/{self.database}"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH), or None."""
    if shutil.which("pg_ctl") and shutil.which("initdb"):
        return Path(shutil.which("pg_ctl")).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres_server(password: str = "Lumen-s3cret-2026") -> Iterator[Server]:
    folder = binaries()
    if folder is None:
        raise RuntimeError("postgresql is not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="omnisheet-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    os.chmod(root, 0o700)
    data, pwfile, log = root / "data", root / "pw", root / "log"
    pwfile.write_text(password + "\n")
    if as_user:
        shutil.chown(pwfile, "postgres")
    port = _free_port()
    run = dict(check=True, capture_output=True, text=True, timeout=120)
    try:
        subprocess.run([*as_user, str(folder / "initdb"), "-D", str(data), "-U", "omnisheet",
                        f"--pwfile={pwfile}", "--auth=scram-sha-256", "--locale=C",
                        "--encoding=UTF8"], **run)
        subprocess.run([*as_user, str(folder / "pg_ctl"), "-D", str(data), "-l", str(log),
                        "-w", "-t", "60", "-o",
                        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
                        "start"], **run)
        server = Server("127.0.0.1", port, "omnisheet", password, "postgres")
        yield server
    finally:
        subprocess.run([*as_user, str(folder / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def load_tables(server: Server, tables: dict) -> None:
    """pyarrow tables into the server, by COPY (text, whole number and timestamp columns;
    a timestamp with its zone as timestamptz)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=server.host, port=server.port, user=server.user,
                         password=server.password, dbname=server.database) as con:
        for name, table in tables.items():
            columns = [sql.SQL("{} {}").format(
                sql.Identifier(field.name),
                sql.SQL(_column_type(str(field.type))))
                for field in table.schema]
            con.execute(sql.SQL("CREATE TABLE {} ({})").format(
                sql.Identifier(name), sql.SQL(", ").join(columns)))
            names = sql.SQL(", ").join(sql.Identifier(n) for n in table.column_names)
            with con.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(name), names)) as copy:
                for row in table.to_pylist():
                    copy.write_row(list(row.values()))


def _column_type(arrow: str) -> str:
    if arrow.startswith("timestamp"):
        return "timestamptz" if "tz=" in arrow else "timestamp"
    if arrow in ("int64", "int32", "int16", "int8"):
        return "bigint"
    return "text"
