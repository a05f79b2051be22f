"""The one pass over the events, in DuckDB. Every export is read as (key, moment, event,
channel, stage as written); keys become customers through the identities; events become
stages and channels through the plan's Events tab, all inside one statement; then one
window over each customer's events in order of moment gives each event its next step, the
stage's first arrival and whether a later stage followed within the window; a group-by
makes the few thousand figures Python reads. Customer keys never leave DuckDB.

The statement is plain SQL on relations, so that it can become one portable expression
(Ibis) that runs where the data lives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..feedback.sources import sql_name, sql_string
from .layouts import Layout

KINDS = {"month": "month", "quarter": "quarter", "year": "year"}
#: The rows the statement returns, one kind of figure each.
FIGURES = ("traffic", "stage", "period", "switch", "arrival", "unplaced", "all")


def normalised(sql: str) -> str:
    """SQL of omnisheet.template.text.normalise: accents, case and punctuation aside."""
    return (f"trim(regexp_replace(replace(replace(lower(strip_accents(CAST({sql} AS VARCHAR))), "
            f"'œ', 'oe'), 'æ', 'ae'), '[^0-9a-z]+', ' ', 'g'))")


def key_sql(kind: str, column: str) -> str:
    """A key as it is compared: emails in lower case, card numbers without spaces."""
    raw = f"trim(CAST({sql_name(column)} AS VARCHAR))"
    if kind == "email":
        raw = f"lower({raw})"
    elif kind == "card":
        raw = f"regexp_replace({raw}, '[\\s.-]', '', 'g')"
    return f"nullif({raw}, '')"


@dataclass(frozen=True)
class Prepared:
    """One export, ready to be scanned: its relation, its layout, its moments' SQL."""

    index: int
    name: str
    stem: str
    layout: Layout
    relation: str
    moment_sql: str
    silent_actions: tuple[str, ...] = ()
    default_channel: int | None = None


def events_sql(source: Prepared) -> str:
    """(source, kind, key, moment, event, event_text, channel_said, stage_said) of one
    export: the event, channel and stage normalised for matching, the event as written."""
    columns = source.layout.columns
    keys = source.layout.keys
    kind = "CASE " + " ".join(f"WHEN {key_sql(k, c)} IS NOT NULL THEN '{k}'" for k, c in keys) \
        + " END"
    key = "coalesce(" + ", ".join(key_sql(k, c) for k, c in keys) + ")"

    def said(role: str) -> str:
        return normalised(sql_name(columns[role])) if role in columns else "CAST(NULL AS VARCHAR)"

    text = f"CAST({sql_name(columns['event'])} AS VARCHAR)" if "event" in columns \
        else "CAST(NULL AS VARCHAR)"
    where = f"({source.moment_sql}) IS NOT NULL"
    if source.silent_actions and "action" in columns:
        listed = ", ".join(sql_string(a) for a in source.silent_actions)
        where += f" AND coalesce({said('action')}, '') NOT IN ({listed})"
    return (f"SELECT {source.index} AS source, {kind} AS kind, {key} AS key, "
            f"{source.moment_sql} AS moment, {said('event')} AS event, {text} AS event_text, "
            f"{said('channel')} AS channel_said, {said('stage')} AS stage_said "
            f"FROM {source.relation} WHERE {where}")


def identities_sql(sources: Sequence[Prepared]) -> str:
    """(kind, key, customer) of every identities table: each key tied to one customer, the
    first in sort order when tables disagree, so that a run is deterministic."""
    parts = []
    for source in sources:
        customer = key_sql("customer", source.layout.columns["customer"])
        for kind, column in source.layout.keys:
            parts.append(f"SELECT '{kind}' AS kind, {key_sql(kind, column)} AS key, "
                         f"{customer} AS customer FROM {source.relation}")
    if not parts:
        return ("SELECT CAST(NULL AS VARCHAR) AS kind, CAST(NULL AS VARCHAR) AS key, "
                "CAST(NULL AS VARCHAR) AS customer, 0 AS claims WHERE false")
    union = " UNION ALL ".join(parts)
    return (f"SELECT kind, key, min(customer) AS customer, count(DISTINCT customer) AS claims "
            f"FROM ({union}) WHERE key IS NOT NULL AND customer IS NOT NULL GROUP BY kind, key")


