"""An .ods plan checked to an .ods is the team's own file (issue 28, its .ods part): the
parts omnisheet has no reason to change byte for byte, their tables cell for cell, our
notes, highlights and tabs added, and a second check that gives the same file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.parsers.expat
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from team_files import INSURER_OPS, NOTES_FR, SAMPLES, parts

from omnisheet.outputs.workbook.ods.content import Changes, patch

OMNISHEET = str(Path(sys.executable).parent / "omnisheet")
ADDED_FR = ["Constats", "Tableau de bord", "Pression commerciale"]
PATCHED = {"content.xml", "styles.xml", "meta.xml"}
NOTES = f"'{NOTES_FR.replace(chr(39), chr(39) * 2)}'"
ASK = {
    "annotations": ["Cas d'usage", "Messages"],
    "links": [f"{NOTES}!A3"],
    "merged": [f"{NOTES}!A1:D1"],
    "hidden_columns": ["'Cas d''usage'!E"],
    "filters": ["Cas d'usage"],
    "formats": ["Mesures!H2", "Scénarios!K2", "Mesures!G3"],
    "formulas": [f"{NOTES}!B10"],
    "values": ["Scénarios!K2", "Mesures!G3", "Mesures!H2", f"{NOTES}!B10"],
    "highlights": ["'Cas d''usage'!A4", "Mesures!H2"],
}


def _check(source: Path, out: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([OMNISHEET, "check", str(source), "-o", str(out), "--fail-on",
                             "never", "--force"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _uno(mode: str, source: Path, spec: object, *extra: str | Path) -> dict:
    import tempfile

    from support.libreoffice import run_uno

    script = Path(__file__).parent / "support" / "uno_team.py"
    with tempfile.TemporaryDirectory(prefix="omnisheet-uno-spec-") as folder:
        spec_path = Path(folder) / f"{mode}.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        result = run_uno(script, mode, source, spec_path, *extra)
    return json.loads(result.stdout) if mode == "inspect" else {}


def table_cells(content: bytes) -> dict[str, dict]:
    """Each table of a content.xml: its cells by (row, column) with their bytes (repeats
    expanded, empty repeats skipped), and the bytes of what the table holds besides rows.
    omnisheet's own notes are cut out of a cell first (see `_without_ours`)."""
    parser = xml.parsers.expat.ParserCreate()
    tables: dict[str, dict] = {}
    state: dict = {"table": None, "row": 0, "col": 0, "depth": 0, "stack": []}

    def start(name: str, attrs: dict[str, str]) -> None:
        at = parser.CurrentByteIndex
        state["stack"].append((name, at, attrs))
        depth = len(state["stack"])
        if name == "table:table" and depth == 4:
            state["table"] = attrs["table:name"]
            tables[state["table"]] = {"cells": {}, "other": []}
            state["row"] = 0
        elif name == "table:table-row" and state["table"]:
            state["col"] = 0

    def end(name: str) -> None:
        _, at, attrs = state["stack"].pop()
        depth = len(state["stack"])
        table = state["table"]
        if not table:
            return
        opened = content.index(b">", at)  # (no ">" in the attributes of these files)
        closing = opened + 1 if content[opened - 1:opened] == b"/" else content.index(
            b">", parser.CurrentByteIndex) + 1
        if name == "table:table" and depth == 3:
            state["table"] = None
        elif name == "table:table-row":
            state["row"] += int(attrs.get("table:number-rows-repeated", 1))
        elif name in ("table:table-cell", "table:covered-table-cell") and \
                state["stack"][-1][0] == "table:table-row":
            repeat = int(attrs.get("table:number-columns-repeated", 1))
            rows = int(state["stack"][-1][2].get("table:number-rows-repeated", 1))
            element = _without_ours(re.sub(rb'\stable:number-columns-repeated="\d+"', b"",
                                           content[at:closing], count=1))
            if element not in (b"<table:table-cell/>", b"<table:table-cell></table:table-cell>"):
                for r in range(min(rows, 50)):
                    for c in range(min(repeat, 50)):
                        tables[table]["cells"][(state["row"] + r, state["col"] + c)] = element
            state["col"] += repeat
        elif depth == 4 and name not in ("table:table-row", "table:table-header-rows",
                                         "table:table-rows", "table:table-row-group"):
            element = _without_ours(content[at:closing])
            if element:  # a container that held only our highlights is ours
                tables[table]["other"].append(element)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.Parse(content, True)
    return tables


