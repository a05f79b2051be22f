"""What a team makes in LibreOffice Calc beyond typing, done and read back through UNO:
comments, links, merges, hidden columns, filters, number formats, a tab of their own;
and frozen panes read back (headless Calc can neither freeze panes nor save them). Run by the SYSTEM python (the one with ``import uno``), never the project venv::

    /usr/bin/python3 uno_team.py edit INPUT OPS.json OUTPUT [--locale fr-FR]
    /usr/bin/python3 uno_team.py inspect INPUT ASK.json     # prints one JSON object

OPS is a list; each is one of uno_fill.py's cell edits or an object with "op":

* ``{"op": "insert_sheet", "name": "Notes", "at": 0}``
* ``{"op": "annotate", "sheet": S, "cell": "B3", "text": "..."}`` (a comment)
* ``{"op": "link", "sheet": S, "cell": "B3", "url": "https://...", "text": "..."}``
* ``{"op": "merge", "sheet": S, "range": "A1:D1"}``
* ``{"op": "hide_column", "sheet": S, "column": "C"}``
* ``{"op": "filter", "sheet": S, "range": "A1:K40", "field": 2, "value": "x"}``: an
  autofilter on the range, showing the rows whose field (0-based in the range) is `value`
* ``{"op": "format", "sheet": S, "cell": "B3", "format": "0%"}``

ASK names what to read: ``{"annotations": [S...], "links": ["S!A1"...], "merged":
["S!A1:D1"...], "hidden_columns": ["S!C"...], "filters": [S...], "frozen": [S...],
"formats": ["S!A1"...], "formulas": ["S!A1"...], "values": ["S!A1"...],
"highlights": ["S!A1"...], "validations": ["S!A1"...]}`` (validations: each cell's
rule as [type, formula]; highlights: each conditional format on the cell as [style
name, formula, the style's background colour or null when no such cell style]).
"""

from __future__ import annotations

import json
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]  # noqa: F401  # system python only
import uno_fill
from uno_fill import FILTERS, Office, apply_edit, get_cell, props, read_cell, split_ref


def _sheet(doc: Any, name: str) -> Any:
    return doc.getSheets().getByName(name)


def _address(doc: Any, sheet: str, cell: str) -> Any:
    return get_cell(doc, sheet, cell).getCellAddress()


def apply(doc: Any, op: dict) -> None:
    kind = op.get("op")
    if kind is None:
        apply_edit(doc, op, 0)
        return
    if kind == "insert_sheet":
        doc.getSheets().insertNewByName(op["name"], int(op.get("at", 0)))
        return
    sheet = _sheet(doc, op["sheet"])
    if kind == "annotate":
        sheet.getAnnotations().insertNew(_address(doc, op["sheet"], op["cell"]), op["text"])
    elif kind == "link":
        cell = get_cell(doc, op["sheet"], op["cell"])
        field = doc.createInstance("com.sun.star.text.TextField.URL")
        field.URL = op["url"]
        field.Representation = op["text"]
        text = cell.getText()
        text.setString("")
        text.insertTextContent(text.createTextCursor(), field, False)
    elif kind == "merge":
        sheet.getCellRangeByName(op["range"]).merge(True)
    elif kind == "hide_column":
        sheet.getColumns().getByName(op["column"]).IsVisible = False
    elif kind == "filter":
        from com.sun.star.sheet import TableFilterField  # type: ignore[import-not-found]
        from com.sun.star.sheet.FilterOperator import EQUAL  # type: ignore[import-not-found]

        area = sheet.getCellRangeByName(op["range"])
        index = doc.getSheets().getElementNames().index(op["sheet"])
        unnamed = doc.getPropertyValue("UnnamedDatabaseRanges")
        unnamed.setByTable(area.getRangeAddress())
        database = unnamed.getByTable(index)
        database.AutoFilter = True
        descriptor = area.createFilterDescriptor(True)
        descriptor.ContainsHeader = True
        field = TableFilterField()
        field.Field = int(op["field"])
        field.Operator = EQUAL
        field.IsNumeric = False
        field.StringValue = op["value"]
        descriptor.FilterFields = (field,)
        area.filter(descriptor)
    elif kind == "format":
        from com.sun.star.lang import Locale  # type: ignore[import-not-found]

        formats = doc.getNumberFormats()
        locale = Locale("en", "US", "")
        key = formats.queryKey(op["format"], locale, False)
        if key == -1:
            key = formats.addNew(op["format"], locale)
        get_cell(doc, op["sheet"], op["cell"]).NumberFormat = key
    else:
        raise uno_fill.EditError(f"unknown op {kind!r}")


