"""Turn a filled workbook into a Plan, tolerant of what people and spreadsheet programs do.

Tabs are found by name in either language (or by their headers when renamed), columns by
header, list values whatever their case or accents. Values that are not in their list are
kept exactly as typed (checks report them); nothing typed is dropped: cells outside the
template's fields come back as stray cells. No check logic here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import grid as grids
from .definition import Column, Definition, ListDef, Tab, load_definition
from .model import (
    ERROR,
    INFO,
    TABLE_RECORDS,
    Finding,
    Placement,
    Plan,
    Record,
    Scalar,
    StrayCell,
    Touchpoint,
)
from .text import normalise

HEADER_SCAN_ROWS = 6
FUZZY_CUTOFF = 0.82
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_ID_SPLIT = re.compile(r"[\s,;]+")


def load(path: str | Path, *, definition: Definition | None = None) -> Plan:
    """Read a plan from an .xlsx, .xlsm or .ods file.

    Raises UnreadableWorkbook, with one sentence naming the file and what to do, when the
    file is not a workbook omnisheet can read.
    """
    from .safety import Limits, vet

    path = Path(path)
    limits = Limits()
    kind = vet(path, limits)
    values = grids.read_values(path, max_cells=limits.max_cells)
    reader = _Reader(definition or load_definition(), path, kind)
    return reader.read(values)


def as_text(value: Scalar) -> str | None:
    """A cell as text: numbers without a trailing .0, stripped strings, None for empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def as_number(value: Scalar) -> Scalar:
    """Numbers typed as text ("4", "4,0", " 3.5 ") become numbers; anything else stays as typed."""
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "")
        if _NUMBER.match(text):
            number = float(text.replace(",", "."))
            return int(number) if number.is_integer() else number
    return value


@dataclass
class _Sheet:
    name: str
    rows: list[list[Scalar]]
    used: set[tuple[int, int]] = field(default_factory=set)
    # A table's body: from this 0-based row down, these columns are the table's (a set of
    # every cell cost 50 MB on a plan of 20,000 use cases).
    body_from: int = 0
    body_columns: frozenset[int] = frozenset()

    def get(self, row: int, col: int) -> Scalar:
        """0-based cell value, None outside the grid."""
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def take(self, row: int, col: int) -> Scalar:
        self.used.add((row, col))
        return self.get(row, col)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def strays(self) -> list[StrayCell]:
        return [
            StrayCell(sheet=self.name, row=r + 1, column=c + 1, value=value)
            for r, row in enumerate(self.rows)
            for c, value in enumerate(row)
            if value is not None and (r, c) not in self.used
            and not (r >= self.body_from and c in self.body_columns)
        ]


