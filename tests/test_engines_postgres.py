"""The warehouse path on a real Postgres server (Debian's postgresql, started here with
initdb and pg_ctl on a free local port): a connection URL without password, the password
from the environment (PGPASSWORD, as libpq reads it), the figures of the files for the
survey and the event samples, and one line, without the password, for a wrong password,
a missing table, moments it cannot read."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support.engines import (
    EVENT_TABLES,
    EVENTS,
    EVENTS_PLAN,
    PLAN,
    SAMPLES,
    assert_same,
    assert_same_journeys,
    event_tables,
    events_named_as_tables,
    figures,
    journey_figures,
    sample_tables,
    unavailable,
)

pytestmark = pytest.mark.engines
TABLES = ("barometre_nps", "livraison_ces", "post_achat")


@pytest.fixture(scope="module")
def server():
    from support.postgres import binaries, load_tables, postgres_server

    if binaries() is None:
        unavailable("postgresql is not installed (apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg is not installed (pip install 'omnisheet[postgres]')")
    with postgres_server() as started:
        load_tables(started, sample_tables())
        load_tables(started, event_tables(nested=False))
        _sql(started, 'CREATE SCHEMA zoned; CREATE TABLE zoned.emailing AS SELECT '
                      '"Event Date"::timestamptz AS "Event Date", "Email", "Event Type", '
                      '"Campaign Name" FROM emailing; '
                      "CREATE TABLE crm_day_first AS SELECT to_char(date_interaction, "
                      "'DD/MM/YYYY HH24:MI') AS date_interaction, id_interaction, num_client, "
                      "canal, sens, motif FROM crm_interactions")
        yield started


def _sql(server, statements: str) -> None:
    import psycopg

    with psycopg.connect(host=server.host, port=server.port, user=server.user,
                         password=server.password, dbname=server.database) as con:
        con.execute(statements)


def _omnisheet(*args: str, password: str, debug: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "PGPASSWORD": password}
    env.pop("OMNISHEET_DEBUG", None)
    if debug:
        env["OMNISHEET_DEBUG"] = "1"
    return subprocess.run([sys.executable, "-m", "omnisheet.cli", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_postgres_gives_the_figures_duckdb_gives(server, monkeypatch):
    from omnisheet.engine import open_engine, parse_engine
    from omnisheet.feedback import read_feedback

    monkeypatch.setenv("PGPASSWORD", server.password)
    with open_engine(parse_engine(server.url())) as engine:
        found = read_feedback((), PLAN, where=engine, tables=TABLES)
    assert_same(figures(read_feedback([SAMPLES], PLAN)), figures(found))


def test_the_command_with_a_url_and_the_password_in_the_environment(server, tmp_path):
    out = tmp_path / "measures.xlsx"
    args = [a for t in TABLES for a in ("--table", t)]
    result = _omnisheet("feedback", "--engine", server.url(), *args, "--plan", str(PLAN),
                        "--format", "json", password=server.password)
    assert result.returncode == 0, result.stderr
    on_files = _omnisheet("feedback", str(SAMPLES), "--plan", str(PLAN), "--format", "json",
                          password="")
    import json

    ours, theirs = json.loads(result.stdout), json.loads(on_files.stdout)
    assert ours["measures"] and ours["measures"] == theirs["measures"]

    def reasons(found):  # the examples name the table where the files' name their path
        return [{**r, "examples": [{k: v for k, v in e.items() if k != "file"}
                                   for e in r["examples"]]} for r in found["rejected"]]

    assert reasons(ours) == reasons(theirs)
    written = _omnisheet("feedback", "--engine", server.url(), *args, "--plan", str(PLAN),
                         "-o", str(out), password=server.password)
    assert written.returncode == 0 and out.exists()
    for said in (result.stdout, result.stderr, written.stdout, written.stderr):
        assert server.password not in said
    assert server.password.encode() not in out.read_bytes()


@pytest.mark.parametrize("debug", [False, True])
def test_a_wrong_password_is_one_line_that_does_not_show_it(server, tmp_path, debug):
    out = tmp_path / "measures.xlsx"
    wrong = "Not-the-password-77"
    result = _omnisheet("feedback", "--engine", server.url(), "--table", "post_achat",
                        "--plan", str(PLAN), "-o", str(out), password=wrong, debug=debug)
    assert result.returncode == 2 and not out.exists() and result.stdout == ""
    assert result.stderr.strip().splitlines()[-1] == (
        f"omnisheet: {server.url()} : les identifiants ont été refusés ; vérifiez l'utilisateur "
        "de l'URL et le mot de passe là où le moteur le lit (PGPASSWORD ou ~/.pgpass pour "
        "Postgres, la configuration propre à l'entrepôt sinon).")
    assert len(result.stderr.strip().splitlines()) == (2 if debug else 1)
    assert wrong not in result.stderr and server.password not in result.stderr


def test_a_missing_table_is_one_line_in_the_plans_language(server):
    result = _omnisheet("feedback", "--engine", server.url(), "--table", "public.reponses_2025",
                        "--plan", str(PLAN), password=server.password)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"omnisheet: public.reponses_2025 : aucune table de ce nom sur {server.url()} ; "
        "vérifiez son nom (schéma.table) et que ce compte peut la voir."]


@pytest.mark.parametrize("emailing", ["emailing", "zoned.emailing"])
def test_journeys_on_postgres_give_the_figures_duckdb_gives(server, monkeypatch, emailing):
    """The email log's moments as ISO text with Z, then as timestamptz: both moved to the
    plan's Paris time as the file's are."""
    from omnisheet.engine import open_engine, parse_engine
    from omnisheet.journeys import read_journeys

    monkeypatch.setenv("PGPASSWORD", server.password)
    tables = [t if t != "emailing" else emailing for t in EVENT_TABLES]
    with open_engine(parse_engine(server.url())) as engine:
        found = read_journeys((), EVENTS_PLAN, where=engine, tables=tables)
    assert_same_journeys(journey_figures(read_journeys([EVENTS], EVENTS_PLAN)),
                         journey_figures(found))


def test_the_journeys_command_with_a_url_prints_what_it_prints_on_files(server, tmp_path):
    out = tmp_path / "parcours.xlsx"
    args = [a for t in EVENT_TABLES for a in ("--table", t)]
    on_files = _omnisheet("journeys", str(EVENTS), "--plan", str(EVENTS_PLAN), password="")
    result = _omnisheet("journeys", "--engine", server.url(), *args, "--plan",
                        str(EVENTS_PLAN), password=server.password)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout == events_named_as_tables(on_files.stdout)
    written = _omnisheet("journeys", "--engine", server.url(), *args, "--plan",
                         str(EVENTS_PLAN), "-o", str(out), password=server.password)
    assert written.returncode == 0 and out.exists()
    for said in (result.stdout, written.stdout, written.stderr):
        assert server.password not in said
    assert server.password.encode() not in out.read_bytes()


@pytest.mark.parametrize("table, password, said", [
    ("ga4_export", "Not-the-password-77", "{url} : les identifiants ont été refusés ; "),
    ("public.ventes_2025", None, "public.ventes_2025 : aucune table de ce nom sur {url} ; "),
    ("crm_day_first", None, "crm_day_first : ses moments de « date_interaction » s'écrivent "
                            "comme « 01/03/2026 10:26 », ce que --engine ne lit pas"),
])
def test_journeys_refused_by_postgres_is_one_line_and_nothing_written(server, tmp_path, table,
                                                                      password, said):
    out = tmp_path / "parcours.xlsx"
    result = _omnisheet("journeys", "--engine", server.url(), "--table", table, "--table",
                        "identites", "--plan", str(EVENTS_PLAN), "-o", str(out),
                        password=password or server.password)
    assert result.returncode == 2 and not out.exists() and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "omnisheet: " + said.format(url=server.url())), lines
    assert server.password not in result.stderr
    assert password is None or password not in result.stderr
