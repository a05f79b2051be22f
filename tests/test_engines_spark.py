"""The survey and event samples computed on a real local Spark (pyspark, local[2], Java 17)
give the figures DuckDB gives on the files: counts equal, means, NPS, intervals, shares,
medians and percentiles to 1e-9, the same latest comment, the same rows set aside, the
same printed text. One session for the whole run (tests/conftest.py: it takes 10 to 50 s
to start here); the command line reuses it, as a notebook would. Only the test of what a
user's terminal shows starts Spark of its own, as `omnisheet` does."""

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
    TYPED,
    assert_same,
    assert_same_journeys,
    events_named_as_tables,
    figures,
    journey_figures,
    named_as_tables,
    sample_tables,
)

pytestmark = pytest.mark.engines
TABLES = ("barometre_nps", "livraison_ces", "post_achat")


@pytest.fixture(scope="module")
def on_duckdb():
    from omnisheet.feedback import read_feedback

    return {period: figures(read_feedback([SAMPLES], PLAN, period=period))
            for period in ("month", "quarter")}


@pytest.mark.parametrize("period", ["month", "quarter"])
def test_spark_gives_the_figures_duckdb_gives(spark, on_duckdb, period):
    from omnisheet.engine import open_engine, parse_engine
    from omnisheet.feedback import read_feedback

    with open_engine(parse_engine("local[2]"), session=spark) as engine:
        found = read_feedback((), PLAN, period=period, where=engine, tables=TABLES)
    theirs = figures(found)
    assert_same(on_duckdb[period], theirs)
    # what the samples plant is there: a date that does not exist, a relay point channel
    assert theirs["rejected"]["unparseable_date"][0] == 6
    assert theirs["rejected"]["unknown_channel"] == (82, ["Point relais"])
    assert spark.table(TYPED).schema[
        "Soumis le"].dataType.typeName() == "timestamp"  # a typed date, as warehouses hold


def test_the_command_on_spark_prints_what_it_prints_on_files(spark, cli, tmp_path):
    on_files = cli("feedback", SAMPLES, "--plan", PLAN)
    args = [a for t in TABLES for a in ("--table", t)]
    on_spark = cli("feedback", "--engine", "local[2]", *args, "--plan", PLAN)
    assert on_spark.exit_code == 0, on_spark.output
    assert on_spark.output == named_as_tables(on_files.output)
    assert "post_achat : note" in on_spark.output


def test_a_table_spark_does_not_have_is_one_line_and_nothing_written(spark, cli, tmp_path):
    out = tmp_path / "measures.xlsx"
    result = cli("feedback", "--engine", "local[2]", "--table", "crm.responses_2025",
                 "--plan", PLAN, "-o", out, "--lang", "en")
    assert result.exit_code == 2 and not out.exists()
    assert result.output.strip().splitlines() == [
        "omnisheet: crm.responses_2025: no such table on local[2]; check its name "
        "(schema.table) and that this account can see it."]


@pytest.fixture(scope="module")
def journeys_on_duckdb():
    from omnisheet.journeys import read_journeys

    return journey_figures(read_journeys([EVENTS], EVENTS_PLAN))


def test_journeys_on_spark_give_the_figures_duckdb_gives(spark, journeys_on_duckdb):
    """GA4's microseconds, the email log's ISO moments with Z, the tills' ISO text, the
    CRM's timestamps, keys tied through the identities table: every figure the files give."""
    from omnisheet.engine import open_engine, parse_engine
    from omnisheet.journeys import read_journeys

    with open_engine(parse_engine("local[2]"), session=spark) as engine:
        found = read_journeys((), EVENTS_PLAN, where=engine, tables=EVENT_TABLES)
    assert_same_journeys(journeys_on_duckdb, journey_figures(found))
    assert found.known_customers > 2000 and found.suppressed > 0
    assert spark.table("ga4_export").schema["event_timestamp"].dataType.typeName() == "long"


def test_the_journeys_command_on_spark_prints_what_it_prints_on_files(spark, cli):
    on_files = cli("journeys", EVENTS, "--plan", EVENTS_PLAN)
    args = [a for t in EVENT_TABLES for a in ("--table", t)]
    on_spark = cli("journeys", "--engine", "local[2]", *args, "--plan", EVENTS_PLAN)
    assert on_spark.exit_code == 0, on_spark.output
    assert on_spark.output == events_named_as_tables(on_files.output)


def test_journeys_on_a_table_spark_cannot_use_is_one_line_and_nothing_written(spark, cli,
                                                                               tmp_path):
    out = tmp_path / "parcours.xlsx"
    spark.sql("CREATE OR REPLACE TEMP VIEW tickets_flagged AS SELECT ticket, "
              "date_heure IS NOT NULL AS date_heure, carte_fidelite, type_ticket "
              "FROM caisse_tickets")
    for table, said in (
            ("crm.interactions_2025", "omnisheet: crm.interactions_2025: no such table on "
                                      "local[2]; check its name (schema.table)"),
            ("tickets_flagged", 'omnisheet: tickets_flagged: its column "date_heure", read as '
                                "the moment, holds boolean; the moment should be a timestamp")):
        result = cli("journeys", "--engine", "local[2]", "--table", table, "--table",
                     "identites", "--plan", EVENTS_PLAN, "-o", out, "--lang", "en")
        assert result.exit_code == 2 and not out.exists()
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(said), lines


def test_a_local_spark_prints_no_warn_line(spark, tmp_path):
    """What a user's terminal shows when omnisheet starts a local Spark itself: the
    figures on stdout and nothing on stderr: no log4j WARN line, no notice of Java's or
    Spark's start (both commands, each its own Spark, as typed in a shell)."""
    import pyarrow.parquet as pq

    responses = tmp_path / f"{TYPED}.parquet"
    pq.write_table(sample_tables()[TYPED], responses)
    env = {k: v for k, v in os.environ.items() if k != "OMNISHEET_DEBUG"}
    for args, said in (
            (["journeys", "--table", str(EVENTS / "ga4-export.parquet"), "--plan",
              str(EVENTS_PLAN)], "ga4-export.parquet (export GA4) : 6\u202f630 événements"),
            (["feedback", "--table", str(responses), "--plan", str(PLAN)],
             "1\u202f294 retenues")):
        result = subprocess.run([sys.executable, "-m", "omnisheet.cli", args[0], "--engine",
                                 "local[2]", *args[1:]], capture_output=True, text=True,
                                env=env, timeout=600)
        assert result.returncode == 0, result.stderr
        assert said in result.stdout
        assert "WARN" not in result.stderr and result.stderr == "", result.stderr
