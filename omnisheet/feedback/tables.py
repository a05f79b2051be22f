"""The responses as tables of an engine where the data lives (Spark, a warehouse, a DuckDB
database), scanned by one portable Ibis expression that groups them exactly as the
DuckDB scan of files does (omnisheet/feedback/engine.py): the same groups, the same
counts, the same latest comment. Only those groups travel back; the plan is matched to
them on this machine, as for files (resolve.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.portable import trimmed
from ..template.text import normalise
from .engine import EARLIEST, LATEST, Group
from .sources import Source, column_parts
from .vocabulary import Vocabulary

#: Ibis's names of the units a period is truncated to.
UNITS = {"month": "M", "quarter": "Q", "year": "Y"}
ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)?$"
#: A text that starts as a date does (2026-06-01, 31/12/2026, 2026/07/29 3:08 PM UTC+2):
#: one the file reading would read but this scan cannot (an offset, day first) is said.
LOOKS_DATE = r"^[0-9]{1,5}[-/.][0-9]{1,2}[-/.][0-9]{1,4}"
#: A header saying its times are UTC (Typeform's "Submit Date (UTC)").
UTC_HEADER = re.compile(r"\butc\b|\bgmt\b", re.IGNORECASE)
NO_VALUE = "\u2400omnisheet:none\u2400"  # a key's mark for none, in the join only
KEYS = ("survey", "stage", "channel", "indicator", "period", "date_state", "score")


@dataclass
class TableSource(Source):
    """A table of an engine, standing where a file would: named by the table, its stem
    (the last part of its name) looked up on the Surveys tab as a file's name is."""

    table: str = ""
    expr: Any = None

    @property
    def name(self) -> str:
        return self.table

    @property
    def stem(self) -> str:
        from ..engine.connect import table_stem

        return table_stem(self.table)


def table_sources(engine: Any, name: str, vocabulary: Vocabulary,
                  overrides: Mapping[str, str], mapped: Sequence[tuple[Mapping[str, str], Any]],
                  zone: str) -> list[TableSource]:
    """A table's columns found as a file's are (its headers, the Surveys tab's row or rows
    naming its columns, --column), from its schema: nothing read yet. One TableSource per
    question, as for a file."""
    expr, schema = engine.table_with_schema(name)
    headers = tuple(schema.names)
    types = {n: str(schema[n]) for n in headers}
    base = TableSource(path=Path(name), format="table", headers=headers, types=types,
                       table=name, expr=expr)
    parts = column_parts(base, vocabulary, overrides, mapped)
    for part in parts:
        _typed_as_expected(engine, name, schema, part.columns)
        _zone_as_files(engine, name, schema, part.columns["date"], zone)
    return parts


def _zone_as_files(engine: Any, name: str, schema: Any, column: str, zone: str) -> None:
    """The file reading moves a moment given with its zone (a timestamp with time zone, a
    header saying UTC) to the plan's zone before cutting periods; this scan does not yet,
    so unless the plan counts in UTC it says so rather than count an answer of 23:30 UTC
    on 31 July in July when the plan's Paris has it in August."""
    from ..engine.errors import EngineError

    kind = schema[column]
    aware = (kind.is_timestamp() and kind.timezone is not None) or bool(UTC_HEADER.search(column))
    if aware and zone != "UTC":
        raise EngineError("zone_unsupported", engine=engine.label, table=name, column=column,
                          zone=zone)


def _typed_as_expected(engine: Any, name: str, schema: Any, columns: Mapping[str, str]) -> None:
    """A date column holds dates, timestamps or text; every other column read holds text
    or numbers: a column of another type (a number as the date, a list as the score) is
    a column named wrong, said in one line rather than every row set aside."""
    from ..engine.errors import EngineError

    for role, column in columns.items():
        kind = schema[column]
        fits = kind.is_string() or (kind.is_numeric() and role != "date") or (
            role == "date" and (kind.is_timestamp() or kind.is_date()))
        if not fits:
            raise EngineError("column_type", engine=engine.label, table=name, column=column,
                              kind=str(kind), role=role)


def _moment(table: Any, source: TableSource) -> Any:
    """A response's moment: a date or timestamp column as it is; text in ISO form
    (2026-06-01 09:05:39) cast, anything else an unreadable date. Only ISO text is cast,
    as every engine reads it alike (Postgres has no try_cast: its cast fails the query)."""
    import ibis

    column = table[source.columns["date"]]
    if column.type().is_timestamp() or column.type().is_date():
        return column.cast("timestamp")
    text = trimmed(column.cast("string"))
    return ibis.ifelse(text.re_search(ISO), text.try_cast("timestamp"),
                       ibis.null("timestamp"))


def rows_expr(source: TableSource, index: int, period: str) -> Any:
    """One table grouped: rows counted per texts that matter and period, with the latest
    comment of each group (the first in text order among those of the same moment):
    aggregations and one join of small sides, no window (a sort of every row)."""
    import ibis

    table = source.expr
    columns = source.columns

    def text(role: str) -> Any:
        if role not in columns:
            return ibis.null("string")
        return table[columns[role]].cast("string")

    read = _moment(table, source)
    in_range = read.notnull() & (read >= _at(EARLIEST)) & (read < _at(LATEST))
    moment = ibis.ifelse(in_range, read, ibis.null("timestamp"))
    said = text("date")
    verbatim = trimmed(text("verbatim"))
    comment = ibis.ifelse(verbatim == "", ibis.null("string"), verbatim)
    base = table.select(
        survey=text("survey"), stage=text("stage"), channel=text("channel"),
        indicator=text("indicator"), score=text("score"), moment=moment, comment=comment,
        period=moment.truncate(UNITS[period]).date(),
        date_state=ibis.cases((in_range, 0), (read.notnull(), 3),
                              (trimmed(said.fill_null("")) == "", 1), else_=2).cast("int32"))
    said_something = base.moment.notnull() & base.comment.notnull()
    counts = _keyed(base.group_by(list(KEYS)).aggregate(
        rows=base.count(), at=base.moment.max(where=said_something)))
    joined = [f"k_{k}" for k in KEYS]
    commented = _keyed(base.filter(said_something)).select(*joined, "moment", "comment")
    latest = counts.filter(counts.at.notnull()).select(*joined, "at")
    picked = (commented.join(latest, [*joined, commented.moment == latest.at])
              .group_by(joined).aggregate(text=lambda t: t.comment.min()))
    both = counts.left_join(picked, joined)
    return both.select(*KEYS, "rows", "at", text=both.text,
                       source=ibis.literal(index, "int32"))


