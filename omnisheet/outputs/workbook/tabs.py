"""The plan's own tabs, each drawn from the definition."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...plan.layout import MapGrid, drawn_grid, instruction_lines, is_live, list_slots
from ...plan.model import Record, Scalar, column_letter
from ...template.definition import Tab
from .context import Context, OrderedPreparedWorksheet, OrderedWorksheet, absolute_range

if TYPE_CHECKING:
    from ...analysis.report import Report

HEADER_ROW = 0
EXTRA = "+"  # layout entries for the team's own columns start with it


def write_tabs(ctx: Context, *, report: Report | None = None, sort: bool = False) -> None:
    """Every tab. The workbook is written in constant_memory mode, so each sheet's rows must
    go out in order: table tabs (the big ones) and Findings stream row by row; the others
    are kept and sorted on `finish`. Stray cells and finding comments are queued with `later`
    before the tables are written, and go out as each table passes their row.
    """
    d = ctx.definition
    sheets: dict[str, Any] = {}
    table_keys = {tab.key for tab in d.table_tabs}
    ordered: list[Any] = []
    if report is not None:
        from .checked import cells_at_fault

        at_fault = cells_at_fault(ctx, report)
    for tab in d.tabs:
        sheets[tab.key] = sheet = ctx.workbook.add_worksheet(
            ctx.sheet_name(tab.key), worksheet_class=OrderedPreparedWorksheet)
        sheet.deferring = tab.key not in table_keys
        ordered.append(sheet)
        if tab.key == "instructions" and report is not None:
            from .checked import add_report_sheets

            ordered += add_report_sheets(ctx, report, at_fault)
    ordered += write_stray_cells(ctx, sheets)
    if report is not None:
        from .checked import queue_comments

        queue_comments(ctx, sheets, report, at_fault)
    # Lists and settings first: every other tab points at their names.
    write_lists(ctx, sheets["lists"])
    write_settings(ctx, sheets["settings"], d.tab("settings"))
    for tab in d.table_tabs:
        write_table(ctx, sheets[tab.key], tab, sort=sort)
    write_journey(ctx, sheets["journey"], d.tab("journey"))
    write_scenario_map(ctx, sheets["scenario_map"], d.tab("scenario_map"))
    write_instructions(ctx, sheets["instructions"], d.tab("instructions"))
    if report is not None:
        from .checked import mark_findings

        mark_findings(ctx, sheets, at_fault)
    for sheet in ordered:
        sheet.finish()


def _value_cache(value: Scalar) -> Scalar:
    return "" if value is None else value


def layout_for(ctx: Context, tab: Tab) -> list[str]:
    """Column keys by position: the team's own order when read from a file, else the template's.

    Columns of the template missing from the team's layout go at the end, so formulas work.
    """
    keys = {c.key for c in tab.columns}
    own = dict.fromkeys(ctx.plan.extra_columns.get(tab.key, ()))
    own.update(dict.fromkeys(h for r in ctx.plan.table(tab.key) for h, _ in r.extra
                             if h not in keys))
    layout = list(ctx.plan.layouts.get(tab.key, ())) or [c.key for c in tab.columns]
    present = set(layout)
    layout += [c.key for c in tab.columns if c.key not in present]
    return layout + [EXTRA + h for h in own if EXTRA + h not in present]


def _placed_rows(records: tuple[Record, ...], sort: bool, order: list[int] | None) -> list[int]:
    """0-based sheet rows for the records: where they were read, else after the last one."""
    if sort and order is not None:
        return [1 + position for position in order]
    rows: list[int] = []
    taken: set[int] = set()
    next_free, highest = 1, 0
    for record in records:
        row = record.row - 1 if record.row and record.row > 1 else None
        if row is None or row in taken:
            row = max(next_free, highest + 1)
        taken.add(row)
        next_free = row + 1
        highest = max(highest, row)
        rows.append(row)
    return rows


def write_table(ctx: Context, sheet: Any, tab: Tab, *, sort: bool = False) -> None:
    """A table tab: headers with help, the team's rows, validations, formulas, formats."""
    d = ctx.definition
    records = ctx.plan.table(tab.key)
    layout = layout_for(ctx, tab)
    letters = {key: column_letter(i + 1) for i, key in enumerate(layout)}
    letters["__tab__"] = tab.key
    priorities = ctx.priorities_by_index() if tab.key == "use_cases" else {}
    order = None
    if sort and tab.key == "use_cases":
        from ...plan.rows import rank_order

        ranked = rank_order(len(records), {i: p.rank for i, p in priorities.items()})
        order = [0] * len(records)
        for position, index in enumerate(ranked):
            order[index] = position
    rows = _placed_rows(records, sort, order)
    last_row = max([d.data_rows] + [r + 50 for r in rows])
    columns = {c.key: c for c in tab.columns}
    computed_fmt = ctx.fmt(bg_color=d.colours["computed"], border=1, border_color="#D9D9D9")

    for col, key in enumerate(layout):
        if not key:
            continue  # an empty column the team left between theirs
        column = columns.get(key)
        label = column.labels[ctx.lang] if column else key[len(EXTRA):]
        ctx.put(sheet, HEADER_ROW, col, label, ctx.header)
        if column is None:
            sheet.set_column(col, col, 16, ctx.text)
            continue
        ctx.define(ctx.range_name(tab.key, key),
                   absolute_range(ctx.sheet_name(tab.key), col, 1, last_row))
        sheet.write_comment(HEADER_ROW, col, column.help[ctx.lang],
                            {"x_scale": 2, "y_scale": 1.5, "author": "omnisheet"})
        if column.computed:
            fmt = ctx.fmt(bg_color=d.colours["computed"], border=1, border_color="#D9D9D9",
                          num_format=column.number_format or "General")
            sheet.set_column(col, col, column.width, fmt)
        else:
            sheet.set_column(col, col, column.width, ctx.column_format(column))
        ctx.validate(sheet, 1, col, last_row, _validation(ctx, column))
    sheet.set_row(HEADER_ROW, 42)

    # Rows go out in order (constant_memory): each row's values, then its formulas.
    formula_columns = [(col, columns[k], ctx.column_formula(columns[k].formula or "", letters))
                       for col, k in enumerate(layout) if k in columns and columns[k].computed]
    results = _computed(ctx, tab.key, priorities) if formula_columns else {}
    index_at = {row: index for index, row in enumerate(rows)}
    for row in range(1, last_row + 1):
        index = index_at.get(row)
        if index is not None:
            _write_record(ctx, sheet, records[index], row, layout, columns)
        if not formula_columns:
            continue
        result = results.get(index) if index is not None else None
        for col, column, formula in formula_columns:
            cached: Scalar = None if result is None else getattr(result, column.key)
            if cached is not None and column.key == "quadrant":
                cached = d.list("quadrant").label(str(cached), ctx.lang)
            sheet.write_formula(row, col, formula(row), computed_fmt, _value_cache(cached))
    if formula_columns:
        _score_formats(ctx, sheet, layout, last_row)

    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, last_row, len(layout) - 1)
    _print_setup(sheet)
    # Printed: the rows in use (a blank template its header and a few empty rows), not
    # the formatted rows the template carries for the team to fill.
    last_used, last_column = _strays_reach(ctx, tab.key)
    sheet.print_area(0, 0, max([BLANK_ROWS_PRINTED, last_used, *rows]),
                     max(len(layout) - 1, last_column))


