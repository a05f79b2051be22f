"""Turn a filled workbook into a Plan, tolerant of what people and spreadsheet programs do.

Tabs are found by name in either language (or by their headers when renamed), columns by
header, list values whatever their case or accents. Values that are not in their list are
kept exactly as typed (checks report them); nothing typed is dropped: cells outside the
template's fields come back as stray cells. No check logic here.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

from ..plan.layout import MapGrid, instruction_lines
from ..plan.lookups import identity, identity_shown, touchpoint_key
from ..plan.model import (
    Finding,
    ListCells,
    Placement,
    Plan,
    Record,
    Scalar,
    StrayCell,
    Subject,
    Touchpoint,
    record_types,
)
from ..plan.sheet import Sheet
from ..template.definition import Column, Definition, ListDef, Tab, load_definition
from ..template.facts import ColumnName, Label
from ..template.numbers import as_hour, as_number
from ..template.text import normalise
from ..template.values import portable
from . import grid as grids
from .recognise import find_tabs, list_names, locate_map, strip_fixed, table_header

_ID_SPLIT = re.compile(r"[\s,;]+")
_PLAIN = re.compile(r"^\s*[+\-\u2212]?\d+(?:[.,]\d+)?\s*$")


def load(path: str | Path, *, definition: Definition | None = None) -> Plan:
    """Read a plan from an .xlsx, .xlsm or .ods file.

    Raises UnreadableWorkbook, with one sentence naming the file and what to do, when the
    file is not a workbook omnisheet can read.
    """
    from .safety import Limits, read_once, vet

    path = Path(path)
    limits = Limits()
    # read once, and every reader handed the same bytes: a plan saved again while it is
    # read (a sync client, an editor) cannot give the checks one file and a parser another
    data = read_once(path, limits)
    kind = vet(path, limits, data=data)
    values = grids.read_values(path, max_cells=limits.max_cells, kind=kind, data=data)
    reader = _Reader(definition or load_definition(), path, kind, data)
    return reader.read(values)


def as_text(value: Scalar) -> str | None:
    """A cell as text: numbers without a trailing .0, stripped strings, None for empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        value = portable(value)  # 18:00 as typed, not 18:00:00
    text = str(value).strip()
    return text or None


