"""The record of what a check added to the team's package, kept in the workbook's custom
document properties (Excel and LibreOffice keep them when the team saves), and the undoing
of it: checking a checked workbook starts from the team's own file again, so a fixed
finding leaves no highlight, no note and no stale tab."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..marks import OUTPUT_PROPERTY, SOURCE_PROPERTY
from . import styles as style_lists
from .comments import remove_notes
from .graft import sheets, workbook_part
from .parts import Package
from .sheet import remove_highlights
from .xmlspans import children, escape, first, prefix_of, set_attr, spans, splice

ADDITIONS_PROPERTY = "omnisheet-additions"
CUSTOM_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_CONTENT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_PART = "docProps/custom.xml"
CUSTOM_REL_ID = "omnisheetProperties"
STYLES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_OURS = (OUTPUT_PROPERTY, SOURCE_PROPERTY, ADDITIONS_PROPERTY)


def custom_part(pkg: Package) -> str | None:
    for rel in pkg.rels(""):
        if rel.get("Type") == CUSTOM_TYPE and rel.get("part") in pkg:
            return rel["part"]
    return None


STYLES_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
#: The styles a package without any has implicitly (one font, the two fills every styles
#: part starts with, one border, the Normal format), written so ours can follow them.
BARE_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns='
    b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font>'
    b'<sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill '
    b'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    b'</cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    b'xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
    b'builtinId="0"/></cellStyles></styleSheet>')


def styles_part(pkg: Package) -> str:
    """The workbook's styles part; a package written without one (some generators do) gets
    the bare styles it implied, so highlights and our tabs have somewhere to go."""
    book = workbook_part(pkg)
    for rel in pkg.rels(book):
        if rel.get("Type") == STYLES_TYPE and rel.get("part") in pkg:
            return rel["part"]
    part = pkg.free_name("xl/styles{}.xml").replace("styles1.xml", "styles.xml")
    if part in pkg:
        part = pkg.free_name("xl/omnisheet-styles{}.xml")
    pkg.write(part, BARE_STYLES)
    pkg.add_override(part, STYLES_CONTENT)
    pkg.add_rel(book, "omnisheetStyles", STYLES_TYPE, part)
    return part


def properties(pkg: Package) -> dict[str, str]:
    part = custom_part(pkg)
    if part is None:
        return {}
    found = spans(pkg.read(part))
    out = {}
    for prop in (s for s in found if s.depth == 1):
        values = [s for s in found if s.depth == 2 and prop.start < s.start < prop.end]
        out[prop.attrs.get("name", "")] = values[0].text if values else ""
    return out


def read_record(pkg: Package) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """(what the previous check added, when this is a workbook omnisheet checked; the
    custom properties)."""
    props = properties(pkg)
    raw = props.get(ADDITIONS_PROPERTY)
    if not raw:
        return None, props
    try:
        record = json.loads(raw)
    except ValueError:
        return None, props
    return (record if isinstance(record, dict) else None), props


def undo(pkg: Package, record: dict[str, Any]) -> None:
    """Take out every addition `record` lists: the tabs, the highlights and notes on the
    team's sheets, the styles appended, and the record itself."""
    tabs = set(record.get("tabs") or ())
    if tabs:
        remove_tabs(pkg, tabs)
    style_record = record.get("styles") or {}
    dxfs = style_record.get("dxfs")
    ours = set(range(dxfs[0], dxfs[1])) if dxfs else None
    parts = {name: part for name, _, part in sheets(pkg)}
    for name in record.get("sheets") or ():
        part = parts.get(name)
        if part is None or part not in pkg:
            continue
        remove_notes(pkg, part)
        data = pkg.read_sheet(part)
        cleared = remove_highlights(data, ours)
        if cleared is not data:
            pkg.write_sheet(part, cleared)
    if style_record:
        part = styles_part(pkg)
        pkg.write(part, style_lists.remove(pkg.read(part), style_record))
    if record.get("vml_default"):  # the team's package did without it
        pkg.remove_types(set(), {"vml"})
    remove_properties(pkg, bool(record.get("custom_created")))


