"""Room on the team's maps for the list entries they added beyond the slots drawn: a 21st
channel gets a row of the journey map, a 13th stage a pair of columns, made like the last
slot the team has (its styles, widths, drop-downs, status colours, live header), so the
team can fill it in their own file. A slot once drawn is part of their map, as the
template's own slots are: a later check reads it and leaves it there."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

# openpyxl.utils is imported by the functions that use it, when a map outgrew its slots:
# importing openpyxl took 0.2 s of every check -o.
from ..outgrown import Outgrown, growth, header_text, live_header, outgrown_maps, shift_formula
from .xmlspans import Span, children, escape, first, set_attr, spans, splice

if TYPE_CHECKING:
    from ....plan.model import Plan
    from ....template.definition import Definition
    from .parts import Package


@dataclass(frozen=True)
class _Cell:
    column: int  # 1-based
    xml: bytes
    style: str | None
    formula: str | None
    value: bytes


def add_slots(pkg: Package, plan: Plan, definition: Definition,
              parts: dict[str, str]) -> list[str]:
    """Slots for every map whose list outgrew it; the names of the tabs given some."""
    grown = []
    for outgrown in outgrown_maps(plan, definition):
        part = parts.get(outgrown.sheet)
        if part is None or part not in pkg:
            continue
        patched = _grow(pkg.read_whole(part), outgrown)
        if patched is not None:
            pkg.write(part, patched)
            grown.append(outgrown.sheet)
    return grown


def _grow(data: bytes, grown: Outgrown) -> bytes | None:
    read, across, down = grown.read, grown.across, grown.down
    found = spans(data, max_depth=3)
    sheet_data = first(found, "sheetData", 1)
    if sheet_data is None or sheet_data.empty:
        return None
    rows = {int(r.attrs.get("r", 0)): r for r in children(found, sheet_data)
            if r.local == "row"}
    cells = {n: _cells(data, found, row) for n, row in rows.items()}
    where = growth(grown, lambda row, column: _header_at(cells, row, column),
                   lambda row, right: any(c.column > right and (c.value or c.formula)
                                          for c in cells.get(row, ())),
                   lambda row: bool(cells.get(row)))
    if where is None:
        return None
    top, first_row, last_row = where.top, where.first_row, where.last_row
    last_col, right, drawn_down, drawn_across = (where.last_col, where.right,
                                                 where.drawn_down, where.drawn_across)
    new_rows = where.new_rows
    map_rows = list(range(top, last_row + 1))
    width = where.width(read.step)
    edits: list[tuple[int, int, bytes]] = []
    offsets = where.offsets
    # Columns: each row of the map gets the last slot's cells again, shifted.
    for n in map_rows:
        source = [c for c in cells.get(n, ()) if last_col <= c.column <= right]
        added = b"".join(_shifted(c, by, n == top, drawn_across + j + 1, across)
                         for j, by in enumerate(offsets) for c in source)
        if added and n in rows:
            row = rows[n]
            at = row.end - len(f"</{row.name}>") if not row.empty else None
            if at is None:  # <row .../>: opened for its cells
                tag = data[row.start:row.end]
                edits.append((row.start, row.end, tag[:-2].rstrip() + b">" + added
                              + f"</{row.name}>".encode()))
            else:
                edits.append((at, at, added))
    # Rows: the last row of the map again, header and every slot.
    if new_rows:
        template = rows.get(last_row)
        if template is None:
            return None
        tag = data[template.start:template.tag_end]
        tag = re.sub(rb'\sspans="[^"]*"', b"", tag)
        source = cells.get(last_row, [])
        body = []
        for k, n in enumerate(new_rows):
            index = drawn_down + k + 1
            out = []
            for cell in source:
                if cell.column == read.left + 1:
                    out.append(_header(cell, n, index, down))
                else:
                    out.append(_blank(cell, n))
            for by in offsets:
                out += [_blank(c, n, by) for c in source if last_col <= c.column <= right]
            opened = set_attr(tag if not tag.endswith(b"/>") else tag[:-2] + b">", "r", str(n))
            body.append(opened + b"".join(out) + f"</{template.name}>".encode())
        edits.append((template.end, template.end, b"".join(body)))
    bottom = new_rows[-1] if new_rows else last_row
    patched = splice(data, edits)
    return _after_cells(patched, first_row, last_row, bottom, last_col, right, offsets,
                        width, top)


def _header_at(cells: dict[int, list[_Cell]], row: int, column: int) -> bool:
    return any(c.column == column and (c.formula or c.value) for c in cells.get(row, ()))


def _cells(data: bytes, found: list[Span], row: Span) -> list[_Cell]:
    from openpyxl.utils import column_index_from_string

    out = []
    for c in children(found, row):
        if c.local != "c" or "r" not in c.attrs:
            continue
        letters = re.match(r"[A-Z]+", c.attrs["r"])
        if letters is None:
            continue
        xml = data[c.start:c.end]
        formula = re.search(rb"<(?:\w+:)?f(?:\s[^>]*)?>(.*?)</(?:\w+:)?f>", xml, re.S)
        value = re.search(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>|<(?:\w+:)?t(?:\s[^>]*)?>(.*?)<",
                          xml, re.S)
        out.append(_Cell(column_index_from_string(letters.group()), xml, c.attrs.get("s"),
                         formula.group(1).decode() if formula else None,
                         (value.group(1) or value.group(2) or b"") if value else b""))
    return out


def _blank(cell: _Cell, row: int, by: int = 0) -> bytes:
    """An empty cell in `cell`'s style, `by` columns to its right, on `row`."""
    from openpyxl.utils import get_column_letter

    style = f' s="{cell.style}"' if cell.style is not None else ""
    return f'<c r="{get_column_letter(cell.column + by)}{row}"{style}/>'.encode()