def _without_ours(element: bytes) -> bytes:
    """An element without omnisheet's notes and highlight formats."""
    element = re.sub(rb"<office:annotation><dc:creator>omnisheet</dc:creator>.*?"
                     rb"</office:annotation>", b"", element, flags=re.S)
    element = re.sub(rb'<text:p><text:span text:style-name="omnisheet-note-marker">.*?'
                     rb"(?=</office:annotation>)", b"", element, flags=re.S)
    element = re.sub(rb"<calcext:conditional-format\b(?:(?!</calcext:conditional-format>).)*"
                     rb'apply-style-name="omnisheet-(?:error|warning)".*?'
                     rb"</calcext:conditional-format>", b"", element, flags=re.S)
    element = element.replace(b"<calcext:conditional-formats></calcext:conditional-formats>",
                              b"")
    return re.sub(rb"^(<table:(?:covered-)?table-cell\b[^>]*?)></table:(?:covered-)?table-cell>$",
                  rb"\1/>", element)


@pytest.fixture(scope="module")
def insurer_ods(tmp_path_factory):
    folder = tmp_path_factory.mktemp("assureur-ods")
    source = folder / "assureur.ods"
    _uno("edit", SAMPLES / "retail-fr.xlsx", INSURER_OPS, source, "--locale", "fr-FR")
    out, again = folder / "assureur-vérifié.ods", folder / "assureur-revérifié.ods"
    _check(source, out)
    _check(out, again)
    return source, out, again


pytestmark = pytest.mark.libreoffice


def test_an_ods_plan_checked_is_its_own_ods_with_unchanged_parts_byte_identical(
        soffice, uno_python, insurer_ods):
    source, out, _ = insurer_ods
    before, after = parts(source), parts(out)
    assert list(before) == list(after)  # every part, the manifest's folders too, in order
    assert {n for n in before if before[n] != after[n]} == PATCHED
    # styles.xml: the team's styles as they were, the two highlight styles added
    old, new = before["styles.xml"].decode(), after["styles.xml"].decode()
    added = re.findall(r'<style:style style:name="omnisheet-\w+".*?</style:style>', new)
    assert len(added) == 2
    for style in added:
        new = new.replace(style, "")
    assert new == old
    meta = after["meta.xml"].decode()
    assert re.sub(r'<meta:user-defined meta:name="omnisheet-[^"]+">[^<]*</meta:user-defined>',
                  "", meta) == before["meta.xml"].decode()


def test_the_teams_tables_are_kept_cell_by_cell(soffice, uno_python, insurer_ods):
    source, out, _ = insurer_ods
    before = table_cells(parts(source)["content.xml"])
    after = table_cells(parts(out)["content.xml"])
    assert list(after) == list(before) + ADDED_FR
    for name, table in before.items():
        assert after[name]["cells"] == table["cells"], name
        assert after[name]["other"] == table["other"], name
    content_before, content_after = parts(source)["content.xml"], parts(out)["content.xml"]
    for element in (b"table:named-expressions", b"table:database-ranges",
                    b"table:content-validations"):
        old = re.findall(rb"<" + element + rb">.*?</" + element + rb">", content_before, re.S)
        assert old and all(e in content_after for e in old), element


