"""content.xml of the team's .ods, patched as it streams from the input zip to the output:
every byte omnisheet has no reason to touch is copied as it was; a previous check's
additions are cut out (its tables, annotations' « omnisheet: » paragraphs, highlight
formats, automatic styles), then this check's are put in (notes on the cells at fault,
highlights as LibreOffice's conditional formats, styles, omnisheet's tables after the
team's). A plan's content.xml runs to hundreds of megabytes: it is never held whole, only
the row being noted."""

from __future__ import annotations

import bisect
import re
import xml.parsers.expat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..package.xmlspans import UnsafeXML, escape, set_attr, spans, tag_end

PREFIX = "omnisheet-"  # the names of every style omnisheet adds
MARKER = "omnisheet:"
BOLD = PREFIX + "note-marker"
NAMESPACES = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
}
_CELLS = ("table:table-cell", "table:covered-table-cell")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Changes:
    """What to cut and what to add. Rows and columns are 0-based."""

    drop_tables: set[str] = field(default_factory=set)
    highlight_styles: set[str] = field(default_factory=set)  # cell styles in styles.xml
    notes: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    formats: dict[str, bytes] = field(default_factory=dict)  # conditional formats by table
    styles: bytes = b""  # automatic styles to add
    tables: Callable[[], Iterable[bytes]] | None = None  # omnisheet's tables


def paragraphs(text: str) -> str:
    """Text as ODF paragraphs, a line each (runs of spaces kept)."""
    out = []
    for line in _CONTROL.sub("", text).split("\n"):
        body = escape(line)
        body = re.sub(r"  +", lambda m: " " + f'<text:s text:c="{len(m.group(0)) - 1}"/>', body)
        out.append(f"<text:p>{body}</text:p>")
    return "".join(out)


def marker() -> str:
    return f'<text:p><text:span text:style-name="{BOLD}">{MARKER}</text:span></text:p>'


def annotation(text: str) -> bytes:
    return (f"<office:annotation><dc:creator>omnisheet</dc:creator>{marker()}"
            f"{paragraphs(text)}</office:annotation>").encode()


def sheet_ref(name: str) -> str:
    """A table's name as an ODF cell address writes it."""
    if re.fullmatch(r"[^\W\d]\w*", name) and not re.fullmatch(r"[A-Za-z]{1,3}\d+", name):
        return name  # (a name that reads as a cell, "AB12", is quoted)
    return "'" + name.replace("'", "''") + "'"


@dataclass(slots=True)
class _Open:
    name: str
    start: int
    attrs: dict[str, str]
    depth: int
    empty: bool = False
    content: bool = False  # a child or text seen


_TAG_END = re.compile(rb"""(?:[^>"']|"[^"]*"|'[^']*')*>""")


def _tag_end(data: bytes | bytearray, start: int) -> int:
    match = _TAG_END.match(data, start)
    if match is None:
        raise ValueError("unterminated tag")
    return match.end()


def _refuse(*_args: object) -> None:
    raise UnsafeXML("DTD or entity declaration in content.xml")


def patch(pieces: Iterable[bytes], changes: Changes) -> Iterator[bytes]:
    """content.xml's bytes, patched; `pieces` are the input's bytes in order."""
    yield from _Patcher(changes).run(pieces)


