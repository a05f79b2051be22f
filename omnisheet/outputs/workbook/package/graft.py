"""omnisheet's own tabs (Findings, Dashboard, Contact pressure) grafted into the team's
package: written by xlsxwriter into a scratch workbook as a whole workbook would be, then
each sheet part, its drawing and charts copied in under names of their own, their cell
formats renumbered into the team's styles.xml, placed after the team's tabs."""

from __future__ import annotations

import posixpath
import re
import zipfile
from typing import Any

from .parts import REL_NS, Package, rels_name, resolve
from .styles import Appended
from .xmlspans import children, escape, first, prefix_of, set_attr, spans, splice

OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
WORKSHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
TAB_REL_ID = "omnisheetTab{}"
_C_OR_ROW = re.compile(rb'<(c|row)\b[^>]*?\ss="(\d+)"')
_COL = re.compile(rb'<col\b[^>]*?\sstyle="(\d+)"')
_CF = re.compile(rb'<cfRule\b[^>]*?\sdxfId="(\d+)"')
_SELECTED = re.compile(rb'(<sheetView\b[^>]*?)\stabSelected="1"')
# CT_Workbook's elements after definedNames, in the schema's order.
_AFTER_NAMES = ("calcPr", "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr",
                "smartTagTypes", "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")


def workbook_part(pkg: Package) -> str:
    for rel in pkg.rels(""):
        if rel.get("Type") == OFFICE_DOCUMENT:
            return rel["part"]
    raise ValueError("no workbook in the package")


def sheets(pkg: Package) -> list[tuple[str, str, str]]:
    """The workbook's sheets in tab order: (name, relationship id, part)."""
    book = workbook_part(pkg)
    targets = {rel["Id"]: rel.get("part", "") for rel in pkg.rels(book)}
    found = []
    for span in spans(pkg.read(book), max_depth=2):
        if span.local == "sheet" and span.depth == 2:
            rel_id = next((v for k, v in span.attrs.items() if k.endswith(":id")), "")
            found.append((span.attrs.get("name", ""), rel_id, targets.get(rel_id, "")))
    return found


def _shift(pattern: re.Pattern[bytes], data: bytes, by: int) -> bytes:
    if not by:
        return data

    def sub(m: re.Match[bytes]) -> bytes:
        whole, number = m.group(0), m.group(m.lastindex)
        cut = m.end(m.lastindex) - m.start()
        head = whole[: cut - len(number)]
        return head + str(int(number) + by).encode() + whole[cut:]

    return pattern.sub(sub, data)


def graft(pkg: Package, scratch: Any, styles: Appended,
          transforms: dict[str, Any] | None = None) -> list[str]:
    """Copy every sheet of `scratch` (an xlsxwriter workbook) into `pkg`, after its tabs;
    `transforms` by tab name wrap the restyling of that tab's bytes. Returns the names of
    the tabs added."""
    with zipfile.ZipFile(scratch) as zf:  # all but the sheets, which are streamed
        src = {name: zf.read(name) for name in zf.namelist()
               if not name.startswith("xl/worksheets/sheet")}
    types = _content_types(src["[Content_Types].xml"])
    s_book = "xl/workbook.xml"
    s_targets = {r["Id"]: r for r in _rels(src, s_book)}
    s_book_spans = spans(src[s_book], max_depth=2)
    s_sheets = [(s.attrs["name"], s_targets[next(v for k, v in s.attrs.items()
                                                 if k.endswith(":id"))]["part"])
                for s in s_book_spans if s.local == "sheet"]
    team = sheets(pkg)
    book = workbook_part(pkg)
    added: list[tuple[str, str]] = []
    taken = {rel["Id"] for rel in pkg.rels(book)}  # a tab of a table added by a command
    numbers = (n for n in range(1, len(taken) + len(s_sheets) + 2)
               if TAB_REL_ID.format(n) not in taken)
    for (name, part), n in zip(s_sheets, numbers, strict=False):
        new_part = pkg.free_name("xl/worksheets/omnisheet{}.xml")
        restyle = _restyled(styles)
        wrap = (transforms or {}).get(name)
        pkg.stream(new_part, scratch, part, wrap(restyle) if wrap else restyle)
        pkg.add_override(new_part, types[part])
        _copy_related(pkg, src, types, part, new_part)
        rel_id = TAB_REL_ID.format(n)
        pkg.add_rel(book, rel_id, WORKSHEET_TYPE, new_part)
        added.append((name, rel_id))
    defined = [s for s in s_book_spans if s.local == "definedName"]
    names = []
    for span in defined:
        text = src[s_book][span.start:span.end]
        local = span.attrs.get("localSheetId")
        if local is not None:
            text = set_attr(text[: span.tag_end - span.start], "localSheetId",
                            str(int(local) + len(team))) + text[span.tag_end - span.start:]
        names.append(text)
    pkg.write(book, _add_to_workbook(pkg.read(book), added, names))
    return [name for name, _ in added]


