"""Team workbooks as real programs write them, and what a check may change in them.

`hotel`: the English plan as a team that lives in Excel leaves it (saved by openpyxl, as
Excel rewrites every part): a notes tab first with a formula, comments (one on a cell at
fault), a hyperlink, a hidden column, a filter with filtered rows, their own frozen panes,
a % format, a time 18:00 and a pasted date. `insurer_ops`: the French plan edited in
LibreOffice itself (tests/support/uno_team.py): a merged title, a comment, a link, a
hidden column, a filter, % formats, "18:00" typed, a date pasted.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.worksheet.filters import FilterColumn, Filters

from omnisheet.outputs.workbook.package.graft import sheets
from omnisheet.outputs.workbook.package.parts import Package
from omnisheet.outputs.workbook.package.sheet import HIGHLIGHT_FORMULA, tail
from omnisheet.outputs.workbook.package.xmlspans import children, spans

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NOTES_EN = "Workshop notes"
NOTES_FR = "Notes de l'atelier"


def _top_use_cases_cell(sample: str, tab: str, label: str) -> str:
    """The Settings cell of Top use cases in a sample: the team widens it, so that its
    commented use case (ranked past the default 10) is a cell at fault."""
    sheet = openpyxl.load_workbook(SAMPLES / sample, read_only=True)[tab]
    row = next(i for i, (name, *_) in enumerate(sheet.iter_rows(values_only=True), 1)
               if name == label)
    return f"B{row}"


def hotel(path: Path) -> Path:
    """samples/bank-en.xlsx with a UK hotel group's Excel habits, saved by openpyxl."""
    workbook = openpyxl.load_workbook(SAMPLES / "bank-en.xlsx")
    notes = workbook.create_sheet(NOTES_EN, 0)
    notes["A1"] = "Workshop of 12 March: plan review"
    notes.merge_cells("A1:D1")
    notes["A3"] = "Minutes"
    notes["A3"].hyperlink = "https://intranet.example/workshop"
    notes["A10"] = 4
    notes["B10"] = "=A10*2"
    workbook["Settings"][_top_use_cases_cell("bank-en.xlsx", "Settings", "Top use cases")] = 40
    uses = workbook["Use cases"]
    uses["A2"].comment = Comment("Sponsor: the COO", "Jane")  # a cell at fault (a warning)
    uses["C3"].comment = Comment("Check with IT", "Jane")
    uses.column_dimensions["E"].hidden = True
    uses.auto_filter.ref = "A1:R40"
    uses.auto_filter.filterColumn.append(FilterColumn(colId=11, filters=Filters(filter=["Live"])))
    filtered = [row for row in range(2, 41) if uses.cell(row, 12).value != "Live"]
    for row in filtered:
        uses.row_dimensions[row].hidden = True
    uses.freeze_panes = "C2"
    measures = workbook["Touchpoint measures"]
    measures["H2"] = 0.35
    measures["H2"].number_format = "0%"
    measures["G3"] = dt.datetime(2026, 1, 1)
    measures["G3"].number_format = "dd/mm/yyyy"
    specs = workbook["Scenario specs"]
    specs["K2"] = dt.time(18, 0)
    specs["K2"].number_format = "hh:mm"
    workbook.save(path)
    return path


INSURER_OPS = [
    {"sheet": "Paramètres", "value": 40,
     "cell": _top_use_cases_cell("retail-fr.xlsx", "Paramètres", "Cas d'usage prioritaires")},
    {"op": "insert_sheet", "name": NOTES_FR, "at": 0},
    {"sheet": NOTES_FR, "cell": "A1", "value": "Atelier du 12 mars : relecture du plan"},
    {"op": "merge", "sheet": NOTES_FR, "range": "A1:D1"},
    {"sheet": NOTES_FR, "cell": "A10", "value": 4},
    {"sheet": NOTES_FR, "cell": "B10", "formula": "=A10*2"},
    {"op": "link", "sheet": NOTES_FR, "cell": "A3", "url": "https://intranet.example/atelier",
     "text": "Compte rendu"},
    {"op": "annotate", "sheet": "Cas d'usage", "cell": "A4", "text": "Sponsor : la DRC"},
    {"op": "annotate", "sheet": "Cas d'usage", "cell": "C3", "text": "À revoir avec la DSI"},
    {"op": "hide_column", "sheet": "Cas d'usage", "column": "E"},
    {"op": "filter", "sheet": "Cas d'usage", "range": "A1:R40", "field": 11, "value": "Idée"},
    {"sheet": "Mesures", "cell": "H2", "value": 0.35},
    {"op": "format", "sheet": "Mesures", "cell": "H2", "format": "0%"},
    {"sheet": "Scénarios", "cell": "K2", "type": "18:00"},
    {"sheet": "Mesures", "cell": "G3", "value": 46023},  # 1 January 2026, pasted with its format
    {"op": "format", "sheet": "Mesures", "cell": "G3", "format": "DD/MM/YYYY"},
]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> its part, as the workbook says."""
    pkg = Package(path)
    try:
        return {name: part for name, _, part in sheets(pkg)}
    finally:
        pkg.close()


def related(files: dict[str, bytes], part: str) -> set[str]:
    """The parts `part`'s relationships reach (its comments, drawings), and its rels."""
    folder, name = part.rsplit("/", 1)
    rels = f"{folder}/_rels/{name}.rels"
    if rels not in files:
        return set()
    found = {rels}
    for target in re.findall(rb'Target="([^"]+)"', files[rels]):
        found.add(_join(folder, target.decode()))
    return found


def _join(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    out: list[str] = folder.split("/")
    for piece in target.split("/"):
        if piece == "..":
            out.pop()
        elif piece not in ("", "."):
            out.append(piece)
    return "/".join(out)


def tail_elements(data: bytes) -> list[bytes]:
    t = tail(data)
    return [data[s.start:s.end] for s in t.top()]


def ours(element: bytes) -> bool:
    """A conditional format omnisheet added (every rule the formula TRUE)."""
    if not re.match(rb"<(\w+:)?conditionalFormatting\b", element):
        return False
    formulas = re.findall(rb"<(?:\w+:)?formula>([^<]*)</", element)
    return bool(formulas) and all(f.strip() == HIGHLIGHT_FORMULA.encode() for f in formulas)


def list_entries(data: bytes) -> dict[str, list[bytes]]:
    """styles.xml's lists, each entry's bytes."""
    found = spans(data, max_depth=2)
    return {s.local: [data[c.start:c.end] for c in children(found, s)]
            for s in found if s.depth == 1}


def comment_texts(data: bytes) -> dict[str, str]:
    found = spans(data)
    out = {}
    for comment in (s for s in found if s.local == "comment"):
        out[comment.attrs["ref"]] = "".join(
            s.text for s in found if s.local == "t" and comment.start < s.start < comment.end)
    return out
