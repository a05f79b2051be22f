"""What `feedback -o` and `journeys -o` measured, written into the team's own .ods tables
as into an .xlsx's (see ../package/records.py, which says which cells change): each cell
keeps its style, drop-down and annotation; a formula cell keeps its formula, with its
new result; a new record's row gets the formulas of the nearest row above that has them,
moved to its row. A run of rows or cells LibreOffice stores as one element with a repeat
count is split around the cells written, so the table keeps its size."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from ....template.values import Scalar
from ..outgrown import shift_formula
from ..package.cells import Put
from ..package.xmlspans import escape, spans, splice, tag_end
from .content import paragraphs
from .slots import (
    _CELLS,
    _COLUMNS_REPEATED,
    _ROW_GROUPS,
    _ROWS_REPEATED,
    _bytes,
    _children,
    _name,
    _put,
    _Run,
    _runs,
)

_KEPT = ("table:style-name", "table:content-validation-name", "table:number-columns-spanned",
         "table:number-rows-spanned")
_ANNOTATION = re.compile(rb"<office:annotation\b.*?</office:annotation>"
                         rb"|<office:annotation\b[^>]*/>", re.S)
_ROW_FILLER = b"<table:table-row><table:table-cell/></table:table-row>"


def patch_for(puts: Mapping[tuple[int, int], Put]) -> Callable[[bytes], bytes | None]:
    """A table patch (slots.tables_patched) putting `puts`, (row, column) 1-based."""
    return lambda table: put_table_cells(table, puts)


def put_table_cells(table: bytes, puts: Mapping[tuple[int, int], Put]) -> bytes | None:
    if not puts:
        return None
    found = spans(table)
    kids = _children(found)
    rows = _runs(kids, found[0], "table:table-row", _ROW_GROUPS, _ROWS_REPEATED)
    cells = {id(r.span): _runs(kids, r.span, _CELLS, (), _COLUMNS_REPEATED) for r in rows}
    by_row: dict[int, dict[int, Put]] = {}
    for (row, column), put in puts.items():
        by_row.setdefault(row, {})[column] = put

    def cell_above(row: int, column: int) -> tuple[bytes, int] | None:
        """The nearest cell above `row` in `column` holding a formula, and its row."""
        for run in reversed(rows):
            if run.at >= row:
                continue
            hit = next((c for c in cells[id(run.span)] if c.covers(column)), None)
            if hit is not None and "table:formula" in hit.span.attrs:
                return _bytes(table, hit.span), min(row - 1, run.at + run.repeat - 1)
        return None

    starts = [r.at for r in rows]
    new_rows: dict[int, bytes] = {}
    for n, wanted in by_row.items():
        at = bisect.bisect_right(starts, n) - 1
        run = rows[at] if at >= 0 and rows[at].covers(n) else None
        row = (_one(_bytes(table, run.span), _ROWS_REPEATED) if run is not None
               else _ROW_FILLER)
        new_rows[n] = _row_with(row, n, wanted, cell_above)
    edits = _put(table, rows, _ROWS_REPEATED, new_rows, rows[-1].span.end if rows else
                 table.rindex(b"</"), _ROW_FILLER)
    return splice(table, edits)


def _one(element: bytes, attr: str) -> bytes:
    end = tag_end(element, 0)
    return re.sub(rb"\s" + re.escape(attr.encode()) + rb'="[^"]*"', b"", element[:end]) \
        + element[end:]


def _row_with(row: bytes, n: int, wanted: dict[int, Put],
              cell_above: Callable[[int, int], tuple[bytes, int] | None]) -> bytes:
    if row.endswith(b"/>"):
        row = row[:-2].rstrip() + b"></table:table-row>"
    found = spans(row)
    kids = _children(found)
    runs: list[_Run] = _runs(kids, found[0], _CELLS, (), _COLUMNS_REPEATED)
    added = {}
    for column, put in wanted.items():
        run = next((r for r in runs if r.covers(column)), None)
        old = _one(_bytes(row, run.span), _COLUMNS_REPEATED) if run is not None \
            else b"<table:table-cell/>"
        made = _cell(old, put, n, column, cell_above)
        if made is not None:
            added[column] = made
    if not added:
        return row
    return splice(row, _put(row, runs, _COLUMNS_REPEATED, added, row.rindex(b"</"),
                            b"<table:table-cell/>"))


def _cell(old: bytes, put: Put, row: int, column: int,
          cell_above: Callable[[int, int], tuple[bytes, int] | None]) -> bytes | None:
    attrs = spans(old, max_depth=0)[0].attrs
    kept = {k: attrs[k] for k in _KEPT if k in attrs}
    formula = attrs.get("table:formula")
    if put.formula is not None and formula is None:
        if "office:value-type" in attrs:
            return None  # the team typed a value where a formula was: theirs stays
        above = cell_above(row, column)
        if above is None:
            return None
        source, at = above
        formula = shift_formula(spans(source, max_depth=0)[0].attrs["table:formula"], 0,
                                row - at)
        if "table:style-name" not in kept:
            style = spans(source, max_depth=0)[0].attrs.get("table:style-name")
            if style is not None:
                kept["table:style-name"] = style
    if formula is not None:
        kept["table:formula"] = formula
    value, body = _value(put.value, formula is not None)
    kept.update(value)
    order = ["table:style-name", "table:content-validation-name", "table:formula",
             "office:value-type", "office:value", "office:date-value", "office:boolean-value",
             "office:string-value", "calcext:value-type", "table:number-columns-spanned",
             "table:number-rows-spanned"]
    name = _name(old)
    theirs = b"".join(m.group() for m in _ANNOTATION.finditer(old[tag_end(old, 0):]))
    head = b"<" + name + b"".join(f' {k}="{escape(kept[k])}"'.encode() for k in order
                                  if k in kept)
    inside = theirs + body
    return head + (b">" + inside + b"</" + name + b">" if inside else b"/>")


def _value(value: Scalar, formula: bool) -> tuple[dict[str, str], bytes]:
    """A value's attributes and paragraphs, as LibreOffice writes them."""
    if value is None or value == "":
        if formula:
            return ({"office:value-type": "string", "office:string-value": "",
                     "calcext:value-type": "string"}, b"<text:p/>")
        return {}, b""
    if isinstance(value, bool):
        word = "true" if value else "false"
        return ({"office:value-type": "boolean", "office:boolean-value": word,
                 "calcext:value-type": "boolean"}, f"<text:p>{word.upper()}</text:p>".encode())
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return ({"office:value-type": "string", "office:string-value": "#NUM!",
                     "calcext:value-type": "error"}, b"<text:p>#NUM!</text:p>")
        shown = repr(value) if isinstance(value, float) else str(value)
        return ({"office:value-type": "float", "office:value": shown,
                 "calcext:value-type": "float"}, f"<text:p>{shown}</text:p>".encode())
    if isinstance(value, dt.datetime | dt.date):
        shown = value.isoformat()
        return ({"office:value-type": "date", "office:date-value": shown,
                 "calcext:value-type": "date"}, f"<text:p>{shown}</text:p>".encode())
    text = str(value)
    return ({"office:value-type": "string", "calcext:value-type": "string"}
            | ({"office:string-value": text} if formula else {}), paragraphs(text).encode())


