"""`check -o --sort` on the team's own file: the rows of the use-case table put in rank
order as Excel's own sort of the table would put them. The records keep the set of sheet
rows they occupy; what moves with a record is every cell of the table's columns (value,
type, style, formula, its relative rows following the move), the row's height and hidden
state (a filtered-out row stays hidden with its record), the team's comments and links on
those cells and the merges inside the row. Cells right of the table, other rows,
validations and conditional formats over whole columns stay. An Excel shared formula
whose group a moved cell belongs to is first written out as a plain formula in each of
its cells, so that no cell points at a master that moved.

The findings of the report move with their records (`plan.rows.findings_on_moved_rows`):
highlights, notes and the Findings tab's links land on the record they are about."""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from openpyxl.utils import column_index_from_string, get_column_letter

from ....plan.rows import findings_on_moved_rows, ranked_rows
from .comments import COMMENTS_TYPE, VML_TYPE
from .sheet import legacy_drawing_id, tail
from .xmlspans import Span, escape, set_attr, spans, splice

if TYPE_CHECKING:
    from ....analysis.report import Report
    from ....plan.model import Plan
    from ....template.definition import Definition
    from .parts import Package

THREADED_TYPE = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"
_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)")
_FORMULA = re.compile(rb"<((?:\w+:)?)f\b([^>]*?)(?:/>|>(.*?)</\1f>)", re.S)
_SHARED = re.compile(rb'\st="shared"')
_ATTR = re.compile(rb'\s(t|ref|si)="[^"]*"')
_SPANS = re.compile(rb'\sspans="[^"]*"')
_SHAPE = re.compile(rb"<((?:\w+:)?)shape\b.*?</\1shape>", re.S)
_VML_ROW = re.compile(rb"(<(?:\w+:)?Row>)\s*(\d+)\s*(</(?:\w+:)?Row>)")
_VML_COLUMN = re.compile(rb"<(?:\w+:)?Column>\s*(\d+)\s*</(?:\w+:)?Column>")
_ANCHOR = re.compile(rb"(<(?:\w+:)?Anchor>)([^<]*)(</(?:\w+:)?Anchor>)")


def sort_use_cases(pkg: Package, plan: Plan, report: Report, definition: Definition,
                   parts: Mapping[str, str]) -> Report:
    """The use-case table of `pkg` (its sheet parts by name in `parts`) in rank order, and
    `report` with its findings on the rows their records moved to. A merge or an array
    formula over several of the rows that move is refused (OutputError), as Excel refuses
    to sort them: nothing can move with one record alone."""
    if "use_cases" not in plan.sheet_names:
        return report
    part = parts.get(plan.sheet("use_cases"))
    width = len(plan.layouts.get("use_cases", ()))
    if part is None or part not in pkg or not width:
        return report
    moves = ranked_rows(plan, ranks(plan, report))
    if not moves:
        return report
    uneven = move_rows(pkg, part, moves, width)
    if uneven is not None:
        from ....template.errors import OutputError

        raise OutputError(plan.source, uneven[0], cells=uneven[1], sheet=plan.sheet("use_cases"))
    return with_findings_moved(report, plan, definition, moves)


def ranks(plan: Plan, report: Report) -> dict[int, int]:
    """Each scored use case's rank, by its index in `plan`."""
    if report.plan is plan:
        ranked = report.priorities
    else:
        from ....analysis.scoring import priorities

        ranked = tuple(priorities(plan))
    return {p.index: p.rank for p in ranked}


def with_findings_moved(report: Report, plan: Plan, definition: Definition,
                        moves: Mapping[int, int]) -> Report:
    """`report` with its findings on the use cases' new rows (`moves`, old -> new), in the
    order a check of the sorted table gives them."""
    from ....analysis.report import sort_key

    if not moves:
        return report
    ids = {r.row: r.get("id") for r in plan.table("use_cases") if r.row is not None}
    findings = sorted(findings_on_moved_rows(report.findings, plan.sheet("use_cases"), moves,
                                             ids), key=sort_key(plan, definition))
    return replace(report, findings=tuple(findings))


