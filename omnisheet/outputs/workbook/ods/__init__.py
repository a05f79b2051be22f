"""The checked workbook of an .ods plan as the team's own .ods: every part copied byte for
byte but three. content.xml gets notes on the cells at fault, highlights (LibreOffice
conditional formats whose condition is always true), omnisheet's tables after the
team's, and slots on the maps whose lists outgrew them (slots.py); styles.xml the two highlight cell styles (LibreOffice applies a conditional
format's style only when it is a named style there); meta.xml the record of the
additions, so the next check takes them out first. See `write_checked`."""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ....plan.model import ERROR, INFO, WARNING, Plan, column_letter
from ....template.definition import Definition
from ....template.severity import RANK
from ...atomic import atomic_output
from ..marks import CHECKED, OUTPUT_PROPERTY, SOURCE_PROPERTY
from ..outgrown import Outgrown, outgrown_maps
from ..package.xmlspans import escape, spans, splice
from .content import PREFIX, Changes, patch, sheet_ref
from .slots import grow, tables_patched

if TYPE_CHECKING:
    from ....analysis.report import Report

__all__ = ["patchable", "write_checked", "read_properties"]

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ADDITIONS_PROPERTY = "omnisheet-additions"
OURS = (OUTPUT_PROPERTY, SOURCE_PROPERTY, ADDITIONS_PROPERTY)
HIGHLIGHTS = {ERROR: PREFIX + "error", WARNING: PREFIX + "warning"}
HIGHLIGHT_BORDERS = {ERROR: "#C00000", WARNING: "#E69138"}
CHUNK = 200  # cells per conditional format, as in the .xlsx
_PIECE = 1 << 20
_TABLE_NAME = re.compile(rb'<table:table\b[^>]*?\stable:name="([^"]*)"')


def is_ods(path: Path) -> bool:
    """An OpenDocument spreadsheet by its content, whatever its name."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "content.xml" not in names:
                return False
            if "mimetype" in names:
                return archive.read("mimetype").strip() == MIMETYPE
            return "META-INF/manifest.xml" in names
    except (OSError, zipfile.BadZipFile, KeyError):
        return False


def patchable(plan: Plan, path: Path) -> bool:
    """The plan was read from an .ods and the output is named .ods."""
    source = Path(plan.source) if plan.source else None
    if source is None or not source.is_file() or path.suffix.lower() != ".ods":
        return False
    return is_ods(source)


def read_properties(meta: bytes) -> dict[str, str]:
    """meta.xml's user-defined properties."""
    found = spans(meta)
    return {s.attrs.get("meta:name", ""): s.text for s in found if s.local == "user-defined"}


def write_checked(plan: Plan, report: Report, path: Path, *, definition: Definition,
                  lang: str, overwrite: bool = True, read: Plan | None = None) -> Path:
    """The team's .ods `plan.source`, checked, written to `path` atomically. With `read`
    (the plan as read from it), what a command measured into `plan` is written into the
    team's tables (records.py)."""
    from ..checked import cells_at_fault, note_texts
    from ..context import Context

    source = Path(plan.source or "")
    with zipfile.ZipFile(source) as src:
        names = src.namelist()
        meta = src.read("meta.xml") if "meta.xml" in names else None
        props = read_properties(meta) if meta else {}
        record = _record(props.get(ADDITIONS_PROPERTY))
        dropped = set(record.get("tabs") or ())
        team = [n for n in _table_names(src) if n not in dropped]
        same = report.plan is plan
        ctx = Context(None, definition, plan, lang, report.priorities if same else None,
                      report.evidence if same else None)
        patches, reach = _measured(read, ctx, team, path) if read is not None else ({}, {})
        at_fault = cells_at_fault(ctx, report)
        notes: dict[str, dict[tuple[int, int], str]] = defaultdict(dict)
        for (sheet, row, column), text in note_texts(ctx, report, at_fault).items():
            notes[sheet][(row - 1, column - 1)] = text
        with (atomic_output(path, overwrite=overwrite) as tmp,
              tempfile.TemporaryDirectory(prefix="omnisheet-") as scratch_dir):
            added, styles_xml, tables = _tables(ctx, report, at_fault, team, Path(scratch_dir))
            changes = Changes(drop_tables=dropped, highlight_styles=set(HIGHLIGHTS.values()),
                              notes=dict(notes), formats=_highlights(at_fault),
                              styles=styles_xml, tables=tables)
            values = {OUTPUT_PROPERTY: CHECKED}
            named = props.get(SOURCE_PROPERTY) or source.name
            if named:
                values[SOURCE_PROPERTY] = named
            values[ADDITIONS_PROPERTY] = json.dumps({"v": 1, "tabs": added},
                                                    ensure_ascii=False, sort_keys=True,
                                                    separators=(",", ":"))
            maps = {m.sheet: m for m in outgrown_maps(plan, definition) if m.sheet in team}
            _write(src, tmp, changes, definition, values, maps, patches, reach)
    return path