_TARGET = re.compile(rb'(table:target-range-address=")([^"]*)(")')
_END = re.compile(r"^(.*?)(\$?[A-Z]{1,3}\$?)([0-9]+)$")


def filters_longer(pieces: Iterable[bytes], reach: Mapping[str, tuple[int, int]]
                   ) -> Iterator[bytes]:
    """content.xml with each filter (`table:database-range`) over a table of `reach`,
    {table name: (last row before, last row now)}, that ended on the table's last row made
    to reach its new last row, as LibreOffice does for a row typed under it."""
    def longer(match: re.Match[bytes]) -> bytes:
        import html

        address = html.unescape(match.group(2).decode())
        start, colon, end = address.rpartition(":")
        sheet = start.rpartition(".")[0].strip("$").strip("'").replace("''", "'")
        if not colon or sheet not in reach:
            return match.group(0)
        was, now = reach[sheet]
        last = _END.match(end)
        if last is None or int(last.group(3)) != was:
            return match.group(0)
        grown = f"{start}:{last.group(1)}{last.group(2)}{now}"
        return match.group(1) + escape(grown).encode() + match.group(3)

    carry = b""
    for piece in pieces:
        data = carry + piece
        cut = data.rfind(b"<")  # an element's start tag is never cut in two
        if cut <= 0:
            carry = data
            continue
        carry = data[cut:]
        head = data[:cut]
        yield _TARGET.sub(longer, head) if b"target-range-address" in head else head
    yield _TARGET.sub(longer, carry)
