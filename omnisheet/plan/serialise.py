"""The plan as JSON-ready data (`omnisheet export`) and back (`omnisheet import`).

Shape, version 1 (docs/commands.md points here):
{"format": "omnisheet-plan", "version": 1, "language": "fr",
 "lists": {list key: [values]}, "settings": {key: value},
 "journey": [{"stage", "channel", "description", "status"}],
 "use_cases": [...], "scenario_map": [{"relationship_stage", "target", "scenarios"}],
 "scenarios": [...], "messages": [...], "data_needs": [...],
 "stray_cells": [{"sheet", "row", "column", "value"}],
 "setting_tables": {"contact_caps": [{"channel", "cap", "window_days"}]},
 "layout": {"columns": {tab: [column key, "+Header" of the team's own, or ""]},
            "rows": {tab: [the sheet row of each record]},
            "maps": {"journey": {"top", "left", "across", "down", "across_typed",
                                 "down_typed"}}}}
"layout" (optional) is where the team had things: their column order, the rows their
records sat on, each map's corner and slots. `import` writes the plan there again, so that
what they typed beside a table or a map (stray_cells: a note column, a title above the
map) stands beside it again, never in a formula column or on the map's corner.
List values are stable keys ("friction", "store") where the template knows them and the
team's own text otherwise; on the way in, labels in any language are accepted too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..template.definition import Definition, load_definition
from ..template.values import portable
from .layout import MapGrid
from .model import Placement, Plan, Scalar, StrayCell, Touchpoint, record_types

FORMAT = "omnisheet-plan"
VERSION = 1


class PlanDataError(ValueError):
    """The data is not a plan in the export shape; the message (a sentence of
    `words.refusals`) says where, in the language the command line chooses."""

    def __init__(self, key: str, **fields: Any) -> None:
        from ..template.errors import refusal

        self.message = refusal(key, **fields)
        super().__init__(self.message)

    def __str__(self) -> str:
        from ..template.errors import say

        return say(self.message)


def _out(value: Scalar) -> Any:
    return portable(value)


def plan_to_dict(plan: Plan, definition: Definition | None = None) -> dict[str, Any]:
    """The export shape: the definition's tabs in its order, each table's rows with a key
    per column (a column added to plan.yaml is one too)."""
    d = definition or plan.definition
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "language": plan.language,
        "lists": {k: [_out(v) for v in values] for k, values in plan.lists.items()},
        "settings": {k: _out(v) for k, v in plan.settings.items()},
    }
    for tab in d.tabs:
        if tab.key == "journey":
            data["journey"] = [
                {"stage": t.stage, "channel": t.channel, "description": _out(t.description),
                 "status": t.status}
                for t in plan.touchpoints
            ]
        elif tab.key == "scenario_map":
            data["scenario_map"] = [
                {"relationship_stage": p.relationship_stage, "target": p.target,
                 "scenarios": list(p.scenarios)}
                for p in plan.placements
            ]
        elif tab.kind == "table":
            rows = []
            for record in plan.table(tab.key):
                row = {k: _out(v) for k, v in record.values().items() if v is not None}
                if record.extra:
                    row["extra"] = {k: _out(v) for k, v in record.extra}
                rows.append(row)
            data[tab.key] = rows
    if plan.setting_tables:
        data["setting_tables"] = _tables_out(plan, d)
    if plan.extra_columns:
        data["extra_columns"] = {k: list(v) for k, v in plan.extra_columns.items()}
    if plan.stray_cells:
        data["stray_cells"] = [
            {"sheet": c.sheet, "row": c.row, "column": c.column, "value": _out(c.value)}
            for c in plan.stray_cells
        ]
    layout = _layout_out(plan, d)
    if layout:
        data["layout"] = layout
    return data


def _layout_out(plan: Plan, d: Definition) -> dict[str, Any]:
    """Where the team had things (see the module's docstring); empty for a plan built in
    code, which the writer lays out as the template does."""
    layout: dict[str, Any] = {}
    if plan.layouts:
        layout["columns"] = {k: list(v) for k, v in plan.layouts.items()}
    rows = {tab.key: [r.row for r in plan.table(tab.key)] for tab in d.table_tabs
            if any(r.row for r in plan.table(tab.key))}
    if rows:
        layout["rows"] = rows
    if plan.maps:
        layout["maps"] = {key: {"top": g.top, "left": g.left,
                                "across": [_out(v) for v in g.across],
                                "down": [_out(v) for v in g.down],
                                "across_typed": [_out(v) for v in g.across_typed],
                                "down_typed": [_out(v) for v in g.down_typed]}
                          for key, g in plan.maps.items()}
    return layout


def plan_from_dict(data: Mapping[str, Any], definition: Definition | None = None) -> Plan:
    """A Plan from the export shape (or a hand-written YAML of it: labels are accepted)."""
    d = definition or load_definition()
    if not isinstance(data, Mapping):
        raise PlanDataError("data_not_an_object")
    if data.get("format", FORMAT) != FORMAT or int(data.get("version", VERSION)) > VERSION:
        raise PlanDataError("data_not_this_format", format=FORMAT, version=str(VERSION))
    lang = d.check_language(data.get("language", d.default_language))

    def canon(list_key: str, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            return value
        return d.list(list_key).match(value) or value.strip()

    lists = {key: listed.keys for key, listed in d.lists.items() if not listed.computed}
    for key, values in (data.get("lists") or {}).items():
        if key not in d.lists:
            raise PlanDataError("data_no_such_list", name=key, known=", ".join(lists))
        lists[key] = tuple(canon(key, v) for v in values)
    settings = {s.key: s.default for s in d.settings} | dict(data.get("settings") or {})

    layout = data.get("layout") or {}
    if not isinstance(layout, Mapping):
        raise PlanDataError("data_malformed", why="layout")
    placed = layout.get("rows") or {}

    def records(tab_key: str) -> tuple:
        tab = d.tab(tab_key)
        record_type = record_types(d)[tab_key]
        fields = set(record_type.field_names())
        out = []
        at = list(placed.get(tab_key) or [])
        for n, row in enumerate(data.get(tab_key) or []):
            if not isinstance(row, Mapping):
                raise PlanDataError("data_row_not_an_object", tab=tab_key, n=str(n))
            unknown = set(row) - fields - {"extra"} - {c.key for c in tab.columns}
            if unknown:
                raise PlanDataError("data_unknown_fields", tab=tab_key, n=str(n),
                                    fields=", ".join(sorted(unknown)))
            values = {}
            for column in tab.input_columns:
                value = row.get(column.key)
                if column.type == "list" and column.list:
                    value = canon(column.list, value)
                elif column.type in ("id", "ref") and value is not None:
                    value = str(value)
                values[column.key] = value
            extra = [(k, v) for k, v in (row.get("extra") or {}).items()]
            extra += [(k, v) for k, v in values.items() if k not in fields and v is not None]
            sheet_row = at[n] if n < len(at) and isinstance(at[n], int) else None
            out.append(record_type(extra=tuple(extra), row=sheet_row,
                                   **{k: v for k, v in values.items() if k in fields}))
        return tuple(out)

    touchpoints = tuple(
        Touchpoint(stage=canon("stage", t["stage"]), channel=canon("channel", t["channel"]),
                   description=t.get("description"),
                   status=canon("touchpoint_status", t.get("status")))
        for t in data.get("journey") or []
    )
    placements = tuple(
        Placement(relationship_stage=canon("relationship_stage", p["relationship_stage"]),
                  target=canon("target", p["target"]),
                  scenarios=tuple(str(s) for s in p.get("scenarios") or ()))
        for p in data.get("scenario_map") or []
    )
    strays = tuple(StrayCell(**c) for c in data.get("stray_cells") or ())
    from .setting_tables import complete, defaults

    tables = defaults(lists, d) | complete(_tables_in(data.get("setting_tables") or {}, d, canon),
                                           lists, d)
    try:
        return Plan(
            language=lang, lists=lists, settings=settings, touchpoints=touchpoints,
            placements=placements, stray_cells=strays,
            **{tab.key: records(tab.key) for tab in d.table_tabs},
            extra_columns={k: tuple(v) for k, v in (data.get("extra_columns") or {}).items()},
            setting_tables=tables,
            definition=d,
            layouts={k: tuple(v) for k, v in (layout.get("columns") or {}).items()},
            maps={k: _map_in(k, m, canon, d) for k, m in (layout.get("maps") or {}).items()},
        )
    except (KeyError, TypeError) as exc:
        raise PlanDataError("data_malformed", why=str(exc)) from exc


def _map_in(key: str, raw: Mapping[str, Any], canon: Any, d: Definition) -> MapGrid:
    """A map's geometry as exported: its corner, and its slots by list key."""
    from .layout import grid_shape

    tab = d.tab(key)
    assert tab.across is not None and tab.down is not None
    step, depth = grid_shape(tab)
    return MapGrid(top=int(raw.get("top", 0)), left=int(raw.get("left", 0)), step=step,
                   depth=depth,
                   across=tuple(canon(tab.across.list, v) for v in raw.get("across") or ()),
                   down=tuple(canon(tab.down.list, v) for v in raw.get("down") or ()),
                   across_typed=tuple(raw.get("across_typed") or ()),
                   down_typed=tuple(raw.get("down_typed") or ()))


def _tables_out(plan: Plan, d: Definition) -> dict[str, list[dict[str, Any]]]:
    """The Settings tab's tables: a list of rows, each {list key: value, column: value}."""
    out = {}
    for table in d.setting_tables:
        if table.key in plan.setting_tables:
            names = [table.rows, *(c.key for c in table.columns)]
            out[table.key] = [{name: _out(value) for name, value in zip(names, row, strict=False)}
                              for row in plan.setting_tables[table.key]]
    return out


def _tables_in(raw: Mapping[str, Any], d: Definition, canon: Any
               ) -> dict[str, tuple[tuple[Scalar, ...], ...]]:
    """Rows as exported, or, hand-written, {value: {column: number}}."""
    tables = {}
    for key, rows in raw.items():
        try:
            table = d.setting_table(key)
        except StopIteration:
            raise PlanDataError("data_no_such_table", name=key) from None
        if isinstance(rows, Mapping):
            rows = [{table.rows: value, **(columns or {})} for value, columns in rows.items()]
        tables[key] = tuple(
            (canon(table.rows, row.get(table.rows)), *(row.get(c.key) for c in table.columns))
            for row in rows)
    return tables


CELL_TEXT_LIMIT = 32_767
"""The most characters a spreadsheet cell holds (Excel's limit, kept by LibreOffice)."""


def vet_values(data: Any) -> None:
    """Refuse what no workbook can hold faithfully, naming where it is: a number that is
    NaN, infinite or absurd (JSON's NaN, Infinity, 1e400; YAML's .nan), a lone surrogate
    (a JSON \\ud800 escape), a text longer than a cell. Each object is looked at once,
    however often YAML aliases it."""
    import math

    from ..template.numbers import LARGEST

    seen: set[int] = set()
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, Mapping | list):
            if id(value) in seen:
                continue
            seen.add(id(value))
            items = value.items() if isinstance(value, Mapping) else enumerate(value)
            for key, item in items:
                name = f"{where}[{key}]" if isinstance(key, int) else \
                    (f"{where}.{key}" if where else str(key))
                if isinstance(key, str):
                    _vet_text(name, key)
                stack.append((name, item))
        elif isinstance(value, float) and not isinstance(value, bool):
            if not math.isfinite(value) or abs(value) > LARGEST:
                raise PlanDataError("data_not_finite", where=where or "/", value=repr(value))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > LARGEST:
            raise PlanDataError("data_not_finite", where=where or "/", value=str(value)[:20])
        elif isinstance(value, str) and id(value) not in seen:
            seen.add(id(value))
            _vet_text(where or "/", value)


def _vet_text(where: str, text: str) -> None:
    if len(text) > CELL_TEXT_LIMIT:
        raise PlanDataError("data_text_too_long", where=where, n=len(text),
                            limit=CELL_TEXT_LIMIT)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PlanDataError("data_lone_surrogate", where=where,
                            code=f"U+{ord(text[exc.start]):04X}") from None