def move_rows(pkg: Package, part: str, moves: Mapping[int, int], width: int
              ) -> tuple[str, str] | None:
    """Each row `old` of the worksheet `part` moved to `new` (`moves`, a permutation of
    its rows), columns 1 to `width`, with what hangs on those cells. When a merge or an
    array formula spans several of those rows, nothing is moved: returns why (the
    refusal's key) and its cells."""
    data = pkg.read_whole(part)
    uneven = _uneven(data, moves, width)
    if uneven is not None:
        return uneven
    data = _unshared(data, moves, width)
    data = _moved_cells(data, moves, width)
    data = _moved_tail(data, moves, width)
    drawn = legacy_drawing_id(data)
    pkg.write(part, data)
    for rel in pkg.rels(part):
        target = rel.get("part")
        if target is None or target not in pkg:
            continue
        kind = rel.get("Type")
        if kind in (COMMENTS_TYPE, THREADED_TYPE):
            now = _moved_refs(was := pkg.read(target), moves, width)
        elif kind == VML_TYPE and rel.get("Id") == drawn:
            now = _moved_shapes(was := pkg.read(target), moves, width)
        else:
            continue
        if now != was:
            pkg.write(target, now)
    return None


_ARRAY = re.compile(rb'<(?:\w+:)?f\b[^>]*\bt="array"[^>]*>')


def _uneven(data: bytes, moves: Mapping[int, int], width: int) -> tuple[str, str] | None:
    """A merge or an array formula of the table's columns over several rows, one of which
    moves: ("sort_merged" or "sort_array", its cells), or None."""
    moved = sorted(moves)

    def spans_moved(ref: str) -> bool:
        found = [(column_index_from_string(m.group(1)), int(m.group(2)))
                 for m in _REF.finditer(ref.upper())]
        if len(found) != 2 or found[0][1] == found[1][1]:
            return False
        low, high = sorted(row for _, row in found)
        at = bisect.bisect_left(moved, low)
        return min(c for c, _ in found) <= width and at < len(moved) and moved[at] <= high

    if b"mergeCell" in data:
        for span in tail(data).elements:
            if span.local == "mergeCell" and spans_moved(span.attrs.get("ref", "")):
                return "sort_merged", span.attrs["ref"]
    for match in _ARRAY.finditer(data):
        ref = re.search(rb'\sref="([^"]*)"', match.group())
        if ref is not None and spans_moved(ref.group(1).decode()):
            return "sort_array", ref.group(1).decode()
    return None


# --- cells ---------------------------------------------------------------------------------
# Rows and cells are found by pattern, not parsed: the use-case sheet of a big plan holds a
# few hundred thousand cells, and their tags hold no free text (r, s, t... only).
_SHEET_DATA = re.compile(rb"<((?:\w+:)?)sheetData\b[^>]*?(/?)>")
_ROW_TAG = re.compile(rb"<((?:\w+:)?)row\b[^>]*>")
_R = re.compile(rb'\sr="([^"]*)"')
# In a formula: a text, a quoted sheet name or a bracketed part (left alone), a cell
# reference (not a sheet's name, a function's or a defined name's), a range of rows.
_TOKENS = re.compile(r"""
    "(?:[^"]|"")*" | '(?:[^']|'')*' | \[[^\]]*\]
  | (?<![A-Za-z0-9_.$])(\$?)([A-Z]{1,3})(\$?)([0-9]+)(?![0-9A-Za-z_(.!])
  | (?<![A-Za-z0-9_.$:])(\$?)([0-9]+):(\$?)([0-9]+)(?![0-9A-Za-z_(.!:])
""", re.X)
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384


@dataclass(slots=True)
class _Element:
    """A row or a cell: where its start tag and the element end, and its name as written."""

    start: int
    tag_end: int
    end: int
    name: bytes
    has_r: bool = True


