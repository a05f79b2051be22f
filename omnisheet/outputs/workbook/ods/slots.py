"""Room on the team's maps in their .ods for the list entries they added beyond the slots
drawn (see ../outgrown.py, shared with the .xlsx): rows for new channels or targets,
columns for new stages, made like the last slot the team has: its live header
(`of:=IF(INDEX(list_x;n)=…)` with the list's value as the cached one), the cells' styles
and drop-downs (`table:content-validation-name`), the columns' styles, the merged header
(spanned and covered cells), and LibreOffice's conditional formats (the last slot's copied
with the status column moved, the ranges that ended on the map's last row made longer).

The map tables are cut from content.xml as it streams (`grow`) before the notes and
highlights are patched in, so a new slot is the team's from the start; a run of rows,
columns or cells LibreOffice stores as one element with a repeat count is split around
the new ones, so the table keeps its size (1,048,576 rows, 16,384 columns)."""

from __future__ import annotations

import bisect
import re
import xml.parsers.expat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..outgrown import Growth, Outgrown, growth, header_text, live_header, shift_formula
from ..package.xmlspans import Span, escape, set_attr, spans, splice, tag_end
from .content import _int, _refuse, _repeated

_ROW_GROUPS = ("table:table-header-rows", "table:table-rows", "table:table-row-group")
_COLUMN_GROUPS = ("table:table-header-columns", "table:table-columns",
                  "table:table-column-group")
_CELLS = ("table:table-cell", "table:covered-table-cell")
_ROWS_REPEATED = "table:number-rows-repeated"
_COLUMNS_REPEATED = "table:number-columns-repeated"
_KEPT = ("table:style-name", "table:content-validation-name")


@dataclass(frozen=True)
class _Run:
    """An element standing for `repeat` rows, columns or cells from `at` (1-based)."""

    at: int
    repeat: int
    span: Span

    def covers(self, n: int) -> bool:
        return self.at <= n < self.at + self.repeat


def grow(pieces: Iterable[bytes], maps: dict[str, Outgrown], ours: set[str]
         ) -> Iterator[bytes]:
    """content.xml's bytes with the tables named in `maps` given their new slots; every
    other byte as it came. `ours`: omnisheet's highlight styles (their formats are not
    the team's, and are not copied)."""
    return tables_patched(pieces, {name: (lambda table, grown=grown: grow_table(
        table, grown, ours)) for name, grown in maps.items()})


def tables_patched(pieces: Iterable[bytes],
                   patches: dict[str, Callable[[bytes], bytes | None]]) -> Iterator[bytes]:
    """content.xml's bytes with each table named in `patches` cut out whole as it streams
    and given to its patch (None: the table as it was); every other byte as it came."""
    maps = patches
    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    buf = bytearray()
    state = {"base": 0, "last": 0, "start": None, "name": None}
    names: list[str] = []
    done: list[bytes] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        at = parser.CurrentByteIndex
        state["last"] = at
        if (len(names) == 3 and name == "table:table" and names[2] == "office:spreadsheet"
                and attrs.get("table:name") in maps and state["start"] is None):
            head = buf[at - state["base"]:tag_end(buf, at - state["base"])]
            if not head.endswith(b"/>"):  # a table without rows has no map
                state["start"], state["name"] = at, attrs["table:name"]
        names.append(name)

    def end(name: str) -> None:
        at = parser.CurrentByteIndex
        names.pop()
        state["last"] = at
        if len(names) == 3 and name == "table:table" and state["start"] is not None:
            base, begin = state["base"], state["start"]
            finish = buf.index(b">", at - base) + 1 + base
            table = bytes(buf[begin - base:finish - base])
            grown = maps[state["name"]](table)
            done.append(bytes(buf[:begin - base]) + (grown if grown is not None else table))
            del buf[:finish - base]
            state["base"], state["start"], state["last"] = finish, None, finish

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    for piece in pieces:
        buf += piece
        parser.Parse(piece, False)
        yield from done
        done.clear()
        if state["start"] is None and state["last"] > state["base"]:
            cut = state["last"] - state["base"]
            yield bytes(buf[:cut])
            del buf[:cut]
            state["base"] = state["last"]
    parser.Parse(b"", True)
    yield from done
    if buf:
        yield bytes(buf)


