"""Values put into cells of a team's worksheet part, the rest of its bytes kept: a cell
that exists keeps its style (and its formula, whose cached result is what changes); a cell
or a row that does not is made like the one above it. For the few rows a command writes
(a measure, a period of a trend), not for a sheet's every cell."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.utils.escape import escape as escape_control

from ....template.values import Scalar
from .xmlspans import Span, escape, first, prefix_of, set_attr, spans, splice

_LETTERS = re.compile(r"[A-Z]+")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s/>].*?(?:</(?:\w+:)?f>|/>)", re.S)
# Text that a reader would take for an escaped character (_x0041_ for "A") is escaped itself.
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


@dataclass(frozen=True)
class Put:
    """What a cell is given: its value, or, with `formula`, the formula's result. The
    formula is written only where the cell holds none: a cell the team typed over a formula
    keeps what they typed."""

    value: Scalar
    formula: str | None = None


@dataclass
class _Row:
    span: Span
    cells: dict[int, Span]


def put_cells(data: bytes, cells: Mapping[tuple[int, int], Put]) -> bytes:
    """The worksheet `data` with each (row, column), 1-based, given its `Put`."""
    if not cells:
        return data
    found = spans(data, max_depth=3)
    sheet_data = first(found, "sheetData", 1)
    if sheet_data is None:
        raise ValueError("worksheet without cells")
    rows = _rows(found, sheet_data)
    column_styles = _column_styles(found)
    edits: list[tuple[int, int, bytes]] = []
    by_row: dict[int, dict[int, Put]] = {}
    for (row, column), put in cells.items():
        by_row.setdefault(row, {})[column] = put
    numbers = sorted(rows)
    new_rows: dict[int, list[bytes]] = {}
    for row in sorted(by_row):
        above = _row_above(rows, numbers, row)
        if row in rows:
            edits += _into_row(data, rows[row], row, by_row[row], above, column_styles)
            continue
        made = b"".join(_cell(row, column, put, None, _style(above, column, column_styles))
                        for column, put in sorted(by_row[row].items()))
        if above is not None:
            tag = data[above.span.start:above.span.tag_end]
            tag = re.sub(rb'\sspans="[^"]*"', b"", tag)
            tag = tag[:-2].rstrip() + b">" if tag.endswith(b"/>") else tag
        else:
            tag = f"<{prefix_of(sheet_data.name)}row>".encode()
        name = above.span.name if above is not None else prefix_of(sheet_data.name) + "row"
        new_rows.setdefault(_insert_at(data, rows, numbers, row, sheet_data), []).append(
            set_attr(tag, "r", str(row)) + made + f"</{name}>".encode())
    for at, made_rows in new_rows.items():
        if at < 0:  # <sheetData/>: opened for its rows
            tag = data[sheet_data.start:sheet_data.end][:-2].rstrip() + b">"
            edits.append((sheet_data.start, sheet_data.end, tag + b"".join(made_rows)
                          + f"</{sheet_data.name}>".encode()))
        else:
            edits.append((at, at, b"".join(made_rows)))
    patched = splice(data, edits)
    return _dimension(patched, cells)


def _rows(found: list[Span], sheet_data: Span) -> dict[int, _Row]:
    """The sheet's rows by number, each with its cells by column, in one pass."""
    rows: dict[int, _Row] = {}
    current: _Row | None = None
    for span in found:
        if span.start < sheet_data.start or span.end > sheet_data.end:
            continue
        if span.depth == 2 and span.local == "row":
            current = _Row(span, {})
            rows[int(span.attrs.get("r", len(rows) + 1))] = current
        elif span.depth == 3 and span.local == "c" and current is not None:
            letters = _LETTERS.match(span.attrs.get("r", ""))
            if letters:
                current.cells[column_index_from_string(letters.group())] = span
    return rows


def _column_styles(found: list[Span]) -> dict[int, str]:
    styles = {}
    for span in found:
        if span.depth == 2 and span.local == "col" and "style" in span.attrs:
            for column in range(int(span.attrs.get("min", 0)), int(span.attrs.get("max", 0)) + 1):
                styles[column] = span.attrs["style"]
                if len(styles) > 16384:
                    break
    return styles


def _row_above(rows: dict[int, _Row], numbers: list[int], row: int) -> _Row | None:
    at = bisect.bisect_left(numbers, row)
    return rows[numbers[at - 1]] if at else None


def _style(above: _Row | None, column: int, column_styles: Mapping[int, str]) -> str | None:
    if above is not None and column in above.cells:
        return above.cells[column].attrs.get("s")
    return column_styles.get(column)


