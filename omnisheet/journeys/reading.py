"""Each events file made ready for the engine: read as `omnisheet feedback` reads
responses (CSV in any of Excel's encodings, Parquet, .xlsx / .ods through python-calamine),
its layout recognised from its headers, its moments understood; and the plan's Events tab
and lists handed to DuckDB as three small tables (rules, channel words, stage words)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..feedback import sources
from ..template.text import normalise
from .engine import Prepared
from .errors import JourneysInputError
from .layouts import Layout, Words, recognise, words

if TYPE_CHECKING:
    from ..plan.model import Plan
    from ..template.definition import Definition

#: The channel a layout's events are on when the export does not say it.
DEFAULT_CHANNEL = {"email": "email", "pos": "store"}


@dataclass
class Found:
    events: list[Prepared] = field(default_factory=list)
    identities: list[Prepared] = field(default_factory=list)
    stages: list[Any] = field(default_factory=list)
    channels: list[Any] = field(default_factory=list)

    @property
    def all(self) -> list[Prepared]:
        return sorted([*self.events, *self.identities], key=lambda p: p.index)


def read(con: Any, paths: list[Path], plan: Plan, definition: Definition, scratch: Path
         ) -> Found:
    from ..feedback.zones import plan_zone

    # Moments are read in the plan's zone, as `omnisheet feedback` reads answers' moments.
    con.execute("SET VARIABLE plan_zone = ?", [plan_zone(plan)]).fetchall()
    found, vocabulary, channel_index = begin(plan, definition)
    for index, path in enumerate(paths):
        relation, headers, types, kind = _open(path, con, scratch, index, vocabulary)
        layout = recognise(headers, vocabulary)
        if layout is None:
            raise JourneysInputError("unknown_layout", file=str(path),
                                     columns=", ".join(headers[:12]))
        add(found, vocabulary, channel_index, index=index, name=str(path), stem=path.stem,
            layout=layout, relation=relation,
            moment_sql=_moment_sql(path, layout, relation, types, kind, con))
    ready(found, plan)
    _register(con, found, plan, channel_index, definition)
    return found


def begin(plan: Plan, definition: Definition) -> tuple[Found, Words, dict[str, int]]:
    """What every source is read against: the plan's stages and channels in order, the
    headers looked for, the words an export writes each channel with."""
    from .settings import placed_values

    vocabulary = words(definition)
    found = Found()
    found.stages, found.channels = placed_values(plan)
    return found, vocabulary, _channel_index(plan, definition, found.channels, vocabulary)


def add(found: Found, vocabulary: Words, channel_index: dict[str, int], *, index: int,
        name: str, stem: str, layout: Layout, relation: str, moment_sql: str) -> Prepared:
    """A source (a file, or an engine's table) among the events or the identities."""
    default = DEFAULT_CHANNEL.get(layout.kind)
    prepared = Prepared(
        index=index, name=name, stem=stem, layout=layout, relation=relation,
        moment_sql=moment_sql, silent_actions=tuple(sorted(vocabulary.not_the_customer)),
        default_channel=channel_index.get(f"key:{default}") if default else None)
    (found.identities if layout.kind == "identities" else found.events).append(prepared)
    return prepared


def ready(found: Found, plan: Plan) -> None:
    """Events there are, and a way to place them on the map."""
    if not found.events:
        raise JourneysInputError("no_events")
    if not plan.table("events") and not any("stage" in p.layout.columns for p in found.events):
        raise JourneysInputError("no_rules")


def _open(path: Path, con: Any, scratch: Path, index: int, vocabulary: Words
          ) -> tuple[str, list[str], dict[str, str], str]:
    """(relation, headers, types, format) of a file, recognised by its first bytes."""
    _settle(con)
    with open(path, "rb") as handle:
        head = handle.read(sources.SAMPLE_BYTES)
    if head.startswith(b"PAR1"):
        source = sources._parquet(path, con)
    elif head.startswith(b"PK\x03\x04"):
        return _workbook(path, con, index, vocabulary)
    elif head.startswith(sources._OLE):
        raise JourneysInputError("old_format", file=str(path))
    else:
        source = sources._csv(path, head, con, scratch, index)
    return source.relation, list(source.headers), dict(source.types), source.format


def _settle(con: Any) -> None:
    """Ends a result a file's reading left half-fetched (the CSV sniffer's one row): DuckDB 2
    refuses to register a frame while one is open."""
    con.execute("SELECT 1").fetchall()


def _workbook(path: Path, con: Any, index: int, vocabulary: Words
              ) -> tuple[str, list[str], dict[str, str], str]:
    """The first sheet whose first filled row reads as events or identities."""
    from ..read import grid
    from ..read.safety import Limits, vet
    from ..template.errors import UnreadableWorkbook

    try:
        kind = vet(path, Limits())
    except UnreadableWorkbook:
        raise JourneysInputError("not_a_table", file=str(path)) from None
    sheets = grid.read_values(path, max_cells=Limits().max_cells, kind=kind)
    first: list[str] = []
    for rows in sheets.values():
        top = next((i for i, row in enumerate(rows) if any(v is not None for v in row)), None)
        if top is None:
            continue
        headers = sources._unique([sources._header(v, i) for i, v in enumerate(rows[top])])
        first = first or headers
        if recognise(headers, vocabulary) is None:
            continue
        view = f"events_workbook_{index}"
        con.register(view, sources._frame(headers, rows[top + 1:]))
        return view, headers, {h: "VARCHAR" for h in headers}, kind
    raise JourneysInputError("unknown_layout", file=str(path), columns=", ".join(first[:12]))


def _moment_sql(path: Path, layout: Layout, relation: str, types: dict[str, str],
                kind: str, con: Any) -> str:
    if layout.kind == "identities":
        return "NULL"
    column = layout.columns["moment"]
    if layout.kind == "ga4" and not types.get(column, "").upper().startswith(("TIMESTAMP",
                                                                              "DATE")):
        # GA4's event_timestamp: microseconds since 1970 in UTC, read on the plan's clock
        return sources.in_plan_zone(
            f"make_timestamp(TRY_CAST({sources.sql_name(column)} AS BIGINT))", "UTC")
    source = sources.Source(path=path, format=kind, columns={"date": column}, relation=relation,
                            sample_relation=relation, types=types,
                            zone="UTC" if layout.kind == "ga4" else None)
    return sources.moment_sql(source, con)


def _key_of(definition: Definition, list_key: str, values: list[Any]) -> dict[str, int]:
    """Each template key of a list → the index of the plan's value standing for it: the
    value itself, one of its labels in any language, else the value at its place in the
    list when that value is the team's own (a renamed channel)."""
    listed = definition.list(list_key)
    found: dict[str, int] = {}
    names = {normalise(v): i for i, v in enumerate(values)}
    for position, key in enumerate(listed.keys):
        value = listed.value(key)
        candidates = [key, *(value.labels.values() if value is not None else ())]
        hit = next((names[normalise(c)] for c in candidates if normalise(c) in names), None)
        if hit is None and position < len(values) and listed.value(values[position]) is None:
            hit = position
        if hit is not None:
            found[key] = hit
    return found


def _channel_index(plan: Plan, definition: Definition, channels: list[Any], vocabulary: Words
                   ) -> dict[str, int]:
    """Words an export writes a channel with → the plan's channel; `key:<key>` entries too."""
    index = _list_index(definition, "channel", channels)
    for key, i in _key_of(definition, "channel", channels).items():
        index[f"key:{key}"] = i
        for word in vocabulary.channels.get(key, ()):
            index.setdefault(word, i)
    return index


def stage_index(plan: Plan, definition: Definition, stages: list[Any]) -> dict[str, int]:
    return _list_index(definition, "stage", stages)


def _list_index(definition: Definition, list_key: str, values: list[Any]) -> dict[str, int]:
    """A plan's list values by the words they are written with: as the team typed them,
    and, for the template's own values, their label in every language."""
    index: dict[str, int] = {}
    listed = definition.list(list_key)
    for i, value in enumerate(values):
        index.setdefault(normalise(value), i)
        known = listed.value(value)
        if known is not None:
            for label in known.labels.values():
                index.setdefault(normalise(label), i)
    return index


def small_tables(found: Found, plan: Plan, channel_index: dict[str, int],
                 definition: Definition) -> dict[str, Any]:
    """The plan's Events tab and lists as three small frames the scan joins: rules
    (source, event → stage, channel), channel words and stage words."""
    import pandas as pd

    stages = stage_index(plan, definition, found.stages)
    rules: dict[tuple[int, str], tuple[int, int | None]] = {}
    for record in plan.table("events"):
        stage = stages.get(normalise(record.get("stage")))
        if stage is None:
            continue  # a stage not in the list: value-not-in-list says so
        channel = channel_index.get(normalise(record.get("channel"))) \
            if record.get("channel") is not None else None
        event = normalise(record.get("event"))
        said = normalise(record.get("source"))
        for source in found.events:
            if said and said not in (normalise(source.stem), normalise(source.layout.kind),
                                     normalise(Path(source.name).name)):
                continue
            rules.setdefault((source.index, event), (stage, channel))
    frame = pd.DataFrame([(s, e, st, ch) for (s, e), (st, ch) in rules.items()],
                         columns=["source", "event", "stage", "channel"])
    words = [(w, i) for w, i in channel_index.items() if not w.startswith("key:")]
    return {"rules": frame.astype({"source": "int64", "stage": "int64", "channel": "Int64",
                                   "event": "object"}),
            "channel_words": pd.DataFrame(words, columns=["word", "channel"]),
            "stage_words": pd.DataFrame(list(stages.items()), columns=["word", "stage"])}


def _register(con: Any, found: Found, plan: Plan, channel_index: dict[str, int],
              definition: Definition) -> None:
    _settle(con)
    for name, frame in small_tables(found, plan, channel_index, definition).items():
        con.register(name, frame)
