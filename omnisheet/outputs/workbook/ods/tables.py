"""omnisheet's tabs (Findings, Dashboard, Contact pressure) as OpenDocument tables, for the
checked .ods. The tabs are written once, by the same writers as in an .xlsx (into a
scratch workbook in memory, the Findings rows left out); each cell is then carried over
with its value, fill, font, borders, alignment, number format and merge, the columns with
their widths. The Findings rows are written here straight from the findings (tens of
thousands on a big plan), with the words the .xlsx rows use. The Dashboard's charts stay
in the .xlsx: their figures are the tables beside them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from ..checked import FINDINGS_WIDTHS, SEVERITY_COLOURS, FindingTexts
from ..context import LINE_HEIGHT, row_height
from ..package.xmlspans import escape
from .content import PREFIX, paragraphs, sheet_ref

_GREY = "#D9D9D9"


class Styles:
    """The automatic styles omnisheet's tables use, each named once."""

    def __init__(self) -> None:
        self.cells: dict[tuple, str] = {}
        self.columns: dict[float, str] = {}
        self.rows: dict[float, str] = {}
        self.numbers: dict[str, str] = {}
        self.xml: list[str] = []

    def column(self, width: float) -> str:
        key = round(width, 2)
        if key not in self.columns:
            name = self.columns[key] = f"{PREFIX}co{len(self.columns) + 1}"
            inches = key * 7 / 72  # as LibreOffice converts an .xlsx column's width
            self.xml.append(f'<style:style style:name="{name}" style:family="table-column">'
                            f'<style:table-column-properties fo:break-before="auto" '
                            f'style:column-width="{inches:.4f}in"/></style:style>')
        return self.columns[key]

    def row(self, height: float | None) -> str:
        key = round(height or 15.0, 2)
        if key not in self.rows:
            name = self.rows[key] = f"{PREFIX}ro{len(self.rows) + 1}"
            custom = "true" if height else "false"
            self.xml.append(f'<style:style style:name="{name}" style:family="table-row">'
                            f'<style:table-row-properties style:row-height="{key:g}pt" '
                            f'style:use-optimal-row-height="{"false" if custom == "true" else "true"}" '
                            f'fo:break-before="auto"/></style:style>')
        return self.rows[key]

    def number(self, code: str | None) -> str | None:
        if not code or code == "General" or code == "@":
            return None
        if code not in self.numbers:
            body = _number_style(code)
            if body is None:
                return None
            name = self.numbers[code] = f"{PREFIX}N{len(self.numbers) + 1}"
            self.xml.append(body.format(name=name))
        return self.numbers[code]

    def cell(self, *, bold: bool = False, italic: bool = False, size: float | None = None,
             colour: str | None = None, underline: bool = False, fill: str | None = None,
             border: str | None = None, wrap: bool = False, align: str | None = None,
             valign: str | None = None, number: str | None = None) -> str:
        key = (bold, italic, size, colour, underline, fill, border, wrap, align, valign, number)
        if key in self.cells:
            return self.cells[key]
        name = self.cells[key] = f"{PREFIX}ce{len(self.cells) + 1}"
        data = self.number(number)
        head = f'<style:style style:name="{name}" style:family="table-cell"' + (
            f' style:data-style-name="{data}"' if data else "") + ">"
        cell = []
        if fill:
            cell.append(f'fo:background-color="{fill}"')
        if border:
            cell.append(f'fo:border="0.06pt solid {border}"')
        if wrap:
            cell.append('fo:wrap-option="wrap"')
        if valign:
            cell.append(f'style:vertical-align="{valign}"')
        text = []
        if bold:
            text += ['fo:font-weight="bold"', 'style:font-weight-asian="bold"',
                     'style:font-weight-complex="bold"']
        if italic:
            text += ['fo:font-style="italic"', 'style:font-style-asian="italic"',
                     'style:font-style-complex="italic"']
        if size:
            text.append(f'fo:font-size="{size:g}pt"')
        if colour:
            text.append(f'fo:color="{colour}"')
        if underline:
            text += ['style:text-underline-style="solid"', 'style:text-underline-width="auto"',
                     'style:text-underline-color="font-color"']
        body = head
        if cell:
            body += f'<style:table-cell-properties {" ".join(cell)}/>'
        if align:
            body += f'<style:paragraph-properties fo:text-align="{align}"/>'
        if text:
            body += f'<style:text-properties {" ".join(text)}/>'
        self.xml.append(body + "</style:style>")
        return name