def _measured(read: Plan, ctx: Any, team: list[str], path: Path
              ) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    """Table patches writing what a command measured, and the tables given rows under
    their last one (their last row before and now), which their filters reach; a table the
    .ods lacks is refused in one line (an .xlsx output adds it)."""
    from ..package.records import changed_cells
    from .records import patch_for

    cells, missing = changed_cells(read, ctx, set(team))
    if missing:
        from ....template.errors import OutputError

        raise OutputError(path, "measured_tab_missing_ods", tab=ctx.definition.tab(
            missing[0]).labels[ctx.lang])
    from ..package.records import bottoms

    patches: dict[str, Any] = {ctx.plan.sheet(key): patch_for(puts)
                               for key, puts in cells.items()}
    reach = {ctx.plan.sheet(key): bottoms(read, ctx.plan, key) for key in cells}
    return patches, {sheet: rows for sheet, rows in reach.items() if rows[1] > rows[0]}


def _record(raw: str | None) -> dict[str, Any]:
    try:
        record = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def _table_names(src: zipfile.ZipFile) -> list[str]:
    import html

    found, tail = [], b""
    with src.open("content.xml") as content:
        while piece := content.read(_PIECE):
            data = tail + piece
            cut = data.rfind(b"<")
            complete, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            found += [html.unescape(m.decode("utf-8", "replace"))
                      for m in _TABLE_NAME.findall(complete)]
    found += [html.unescape(m.decode("utf-8", "replace")) for m in _TABLE_NAME.findall(tail)]
    return found


def _highlights(at_fault: dict[tuple[str, int, int], str]) -> dict[str, bytes]:
    """Per table, the conditional formats that highlight its errors and warnings."""
    cells: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for (sheet, row, column), severity in at_fault.items():
        if severity != INFO:
            cells[sheet][severity].append(f"{sheet_ref(sheet)}.{column_letter(column)}{row}")
    out = {}
    for sheet, by_severity in cells.items():
        formats = []
        for severity in sorted(by_severity, key=RANK.__getitem__):
            refs = by_severity[severity]
            for i in range(0, len(refs), CHUNK):
                chunk = refs[i:i + CHUNK]
                formats.append(
                    f'<calcext:conditional-format calcext:target-range-address='
                    f'"{escape(" ".join(chunk))}"><calcext:condition calcext:apply-style-name='
                    f'"{HIGHLIGHTS[severity]}" calcext:value="formula-is(TRUE())" '
                    f'calcext:base-cell-address="{escape(chunk[0])}"/>'
                    "</calcext:conditional-format>")
        out[sheet] = "".join(formats).encode()
    return out


def _tables(ctx: Any, report: Report, at_fault: dict, team: list[str], scratch_dir: Path
            ) -> tuple[list[str], bytes, Any]:
    """omnisheet's tabs: (their names, the automatic styles they use, a function giving
    their XML in pieces)."""
    import openpyxl

    from ..package import _write_tabs
    from .tables import FindingRows, Styles, sheet_table

    scratch = io.BytesIO()
    formats: dict[str, Any] = {}
    _write_tabs(ctx, report, at_fault, scratch, scratch_dir, team, formats)
    scratch.seek(0)
    book = openpyxl.load_workbook(scratch)
    styles = Styles()
    findings = FindingRows(ctx, report, styles)
    made: list[list[str]] = []
    for sheet in book.worksheets:
        made.append(list(sheet_table(styles, sheet, sheet.title)))
    names = list(book.sheetnames)
    findings_at = names.index(formats["name"])
    styles_xml = "".join(styles.xml).encode()

    def pieces() -> Iterator[bytes]:
        for n, table in enumerate(made):
            if n == findings_at and report.findings:
                head, end = table[:-1], table[-1]
                yield "".join(head).encode()
                for rows in findings.rows():
                    yield rows.encode()
                yield end.encode()
            else:
                yield "".join(table).encode()

    return names, styles_xml, pieces