def grow_table(data: bytes, grown: Outgrown, ours: set[str]) -> bytes | None:
    """A map table (`<table:table>` … `</table:table>`) with its new slots, or None."""
    found = spans(data)
    kids = _children(found)
    root = found[0]
    rows = _runs(kids, root, "table:table-row", _ROW_GROUPS, _ROWS_REPEATED)
    cells = {id(r.span): _runs(kids, r.span, _CELLS, (), _COLUMNS_REPEATED) for r in rows}

    def cell(row: int, column: int) -> Span | None:
        run = next((r for r in rows if r.covers(row)), None)
        if run is None:
            return None
        hit = next((c for c in cells[id(run.span)] if c.covers(column)), None)
        return hit.span if hit is not None else None

    def filled_after(row: int, right: int) -> bool:
        run = next((r for r in rows if r.covers(row)), None)
        return run is not None and any(c.at + c.repeat - 1 > right and _filled(c.span, kids)
                                       for c in cells[id(run.span)])

    def filled_row(row: int) -> bool:
        run = next((r for r in rows if r.covers(row)), None)
        return run is not None and any(_filled(c.span, kids) for c in cells[id(run.span)])

    where = growth(grown, lambda r, c: (s := cell(r, c)) is not None and _filled(s, kids),
                   filled_after, filled_row)
    if where is None:
        return None
    edits: list[tuple[int, int, bytes]] = []
    # Columns: the last slot's again, right of it.
    columns = _runs(kids, root, "table:table-column", _COLUMN_GROUPS, _COLUMNS_REPEATED)
    added: dict[int, bytes] = {}
    for by in where.offsets:
        for n in range(where.last_col, where.right + 1):
            source = next((c for c in columns if c.covers(n)), None)
            if source is not None:
                added[n + by] = _repeated(_bytes(data, source.span), _COLUMNS_REPEATED, 1)
    if columns and added:
        edits += _put(data, columns, _COLUMNS_REPEATED, added, columns[-1].span.end,
                      b"<table:table-column/>")
    # Rows: the map's rows get the new slots' cells; the new rows come after the last.
    template = next((r for r in rows if r.covers(where.last_row)), None)
    if template is None:
        return None
    new_rows = {n: _new_row(data, template, cells[id(template.span)], where, grown, n)
                for n in where.new_rows}
    replaced = dict(new_rows)
    if where.new_cols:
        for run in rows:
            for n in range(max(run.at, where.top), min(run.at + run.repeat, where.last_row + 1)):
                one = _repeated(_bytes(data, run.span), _ROWS_REPEATED, 1)
                replaced[n] = _with_slots(one, where, grown, n)
    edits += _put(data, rows, _ROWS_REPEATED, replaced, rows[-1].span.end,
                  b"<table:table-row><table:table-cell/></table:table-row>")
    edits += _formats(data, found, kids, where, ours)
    return splice(data, edits)


def _children(found: list[Span]) -> dict[int, list[Span]]:
    """Each element's children, by the element's id."""
    kids: dict[int, list[Span]] = {id(s): [] for s in found}
    stack: list[Span] = []
    for span in found:
        while stack and stack[-1].depth >= span.depth:
            stack.pop()
        if stack:
            kids[id(stack[-1])].append(span)
        stack.append(span)
    return kids


def _runs(kids: dict[int, list[Span]], parent: Span, names: str | tuple[str, ...],
          groups: tuple[str, ...], attr: str) -> list[_Run]:
    """The rows, columns or cells under `parent` (through their grouping elements), each
    with the place it starts at and how many it stands for."""
    out: list[_Run] = []
    wanted = (names,) if isinstance(names, str) else names

    def walk(span: Span) -> None:
        for child in kids[id(span)]:
            if child.name in wanted:
                at = out[-1].at + out[-1].repeat if out else 1
                out.append(_Run(at, _int(child.attrs.get(attr)), child))
            elif child.name in groups:
                walk(child)

    walk(parent)
    return out


def _bytes(data: bytes, span: Span) -> bytes:
    return data[span.start:span.end]


def _filled(span: Span, kids: dict[int, list[Span]]) -> bool:
    """A cell holding something: a value, a formula, text, a comment, a picture."""
    return ("table:formula" in span.attrs or "office:value-type" in span.attrs
            or bool(kids[id(span)]))