def _at(day: str) -> Any:
    import ibis

    return ibis.literal(dt.datetime.fromisoformat(day), "timestamp")


def _keyed(table: Any) -> Any:
    """The group's keys once more, as text with a mark for none: the latest comment is
    joined back to its group by plain equality, which every engine hashes (null-safe
    equality is a nested loop on some)."""
    return table.mutate(**{f"k_{k}": table[k].cast("string").fill_null(NO_VALUE)
                           for k in KEYS})


def scan(engine: Any, sources: Sequence[TableSource], period: str) -> list[Group]:
    """Every table grouped where it lives, in one query; only the groups come back."""
    import ibis

    exprs = [rows_expr(source, index, period) for index, source in enumerate(sources)]
    found = engine.fetch(ibis.union(*exprs, distinct=False),
                         ", ".join(s.table for s in sources))
    return [Group(source=int(r["source"]), survey=r["survey"], stage=r["stage"],
                  channel=r["channel"], indicator=r["indicator"], period=_date(r["period"]),
                  date_state=int(r["date_state"]), score=r["score"], rows=int(r["rows"]),
                  verbatim=(_naive(r["at"]), r["text"]) if r["text"] is not None else None)
            for r in found]


def unreadable_dates(engine: Any, source: TableSource, limit: int = 5) -> list[tuple[str, int]]:
    """The dates of a table that could not be read, the most frequent first, with their
    counts (a second, small query, made when the scan found some)."""
    table = source.expr
    said = table[source.columns["date"]].cast("string")
    moment = _moment(table, source)
    found = (table.select(said=said, moment=moment)
             .filter(lambda t: t.moment.isnull() & (trimmed(t.said.fill_null("")) != ""))
             .group_by("said").aggregate(n=lambda t: t.count())
             .order_by([lambda t: t.n.desc(), "said"]).limit(limit))
    return [(r["said"], int(r["n"])) for r in engine.fetch(found, source.table)]


def dates_as_files(engine: Any, source: TableSource, limit: int = 1000) -> None:
    """This scan reads ISO dates only (2026-06-01 09:05); a date the file reading would
    read another way (31/12/2026 day or month first, an offset such as +02:00 or Z, a
    12-hour time) is said in one line, rather than counted as unreadable here and read
    from a file. Dates no reading makes a day of (31/06/2026) are set aside by both."""
    from ..engine.errors import EngineError

    table = source.expr
    said = trimmed(table[source.columns["date"]].cast("string"))
    found = (table.select(said=said, moment=_moment(table, source))
             .filter(lambda t: t.moment.isnull() & t.said.re_search(LOOKS_DATE))
             .select("said").distinct().limit(limit))
    for row in engine.fetch(found, source.table):
        if _a_day(row["said"]):
            raise EngineError("dates_unsupported", engine=engine.label, table=source.table,
                              column=source.columns["date"], example=row["said"])


def _a_day(text: str) -> bool:
    """Whether the file reading could make a day of `text`: ISO with an offset, or day,
    month and year in some order (omnisheet/feedback/sources.py's patterns)."""
    from .sources import _ISO, _NUMERIC

    text = text.strip()
    if _ISO.match(text):
        y, m, d = (int(x) for x in re.split(r"[-T ]", text)[:3])
        orders = [(y, m, d)]
    elif found := _NUMERIC.match(text):
        a, b, c = int(found.group(1)), int(found.group(3)), int(found.group(4))
        c = c + 2000 if len(found.group(4)) == 2 else c
        orders = [(a, b, c)] if len(found.group(1)) == 4 else [(c, b, a), (c, a, b)]
    else:
        return False
    for y, m, d in orders:
        try:
            dt.date(y, m, d)
        except ValueError:
            continue
        return True
    return False


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _naive(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def read_tables(engine: Any, tables: Sequence[str], plan: Any, definition: Any,
                vocabulary: Vocabulary, period: str, overrides: Mapping[str, str]):
    """The Feedback the tables give for the plan: tables found, grouped on the engine,
    matched to the plan here, as files are (resolve.py)."""
    from . import resolve
    from .zones import plan_zone

    zone = plan_zone(plan)
    mapping = resolve.survey_columns(plan)
    sources: list[TableSource] = []
    for name in tables:
        stem = TableSource(path=Path(name), format="table", table=name).stem
        parts = table_sources(engine, name, vocabulary, overrides,
                              mapping.get(normalise(stem), ()), zone)
        for part in parts:
            resolve.check_source(part, plan, vocabulary)
        sources.extend(parts)
    groups = scan(engine, sources, period)
    unread = sorted({g.source for g in groups if g.date_state == 2})
    for i in unread:
        dates_as_files(engine, sources[i])
    bad = {i: unreadable_dates(engine, sources[i]) for i in unread}
    return resolve.build(plan, definition, vocabulary, sources, groups, (), period, bad)