def _number_style(code: str) -> str | None:
    """An Excel number format omnisheet's tabs use, as an ODF data style (`{name}` left to
    fill): percentages, fixed decimals, General between words, ISO dates."""
    if code in ("yyyy-mm-dd", "YYYY-MM-DD"):
        return ('<number:date-style style:name="{name}"><number:year number:style="long"/>'
                '<number:text>-</number:text><number:month number:style="long"/>'
                '<number:text>-</number:text><number:day number:style="long"/>'
                "</number:date-style>")
    tokens = re.findall(r'"([^"]*)"|(General)|([#0,]+(?:\.0+)?)|(%)|(\\.|.)', code)
    parts: list[str] = []
    percent = False
    seen_number = False
    for quoted, general, digits, pct, other in tokens:
        if quoted or other:
            text = quoted or other.lstrip("\\")
            if parts and parts[-1].startswith("<number:text>"):
                parts[-1] = parts[-1][:-len("</number:text>")] + escape(text) + "</number:text>"
            else:
                parts.append(f"<number:text>{escape(text)}</number:text>")
        elif general:
            parts.append('<number:number number:min-integer-digits="1"/>')
            seen_number = True
        elif digits:
            places = len(digits.partition(".")[2])
            grouping = ' number:grouping="true"' if "," in digits else ""
            parts.append(f'<number:number number:decimal-places="{places}" '
                         f'number:min-decimal-places="{places}" number:min-integer-digits="1"'
                         f"{grouping}/>")
            seen_number = True
        elif pct:
            percent = True
            if parts and parts[-1].startswith("<number:text>"):
                parts[-1] = parts[-1][:-len("</number:text>")] + "%</number:text>"
            else:
                parts.append("<number:text>%</number:text>")
    if not seen_number:
        return None
    kind = "percentage-style" if percent else "number-style"
    return (f'<number:{kind} style:name="{{name}}">' + "".join(parts).replace("{", "{{")
            .replace("}", "}}") + f"</number:{kind}>")


def _rgb(colour: Any) -> str | None:
    rgb = getattr(colour, "rgb", None) if colour is not None else None
    if isinstance(rgb, str) and re.fullmatch(r"[0-9A-Fa-f]{8}", rgb):
        return "#" + rgb[2:].upper()
    return None


def _style_of(styles: Styles, cell: Any) -> str:
    font, fill, border, alignment = cell.font, cell.fill, cell.border, cell.alignment
    background = _rgb(fill.fgColor) if fill is not None and fill.fill_type == "solid" else None
    edge = next((side for side in (border.left, border.top, border.right, border.bottom)
                 if side is not None and side.style), None) if border is not None else None
    align = {"left": "start", "center": "center", "right": "end"}.get(
        alignment.horizontal or "") if alignment is not None else None
    valign = {"top": "top", "center": "middle", "bottom": "bottom"}.get(
        alignment.vertical or "") if alignment is not None else None
    return styles.cell(
        bold=bool(font.b), italic=bool(font.i),
        size=float(font.sz) if font.sz and float(font.sz) != 11 else None,
        colour=_rgb(font.color), underline=bool(font.u), fill=background,
        border=(_rgb(edge.color) or "#000000") if edge is not None else None,
        wrap=bool(alignment is not None and alignment.wrap_text), align=align, valign=valign,
        number=cell.number_format)


