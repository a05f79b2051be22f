"""What a command measured, written into the team's own tables: `feedback -o` and
`journeys -o` change or add records (a measure's value, a trend's period, a touchpoint's
share of traffic); each changed field goes into its cell, a new record onto the row the
plan placed it on (plan/rows.py), made like the row above it, and the row's formulas get
their new results. Nothing else of the sheet moves. A table the team's file lacks is
returned, for the caller to add as a tab of the plan (it stays: it is the team's data)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ....plan.model import column_letter
from .cells import Put, put_cells
from .graft import _AFTER_NAMES, workbook_part
from .xmlspans import first, prefix_of, set_attr, spans

if TYPE_CHECKING:
    from ....plan.model import Plan, Record
    from ..context import Context
    from .parts import Package

# CT_Workbook's elements after calcPr, in the schema's order.
_AFTER_CALC = _AFTER_NAMES[_AFTER_NAMES.index("calcPr") + 1:]


def changed_cells(read: Plan, ctx: Context, sheets: set[str]
                  ) -> tuple[dict[str, dict[tuple[int, int], Put]], list[str]]:
    """The cells to put, by table key, for every table of `ctx.plan` whose records differ
    from `read`'s and whose tab is among `sheets`; and the keys of the tables with records
    and no tab there (a plan made before the tab existed)."""
    changed = ctx.plan
    out: dict[str, dict[tuple[int, int], Put]] = {}
    missing = []
    for tab in ctx.definition.table_tabs:
        records = changed.table(tab.key)
        if records == read.table(tab.key) and all(
                a.row == b.row and a.typed == b.typed
                for a, b in zip(records, read.table(tab.key), strict=True)):
            continue
        if tab.key not in changed.sheet_names or changed.sheet(tab.key) not in sheets:
            if records:
                missing.append(tab.key)
            continue
        if not changed.layouts.get(tab.key):
            continue  # a tab of that name whose headers were not found: nowhere to write
        puts = _puts(ctx, tab, read.table(tab.key), records)
        if puts:
            out[tab.key] = puts
    # A table whose formulas read a table written (the use cases' stakes read the measures,
    # and their scores and ranks the stakes) gets its formulas' results written too, for a
    # spreadsheet that does not compute on opening (LibreOffice keeps an .ods's results).
    for tab in ctx.definition.table_tabs:
        reads = {f"{{range:{key}." for key in out}
        if tab.key in out or not changed.layouts.get(tab.key) or tab.key not in \
                changed.sheet_names or changed.sheet(tab.key) not in sheets:
            continue
        if any(r in (c.formula or "") for c in tab.columns if c.computed for r in reads):
            results = _puts(ctx, tab, read.table(tab.key), changed.table(tab.key),
                            results_only=True)
            if results:
                out[tab.key] = results
    return out, missing


def bottoms(read: Plan, changed: Plan, key: str) -> tuple[int, int]:
    """A table's last row before and after the command (its header row when empty)."""
    was = max([read.header_rows.get(key, 1),
               *(r.row for r in read.table(key) if r.row is not None)])
    return was, max([was, *(r.row for r in changed.table(key) if r.row is not None)])


def write_records(pkg: Package, read: Plan, ctx: Context, parts: dict[str, str]) -> list[str]:
    """Every table of `ctx.plan` whose records differ from `read`'s written into its sheet
    of `pkg`; returns the keys of the tables the package has no sheet for."""
    changed = ctx.plan
    cells, missing = changed_cells(read, ctx, {n for n, p in parts.items() if p in pkg})
    for key, puts in cells.items():
        part = parts[changed.sheet(key)]
        pkg.write(part, put_cells(pkg.read_whole(part), puts))
        was, now = bottoms(read, changed, key)
        if now > was:
            _reach(pkg, part, was, now)
    if cells:
        recalculate_on_load(pkg)
    return missing