def _put(data: bytes, runs: list[_Run], attr: str, new: dict[int, bytes], tail: int,
         filler: bytes) -> list[tuple[int, int, bytes]]:
    """Edits that put `new` elements at their places (1-based) among `runs`, splitting a
    repeated one around them; places past the last run are added at `tail`."""
    edits = []
    places = sorted(new)
    for run in runs:
        wanted = places[bisect.bisect_left(places, run.at):
                        bisect.bisect_left(places, run.at + run.repeat)]
        if not wanted:
            continue
        element = _bytes(data, run.span)
        out, at = [], run.at
        for n in wanted:
            if n > at:
                out.append(_repeated(element, attr, n - at))
            out.append(new[n])
            at = n + 1
        if run.at + run.repeat > at:
            out.append(_repeated(element, attr, run.at + run.repeat - at))
        edits.append((run.span.start, run.span.end, b"".join(out)))
    end = runs[-1].at + runs[-1].repeat if runs else 1
    beyond = places[bisect.bisect_left(places, end):]
    if beyond:
        out, at = [], end
        for n in beyond:
            if n > at:
                out.append(_repeated(filler, attr, n - at))
            out.append(new[n])
            at = n + 1
        edits.append((tail, tail, b"".join(out)))
    return edits


def _with_slots(row: bytes, where: Growth, grown: Outgrown, n: int) -> bytes:
    """One row of the map (repeat 1) with the new slots' cells: the last slot's made again
    (live header, formulas moved, blanks in their styles and drop-downs)."""
    found = spans(row)
    kids = _children(found)
    cells = _runs(kids, found[0], _CELLS, (), _COLUMNS_REPEATED)
    added: dict[int, bytes] = {}
    for j, by in enumerate(where.offsets):
        for c in range(where.last_col, where.right + 1):
            source = next((r for r in cells if r.covers(c)), None)
            if source is None:
                continue
            element = _repeated(_bytes(row, source.span), _COLUMNS_REPEATED, 1)
            if n == where.top and c == where.last_col:
                added[c + by] = _header(element, where.drawn_across + j + 1, grown.across)
            elif "table:formula" in source.span.attrs:
                added[c + by] = _moved(element, by)
            else:
                added[c + by] = _blank(element)
    if not added:
        return row
    close = row.rindex(b"</") if not row.endswith(b"/>") else None
    if close is None:  # <table:table-row/>: opened for its cells
        head = row[:-2].rstrip() + b">"
        row, close = head + b"</table:table-row>", len(head)
    return splice(row, _put(row, cells, _COLUMNS_REPEATED, added, close,
                            b"<table:table-cell/>"))


def _new_row(data: bytes, template: _Run, cells: list[_Run], where: Growth, grown: Outgrown,
             n: int) -> bytes:
    """Row `n` (1-based) for a new down entry: the last row's start tag, its live header
    with the list's next place, blanks in its cells' styles and drop-downs, the new
    slots' cells too."""
    read = grown.read
    tag = data[template.span.start:template.span.tag_end]
    if template.span.empty:
        tag = tag[:-2].rstrip() + b">"
    tag = re.sub(rb'\s' + _ROWS_REPEATED.encode() + rb'="[^"]*"', b"", tag)
    width = where.width(read.step)
    out = []
    for c in range(1, width + 1):
        source_column = c if c <= where.right else where.last_col + (c - where.right - 1) % (
            where.right - where.last_col + 1)
        source = next((r for r in cells if r.covers(source_column)), None)
        if source is None:
            out.append(b"<table:table-cell/>")
            continue
        element = _repeated(_bytes(data, source.span), _COLUMNS_REPEATED, 1)
        if c == read.left + 1:
            out.append(_header(element, where.drawn_down + (n - where.last_row), grown.down))
        else:
            out.append(_blank(element))
    return tag + _compact(out) + b"</table:table-row>"


def _compact(cells: list[bytes]) -> bytes:
    """Identical neighbouring cells as one element with a repeat count, as LibreOffice
    writes them."""
    out: list[bytes] = []
    at = 0
    while at < len(cells):
        same = at
        while same + 1 < len(cells) and cells[same + 1] == cells[at]:
            same += 1
        count = same - at + 1
        out.append(_repeated(cells[at], _COLUMNS_REPEATED, count) if count > 1 else cells[at])
        at = same + 1
    return b"".join(out)


def _name(element: bytes) -> bytes:
    return re.match(rb"<([\w:.-]+)", element).group(1)  # type: ignore[union-attr]


def _blank(element: bytes) -> bytes:
    """An empty cell in `element`'s style and drop-down (a covered cell stays covered,
    a spanned one keeps its span)."""
    name = _name(element)
    attrs = spans(element, max_depth=0)[0].attrs
    kept = [(k, attrs[k]) for k in (*_KEPT, "table:number-columns-spanned",
                                    "table:number-rows-spanned") if k in attrs]
    return (b"<" + name + b"".join(f' {k}="{escape(v)}"'.encode() for k, v in kept)
            + b"/>")


