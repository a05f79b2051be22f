"""The events as tables of an engine where they live (Spark, a warehouse, a DuckDB
database): the one pass of engine.py written once as a portable Ibis expression. The same
window over each customer's events in order of moment, the same group-bys, exact medians
and 90th percentiles from ranks as the DuckDB statement computes them, so the figures are
the same; then the privacy threshold applied there, so that only aggregates of enough
customers leave the engine (and no key, ever). One query; Python reads a few thousand rows.

Moments are read as the plan's local time, as files are: a timestamp or date as it is
(GA4's, or a header saying UTC, moved from UTC), a timestamp with its zone moved to the
plan's, GA4's microseconds from UTC, ISO text (2026-03-01 09:05, with Z or +01:00 moved
to the plan's zone). Text written another way (01/03/2026) is refused in one line."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..engine.connect import table_stem
from ..engine.errors import EngineError
from ..engine.portable import trimmed
from . import reading
from .engine import COLUMNS
from .errors import JourneysInputError
from .layouts import Layout, recognise

if TYPE_CHECKING:
    from ..plan.model import Plan
    from ..template.definition import Definition
    from .model import Journeys

#: Ibis's names of the units a period is truncated to.
UNITS = {"month": "M", "quarter": "Q", "year": "Y"}
#: ISO text, naive: the base of a moment; then an offset, Z or UTC, or nothing.
ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)?"
OFFSET = r"\s*(Z|UTC|[+-][0-9]{2}(:?[0-9]{2})?)$"
#: A text that starts as a date does, day or month first (31/12/2026 10:05): not read here.
LOOKS_DATE = r"^[0-9]{1,4}[/.-][0-9]{1,2}[/.-][0-9]{2,4}"
_TYPES = {"figure": "string", "period": "date", "day": "date", "label": "string",
          "p50": "float64", "p90": "float64", "first": "timestamp", "last": "timestamp"}
EPOCH = "1970-01-01 00:00:00"
#: Accented letters (either case) → their base letter in lower case, as DuckDB's
#: strip_accents(lower(…)) reads them; some engines' lower() leaves non-ASCII as it is.
_ACCENTED = "".join(chr(c) for c in range(0xC0, 0x250)
                    if len(unicodedata.normalize("NFD", chr(c))) > 1)
_BASES = "".join(unicodedata.normalize("NFD", c)[0].lower() for c in _ACCENTED)


def read_tables(engine: Any, names: Sequence[str], plan: Plan, definition: Definition,
                period: str) -> Journeys:
    """What the tables say about the plan's journey: sources found from their schemas,
    computed where they live, the figures built as for files (figures.py)."""
    from ..feedback.zones import plan_zone
    from . import figures
    from .settings import setting

    zone = plan_zone(plan)
    found, vocabulary, channel_index = reading.begin(plan, definition)
    tables: dict[int, Any] = {}
    for index, name in enumerate(names):
        table, schema = engine.table_with_schema(name)
        headers = list(schema.names)
        layout = recognise(headers, vocabulary)
        if layout is None:
            raise JourneysInputError("unknown_layout", file=name,
                                     columns=", ".join(headers[:12]))
        _typed(engine, name, schema, layout)
        reading.add(found, vocabulary, channel_index, index=index, name=name,
                    stem=table_stem(name), layout=layout, relation=name, moment_sql="")
        tables[index] = table
    reading.ready(found, plan)
    small = reading.small_tables(found, plan, channel_index, definition)
    scan = Scan(engine, tables, zone, small, period, int(setting(plan, definition,
                                                                    "journey_privacy")),
                setting(plan, definition, "journey_window_days"), len(found.stages))
    what = ", ".join(names)
    try:
        rows = engine.fetch(scan.expression(found), what)
    finally:
        scan.release()
    for row in rows:
        if row["figure"] == "undated":
            source = found.all[[p.index for p in found.all].index(row["source"])]
            raise EngineError("journeys_dates_unsupported", engine=engine.label,
                              table=source.name, column=source.layout.columns["moment"],
                              example=row["label"])
    keyless = {r["source"]: r["events"] for r in rows if r["figure"] == "keyless"}
    identity = next(((r["events"], r["customers"], r["several"]) for r in rows
                     if r["figure"] == "identity"), (0, 0, 0))
    ordered = [tuple(_plain(r[c]) for c in COLUMNS) for r in rows]
    return figures.build(ordered, found, keyless, identity, plan, definition, period)


def _plain(value: Any) -> Any:
    """A moment as DuckDB gives it: naive."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def _typed(engine: Any, name: str, schema: Any, layout: Layout) -> None:
    """Each column a role reads holds what that role can use: the moment a timestamp, a
    date, text (or GA4's microseconds); keys and words text or numbers. Another type (a
    list, a struct, a number as the moment) is one line naming the column."""
    for role, column in layout.columns.items():
        kind = schema[column]
        if role == "moment":
            fits = kind.is_timestamp() or kind.is_date() or kind.is_string() or (
                kind.is_integer() and layout.kind == "ga4")
        else:
            fits = kind.is_string() or kind.is_integer() or kind.is_decimal() or (
                kind.is_floating())
        if not fits:
            raise EngineError("journeys_column_type", engine=engine.label, table=name,
                              column=column, kind=str(kind), role=role)