def test_libreoffice_reads_their_work_and_our_notes_and_highlights_back(
        soffice, uno_python, insurer_ods):
    source, out, again = insurer_ods
    made, seen = _uno("inspect", source, ASK), _uno("inspect", out, ASK)
    assert seen["sheets"] == made["sheets"] + ADDED_FR
    for key in ("links", "merged", "hidden_columns", "filters", "formats", "formulas",
                "values"):
        assert seen[key] == made[key], key
    assert made["filters"]["Cas d'usage"]["hidden_rows"] > 0
    assert made["formats"] == {"Mesures!H2": "0%", "Scénarios!K2": "HH:MM:SS",
                               "Mesures!G3": "DD/MM/YYYY"}
    assert made["values"][f"{NOTES}!B10"] == 8
    theirs, checked = made["annotations"]["Cas d'usage"], seen["annotations"]["Cas d'usage"]
    assert checked["C3"] == theirs["C3"] == "À revoir avec la DSI"
    assert checked["A4"].startswith("Sponsor : la DRC\nomnisheet:\n")
    assert "top-use-case-without-scenario" in checked["A4"]
    assert {k: v for k, v in checked.items() if k != "A4"} == {
        k: v for k, v in theirs.items() if k != "A4"}
    noted = seen["annotations"]["Messages"]["C11"]  # a cell of theirs without annotation
    assert "C11" not in made["annotations"]["Messages"]
    assert noted.startswith("omnisheet:\nErreur — ") and "(Détail" in noted
    # the cell at fault (a warning) highlighted in amber by a style LibreOffice has
    assert made["highlights"]["'Cas d''usage'!A4"] == []
    style, formula, colour = seen["highlights"]["'Cas d''usage'!A4"][-1]
    assert (style, formula, f"#{colour:06X}") == ("omnisheet-warning", "TRUE()", "#FCE5CD")
    assert seen["highlights"]["Mesures!H2"] == []


def test_checking_the_checked_ods_gives_the_same_file(soffice, uno_python, insurer_ods):
    _, out, again = insurer_ods
    first, second = parts(out), parts(again)
    assert list(first) == list(second)
    assert [n for n in first if first[n] != second[n]] == []


def test_the_findings_tab_holds_the_rows_of_the_xlsx_path(soffice, uno_python, insurer_ods,
                                                          tmp_path):
    from python_calamine import CalamineWorkbook

    source, out, _ = insurer_ods
    rebuilt = tmp_path / "assureur.xlsx"
    _check(source, rebuilt)  # -o name.xlsx: converted, as before
    xlsx = [list(r) for r in openpyxl.load_workbook(rebuilt, read_only=True)["Constats"]
            .iter_rows(values_only=True)]
    ods = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Constats").to_python()

    def same(rows: list) -> list:
        return [[float(v) if isinstance(v, int | float) and not isinstance(v, bool) else
                 ("" if v is None else v) for v in row[:7]] for row in rows if any(row)]

    assert len(ods) > 20
    assert same(ods) == same(xlsx)


def test_a_fixed_finding_leaves_no_note_and_no_highlight(soffice, uno_python, insurer_ods,
                                                         tmp_path):
    """The team fixes the value behind a finding in the checked .ods (in LibreOffice) and
    checks again: its note and highlight are gone; their annotation is as they wrote it."""
    _, out, _ = insurer_ods
    ask = {"annotations": ["Messages"], "highlights": ["Messages!C11"], "values": []}
    seen = _uno("inspect", out, ask)
    assert seen["highlights"]["Messages!C11"][-1][0] == "omnisheet-error"
    assert seen["annotations"]["Messages"]["C11"].startswith("omnisheet:")
    fixed = tmp_path / "corrigé.ods"
    _uno("edit", out, [{"sheet": "Messages", "cell": "C11", "value": "Email"}], fixed,
         "--locale", "fr-FR")
    again = tmp_path / "corrigé-vérifié.ods"
    _check(fixed, again)
    seen = _uno("inspect", again, ask | {"annotations": ["Messages", "Cas d'usage"]})
    assert seen["sheets"][-3:] == ADDED_FR and len(seen["sheets"]) == len(set(seen["sheets"]))
    assert "C11" not in seen["annotations"]["Messages"]
    assert seen["highlights"]["Messages!C11"] == []
    assert seen["annotations"]["Cas d'usage"]["A4"].count("omnisheet:") == 1