def _header(element: bytes, index: int, values: tuple) -> bytes:
    """The live header of slot `index` (1-based), made like the last one: its formula
    with the list's place `index`, the list's value there as its cached value; a header
    the team typed as text gives the list's value as text."""
    name = _name(element)
    attrs = spans(element, max_depth=0)[0].attrs
    text = header_text(values, index)
    formula = live_header(attrs.get("table:formula"), index)
    kept = {k: v for k, v in attrs.items() if k in (
        *_KEPT, "table:number-columns-spanned", "table:number-rows-spanned")}
    if formula is not None:
        kept["table:formula"] = formula
    kept.update({"office:value-type": "string", "office:string-value": text,
                 "calcext:value-type": "string"})
    if formula is None:
        del kept["office:string-value"]
    order = ["table:style-name", "table:formula", "office:value-type", "office:string-value",
             "calcext:value-type", "table:content-validation-name",
             "table:number-columns-spanned", "table:number-rows-spanned"]
    head = b"<" + name + b"".join(f' {k}="{escape(kept[k])}"'.encode() for k in order
                                  if k in kept)
    body = f"<text:p>{escape(text)}</text:p>" if text else "<text:p/>"
    return head + b">" + body.encode() + b"</" + name + b">"


def _moved(element: bytes, by: int) -> bytes:
    """A formula cell `by` columns to the right: its references moved, its value kept."""
    end = tag_end(element, 0)
    attrs = spans(element, max_depth=0)[0].attrs
    tag = set_attr(element[:end], "table:formula", shift_formula(attrs["table:formula"], by, 0))
    body = re.sub(rb"<office:annotation\b.*?</office:annotation>", b"", element[end:], flags=re.S)
    return tag + body


def _formats(data: bytes, found: list[Span], kids: dict[int, list[Span]], where: Growth,
             ours: set[str]) -> list[tuple[int, int, bytes]]:
    """The team's conditional formats: those of the last slot copied for each new one
    (ranges, base cells and formulas moved), every range that ended on the map's last row
    made to reach its new last row."""
    container = next((s for s in kids[id(found[0])]
                      if s.name == "calcext:conditional-formats"), None)
    if container is None:
        return []
    edits = []
    for item in kids[id(container)]:
        styles = [s.attrs.get("calcext:apply-style-name") for s in kids[id(item)]]
        if styles and all(s in ours for s in styles):
            continue  # a highlight of a previous check: not the team's
        address = item.attrs.get("calcext:target-range-address", "")
        ranges = _split(address)
        if not ranges:
            continue
        whole = _bytes(data, item)
        longer = " ".join(_longer(r, where) for r in ranges)
        new = set_attr(whole[:item.tag_end - item.start], "calcext:target-range-address",
                       longer) + whole[item.tag_end - item.start:] if longer != address else whole
        if all(_inside(r, where) for r in ranges):
            for by in where.offsets:
                new += _shifted_format(new, by)
        if new != whole:
            edits.append((item.start, item.end, new))
    return edits


_ENDPOINT = re.compile(r"(\$?)([A-Z]{1,3})(\$?)([0-9]+)$")


def _split(address: str) -> list[str]:
    """A range list's ranges (spaces inside quoted sheet names kept)."""
    return re.findall(r"(?:'(?:[^']|'')*'|[^\s'])+", address)


def _ends(one: str) -> list[tuple[int, int]] | None:
    """A range's corners as (column, row), 1-based."""
    from openpyxl.utils import column_index_from_string

    pieces = re.findall(r"(?:'(?:[^']|'')*'|[^:'])+", one)
    out = []
    for piece in pieces:
        m = _ENDPOINT.search(piece)
        if m is None:
            return None
        out.append((column_index_from_string(m.group(2)), int(m.group(4))))
    return out or None


def _inside(one: str, where: Growth) -> bool:
    ends = _ends(one)
    return ends is not None and all(where.last_col <= c <= where.right for c, _ in ends)


def _longer(one: str, where: Growth) -> str:
    """A range that ended on the map's last row, to its new last row."""
    ends = _ends(one)
    if ends is None or len(ends) != 2 or where.bottom == where.last_row:
        return one
    if ends[1][1] != where.last_row or ends[0][1] < where.top:
        return one
    return _ENDPOINT.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}{where.bottom}", one)


def _shifted_format(element: bytes, by: int) -> bytes:
    """A conditional format `by` columns to the right: its ranges, base cells and formulas
    moved."""
    def attr(m: re.Match[bytes]) -> bytes:
        import html

        value = html.unescape(m.group(2).decode())
        return m.group(1) + b'"' + escape(shift_formula(value, by, 0)).encode() + b'"'

    return re.sub(rb'(\scalcext:(?:target-range-address|base-cell-address|value)=)"([^"]*)"',
                  attr, element)