def _restyled(styles: Appended):
    """A scratch sheet's bytes with its cell formats renumbered into the team's styles,
    and not selected (the team's tab stays the one shown)."""

    def transform(data: bytes) -> bytes:
        data = _shift(_C_OR_ROW, data, styles.xf_offset)
        data = _shift(_COL, data, styles.xf_offset)
        data = _shift(_CF, data, styles.dxf_offset)
        return _SELECTED.sub(rb"\1", data)

    return transform


def _rels(src: dict[str, bytes], part: str) -> list[dict[str, str]]:
    data = src.get(rels_name(part))
    if data is None:
        return []
    out = []
    for span in spans(data, max_depth=1):
        if span.local == "Relationship":
            rel = dict(span.attrs)
            rel["part"] = resolve(part, rel["Target"])
            out.append(rel)
    return out


def _content_types(data: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for span in spans(data, max_depth=1):
        if span.local == "Override":
            out[span.attrs["PartName"].lstrip("/")] = span.attrs["ContentType"]
    return out


def _copy_related(pkg: Package, src: dict[str, bytes], types: dict[str, str], part: str,
                  new_part: str) -> None:
    """`part`'s relationships and the parts they reach (drawings, charts), renamed."""
    rels = _rels(src, part)
    if not rels:
        return
    for rel in rels:
        target = rel["part"]
        folder, name = posixpath.split(target)
        extension = posixpath.splitext(name)[1]
        renamed = pkg.free_name(folder + "/omnisheet{}" + extension)
        pkg.write(renamed, src[target])
        if target in types:
            pkg.add_override(renamed, types[target])
        _copy_related(pkg, src, types, target, renamed)
        pkg.add_rel(new_part, rel["Id"], rel["Type"], renamed)


def _add_to_workbook(data: bytes, added: list[tuple[str, str]], names: list[bytes]) -> bytes:
    found = spans(data, max_depth=2)
    root = found[0]
    p = prefix_of(root.name)
    root_tag = data[root.start:root.tag_end]
    declared = re.search(rb'xmlns:([A-Za-z_][\w.-]*)="' + re.escape(REL_NS.encode()) + b'"',
                         root_tag)
    holder = first(found, "sheets", 1)
    if holder is None:
        raise ValueError("workbook without sheets")
    ids = [int(s.attrs.get("sheetId", 0)) for s in children(found, holder)]
    next_id = max(ids, default=0) + 1
    out = []
    for n, (name, rel_id) in enumerate(added):
        rel = (f'{declared.group(1).decode()}:id="{escape(rel_id)}"' if declared
               else f'xmlns:r="{REL_NS}" r:id="{escape(rel_id)}"')
        out.append(f'<{p}sheet name="{escape(name)}" sheetId="{next_id + n}" {rel}/>')
    edits = [(holder_end := data.rindex(b"</", holder.start, holder.end), holder_end,
              "".join(out).encode())]
    if names:
        body = b"".join(_with_prefix(n, p) for n in names)
        defined = first(found, "definedNames", 1)
        if defined is not None and not defined.empty:
            at = data.rindex(b"</", defined.start, defined.end)
            edits.append((at, at, body))
        elif defined is not None:
            edits.append((defined.start, defined.end, f"<{p}definedNames>".encode() + body
                          + f"</{p}definedNames>".encode()))
        else:
            at = next((s.start for s in found if s.depth == 1 and s.local in _AFTER_NAMES),
                      data.rindex(b"</", root.start, root.end))
            edits.append((at, at, f"<{p}definedNames>".encode() + body
                          + f"</{p}definedNames>".encode()))
    return splice(data, edits)


def _with_prefix(xml: bytes, prefix: str) -> bytes:
    if not prefix:
        return xml
    return re.sub(rb"<(/?)definedName\b", lambda m: b"<" + m.group(1) + prefix.encode()
                  + b"definedName", xml)