def test_a_folder_of_ods_plans_gets_ods_checked_workbooks_and_skips_them_next_time(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    plan = folder / "équipe.ods"
    subprocess.run(["soffice", "--headless", "--convert-to", "ods", "--outdir", str(folder),
                    str(SAMPLES / "retail-fr.xlsx")], capture_output=True, timeout=120,
                   check=True)
    (folder / "retail-fr.ods").rename(plan)
    checked = tmp_path / "vérifiés"
    done = subprocess.run([OMNISHEET, "check", str(folder), "-o", str(checked), "--fail-on",
                           "never"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in checked.iterdir()] == ["équipe.ods"]
    (folder / "équipe-vérifié.ods").write_bytes((checked / "équipe.ods").read_bytes())
    done = subprocess.run([OMNISHEET, "check", str(folder), "--fail-on", "never"],
                          capture_output=True, text=True, timeout=300)
    assert "1 plan vérifié" in done.stdout and "laissé de côté" in done.stdout


# --- the stream, without LibreOffice ----------------------------------------------------------

_CONTENT = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="o" '
    b'xmlns:table="t" xmlns:text="x" xmlns:style="s" xmlns:fo="f" xmlns:dc="d" '
    b'xmlns:calcext="c" xmlns:number="n" xmlns:xlink="l"><office:automatic-styles>'
    b'<style:style style:name="ce1" style:family="table-cell"/></office:automatic-styles>'
    b"<office:body><office:spreadsheet><table:content-validations/>"
    b'<table:table table:name="Plan"><table:table-column table:number-columns-repeated="3"/>'
    b'<table:table-row table:number-rows-repeated="3"><table:table-cell '
    b'table:number-columns-repeated="3" table:style-name="ce1"/></table:table-row>'
    b'<table:table-row><table:table-cell office:value-type="string"><office:annotation>'
    b"<text:p>Theirs</text:p></office:annotation><text:p>a &amp; b</text:p></table:table-cell>"
    b"</table:table-row></table:table><table:named-expressions/></office:spreadsheet>"
    b"</office:body></office:document-content>")


def test_the_content_stream_gives_the_same_bytes_wherever_its_pieces_are_cut():
    changes = Changes(notes={"Plan": {(1, 1): "Error — x < y\n(see code)",
                                      (3, 0): "Warning"}},
                      highlight_styles={"omnisheet-error"},
                      formats={"Plan": b'<calcext:conditional-format calcext:target-range-'
                                       b'address="Plan.B2"><calcext:condition calcext:apply-'
                                       b'style-name="omnisheet-error"/>'
                                       b"</calcext:conditional-format>"},
                      tables=lambda: [b'<table:table table:name="Ours"/>'])
    whole = b"".join(patch([_CONTENT], changes))
    for cut in range(1, len(_CONTENT)):
        assert b"".join(patch([_CONTENT[:cut], _CONTENT[cut:]], changes)) == whole
    text = whole.decode()
    assert text.index('table:name="Ours"') > text.index("</table:table>")
    assert text.index('table:name="Ours"') < text.index("<table:named-expressions")
    assert '<table:table-row table:number-rows-repeated="1"' not in text
    # row 2 of 3 repeated rows split out, its second cell noted, the cell style kept
    assert text.count("<table:table-row") == 4
    assert ('<table:table-cell table:style-name="ce1"><office:annotation><dc:creator>omnisheet'
            in text)
    assert "<text:p>Error — x &lt; y</text:p><text:p>(see code)</text:p>" in text
    assert "<text:p>Theirs</text:p><text:p><text:span" in text  # theirs first, ours after
    undone = b"".join(patch([whole], Changes(drop_tables={"Ours"},
                                             highlight_styles={"omnisheet-error"})))
    assert b"omnisheet:" not in undone and b"Ours" not in undone
    assert b"calcext:conditional-format" not in undone
    assert b"<text:p>Theirs</text:p></office:annotation><text:p>a &amp; b</text:p>" in undone
    assert b"".join(patch([undone], changes)) == whole


def test_the_sample_ods_checked_twice_is_the_same_file_and_keeps_its_parts(tmp_path):
    source = SAMPLES / "retail-fr.ods"
    first, second = tmp_path / "once.ods", tmp_path / "twice.ods"
    _check(source, first)
    _check(first, second)
    before, after = parts(source), parts(first)
    assert list(before) == list(after)
    assert {n for n in before if before[n] != after[n]} == PATCHED
    assert parts(second) == after
    names = re.findall(rb'<table:table table:name="([^"]*)"', after["content.xml"])
    assert [n.decode() for n in names[-3:]] == ADDED_FR


def test_the_thousand_note_limit_stays_errors_first_in_an_ods(tmp_path):
    """Past MAX_COMMENTS cells at fault, the notes go to errors first; every error and
    warning stays highlighted."""
    import dataclasses

    from omnisheet import check
    from omnisheet.outputs.workbook import write
    from omnisheet.outputs.workbook.checked import MAX_COMMENTS
    from omnisheet.plan.model import ERROR, WARNING
    from omnisheet.read.reader import load

    plan = load(SAMPLES / "retail-fr.ods")
    report = check(plan)
    one = next(f for f in report.findings if f.sheet == "Cas d'usage")
    warned = [dataclasses.replace(one, severity=WARNING, row=2 + i, column=8)
              for i in range(MAX_COMMENTS)]
    errors = [dataclasses.replace(one, severity=ERROR, row=2 + i, column=9) for i in range(300)]
    report = dataclasses.replace(report, findings=(*warned, *errors))
    out = write(plan, tmp_path / "out.ods", report=report, team_file=True)
    content = parts(out)["content.xml"]
    cells = re.findall(rb"<table:table-cell\b(?:(?!</table:table-cell>).)*?<dc:creator>omnisheet"
                       rb"</dc:creator>", content, re.S)
    assert len(cells) == MAX_COMMENTS
    ranges = re.findall(rb'target-range-address="([^"]*)"><calcext:condition calcext:apply-'
                        rb'style-name="omnisheet-(error|warning)"', content)
    highlighted = {kind: sum(r.count(b"'Cas d''usage'.") for r, k in ranges if k == kind)
                   for kind in (b"error", b"warning")}
    assert highlighted == {b"error": 300, b"warning": MAX_COMMENTS}
    # the 300 errors all noted: their notes name the error word
    assert content.count("Erreur — ".encode()) >= 300


_HEAD = _CONTENT[:_CONTENT.index(b'<table:table table:name="Plan">')]
_TAIL = b"</office:spreadsheet></office:body></office:document-content>"
_cell = st.sampled_from([b"<table:table-cell/>", b'<table:table-cell table:style-name="ce1"/>',
                         b'<table:table-cell office:value-type="float" office:value="3">'
                         b"<text:p>3</text:p></table:table-cell>",
                         b"<table:table-cell><office:annotation><text:p>Theirs</text:p>"
                         b"</office:annotation><text:p>x</text:p></table:table-cell>",
                         b'<table:covered-table-cell table:style-name="ce1"/>'])
_row = st.tuples(st.integers(1, 4), st.lists(st.tuples(st.integers(1, 4), _cell), min_size=1,
                                               max_size=4))


def _table(rows: list) -> bytes:
    out = [b'<table:table table:name="Plan">']
    for repeat, cells in rows:
        attrs = f' table:number-rows-repeated="{repeat}"'.encode() if repeat > 1 else b""
        out.append(b"<table:table-row" + attrs + b">")
        for times, cell in cells:
            if times > 1:
                cell = cell.replace(b" ", f' table:number-columns-repeated="{times}" '.encode(),
                                    1) if b" " in cell.split(b">")[0] else cell.replace(
                    b"<table:table-cell", f'<table:table-cell table:number-columns-repeated='
                    f'"{times}"'.encode(), 1)
            out.append(cell)
        out.append(b"</table:table-row>")
    return b"".join(out) + b"</table:table>"


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(_row, min_size=1, max_size=5),
       notes=st.sets(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=6))