def scan_sql(events: Sequence[Prepared], identities: Sequence[Prepared], period: str,
             window_days: float, stages: int) -> str:
    """The whole computation as one statement. `rules`, `channel_words` and `stage_words`
    are small tables the caller registers (the plan's Events tab and lists)."""
    unit = KINDS[period]
    raw = " UNION ALL ".join(events_sql(s) for s in events)
    defaults = " ".join(f"WHEN {s.index} THEN {s.default_channel}" for s in events
                        if s.default_channel is not None)
    default_channel = f"CASE raw.source {defaults} END" if defaults else "NULL"
    window = f"INTERVAL {float(window_days) * 86400:.0f} SECOND"
    return f"""
WITH raw AS ({raw}),
ids AS ({identities_sql(identities)}),
ev AS (
  SELECT coalesce(ids.customer, raw.kind || ':' || raw.key) AS customer,
         ids.customer IS NOT NULL AS known, raw.moment, raw.source, raw.event_text,
         coalesce(sw.stage, exact.stage, whole.stage) AS stage,
         coalesce(exact.channel, whole.channel, cw.channel, {default_channel}) AS channel
  FROM raw
  LEFT JOIN ids ON ids.kind = raw.kind AND ids.key = raw.key
  LEFT JOIN rules AS exact ON exact.source = raw.source AND exact.event = raw.event
  LEFT JOIN rules AS whole ON whole.source = raw.source AND whole.event = ''
  LEFT JOIN channel_words AS cw ON cw.word = raw.channel_said
  LEFT JOIN stage_words AS sw ON sw.word = raw.stage_said
  WHERE raw.key IS NOT NULL
),
flagged AS (
  SELECT customer, known, moment, source, stage, channel,
         stage IS NOT NULL AND channel IS NOT NULL AS placed,
         CASE WHEN stage IS NULL OR channel IS NULL THEN event_text END AS unplaced_event,
         CAST(date_trunc('{unit}', moment) AS DATE) AS period
  FROM ev
),
steps AS MATERIALIZED (
  SELECT *,
    lead(stage) OVER journey AS next_stage,
    lead(channel) OVER journey AS next_channel,
    epoch(lead(moment) OVER journey) - epoch(moment) AS delay,
    min(channel) OVER (PARTITION BY placed, customer, period, stage)
      <> max(channel) OVER (PARTITION BY placed, customer, period, stage) AS several_here,
    min(channel) OVER (PARTITION BY placed, customer, period)
      <> max(channel) OVER (PARTITION BY placed, customer, period) AS several,
    row_number() OVER (PARTITION BY placed, customer, stage ORDER BY moment, channel) = 1
      AS arrival,
    max(stage) OVER (PARTITION BY placed, customer ORDER BY moment
                     RANGE BETWEEN CURRENT ROW AND {window} FOLLOWING) AS furthest
  FROM flagged
  WINDOW journey AS (PARTITION BY placed, customer ORDER BY moment, stage, channel)
)
{_figures(int(stages))}
"""


#: The columns every figure row has, in order; a figure fills those it needs.
COLUMNS = ("figure", "period", "stage", "channel", "next_stage", "next_channel", "weekday",
           "day", "source", "events", "customers", "known_events", "known_customers",
           "several", "went_on", "p50", "p90", "first", "last", "label")
_TYPES = {"period": "DATE", "day": "DATE", "label": "VARCHAR", "p50": "DOUBLE",
          "p90": "DOUBLE", "first": "TIMESTAMP", "last": "TIMESTAMP"}


def _select(figure: str, rest: str, **given: str) -> str:
    cells = []
    for column in COLUMNS:
        if column == "figure":
            cells.append(f"'{figure}' AS figure")
        else:
            cells.append(f"{given.get(column, 'NULL')}::{_TYPES.get(column, 'BIGINT')} "
                         f"AS {column}")
    return "SELECT " + ", ".join(cells) + " " + rest