def _rows(data: bytes) -> dict[int, _Element]:
    """The sheet's rows by number (a row without its `r` is the one after the previous)."""
    rows: dict[int, _Element] = {}
    opened = _SHEET_DATA.search(data)
    if opened is None or opened.group(2):
        return rows
    close = data.rindex(b"</" + opened.group(1) + b"sheetData", opened.end())
    at, number = opened.end(), 0
    while (tag := _ROW_TAG.search(data, at, close)) is not None:
        name = tag.group(1) + b"row"
        empty = tag.group().endswith(b"/>")
        end = tag.end() if empty else data.index(b"</" + name + b">", tag.end()) + len(name) + 3
        r = _R.search(tag.group())
        number = int(r.group(1)) if r else number + 1
        rows[number] = _Element(tag.start(), tag.end(), end, name, r is not None)
        at = end
    return rows


def _cells(data: bytes, row: _Element) -> list[tuple[int, _Element]]:
    """A row's cells as (column, cell), in its order (a cell without its `r` is the one
    after the previous): read when the row is moved, so a big sheet is never held as
    cells."""
    found: list[tuple[int, _Element]] = []
    if row.tag_end == row.end:
        return found
    name = row.name[:-3] + b"c"  # the row's prefix
    opening, closing = b"<" + name, b"</" + name + b">"
    column, at = 0, row.tag_end
    while (start := data.find(opening, at, row.end)) >= 0:
        after = data[start + len(opening):start + len(opening) + 1]
        if after not in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
            at = start + len(opening)
            continue
        tag_end = data.index(b">", start) + 1  # a cell's attributes hold no ">"
        end = tag_end if data[tag_end - 2:tag_end] == b"/>" else \
            data.index(closing, tag_end) + len(closing)
        ref = _R.search(data, start, tag_end)
        letters = _REF.fullmatch(ref.group(1).decode()) if ref else None
        column = column_index_from_string(letters.group(1)) if letters else column + 1
        found.append((column, _Element(start, tag_end, end, name, ref is not None)))
        at = end
    return found


def _moved(row: int, column: int, moves: Mapping[int, int], width: int) -> int | None:
    return moves.get(row) if column <= width else None


def _unshared(data: bytes, moves: Mapping[int, int], width: int) -> bytes:
    """Every cell of a shared-formula group that has a cell in a moved row given the group's
    formula as its own, translated to its place (as Excel gives each cell of the group)."""
    if not _SHARED.search(data):
        return data
    rows = sorted((row.start, number, row) for number, row in _rows(data).items())
    starts = [start for start, _, _ in rows]
    in_rows: dict[int, list[tuple[int, _Element]]] = {}
    groups: dict[bytes, list[tuple[re.Match[bytes], int, int]]] = {}
    for match in _FORMULA.finditer(data):
        if not _SHARED.search(match.group(2)):
            continue
        si = re.search(rb'\ssi="([^"]*)"', match.group(2))
        at = bisect.bisect_right(starts, match.start()) - 1
        if si is None or at < 0 or match.start() > rows[at][2].end:
            continue
        _, number, row = rows[at]
        if number not in in_rows:
            in_rows[number] = _cells(data, row)
        column = next((c for c, cell in in_rows[number]
                       if cell.start < match.start() < cell.end), None)
        if column is not None:
            groups.setdefault(si.group(1), []).append((match, number, column))
    edits = []
    for members in groups.values():
        if not any(_moved(row, column, moves, width) for _, row, column in members):
            continue
        master = next((m for m in members if m[0].group(3)), None)
        if master is None:
            continue
        text = html.unescape(master[0].group(3).decode())
        for match, row, column in members:
            own = shifted(text, row - master[1], column - master[2])
            prefix, attrs = match.group(1), _ATTR.sub(b"", match.group(2)).rstrip(b"/ ")
            edits.append((match.start(), match.end(),
                          b"<" + prefix + b"f" + attrs + b">" + escape(own).encode()
                          + b"</" + prefix + b"f>"))
    return splice(data, edits) if edits else data