def test_any_table_with_any_notes_keeps_its_cells_and_undoes_to_the_same_patch(rows, notes):
    content = _HEAD + _table(rows) + _TAIL
    changes = Changes(notes={"Plan": {cell: f"note {cell}" for cell in notes}},
                      highlight_styles={"omnisheet-error"},
                      tables=lambda: [b'<table:table table:name="Ours"/>'])
    patched = b"".join(patch([content[:97], content[97:]], changes))
    before, after = table_cells(content)["Plan"], table_cells(patched)["Plan"]
    assert after["cells"] == {k: v for k, v in before["cells"].items()
                              if k in after["cells"]}
    assert set(before["cells"]) <= set(after["cells"])
    for row, column in notes:  # each noted cell says its note, once
        said = re.findall(rb"note \(" + str(row).encode() + rb", " + str(column).encode()
                          + rb"\)", patched)
        assert len(said) == 1
    undone = b"".join(patch([patched], Changes(drop_tables={"Ours"},
                                               highlight_styles={"omnisheet-error"})))
    assert b"note (" not in undone and b"Ours" not in undone
    assert b"".join(patch([undone], changes)) == patched


# --- the maps' slots for outgrown lists ---------------------------------------------------

def _lists_cell(source: Path, title: str, place: int) -> str:
    """The Lists tab's cell of a list's `place`th entry (1-based)."""
    from openpyxl.utils import get_column_letter

    lists = openpyxl.load_workbook(source, read_only=True)["Lists"]
    header = next(lists.iter_rows(max_row=1, values_only=True))
    return f"Lists!{get_column_letter(header.index(title) + 1)}{place + 1}"