class _Reader:
    def __init__(self, definition: Definition, path: Path, kind: str,
                 data: bytes | None = None) -> None:
        self.d = definition
        self.path = path
        self.data = data  # the file's bytes, read once: what every later look reads
        self.kind = kind
        self.findings: list[Finding] = []
        self.list_cells: dict[str, ListCells] = {}
        self.header_rows: dict[str, int] = {}
        self.lang = definition.default_language
        self._own_values: dict[tuple[str, tuple[Scalar, ...]], dict[str, Scalar]] = {}

    def read(self, values: Mapping[str, grids.Grid]) -> Plan:
        found = find_tabs(self.d, values)
        if not found.recognised:
            from ..template.errors import NotAPlan

            raise NotAPlan(self.path)
        self.lang = found.language
        tabs = dict(found.sheets)
        sheets = {name: Sheet(name, values[name]) for name in values}
        if self.kind == "xlsm":
            self.findings.append(Finding(code="macros-not-kept", params={"file": self.path.name}))
        missing = [tab for tab in self.d.tabs if tab.key not in tabs]
        for tab in missing:
            if tab.kind != "instructions" and not tab.texts.get("optional"):
                self.findings.append(Finding(
                    code="tab-missing", sheet=tab.labels[self.lang],
                    params={"tab": tab.labels[self.lang],
                            "names": " / ".join(dict.fromkeys(tab.labels.values())),
                            "closest": found.closest.get(tab.key)},
                    subject=Subject(tab.key)))

        lists = self._read_lists(sheets.get(tabs.get("lists", "")))
        settings = self._read_settings(sheets.get(tabs.get("settings", "")))
        setting_tables = self._read_setting_tables(sheets.get(tabs.get("settings", "")), lists)
        tables: dict[str, tuple[Record, ...]] = {}
        layouts: dict[str, tuple[str, ...]] = {}
        extra_columns: dict[str, tuple[str, ...]] = {}
        for tab in self.d.table_tabs:
            sheet = sheets.get(tabs.get(tab.key, ""))
            records, layout, extras = self._read_table(tab, sheet, lists)
            tables[tab.key] = records
            if layout:
                layouts[tab.key] = layout
            if extras:
                extra_columns[tab.key] = extras
        maps: dict[str, MapGrid] = {}
        touchpoints, journey = self._read_journey(sheets.get(tabs.get("journey", "")), lists)
        placements, scenario_map = self._read_scenario_map(
            sheets.get(tabs.get("scenario_map", "")), lists)
        for key, grid in (("journey", journey), ("scenario_map", scenario_map)):
            if grid is not None:
                maps[key] = grid
        self._consume_instructions(sheets.get(tabs.get("instructions", "")))

        report_names = {normalise(n) for labels in self.d.report_tabs.values()
                        for n in labels.values()}
        strays: list[StrayCell] = []
        for name, sheet in sheets.items():
            if normalise(name) in report_names and name not in tabs.values():
                continue  # a previous check's Findings / Dashboard: made anew each time
            strays.extend(sheet.strays())
        return Plan(
            language=self.lang,
            lists=lists,
            settings=settings,
            touchpoints=tuple(touchpoints),
            placements=tuple(placements),
            **tables,  # type: ignore[arg-type]
            stray_cells=tuple(strays),
            extra_columns=extra_columns,
            read_findings=tuple(self.findings),
            sheet_names=dict(tabs),
            layouts=layouts,
            header_rows=dict(self.header_rows),
            list_cells=self.list_cells,
            maps=maps,
            missing_tabs=tuple(tab.key for tab in missing),
            source=str(self.path),
            setting_tables=setting_tables,
            definition=self.d,
        )

    # --- lists and settings ---------------------------------------------------------------
    def _list_for_header(self, header: Scalar) -> ListDef | None:
        text = strip_fixed(normalise(header))
        for listed in self.d.lists.values():
            names = {normalise(n) for n in (*listed.labels.values(), listed.key)}
            if text in names:
                return listed
        return None

    def _read_lists(self, sheet: Sheet | None) -> dict[str, tuple[Scalar, ...]]:
        """Each list's values (once each, in order); the cells as typed go to `list_cells`."""
        lists: dict[str, tuple[Scalar, ...]] = {
            key: listed.keys for key, listed in self.d.lists.items() if not listed.computed
        }
        if sheet is None:
            return lists
        for col in range(sheet.width):
            listed = self._list_for_header(sheet.get(0, col))
            if listed is None or listed.computed or listed.key in self.list_cells:
                continue
            sheet.take(0, col)
            cells: list[tuple[int, Scalar, Scalar]] = []
            for row in range(1, len(sheet.rows)):
                raw = sheet.get(row, col)
                text = as_text(raw)
                if text is None:
                    continue
                sheet.take(row, col)
                cells.append((row, listed.match(text) or text, raw))
            lists[listed.key] = tuple(dict.fromkeys(value for _, value, _ in cells))
            self.list_cells[listed.key] = ListCells(column=col, cells=tuple(cells))
        return lists

    def _read_settings(self, sheet: Sheet | None) -> dict[str, Scalar]:
        settings: dict[str, Scalar] = {s.key: s.default for s in self.d.settings}
        if sheet is None:
            return settings
        names = {normalise(n): s.key for s in self.d.settings
                 for n in (*s.labels.values(), s.key)}
        hours = {s.key for s in self.d.settings if s.unit == "hour"}
        helps = {normalise(h) for s in self.d.settings for h in s.help.values()}
        headers = {normalise(h) for labels in self.d.tab("settings").texts["headers"].values()
                   for h in labels.values()}
        for row in range(len(sheet.rows)):
            label = normalise(sheet.get(row, 0))
            if row == 0 and label in headers:
                for col in range(3):
                    if normalise(sheet.get(0, col)) in headers:
                        sheet.take(0, col)
                continue
            key = names.get(label)
            if key is None:
                continue
            sheet.take(row, 0)
            value = sheet.take(row, 1)
            settings[key] = (as_hour(value) if key in hours  # 21:00 is 21
                             else as_number(value.strip() if isinstance(value, str) else value))
            if normalise(sheet.get(row, 2)) in helps:
                sheet.take(row, 2)
        return settings

    def _read_setting_tables(self, sheet: Sheet | None, lists: Mapping[str, tuple[Scalar, ...]]
                             ) -> dict[str, tuple[tuple[Scalar, ...], ...]]:
        """The tables under the settings (the contact caps), as the team left them."""
        from ..plan.setting_tables import read_setting_tables

        return read_setting_tables(self.d, sheet, lists,
                                   lambda key, raw: self.list_value(key, raw, lists))

    # --- tables ---------------------------------------------------------------------------
    def _read_table(self, tab: Tab, sheet: Sheet | None, lists: Mapping[str, tuple[Scalar, ...]]
                    ) -> tuple[tuple[Record, ...], tuple[str, ...], tuple[str, ...]]:
        if sheet is None:
            return (), (), ()
        best_row, matched, unknown = table_header(tab, sheet.rows)
        if not matched:
            return (), (), ()
        for col in (*matched, *unknown):
            sheet.take(best_row, col)
        columns = {c.key: c for c in tab.columns}
        for column in tab.input_columns:
            if column.required and column.key not in matched.values():
                self.findings.append(Finding(
                    code="column-missing", sheet=sheet.name, row=best_row + 1,
                    params={"column": ColumnName(tab.key, column.key), "tab": sheet.name},
                    subject=Subject(tab.key, None, column.key)))
        self.header_rows[tab.key] = best_row + 1
        width = max([*matched, *unknown], default=-1) + 1
        layout = tuple(
            matched[c] if c in matched else ("+" + unknown[c] if c in unknown else "")
            for c in range(width)
        )
        record_type = record_types(self.d)[tab.key]
        fields = set(record_type.field_names())
        # The columns read into the records, looked up once rather than once per row.
        typed_in = [(col, key, columns[key]) for col, key in matched.items()
                    if not columns[key].computed]
        records: list[Record] = []
        for row in range(best_row + 1, len(sheet.rows)):
            cells = sheet.rows[row]
            values: dict[str, Scalar] = {}
            typed: dict[str, Scalar] = {}
            extra: list[tuple[str, Scalar]] = []
            for col, key, column in typed_in:
                raw = cells[col] if col < len(cells) else None
                if raw is None:
                    continue
                value, as_typed = self._convert(column, raw, lists)
                values[key] = value
                if isinstance(raw, str) and raw != raw.strip() and isinstance(value, str):
                    as_typed = raw  # with the spaces around it, as typed
                if as_typed is not None:
                    typed[key] = as_typed
            for col, header in unknown.items():
                raw = cells[col] if col < len(cells) else None
                if raw is not None:
                    extra.append((header, raw))
            if not values and not extra:
                continue
            extra += [(k, v) for k, v in values.items() if k not in fields]
            records.append(record_type(
                row=row + 1, extra=tuple(extra), typed=typed,
                **{k: v for k, v in values.items() if k in fields}))
        # Below the headers, the table's columns are its own: what is typed there is in the
        # records, and computed columns hold formulas whose cached results are never trusted.
        # A sheet is one tab's at most (recognise.find_tabs), so it has one body.
        sheet.body_from, sheet.body_columns = best_row + 1, frozenset((*matched, *unknown))
        self._typed_over_formulas(tab, sheet, best_row + 1,
                                  {c: columns[k] for c, k in matched.items() if columns[k].computed},
                                  records)
        return tuple(records), layout, tuple(unknown.values())

    def _typed_over_formulas(self, tab: Tab, sheet: Sheet, first: int,
                             computed: Mapping[int, Column], records: list[Record]) -> None:
        """A value where the template computes one, but no formula: typed over it. It is
        kept where it was typed (the checked workbook writes it over the formula) and said."""
        filled = [(row, col) for row in range(first, len(sheet.rows)) for col in computed
                  if sheet.get(row, col) is not None]
        if not filled:
            return
        from .formulas import formula_cells

        formulas = formula_cells(self.data if self.data is not None else self.path,
                                 self.kind, sheet.name, set(computed))
        by_row = {record.row: record for record in records}
        same = identity(self.d, tab.key)
        for row, col in filled:
            if (row, col) not in formulas:
                sheet.keep(row, col)
                record = by_row.get(row + 1)
                about = same(record) if record is not None else ("cell", row + 1)
                shown = identity_shown(self.d, tab.key, record) if record is not None else ()
                self.findings.append(Finding(
                    code="formula-overwritten", sheet=sheet.name,
                    row=row + 1, column=col + 1, value=sheet.get(row, col),
                    params={"column": ColumnName(tab.key, computed[col].key)},
                    subject=Subject(tab.key, about, computed[col].key, shown)))

    def _convert(self, column: Column, raw: Scalar, lists: Mapping[str, tuple[Scalar, ...]]
                 ) -> tuple[Scalar, Scalar]:
        """A cell's value for the model, and the text as typed when it differs from the label."""
        if column.type in ("id", "ref"):
            return as_text(raw), None
        if column.type == "number":
            value = as_hour(raw) if column.unit == "hour" else as_number(raw)
            if isinstance(raw, dt.time | dt.timedelta) and value != raw:
                return value, raw  # written back as the time it was
            if isinstance(raw, str) and value != raw and not _PLAIN.match(raw):
                return value, raw.strip()  # "18 h 30", "45 %": written back as typed
            return value, None
        if column.type == "list" and column.list:
            return self.list_value(column.list, raw, lists)
        if column.type == "period" and isinstance(raw, dt.date):
            return self._month(raw), None
        if isinstance(raw, str):
            return raw.strip(), None
        return raw, None

    def list_value(self, list_key: str, raw: Scalar, lists: Mapping[str, tuple[Scalar, ...]]
                   ) -> tuple[Scalar, str | None]:
        """The list key for a typed value (any language, case, accents), or the text as typed."""
        text = as_text(raw)
        if text is None:
            return None, None
        listed = self.d.list(list_key)
        key = listed.match(text)
        if key is None:
            values = lists.get(list_key, ())
            own = self._own_values.get((list_key, values))
            if own is None:  # built once per list, not once per cell
                own = {normalise(v): v for v in values if isinstance(v, str)}
                self._own_values[(list_key, values)] = own
            found = own.get(normalise(text))
            if found is not None:
                return found, (text if text != found else None)
            return text, None
        label = listed.label(key, self.lang)
        return key, (text if text != label else None)

    def _month(self, date: dt.date) -> str:
        """A date typed where a period is asked for, as its month in the workbook's language
        (a French LibreOffice turns "mars 2026" into 2026-03-01)."""
        dates = self.d.formats[self.lang]["dates"]
        return dates["month_year"].format(month=dates["months"][date.month - 1], year=date.year)

    # --- maps ---------------------------------------------------------------------------
    def _read_map(self, tab: Tab, sheet: Sheet, lists: Mapping[str, tuple[Scalar, ...]]
                  ) -> tuple[MapGrid, list[tuple[int, int, Scalar, Scalar]]]:
        """A map's geometry as the team left it, and its filled cells: (slot, row index,
        first cell, second cell of a pair). Header cells the template writes are taken;
        everything else stays for the caller (or comes back as a stray cell)."""
        assert tab.across is not None and tab.down is not None
        across_list, down_list = tab.across.list, tab.down.list
        corner = locate_map(tab, sheet.rows, list_names(self.d, across_list, lists[across_list]),
                            list_names(self.d, down_list, lists[down_list]))
        top, left = (corner.top, corner.left) if corner else (0, 0)
        paired = corner.paired if corner else False
        grid = MapGrid(top=top, left=left, step=2 if paired else 1, depth=2 if paired else 1)
        texts = tab.texts
        if normalise(sheet.get(top, left)) in {normalise(v) for v in texts["corner"].values()}:
            sheet.take(top, left)
        if paired:
            marks = {normalise(v) for key in ("description", "status")
                     for v in texts[key].values()}
            for col in range(grid.slot_column(0), sheet.width):
                if normalise(sheet.get(top + 1, col)) in marks:
                    sheet.take(top + 1, col)
        slots = range(max(0, -(-(sheet.width - grid.slot_column(0)) // grid.step)))
        across, across_typed = zip(*(self._header(across_list, sheet, top, grid.slot_column(i),
                                                  i, lists) for i in slots), strict=True) \
            if slots else ((), ())
        rows = range(max(0, len(sheet.rows) - grid.data_row(0)))
        down, down_typed = zip(*(self._header(down_list, sheet, grid.data_row(j), left, j, lists)
                                 for j in rows), strict=True) if rows else ((), ())
        # Past the room the template draws (or the list's length), a cell under no header
        # is a note beside the map, not a touchpoint waiting for its stage.
        room_across = max(tab.across.slots, len(lists[across_list]))
        room_down = max(tab.down.slots, len(lists[down_list]))
        cells: list[tuple[int, int, Scalar, Scalar]] = []
        for j in range(len(down)):
            row = grid.data_row(j)
            for i in slots:
                if (across[i] is None and i >= room_across) or (down[j] is None
                                                                 and j >= room_down):
                    continue
                col = grid.slot_column(i)
                first = sheet.get(row, col)
                second = sheet.get(row, col + 1) if paired else None
                if first is not None or second is not None:
                    cells.append((i, j, first, second))
        used_slots = {i for i, _, _, _ in cells} | {i for i, v in enumerate(across) if v is not None}
        used_rows = {j for _, j, _, _ in cells} | {j for j, v in enumerate(down) if v is not None}
        slots_kept = max(used_slots, default=-1) + 1
        rows_kept = max(used_rows, default=-1) + 1
        grid = MapGrid(top=top, left=left, step=grid.step, depth=grid.depth,
                       across=tuple(across[:slots_kept]), down=tuple(down[:rows_kept]),
                       across_typed=tuple(across_typed[:slots_kept]),
                       down_typed=tuple(down_typed[:rows_kept]))
        return grid, cells

    def _header(self, list_key: str, sheet: Sheet, row: int, col: int, index: int,
                lists: Mapping[str, tuple[Scalar, ...]]) -> tuple[Scalar, Scalar]:
        """A map header: the value shown, else the list's value at that slot (a live header
        whose result the file did not keep, as openpyxl saves them); and its text as typed
        when that is not how the template shows the value."""
        header = sheet.take(row, col) if row >= 0 and col >= 0 else None
        if as_text(header) is not None:
            value = self.list_value(list_key, header, lists)[0]
            if isinstance(header, int | float) and not isinstance(header, bool):
                return (header if value == as_text(header) else value), None
            label = self.d.list(list_key).label(value, self.lang) if isinstance(value, str) \
                else value
            return value, (header if header != label else None)
        if list_key in self.list_cells:  # by place: a row left empty is an empty slot
            return next((v for r, v, _ in self.list_cells[list_key].cells if r == index + 1),
                        None), None
        values = lists.get(list_key, ())
        return (values[index] if index < len(values) else None), None

    def _outside(self, code: str, tab_key: str, sheet: Sheet, row: int, col: int,
                 value: Scalar, what: str) -> None:
        """A cell typed under no header: said, and left to come back where it was typed."""
        self.findings.append(Finding(code=code, sheet=sheet.name, row=row + 1,
                                     column=col + 1, value=value, params={"what": what},
                                     subject=Subject(tab_key, ("cell", normalise(value)))))

    def _read_journey(self, sheet: Sheet | None, lists: Mapping[str, tuple[Scalar, ...]]
                      ) -> tuple[list[Touchpoint], MapGrid | None]:
        if sheet is None:
            return [], None
        grid, cells = self._read_map(self.d.tab("journey"), sheet, lists)
        paired = grid.step == 2
        touchpoints: list[Touchpoint] = []
        painted: list[tuple[int, int, int]] = []
        for i, j, description, status_raw in cells:
            row, col = grid.data_row(j), grid.slot_column(i)
            stage, channel = grid.across[i], grid.down[j]
            if stage is None or channel is None:
                at = col if description is not None else col + 1
                self._outside("touchpoint-without-stage" if stage is None
                              else "touchpoint-without-channel", "journey", sheet, row, at,
                              description if description is not None else status_raw,
                              "stage" if stage is None else "channel")
                continue
            sheet.take(row, col)
            if paired:
                sheet.take(row, col + 1)
            status, typed_status = self.list_value("touchpoint_status", status_raw, lists)
            typed = {"status": typed_status} if typed_status else {}
            if isinstance(status_raw, str) and status_raw != status_raw.strip():
                typed["status"] = status_raw
            if isinstance(description, str):
                if description != description.strip():
                    typed["description"] = description
                description = description.strip()
            touchpoints.append(Touchpoint(
                stage=stage, channel=channel, description=description, status=status,
                typed=typed, row=row + 1, column=col + 1))
            if status is None and description is not None:
                painted.append((len(touchpoints) - 1, row + 1, col + 1))
        if painted and self.kind in ("xlsx", "xlsm"):
            touchpoints = self._infer_statuses(sheet.name, touchpoints, painted)
        return touchpoints, grid

    def _infer_statuses(self, sheet_name: str, touchpoints: list[Touchpoint],
                        painted: list[tuple[int, int, int]]) -> list[Touchpoint]:
        """Google-Sheets-style plans: the status is only the cell's colour."""
        listed = self.d.list("touchpoint_status")
        hues = {v.key: v.hue for v in listed.values if v.hue is not None}
        try:
            fills = grids.read_fills(self.data if self.data is not None else self.path,
                                     sheet_name, [(r, c) for _, r, c in painted])
        except (SyntaxError, ValueError, KeyError, LookupError, EOFError,
                zipfile.BadZipFile) as exc:
            # calamine read the values, openpyxl cannot read the sheet's XML for its
            # colours (ElementTree's ParseError is a SyntaxError): the colours are the
            # statuses, so the plan is not read rather than read with none
            from ..template.errors import UnreadableWorkbook

            raise UnreadableWorkbook(self.path, "sheet_unreadable", sheet=sheet_name) from exc
        for index, row, col in painted:
            colour = fills.get((row, col))
            status = grids.nearest_hue(colour, hues) if colour else None
            if status is None:
                continue
            tp = touchpoints[index]
            touchpoints[index] = Touchpoint(
                stage=tp.stage, channel=tp.channel, description=tp.description, status=status,
                status_inferred=True, typed=tp.typed, row=tp.row, column=tp.column)
            self.findings.append(Finding(
                code="status-inferred-from-colour", sheet=sheet_name, row=row,
                column=col, value=tp.description, expected=Label("touchpoint_status", status),
                params={"status": Label("touchpoint_status", status), "colour": "#" + colour},
                subject=Subject("journey", touchpoint_key(tp), "status", (tp.stage, tp.channel))))
        return touchpoints

    def _read_scenario_map(self, sheet: Sheet | None, lists: Mapping[str, tuple[Scalar, ...]]
                           ) -> tuple[list[Placement], MapGrid | None]:
        if sheet is None:
            return [], None
        grid, cells = self._read_map(self.d.tab("scenario_map"), sheet, lists)
        placements: list[Placement] = []
        for i, j, value, _ in cells:
            row, col = grid.data_row(j), grid.slot_column(i)
            text = as_text(value)
            if text is None:
                continue
            stage, target = grid.across[i], grid.down[j]
            if stage is None or target is None:
                self._outside("unknown-stage-or-target", "scenario_map", sheet, row, col, text,
                              "relationship stage" if stage is None else "target")
                continue
            sheet.take(row, col)
            ids = tuple(x for x in _ID_SPLIT.split(text) if x)
            shown = value if isinstance(value, str) else text
            placements.append(Placement(
                relationship_stage=stage, target=target, scenarios=ids,
                text=shown if shown != ", ".join(ids) else None, row=row + 1, column=col + 1))
        return placements, grid

    def _consume_instructions(self, sheet: Sheet | None) -> None:
        """The instructions are the template's text, taken back where the template writes
        them (in any language); whatever the team typed there stays theirs."""
        if sheet is None:
            return
        for row, _, texts in instruction_lines(self.d.tab("instructions"), self.d):
            if normalise(sheet.get(row, 0)) in {normalise(t) for t in texts.values()}:
                sheet.take(row, 0)