def shifted(formula: str, rows: int, columns: int = 0) -> str:
    """`formula` as it reads `rows` further down and `columns` further right, as a
    spreadsheet moves a formula it copies or sorts: its relative references moved, its
    absolute ones ($) kept; texts, sheet names and defined names left alone. A reference
    moved off the sheet leaves the formula as it was."""
    if not rows and not columns:
        return formula

    def moved(m: re.Match[str]) -> str:
        if m.group(2) is not None:  # a cell
            column, row = column_index_from_string(m.group(2)), int(m.group(4))
            column += columns if not m.group(1) else 0
            row += rows if not m.group(3) else 0
            if not (1 <= column <= MAX_COLUMN and 1 <= row <= MAX_ROW):
                raise _OffSheet
            return f"{m.group(1)}{get_column_letter(column)}{m.group(3)}{row}"
        if m.group(6) is not None:  # a range of rows
            low = int(m.group(6)) + (rows if not m.group(5) else 0)
            high = int(m.group(8)) + (rows if not m.group(7) else 0)
            if not (1 <= low <= MAX_ROW and 1 <= high <= MAX_ROW):
                raise _OffSheet
            return f"{m.group(5)}{low}:{m.group(7)}{high}"
        return m.group(0)

    try:
        return _TOKENS.sub(moved, formula)
    except _OffSheet:
        return formula


class _OffSheet(Exception):
    pass


def _moved_cells(data: bytes, moves: Mapping[int, int], width: int) -> bytes:
    rows = _rows(data)
    edits = []
    for old, new in moves.items():
        source, target = rows.get(old), rows.get(new)
        if target is None:
            raise ValueError(f"row {new} of the table has no element")
        made = [(column, _moved_cell(data, cell, column, old, new)) for column, cell in
                (_cells(data, source) if source is not None else []) if column <= width]
        made += [(column, _placed(data, cell, column, new))
                 for column, cell in _cells(data, target) if column > width]
        made.sort(key=lambda item: item[0])
        name = (source or target).name
        tag = data[source.start:source.tag_end] if source is not None else b"<" + name + b">"
        tag = _with_r(_SPANS.sub(b"", tag), str(new))
        if tag.endswith(b"/>"):
            tag = tag[:-2].rstrip() + b">"
        edits.append((target.start, target.end,
                      tag + b"".join(cell for _, cell in made) + b"</" + name + b">"))
    return splice(data, edits)


def _with_r(tag: bytes, ref: str) -> bytes:
    """A start tag with its `r` attribute set to `ref`."""
    new, count = _R.subn(b' r="' + ref.encode() + b'"', tag, count=1)
    return new if count else set_attr(tag, "r", ref)


def _placed(data: bytes, cell: _Element, column: int, row: int) -> bytes:
    """A cell that stays, as it was; its reference written out if it had none (the cells
    before it in the row are others now)."""
    if cell.has_r:
        return data[cell.start:cell.end]
    return (_with_r(data[cell.start:cell.tag_end], f"{get_column_letter(column)}{row}")
            + data[cell.tag_end:cell.end])


def _moved_cell(data: bytes, cell: _Element, column: int, old: int, new: int) -> bytes:
    """The cell of row `old` as it reads on row `new`: its reference, and its formula's
    relative rows (and an array formula's range) moved by as much."""
    tag = _with_r(data[cell.start:cell.tag_end], f"{get_column_letter(column)}{new}")
    body = data[cell.tag_end:cell.end]
    if b"f" not in body:
        return tag + body

    def formula(match: re.Match[bytes]) -> bytes:
        text, attrs = match.group(3), match.group(2)
        if not text:
            return match.group(0)
        written = html.unescape(text.decode())
        own = shifted(written, new - old)
        ref = re.search(rb'\sref="([^"]*)"', attrs)
        if ref is not None:
            moved_ref = _shift_ref(ref.group(1).decode(), new - old)
            attrs = attrs[:ref.start(1)] + moved_ref.encode() + attrs[ref.end(1):]
        if attrs == match.group(2) and own == written:
            return match.group(0)
        prefix = match.group(1)
        return (b"<" + prefix + b"f" + attrs + b">" + escape(own).encode() + b"</" + prefix
                + b"f>")

    return tag + _FORMULA.sub(formula, body)