def _puts(ctx: Context, tab: Any, before: tuple[Record, ...], after: tuple[Record, ...],
          results_only: bool = False) -> dict[tuple[int, int], Put]:
    """The cells of `after`'s records that differ from `before`'s, with their row's formula
    results; with `results_only`, the formula results of every record (values unchanged
    whose formulas read a table that changed)."""
    from ..tabs import _computed, layout_for

    layout = layout_for(ctx, tab)
    own = len(ctx.plan.layouts[tab.key])  # the template's columns the team lacks: not written
    columns = {c.key: c for c in tab.columns}
    letters = {key: column_letter(i + 1) for i, key in enumerate(layout)}
    letters["__tab__"] = tab.key
    inputs = [(i + 1, columns[k]) for i, k in enumerate(layout[:own])
              if k in columns and not columns[k].computed]
    formulas = [(i + 1, columns[k], ctx.column_formula(columns[k].formula or "", letters))
                for i, k in enumerate(layout[:own]) if k in columns and columns[k].computed]
    results = _computed(ctx, tab.key, ctx.priorities_by_index() if tab.key == "use_cases"
                        else {}) if formulas else {}
    if results_only and not results:
        return {}  # results omnisheet does not compute: the spreadsheet will
    quadrants = ctx.definition.list("quadrant") if "quadrant" in columns else None
    was = {r.row: r for r in before if r.row is not None}
    puts: dict[tuple[int, int], Put] = {}
    for index, record in enumerate(after):
        if record.row is None:
            continue
        old = was.get(record.row)
        differs = results_only
        for col, column in inputs if not results_only else ():
            value = ctx.cell_value(column, record)
            if old is None or ctx.cell_value(column, old) != value:
                puts[(record.row, col)] = Put(value)
                differs = True
        if differs:
            result = results.get(index)
            for col, column, formula in formulas:
                cached = getattr(result, column.key, None) if result is not None else None
                if cached is not None and column.key == "quadrant" and quadrants is not None:
                    cached = quadrants.label(str(cached), ctx.lang)
                puts[(record.row, col)] = Put(cached, formula(record.row - 1))
    return puts


_REF = re.compile(rb'(<(?:\w+:)?(?:autoFilter|table)\b[^>]*?\sref=")([A-Z]+[0-9]+):([A-Z]+)([0-9]+)(")')
TABLE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"


def _reach(pkg: Package, part: str, was: int, now: int) -> None:
    """The team's filter over the table, and an Excel table (a ListObject) the team made
    of it, reach the rows added under it, as they do when a row is typed there."""

    def longer(data: bytes) -> bytes:
        return _REF.sub(lambda m: m.group(1) + m.group(2) + b":" + m.group(3) + (
            str(now).encode() if int(m.group(4)) == was else m.group(4)) + m.group(5), data)

    sheet = pkg.read_sheet(part)
    if b"autoFilter" in sheet:
        grown = longer(sheet)
        if grown != sheet:
            pkg.write_sheet(part, grown)
    for rel in pkg.rels(part):
        if rel.get("Type") == TABLE_TYPE and rel.get("part") in pkg:
            data = pkg.read(rel["part"])
            grown = longer(data)
            if grown != data:
                pkg.write(rel["part"], grown)


def recalculate_on_load(pkg: Package) -> None:
    """The workbook asks the spreadsheet to compute every formula when it opens: figures
    that depend on the values written (a use case's stake, the Dashboard's) would otherwise
    show their old results."""
    book = workbook_part(pkg)
    data = pkg.read(book)
    found = spans(data, max_depth=1)
    calc = first(found, "calcPr", 1)
    if calc is not None:
        tag = data[calc.start:calc.tag_end]
        pkg.write(book, data[:calc.start] + set_attr(tag, "fullCalcOnLoad", "1")
                  + data[calc.tag_end:])
        return
    root = found[0]
    prefix = prefix_of(root.name)
    at = next((s.start for s in found if s.depth == 1 and s.local in _AFTER_CALC),
              data.rindex(b"</", root.start, root.end))
    pkg.write(book, data[:at] + f'<{prefix}calcPr fullCalcOnLoad="1"/>'.encode() + data[at:])
