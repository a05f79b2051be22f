"""The survey samples computed on a real local Spark (pyspark, local[2], Java 17) give the
figures DuckDB gives on the files: counts equal, means, NPS and intervals to 1e-9, the
same latest comment, the same rows set aside. One session for the module (it takes
10 to 20 s to start here); the command line reuses it, as a notebook would."""

from __future__ import annotations

import importlib.util

import pytest
from support.engines import (
    PLAN,
    SAMPLES,
    TYPED,
    assert_same,
    figures,
    java_ok,
    named_as_tables,
    sample_tables,
    unavailable,
)

pytestmark = pytest.mark.engines
TABLES = ("barometre_nps", "livraison_ces", "post_achat")


@pytest.fixture(scope="module")
def spark():
    if importlib.util.find_spec("pyspark") is None:
        unavailable("pyspark is not installed (pip install 'omnisheet[spark]')")
    if not java_ok():
        unavailable("Java 17 or later is not installed (apt-get install openjdk-17-jre-headless)")
    from omnisheet.engine.connect import spark_session

    session = spark_session("local[2]")
    for name, table in sample_tables().items():
        session.createDataFrame(table).createOrReplaceTempView(name)
    yield session
    session.stop()


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
