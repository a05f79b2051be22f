"""Reading plans back, whatever people and spreadsheet programs did to them."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill
from plans import clean_plan

from omnisheet.outputs.messages import Messages
from omnisheet.outputs.workbook import write
from omnisheet.read.reader import load
from omnisheet.template.errors import UnreadableWorkbook


def test_write_then_load_gives_the_same_plan(roundtrip):
    for lang in ("fr", "en"):
        plan = clean_plan(lang)
        assert roundtrip(plan, f"{lang}.xlsx") == plan


def _edit(tmp_path: Path, plan, change, name="edited.xlsx") -> Path:
    """Write a plan, let openpyxl play the part of a person editing it, save."""
    path = write(plan, tmp_path / "source.xlsx")
    workbook = openpyxl.load_workbook(path)
    change(workbook)
    out = tmp_path / name
    workbook.save(out)
    return out


def test_headers_in_any_case_accents_spaces_and_colons_are_found(tmp_path):
    def change(workbook):
        sheet = workbook["Cas d'usage"]
        sheet["B1"] = "  CATEGORIE : "
        sheet["H1"] = "impact Business"
        sheet["J1"] = "Difficulte de mise en oeuvre"
        sheet["I1"] = "Impact experience clients"  # slightly renamed

    assert load(_edit(tmp_path, clean_plan(), change)) == clean_plan()


def test_reordered_columns_and_a_column_of_the_teams_own_are_kept(tmp_path):
    def change(workbook):
        sheet = workbook["Cas d'usage"]
        for row in sheet.iter_rows(min_row=1, max_row=4):
            row[1].value, row[2].value = row[2].value, row[1].value  # swap category / title
        sheet.insert_cols(4)
        sheet["D1"] = "Sponsor"
        sheet["D2"] = "Directrice marketing"

    plan = load(_edit(tmp_path, clean_plan(), change))
    assert plan.use_cases[0].title == "Enrichir les fiches produit"
    assert plan.use_cases[0].category == "knowledge"
    assert plan.use_cases[0].extra == (("Sponsor", "Directrice marketing"),)
    rewritten = write(plan, tmp_path / "again.xlsx")
    sheet = openpyxl.load_workbook(rewritten)["Cas d'usage"]
    assert sheet["D1"].value == "Sponsor" and sheet["D2"].value == "Directrice marketing"
    assert sheet["B2"].value == "Enrichir les fiches produit"


def test_messy_values_are_understood_and_kept_as_typed(tmp_path):
    def change(workbook):
        uc = workbook["Cas d'usage"]
        uc["H2"] = "4"
        uc["I2"] = "4,0"
        uc["B2"] = "connaissance CLIENT / data "
        journey = workbook["Parcours client"]
        journey["E3"] = "friction"   # find_out × website status
        journey["I3"] = "opportunite"  # buy × website status
        messages = workbook["Messages"]
        messages["B2"], messages["B3"] = "j0", "3 jours"
        messages["B4"], messages["B5"] = "D+1", "H+120"

    plan = load(_edit(tmp_path, clean_plan(), change))
    use_case = plan.use_cases[0]
    assert (use_case.business_impact, use_case.cx_impact, use_case.category) == (4, 4, "knowledge")
    statuses = {(t.stage, t.channel): t.status for t in plan.touchpoints}
    assert statuses[("find_out", "website")] == "friction"
    assert statuses[("buy", "website")] == "opportunity"
    from omnisheet import check

    # "friction" differs in case, "opportunite" lacks its accent: both said, as information
    # (the map's colour rule and other tools compare the text as typed)
    report = check(plan)
    said = Messages(report.definition, "fr")
    assert [(f.code, f.cell, said.expected(f)) for f in report.findings] == [
        ("status-spelled-differently", "E3", "Friction"),
        ("status-spelled-differently", "I3", "Opportunité")]
    checked = tmp_path / "checked.xlsx"
    write(plan, checked)
    journey = openpyxl.load_workbook(checked)["Parcours client"]
    assert journey["I3"].value == "opportunite"  # what the team typed, not a correction


def test_blank_rows_and_trailing_formatted_rows_are_skipped(tmp_path):
    def change(workbook):
        uc = workbook["Cas d'usage"]
        uc.insert_rows(3, amount=2)
        for row in range(10, 300):
            uc.cell(row=row, column=3).fill = PatternFill("solid", fgColor="FFFF00")

    plan = load(_edit(tmp_path, clean_plan(), change))
    assert [u.id for u in plan.use_cases] == ["UC-001", "UC-002", "UC-003"]
    assert [u.row for u in plan.use_cases] == [2, 5, 6]


def test_a_value_not_in_its_list_is_kept_exactly(tmp_path):
    def change(workbook):
        workbook["Messages"]["C2"] = "Pigeon voyageur"

    plan = load(_edit(tmp_path, clean_plan(), change))
    assert plan.messages[0].channel == "Pigeon voyageur"


def test_status_painted_only_is_inferred_from_the_colour(tmp_path):
    from hostile_files import painted_plan  # D4, F4, H4 in Google Sheets / Excel pale tints

    plan = load(painted_plan(tmp_path))
    inferred = {(t.row, t.column): t.status for t in plan.touchpoints if t.status_inferred}
    assert inferred == {(4, 4): "normal", (4, 6): "friction", (4, 8): "opportunity"}
    codes = [f.code for f in plan.read_findings]
    assert codes.count("status-inferred-from-colour") == 3


def test_a_renamed_tab_is_found_by_its_headers_and_a_missing_one_reported(tmp_path):
    def change(workbook):
        workbook["Cas d'usage"].title = "Idées 2026"
        del workbook["Données"]

    plan = load(_edit(tmp_path, clean_plan(), change))
    assert [u.id for u in plan.use_cases] == ["UC-001", "UC-002", "UC-003"]
    assert plan.sheet_names["use_cases"] == "Idées 2026"
    missing = [f for f in plan.read_findings if f.code == "tab-missing"]
    assert [f.sheet for f in missing] == ["Données"]
    # the reader states what it met; the registry, which declares its codes like any
    # check's, gives the severity
    from omnisheet import check
    from omnisheet.analysis.checks import REGISTRY

    assert missing[0].severity is None and REGISTRY["tab-missing"].function is None
    assert [f.severity for f in check(plan).findings if f.code == "tab-missing"] == [
        REGISTRY["tab-missing"].severity] == ["error"]


def test_english_tab_names_read_into_the_same_model(roundtrip):
    assert roundtrip(clean_plan("en")).with_changes(language="fr") == clean_plan("fr")


def test_notes_typed_outside_the_tables_survive(tmp_path):
    def change(workbook):
        workbook["Cas d'usage"]["C60"] = "À revoir avec la DSI"
        extra = workbook.create_sheet("Notes atelier")
        extra["B2"] = "Atelier du 12 mars"

    plan = load(_edit(tmp_path, clean_plan(), change))
    again = openpyxl.load_workbook(write(plan, tmp_path / "again.xlsx"))
    assert again["Notes atelier"]["B2"].value == "Atelier du 12 mars"
    assert again["Cas d'usage"]["C60"].value == "À revoir avec la DSI"


def test_a_note_beside_a_table_is_the_teams_own_cell_not_a_record(tmp_path):
    """Right of the table's last column, under no header, a note is a stray cell: kept at
    its place, in no record. Under a header of the team's own it is that column's value."""
    def change(workbook):
        uc = workbook["Cas d'usage"]
        uc["Z5"] = "Voir le compte rendu"
        uc["X1"], uc["X3"] = "Sponsor", "DSI"

    plan = load(_edit(tmp_path, clean_plan(), change))
    strays = {(c.sheet, c.row, c.column): c.value for c in plan.stray_cells}
    assert strays == {("Cas d'usage", 5, 26): "Voir le compte rendu"}
    assert [dict(u.extra).get("Sponsor") for u in plan.use_cases] == [None, "DSI", None]
    again = openpyxl.load_workbook(write(plan, tmp_path / "again.xlsx"))
    assert again["Cas d'usage"]["Z5"].value == "Voir le compte rendu"


@pytest.mark.parametrize("content", [b"", b"\x00garbage", b"PK\x03\x04truncated",
                                     b"<html><body>plan</body></html>"])
def test_not_a_workbook_raises_the_documented_exception(tmp_path, content):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnreadableWorkbook) as raised:
        load(path)
    message = str(raised.value)
    assert str(path) in message and "\n" not in message


def test_a_workbook_with_none_of_the_tabs_is_refused(tmp_path):
    path = tmp_path / "other.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Budget 2026"
    workbook.save(path)
    with pytest.raises(UnreadableWorkbook, match="holds no omnichannel plan"):
        load(path)


def test_to_frames_gives_one_dataframe_per_tab(roundtrip):
    from omnisheet import to_frames

    frames = to_frames(roundtrip(clean_plan()))
    assert list(frames["use_cases"]["id"]) == ["UC-001", "UC-002", "UC-003"]
    assert len(frames["messages"]) == 4


def _as_xlsm(xlsx: Path, target: Path) -> Path:
    """The same workbook saved macro-enabled: its content type says so and it carries a
    VBA project, as Excel writes it."""
    import zipfile

    from hostile_files import _cfb

    with zipfile.ZipFile(xlsx) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
                    b"</Types>", b'<Default Extension="bin" ContentType="application/'
                    b'vnd.ms-office.vbaProject"/></Types>')
            zout.writestr(item, data)
        zout.writestr("xl/vbaProject.bin", _cfb({"dir": b"\x01" * 64}))
    return target


def test_an_xlsm_plan_is_checked_and_the_output_says_its_macros_are_not_kept(tmp_path, cli):
    xlsm = _as_xlsm(write(clean_plan(), tmp_path / "plan.xlsx"), tmp_path / "plan.xlsm")
    assert load(xlsm) == clean_plan()
    result = cli("check", xlsm, "-o", tmp_path / "checked.xlsx", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "plan.xlsm holds macros: omnisheet never runs them" in result.output
    import zipfile

    with zipfile.ZipFile(tmp_path / "checked.xlsx") as z:
        assert not any("vba" in n.lower() for n in z.namelist())
    # Checked to an .xlsm, it is the team's own file: their VBA project kept byte for byte.
    kept = cli("check", xlsm, "-o", tmp_path / "checked.xlsm", "--lang", "en")
    assert kept.exit_code == 0, kept.output
    with zipfile.ZipFile(tmp_path / "checked.xlsm") as z, zipfile.ZipFile(xlsm) as source:
        assert z.read("xl/vbaProject.bin") == source.read("xl/vbaProject.bin")
    refused = cli("check", tmp_path / "plan.xlsx", "-o", tmp_path / "plain.xlsm", "--lang", "en")
    assert refused.exit_code == 2 and "name the output with .xlsx" in refused.output
    assert not (tmp_path / "plain.xlsm").exists()


# --- how teams really edit the workbook -------------------------------------------------
def _codes(plan) -> list[tuple[str, str | None]]:
    from omnisheet import check

    return [(f.code, f.cell) for f in check(plan).findings]


def test_a_touchpoint_under_a_slot_with_no_stage_is_said_and_kept_in_place(tmp_path):
    """The map has room for twelve stages; the list holds eight. Text typed in the ninth
    pair is no touchpoint, but it is said and comes back where it was typed."""
    def change(workbook):
        journey = workbook["Parcours client"]
        journey["R3"], journey["S3"] = "Borne de retrait", "Friction"  # 9th slot, website
        journey["B24"] = "Note sous la carte"  # below the last channel row (20 rows)

    plan = load(_edit(tmp_path, clean_plan(), change))
    assert plan.touchpoints == clean_plan().touchpoints
    assert _codes(plan) == [("touchpoint-without-stage", "R3")]
    out = write(plan, tmp_path / "checked.xlsx")
    journey = openpyxl.load_workbook(out)["Parcours client"]
    assert (journey["R3"].value, journey["S3"].value) == ("Borne de retrait", "Friction")
    assert journey["B24"].value == "Note sous la carte"


def _move(sheet, rows: int, cols: int) -> None:
    """Insert rows above and columns left of everything on a sheet, as a person does."""
    for merged in list(sheet.merged_cells.ranges):
        sheet.unmerge_cells(str(merged))
    sheet.move_range(f"A1:{openpyxl.utils.get_column_letter(sheet.max_column)}"
                     f"{sheet.max_row}", rows=rows, cols=cols, translate=True)


@pytest.mark.parametrize("tab", ["Parcours client", "Carte des scénarios"])
def test_a_map_moved_down_and_right_under_a_title_reads_as_before(tab, tmp_path):
    def change(workbook):
        _move(workbook[tab], rows=2, cols=1)
        workbook[tab]["A1"] = "Plan 2026 — version de travail"

    plan = load(_edit(tmp_path, clean_plan(), change))
    assert plan == clean_plan().with_changes(stray_cells=plan.stray_cells)
    assert [(c.sheet, c.row, c.column) for c in plan.stray_cells] == [(tab, 1, 1)]
    assert _codes(plan) == []
    # written back where the team had it: one row and column further than each was
    out = openpyxl.load_workbook(write(plan, tmp_path / "again.xlsx"))[tab]
    if tab == "Parcours client":  # discover × social: the 1st stage, 5th channel
        assert out["C9"].value == "Publicité Instagram"
    else:  # welcome × all contacts
        assert out["C4"].value == "SC-001"
    assert out["A1"].value == "Plan 2026 — version de travail"


def test_renamed_tabs_are_found_by_name_or_by_content(tmp_path):
    def change(workbook):
        workbook["Parcours client"].title = "Parcours client 2026"
        workbook["Cas d'usage"].title = "Nos idées v2"
        workbook["Carte des scénarios"].title = "Qui quand"

    plan = load(_edit(tmp_path, clean_plan(), change))
    assert plan == clean_plan()
    assert plan.sheet_names["journey"] == "Parcours client 2026"
    assert plan.sheet_names["use_cases"] == "Nos idées v2"
    assert plan.sheet_names["scenario_map"] == "Qui quand"
    assert _codes(plan) == []


def test_a_missing_tab_is_said_once_with_the_closest_name_and_nothing_cascades(tmp_path, cli):
    def change(workbook):
        del workbook["Scénarios"]
        workbook.create_sheet("Scenars")  # an empty tab, by a name near the template's

    path = _edit(tmp_path, clean_plan(), change)
    plan = load(path)
    assert _codes(plan) == [("tab-missing", None)]
    result = cli("check", path)
    assert ("L'onglet « Scénarios » est introuvable, ni sous ses noms (Scénarios / Scenario "
            "specs) ni à son contenu. Vouliez-vous dire « Scenars » ?") in result.output


def test_a_business_workbook_with_a_data_and_a_lists_tab_is_not_a_plan(tmp_path, cli):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Data"
    workbook["Data"].append(["Date", "Region", "Amount"])
    workbook["Data"].append(["2026-01-01", "North", 1200])
    workbook.create_sheet("Lists").append(["Regions", "North", "South"])
    path = tmp_path / "sales.xlsx"
    workbook.save(path)
    result = cli("check", path)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "holds no omnichannel plan" in lines[0], result.output


def test_a_date_in_the_period_column_reads_as_its_month(tmp_path):
    """A French LibreOffice turns "mars 2026" typed in a General cell into 2026-03-01: the
    template formats the column as text, and a date that got there anyway reads as its
    month in the workbook's language."""
    import datetime as dt

    def change(workbook):
        workbook["Mesures"]["G2"] = dt.datetime(2026, 3, 1)

    plan = load(_edit(tmp_path, clean_plan(), change))
    assert plan.measures[0].period == "mars 2026"
    english = load(_edit(tmp_path, clean_plan("en"), lambda w: w["Touchpoint measures"]
                         .__setitem__("G2", dt.date(2026, 11, 15)), name="en.xlsx"))
    assert english.measures[0].period == "November 2026"
    template = openpyxl.load_workbook(write(clean_plan(), tmp_path / "fresh.xlsx"))
    assert template["Mesures"]["G2"].number_format == "@"