def _header(cell: _Cell, row: int, index: int, values: tuple) -> bytes:
    """The live header of slot `index` (1-based), made like the last one: its formula with
    the list's next place, its value what the list holds there."""
    from openpyxl.utils import get_column_letter

    ref = f"{get_column_letter(cell.column)}{row}"
    style = f' s="{cell.style}"' if cell.style is not None else ""
    shown = escape(header_text(values, index))
    formula = live_header(cell.formula, index)
    if formula is not None:
        return (f'<c r="{ref}"{style} t="str"><f>{formula}</f><v>{shown}</v></c>').encode()
    return f'<c r="{ref}"{style} t="inlineStr"><is><t>{shown}</t></is></c>'.encode()


def _shifted(cell: _Cell, by: int, header_row: bool, index: int, values: tuple) -> bytes:
    """The last slot's `cell` again `by` columns to the right: the live header with the
    list's next place, another formula with its references moved, a blank otherwise."""
    from openpyxl.utils import get_column_letter

    moved = _Cell(cell.column + by, cell.xml, cell.style, cell.formula, cell.value)
    row = int(re.search(rb'\sr="[A-Z]+([0-9]+)"', cell.xml).group(1))  # type: ignore[union-attr]
    if header_row and live_header(cell.formula, index) is not None:
        return _header(moved, row, index, values)
    if cell.formula:
        ref = f"{get_column_letter(moved.column)}{row}"
        style = f' s="{cell.style}"' if cell.style is not None else ""
        formula = shift_formula(cell.formula, by, 0)
        return (f'<c r="{ref}"{style} t="str"><f>{formula}</f><v>'
                f'{cell.value.decode()}</v></c>').encode()
    return _blank(cell, row, by)


def _shift_range(text: str, columns: int, rows: int) -> str:
    return " ".join(shift_formula(part, columns, rows) for part in text.split())


