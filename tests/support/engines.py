"""The survey samples as an engine's tables, and the figures to compare across engines.

Each sample file is read by omnisheet's own file reading (DuckDB: encodings, delimiters,
workbooks, day-first dates), then held as a warehouse would hold it: every column as
text, the date as ISO text where it was read (the text as given where it was not, so an
unreadable date stays one), and one table with a real timestamp column instead."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "feedback"
PLAN = ROOT / "samples" / "retail-fr.xlsx"
TYPED = "post_achat"  # the table whose date is a TIMESTAMP column, not text


def table_name(path: Path) -> str:
    return path.stem.replace("-", "_")


def named_as_tables(output: str) -> str:
    """The command's output on the sample files, each file's line of columns naming its
    table instead (what the output on the tables says)."""
    for path in sorted(SAMPLES.iterdir()):
        output = output.replace(f"  {path} :", f"  {table_name(path)} :")
    return output


def sample_tables() -> dict[str, Any]:
    """{table name: pyarrow.Table} for every file of samples/feedback/."""
    from omnisheet.feedback import engine, sources
    from omnisheet.feedback.vocabulary import vocabulary
    from omnisheet.feedback.zones import plan_zone
    from omnisheet.read.reader import load
    from omnisheet.template.definition import load_definition

    definition = load_definition()
    words = vocabulary(definition)
    tables = {}
    with tempfile.TemporaryDirectory() as scratch:
        con = engine.connect()
        con.execute("SET VARIABLE plan_zone = ?", [plan_zone(load(PLAN, definition=definition))])
        for index, path in enumerate(sources.discover([SAMPLES])):
            source = sources.prepare(path, con, words, {}, Path(scratch), index)[0]
            date = source.columns["date"]
            name = table_name(path)
            quoted = sources.sql_name(date)
            if name == TYPED:
                value = f"{source.date_sql}"
            else:
                value = (f"coalesce(strftime({source.date_sql}, '%Y-%m-%d %H:%M:%S'), "
                         f"CAST({quoted} AS VARCHAR))")
            others = ", ".join(f"CAST({sources.sql_name(h)} AS VARCHAR) AS {sources.sql_name(h)}"
                               if h != date else f"{value} AS {quoted}"
                               for h in source.headers)
            tables[name] = con.sql(f"SELECT {others} FROM {source.sample_relation}").arrow()
            if hasattr(tables[name], "read_all"):
                tables[name] = tables[name].read_all()
        con.close()
    return tables


def figures(feedback: Any) -> dict[str, Any]:
    """What a user reads in the output: every measure with its answers and interval, the
    latest comment, and the rows set aside by reason (with their examples' values)."""
    measures = {}
    for series in feedback.series:
        for period in series.periods:
            p = period.point
            measures[(str(series.stage), str(series.channel), series.indicator, period.start)] = (
                p.value, p.answers, p.low, p.high,
                (period.verbatim.text, period.verbatim.score, period.verbatim.at)
                if period.verbatim else None)
    rejected = {r.reason: (r.count, sorted(str(e.value) for e in r.examples))
                for r in feedback.rejected}
    return {"measures": measures, "rejected": rejected, "periods": feedback.periods,
            "used": feedback.used}


def assert_same(ours: dict[str, Any], theirs: dict[str, Any], tolerance: float = 1e-9) -> None:
    """Counts equal; means, shares and intervals equal to `tolerance`."""
    assert ours["periods"] == theirs["periods"]
    assert ours["used"] == theirs["used"]
    assert ours["rejected"] == theirs["rejected"]
    assert ours["measures"].keys() == theirs["measures"].keys()
    for key, (value, answers, low, high, said) in ours["measures"].items():
        other = theirs["measures"][key]
        assert answers == other[1], key
        assert said == other[4], key
        for a, b in ((value, other[0]), (low, other[2]), (high, other[3])):
            assert (a is None and b is None) or abs(a - b) <= tolerance, (key, a, b)


def unavailable(why: str) -> None:
    """Skip a test whose engine is not on this machine, or fail it where the engines are
    said to be installed (.ci/run sets OMNISHEET_REQUIRE_ENGINES=1)."""
    import os

    import pytest

    if os.environ.get("OMNISHEET_REQUIRE_ENGINES"):
        pytest.fail(f"engine test cannot run: {why}")
    pytest.skip(why)


def java_ok() -> bool:
    import shutil
    import subprocess

    if not shutil.which("java"):
        return False
    out = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    return any(f'version "{v}' in out for v in range(17, 30))


EVENTS = ROOT / "samples" / "events"
EVENTS_PLAN = EVENTS / "plan" / "retail-fr-parcours.xlsx"
#: The events table whose moments are a TIMESTAMP column (read from day-first text).
TYPED_EVENTS = "crm_interactions"


def event_tables(nested: bool = True) -> dict[str, Any]:
    """{table name: pyarrow.Table} for every file of samples/events/, as omnisheet's file
    reading sees it: text columns as text (ISO moments, with their Z where the export
    wrote one), GA4's event_timestamp as microseconds, the CRM's day-first moments as a
    TIMESTAMP column. Without `nested`, GA4's nested columns are left out (for an engine
    loaded with text and numbers only)."""
    from omnisheet.feedback.zones import plan_zone
    from omnisheet.journeys import engine, reading
    from omnisheet.journeys.layouts import recognise, words
    from omnisheet.read.reader import load
    from omnisheet.template.definition import load_definition

    definition = load_definition()
    vocabulary = words(definition)
    tables = {}
    with tempfile.TemporaryDirectory() as scratch:
        con = engine.connect()
        plan = load(EVENTS_PLAN, definition=definition)
        con.execute("SET VARIABLE plan_zone = ?", [plan_zone(plan)])
        paths = sorted(p for p in EVENTS.iterdir() if p.suffix in (".csv", ".parquet"))
        for index, path in enumerate(paths):
            relation, headers, types, kind = reading._open(path, con, Path(scratch), index,
                                                           vocabulary)
            name = table_name(path)
            cells = []
            for header in headers:
                quoted = f'"{header}"'
                if not nested and types[header].endswith(("]", ")")):
                    continue
                if name == TYPED_EVENTS and header == recognise(headers, vocabulary
                                                                ).columns["moment"]:
                    layout = recognise(headers, vocabulary)
                    moment = reading._moment_sql(path, layout, relation, types, kind, con)
                    cells.append(f"{moment} AS {quoted}")
                else:
                    cells.append(quoted)
            table = con.sql(f"SELECT {', '.join(cells)} FROM {relation}").arrow()
            tables[name] = table.read_all() if hasattr(table, "read_all") else table
        con.close()
    return tables


EVENT_TABLES = ("caisse_tickets", "crm_interactions", "emailing", "ga4_export", "identites")


def events_named_as_tables(output: str) -> str:
    """`journeys` output on the sample files, each file named as its table is."""
    for path in sorted(EVENTS.iterdir()):
        output = output.replace(f"  {path} (", f"  {table_name(path)} (")
        output = output.replace(f"  {path.stem} · ", f"  {table_name(path)} · ")
    return output


def journey_figures(journeys: Any) -> dict[str, Any]:
    """Everything `journeys` found that a user reads, but the sources' names: totals,
    traffic, stages, switches with their delays per weekday, promises, drop-off, events
    left unplaced, figures suppressed."""
    import dataclasses

    def plain(value: Any) -> Any:
        if dataclasses.is_dataclass(value):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                    if f.name != "plan"}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    found = plain(journeys)
    found["sources"] = [(s["layout"], s["events"], s["keyless"]) for s in found["sources"]]
    found["unplaced"] = [(u["event"], u["events"]) for u in found["unplaced"]]
    return found


def assert_same_journeys(ours: Any, theirs: Any, tolerance: float = 1e-9, path: str = "") -> None:
    """Counts, names and moments equal; shares, medians and percentiles to `tolerance`."""
    if isinstance(ours, dict):
        assert isinstance(theirs, dict) and ours.keys() == theirs.keys(), path
        for key in ours:
            assert_same_journeys(ours[key], theirs[key], tolerance, f"{path}/{key}")
    elif isinstance(ours, list):
        assert isinstance(theirs, list) and len(ours) == len(theirs), path
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert_same_journeys(a, b, tolerance, f"{path}[{i}]")
    elif isinstance(ours, float) and not isinstance(theirs, bool):
        assert isinstance(theirs, (int, float)) and abs(ours - theirs) <= tolerance, (
            path, ours, theirs)
    else:
        assert ours == theirs and type(ours) is type(theirs), (path, ours, theirs)