def test_a_stage_removed_from_the_list_leaves_no_block_read_as_data(tmp_path):
    """The journey map's headers follow the stage list by place: with the last stage
    removed, its pair of columns shows no stage, and what was typed there is said and
    kept, not read as another stage's touchpoints."""
    def change(workbook):
        lists = workbook["Listes"]
        column = next(c[0].column_letter for c in lists.iter_cols(max_row=1)
                      if c[0].value == "Étapes du parcours")
        lists[f"{column}9"] = None  # "Je rachète / je recommande", the eighth stage
        workbook["Parcours client"]["P3"] = "Avis clients"  # under that stage, website row

    plan = load(_edit(tmp_path, clean_plan(), change))
    assert "come_back" not in plan.lists["stage"]
    assert all(t.stage != "come_back" for t in plan.touchpoints)
    assert _codes(plan) == [("touchpoint-without-stage", "P3")]
    out = openpyxl.load_workbook(write(plan, tmp_path / "checked.xlsx"))["Parcours client"]
    assert out["P3"].value == "Avis clients"
    assert out["P2"].value.startswith("=IF(")  # its sub-header shows only under a stage


def test_formula_search_finds_what_the_cell_pattern_finds_in_every_corpus_sheet():
    """The reader finds formulas from each <f back to its cell's start tag (faster on a big
    sheet): on every worksheet of the real-file corpus, and on cells written every way the
    pattern allows, it finds the same cells, in the same order, as the pattern itself."""
    import zipfile

    import corpus

    from omnisheet.read.formulas import _FORMULA_CELL, _formula_cells_in

    written = [b'<c r="A1"><f>1</f></c>', b'<x:c r="B2" s="1">\n <x:f>1</x:f></x:c>',
               b'<c r="A1"/><f>', b'<c s="1" r="C3"><f t="shared" si="0"/></c>',
               b'<c r="A1" t="str"><v>1</v><f>x</f></c>', b'<c r="a1"><f>', b'<cx r="A1"><f>',
               b'<c r="A1"><fo>', b'<c r="A1"><f', b'<c r="A1" t="x>y"><f>',
               b'<row r="1"><c r="A1"><f>1</f></c><c r="B1"><f>2</f></c></row>']
    assert [list(_formula_cells_in(x)) for x in written] == [_FORMULA_CELL.findall(x)
                                                             for x in written]
    if not corpus.CORPUS.is_dir():
        pytest.skip(f"no corpus at {corpus.CORPUS}")
    sheets = found = 0
    for path in corpus.corpus_files():
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            continue
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            continue  # not a zip, or a damaged one: refused before any formula is looked for
        with archive:
            for info in archive.infolist():
                if not (info.filename.startswith("xl/worksheets/")
                        and info.filename.endswith(".xml")) or info.file_size > 50 << 20:
                    continue
                try:
                    data = archive.read(info)
                except (zipfile.BadZipFile, NotImplementedError, OSError):
                    continue  # a damaged entry the reader refuses anyway
                expected = _FORMULA_CELL.findall(data)
                assert list(_formula_cells_in(data)) == expected, f"{path}: {info.filename}"
                sheets += 1
                found += len(expected)
    assert sheets > 1000 and found > 10_000  # the corpus was read, formulas and all