class _Reader:
    def __init__(self, definition: Definition, path: Path, kind: str) -> None:
        self.d = definition
        self.path = path
        self.kind = kind
        self.findings: list[Finding] = []
        self.lang = definition.default_language
        self._own_values: dict[tuple[str, tuple[Scalar, ...]], dict[str, Scalar]] = {}

    # --- tabs -----------------------------------------------------------------------------
    def _find_tabs(self, names: list[str], values: Mapping[str, grids.Grid]) -> dict[str, str]:
        found: dict[str, str] = {}
        votes = dict.fromkeys(self.d.languages, 0)
        for name in names:
            for tab in self.d.tabs:
                if tab.key not in found and normalise(name) in tab.names():
                    found[tab.key] = name
                    for lang in self.d.languages:
                        votes[lang] += normalise(tab.labels[lang]) == normalise(name)
                    break
        if votes:
            best = max(votes.values())
            if best:
                self.lang = next(lang for lang in self.d.languages if votes[lang] == best)
        # Renamed table tabs: the sheet whose headers best match the tab's columns.
        report_names = {normalise(n) for labels in self.d.report_tabs.values()
                        for n in labels.values()}
        spare = [n for n in names if n not in found.values() and normalise(n) not in report_names]
        for tab in self.d.table_tabs:
            if tab.key in found or not spare:
                continue
            scored = [(self._signature(tab, values[n]), n) for n in spare]
            score, name = max(scored)
            if score >= 0.5:
                found[tab.key] = name
                spare.remove(name)
        return found

    def _signature(self, tab: Tab, rows: grids.Grid) -> float:
        best = 0.0
        for row in rows[:HEADER_SCAN_ROWS]:
            matched = len(self._match_headers(tab, row)[0])
            best = max(best, matched / max(1, len(tab.input_columns)))
        return best

    def read(self, values: Mapping[str, grids.Grid]) -> Plan:
        names = list(values)
        tabs = self._find_tabs(names, values)
        sheets = {name: _Sheet(name, values[name]) for name in names}
        if self.kind == "xlsm":
            self.findings.append(Finding(code="macros-not-kept", severity=INFO,
                                         params={"file": self.path.name}))
        for tab in self.d.tabs:
            if tab.key not in tabs and tab.kind != "instructions" and not tab.texts.get("optional"):
                self.findings.append(Finding(
                    code="tab-missing", severity=ERROR, sheet=tab.labels[self.lang],
                    params={"tab": tab.labels[self.lang]}))
        if not tabs:
            from .errors import UnreadableWorkbook

            raise UnreadableWorkbook(
                self.path,
                "none of the plan's tabs (journey map, use cases, scenarios...) is in this "
                "workbook; start from a template made by `omnisheet new` and copy your plan in.",
            )

        lists = self._read_lists(sheets.get(tabs.get("lists", "")), tabs, sheets)
        settings = self._read_settings(sheets.get(tabs.get("settings", "")))
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
        touchpoints = self._read_journey(sheets.get(tabs.get("journey", "")), lists)
        placements = self._read_scenario_map(sheets.get(tabs.get("scenario_map", "")), lists)
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
            source=str(self.path),
        )

    # --- lists and settings ---------------------------------------------------------------
    def _list_for_header(self, header: Scalar) -> ListDef | None:
        text = normalise(header)
        for suffix in (" fixe", " fixed"):
            text = text.removesuffix(suffix)
        for listed in self.d.lists.values():
            names = {normalise(n) for n in (*listed.labels.values(), listed.key)}
            if text in names:
                return listed
        return None

    def _read_lists(self, sheet: _Sheet | None, tabs: Mapping[str, str],
                    sheets: Mapping[str, _Sheet]) -> dict[str, tuple[Scalar, ...]]:
        lists: dict[str, tuple[Scalar, ...]] = {
            key: listed.keys for key, listed in self.d.lists.items() if not listed.computed
        }
        if sheet is None:
            return lists
        for col in range(sheet.width):
            listed = self._list_for_header(sheet.get(0, col))
            if listed is None or listed.computed:
                continue
            sheet.take(0, col)
            values: list[Scalar] = []
            for row in range(1, len(sheet.rows)):
                text = as_text(sheet.get(row, col))
                if text is None:
                    continue
                sheet.take(row, col)
                values.append(listed.match(text) or text)
            lists[listed.key] = tuple(dict.fromkeys(values))
        return lists

    def _read_settings(self, sheet: _Sheet | None) -> dict[str, Scalar]:
        settings: dict[str, Scalar] = {s.key: s.default for s in self.d.settings}
        if sheet is None:
            return settings
        names = {normalise(n): s.key for s in self.d.settings
                 for n in (*s.labels.values(), s.key)}
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
            settings[key] = as_number(value.strip() if isinstance(value, str) else value)
            if normalise(sheet.get(row, 2)) in helps:
                sheet.take(row, 2)
        return settings

    # --- tables ---------------------------------------------------------------------------
    def _match_headers(self, tab: Tab, row: list[Scalar]) -> tuple[dict[int, str], dict[int, str]]:
        """Header cells → column keys (exact, then fuzzy), and the unmatched headers by position."""
        names: dict[str, str] = {}
        for column in tab.columns:
            for name in (*column.labels.values(), column.key, *column.aliases):
                names.setdefault(normalise(name), column.key)
        matched: dict[int, str] = {}
        unknown: dict[int, str] = {}
        for col, value in enumerate(row):
            text = normalise(value)
            if not text:
                continue
            key = names.get(text)
            if key is not None and key not in matched.values():
                matched[col] = key
            else:
                unknown[col] = str(value).strip()
        free = {n: k for n, k in names.items() if k not in matched.values()}
        for col, header in list(unknown.items()):
            close = difflib.get_close_matches(normalise(header), list(free), n=1,
                                              cutoff=FUZZY_CUTOFF)
            if close:
                key = free[close[0]]
                matched[col] = key
                del unknown[col]
                free = {n: k for n, k in free.items() if k != key}
        return matched, unknown

    def _read_table(self, tab: Tab, sheet: _Sheet | None, lists: Mapping[str, tuple[Scalar, ...]]
                    ) -> tuple[tuple[Record, ...], tuple[str, ...], tuple[str, ...]]:
        if sheet is None:
            return (), (), ()
        best_row, matched, unknown = 0, {}, {}
        for row in range(min(HEADER_SCAN_ROWS, len(sheet.rows))):
            m, u = self._match_headers(tab, sheet.rows[row])
            if len(m) > len(matched):
                best_row, matched, unknown = row, m, u
        if not matched:
            return (), (), ()
        for col in (*matched, *unknown):
            sheet.take(best_row, col)
        columns = {c.key: c for c in tab.columns}
        for column in tab.input_columns:
            if column.required and column.key not in matched.values():
                self.findings.append(Finding(
                    code="column-missing", severity=ERROR, sheet=sheet.name, row=best_row + 1,
                    params={"column": column.labels[self.lang], "tab": sheet.name}))
        width = max([*matched, *unknown], default=-1) + 1
        layout = tuple(
            matched[c] if c in matched else ("+" + unknown[c] if c in unknown else "")
            for c in range(width)
        )
        record_type = TABLE_RECORDS[tab.key]
        records: list[Record] = []
        for row in range(best_row + 1, len(sheet.rows)):
            cells = sheet.rows[row]
            values: dict[str, Scalar] = {}
            typed: dict[str, str] = {}
            extra: list[tuple[str, Scalar]] = []
            for col, key in matched.items():
                column = columns[key]
                if column.computed:
                    continue
                raw = cells[col] if col < len(cells) else None
                if raw is None:
                    continue
                value, as_typed = self._convert(column, raw, lists)
                values[key] = value
                if as_typed is not None:
                    typed[key] = as_typed
            for col, header in unknown.items():
                raw = cells[col] if col < len(cells) else None
                if raw is not None:
                    extra.append((header, raw))
            if not values and not extra:
                continue
            fields = set(record_type.field_names())
            extra += [(k, v) for k, v in values.items() if k not in fields]
            records.append(record_type(
                row=row + 1, extra=tuple(extra), typed=typed,
                **{k: v for k, v in values.items() if k in fields}))
        # Below the headers, the table's columns are its own: what is typed there is in the
        # records, and computed columns hold formulas whose cached results are never trusted.
        # A sheet is one tab's at most (_find_tabs), so it has one body.
        sheet.body_from, sheet.body_columns = best_row + 1, frozenset((*matched, *unknown))
        return tuple(records), layout, tuple(unknown.values())

    def _convert(self, column: Column, raw: Scalar, lists: Mapping[str, tuple[Scalar, ...]]
                 ) -> tuple[Scalar, str | None]:
        """A cell's value for the model, and the text as typed when it differs from the label."""
        if column.type in ("id", "ref"):
            return as_text(raw), None
        if column.type == "number":
            return as_number(raw.strip() if isinstance(raw, str) else raw), None
        if column.type == "list" and column.list:
            return self.list_value(column.list, raw, lists)
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

    # --- matrices -------------------------------------------------------------------------
    def _axis_value(self, list_key: str, header: Scalar, index: int,
                    lists: Mapping[str, tuple[Scalar, ...]]) -> Scalar:
        """A matrix header: the text shown, else the list's value at that slot."""
        if as_text(header) is not None:
            return self.list_value(list_key, header, lists)[0]
        values = lists.get(list_key, ())
        return values[index] if index < len(values) else None

    def _read_journey(self, sheet: _Sheet | None, lists: Mapping[str, tuple[Scalar, ...]]
                      ) -> list[Touchpoint]:
        if sheet is None:
            return []
        tab = self.d.tab("journey")
        status_names = {normalise(v) for v in tab.texts["status"].values()}
        description_names = {normalise(v) for v in tab.texts["description"].values()}
        corner_names = {normalise(v) for v in tab.texts["corner"].values()}
        sub = [normalise(v) for v in (sheet.rows[1] if len(sheet.rows) > 1 else [])]
        paired = any(v in status_names for v in sub)
        if normalise(sheet.get(0, 0)) in corner_names:
            sheet.take(0, 0)
        first_row = 2 if paired else 1
        step = 2 if paired else 1
        if paired:
            for col, value in enumerate(sub):
                if value in status_names | description_names:
                    sheet.take(1, col)
        slots = range(1, max(sheet.width, 1), step)
        stages = [self._axis_value("stage", sheet.take(0, col), i, lists)
                  for i, col in enumerate(slots)]
        touchpoints: list[Touchpoint] = []
        painted: list[tuple[int, int, int]] = []
        for row in range(first_row, len(sheet.rows)):
            channel = self._axis_value("channel", sheet.take(row, 0), row - first_row, lists)
            for i, col in enumerate(slots):
                description = sheet.get(row, col)
                status_raw = sheet.get(row, col + 1) if paired else None
                if description is None and status_raw is None:
                    continue
                sheet.take(row, col)
                if paired:
                    sheet.take(row, col + 1)
                if stages[i] is None or channel is None:
                    self.findings.append(Finding(
                        code="unknown-stage-or-target", severity=ERROR, sheet=sheet.name,
                        row=row + 1, column=col + 1, value=description,
                        params={"what": "stage" if stages[i] is None else "channel"}))
                    continue
                status, typed = self.list_value("touchpoint_status", status_raw, lists)
                if isinstance(description, str):
                    description = description.strip()
                touchpoints.append(Touchpoint(
                    stage=stages[i], channel=channel, description=description, status=status,
                    typed={"status": typed} if typed else {}, row=row + 1, column=col + 1))
                if status is None and description is not None:
                    painted.append((len(touchpoints) - 1, row + 1, col + 1))
        if painted and self.kind in ("xlsx", "xlsm"):
            touchpoints = self._infer_statuses(sheet.name, touchpoints, painted)
        return touchpoints

    def _infer_statuses(self, sheet_name: str, touchpoints: list[Touchpoint],
                        painted: list[tuple[int, int, int]]) -> list[Touchpoint]:
        """Google-Sheets-style plans: the status is only the cell's colour."""
        listed = self.d.list("touchpoint_status")
        hues = {v.key: v.hue for v in listed.values if v.hue is not None}
        fills = grids.read_fills(self.path, sheet_name, [(r, c) for _, r, c in painted])
        for index, row, col in painted:
            colour = fills.get((row, col))
            status = grids.nearest_hue(colour, hues) if colour else None
            if status is None:
                continue
            tp = touchpoints[index]
            touchpoints[index] = Touchpoint(
                stage=tp.stage, channel=tp.channel, description=tp.description, status=status,
                status_inferred=True, row=tp.row, column=tp.column)
            self.findings.append(Finding(
                code="status-inferred-from-colour", severity=INFO, sheet=sheet_name, row=row,
                column=col, value=tp.description, expected=listed.label(status, self.lang),
                params={"status": listed.label(status, self.lang), "colour": "#" + colour}))
        return touchpoints

    def _read_scenario_map(self, sheet: _Sheet | None, lists: Mapping[str, tuple[Scalar, ...]]
                           ) -> list[Placement]:
        if sheet is None:
            return []
        tab = self.d.tab("scenario_map")
        if normalise(sheet.get(0, 0)) in {normalise(v) for v in tab.texts["corner"].values()}:
            sheet.take(0, 0)
        stages = [self._axis_value("relationship_stage", sheet.take(0, col), col - 1, lists)
                  for col in range(1, max(sheet.width, 1))]
        placements: list[Placement] = []
        for row in range(1, len(sheet.rows)):
            target = self._axis_value("target", sheet.take(row, 0), row - 1, lists)
            for col in range(1, sheet.width):
                text = as_text(sheet.get(row, col))
                if text is None:
                    continue
                sheet.take(row, col)
                stage = stages[col - 1]
                if stage is None or target is None:
                    self.findings.append(Finding(
                        code="unknown-stage-or-target", severity=ERROR, sheet=sheet.name,
                        row=row + 1, column=col + 1, value=text,
                        params={"what": "relationship stage" if stage is None else "target"}))
                    continue
                ids = tuple(i for i in _ID_SPLIT.split(text) if i)
                placements.append(Placement(
                    relationship_stage=stage, target=target, scenarios=ids,
                    text=text if text != ", ".join(ids) else None, row=row + 1, column=col + 1))
        return placements

    def _consume_instructions(self, sheet: _Sheet | None) -> None:
        """The instructions are the template's text; only what the team added there is kept."""
        if sheet is None:
            return
        texts = self.d.tab("instructions").texts
        known = {normalise(t) for t in texts["title"].values()}
        for section in texts["sections"]:
            known |= {normalise(t) for t in (*section["heading"].values(),
                                              *section["body"].values())}
        known |= {normalise(label) for v in self.d.list("touchpoint_status").values
                  for label in v.labels.values()}
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if normalise(value) in known:
                    sheet.used.add((r, c))
