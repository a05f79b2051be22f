"""The checked workbook is the team's own file: what they made is there as they made it,
omnisheet's tabs, highlights and notes are added, and a second check takes the first one's
additions out before adding its own (issue 28)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import openpyxl.comments
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from team_files import (
    INSURER_OPS,
    NOTES_EN,
    NOTES_FR,
    SAMPLES,
    comment_texts,
    hotel,
    list_entries,
    ours,
    parts,
    related,
    sheet_parts,
    tail_elements,
)

from omnisheet.outputs.workbook.package.sheet import tail
from omnisheet.outputs.workbook.package.xmlspans import spans

OMNISHEET = str(Path(sys.executable).parent / "omnisheet")
ADDED_EN = ["Findings", "Dashboard", "Contact pressure"]
ADDED_FR = ["Constats", "Tableau de bord", "Pression commerciale"]


def _check(cli, source: Path, out: Path) -> None:
    """`omnisheet check source -o out` in a process of its own, as a team runs it (checks
    run one after the other in one process do not always draw the Contact pressure tab
    alike: found while writing these tests, left to its own fix)."""
    del cli
    result = subprocess.run([OMNISHEET, "check", str(source), "-o", str(out), "--fail-on",
                             "never", "--force"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def _findings(out: Path) -> set[tuple[str, str, str]]:
    rows = openpyxl.load_workbook(out, read_only=True)[_added(out)[0]].iter_rows(
        min_row=2, values_only=True)
    return {(r[1], r[2], r[3]) for r in rows if r[1]}


def _added(out: Path) -> list[str]:
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    return names[-3:]


def _outgrown_maps(source: Path) -> set[str]:
    """The map tabs whose list holds more entries than the template draws slots for."""
    from omnisheet.plan.layout import list_slots
    from omnisheet.read.reader import load

    plan = load(source)
    d = plan.definition
    return {plan.sheet(tab.key) for tab in d.tabs if tab.across is not None and (
        len(list_slots(plan, tab.across.list, d)) > tab.across.slots
        or len(list_slots(plan, tab.down.list, d)) > tab.down.slots)}


def assert_map_kept(source: Path, out: Path, sheet: str) -> None:
    """A map given new slots keeps every cell of the team's (value, formula, format), its
    merges, and its drop-downs and colours on every cell they covered."""
    part = sheet_parts(source)[sheet]
    cell = re.compile(rb'<c r="([A-Z]+[0-9]+)"(?:[^>]*/>|.*?</c>)', re.S)
    old_cells = {m.group(1): m.group(0) for m in cell.finditer(parts(source)[part])}
    new_cells = {m.group(1): m.group(0) for m in cell.finditer(parts(out)[part])}
    assert {ref: new_cells.get(ref) for ref in old_cells} == old_cells  # to the byte
    before = openpyxl.load_workbook(source)[sheet]
    after = openpyxl.load_workbook(out)[sheet]
    assert {str(r) for r in before.merged_cells.ranges} <= {
        str(r) for r in after.merged_cells.ranges}

    from openpyxl.utils import get_column_letter, range_boundaries

    def cells_of(sqref) -> set[str]:
        out = set()
        for ref in str(sqref).split():
            low_col, low_row, high_col, high_row = range_boundaries(ref)
            out |= {f"{get_column_letter(c)}{r}" for c in range(low_col, high_col + 1)
                    for r in range(low_row, high_row + 1)}
        return out

    for dv in before.data_validations.dataValidation:
        still = set().union(*[cells_of(other.sqref) for other in
                              after.data_validations.dataValidation
                              if (other.type, other.formula1) == (dv.type, dv.formula1)])
        assert cells_of(dv.sqref) <= still
    old_rules = {str(r.sqref): [x.formula for x in r.rules] for r in before.conditional_formatting}
    new_rules = [(r.sqref, [x.formula for x in r.rules]) for r in after.conditional_formatting]
    for ref, formulas in old_rules.items():
        still = set().union(*[cells_of(sqref) for sqref, f in new_rules if f == formulas])
        assert cells_of(ref) <= still


def assert_team_file_kept(source: Path, out: Path) -> None:
    """Every part of the team's package is in the output; those omnisheet has no reason to
    change byte for byte, the others element by element."""
    before, after = parts(source), parts(out)
    assert set(before) <= set(after)
    names = sheet_parts(source)
    may_change = {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                  "xl/_rels/workbook.xml.rels", "xl/styles.xml", "docProps/custom.xml",
                  "docProps/app.xml"}
    for part in names.values():
        if before[part] != after[part]:
            may_change |= {part} | related(before, part)
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= may_change
    grown = {names[sheet] for sheet in _outgrown_maps(source) if sheet in names}
    for sheet in _outgrown_maps(source):  # slots added: what the team had is all there
        assert_map_kept(source, out, sheet)
    for part in set(names.values()) & changed - grown:  # a sheet with highlights or notes
        end = before[part].rfind(b"sheetData")
        assert after[part][:end] == before[part][:end]  # its cells, columns, panes, views
        kept = [e for e in tail_elements(after[part]) if not ours(e)]
        if b"legacyDrawing" not in before[part]:
            kept = [e for e in kept if b"legacyDrawing" not in e[:20]]
        assert kept == tail_elements(before[part])  # merges, filter, links, validations...
    for name in changed:
        if re.fullmatch(r"xl/comments\d*\.xml|xl/\w+/comments\d*\.xml", name):
            old, new = comment_texts(before[name]), comment_texts(after[name])
            assert all(new[ref].startswith(text) for ref, text in old.items())
    old_styles, new_styles = list_entries(before["xl/styles.xml"]), list_entries(
        after["xl/styles.xml"])
    for key, entries in old_styles.items():
        assert new_styles[key][:len(entries)] == entries, key
    old_book = [s for s in spans(before["xl/workbook.xml"], 2) if s.local in (
        "sheet", "definedName", "workbookView")]
    new_book = spans(after["xl/workbook.xml"], 2)
    new_texts = {after["xl/workbook.xml"][s.start:s.end] for s in new_book}
    assert all(before["xl/workbook.xml"][s.start:s.end] in new_texts for s in old_book)
    for rels in (n for n in before if n.endswith(".rels")):
        old = set(re.findall(rb"<Relationship\b[^>]*>", before[rels]))
        assert old <= set(re.findall(rb"<Relationship\b[^>]*>", after[rels]))


def assert_same_package(first: Path, second: Path) -> None:
    a, b = parts(first), parts(second)
    assert set(a) == set(b)
    assert [n for n in a if a[n] != b[n]] == []


@pytest.fixture(scope="module")
def hotel_checked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hotel")
    source = hotel(folder / "hotel.xlsx")
    out, again = folder / "hotel-checked.xlsx", folder / "hotel-checked-again.xlsx"
    _check(None, source, out)
    _check(None, out, again)
    return source, out, again


def test_hotel_file_comes_back_whole_with_our_tabs_after_theirs(hotel_checked):
    source, out, _ = hotel_checked
    assert_team_file_kept(source, out)
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[0] == NOTES_EN
    assert workbook.sheetnames[-3:] == ADDED_EN
    notes = workbook[NOTES_EN]
    assert notes["B10"].value == "=A10*2"
    assert "A1:D1" in {str(r) for r in notes.merged_cells.ranges}
    assert notes["A3"].hyperlink.target == "https://intranet.example/workshop"
    uses = workbook["Use cases"]
    assert uses.column_dimensions["E"].hidden
    assert uses.auto_filter.ref == "A1:R40"
    assert uses.freeze_panes == "C2"
    assert sum(uses.row_dimensions[r].hidden for r in range(2, 41)) > 0
    assert uses["C3"].comment.text == "Check with IT"
    said = uses["A2"].comment.text  # the team's comment, then omnisheet's note
    assert said.startswith("Sponsor: the COO") and "omnisheet:" in said
    assert "top-use-case-without-scenario" in said
    measures = workbook["Touchpoint measures"]
    assert measures["H2"].number_format == "0%" and measures["H2"].value == 0.35
    assert measures["G3"].is_date and measures["G3"].number_format == "dd/mm/yyyy"
    specs = workbook["Scenario specs"]
    assert specs["K2"].number_format == "hh:mm"
    assert specs["K2"].value == dt.time(18, 0)  # a time, not the text "18:00:00"


def test_checking_the_checked_hotel_file_gives_the_same_file(hotel_checked):
    _, out, again = hotel_checked
    assert_same_package(out, again)


def _with_excel_titles(source: Path, target: Path) -> Path:
    """`source` with the tab list Excel keeps in docProps/app.xml (French headings, and a
    named range listed after the tabs)."""
    import zipfile

    tabs = openpyxl.load_workbook(source, read_only=True).sheetnames
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    titles = "".join(f"<vt:lpstr>{t}</vt:lpstr>" for t in tabs)
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
           '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           f'xmlns:vt="{vt}"><Application>Microsoft Excel</Application><HeadingPairs>'
           '<vt:vector size="4" baseType="variant"><vt:variant><vt:lpstr>Feuilles de calcul'
           f'</vt:lpstr></vt:variant><vt:variant><vt:i4>{len(tabs)}</vt:i4></vt:variant>'
           '<vt:variant><vt:lpstr>Plages nommées</vt:lpstr></vt:variant><vt:variant><vt:i4>1'
           f'</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size='
           f'"{len(tabs) + 1}" baseType="lpstr">{titles}<vt:lpstr>Budget</vt:lpstr>'
           '</vt:vector></TitlesOfParts></Properties>')
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            new.writestr(item, app if item.filename == "docProps/app.xml" else
                         old.read(item.filename))
        if "docProps/app.xml" not in old.namelist():
            raise AssertionError("the hotel file has no extended properties")
    return target


def _titles(path: Path) -> tuple[list[str], list[str]]:
    import zipfile

    data = zipfile.ZipFile(path).read("docProps/app.xml")
    found = spans(data, 4)
    return ([s.text for s in found if s.local == "i4"],
            [s.text for s in found if s.local == "lpstr" and s.depth == 3])


def test_the_tab_list_file_browsers_show_follows_the_tabs(tmp_path):
    source = _with_excel_titles(hotel(tmp_path / "plain.xlsx"), tmp_path / "hotel.xlsx")
    tabs = openpyxl.load_workbook(source, read_only=True).sheetnames
    out, again = tmp_path / "checked.xlsx", tmp_path / "again.xlsx"
    _check(None, source, out)
    assert _titles(out) == ([str(len(tabs) + 3), "1"], tabs + ADDED_EN + ["Budget"])
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == tabs + ADDED_EN
    _check(None, out, again)
    assert_same_package(out, again)
    assert_team_file_kept(source, out)


def test_highlights_are_conditional_formats_on_the_cells_at_fault(hotel_checked):
    _, out, _ = hotel_checked
    workbook = openpyxl.load_workbook(out)
    findings = _findings(out)
    assert ("value-not-in-list", "Use cases", "G12") in findings
    ranges = {str(cf.sqref): [r.formula for r in cf.rules]
              for cf in workbook["Use cases"].conditional_formatting}
    highlighted = {cell for sqref, formulas in ranges.items() if formulas == [["TRUE"]]
                   for cell in sqref.split()}
    assert {"G12", "A2"} <= highlighted
    comment = workbook["Use cases"]["G12"].comment
    assert comment is not None and comment.text.startswith("omnisheet:")


def test_a_fixed_finding_leaves_no_highlight_and_no_note_and_their_comment_stays(
        hotel_checked, tmp_path, cli):
    """The team fixes a cell in the checked workbook (saved by Excel: every part rewritten)
    and checks again: the cell is neither highlighted nor noted; their comments are theirs."""
    _, out, _ = hotel_checked
    workbook = openpyxl.load_workbook(out)
    fixed = workbook["Use cases"]
    fixed["G12"] = fixed["G11"].value or fixed["G2"].value
    edited = tmp_path / "fixed.xlsx"
    workbook.save(edited)
    again = tmp_path / "fixed-checked.xlsx"
    _check(cli, edited, again)
    result = openpyxl.load_workbook(again)
    assert result.sheetnames == workbook.sheetnames  # no stale tab, none twice
    assert ("value-not-in-list", "Use cases", "G12") not in _findings(again)
    uses = result["Use cases"]
    assert uses["G12"].comment is None
    cells = {c for cf in uses.conditional_formatting for c in str(cf.sqref).split()
             if [r.formula for r in cf.rules] == [["TRUE"]]}
    assert "G12" not in cells and "A2" in cells
    said = uses["A2"].comment.text
    assert said.startswith("Sponsor: the COO") and said.count("omnisheet:") == 1
    assert uses["C3"].comment.text == "Check with IT"


def test_a_never_checked_plan_and_its_checked_copy_give_the_same_additions(tmp_path, cli):
    first, second = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    _check(cli, SAMPLES / "retail-fr.xlsx", first)
    _check(cli, first, second)
    assert_same_package(first, second)
    assert_team_file_kept(SAMPLES / "retail-fr.xlsx", first)
    assert _added(first) == ADDED_FR


def test_the_thousand_note_limit_stays_errors_first(tmp_path):
    """Past MAX_COMMENTS cells at fault, the notes go to errors first; every cell stays
    highlighted."""
    import dataclasses

    from omnisheet import check
    from omnisheet.outputs.workbook import write
    from omnisheet.outputs.workbook.checked import MAX_COMMENTS
    from omnisheet.plan.model import ERROR, WARNING
    from omnisheet.read.reader import load

    plan = load(SAMPLES / "retail-fr.xlsx")
    report = check(plan)
    one = next(f for f in report.findings if f.sheet == "Cas d'usage")
    warned = [dataclasses.replace(one, severity=WARNING, row=2 + i, column=8)
              for i in range(MAX_COMMENTS)]
    errors = [dataclasses.replace(one, severity=ERROR, row=2 + i, column=9) for i in range(300)]
    report = dataclasses.replace(report, findings=(*warned, *errors))
    out = write(plan, tmp_path / "out.xlsx", report=report, team_file=True)
    sheet = openpyxl.load_workbook(out)["Cas d'usage"]
    noted = {c.coordinate for row in sheet.iter_rows() for c in row
             if c.comment is not None and "omnisheet:" in c.comment.text}
    assert len(noted) == MAX_COMMENTS
    assert {f"I{2 + i}" for i in range(300)} <= noted
    cells = {c for cf in sheet.conditional_formatting for c in str(cf.sqref).split()
             if [r.formula for r in cf.rules] == [["TRUE"]]}
    assert len(cells) == MAX_COMMENTS + 300


def test_an_xlsm_keeps_its_macros_and_an_xlsx_output_drops_them(tmp_path, cli):
    import zipfile

    source = tmp_path / "plan.xlsm"
    with zipfile.ZipFile(SAMPLES / "bank-en.xlsx") as src, zipfile.ZipFile(source, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"spreadsheetml.sheet.main+xml",
                                    b"placeholder").replace(
                    b"application/vnd.openxmlformats-officedocument.placeholder",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
                    b"<Default ", b'<Default Extension="bin" ContentType="application/'
                    b'vnd.ms-office.vbaProject"/><Default ', 1)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="'
                                    b'http://schemas.microsoft.com/office/2006/relationships/'
                                    b'vbaProject" Target="vbaProject.bin"/></Relationships>')
            dst.writestr(info, data)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really a VBA project")
    kept, plain = tmp_path / "checked.xlsm", tmp_path / "checked.xlsx"
    _check(cli, source, kept)
    _check(cli, source, plain)
    assert parts(kept)["xl/vbaProject.bin"] == parts(source)["xl/vbaProject.bin"]
    assert "xl/vbaProject.bin" not in parts(plain)
    assert b"macroEnabled" not in parts(plain)["[Content_Types].xml"]
    assert openpyxl.load_workbook(plain).sheetnames[-3:] == ADDED_EN


# --- made in LibreOffice, reopened in LibreOffice -----------------------------------------

ASK = {
    "annotations": ["Cas d'usage"],
    "links": [f"'{NOTES_FR.replace(chr(39), chr(39) * 2)}'!A3"],
    "merged": [f"'{NOTES_FR.replace(chr(39), chr(39) * 2)}'!A1:D1"],
    "hidden_columns": ["'Cas d''usage'!E"],
    "filters": ["Cas d'usage"],
    "frozen": ["Cas d'usage"],
    "formats": ["Mesures!H2", "Scénarios!K2", "Mesures!G3"],
    "formulas": [f"'{NOTES_FR.replace(chr(39), chr(39) * 2)}'!B10"],
    "values": ["Scénarios!K2", "Mesures!G3", "Mesures!H2"],
}


def _uno(mode: str, source: Path, spec: object, *extra: str | Path) -> dict:
    import tempfile

    from support.libreoffice import run_uno

    script = Path(__file__).parent / "support" / "uno_team.py"
    with tempfile.TemporaryDirectory(prefix="omnisheet-uno-spec-") as folder:
        spec_path = Path(folder) / f"{mode}.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        result = run_uno(script, mode, source, spec_path, *extra)
    return json.loads(result.stdout) if mode == "inspect" else {}


@pytest.mark.libreoffice
def test_insurer_edits_made_in_libreoffice_survive_two_checks(soffice, uno_python, tmp_path, cli):
    source = tmp_path / "assureur.xlsx"
    _uno("edit", SAMPLES / "retail-fr.xlsx", INSURER_OPS, source, "--locale", "fr-FR")
    out, again = tmp_path / "assureur-vérifié.xlsx", tmp_path / "assureur-revérifié.xlsx"
    _check(cli, source, out)
    _check(cli, out, again)
    assert_team_file_kept(source, out)
    assert_same_package(out, again)
    made, seen = _uno("inspect", source, ASK), _uno("inspect", again, ASK)
    assert seen["sheets"] == made["sheets"] + ADDED_FR
    for key in ("links", "merged", "hidden_columns", "filters", "frozen", "formats",
                "formulas", "values"):
        assert seen[key] == made[key], key
    assert made["filters"]["Cas d'usage"]["hidden_rows"] > 0
    assert made["formats"] == {"Mesures!H2": "0%", "Scénarios!K2": "HH:MM:SS",
                               "Mesures!G3": "DD/MM/YYYY"}
    assert made["values"]["Scénarios!K2"] == 0.75  # 18:00, a time
    theirs, checked = made["annotations"]["Cas d'usage"], seen["annotations"]["Cas d'usage"]
    assert checked["C3"] == theirs["C3"] == "À revoir avec la DSI"
    assert checked["A4"].startswith("Sponsor : la DRC") and "omnisheet:" in checked["A4"]
    assert {k: v for k, v in checked.items() if k not in ("A4",)} == {
        k: v for k, v in theirs.items() if k != "A4"} | {
        k: v for k, v in checked.items() if k not in theirs}


@pytest.mark.libreoffice
def test_hotel_checked_reopens_in_libreoffice_with_everything(soffice, uno_python, hotel_checked):
    source, out, _ = hotel_checked
    ask = {"annotations": ["Use cases"], "links": [f"'{NOTES_EN}'!A3"],
           "merged": [f"'{NOTES_EN}'!A1:D1"], "hidden_columns": ["'Use cases'!E"],
           "filters": ["Use cases"], "frozen": ["Use cases"],
           "formats": ["'Touchpoint measures'!H2", "'Scenario specs'!K2",
                       "'Touchpoint measures'!G3"],
           "formulas": [f"'{NOTES_EN}'!B10"], "values": [f"'{NOTES_EN}'!B10"]}
    made, seen = _uno("inspect", source, ask), _uno("inspect", out, ask)
    assert seen["sheets"] == made["sheets"] + ADDED_EN
    for key in ("links", "merged", "hidden_columns", "filters", "frozen", "formats",
                "formulas", "values"):
        assert seen[key] == made[key], key
    assert made["frozen"]["Use cases"] == [2, 1]
    assert made["values"][f"'{NOTES_EN}'!B10"] == 8
    assert seen["annotations"]["Use cases"]["C3"] == "Check with IT"
    assert seen["annotations"]["Use cases"]["A2"].startswith("Sponsor: the COO")
    assert "omnisheet:" in seen["annotations"]["Use cases"]["G12"]


def test_tail_parser_reads_what_follows_the_cells():
    data = (b'<worksheet xmlns="m" xmlns:r="rel"><sheetData><row r="1"><c r="A1"><v>1</v></c>'
            b'</row></sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
            b'<pageMargins left="0.7"/></worksheet>')
    t = tail(data)
    assert [s.local for s in t.top()] == ["mergeCells", "pageMargins"]
    assert t.insert_at("conditionalFormatting") == t.top()[1].start


# --- any template, filled at random, with random team edits, checked twice ------------------

_TEMPLATES: dict[str, Path] = {}


def _template(lang: str) -> Path:
    if lang not in _TEMPLATES:
        import tempfile

        from omnisheet.outputs.workbook import blank_plan, write

        folder = Path(tempfile.mkdtemp(prefix="omnisheet-team-"))
        _TEMPLATES[lang] = write(blank_plan(lang), folder / f"template-{lang}.xlsx")
    return _TEMPLATES[lang]


def _edit(lang: str, edits: list[tuple], path: Path) -> Path:
    """The template with `edits` made as Excel would keep them (saved by openpyxl)."""
    workbook = openpyxl.load_workbook(_template(lang))
    names = workbook.sheetnames
    for kind, sheet_at, row, col, value in edits:
        sheet = workbook[names[sheet_at % len(names)]]
        cell = sheet.cell(row, col)
        if isinstance(cell, openpyxl.cell.cell.MergedCell):
            continue  # hidden under a merge of the template: nobody types there
        if kind == "value":
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
        elif kind == "comment":
            cell.comment = openpyxl.comments.Comment(str(value), "team")
        elif kind == "link":
            cell.value = "link"
            cell.hyperlink = "https://example.com/" + str(row)
        elif kind == "hide":
            sheet.column_dimensions[cell.column_letter].hidden = True
        elif kind == "freeze":
            sheet.freeze_panes = cell.coordinate
        elif kind == "percent":
            cell.value, cell.number_format = 0.35, "0%"
        elif kind == "time":
            cell.value, cell.number_format = dt.time(18, 0), "hh:mm"
        elif kind == "own_tab":
            own = workbook["Notes"] if "Notes" in workbook.sheetnames else \
                workbook.create_sheet("Notes", 0)
            own["A10"], own["B10"] = 4, "=A10*2"
            own.merge_cells("C1:E1")
    workbook.save(path)
    return path


team_edits = st.lists(st.tuples(
    st.sampled_from(["value", "comment", "link", "hide", "freeze", "percent", "time",
                     "own_tab"]),
    st.integers(0, 20), st.integers(1, 40), st.integers(1, 20),
    st.sampled_from(["x", "Idée", 3, 2.5, "UC-001", "=1+1", "Email"])), min_size=1, max_size=8)


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(lang=st.sampled_from(["fr", "en"]), edits=team_edits)
# An 11th relationship stage typed on the Lists tab: the scenario map gets its slot.
@example(lang="fr", edits=[("value", 8, 2, 2, "x"), ("value", 13, 12, 7, "x")])
def test_random_team_edits_survive_and_a_second_check_changes_nothing(tmp_path, lang, edits):
    source = _edit(lang, edits, tmp_path / f"plan-{len(edits)}.xlsx")
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    _check(None, source, first)
    _check(None, first, second)
    assert_team_file_kept(source, first)
    assert_same_package(first, second)


def test_a_package_written_without_styles_is_checked_and_checked_again(tmp_path):
    import zipfile

    source = hotel(tmp_path / "hotel.xlsx")
    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(bare, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/styles.xml":
                continue
            if item.filename == "[Content_Types].xml":
                data = re.sub(rb'<Override PartName="/xl/styles.xml"[^>]*/>', b"", data)
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = re.sub(rb'<Relationship [^>]*Target="[^"]*styles.xml"[^>]*/>', b"", data)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb' s="\d+"', b"", data)  # no styles: no formats, no
                data = re.sub(rb"<conditionalFormatting\b.*?</conditionalFormatting>", b"",
                              data, flags=re.S)  # conditional formats either
            new.writestr(item, data)
    out, again = tmp_path / "checked.xlsx", tmp_path / "again.xlsx"
    _check(None, bare, out)
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[-3:] == ADDED_EN
    assert workbook["Use cases"]["C3"].comment.text == "Check with IT"
    assert workbook["Use cases"].conditional_formatting  # the highlights found their styles
    assert _findings(out) == _findings(tmp_path / "checked.xlsx")
    _check(None, out, again)
    assert_same_package(out, again)


def _outgrown(source: Path, target: Path) -> Path:
    """The hotel plan whose lists outgrew the maps the template draws: 22 channels (20
    rows), 13 stages (12 pairs of columns), 16 targets (15 rows), 11 relationship stages."""
    workbook = openpyxl.load_workbook(source)
    lists = workbook["Lists"]
    columns = {lists.cell(1, c).value: c for c in range(1, lists.max_column + 1)}
    for title, count, word in (("Channels", 22, "Channel"), ("Journey stages", 13, "Stage"),
                               ("Targets", 16, "Target"), ("Relationship stages", 11, "Step")):
        column = columns[title]
        have = sum(lists.cell(r, column).value is not None for r in range(2, 60))
        for n in range(have + 1, count + 1):
            lists.cell(n + 1, column).value = f"{word} {n}"
    workbook.save(target)
    return target


def test_lists_that_outgrew_the_maps_get_slots_in_the_teams_file(tmp_path, soffice):
    source = _outgrown(hotel(tmp_path / "hotel.xlsx"), tmp_path / "grown.xlsx")
    out, again = tmp_path / "checked.xlsx", tmp_path / "again.xlsx"
    _check(None, source, out)
    book = openpyxl.load_workbook(out)
    journey, scenario_map = book["Journey map"], book["Scenario map"]
    # A row for each new channel, made like the last one: live header, styles, drop-down.
    assert journey["A23"].value == "=IF(INDEX(list_channel,21)=\"\",\"\",INDEX(list_channel,21))"
    assert journey["A24"].value.startswith("=IF(INDEX(list_channel,22)")
    assert journey["C24"].style_id == journey["C22"].style_id
    assert journey.row_dimensions[24].height == journey.row_dimensions[22].height
    statuses = [dv for dv in journey.data_validations.dataValidation if dv.type == "list"]
    assert any("C24" in dv.sqref for dv in statuses)
    # A pair of columns for the 13th stage: live header merged over both, sub-headers,
    # widths, drop-down and status colours of its own status column.
    assert journey["Z1"].value.startswith("=IF(INDEX(list_stage,13)")
    assert "Z1:AA1" in {str(r) for r in journey.merged_cells.ranges}
    assert journey["Z2"].value == '=IF(Z1="","","Point of contact")' or \
        journey["Z2"].value.startswith('=IF(Z1="",')
    assert journey.column_dimensions["AA"].width == journey.column_dimensions["Y"].width
    assert any("AA3:AA24" in str(dv.sqref) for dv in statuses)
    rules = {str(r.sqref): [x.formula for x in r.rules]
             for r in journey.conditional_formatting}
    assert any("$AA3" in f[0][0] for ref, f in rules.items() if ref.startswith("Z3:AA24"))
    assert scenario_map["A17"].value.startswith("=IF(INDEX(list_target,16)")
    assert scenario_map["L1"].value.startswith("=IF(INDEX(list_relationship_stage,11)")
    # LibreOffice computes the new headers from the lists, as in the template's slots.
    from support.libreoffice import convert

    saved = openpyxl.load_workbook(convert(out, "xlsx", tmp_path / "calc", recalc=True),
                                   data_only=True)
    assert [saved["Journey map"][ref].value for ref in ("A23", "A24", "Z1")] == [
        "Channel 21", "Channel 22", "Stage 13"]
    assert saved["Scenario map"]["A17"].value == "Target 16"
    # The team fills the new slot in their file, and the next check reads it.
    filled = openpyxl.load_workbook(out)
    filled["Journey map"]["AA24"] = "Friction"
    filled["Journey map"]["Z24"] = "Queue at the new counter"
    filled.save(tmp_path / "filled.xlsx")
    from omnisheet.read.reader import load

    plan = load(tmp_path / "filled.xlsx")
    assert ("Stage 13", "Channel 22", "friction") in {
        (t.stage, t.channel, t.status) for t in plan.touchpoints}
    # Checked again: the slots are the team's now; nothing more is added.
    _check(None, out, again)
    assert_same_package(out, again)
