"""The Findings tab's rows, written as XML straight into the grafted sheet: a big plan has
tens of thousands of findings, and xlsxwriter's cell-by-cell path took most of the time
of a checked workbook. The header, column formats, filter and print setup stay
xlsxwriter's (`write_findings(..., rows=...)`); the cells are the same, with the same
formats."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import _datetime_to_excel_datetime as datetime_to_excel_datetime
from xlsxwriter.xmlwriter import XMLwriter

from ..checked import FINDINGS_WIDTHS, MAX_LINKS, FindingTexts
from ..context import quote_sheet, row_height
from .xmlspans import escape

if TYPE_CHECKING:
    from ....analysis.report import Report

_BATCH = 2000  # rows per piece handed to the zip
_ESCAPE = re.compile(r"[&<>]")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_")


_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_")  # either of them


def _text(value: str) -> str:
    """Text as xlsxwriter writes it: XML escapes, control characters as _xHHHH_."""
    if not _SPECIAL.search(value):  # most text: one look, nothing to change
        return value
    if _ESCAPE.search(value):
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _CONTROL.search(value):
        value = XMLwriter._escape_control_characters(value)
    return value


class FindingRows:
    """The rows and links of the Findings tab, for the stream that copies the sheet."""

    def __init__(self, ctx: Any, report: Report, formats: dict[str, Any], xf_offset: int) -> None:
        self.ctx, self.report = ctx, report
        self.words = ctx.definition.words_for("findings_tab", ctx.lang)
        # The formats' indices in the scratch workbook, then in the team's styles.
        self.text = formats["text"]._get_xf_index() + xf_offset
        self.link = formats["link"]._get_xf_index() + xf_offset
        self.severity = {k: f._get_xf_index() + xf_offset for k, f in formats["severity"].items()}
        self.count = len(report.findings)

    def _cell(self, ref: str, value: Any, style: int) -> str:
        if type(value) is str and value:
            return (f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
                    f"{_text(value)}</t></is></c>")
        if value is None or value == "":
            return f'<c r="{ref}" s="{style}"/>'
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, int | float):
            return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
        if isinstance(value, dt.datetime | dt.date | dt.time):
            serial = datetime_to_excel_datetime(value, False, True)
            return f'<c r="{ref}" s="{style}"><v>{serial!r}</v></c>'
        return (f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
                f"{_text(str(value))}</t></is></c>")

    def rows(self) -> Iterator[bytes]:
        out: list[str] = []
        widths = FINDINGS_WIDTHS
        texts = FindingTexts(self.ctx, self.report)
        for row, finding in enumerate(self.report.findings, start=2):
            about, value, message = texts(finding)
            height = row_height((about, widths[4]), (finding.value, widths[5]),
                                (message, widths[6]))
            cells = [self._cell(f"A{row}", self.words[finding.severity],
                                self.severity[finding.severity]),
                     self._cell(f"B{row}", finding.code, self.text),
                     self._cell(f"C{row}", finding.sheet, self.text)]
            if finding.sheet:
                cells.append(self._cell(f"D{row}", finding.cell or "A1",
                                        self.link if row - 1 <= MAX_LINKS else self.text))
            cells += [self._cell(f"E{row}", about, self.text),
                      self._cell(f"F{row}", value, self.text),
                      self._cell(f"G{row}", message, self.text)]
            out.append(f'<row r="{row}" spans="1:7" ht="{height:g}" customHeight="1">'
                       + "".join(cells) + "</row>")
            if len(out) == _BATCH:
                yield "".join(out).encode()
                out.clear()
        if out:
            yield "".join(out).encode()

    def links(self) -> Iterator[bytes]:
        out: list[str] = []
        for row, finding in enumerate(self.report.findings, start=2):
            if not finding.sheet or row - 1 > MAX_LINKS:
                continue
            cell = finding.cell or "A1"
            location = escape(f"{quote_sheet(finding.sheet)}!{cell}")
            out.append(f'<hyperlink ref="D{row}" location="{location}" display="{escape(cell)}"/>')
            if len(out) == _BATCH:
                yield "".join(out).encode()
                out.clear()
        if out:
            yield "".join(out).encode()

    def transform(self, restyle: Any) -> Any:
        """A stream transform for the Findings sheet: restyled as any grafted sheet, its
        dimension covering the rows, the rows before `</sheetData>`, the links after the
        filter."""
        def apply(data: bytes) -> Iterator[bytes]:
            data = restyle(data)
            if b"<dimension " in data and self.count:
                data = re.sub(rb'<dimension ref="[^"]*"/>',
                              f'<dimension ref="A1:G{self.count + 1}"/>'.encode(), data, count=1)
            end = data.find(b"</sheetData>")
            if end < 0 or not self.count:
                yield data
                return
            yield data[:end]
            yield from self.rows()
            rest = data[end:]
            at = min((i for i in (rest.find(b"<printOptions"), rest.find(b"<pageMargins"))
                      if i >= 0), default=-1)
            if at < 0:
                yield rest
                return
            yield rest[:at] + b"<hyperlinks>"
            yield from self.links()
            yield b"</hyperlinks>" + rest[at:]

        return apply