def _value(value: Any, style: str | None, *, span: tuple[int, int] = (1, 1),
           link: str | None = None) -> str:
    attrs = f' table:style-name="{style}"' if style else ""
    if span != (1, 1):
        attrs += (f' table:number-columns-spanned="{span[1]}"'
                  f' table:number-rows-spanned="{span[0]}"')
    if value is None or value == "":
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, bool):
        return (f'<table:table-cell{attrs} office:value-type="boolean" '
                f'office:boolean-value="{str(value).lower()}"><text:p>{value}</text:p>'
                "</table:table-cell>")
    if isinstance(value, int | float):
        return (f'<table:table-cell{attrs} office:value-type="float" office:value="{value!r}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    if isinstance(value, dt.datetime | dt.date):
        iso = value.isoformat()
        return (f'<table:table-cell{attrs} office:value-type="date" office:date-value="{iso}">'
                f"<text:p>{iso}</text:p></table:table-cell>")
    text = paragraphs(str(value))
    if link:
        text = text.replace("<text:p>", f'<text:p><text:a xlink:type="simple" '
                            f'xlink:href="{escape(link)}">', 1).replace(
            "</text:p>", "</text:a></text:p>", 1)
    return (f'<table:table-cell{attrs} office:value-type="string">{text}'
            "</table:table-cell>")


def sheet_table(styles: Styles, sheet: Any, name: str,
                rows: Iterator[str] | None = None) -> Iterator[str]:
    """One openpyxl sheet of the scratch workbook as a table; `rows` follow its own."""
    width = max(sheet.max_column, 1)
    columns = []
    for col in range(1, width + 1):
        letter = sheet.cell(1, col).column_letter
        dim = sheet.column_dimensions.get(letter)
        columns.append(styles.column(dim.width if dim is not None and dim.width else 8.43))
    for dim in sheet.column_dimensions.values():  # a range of columns set at once
        if dim.min and dim.max and dim.width:
            for col in range(dim.min, min(dim.max, width) + 1):
                columns[col - 1] = styles.column(dim.width)
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for area in sheet.merged_cells.ranges:
        merged[(area.min_row, area.min_col)] = (area.max_row - area.min_row + 1,
                                                area.max_col - area.min_col + 1)
        covered |= {(r, c) for r in range(area.min_row, area.max_row + 1)
                    for c in range(area.min_col, area.max_col + 1)} - {(area.min_row,
                                                                         area.min_col)}
    yield f'<table:table table:name="{escape(name)}">'
    yield "".join(f'<table:table-column table:style-name="{c}"/>' for c in columns)
    for r in range(1, sheet.max_row + 1):
        dim = sheet.row_dimensions.get(r)
        height = dim.height if dim is not None and dim.height else None
        cells = []
        for c in range(1, width + 1):
            if (r, c) in covered:
                cells.append("<table:covered-table-cell/>")
                continue
            cell = sheet.cell(r, c)
            style = _style_of(styles, cell) if cell.has_style else None
            cells.append(_value(cell.value, style, span=merged.get((r, c), (1, 1))))
        yield (f'<table:table-row table:style-name="{styles.row(height)}">' + "".join(cells)
               + "</table:table-row>")
    if rows is not None:
        yield from rows
    yield "</table:table>"


class FindingRows:
    """The Findings tab's rows as table rows: the .xlsx tab's values and formats."""

    def __init__(self, ctx: Any, report: Any, styles: Styles) -> None:
        self.ctx, self.report = ctx, report
        self.words = ctx.definition.words_for("findings_tab", ctx.lang)
        colours = ctx.definition.colours
        self.text = styles.cell(wrap=True, border=_GREY)
        self.link = styles.cell(colour="#0563C1", underline=True, border=_GREY)
        self.severity = {s: styles.cell(fill=colours[c].upper() if colours[c].startswith("#")
                                        else "#" + colours[c].upper(), bold=True, border=_GREY)
                         for s, c in SEVERITY_COLOURS.items()}
        self.styles = styles
        for lines in range(1, 31):  # every height row_height gives, named before the rows
            styles.row(LINE_HEIGHT * lines)

    def rows(self) -> Iterator[str]:
        widths = FINDINGS_WIDTHS
        texts = FindingTexts(self.ctx, self.report)
        out: list[str] = []
        for finding in self.report.findings:
            about, value, message = texts(finding)
            height = row_height((about, widths[4]), (finding.value, widths[5]),
                                (message, widths[6]))
            cells = [_value(self.words[finding.severity], self.severity[finding.severity]),
                     _value(finding.code, self.text), _value(finding.sheet, self.text)]
            if finding.sheet:
                cell = finding.cell or "A1"
                cells.append(_value(cell, self.link,
                                    link=f"#{sheet_ref(finding.sheet)}.{cell}"))
            else:
                cells.append(_value(None, self.text))
            cells += [_value(about, self.text), _value(value, self.text),
                      _value(message, self.text)]
            out.append(f'<table:table-row table:style-name="{self.styles.row(height)}">'
                       + "".join(cells) + "</table:table-row>")
            if len(out) == 2000:
                yield "".join(out)
                out.clear()
        if out:
            yield "".join(out)