def _write_record(ctx: Context, sheet: Any, record: Record, row: int,
                  layout: list[str], columns: dict[str, Any]) -> None:
    extra = dict(record.extra)
    for col, key in enumerate(layout):
        if not key:
            continue
        column = columns.get(key)
        if column is None:
            value = extra.get(key[len(EXTRA):])
            if value is not None:  # an empty cell already has its column's format
                ctx.put(sheet, row, col, value, ctx.text)
            continue
        if column.computed:
            continue
        value = ctx.cell_value(column, record)
        if value is not None:
            ctx.put(sheet, row, col, value, ctx.column_format(column))


def _computed(ctx: Context, tab_key: str, priorities: dict) -> dict[int, Any]:
    """What Python computes for each row's formula columns (the formulas' cached values),
    by record index: attributes named after the columns."""
    if tab_key == "use_cases":
        return priorities
    if tab_key == "measures":
        return dict(enumerate(ctx.evidence.assessed))
    return {}


def _validation(ctx: Context, column: Any) -> dict[str, Any]:
    """The dropdown or help a column carries, with messages in the workbook's language."""
    lang = ctx.lang
    options = ctx.help_options(column.labels[lang], column.help[lang])
    w = ctx.definition.words_for("validation", lang)
    if column.list:
        listed = ctx.definition.list(column.list)
        return {
            "validate": "list",
            "source": "=" + ctx.list_name(column.list),
            "error_title": w["error_title"],
            "error_message": w["list_message"].format(name=listed.labels[lang])[:255],
            **options,
        }
    if column.type == "ref" and column.ref:
        return {
            "validate": "list",
            "source": "=" + ctx.range_name(column.ref, "id"),
            "error_type": "warning",
            "error_title": w["error_title"],
            "error_message": w["ref_message"],
            **options,
        }
    return {"validate": "any", **options}