class _Patcher:
    def __init__(self, changes: Changes) -> None:
        self.c = changes
        self.noted = {table: sorted({r for r, _ in notes})
                      for table, notes in changes.notes.items()}
        self.buf = bytearray()
        self.base = 0  # absolute offset of buf[0]
        self.edits: list[tuple[int, int, int, bytes]] = []  # start, end, order, bytes
        self.seq = 0
        self.tail_hold: int | None = None  # after the last row of a table noted past it
        self.stack: list[_Open] = []
        self.holds: list[int] = []  # starts of the elements whose bytes may still change
        self.styles_done = False
        self.tables_done = False
        self.seen_table = False
        self.skip_depth: int | None = None  # inside a dropped table or style
        self.table: str | None = None
        self.table_depth = 0
        self.row = 0
        self.row_open: _Open | None = None
        self.row_held = False
        self.note: dict | None = None  # the annotation being read
        self.cf: dict | None = None  # the conditional formats container being read
        self.cf_done = False

    # --- bytes -------------------------------------------------------------------------
    def _bytes(self, start: int, end: int) -> bytes:
        return bytes(self.buf[start - self.base:end - self.base])

    def _end_of(self, item: _Open, at: int) -> int:
        """Just past the element's end; `at` is where expat reports its end."""
        if not item.content and self.buf[at - self.base - 2:at - self.base] == b"/>":
            item.empty = True  # <x/>: reported at the end of the tag
            return at
        return self.buf.index(b">", at - self.base) + 1 + self.base

    def _flush(self, limit: int) -> Iterator[bytes]:
        """Emit up to `limit` (absolute), applying the edits that end before it."""
        if self.holds:
            limit = min(limit, self.holds[0])
        at = self.base
        out = []
        while self.edits and self.edits[0][1] <= limit:
            start, end, _, new = self.edits.pop(0)
            out.append(bytes(self.buf[at - self.base:start - self.base]))
            out.append(new)
            at = end
        if self.edits:
            limit = min(limit, self.edits[0][0])
        if limit > at:
            out.append(bytes(self.buf[at - self.base:limit - self.base]))
            at = limit
        del self.buf[:at - self.base]
        self.base = at
        data = b"".join(out)
        if data:
            yield data

    def _edit(self, start: int, end: int, new: bytes) -> None:
        self.seq += 1
        bisect.insort(self.edits, (start, end, self.seq, new))

    def _inner_edits(self, start: int) -> list[tuple[int, int, int, bytes]]:
        inner = [e for e in self.edits if e[0] >= start]
        self.edits = [e for e in self.edits if e[0] < start]
        return inner

    def _spliced(self, start: int, end: int) -> bytes:
        """The element's bytes with the edits made inside it so far."""
        inner = self._inner_edits(start)
        data = self._bytes(start, end)
        for s, e, _, new in sorted(inner, reverse=True):
            data = data[:s - start] + new + data[e - start:]
        return data

    # --- the run ------------------------------------------------------------------------
    def run(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        parser = xml.parsers.expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _refuse
        parser.EntityDeclHandler = _refuse
        parser.UnparsedEntityDeclHandler = _refuse
        self.parser = parser
        parser.StartElementHandler = self._on_start
        parser.EndElementHandler = self._on_end
        parser.CharacterDataHandler = self._on_text
        self.last = 0
        for piece in pieces:
            self.buf += piece
            parser.Parse(piece, False)
            yield from self._flush(self.last)
        parser.Parse(b"", True)
        yield from self._flush(self.base + len(self.buf))

    def _on_text(self, text: str) -> None:
        if self.stack:
            self.stack[-1].content = True
        if self.note is not None and self.note.get("para") is not None:
            self.note["para"][2] += text

    def _on_start(self, name: str, attrs: dict[str, str]) -> None:
        at = self.parser.CurrentByteIndex
        self.last = at
        stack = self.stack
        if stack:
            stack[-1].content = True
        item = _Open(name, at, attrs, len(stack))
        stack.append(item)
        if self.skip_depth is None:
            self._start(item)

    def _on_end(self, _name: str) -> None:
        at = self.parser.CurrentByteIndex
        item = self.stack.pop()
        end = self._end_of(item, at)
        self.last = end
        if self.skip_depth is not None:
            if item.depth == self.skip_depth:
                self.skip_depth = None
                self.holds.remove(item.start)
                self._edit(item.start, end, b"")
            return
        self._close(item, at if not item.empty else end, end)

    def _hold(self, item: _Open) -> None:
        self.holds.append(item.start)
        self.holds.sort()

    def _release(self, item: _Open) -> None:
        self.holds.remove(item.start)

    def _start(self, item: _Open) -> None:
        name, depth = item.name, item.depth
        if depth == 0:
            self._declare(item)
        elif depth == 1 and name == "office:body" and not self.styles_done:
            self._edit(item.start, item.start, b"<office:automatic-styles>" + self._styles()
                       + b"</office:automatic-styles>")
            self.styles_done = True
        elif depth == 2 and self.stack[1].name == "office:automatic-styles" and \
                item.attrs.get("style:name", "").startswith(PREFIX):
            self._skip(item)
        elif depth == 3 and self.stack[2].name == "office:spreadsheet":
            if name == "table:table":
                self.seen_table = True
                if item.attrs.get("table:name") in self.c.drop_tables:
                    self._skip(item)
                    return
                self.table, self.table_depth, self.row, self.cf_done = (
                    item.attrs.get("table:name"), depth, 0, False)
            elif self.seen_table:  # what follows the tables: named ranges, filters
                self._add_tables(item.start)
        elif self.table is not None:
            self._in_table(item)

    def _skip(self, item: _Open) -> None:
        self.skip_depth = item.depth
        self._hold(item)

    def _in_table(self, item: _Open) -> None:
        name = item.name
        if name == "table:table":  # a table inside a cell: not the sheet's rows
            self.table_depth += 100
        elif name == "table:table-row" and self.table_depth < 100 and self.row_open is None:
            self.row_open = item
            self.row_held = self._noted_rows(item)
            if self.row_held:
                self._hold(item)
        elif name == "office:annotation" and self.note is None:
            self.note = {"item": item, "paras": [], "para": None}
            self._hold(item)
        elif self.note is not None and name == "text:p" and \
                item.depth == self.note["item"].depth + 1:
            self.note["para"] = [item.start, 0, ""]
        elif name == "calcext:conditional-formats" and self.cf is None:
            self.cf = {"item": item, "kept": 0, "ours": 0, "format": None}
            self._hold(item)
        elif name == "calcext:conditional-format" and self.cf is not None:
            self.cf["format"] = {"item": item, "styles": []}
        elif name == "calcext:condition" and self.cf is not None and self.cf["format"]:
            self.cf["format"]["styles"].append(item.attrs.get("calcext:apply-style-name", ""))

    def _close(self, item: _Open, at: int, end: int) -> None:
        name, depth = item.name, item.depth
        if depth == 1 and name == "office:automatic-styles":
            if item.empty:
                self._edit(item.start, end, b"<office:automatic-styles>" + self._styles()
                           + b"</office:automatic-styles>")
            else:
                self._edit(at, at, self._styles())
            self.styles_done = True
        elif depth == 2 and name == "office:spreadsheet":
            self._add_tables(at)
        elif self.table is None:
            return
        elif name == "table:table" and depth == self.table_depth:
            if self.tail_hold is not None:
                self._edit(self.tail_hold, self.tail_hold, self._rows_past())
                self.holds.remove(self.tail_hold)
                self.tail_hold = None
            formats = self.c.formats.get(self.table or "")
            if formats and not self.cf_done:
                self._edit(at, at, b"<calcext:conditional-formats>" + formats
                           + b"</calcext:conditional-formats>")
            self.table = None
        elif name == "table:table":
            self.table_depth -= 100
        elif name == "table:table-row" and item is self.row_open:
            self.row_open = None
            repeat = _int(item.attrs.get("table:number-rows-repeated"))
            if self.row_held:
                self.row_held = False
                self._release(item)
                data = self._spliced(item.start, end)
                self._edit(item.start, end, self._noted_row(data, repeat))
            self.row += repeat
            rows = self.noted.get(self.table or "")
            if self.tail_hold is not None:
                self.holds.remove(self.tail_hold)
                self.tail_hold = None
            if rows and rows[-1] >= self.row:  # the table may end before a noted row
                self.tail_hold = end
                self.holds.append(end)
                self.holds.sort()
        elif name == "text:p" and self.note is not None and self.note["para"] is not None \
                and depth == self.note["item"].depth + 1:
            self.note["para"][1] = end
            self.note["paras"].append(self.note.pop("para"))
            self.note["para"] = None
        elif name == "office:annotation" and self.note is not None and \
                item is self.note["item"]:
            self._release(item)
            paras = self.note["paras"]
            self.note = None
            cut = next((i for i, p in enumerate(paras) if p[2].strip() == MARKER), None)
            if cut == 0:
                self._edit(item.start, end, b"")
            elif cut is not None:
                self._edit(paras[cut][0], at, b"")
        elif name == "calcext:conditional-format" and self.cf is not None and \
                self.cf["format"] and item is self.cf["format"]["item"]:
            styles = self.cf["format"]["styles"]
            self.cf["format"] = None
            if styles and all(s in self.c.highlight_styles for s in styles):
                self.cf["ours"] += 1
                self._edit(item.start, end, b"")
            else:
                self.cf["kept"] += 1
        elif name == "calcext:conditional-formats" and self.cf is not None and \
                item is self.cf["item"]:
            self._release(item)
            cf, self.cf = self.cf, None
            formats = self.c.formats.get(self.table or "", b"")
            self.cf_done = True
            if cf["kept"] == 0 and cf["ours"]:
                self._inner_edits(item.start)
                self._edit(item.start, end, b"<calcext:conditional-formats>" + formats
                           + b"</calcext:conditional-formats>" if formats else b"")
            elif formats:
                if item.empty:
                    self._edit(item.start, end, b"<calcext:conditional-formats>" + formats
                               + b"</calcext:conditional-formats>")
                else:
                    self._edit(at, at, formats)

    # --- additions ----------------------------------------------------------------------
    def _declare(self, root: _Open) -> None:
        """Namespaces the additions use, declared on the root when the team's file lacks
        them (LibreOffice declares them all)."""
        missing = [f' xmlns:{p}="{uri}"' for p, uri in NAMESPACES.items()
                   if f"xmlns:{p}" not in root.attrs]
        if missing:
            end = _tag_end(self.buf, root.start - self.base) + self.base
            close = 2 if self.buf[end - self.base - 2:end - self.base] == b"/>" else 1
            self._edit(end - close, end - close, "".join(missing).encode())

    def _styles(self) -> bytes:
        return (f'<style:style style:name="{BOLD}" style:family="text">'
                '<style:text-properties fo:font-weight="bold"/></style:style>').encode() \
            + self.c.styles

    def _add_tables(self, at: int) -> None:
        if self.tables_done:
            return
        self.tables_done = True
        if self.c.tables is not None:
            self._edit(at, at, b"".join(self.c.tables()))

    def _noted_rows(self, row: _Open) -> bool:
        rows = self.noted.get(self.table or "")
        if not rows:
            return False
        repeat = _int(row.attrs.get("table:number-rows-repeated"))
        at = bisect.bisect_left(rows, self.row)
        return at < len(rows) and rows[at] < self.row + repeat

    def _rows_past(self) -> bytes:
        """Rows for the notes past the table's last row (a file written by a program that
        stops the table at its last value)."""
        notes = self.c.notes[self.table or ""]
        out, at = [], self.row
        for r in sorted({r for r, _ in notes if r >= self.row}):
            if r > at:
                repeat = f' table:number-rows-repeated="{r - at}"' if r - at > 1 else ""
                out.append(f"<table:table-row{repeat}><table:table-cell/></table:table-row>"
                           .encode())
            out.append(self._noted_cells(b"<table:table-row></table:table-row>",
                                         {c: t for (rr, c), t in notes.items() if rr == r}))
            at = r + 1
        return b"".join(out)

    def _noted_row(self, data: bytes, repeat: int) -> bytes:
        """A row (repeated `repeat` times) with its notes: split around the noted rows."""
        notes = self.c.notes[self.table or ""]
        first = self.row
        wanted = sorted({r for r, _ in notes if first <= r < first + repeat})
        out, at = [], first
        for r in wanted:
            if r > at:
                out.append(_repeated(data, "table:number-rows-repeated", r - at))
            out.append(self._noted_cells(_repeated(data, "table:number-rows-repeated", 1),
                                         {c: t for (rr, c), t in notes.items() if rr == r}))
            at = r + 1
        if first + repeat > at:
            out.append(_repeated(data, "table:number-rows-repeated", first + repeat - at))
        return b"".join(out)

    def _noted_cells(self, row: bytes, notes: dict[int, str]) -> bytes:
        found = spans(row, max_depth=1)
        cells = [s for s in found if s.depth == 1 and s.name in _CELLS]
        edits, column = [], 0
        for cell in cells:
            repeat = _int(cell.attrs.get("table:number-columns-repeated"))
            wanted = sorted(c for c in notes if column <= c < column + repeat)
            if wanted:
                data = row[cell.start:cell.end]
                out, at = [], column
                for c in wanted:
                    if c > at:
                        out.append(_repeated(data, "table:number-columns-repeated", c - at))
                    out.append(_noted(_repeated(data, "table:number-columns-repeated", 1),
                                      notes[c]))
                    at = c + 1
                if column + repeat > at:
                    out.append(_repeated(data, "table:number-columns-repeated",
                                         column + repeat - at))
                edits.append((cell.start, cell.end, b"".join(out)))
            column += repeat
        beyond = sorted(c for c in notes if c >= column)  # past the row's last cell
        if beyond:
            at = row.rindex(b"</") if not row.rstrip().endswith(b"/>") else None
            added = []
            for c in beyond:
                if c > column:
                    added.append(f'<table:table-cell table:number-columns-repeated='
                                 f'"{c - column}"/>'.encode() if c - column > 1
                                 else b"<table:table-cell/>")
                added.append(b"<table:table-cell>" + annotation(notes[c])
                             + b"</table:table-cell>")
                column = c + 1
            if at is None:
                head = row.rstrip()[:-2]
                name = re.match(rb"<([\w:.-]+)", row).group(1)  # type: ignore[union-attr]
                return head + b">" + b"".join(added) + b"</" + name + b">"
            edits.append((at, at, b"".join(added)))
        for start, end, new in sorted(edits, reverse=True):
            row = row[:start] + new + row[end:]
        return row


def _int(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _repeated(element: bytes, attr: str, count: int) -> bytes:
    """An element's bytes with its repeat count set to `count` (1: the attribute out)."""
    end = tag_end(element, 0)
    tag = element[:end]
    if count == 1:
        tag = re.sub(rb"\s" + re.escape(attr.encode()) + rb'="[^"]*"', b"", tag)
    else:
        tag = set_attr(tag, attr, str(count))
    return tag + element[end:]


def _noted(cell: bytes, text: str) -> bytes:
    """A cell with omnisheet's note: added to the team's annotation after a « omnisheet: »
    line, or an annotation of its own before the cell's text."""
    end = tag_end(cell, 0)
    if cell[end - 2:end] == b"/>":
        name = re.match(rb"<([\w:.-]+)", cell).group(1)  # type: ignore[union-attr]
        return cell[:end - 2].rstrip() + b">" + annotation(text) + b"</" + name + b">"
    found = spans(cell, max_depth=1)
    theirs = next((s for s in found if s.depth == 1 and s.name == "office:annotation"), None)
    if theirs is None:
        return cell[:end] + annotation(text) + cell[end:]
    if theirs.empty:
        body = (marker() + paragraphs(text)).encode()
        return (cell[:theirs.start] + cell[theirs.start:theirs.end - 2].rstrip() + b">" + body
                + b"</office:annotation>" + cell[theirs.end:])
    at = cell.rindex(b"</", theirs.start, theirs.end)
    return cell[:at] + (marker() + paragraphs(text)).encode() + cell[at:]