@pytest.fixture(scope="module")
def outgrown_ods(tmp_path_factory):
    """The hotel plan whose lists outgrew the maps (22 channels, 13 stages, 16 targets, 11
    relationship stages), saved by LibreOffice as .ods, checked, and checked again."""
    from support.libreoffice import convert
    from team_files import hotel
    from test_team_file import _outgrown

    folder = tmp_path_factory.mktemp("grown-ods")
    grown = _outgrown(hotel(folder / "hotel.xlsx"), folder / "grown.xlsx")
    source = convert(grown, "ods", folder / "ods")
    out, again = folder / "checked.ods", folder / "again.ods"
    _check(source, out)
    _check(out, again)
    return grown, source, out, again


def test_lists_that_outgrew_the_maps_get_slots_in_the_teams_ods(soffice, uno_python,
                                                                 outgrown_ods, tmp_path):
    from support.libreoffice import convert

    from omnisheet.read.reader import load

    grown, source, out, again = outgrown_ods
    # LibreOffice computes the new headers from the lists, as in the template's slots.
    saved = openpyxl.load_workbook(convert(out, "xlsx", tmp_path / "calc", recalc=True),
                                   data_only=True)
    journey, scenario = saved["Journey map"], saved["Scenario map"]
    assert [journey[ref].value for ref in ("A22", "A23", "A24", "X1", "Z1")] == [
        "Channel 20", "Channel 21", "Channel 22", "Stage 12", "Stage 13"]
    assert [journey["Z2"].value, journey["AA2"].value] == ["Touchpoint", "Status"]
    assert "Z1:AA1" in {str(r) for r in journey.merged_cells.ranges}
    assert journey.column_dimensions["AA"].width == pytest.approx(
        journey.column_dimensions["Y"].width, abs=0.1)
    assert [scenario["A16"].value, scenario["A17"].value, scenario["L1"].value] == [
        "Target 15", "Target 16", "Step 11"]
    # The new slots are the last ones made again: drop-downs and status colours included.
    ask = {"highlights": ["'Journey map'!AA24", "'Journey map'!Z3", "'Journey map'!X3"],
           "formulas": ["'Journey map'!A24", "'Journey map'!Z2", "'Scenario map'!L1"],
           "validations": ["'Journey map'!Y22", "'Journey map'!AA24", "'Journey map'!Y24",
                           "'Scenario map'!B17"], "values": []}
    seen = _uno("inspect", out, ask)
    assert seen["formulas"] == {
        "'Journey map'!A24": '=IF(INDEX(list_channel;22)="";"";INDEX(list_channel;22))',
        "'Journey map'!Z2": '=IF(Z1="";"";"Touchpoint")',
        "'Scenario map'!L1": '=IF(INDEX(list_relationship_stage;11)="";"";'
                             'INDEX(list_relationship_stage;11))'}
    rules = seen["validations"]
    assert rules["'Journey map'!AA24"] == rules["'Journey map'!Y24"] == rules[
        "'Journey map'!Y22"] and "list_touchpoint_status" in rules["'Journey map'!Y22"][1]
    assert rules["'Scenario map'!B17"][0] != 0  # (0: any value, no drop-down)
    colours = {ref: sorted(c for _, _, c in found) for ref, found in seen["highlights"].items()}
    assert colours["'Journey map'!Z3"] == colours["'Journey map'!X3"] != []
    assert colours["'Journey map'!AA24"] == colours["'Journey map'!X3"]
    assert all("AA" in formula for _, formula, _ in seen["highlights"]["'Journey map'!Z3"])
    # The team renames the 22nd channel and fills the new slot in LibreOffice: the header
    # follows the list, and the next check reads what they typed.
    filled = tmp_path / "filled.ods"
    _uno("edit", out, [{"sheet": "Lists", "cell": _lists_cell(grown, "Channels", 22)
                        .split("!")[1], "value": "Kiosk"},
                       {"sheet": "Journey map", "cell": "Z24", "value": "Queue at the kiosk"},
                       {"sheet": "Journey map", "cell": "AA24", "value": "Friction"},
                       {"sheet": "Scenario map", "cell": "L17", "value": "SC-001"}], filled)
    plan = load(filled)
    assert ("Stage 13", "Kiosk", "friction") in {
        (t.stage, t.channel, t.status) for t in plan.touchpoints}
    assert ("Step 11", "Target 16") in {(p.relationship_stage, p.target)
                                        for p in plan.placements}
    # Checked again: the slots are the team's now; nothing more is added.
    first, second = parts(out), parts(again)
    assert [n for n in first if first[n] != second[n]] == []
    # Their cells elsewhere as they were; in the maps, every cell of theirs kept.
    before = table_cells(parts(source)["content.xml"])
    after = table_cells(first["content.xml"])
    for name, table in before.items():
        if name in ("Journey map", "Scenario map"):
            assert {k: after[name]["cells"].get(k) for k in table["cells"]} == table["cells"]
            assert len(after[name]["cells"]) > len(table["cells"])
        else:
            assert after[name]["cells"] == table["cells"], name
            assert after[name]["other"] == table["other"], name


