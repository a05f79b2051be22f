"""The tables on the Settings tab, under the settings (`setting_tables` in plan.yaml): one
row per value of a list, a number per column; the contact caps are one, a cap and a
period per channel.

Where they sit is decided here once, so that the reader, the writer and the checks agree:
under the settings and a blank row, a title row, a header row, then the rows. A plan holds
the rows as the team left them (`Plan.setting_tables`); one made before the table existed
holds none, and gets the template's defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..template.numbers import as_number, number
from ..template.text import normalise

if TYPE_CHECKING:
    from ..template.definition import Definition, SettingTable
    from .model import Plan, Scalar
    from .sheet import Sheet


@dataclass(frozen=True)
class Row:
    """A row as written: the list's value it is for (a key, or the team's text), its values
    by column key (as typed: a number, text, or None), and its 0-based sheet row."""

    value: Scalar
    values: dict[str, Scalar]
    sheet_row: int


def title_row(plan: Plan, definition: Definition, table_key: str) -> int:
    """0-based row of a table's title: under the settings, a blank row, and the tables
    before it (each a title, a header and its rows, then a blank row)."""
    row = len(definition.settings) + 2
    for table in definition.setting_tables:
        if table.key == table_key:
            return row
        row += 3 + len(rows(plan, definition, table.key))
    raise KeyError(table_key)


def rows(plan: Plan, definition: Definition, table_key: str) -> list[Row]:
    """The rows as the checked workbook writes them: the team's (or the template's
    defaults, for each listed value), then a row for each listed value that has none."""
    table = definition.setting_table(table_key)
    listed = list(plan.lists.get(table.rows, definition.list(table.rows).keys))
    read = plan.setting_tables.get(table_key)
    if read is None:
        entries = [(value, dict(table.defaults.get(str(value), {}))) for value in listed]
    else:
        entries = [(row[0], {c.key: (row[i + 1] if i + 1 < len(row) else None)
                             for i, c in enumerate(table.columns)}) for row in read]
    present = {row_key(definition, table.rows, value) for value, _ in entries}
    entries += [(value, {}) for value in listed
                if row_key(definition, table.rows, value) not in present]
    first = title_row(plan, definition, table_key) + 2
    return [Row(value, {c.key: values.get(c.key) for c in table.columns}, first + i)
            for i, (value, values) in enumerate(entries)]


def defaults(lists: Mapping[str, tuple[Scalar, ...]], definition: Definition
             ) -> dict[str, tuple[tuple[Scalar, ...], ...]]:
    """Every table as the template fills it for these lists: a row per listed value, its
    defaults or nothing (a blank plan's, a plan's made before the tables existed)."""
    out = {}
    for table in definition.setting_tables:
        listed = lists.get(table.rows, definition.list(table.rows).keys)
        out[table.key] = tuple(
            (value, *(table.defaults.get(str(value), {}).get(c.key) for c in table.columns))
            for value in listed)
    return out


def complete(tables: Mapping[str, tuple[tuple[Scalar, ...], ...]],
             lists: Mapping[str, tuple[Scalar, ...]], definition: Definition
             ) -> dict[str, tuple[tuple[Scalar, ...], ...]]:
    """Tables as given, each with an empty row added for a listed value that has none, as
    the writer adds it (so that an imported plan reads back the same once written)."""
    out = dict(tables)
    for table in definition.setting_tables:
        if table.key not in tables:
            continue
        given = tables[table.key]
        present = {row_key(definition, table.rows, row[0]) for row in given}
        listed = lists.get(table.rows, definition.list(table.rows).keys)
        out[table.key] = (*given, *((value, *(None for _ in table.columns)) for value in listed
                                    if row_key(definition, table.rows, value) not in present))
    return out


def row_key(definition: Definition, list_key: str, value: Scalar) -> str:
    """A row's list value as compared: its key when the template knows it, any spelling."""
    return normalise(definition.list(list_key).match(value) or value)


def problem(table: SettingTable, column_key: str, value: Scalar) -> str | None:
    """Why a typed value cannot be used (the column key, naming the reason), or None."""
    if value is None:
        return None
    column = table.column(column_key)
    n = number(value)
    if n is None or (column.min is not None and n < column.min) or (
            column.whole and not n.is_integer()):
        return column_key
    return None


def values(plan: Plan, definition: Definition, table_key: str) -> dict[str, dict[str, float]]:
    """Each row's usable numbers by the list value's normal form (a key, or the team's
    text normalised); the first row for a value wins, an unusable number is left out."""
    table = definition.setting_table(table_key)
    out: dict[str, dict[str, float]] = {}
    for row in rows(plan, definition, table_key):
        key = row_key(definition, table.rows, row.value)
        if key in out:
            continue
        usable = {}
        for column, value in row.values.items():
            if value is not None and problem(table, column, value) is not None:
                value = default(definition, table, row.value, column)  # said by a check
            if value is not None:
                usable[column] = float(value)
        out[key] = usable
    return out


def default(definition: Definition, table: SettingTable, value: Scalar, column: str
            ) -> float | None:
    """The template's value for a row's column (None for a value of the team's own)."""
    key = definition.list(table.rows).match(value) or value
    return table.defaults.get(str(key), {}).get(column)


def unusable(plan: Plan, definition: Definition) -> Iterator[tuple[SettingTable, Row, int, str]]:
    """Every typed value that cannot be used: (table, row, 0-based column, column key)."""
    for table in definition.setting_tables:
        for row in rows(plan, definition, table.key):
            for col, column in enumerate(table.columns, start=1):
                if problem(table, column.key, row.values.get(column.key)) is not None:
                    yield table, row, col, column.key


def read_setting_tables(definition: Definition, sheet: Sheet | None,
                        lists: Mapping[str, tuple[Scalar, ...]],
                        list_value: Callable[[str, Scalar], tuple[Scalar, str | None]]
                        ) -> dict[str, tuple[tuple[Scalar, ...], ...]]:
    """The tables found on the Settings tab, by their header row (its first cells name the
    list and the first column, in any language), with the cells taken; a table not found
    (a plan made before it) is the template's defaults for the plan's lists. `list_value(list key, cell)` is the
    reader's: the list's key for a typed value, and the text as typed when it differs."""
    found: dict[str, tuple[tuple[Scalar, ...], ...]] = {}
    for table in definition.setting_tables if sheet is not None else ():
        heads = [{normalise(t) for t in table.row_labels.values()}]
        heads += [{normalise(t) for t in c.labels.values()} for c in table.columns]
        header = next((r for r in range(len(sheet.rows))
                       if all(normalise(sheet.get(r, c)) in names
                              for c, names in enumerate(heads))), None)
        if header is None:
            continue
        for col in range(len(heads)):
            sheet.take(header, col)
        if normalise(sheet.get(header - 1, 0)) in {normalise(t) for t in table.labels.values()}:
            sheet.take(header - 1, 0)
        if normalise(sheet.get(header - 1, 2)) in {normalise(t) for t in table.help.values()}:
            sheet.take(header - 1, 2)
        read = []
        row = header + 1
        while isinstance(sheet.get(row, 0), str | int | float) and str(sheet.get(row, 0)).strip():
            raw = sheet.take(row, 0)
            key, typed = list_value(table.rows, raw)
            cells = [sheet.take(row, col) for col in range(1, len(heads))]
            read.append((raw if typed is not None else key,
                         *(as_number(cell) for cell in cells)))
            row += 1
        found[table.key] = tuple(read)
    return (complete(found, lists, definition)
            | {k: v for k, v in defaults(lists, definition).items() if k not in found})


