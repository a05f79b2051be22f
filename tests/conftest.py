"""Shared fixtures: write a plan, load it back, run the CLI."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
# The benchmark's helpers (the corpus runner, the synthetic-plan generator) live in bench/.
sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
# The definitions tests fold (their own copies of the template too) are cached in a folder
# of the session's, not in the user's cache.
os.environ.setdefault("OMNISHEET_CACHE", tempfile.mkdtemp(prefix="omnisheet-tests-cache-"))

from support.libreoffice import soffice_fixture, uno_python_fixture  # noqa: E402,F401

from omnisheet.cli import main  # noqa: E402
from omnisheet.outputs.workbook import write  # noqa: E402
from omnisheet.read.reader import load  # noqa: E402


@pytest.fixture
def roundtrip(tmp_path: Path):
    """write(plan) then load(): what a team gets back from a generated workbook."""

    def go(plan, name: str = "plan.xlsx"):
        path = write(plan, tmp_path / name)
        return load(path)

    return go


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


# What makes a test slow here is a real program started for it: a test that opens files in
# LibreOffice or Chromium (through their fixtures, however indirectly) is marked `slow`, so
# `make test-fast` (-m "not slow") leaves it out and `make test` runs it. Tests slow for
# other reasons (very large plans, the real-file corpus) carry the mark themselves.
_REAL_PROGRAMS = {"soffice", "uno_python", "chromium", "poppler"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("libreoffice") or _REAL_PROGRAMS & set(
                getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def spark():
    """One real local Spark session (local[2]) for the whole run, as starting one costs
    10 to 50 s here: the survey and event samples loaded as its temporary views."""
    import importlib.util

    from support.engines import event_tables, java_ok, sample_tables, unavailable

    if importlib.util.find_spec("pyspark") is None:
        unavailable("pyspark is not installed (pip install 'omnisheet[spark]')")
    if not java_ok():
        unavailable("Java 17 or later is not installed (apt-get install openjdk-17-jre-headless)")
    from omnisheet.engine.connect import spark_session

    session = spark_session("local[2]")
    for name, table in {**sample_tables(), **event_tables()}.items():
        session.createDataFrame(table).createOrReplaceTempView(name)
    yield session
    session.stop()