class Scan:
    """The whole computation on one engine, as one Ibis expression."""

    def __init__(self, engine: Any, tables: dict[int, Any], zone: str, small: dict[str, Any],
                 period: str, k: int, window_days: float, stages: int) -> None:
        self.engine, self.tables, self.zone, self.small = engine, tables, zone, small
        self.period, self.k, self.stages = period, k, stages
        self.window_us = int(round(float(window_days) * 86400)) * 1_000_000
        self.backend = getattr(engine.con, "name", "")
        self.cached: list[Any] = []

    # -- reading each source -------------------------------------------------------------

    def key(self, table: Any, kind: str, column: str) -> Any:
        """A key as it is compared: emails in lower case, card numbers without spaces."""
        raw = trimmed(_text(table[column]))
        if kind == "email":
            raw = raw.lower()
        elif kind == "card":
            raw = raw.re_replace(r"[\s.-]", "")
        return raw.nullif("")

    def moment(self, table: Any, source: reading.Prepared) -> tuple[Any, Any]:
        """(the moment as the plan's local time, a text it could not read but that looks
        like a date, or None)."""
        import ibis

        layout = source.layout
        column = layout.columns["moment"]
        value = table[column]
        kind = value.type()
        utc = layout.kind == "ga4" or bool(re.search(r"\butc\b|\bgmt\b", column, re.I))
        if kind.is_integer():  # GA4's event_timestamp: microseconds since 1970, UTC
            at = (ibis.timestamp(EPOCH) + (value // 1_000_000).as_interval("s")
                  + (value % 1_000_000).as_interval("us"))
            return self.from_utc(at, source), None
        if kind.is_timestamp() and kind.timezone is not None:
            return self.from_aware(value, source), None
        if kind.is_timestamp() or kind.is_date():
            at = value.cast("timestamp")
            return (self.from_utc(at, source) if utc else at), None
        text = trimmed(value.cast("string"))
        naive = text.re_search(ISO + "$")
        aware = text.re_search(ISO + OFFSET)
        local = ibis.ifelse(naive, text, ibis.null("string")).cast("timestamp")
        if utc:
            local = self.from_utc(local, source)
        base = ibis.ifelse(aware, text.re_extract("^(" + ISO[1:] + ")", 1),
                           ibis.null("string")).cast("timestamp")
        said = text.re_extract(OFFSET, 1)
        sign = ibis.ifelse(said.startswith("-"), -1, 1)
        hours = ibis.ifelse(said.re_search("^[+-]"), said.substr(1, 2), "0").cast("int64")
        minutes = ibis.ifelse(said.re_search("^[+-][0-9]{2}:?[0-9]{2}$"),
                              said.re_extract("([0-9]{2})$", 1), "0").cast("int64")
        shifted = base - (sign * (hours * 3600 + minutes * 60)).as_interval("s")
        moment = ibis.cases((naive, local), (aware, self.from_utc(shifted, source)),
                            else_=ibis.null("timestamp"))
        return moment, text

    def from_utc(self, at: Any, source: reading.Prepared) -> Any:
        """A naive UTC moment as the plan's local time."""
        if self.zone == "UTC":
            return at
        if self.backend in ("duckdb", "postgres"):
            return _builtins()["local"](self.zone, _builtins()["utc"]("UTC", at))
        if self.backend == "pyspark":
            return _builtins()["spark"](at, self.zone)
        raise self.cannot_move(source)

    def from_aware(self, at: Any, source: reading.Prepared) -> Any:
        if self.backend in ("duckdb", "postgres"):
            return _builtins()["local"](self.zone, at)
        if self.zone == "UTC":
            return at.cast("timestamp")
        raise self.cannot_move(source)

    def cannot_move(self, source: reading.Prepared) -> EngineError:
        return EngineError("zone_unsupported", engine=self.engine.label, table=source.name,
                           column=source.layout.columns["moment"], zone=self.zone)

    def said(self, table: Any, layout: Layout, role: str) -> Any:
        """A column's words as omnisheet.template.text.normalise compares them."""
        import ibis

        if role not in layout.columns:
            return ibis.null("string")
        text = _text(table[layout.columns[role]])
        # translate() reads its 400-letter map for every letter: only for text beyond ASCII
        text = ibis.ifelse(text.re_search("[^ -~]"), text.translate(_ACCENTED, _BASES),
                           text).lower()
        text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
        return trimmed(text.re_replace("[^0-9a-z]+", " "))

    def events(self, source: reading.Prepared) -> tuple[Any, Any]:
        """(source, kind, key, moment, event, event_text, channel_said, stage_said) of one
        table, and its rows whose moment looks like a date it could not read."""
        import ibis

        table = self.tables[source.index]
        layout = source.layout
        keys = [(kind, self.key(table, kind, column)) for kind, column in layout.keys]
        kind = ibis.cases(*[(key.notnull(), kind) for kind, key in keys],
                          else_=ibis.null("string"))
        key = ibis.coalesce(*[key for _, key in keys]) if len(keys) > 1 else keys[0][1]
        moment, text = self.moment(table, source)
        event_text = _text(table[layout.columns["event"]]) if "event" in layout.columns \
            else ibis.null("string")
        rows = table.select(
            source=ibis.literal(source.index, "int64"), kind=kind, key=key, moment=moment,
            event=self.said(table, layout, "event"), event_text=event_text,
            channel_said=self.said(table, layout, "channel"),
            stage_said=self.said(table, layout, "stage"),
            action=self.said(table, layout, "action"))
        undated = None
        if text is not None:
            undated = (table.select(moment=moment, text=text)
                       .filter(lambda t: t.moment.isnull() & t.text.re_search(LOOKS_DATE))
                       .aggregate(events=lambda t: t.count(), label=lambda t: t.text.min())
                       .filter(lambda t: t.events > 0)
                       .mutate(source=ibis.literal(source.index, "int64")))
        rows = rows.filter(rows.moment.notnull())
        if source.silent_actions and "action" in layout.columns:
            rows = rows.filter(~rows.action.fill_null("").isin(list(source.silent_actions)))
        return rows.drop("action"), undated

    def identities(self, sources: Sequence[reading.Prepared]) -> Any:
        """(kind, key, customer, claims): each key tied to one customer, the first in sort
        order when tables disagree."""
        import ibis

        parts = []
        for source in sources:
            table = self.tables[source.index]
            customer = self.key(table, "customer", source.layout.columns["customer"])
            for kind, column in source.layout.keys:
                parts.append(table.select(id_kind=ibis.literal(kind, "string"),
                                          id_key=self.key(table, kind, column),
                                          id_customer=customer))
        if not parts:
            return None
        union = ibis.union(*parts, distinct=False)
        union = union.filter(union.id_key.notnull() & union.id_customer.notnull())
        return union.group_by(["id_kind", "id_key"]).aggregate(
            id_claims=union.id_customer.nunique(), customer_id=union.id_customer.min()
        ).rename(id_customer="customer_id")

    # -- the pass ------------------------------------------------------------------------

    def expression(self, found: reading.Found) -> Any:
        import ibis

        read = [self.events(source) for source in found.events]
        raw = ibis.union(*[rows for rows, _ in read], distinct=False)
        ids = self.identities(found.identities)
        ev = raw.filter(raw.key.notnull())
        if ids is not None:
            ev = ev.left_join(ids, [ev.kind == ids.id_kind, ev.key == ids.id_key])
            customer, known = ibis.coalesce(ev.id_customer, ev.kind.concat(":", ev.key)), \
                ev.id_customer.notnull()
        else:
            customer, known = ev.kind.concat(":", ev.key), ibis.literal(False)
        ev = ev.select(customer=customer, known=known, moment=ev.moment, source=ev.source,
                       event=ev.event, event_text=ev.event_text,
                       channel_said=ev.channel_said, stage_said=ev.stage_said)
        ev = self.placed(ev, found)
        steps = self.kept(self.steps(ev))
        parts = [*self.figures(steps), self.dropoffs(steps)]
        parts.append(_row("keyless", raw.group_by("source").aggregate(
            events=raw.count(where=raw.key.isnull()))))
        if ids is not None:
            parts.append(_row("identity", ids.aggregate(
                events=ids.count(), customers=ids.id_customer.nunique(),
                several=ids.count(where=ids.id_claims > 1))))
        parts.extend(_row("undated", undated) for _, undated in read if undated is not None)
        return ibis.union(*parts, distinct=False)

    def kept(self, steps: Any) -> Any:
        """The steps held by the engine while the figures read them (a temporary table,
        or Spark's cache, released after the fetch; keys stay on the engine): DuckDB and
        Spark would otherwise compute the windows again for figures that read them
        (a third of the time on DuckDB). Without the right to, the steps as they are."""
        if self.backend not in ("pyspark", "duckdb"):
            return steps
        try:
            cached = steps.cache()
        except Exception:
            return steps
        self.cached.append(cached)
        return cached

    def release(self) -> None:
        for cached in self.cached:
            with contextlib.suppress(Exception):  # the figures are already out
                cached.release()

    def placed(self, ev: Any, found: reading.Found) -> Any:
        """Each event's stage and channel through the Events tab and the lists, written
        into the expression (a few dozen cases) rather than joined from tables uploaded
        first: the engine needs no right to create even a temporary table."""
        import ibis
        import pandas as pd

        rules = self.small["rules"]
        exact = [((ev.source == int(r.source)) & (ev.event == r.event), r.stage, r.channel)
                 for r in rules.itertuples()]
        whole = [(ev.source == int(r.source), r.stage, r.channel)
                 for r in rules.itertuples() if r.event == ""]

        def pick(branches: list[tuple[Any, Any]]) -> Any:
            kept = [(when, ibis.literal(int(value), "int64")) for when, value in branches
                    if not pd.isna(value)]
            return ibis.cases(*kept, else_=ibis.null("int64")) if kept else ibis.null("int64")

        def worded(said: Any, frame: Any, column: str) -> Any:
            return pick([(said == word, value) for word, value
                         in zip(frame["word"], frame[column], strict=True)])

        defaults = [(ev.source == s.index, s.default_channel) for s in found.events
                    if s.default_channel is not None]
        stage = ibis.coalesce(worded(ev.stage_said, self.small["stage_words"], "stage"),
                              pick([(w, st) for w, st, _ in exact]),
                              pick([(w, st) for w, st, _ in whole]))
        channel = ibis.coalesce(pick([(w, ch) for w, _, ch in exact]),
                                pick([(w, ch) for w, _, ch in whole]),
                                worded(ev.channel_said, self.small["channel_words"], "channel"),
                                pick(defaults))
        placed = stage.notnull() & channel.notnull()
        moment = ev.moment
        return ev.select(
            customer=ev.customer, known=ev.known, moment=moment, source=ev.source,
            stage=stage, channel=channel, placed=placed,
            unplaced_event=ibis.ifelse(placed, ibis.null("string"), ev.event_text),
            period=moment.truncate(UNITS[self.period]).date(),
            at=moment.delta(ibis.timestamp(EPOCH), unit="microsecond"))

    def steps(self, flagged: Any) -> Any:
        """Each event with its next step, whether its customer used several channels in
        the stage and in the period, whether it is the stage's first arrival, and the
        furthest stage reached within the window."""
        import ibis

        t = flagged
        who = [t.placed, t.customer]
        journey = ibis.window(group_by=who, order_by=[t.moment, t.stage, t.channel])
        here = ibis.window(group_by=[*who, t.period, t.stage])
        period = ibis.window(group_by=[*who, t.period])
        first = ibis.window(group_by=[*who, t.stage], order_by=[t.moment, t.channel])
        ahead = ibis.window(group_by=who, order_by=t.at, range=(0, self.window_us))
        return t.mutate(
            next_stage=t.stage.lead().over(journey),
            next_channel=t.channel.lead().over(journey),
            delay=(t.at.lead().over(journey) - t.at).cast("float64") / 1e6,
            several_here=t.channel.min().over(here) != t.channel.max().over(here),
            several=t.channel.min().over(period) != t.channel.max().over(period),
            arrival=ibis.row_number().over(first) == 0,
            furthest=t.stage.max().over(ahead))

    def figures(self, steps: Any) -> list[Any]:
        """Every figure but drop-off, each a group-by of the steps; counts from fewer
        customers than the threshold withheld here (0 customers: 'fewer than k')."""
        k = self.k
        placed = steps.filter(steps.placed)
        cells = ["period", "stage", "channel"]
        traffic = placed.group_by(cells).aggregate(
            events=placed.count(), customers=placed.customer.nunique())
        stage = placed.group_by(["period", "stage"]).aggregate(
            events=placed.count(), customers=placed.customer.nunique(),
            several=placed.customer.nunique(where=placed.several_here))
        stage = stage.mutate(several=_withheld(stage.several, k, stage.several > 0))
        period = placed.group_by("period").aggregate(
            events=placed.count(), customers=placed.customer.nunique(),
            several=placed.customer.nunique(where=placed.several),
            known_events=placed.count(where=placed.known),
            known_customers=placed.customer.nunique(where=placed.known))
        unplaced = steps.filter(~steps.placed)
        unplaced = unplaced.group_by(["source", "unplaced_event"]).aggregate(
            events=unplaced.count(), customers=unplaced.customer.nunique(),
            label=unplaced.unplaced_event.min())
        files = steps.group_by("source").aggregate(events=steps.count())
        everything = steps.aggregate(
            events=steps.count(), customers=steps.customer.nunique(),
            known_events=steps.count(where=steps.known),
            known_customers=steps.customer.nunique(where=steps.known),
            first=steps.moment.min(), last=steps.moment.max())
        return [_row("traffic", _few(traffic, k)), _row("stage", _few(stage, k)),
                _row("period", period), *self.switches(placed),
                _row("unplaced", unplaced.filter(unplaced.customers >= k).drop(
                    "unplaced_event")),
                _row("file", files), _row("all", everything)]

    def switches(self, placed: Any) -> list[Any]:
        """The matrix (stage, channel) → (next stage, channel), with each pair's median and
        90th-percentile delay, overall and per day of the week, exact from ranks."""
        import ibis

        moves = placed.filter(placed.next_stage.notnull() & (
            (placed.next_stage != placed.stage) | (placed.next_channel != placed.channel)))
        moves = moves.mutate(weekday=moves.moment.day_of_week.index().cast("int64") + 1)
        pair = ["period", "stage", "channel", "next_stage", "next_channel"]
        overall = ibis.window(group_by=[moves[c] for c in pair], order_by=moves.delay)
        daily = ibis.window(group_by=[*(moves[c] for c in pair), moves.weekday],
                            order_by=moves.delay)
        ranked = moves.mutate(
            rank_all=ibis.row_number().over(overall),
            n_all=moves.count().over(ibis.window(group_by=[moves[c] for c in pair])),
            rank_day=ibis.row_number().over(daily),
            n_day=moves.count().over(ibis.window(
                group_by=[*(moves[c] for c in pair), moves.weekday])))
        leaving = ranked.group_by(["period", "stage", "channel"]).aggregate(
            events=ranked.count(), customers=ranked.customer.nunique())
        both = ranked.group_by(pair).aggregate(
            events=ranked.count(), customers=ranked.customer.nunique(),
            p50=_quantile(ranked, 5, "all"), p90=_quantile(ranked, 9, "all"))
        days = ranked.group_by([*pair, "weekday"]).aggregate(
            events=ranked.count(), customers=ranked.customer.nunique(),
            p50=_quantile(ranked, 5, "day"), p90=_quantile(ranked, 9, "day"))
        k = self.k  # a pair's overall figure keeps its place (counted as suppressed)
        return [_row("switch", leaving.filter(leaving.customers >= k)),
                _row("switch", _few(both, k)), _row("switch", days.filter(days.customers >= k))]

    def dropoffs(self, steps: Any) -> Any:
        """First arrivals at a stage whose window ended within the data, per stage ×
        channel of arrival and per stage (channel −1), with how many went further; the
        counts that would tell fewer customers than the threshold withheld (null)."""
        import ibis

        k = self.k
        last = steps.moment.max()
        end = (last - ibis.interval(microseconds=self.window_us)).date()
        arrivals = steps.filter(steps.placed & steps.arrival & (steps.stage < self.stages - 1)
                                & (steps.moment.date() < end))
        went = arrivals.furthest > arrivals.stage
        per_channel = arrivals.group_by(["period", "stage", "channel"]).aggregate(
            customers=arrivals.count(), went_on=arrivals.count(where=went))
        per_stage = arrivals.group_by(["period", "stage"]).aggregate(
            customers=arrivals.count(), went_on=arrivals.count(where=went)
        ).mutate(channel=ibis.literal(-1, "int64"))
        sums = ibis.union(per_channel, per_stage.select(*per_channel.columns), distinct=False)
        reached, on = sums.customers, sums.went_on
        few = (reached < k) | ((on > 0) & (on < k)) | ((reached - on > 0) & (reached - on < k))
        return _row("dropoff", sums.mutate(
            customers=ibis.ifelse(reached < k, ibis.null("int64"), reached),
            went_on=ibis.ifelse(few, ibis.null("int64"), on)))


def _text(column: Any) -> Any:
    return column.cast("string")


def _withheld(count: Any, k: int, shown_zero: Any) -> Any:
    """A count of fewer customers than k, but not none, as null."""
    import ibis

    return ibis.ifelse(shown_zero & (count < k), ibis.null("int64"), count)


def _few(table: Any, k: int) -> Any:
    """A group of fewer customers than k keeps its place, not its counts: 0 customers."""
    import ibis

    hidden = table.customers < k
    changes = {"customers": ibis.ifelse(hidden, 0, table.customers),
               "events": ibis.ifelse(hidden, 0, table.events)}
    for column in ("p50", "p90"):
        if column in table.columns:
            changes[column] = ibis.ifelse(hidden, ibis.null("float64"), table[column])
    return table.mutate(**changes)


def _quantile(ranked: Any, tenths: int, within: str) -> Any:
    """The p-quantile (p = tenths / 10) of the delays, interpolated as DuckDB's
    quantile_cont does, between the delays ranked floor and ceil of p × (n − 1): in whole
    numbers (10 × rank against tenths × (n − 1)), so no engine rounds a rank."""
    rank, n = ranked[f"rank_{within}"], ranked[f"n_{within}"]
    target = n * tenths - tenths
    low = ranked.delay.min(where=(rank * 10 <= target) & (target < rank * 10 + 10))
    high = ranked.delay.min(where=(rank * 10 >= target) & (rank * 10 - 10 < target))
    count = ranked.count()
    weight = ((count * tenths - tenths) % 10).cast("float64") / 10
    return low + weight * (high - low)


def _row(figure: str, table: Any) -> Any:
    """A figure's rows with every column of engine.COLUMNS, those it lacks null."""
    import ibis

    cells = {}
    for column in COLUMNS:
        kind = _TYPES.get(column, "int64")
        if column == "figure":
            cells[column] = ibis.literal(figure, "string")
        elif column in table.columns:
            cells[column] = table[column].cast(kind)
        else:
            cells[column] = ibis.null(kind)
    return table.select(**cells)


_MADE: dict[str, Any] = {}


def _builtins() -> dict[str, Any]:
    """The engines' own functions that move a moment between zones: DuckDB's and
    Postgres's timezone(), Spark's from_utc_timestamp()."""
    if not _MADE:
        import ibis
        import ibis.expr.datatypes as dt_

        naive, aware = dt_.Timestamp(), dt_.Timestamp(timezone="UTC")

        @ibis.udf.scalar.builtin(name="timezone", signature=((dt_.string, naive), aware))
        def utc(zone: str, at: Any) -> Any:
            """A naive moment in `zone` as an instant."""

        @ibis.udf.scalar.builtin(name="timezone", signature=((dt_.string, aware), naive))
        def local(zone: str, at: Any) -> Any:
            """An instant as the naive time of `zone`."""

        @ibis.udf.scalar.builtin(name="from_utc_timestamp",
                                 signature=((naive, dt_.string), naive))
        def spark(at: Any, zone: str) -> Any:
            """Spark: a UTC moment as the naive time of `zone`."""

        _MADE.update(utc=utc, local=local, spark=spark)
    return _MADE