def inspect(doc: Any, ask: dict) -> dict:
    out: dict[str, Any] = {}
    names = list(doc.getSheets().getElementNames())
    out["sheets"] = names
    out["annotations"] = {}
    for name in ask.get("annotations", ()):
        found = {}
        annotations = _sheet(doc, name).getAnnotations()
        for i in range(annotations.getCount()):
            note = annotations.getByIndex(i)
            position = note.getPosition()
            cell = _sheet(doc, name).getCellByPosition(position.Column, position.Row)
            found[cell.AbsoluteName.split(".")[-1].replace("$", "")] = note.getString()
        out["annotations"][name] = found
    out["links"] = {}
    for ref in ask.get("links", ()):
        sheet, cell = split_ref(ref)
        fields = get_cell(doc, sheet, cell).getTextFields().createEnumeration()
        urls = []
        while fields.hasMoreElements():
            urls.append(fields.nextElement().URL)
        out["links"][ref] = urls
    out["merged"] = {}
    for ref in ask.get("merged", ()):
        sheet, cells = split_ref(ref)
        out["merged"][ref] = bool(_sheet(doc, sheet).getCellRangeByName(cells).getIsMerged())
    out["hidden_columns"] = {}
    for ref in ask.get("hidden_columns", ()):
        sheet, column = split_ref(ref)
        out["hidden_columns"][ref] = not _sheet(doc, sheet).getColumns().getByName(column).IsVisible
    out["filters"] = {}
    for name in ask.get("filters", ()):
        index = names.index(name)
        unnamed = doc.getPropertyValue("UnnamedDatabaseRanges")
        if not unnamed.hasByTable(index):
            out["filters"][name] = None
            continue
        database = unnamed.getByTable(index)
        area = database.getDataArea()
        rows = _sheet(doc, name).getRows()
        hidden = sum(1 for r in range(area.StartRow + 1, area.EndRow + 1)
                     if not rows.getByIndex(r).IsVisible)
        out["filters"][name] = {"autofilter": bool(database.AutoFilter),
                                "rows": [area.StartRow + 1, area.EndRow + 1],
                                "hidden_rows": hidden}
    # Frozen panes as the document's view settings hold them (a hidden document's view
    # neither freezes nor reports panes; headless Calc does not write them back either).
    out["frozen"] = {}
    for name in ask.get("frozen", ()):
        views = {p.Name: p.Value for p in doc.getViewData().getByIndex(0)}["Tables"]
        view = {p.Name: p.Value for p in views.getByName(name)} if views.hasByName(name) else {}
        frozen = view.get("HorizontalSplitMode") == 2 or view.get("VerticalSplitMode") == 2
        out["frozen"][name] = ([view.get("HorizontalSplitPositionTwips", 0),
                                view.get("VerticalSplitPositionTwips", 0)] if frozen else None)
    out["formats"] = {}
    formats = doc.getNumberFormats()
    for ref in ask.get("formats", ()):
        sheet, cell = split_ref(ref)
        key = get_cell(doc, sheet, cell).NumberFormat
        out["formats"][ref] = formats.getByKey(key).FormatString
    out["formulas"] = {}
    for ref in ask.get("formulas", ()):
        sheet, cell = split_ref(ref)
        out["formulas"][ref] = get_cell(doc, sheet, cell).getFormula()
    out["values"] = {ref: read_cell(doc, ref) for ref in ask.get("values", ())}
    out["validations"] = {}
    for ref in ask.get("validations", ()):
        sheet, cell = split_ref(ref)
        rule = get_cell(doc, sheet, cell).getPropertyValue("Validation")
        out["validations"][ref] = [rule.Type.value, rule.getFormula1()]
    out["highlights"] = {}
    styles = doc.getStyleFamilies().getByName("CellStyles")
    for ref in ask.get("highlights", ()):
        sheet, cell = split_ref(ref)
        entries = get_cell(doc, sheet, cell).getPropertyValue("ConditionalFormat")
        found = []
        for i in range(entries.getCount()):
            entry = entries.getByIndex(i)
            name = entry.getStyleName()
            colour = (styles.getByName(name).CellBackColor if styles.hasByName(name) else None)
            found.append([name, entry.getFormula1(), colour])
        out["highlights"][ref] = found
    return out


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, uno_fill._terminated)
    mode, source = argv[0], Path(argv[1])
    spec = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
    locale = "en-US"
    if "--locale" in argv:
        locale = argv[argv.index("--locale") + 1]
    office = Office()
    try:
        desktop = office.start()
        uno_fill.FORMATTER, uno_fill.LOCALE = office.formatter, locale
        work = office.workdir / f"input{source.suffix}"
        shutil.copyfile(source, work)
        doc = desktop.loadComponentFromURL(work.as_uri(), "_blank", 0,
                                           props(Hidden=True, ReadOnly=False))
        if doc is None:
            raise RuntimeError(f"LibreOffice could not open {source}")
        try:
            if mode == "edit":
                for op in spec:
                    apply(doc, op)
                doc.calculateAll()
                target = Path(argv[3])
                doc.storeToURL(target.resolve().as_uri(),
                               props(FilterName=FILTERS[target.suffix.lower()], Overwrite=True))
            else:
                print(json.dumps(inspect(doc, spec), ensure_ascii=False))
        finally:
            doc.close(True)
    except Exception as exc:  # noqa: BLE001 - reported with soffice's own output
        uno_fill.log(f"{type(exc).__name__}: {exc}\nsoffice output: {office.soffice_output()}")
        return 1
    finally:
        office.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