def _write(src: zipfile.ZipFile, target: Path, changes: Changes, definition: Definition,
           values: dict[str, str], maps: dict[str, Outgrown],
           patches: dict[str, Any] | None = None,
           reach: dict[str, tuple[int, int]] | None = None) -> None:
    infos = src.infolist()
    first = sorted(infos, key=lambda i: i.filename != "mimetype")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in first:
            name = info.filename
            copy = zipfile.ZipInfo(name, info.date_time)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            if name == "content.xml":
                with src.open(info) as content, out.open(copy, "w", force_zip64=True) as dst:
                    pieces: Iterable[bytes] = iter(lambda: content.read(_PIECE), b"")
                    if maps:  # the maps' new slots, before the notes and highlights
                        pieces = grow(pieces, maps, changes.highlight_styles)
                    if patches:  # what a command measured, into the team's tables
                        pieces = tables_patched(pieces, patches)
                        if reach:
                            from .records import filters_longer

                            pieces = filters_longer(pieces, reach)
                    for piece in patch(pieces, changes):
                        dst.write(piece)
            elif name == "styles.xml":
                out.writestr(copy, _highlight_styles(src.read(info), definition))
            elif name == "meta.xml":
                out.writestr(copy, _meta(src.read(info), values))
            else:
                out.writestr(copy, src.read(info))
        if "meta.xml" not in src.namelist():
            out.writestr("meta.xml", _meta(
                b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta xmlns:office='
                b'"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:'
                b'names:tc:opendocument:xmlns:meta:1.0" office:version="1.2"><office:meta/>'
                b"</office:document-meta>", values))


def _highlight_styles(data: bytes, definition: Definition) -> bytes:
    """styles.xml with omnisheet's two highlight styles (a previous check's taken out)."""
    from ..checked import SEVERITY_COLOURS

    found = spans(data, max_depth=2)
    edits = [(s.start, s.end, b"") for s in found if s.depth == 2
             and s.attrs.get("style:name") in HIGHLIGHTS.values()]
    holder = next((s for s in found if s.depth == 1 and s.local == "styles"), None)
    colours = definition.colours
    body = "".join(
        f'<style:style style:name="{HIGHLIGHTS[s]}" style:family="table-cell">'
        f'<style:table-cell-properties fo:background-color="{colours[SEVERITY_COLOURS[s]]}" '
        f'fo:border="1.5pt solid {HIGHLIGHT_BORDERS[s]}"/></style:style>'
        for s in (ERROR, WARNING)).encode()
    if holder is None:  # before the automatic and master styles, as the schema orders them
        root = found[0]
        at = next((s.start for s in found if s.depth == 1 and s.local in (
            "automatic-styles", "master-styles")), data.rindex(b"</", root.start, root.end))
        edits.append((at, at, b"<office:styles>" + body + b"</office:styles>"))
    elif holder.empty:
        edits.append((holder.start, holder.end, b"<office:styles>" + body
                      + b"</office:styles>"))
    else:
        at = data.rindex(b"</", holder.start, holder.end)
        edits.append((at, at, body))
    return splice(data, edits)


def _meta(data: bytes, values: dict[str, str]) -> bytes:
    """meta.xml with omnisheet's properties (a previous check's taken out)."""
    found = spans(data, max_depth=2)
    edits = [(s.start, s.end, b"") for s in found if s.depth == 2
             and s.local == "user-defined" and s.attrs.get("meta:name") in OURS]
    body = "".join(f'<meta:user-defined meta:name="{escape(k)}">{escape(v)}'
                   "</meta:user-defined>" for k, v in values.items()).encode()
    holder = next((s for s in found if s.depth == 1 and s.local == "meta"), None)
    if holder is None:
        root = found[0]
        at = data.rindex(b"</", root.start, root.end)
        edits.append((at, at, b"<office:meta>" + body + b"</office:meta>"))
    elif holder.empty:
        edits.append((holder.start, holder.end, b"<office:meta>" + body + b"</office:meta>"))
    else:
        at = data.rindex(b"</", holder.start, holder.end)
        edits.append((at, at, body))
    return splice(data, edits)