def _after_cells(data: bytes, first_row: int, last_row: int, bottom: int, last_col: int,
                 right: int, offsets: list[int], width: int, top: int) -> bytes:
    """Columns' widths, merges, drop-downs and conditional formats for the new slots, the
    ranges that ended on the map's last row made to reach its new last row."""
    from openpyxl.utils import get_column_letter, range_boundaries

    found = spans(data, max_depth=2)
    edits: list[tuple[int, int, bytes]] = []
    # Copied rules get priorities after the sheet's highest: a sheet's rules want distinct ones.
    highest = max((int(s.attrs.get("priority", 0)) for s in spans(data, max_depth=3)
                   if s.local == "cfRule"), default=0)

    def renumbered(rule: re.Match[bytes]) -> bytes:
        nonlocal highest
        highest += 1
        return rule.group(1) + str(highest).encode() + rule.group(3)

    def inside(ref: str) -> bool:
        lo_c, lo_r, hi_c, hi_r = range_boundaries(ref)
        return last_col <= (lo_c or 0) and (hi_c or 0) <= right

    def longer(sqref: str) -> str:
        if bottom == last_row:
            return sqref
        out = []
        for ref in sqref.split():
            lo_c, lo_r, hi_c, hi_r = range_boundaries(ref)
            if hi_r == last_row and (lo_r or 0) >= top:
                ref = (f"{get_column_letter(lo_c)}{lo_r}:{get_column_letter(hi_c)}{bottom}")
            out.append(ref)
        return " ".join(out)

    for span in found:
        if span.depth == 1 and span.local == "cols":
            added = b""
            for col in children(found, span):
                lo, hi = int(col.attrs.get("min", 0)), int(col.attrs.get("max", 0))
                if last_col <= lo and hi <= right:
                    for by in offsets:
                        tag = data[col.start:col.end]
                        tag = set_attr(set_attr(tag, "min", str(lo + by)), "max", str(hi + by))
                        added += tag
            covered = [(int(c.attrs.get("min", 0)), int(c.attrs.get("max", 0)))
                       for c in children(found, span)]
            if added and not any(lo <= right + 1 <= hi for lo, hi in covered):
                last = [c for c in children(found, span) if int(c.attrs.get("max", 0)) <= right]
                at = last[-1].end if last else span.tag_end
                edits.append((at, at, added))
        elif span.depth == 1 and span.local == "mergeCells":
            added = b""
            merges = children(found, span)
            for merge in merges:
                ref = merge.attrs.get("ref", "")
                if ":" in ref and inside(ref):
                    for by in offsets:
                        added += set_attr(data[merge.start:merge.end], "ref",
                                          _shift_range(ref, by, 0))
            if added:
                at = span.end - len(f"</{span.name}>")
                count = len(merges) + added.count(b"<")
                edits.append((span.start, span.tag_end, set_attr(
                    data[span.start:span.tag_end], "count", str(count))))
                edits.append((at, at, added))
        elif span.depth == 1 and span.local == "conditionalFormatting":
            sqref = span.attrs.get("sqref", "")
            whole = data[span.start:span.end]
            grown = longer(sqref)
            new = set_attr(whole[: span.tag_end - span.start], "sqref", grown) \
                + whole[span.tag_end - span.start:]
            if all(inside(ref) for ref in sqref.split()) and sqref:
                for by in offsets:
                    copy = set_attr(new[: span.tag_end - span.start], "sqref",
                                    _shift_range(grown, by, 0)) + new[span.tag_end - span.start:]
                    copy = re.sub(rb"(<(?:\w+:)?formula>)(.*?)(</(?:\w+:)?formula>)",
                                  lambda m, by=by: m.group(1) + shift_formula(
                                      m.group(2).decode(), by, 0).encode() + m.group(3), copy)
                    new += re.sub(rb'(\spriority=")([0-9]+)(")', renumbered, copy)
            if new != whole:
                edits.append((span.start, span.end, new))
        elif span.depth == 1 and span.local == "dataValidations":
            items = children(found, span)
            added_count = 0
            for item in items:
                sqref = item.attrs.get("sqref", "")
                whole = data[item.start:item.end]
                grown = longer(sqref)
                new = set_attr(whole[: item.tag_end - item.start], "sqref", grown) \
                    + whole[item.tag_end - item.start:]
                if sqref and all(inside(ref) for ref in sqref.split()):
                    for by in offsets:
                        new += set_attr(new[: item.tag_end - item.start], "sqref",
                                        _shift_range(grown, by, 0)) \
                            + whole[item.tag_end - item.start:]
                        added_count += 1
                if new != whole:
                    edits.append((item.start, item.end, new))
            if added_count:
                edits.append((span.start, span.tag_end, set_attr(
                    data[span.start:span.tag_end], "count", str(len(items) + added_count))))
        elif span.depth == 1 and span.local == "dimension":
            ref = span.attrs.get("ref", "")
            if ":" in ref:
                lo_c, lo_r, hi_c, hi_r = range_boundaries(ref)
                wide = f"{get_column_letter(lo_c)}{lo_r}:{get_column_letter(max(hi_c, width))}" \
                       f"{max(hi_r, bottom)}"
                edits.append((span.start, span.end, set_attr(data[span.start:span.end],
                                                             "ref", wide)))
    return splice(data, edits)