def remove_tabs(pkg: Package, names: set[str]) -> None:
    """Drop the sheets called `names`, their defined names, and the parts only they used."""
    book = workbook_part(pkg)
    data = pkg.read(book)
    found = spans(data, max_depth=2)
    holder = first(found, "sheets", 1)
    if holder is None:
        return
    listed = children(found, holder)
    doomed = [i for i, s in enumerate(listed) if s.attrs.get("name") in names]
    if not doomed:
        return
    before = pkg.reachable()
    rel_ids = {next((v for k, v in listed[i].attrs.items() if k.endswith(":id")), "")
               for i in doomed}
    edits = [(listed[i].start, listed[i].end, b"") for i in doomed]

    def shifted(index: int) -> int:
        return index - sum(1 for i in doomed if i < index)

    for span in found:
        if span.local == "definedName" and "localSheetId" in span.attrs:
            index = int(span.attrs["localSheetId"])
            if index in doomed:
                edits.append((span.start, span.end, b""))
            elif shifted(index) != index:
                tag = data[span.start:span.tag_end]
                edits.append((span.start, span.tag_end,
                              set_attr(tag, "localSheetId", str(shifted(index)))))
        elif span.local == "workbookView":
            tag = data[span.start:span.tag_end]
            new = tag
            for attr in ("activeTab", "firstSheet"):
                if attr in span.attrs:
                    index = int(span.attrs[attr])
                    value = 0 if index in doomed else shifted(index)
                    if value != index:
                        new = set_attr(new, attr, str(value))
            if new != tag:
                edits.append((span.start, span.tag_end, new))
    data = splice(data, edits)
    names_span = first(spans(data, max_depth=1), "definedNames", 1)
    if names_span is not None and not names_span.empty and not children(
            spans(data, max_depth=2), names_span):
        data = data[: names_span.start] + data[names_span.end:]
    pkg.write(book, data)
    pkg.remove_rels(book, rel_ids)
    gone = before - pkg.reachable()
    for part in gone:
        pkg.remove(part)
        rels = _rels_of(part)
        if rels in pkg:
            pkg.remove(rels)
    pkg.remove_types(gone)


def _rels_of(part: str) -> str:
    from .parts import rels_name

    return rels_name(part)


def remove_properties(pkg: Package, created: bool) -> None:
    part = custom_part(pkg)
    if part is None:
        return
    if created:
        pkg.remove(part)
        pkg.remove_types({part})
        ids = {rel["Id"] for rel in pkg.rels("") if rel.get("Type") == CUSTOM_TYPE}
        pkg.remove_rels("", ids)
        return
    data = pkg.read(part)
    doomed = [(s.start, s.end, b"") for s in spans(data, max_depth=1)
              if s.depth == 1 and s.attrs.get("name") in _OURS]
    if doomed:
        pkg.write(part, splice(data, doomed))


def write_properties(pkg: Package, values: dict[str, str]) -> bool:
    """Add `values` as custom properties; True when the properties part was created."""
    part = custom_part(pkg)
    created = part is None
    if created:
        part = pkg.free_name("docProps/custom{}.xml") if CUSTOM_PART in pkg else CUSTOM_PART
        pkg.write(part, (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/docPropsVTypes"></Properties>'))
        pkg.add_rel("", CUSTOM_REL_ID, CUSTOM_TYPE, part)
        pkg.add_override(part, CUSTOM_CONTENT)
    data = pkg.read(part)
    found = spans(data, max_depth=1)
    root = found[0]
    p = prefix_of(root.name)
    pids = [int(s.attrs.get("pid", 1)) for s in found if s.depth == 1]
    pid = max([1, *pids]) + 1
    root_tag = data[root.start:root.tag_end].decode("utf-8", "replace")
    vt = "vt"
    if 'xmlns:vt="' not in root_tag:
        import re

        match = re.search(r'xmlns:(\w+)="http://schemas.openxmlformats.org/officeDocument/2006/'
                          r'docPropsVTypes"', root_tag)
        vt = match.group(1) if match else ""
    out = []
    for n, (name, value) in enumerate(values.items()):
        holder = (f"<{vt}:lpwstr>{escape(value)}</{vt}:lpwstr>" if vt else
                  '<vt:lpwstr xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
                  f'docPropsVTypes">{escape(value)}</vt:lpwstr>')
        out.append(f'<{p}property fmtid="{_FMTID}" pid="{pid + n}" name="{escape(name)}">'
                   f"{holder}</{p}property>")
    body = "".join(out).encode()
    if root.empty:
        tag = data[root.start:root.end]
        data = data[:root.start] + tag[:-2].rstrip() + b">" + body + \
            f"</{root.name}>".encode() + data[root.end:]
    else:
        at = data.rindex(b"</", root.start, root.end)
        data = data[:at] + body + data[at:]
    pkg.write(part, data)
    return created


def record_json(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def source_name(props: dict[str, str], plan_source: str | None) -> str | None:
    """The plan a checked workbook comes from: the one its previous check named, else
    the file read."""
    return props.get(SOURCE_PROPERTY) or (Path(plan_source).name if plan_source else None)
