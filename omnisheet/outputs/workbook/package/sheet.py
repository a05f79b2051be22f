"""A team's worksheet part patched where omnisheet must: conditional formats that
highlight the cells at fault and the legacy drawing its notes hang on. Only what follows
the cells (`</sheetData>` on) is parsed: a sheet of a million cells is copied through, not
read, and its cells, merges, filters, panes and print settings keep their bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .parts import REL_NS
from .xmlspans import Span, children, escape, spans, splice

# CT_Worksheet's elements after sheetData, in the schema's order.
_AFTER = ("sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter",
          "sortState", "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr",
          "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions",
          "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
          "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
          "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
          "webPublishItems", "tableParts", "extLst")
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>/]")
_WRAP = b"<w>"
HIGHLIGHT_FORMULA = "TRUE"


@dataclass
class Tail:
    """The part of a worksheet after its cells, parsed."""

    data: bytes
    prefix: str  # of the main namespace, `x:` or ''
    rel_prefix: str | None  # declared on the root for relationships, if any
    start: int  # offset of the first byte after the cells
    close: int  # offset of the root's end tag
    elements: list[Span]

    def top(self) -> list[Span]:
        return [s for s in self.elements if s.depth == 1]

    def find(self, local: str) -> list[Span]:
        return [s for s in self.top() if s.local == local]

    def insert_at(self, local: str) -> int:
        """Where a new `local` element goes: before the first element the schema puts
        after it."""
        later = set(_AFTER[_AFTER.index(local) + 1:])
        for span in self.top():
            if span.local in later:
                return span.start
        return self.close


def tail(data: bytes) -> Tail:
    root = _ROOT.search(data)
    if root is None:
        raise ValueError("not a worksheet")
    prefix = (root.group(1) or b"").decode()
    root_tag = data[root.start() : data.index(b">", root.start()) + 1]
    declared = re.search(rb'xmlns:([A-Za-z_][\w.-]*)="' + re.escape(REL_NS.encode()) + b'"',
                         root_tag)
    at = data.rfind(b"sheetData")
    if at < 0:
        raise ValueError("worksheet without cells")
    start = data.index(b">", at) + 1
    close = data.rindex(b"</")
    fragment = _WRAP + data[start:close] + b"</w>"
    elements = spans(fragment, offset=start - len(_WRAP))
    return Tail(data, prefix, declared.group(1).decode() if declared else None, start, close,
                elements[1:])


def add_highlights(data: bytes, ranges: list[tuple[str, int]]) -> bytes:
    """The sheet with a conditional format per (sqref, dxfId), after the team's own (they
    take precedence: lower priority numbers win)."""
    if not ranges:
        return data
    t = tail(data)
    taken = [int(p) for p in re.findall(rb'\spriority="(\d+)"', data[t.start:t.close])]
    priority = max(taken, default=0) + 1
    p = t.prefix
    out = []
    for n, (sqref, dxf) in enumerate(ranges):
        out.append(f'<{p}conditionalFormatting sqref="{escape(sqref)}"><{p}cfRule type="expression" '
                   f'dxfId="{dxf}" priority="{priority + n}"><{p}formula>{HIGHLIGHT_FORMULA}'
                   f"</{p}formula></{p}cfRule></{p}conditionalFormatting>")
    at = t.insert_at("conditionalFormatting")
    return data[:at] + "".join(out).encode() + data[at:]


def remove_highlights(data: bytes, dxf_ids: set[int] | None) -> bytes:
    """The sheet without omnisheet's highlights: conditional formats whose every rule is
    the formula TRUE (with one of `dxf_ids`, when known)."""
    if b"conditionalFormatting" not in data:
        return data
    t = tail(data)
    doomed = []
    for cf in t.find("conditionalFormatting"):
        rules = children(t.elements, cf)
        ours = bool(rules)
        for rule in rules:
            formulas = children(t.elements, rule)
            if (rule.attrs.get("type") != "expression" or len(formulas) != 1
                    or formulas[0].text.strip() != HIGHLIGHT_FORMULA
                    or (dxf_ids is not None and int(rule.attrs.get("dxfId", -1)) not in dxf_ids)):
                ours = False
        if ours:
            doomed.append((cf.start, cf.end, b""))
    return splice(data, doomed) if doomed else data


def legacy_drawing_id(data: bytes) -> str | None:
    """The relationship id of the sheet's legacy drawing (where its notes are drawn)."""
    if b"legacyDrawing" not in data:
        return None
    for span in tail(data).find("legacyDrawing"):
        for name, value in span.attrs.items():
            if name.endswith(":id"):
                return value
    return None


def add_legacy_drawing(data: bytes, rel_id: str) -> bytes:
    t = tail(data)
    p = t.prefix
    if t.rel_prefix:
        element = f'<{p}legacyDrawing {t.rel_prefix}:id="{escape(rel_id)}"/>'
    else:
        element = f'<{p}legacyDrawing xmlns:r="{REL_NS}" r:id="{escape(rel_id)}"/>'
    at = t.insert_at("legacyDrawing")
    return data[:at] + element.encode() + data[at:]


def remove_legacy_drawing(data: bytes) -> bytes:
    t = tail(data)
    return splice(data, [(s.start, s.end, b"") for s in t.find("legacyDrawing")])