_MAP = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="o" '
    b'xmlns:table="t" xmlns:text="x" xmlns:calcext="c"><office:body><office:spreadsheet>'
    b'<table:table table:name="Map"><table:table-column table:style-name="co1"/>'
    b'<table:table-column table:style-name="co2" table:number-columns-repeated="2"/>'
    b'<table:table-column table:number-columns-repeated="1021"/>'
    b'<table:table-row table:style-name="ro1"><table:table-cell office:value-type="string">'
    b"<text:p>T \\ S</text:p></table:table-cell>"
    + b"".join(f'<table:table-cell table:style-name="h" table:formula="of:=IF(INDEX(list_s;{n})'
               f'=&quot;&quot;;&quot;&quot;;INDEX(list_s;{n}))" office:value-type="string" '
               f'office:string-value="{v}"><text:p>{v}</text:p></table:table-cell>'.encode()
               for n, v in ((1, "a"), (2, "b")))
    + b"</table:table-row>"
    + b"".join(f'<table:table-row table:style-name="ro2"><table:table-cell table:formula="of:='
               f'INDEX(list_t;{n})" office:value-type="string" office:string-value="{v}">'
               f'<text:p>{v}</text:p></table:table-cell><table:table-cell table:style-name="c" '
               f'table:content-validation-name="v1" table:number-columns-repeated="2"/>'
               "</table:table-row>".encode() for n, v in ((1, "t1"), (2, "t2")))
    + b'<table:table-row table:number-rows-repeated="1000"><table:table-cell '
    b'table:number-columns-repeated="3"/></table:table-row><calcext:conditional-formats>'
    b'<calcext:conditional-format calcext:target-range-address="Map.C2:Map.C3">'
    b'<calcext:condition calcext:apply-style-name="Good" calcext:value="formula-is([.C2]='
    b'&quot;x&quot;)" calcext:base-cell-address="Map.C2"/></calcext:conditional-format>'
    b'<calcext:conditional-format calcext:target-range-address="Map.C3"><calcext:condition '
    b'calcext:apply-style-name="omnisheet-error" calcext:value="formula-is(TRUE())" '
    b'calcext:base-cell-address="Map.C3"/></calcext:conditional-format>'
    b"</calcext:conditional-formats></table:table>"
    b'<table:table table:name="Other"><table:table-row><table:table-cell office:value-type='
    b'"string"><text:p>INDEX(list_s;2)</text:p></table:table-cell></table:table-row>'
    b"</table:table></office:spreadsheet></office:body></office:document-content>")