def _score_formats(ctx: Context, sheet: Any, layout: list[str], last_row: int) -> None:
    if "score" in layout:
        col = layout.index("score")
        sheet.conditional_format(1, col, last_row, col, {
            "type": "3_color_scale", "min_type": "num", "min_value": 1,
            "mid_type": "num", "mid_value": 9, "max_type": "num", "max_value": 25,
            "min_color": "#F8696B", "mid_color": "#FFEB84", "max_color": "#63BE7B"})
    if "quadrant" in layout:
        col = layout.index("quadrant")
        for value in ctx.definition.list("quadrant").values:
            sheet.conditional_format(1, col, last_row, col, {
                "type": "cell", "criteria": "==", "value": f'"{value.labels[ctx.lang]}"',
                "format": ctx.workbook.add_format({"bg_color": value.colour})})


BLANK_ROWS_PRINTED = 8


def _strays_reach(ctx: Context, tab_key: str) -> tuple[int, int]:
    """The last 0-based row and column holding a value the team typed outside the tab's
    fields (a note under a table), which its printed page must reach."""
    name = ctx.sheet_name(tab_key)
    cells = [(c.row - 1, c.column - 1) for c in ctx.plan.stray_cells if c.sheet == name]
    return max((r for r, _ in cells), default=0), max((c for _, c in cells), default=0)


def _print_setup(sheet: Any) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)


def _live_header(ctx: Context, list_key: str, slot: int) -> str:
    """A header that shows the n-th value of an editable list, so renaming it there renames
    here and adding one there shows it here."""
    name = ctx.list_name(list_key)
    return f'=IF(INDEX({name},{slot + 1})="","",INDEX({name},{slot + 1}))'


def _axis_headers(ctx: Context, sheet: Any, tab: Tab, grid: MapGrid, fmt_across: Any,
                  fmt_down: Any) -> None:
    """Every slot and row header of a map: live where it shows its list's value at its
    place, as typed where the team typed another value over it."""
    assert tab.across is not None and tab.down is not None
    for axis_def, values, fmt in ((tab.across, grid.across, fmt_across),
                                  (tab.down, grid.down, fmt_down)):
        listed = list_slots(ctx.plan, axis_def.list, ctx.definition)
        which = "across" if axis_def is tab.across else "down"
        for i, value in enumerate(values):
            if axis_def is tab.across:
                row, col = grid.top, grid.slot_column(i)
                last_col = col + grid.step - 1
            else:
                row, col, last_col = grid.data_row(i), grid.left, grid.left
            if row < 0 or col < 0:
                continue  # the team deleted the row or column of headers
            label = ctx.list_label(axis_def.list, value)
            typed = grid.typed(which, i)
            if last_col > col:
                sheet.merge_range(row, col, row, last_col, "", fmt)
            if typed is not None:
                ctx.put(sheet, row, col, typed, fmt)
            elif is_live(value, i, listed):
                sheet.write_formula(row, col, _live_header(ctx, axis_def.list, i), fmt,
                                    _value_cache(label))
            else:
                ctx.put(sheet, row, col, label, fmt)