def _figures(stages: int) -> str:
    """Every figure, each a group-by of the same steps, as one union."""
    customers = "count(DISTINCT customer)"
    parts = [
        _select("traffic", "FROM steps WHERE placed GROUP BY period, stage, channel", period="period",
                stage="stage", channel="channel", events="count(*)", customers=customers),
        _select("stage", "FROM steps WHERE placed GROUP BY period, stage", period="period", stage="stage",
                events="count(*)", customers=customers,
                several="count(DISTINCT customer) FILTER (WHERE several_here)"),
        _select("period", "FROM steps WHERE placed GROUP BY period", period="period", events="count(*)",
                customers=customers, several="count(DISTINCT customer) FILTER (WHERE several)",
                known_events="count(*) FILTER (WHERE known)",
                known_customers="count(DISTINCT customer) FILTER (WHERE known)"),
        _select("switch",
                f"FROM ({_ranked_switches()}) GROUP BY GROUPING SETS ((period, stage, channel), "
                "(period, stage, channel, next_stage, next_channel), "
                "(period, stage, channel, next_stage, next_channel, weekday))",
                period="period", stage="stage", channel="channel", next_stage="next_stage",
                next_channel="next_channel", weekday="weekday", events="count(*)",
                customers=customers, p50=_quantile(0.5), p90=_quantile(0.9)),
        _select("arrival",
                f"FROM steps WHERE placed AND arrival AND stage < {stages - 1} "
                "GROUP BY period, stage, channel, CAST(moment AS DATE)",
                period="period", stage="stage", channel="channel", day="CAST(moment AS DATE)",
                events="count(*)", customers="count(*)",
                went_on="count(*) FILTER (WHERE furthest > stage)"),
        _select("unplaced", "FROM steps WHERE NOT placed GROUP BY source, unplaced_event",
                source="source", events="count(*)", customers=customers,
                label="min(unplaced_event)"),
        _select("file", "FROM steps GROUP BY source", source="source", events="count(*)"),
        _select("all", "FROM steps", events="count(*)", customers=customers,
                known_events="count(*) FILTER (WHERE known)",
                known_customers="count(DISTINCT customer) FILTER (WHERE known)",
                first="min(moment)", last="max(moment)"),
    ]
    return "\nUNION ALL\n".join(parts)


def _ranked_switches() -> str:
    """Each switch with its delay's rank among those of its pair of touchpoints, overall
    and on its day of the week: exact quantiles from sorts, which DuckDB spills to disk,
    where its quantile aggregates hold every value in memory."""
    pair = "period, stage, channel, next_stage, next_channel"
    return (f"SELECT *, row_number() OVER (PARTITION BY {pair} ORDER BY delay) - 1 AS rank_all, "
            f"count(*) OVER (PARTITION BY {pair}) AS n_all, "
            f"row_number() OVER (PARTITION BY {pair}, weekday ORDER BY delay) - 1 AS rank_day, "
            f"count(*) OVER (PARTITION BY {pair}, weekday) AS n_day "
            "FROM (SELECT *, isodow(moment) AS weekday FROM steps WHERE placed AND "
            "next_stage IS NOT NULL AND (next_stage <> stage OR next_channel <> channel))")


def _quantile(p: float) -> str:
    """The p-quantile of the delays, interpolated as quantile_cont (and numpy's default)
    do: between the values ranked floor and ceil of p × (n − 1), from the ranks overall
    or within the day, as the grouping set has the weekday or not."""
    def value(rank: str, n: str, edge: str) -> str:
        return f"min(delay) FILTER (WHERE {rank} = {edge}({p} * ({n} - 1)))"

    def interpolated(rank: str, n: str) -> str:
        low, high = value(rank, n, "floor"), value(rank, n, "ceil")
        h = f"{p} * (count(*) - 1)"
        return f"({low} + ({h} - floor({h})) * ({high} - {low}))"

    return (f"CASE WHEN GROUPING(weekday) = 0 THEN {interpolated('rank_day', 'n_day')} "
            f"ELSE {interpolated('rank_all', 'n_all')} END")


def keyless_sql(events: Sequence[Prepared]) -> str:
    """Events of each export that carry no key at all (a receipt without a card)."""
    parts = [f"SELECT {s.index} AS source, count(*) FILTER (WHERE key IS NULL) AS n "
             f"FROM ({events_sql(s)})" for s in events]
    return " UNION ALL ".join(parts)


def connect(threads: int | None = None, memory_limit: str | None = None,
            spill: str | None = None) -> Any:
    """An in-memory DuckDB that never downloads anything, with a memory limit and a
    folder to spill to, so that a hundred million events fit a laptop."""
    import duckdb

    config: dict[str, Any] = {"autoinstall_known_extensions": False,
                              "autoload_known_extensions": False,
                              "preserve_insertion_order": False}
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    if spill:
        config["temp_directory"] = spill
    return duckdb.connect(config=config)