def _insert_at(data: bytes, rows: dict[int, _Row], numbers: list[int], row: int,
               sheet_data: Span) -> int:
    at = bisect.bisect_right(numbers, row)
    if at < len(numbers):
        return rows[numbers[at]].span.start
    if sheet_data.empty:
        return -1
    return data.rindex(b"</", sheet_data.start, sheet_data.end)


def _into_row(data: bytes, row: _Row, number: int, puts: dict[int, Put], above: _Row | None,
              column_styles: Mapping[int, str]) -> list[tuple[int, int, bytes]]:
    edits = []
    span = row.span
    if span.empty:  # <row .../>: opened for its cells
        tag = re.sub(rb'\sspans="[^"]*"', b"", data[span.start:span.end])[:-2].rstrip() + b">"
        made = b"".join(_cell(number, c, p, None, _style(above, c, column_styles))
                        for c, p in sorted(puts.items()))
        return [(span.start, span.end, tag + made + f"</{span.name}>".encode())]
    if b"spans=" in data[span.start:span.tag_end]:
        tag = re.sub(rb'\sspans="[^"]*"', b"", data[span.start:span.tag_end])
        edits.append((span.start, span.tag_end, tag))
    close = data.rindex(b"</", span.start, span.end)
    columns = sorted(row.cells)
    for column, put in sorted(puts.items()):
        cell = row.cells.get(column)
        if cell is not None:
            old = data[cell.start:cell.end]
            if put.formula is not None and _typed_over(old):
                continue  # the team typed a value where a formula was: theirs stays
            edits.append((cell.start, cell.end,
                          _cell(number, column, put, old, cell.attrs.get("s"), cell.name)))
            continue
        later = [c for c in columns if c > column]
        at = row.cells[later[0]].start if later else close
        edits.append((at, at, _cell(number, column, put, None,
                                    _style(above, column, column_styles))))
    return edits


def _typed_over(cell: bytes) -> bool:
    return _FORMULA.search(cell) is None and (b"<v>" in cell or b"<is>" in cell
                                             or b":v>" in cell or b":is>" in cell)


def _cell(row: int, column: int, put: Put, old: bytes | None, style: str | None,
          name: str = "c") -> bytes:
    """A cell's XML: `old`'s formula kept with the new result, else `put`'s formula, else
    the value as what it is (text always as text, never a formula)."""
    ref = f"{get_column_letter(column)}{row}"
    s = f' s="{escape(style)}"' if style is not None else ""
    held = _FORMULA.search(old) if old is not None else None
    formula = held.group().decode() if held else (
        f"<f>{escape(put.formula.lstrip('='))}</f>" if put.formula else None)
    kind, value = _typed(put.value, formula is not None)
    if formula is not None:
        t = f' t="{kind}"' if kind not in ("n", "inlineStr") else (
            ' t="str"' if kind == "inlineStr" else "")
        shown = f"<v>{value}</v>" if value is not None else ""
        return f'<{name} r="{ref}"{s}{t}>{formula}{shown}</{name}>'.encode()
    if value is None:
        return f'<{name} r="{ref}"{s}/>'.encode()
    if kind == "inlineStr":
        return (f'<{name} r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{value}</t>'
                f"</is></{name}>").encode()
    t = f' t="{kind}"' if kind != "n" else ""
    return f'<{name} r="{ref}"{s}{t}><v>{value}</v></{name}>'.encode()


def _typed(value: Scalar, cached: bool) -> tuple[str, str | None]:
    """(the cell type, its escaped value): a number, a boolean, a date as its serial number
    (in the cell's own date format), text."""
    if value is None or value == "":
        return ("str", "") if cached else ("n", None)
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return "e", "#NUM!"
        return "n", repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return "n", repr(float(to_excel(value)))
    text = _ESCAPE_LIKE.sub(r"_x005F_\1", str(value))
    return "inlineStr", escape(escape_control(text))


def _dimension(data: bytes, cells: Mapping[tuple[int, int], Put]) -> bytes:
    """The sheet's declared used range, reaching the cells put."""
    match = re.search(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', data)
    if match is None:
        return data
    first_col, first_row = column_index_from_string(match.group(1).decode()), int(match.group(2))
    last_col = column_index_from_string((match.group(3) or match.group(1)).decode())
    last_row = int(match.group(4) or match.group(2))
    bottom = max(last_row, *(r for r, _ in cells))
    right = max(last_col, *(c for _, c in cells))
    if (bottom, right) == (last_row, last_col):
        return data
    ref = (f"{get_column_letter(first_col)}{first_row}:{get_column_letter(right)}{bottom}")
    return data[: match.start(1)] + ref.encode() + data[match.end(match.lastindex or 2):]