def _in_use(grid: MapGrid, positions: list[tuple[int, int]]) -> tuple[int, int]:
    """The last 0-based row and column a map's print area must reach: every slot and row
    showing a value, and every filled cell."""
    rows = [grid.data_row(j) for j, v in enumerate(grid.down) if v is not None]
    cols = [grid.slot_column(i) + grid.step - 1 for i, v in enumerate(grid.across) if v is not None]
    last_row = max([grid.top + grid.depth, *rows, *(r for r, _ in positions)])
    last_col = max([grid.left + 1, *cols, *(c + grid.step - 1 for _, c in positions)])
    return last_row, last_col


def _map_print_area(ctx: Context, sheet: Any, tab: Tab, grid: MapGrid,
                    positions: list[tuple[int, int]]) -> None:
    last_row, last_col = _in_use(grid, positions)
    stray_row, stray_col = _strays_reach(ctx, tab.key)
    sheet.print_area(0, 0, max(last_row, stray_row), max(last_col, stray_col))


def _cell_of(grid: MapGrid, item: Any, across: Scalar, down: Scalar) -> tuple[int, int]:
    """Where a touchpoint or placement goes: where it was read, else its slot and row."""
    if item.row is not None and item.column is not None:
        return item.row - 1, item.column - 1
    return grid.position(across, down)


def write_journey(ctx: Context, sheet: Any, tab: Tab) -> None:
    """Stages as merged column pairs (touchpoint, status), channels as rows, coloured by
    status; where the team had the map, with room for lists that grow."""
    d, lang, plan = ctx.definition, ctx.lang, ctx.plan
    grid = drawn_grid(plan, tab, d)
    texts = tab.texts
    top, left = grid.top, grid.left
    if top >= 0 and left >= 0:
        ctx.put(sheet, top, left, texts["corner"][lang], ctx.header)
    if left >= 0:
        ctx.put(sheet, top + 1, left, None, ctx.subheader)
        sheet.set_column(left, left, 24, ctx.subheader)
    _axis_headers(ctx, sheet, tab, grid, ctx.header, ctx.subheader)
    first_row, last_row = grid.data_row(0), grid.data_row(max(0, len(grid.down) - 1))
    status_list = d.list("touchpoint_status")
    help_text = texts["help"][lang]
    words = d.words_for("validation", lang)
    for i, stage in enumerate(grid.across):
        col = grid.slot_column(i)
        if top >= 0:
            header = f"{column_letter(col + 1)}{top + 1}"
            shown = stage is not None
            for offset, key in ((0, "description"), (1, "status")):
                label = texts[key][lang]
                formula = f'=IF({header}="","","{label.replace(chr(34), chr(34) * 2)}")'
                sheet.write_formula(top + 1, col + offset, formula, ctx.subheader,
                                    label if shown else "")
        sheet.set_column(col, col, 26, ctx.text_only)
        sheet.set_column(col + 1, col + 1, 12, ctx.text_only)
        ctx.validate(sheet, first_row, col, last_row, {"validate": "any",
                     **ctx.help_options(texts["description"][lang], help_text)})
        ctx.validate(sheet, first_row, col + 1, last_row, {
            "validate": "list", "source": "=" + ctx.list_name("touchpoint_status"),
            "error_title": words["status_title"],
            "error_message": words["status_message"],
            **ctx.help_options(texts["status"][lang], help_text)})
        status_cell = f"${column_letter(col + 2)}{first_row + 1}"
        for value in status_list.values:
            labels = sorted({f'{status_cell}="{label}"' for label in value.labels.values()})
            sheet.conditional_format(first_row, col, last_row, col + 1, {
                "type": "formula", "criteria": f"=OR({','.join(labels)})",
                "format": ctx.workbook.add_format({"bg_color": value.colour})})
    for j in range(len(grid.down)):
        sheet.set_row(grid.data_row(j), 45)
    positions = []
    for touchpoint in plan.touchpoints:
        row, col = _cell_of(grid, touchpoint, touchpoint.stage, touchpoint.channel)
        positions.append((row, col))
        status = touchpoint.typed.get("status") or ctx.list_label(
            "touchpoint_status", touchpoint.status)
        fmt = ctx.text_only
        listed = status_list.value(touchpoint.status) if "status" in touchpoint.typed else None
        if listed is not None and listed.colour:  # spelled otherwise, the rule misses it:
            fmt = ctx.fmt(text_wrap=True, border=1, border_color="#D9D9D9",  # as the HTML
                          num_format="@", bg_color=listed.colour)
        ctx.put(sheet, row, col, touchpoint.typed.get("description", touchpoint.description),
                fmt)
        ctx.put(sheet, row, col + 1, status, fmt)
    sheet.freeze_panes(first_row, left + 1)
    if top >= 0:
        sheet.set_row(top, 30)
    _print_setup(sheet)
    _map_print_area(ctx, sheet, tab, grid, positions)


