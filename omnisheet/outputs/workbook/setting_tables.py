"""The tables under the settings on the Settings tab (the contact caps per channel), where
`omnisheet.setting_tables` places them."""

from __future__ import annotations

from typing import Any

from ...plan.setting_tables import rows, title_row
from .context import Context


def write_setting_tables(ctx: Context, sheet: Any) -> None:
    """Each table: its title and help, a header row, a row per value of its list (the
    team's rows as typed, then the list's values with none), the numbers in the settings'
    colour, with the column's help as the cell's input message."""
    d, lang = ctx.definition, ctx.lang
    title = ctx.fmt(bold=True, font_size=12, font_color=d.colours["header"])
    value_fmt = ctx.fmt(bold=True, border=1, border_color="#BFBFBF", bg_color="#FFF2CC")
    listed = ctx.definition.list
    for table in d.setting_tables:
        top = title_row(ctx.plan, d, table.key)
        ctx.put(sheet, top, 0, table.labels[lang], title)
        ctx.put(sheet, top, 2, table.help[lang], ctx.fmt(italic=True, text_wrap=True))
        sheet.set_row(top, 45)
        ctx.put(sheet, top + 1, 0, table.row_labels[lang], ctx.header)
        for col, column in enumerate(table.columns, start=1):
            ctx.put(sheet, top + 1, col, column.labels[lang], ctx.header)
        written = rows(ctx.plan, d, table.key)
        for row in written:
            shown = row.value
            if isinstance(shown, str) and listed(table.rows).value(shown) is not None:
                shown = ctx.list_label(table.rows, shown)
            ctx.put(sheet, row.sheet_row, 0, shown, ctx.text)
            for col, column in enumerate(table.columns, start=1):
                ctx.put(sheet, row.sheet_row, col, row.values.get(column.key), value_fmt)
        last = max([top + 1, *(row.sheet_row for row in written)]) + 10
        for col, column in enumerate(table.columns, start=1):
            ctx.validate(sheet, top + 2, col, last, {
                "validate": "integer" if column.whole else "decimal",
                "criteria": ">=", "value": column.min or 0, "error_type": "warning",
                **ctx.help_options(column.labels[lang], column.help[lang])})