def test_a_map_table_grows_by_a_row_and_a_column_whatever_its_pieces():
    """Lists of 3 on a map drawn with 2 × 2 slots: a row and a column made like the last
    ones, the repeated rows and columns after them shortened by as many, the table's size
    kept; grown again, nothing changes."""
    from omnisheet.outputs.workbook.ods.slots import grow
    from omnisheet.outputs.workbook.outgrown import Outgrown
    from omnisheet.plan.layout import MapGrid

    maps = {"Map": Outgrown("Map", MapGrid(across=("a", "b"), down=("t1", "t2")),
                            ("a", "b", "c"), ("t1", "t2", "t3"))}
    ours = {"omnisheet-error"}
    whole = b"".join(grow([_MAP], maps, ours))
    for cut in range(1, len(_MAP), 5):
        assert b"".join(grow([_MAP[:cut], _MAP[cut:]], maps, ours)) == whole
    text = whole.decode()
    assert text[text.index('table:name="Other"') - 12:] == \
        _MAP.decode()[_MAP.decode().index('table:name="Other"') - 12:]
    cells = table_cells(whole)["Map"]["cells"]
    assert b'INDEX(list_s;3))" office:value-type="string" office:string-value="c"' in cells[
        (0, 3)] and cells[(0, 3)].endswith(b"<text:p>c</text:p></table:table-cell>")
    assert b'of:=INDEX(list_t;3)" office:value-type="string" office:string-value="t3"' in cells[
        (3, 0)]
    blank = b'<table:table-cell table:style-name="c" table:content-validation-name="v1"/>'
    assert cells[(1, 3)] == cells[(2, 3)] == cells[(3, 3)] == cells[(3, 1)] == blank
    assert re.findall(rb'number-(?:rows|columns)-repeated="(\d+)"', whole)[:2] == [b"2", b"1020"]
    assert b'<table:table-row table:number-rows-repeated="999">' in whole
    assert b'<table:table-column table:style-name="co2"/><table:table-column table:' \
        b'number-columns-repeated="1020"/>' in whole
    assert ('target-range-address="Map.C2:Map.C4"><calcext:condition calcext:apply-style-name='
            '"Good" calcext:value="formula-is([.C2]=&quot;x&quot;)"') in text
    assert ('target-range-address="Map.D2:Map.D4"><calcext:condition calcext:apply-style-name='
            '"Good" calcext:value="formula-is([.D2]=&quot;x&quot;)" calcext:base-cell-address='
            '"Map.D2"') in text
    assert text.count("omnisheet-error") == 1  # a previous check's highlight is not copied
    assert b"".join(grow([whole], maps, ours)) == whole