def write_scenario_map(ctx: Context, sheet: Any, tab: Tab) -> None:
    """Relationship stages as columns, targets as rows; each cell lists scenario IDs."""
    d, lang, plan = ctx.definition, ctx.lang, ctx.plan
    grid = drawn_grid(plan, tab, d)
    top, left = grid.top, grid.left
    if top >= 0 and left >= 0:
        ctx.put(sheet, top, left, tab.texts["corner"][lang], ctx.header)
    if left >= 0:
        sheet.set_column(left, left, 24, ctx.subheader)
    _axis_headers(ctx, sheet, tab, grid, ctx.header, ctx.subheader)
    for i in range(len(grid.across)):
        col = grid.slot_column(i)
        sheet.set_column(col, col, 22, ctx.text_only)
    for j in range(len(grid.down)):
        sheet.set_row(grid.data_row(j), 40)
    help_options = ctx.help_options(tab.labels[lang], tab.texts["help"][lang])
    ctx.validate(sheet, grid.data_row(0), grid.slot_column(0),
                 grid.data_row(max(0, len(grid.down) - 1)), {"validate": "any", **help_options})
    positions = []
    for placement in plan.placements:
        row, col = _cell_of(grid, placement, placement.relationship_stage, placement.target)
        positions.append((row, col))
        text = placement.text if placement.text is not None else ", ".join(placement.scenarios)
        ctx.put(sheet, row, col, text, ctx.text_only)
    sheet.freeze_panes(grid.data_row(0), left + 1)
    if top >= 0:
        sheet.set_row(top, 30)
    _print_setup(sheet)
    _map_print_area(ctx, sheet, tab, grid, positions)


def write_lists(ctx: Context, sheet: Any) -> None:
    """Every dropdown list as a column, each behind a defined name the validations use;
    read from a file, each list where the team had it, cell for cell as typed."""
    d = ctx.definition
    read = ctx.plan.list_cells
    taken = {cells.column for cells in read.values()}
    free = (col for col in range(len(d.lists) + len(taken) + 1) if col not in taken)
    fixed = d.words_for("validation", ctx.lang)["fixed_list"]
    for key, listed in d.lists.items():
        if listed.computed:
            continue
        cell_format = ctx.text if listed.numeric else ctx.text_only
        if key in read:  # as typed, unless the workbook is written in another language
            col = read[key].column
            same = ctx.lang == ctx.plan.language
            cells = [(row, raw if same else _list_cell(ctx, key, value))
                     for row, value, raw in read[key].cells]
        else:
            col = next(free)
            cells = [(row, _list_cell(ctx, key, value)) for row, value
                     in enumerate(ctx.plan.lists.get(key, listed.keys), start=1)]
        title = listed.labels[ctx.lang] + ("" if listed.editable else fixed)
        ctx.put(sheet, 0, col, title, ctx.header)
        for row, shown in cells:
            ctx.put(sheet, row, col, shown, cell_format)
        capacity = max(d.list_capacity, max((row for row, _ in cells), default=0) + 20)
        ctx.define(ctx.list_name(key), absolute_range(ctx.sheet_name("lists"), col, 1, capacity))
        sheet.set_column(col, col, 26, cell_format)
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 30)