def _shift_ref(ref: str, rows: int) -> str:
    """A range on one row (an array formula's, a merge, a link) moved down by `rows`."""
    return _REF.sub(lambda m: m.group(0)[: m.start(2) - m.start()] + str(int(m.group(2)) + rows),
                    ref)


# --- what hangs on the cells ----------------------------------------------------------------

def _on_row(ref: str, moves: Mapping[int, int], width: int) -> int | None:
    """The row a reference (a cell, or a range on one row of the table's columns) moves
    to, or None."""
    found = [(column_index_from_string(m.group(1)), int(m.group(2)))
             for m in _REF.finditer(ref.upper())]
    if not found or len({row for _, row in found}) != 1:
        return None
    if any(column > width for column, _ in found):
        return None
    return moves.get(found[0][1])


def _moved_tail(data: bytes, moves: Mapping[int, int], width: int) -> bytes:
    """The sheet's links and merges on moved rows, on their new rows."""
    if b"hyperlink" not in data and b"mergeCell" not in data:
        return data
    found = [s for s in tail(data).elements
             if s.depth == 2 and s.local in ("hyperlink", "mergeCell")]
    return _refs_moved(data, found, moves, width)


def _moved_refs(data: bytes, moves: Mapping[int, int], width: int) -> bytes:
    """A comments (or threaded comments) part with the comments on moved cells on their
    new cells."""
    found = [s for s in spans(data, max_depth=2)
             if (s.local, s.depth) in (("comment", 2), ("threadedComment", 1))]
    return _refs_moved(data, found, moves, width)


def _refs_moved(data: bytes, found: list[Span], moves: Mapping[int, int], width: int) -> bytes:
    """`data` with the `ref` of each element in `found` that is on a moved row put on its
    new row."""
    edits = []
    for span in found:
        ref = span.attrs.get("ref", "")
        new = _on_row(ref, moves, width)
        if new is None:
            continue
        old = int(_REF.search(ref.upper()).group(2))  # type: ignore[union-attr]
        edits.append((span.start, span.tag_end,
                      set_attr(data[span.start:span.tag_end], "ref", _shift_ref(ref, new - old))))
    return splice(data, edits) if edits else data


def _moved_shapes(data: bytes, moves: Mapping[int, int], width: int) -> bytes:
    """The legacy drawing's note boxes of moved cells on their new rows: the cell they
    belong to (0-based `Row`) and their anchor's top and bottom rows."""
    def shape(match: re.Match[bytes]) -> bytes:
        text = match.group(0)
        row, column = _VML_ROW.search(text), _VML_COLUMN.search(text)
        if b'ObjectType="Note"' not in text or row is None or column is None:
            return text
        new = _moved(int(row.group(2)) + 1, int(column.group(1)) + 1, moves, width)
        if new is None:
            return text
        by = new - 1 - int(row.group(2))
        text = _VML_ROW.sub(lambda m: m.group(1) + str(new - 1).encode() + m.group(3), text,
                            count=1)

        def anchor(m: re.Match[bytes]) -> bytes:
            values = [v.strip() for v in m.group(2).split(b",")]
            if len(values) != 8 or not all(v.lstrip(b"-").isdigit() for v in values):
                return m.group(0)
            for i in (2, 6):
                values[i] = str(int(values[i]) + by).encode()
            return m.group(1) + b", ".join(values) + m.group(3)

        return _ANCHOR.sub(anchor, text, count=1)

    return _SHAPE.sub(shape, data)