def _list_cell(ctx: Context, key: str, value: Scalar) -> Scalar:
    """A list value as the Lists tab shows it: its label, the 1-5 scale as numbers."""
    shown = ctx.list_label(key, value)
    if ctx.definition.list(key).numeric and isinstance(shown, str) and shown.isdigit():
        return int(shown)
    return shown


def write_settings(ctx: Context, sheet: Any, tab: Tab) -> None:
    """Weights and thresholds, each value cell behind a defined name the formulas read."""
    lang = ctx.lang
    heads = tab.texts["headers"]
    for col, key in enumerate(("name", "value", "help")):
        ctx.put(sheet, 0, col, heads[key][lang], ctx.header)
    value_fmt = ctx.fmt(bold=True, border=1, border_color="#BFBFBF", bg_color="#FFF2CC")
    for row, setting in enumerate(ctx.definition.settings, start=1):
        ctx.put(sheet, row, 0, setting.labels[lang], ctx.text)
        ctx.put(sheet, row, 1, ctx.plan.settings.get(setting.key, setting.default), value_fmt)
        ctx.put(sheet, row, 2, setting.help[lang], ctx.text)
        ctx.define(setting.key, f"{absolute_range(ctx.sheet_name('settings'), 1, row, row)}"
                   .split(":")[0])
    sheet.set_column(0, 0, 38)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, 70)
    from .setting_tables import write_setting_tables

    write_setting_tables(ctx, sheet)


#: The instructions' one column, in characters: as wide as an A4 or Letter page prints in
#: portrait (110 was cut at the page's edge by LibreOffice, which does not scale it).
INSTRUCTIONS_WIDTH = 76


def write_instructions(ctx: Context, sheet: Any, tab: Tab) -> None:
    lang, colour = ctx.lang, ctx.definition.colours["header"]
    formats = {"title": ctx.fmt(bold=True, font_size=16, font_color=colour),
               "heading": ctx.fmt(bold=True, font_size=12, font_color=colour),
               "body": ctx.fmt(text_wrap=True)}
    legend = ctx.definition.list("touchpoint_status")
    sheet.set_column(0, 0, INSTRUCTIONS_WIDTH)
    sheet.set_row(0, 24)
    for row, kind, texts in instruction_lines(tab, ctx.definition):
        status = legend.value(kind)
        fmt = formats.get(kind) or ctx.fmt(bg_color=status.colour if status else None, bold=True)
        ctx.put(sheet, row, 0, texts[lang], fmt)
        if kind == "body":
            sheet.set_row(row, 14 * (1 + len(texts[lang]) // (INSTRUCTIONS_WIDTH - 8)))
    sheet.hide_gridlines(2)
    sheet.fit_to_pages(1, 0)  # printed: the one wide column on the page's width, not cut


def write_stray_cells(ctx: Context, sheets: dict[str, Any]) -> list[Any]:
    """Values typed outside the template's fields, back at their place; the team's own tabs too.

    Queued with `later`: each goes out once its sheet is written past its row, after the
    row's own cells, as if written last. Returns the team's own tabs it added.
    """
    by_name = {ctx.sheet_name(key): sheet for key, sheet in sheets.items()}
    added: list[Any] = []
    for cell in ctx.plan.stray_cells:
        sheet = by_name.get(cell.sheet)
        if sheet is None:
            sheet = by_name[cell.sheet] = ctx.workbook.add_worksheet(
                cell.sheet, worksheet_class=OrderedWorksheet)
            added.append(sheet)
        sheet.later(cell.row - 1, ctx.put, sheet, cell.row - 1, cell.column - 1, cell.value)
    return added
