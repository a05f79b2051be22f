"""`feedback -o` and `journeys -o` give the team its own workbook back, the measured figures
written into its tables: the measures and trends a command changed go into their cells, a
new record onto the row under the table's last one, and everything else the team made is
there as they made it (issue 28)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from team_files import parts, sheet_parts, tail_elements

from omnisheet.read.reader import load

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
OMNISHEET = str(Path(sys.executable).parent / "omnisheet")
NOTES = "Notes de l'atelier"
CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"(?:[^>]*/>|.*?</c>)', re.S)


def _team(source: Path, path: Path, table: bool = False) -> Path:
    """A French plan as a team that lives in Excel leaves it: a notes tab first with a
    formula, a comment and a format on the Measures tab, a hidden column, a link, a
    filter over the measures (or, with `table`, an Excel table made of them)."""
    workbook = openpyxl.load_workbook(source)
    measures = workbook["Mesures"]
    last = max(r.row for r in load(source).measures)
    if table:
        from openpyxl.worksheet.table import Table

        measures.add_table(Table(displayName="MesuresEquipe", ref=f"A1:M{last}"))
    else:
        measures.auto_filter.ref = f"A1:M{last}"
    notes = workbook.create_sheet(NOTES, 0)
    notes["A1"] = "Atelier du 12 mars"
    notes["A3"] = "Compte rendu"
    notes["A3"].hyperlink = "https://intranet.example/atelier"
    notes["A10"], notes["B10"] = 4, "=A10*2"
    measures = workbook["Mesures"]
    measures["A2"].comment = Comment("À revoir en comité", "Léa")
    for row in range(2, 40):
        measures.cell(row, 4).number_format = "0.0"  # Valeur, one decimal
    measures.column_dimensions["J"].hidden = True
    workbook.save(path)
    return path


def _run(*args: str | Path) -> str:
    result = subprocess.run([OMNISHEET, *map(str, args), "--force"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result.stdout


def _cells(data: bytes) -> dict[tuple[str, int], bytes]:
    return {(m.group(1).decode(), int(m.group(2))): m.group(0) for m in CELL.finditer(data)}


def _written(before, after, tab: str) -> set[int]:
    """The sheet rows of `tab`'s records the command changed or added."""
    was = {r.row: r for r in before.table(tab)}
    return {r.row for r in after.table(tab)
            if r.row not in was or was[r.row] != r or was[r.row].typed != r.typed}


def assert_only_their_rows_changed(source: Path, out: Path, sheet: str, rows: set[int]) -> None:
    """Every cell of the team's sheet outside the rows written is theirs to the byte; in
    those rows each cell keeps its style; what follows the cells (merges, validations,
    columns hidden...) is theirs but for omnisheet's highlights."""
    part = sheet_parts(source)[sheet]
    old, new = parts(source)[part], parts(out)[part]
    old_cells, new_cells = _cells(old), _cells(new)
    for ref, xml in old_cells.items():
        if ref[1] in rows:
            style = re.search(rb'\ss="(\d+)"', xml)
            assert style is None or style.group() in new_cells[ref], ref
        else:
            assert new_cells[ref] == xml, ref
    assert old[: old.find(b"<sheetData")] == new[: new.find(b"<sheetData")] or b"<dimension" in old
    from team_files import ours

    def theirs(data: bytes) -> list[bytes]:  # a filter's reach aside (asserted where made)
        return [re.sub(rb'(<autoFilter ref="[A-Z]+[0-9]+:[A-Z]+)[0-9]+', rb"\1", e)
                for e in tail_elements(data) if not ours(e) and b"legacyDrawing" not in e[:20]]

    assert theirs(new) == theirs(old)


@pytest.fixture(scope="module")
def fed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fed")
    source = _team(SAMPLES / "retail-fr.xlsx", folder / "équipe.xlsx")
    out, again = folder / "équipe-mesures.xlsx", folder / "équipe-mesures-2.xlsx"
    said = _run("feedback", SAMPLES / "feedback", "--plan", source, "-o", out)
    _run("feedback", SAMPLES / "feedback", "--plan", out, "-o", again)
    return source, out, again, said


def test_feedback_writes_its_measures_into_the_teams_own_file(fed):
    source, out, _, _ = fed
    before, after = load(source), load(out)
    measured = _written(before, after, "measures")
    assert len(measured) > 5 and max(measured) > max(r.row for r in before.measures)
    assert_only_their_rows_changed(source, out, "Mesures", measured)
    assert_only_their_rows_changed(source, out, "Tendances des mesures",
                                   _written(before, after, "trends"))
    untouched = {"Mesures", "Tendances des mesures"}
    names = sheet_parts(source)
    a, b = parts(source), parts(out)
    for sheet in (NOTES, "Scénarios", "Données"):
        if sheet not in untouched and names[sheet] not in ("",):
            cut = a[names[sheet]].rfind(b"sheetData")
            assert b[names[sheet]][:cut] == a[names[sheet]][:cut], sheet
    # the use cases: their formulas' results only (a stake reads the measures)
    old_cells, new_cells = _cells(a[names["Cas d'usage"]]), _cells(b[names["Cas d'usage"]])
    assert set(old_cells) == set(new_cells)
    formula = re.compile(rb"<f>.*?</f>|\ss=\"\d+\"", re.S)
    for ref, xml in old_cells.items():
        if b"<f>" in xml:
            assert formula.findall(new_cells[ref]) == formula.findall(xml), ref
        else:
            assert new_cells[ref] == xml, ref
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[0] == NOTES
    assert workbook.sheetnames[-3:] == ["Constats", "Tableau de bord", "Pression commerciale"]
    assert workbook[NOTES]["B10"].value == "=A10*2"
    assert workbook[NOTES]["A3"].hyperlink.target == "https://intranet.example/atelier"
    sheet = workbook["Mesures"]
    assert sheet["A2"].comment.text.startswith("À revoir en comité")
    assert sheet.column_dimensions["J"].hidden
    # the NPS the responses replaced, in the team's own format, and a new row made like
    # the one above it, its formulas there
    replaced = next(r for r in after.measures if r.indicator == "nps" and r.channel == "store")
    assert sheet.cell(replaced.row, 4).value == replaced.value == 35.2
    assert sheet.cell(replaced.row, 4).number_format == "0.0"
    last = max(measured)
    assert sheet.cell(last, 4).number_format == "0.0"
    assert str(sheet.cell(last, 11).value).startswith("=IF(")
    assert sheet.auto_filter.ref == f"A1:M{last}"  # their filter reaches the new rows


def test_the_measures_read_back_are_those_the_command_measured(fed):
    source, out, _, said = fed
    after = load(out)
    fed_again = load(out)
    assert [(m.stage, m.channel, m.indicator, m.value, m.answers, m.period)
            for m in after.measures] == [(m.stage, m.channel, m.indicator, m.value, m.answers,
                                          m.period) for m in fed_again.measures]
    assert "35,2 (septembre 2026)" in said
    assert {t.period for t in after.trends} >= {"juin 2026", "septembre 2026"}


def test_feeding_the_fed_workbook_the_same_responses_changes_nothing(fed):
    _, out, again, _ = fed
    a, b = parts(out), parts(again)
    assert set(a) == set(b)
    assert [name for name in a if a[name] != b[name]] == []


def test_a_check_of_the_fed_workbook_keeps_the_measures_and_takes_out_the_tabs(fed, tmp_path):
    _, out, _, _ = fed
    checked = tmp_path / "vérifié.xlsx"
    _run("check", out, "-o", checked, "--fail-on", "never")
    assert [m.value for m in load(checked).measures] == [m.value for m in load(out).measures]
    assert openpyxl.load_workbook(checked, read_only=True).sheetnames == \
        openpyxl.load_workbook(out, read_only=True).sheetnames


def test_journeys_write_the_shares_into_the_teams_file_and_the_observed_tab_after(tmp_path):
    plan = SAMPLES / "events" / "plan" / "retail-fr-parcours.xlsx"
    source = _team(plan, tmp_path / "parcours.xlsx", table=True)
    out = tmp_path / "parcours-observé.xlsx"
    _run("journeys", SAMPLES / "events", "--plan", source, "-o", out)
    before, after = load(source), load(out)
    shares = _written(before, after, "measures")
    assert shares and all(r.evidence == "inferred" for r in after.measures if r.row in shares)
    assert_only_their_rows_changed(source, out, "Mesures", shares)
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert names[0] == NOTES and names[-1] == "Parcours observé"
    table = openpyxl.load_workbook(out)["Mesures"].tables["MesuresEquipe"]
    assert table.ref == f"A1:M{max(shares)}"
    checked = tmp_path / "vérifié.xlsx"
    _run("check", out, "-o", checked, "--fail-on", "never")
    assert "Parcours observé" not in openpyxl.load_workbook(checked, read_only=True).sheetnames
    assert [m.share for m in load(checked).measures] == [m.share for m in after.measures]


def test_a_plan_without_a_trends_tab_gets_one_that_stays(tmp_path):
    workbook = openpyxl.load_workbook(SAMPLES / "retail-fr.xlsx")
    del workbook["Tendances des mesures"]
    source = tmp_path / "ancien.xlsx"
    workbook.save(source)
    out, checked = tmp_path / "ancien-mesures.xlsx", tmp_path / "ancien-vérifié.xlsx"
    _run("feedback", SAMPLES / "feedback", "--plan", source, "-o", out)
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert names[-4:] == ["Tendances des mesures", "Constats", "Tableau de bord",
                          "Pression commerciale"]
    trends = load(out).trends
    assert len(trends) > 20
    _run("check", out, "-o", checked, "--fail-on", "never")
    assert load(checked).trends == trends


@pytest.mark.libreoffice
def test_libreoffice_computes_the_figures_that_depend_on_the_measures(soffice, uno_python, fed):
    """The use cases' stake (the largest stake of their stage's measures) is a formula over
    the Measures tab: opened in LibreOffice, it is what the new measures give."""
    from test_team_file import _uno

    from omnisheet import check

    source, out, _, _ = fed
    before, after = check(load(source)), check(load(out))
    plan = after.plan
    column = plan.layouts["use_cases"].index("stake") + 1
    rows = {u.row: p.stake for u, p in zip(plan.use_cases, sorted(
        after.priorities, key=lambda p: p.index), strict=True)}
    was = {u.row: p.stake for u, p in zip(before.plan.use_cases, sorted(
        before.priorities, key=lambda p: p.index), strict=True)}
    assert any(was[r] != rows[r] for r in rows)  # the responses moved some
    letter = openpyxl.utils.get_column_letter(column)
    seen = _uno("inspect", out, {"values": [f"'Cas d''usage'!{letter}{r}" for r in rows]})
    for row, stake in rows.items():
        shown = seen["values"][f"'Cas d''usage'!{letter}{row}"]
        assert (shown in ("", None) if stake is None else shown == pytest.approx(stake, abs=1e-4)), row


def test_an_ods_plan_without_a_trends_tab_is_refused_in_one_line_in_its_language(tmp_path):
    """An .ods plan made before the Measure trends tab: nowhere in the team's .ods to write
    the history, said in one line; an .xlsx output adds the tab."""
    import zipfile

    source, out = tmp_path / "ancien.ods", tmp_path / "ancien-mesures.ods"
    with zipfile.ZipFile(SAMPLES / "retail-fr.ods") as src, zipfile.ZipFile(source, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "content.xml":
                data = re.sub(rb'<table:table table:name="Tendances des mesures".*?</table:table>',
                              b"", data, flags=re.S)
            dst.writestr(info, data)
    result = subprocess.run([OMNISHEET, "feedback", str(SAMPLES / "feedback"), "--plan",
                             str(source), "-o", str(out)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 2 and not out.exists()
    assert result.stderr.count("\n") == 1
    assert "pas d'onglet « Tendances des mesures »" in result.stderr
    _run("feedback", SAMPLES / "feedback", "--plan", source, "-o", tmp_path / "ancien.xlsx")
    assert len(load(tmp_path / "ancien.xlsx").trends) > 20


LO_OPS = [
    {"op": "insert_sheet", "name": NOTES, "at": 0},
    {"sheet": NOTES, "cell": "A10", "value": 4},
    {"sheet": NOTES, "cell": "B10", "formula": "=A10*2"},
    {"op": "annotate", "sheet": "Mesures", "cell": "A2", "text": "À revoir en comité"},
    {"op": "annotate", "sheet": "Mesures", "cell": "D14", "text": "Chiffre de 2026"},
    {"op": "hide_column", "sheet": "Mesures", "column": "J"},
    {"op": "format", "sheet": "Mesures", "cell": "D14", "format": "0.0"},
    {"op": "filter", "sheet": "Mesures", "range": "A1:M15", "field": 8,
     "value": "Directe (clients interrogés)"},
]


def _stakes(report) -> dict[int, float | None]:
    plan = report.plan
    return {u.row: p.stake for u, p in zip(plan.use_cases, sorted(
        report.priorities, key=lambda p: p.index), strict=True)}


@pytest.mark.libreoffice
def test_an_ods_plan_gets_its_measures_in_its_own_ods(soffice, uno_python, tmp_path, fed):
    """A LibreOffice team's .ods fed with the same responses as the .xlsx: the same figures
    in their own .ods, their annotations (one on a cell the responses change), hidden
    column, format and formulas kept; LibreOffice shows the new figures."""
    from test_team_file import _uno

    from omnisheet import check

    source = tmp_path / "mutuelle.ods"
    _uno("edit", SAMPLES / "retail-fr.ods", LO_OPS, source, "--locale", "fr-FR")
    out, again = tmp_path / "mutuelle-mesures.ods", tmp_path / "mutuelle-mesures-2.ods"
    _run("feedback", SAMPLES / "feedback", "--plan", source, "-o", out)
    _run("feedback", SAMPLES / "feedback", "--plan", out, "-o", again)
    _, from_xlsx, _, _ = fed

    def figures(path: Path) -> list[tuple]:
        plan = load(path)
        return [(m.row, m.stage, m.channel, m.indicator, m.value, m.answers, m.period)
                for m in plan.measures] + [(t.row, t.period, t.value, t.low) for t in plan.trends]

    assert figures(out) == figures(from_xlsx)
    assert parts(out)["content.xml"] == parts(again)["content.xml"]
    report = check(load(out))
    measures = load(out).measures
    last = max(m.row for m in measures)
    replaced = next(m for m in measures if m.indicator == "nps" and m.channel == "store")
    stakes = _stakes(report)
    column = openpyxl.utils.get_column_letter(report.plan.layouts["use_cases"].index("stake") + 1)
    assert max(m.row for m in load(source).measures) == 15  # the filter's last row
    ask = {"annotations": ["Mesures"], "hidden_columns": ["Mesures!J"], "filters": ["Mesures"],
           "formats": [f"Mesures!D{replaced.row}"], "formulas": [f"'{NOTES}'!B10",
                                                                 f"Mesures!K{last}"],
           "values": [f"Mesures!D{replaced.row}", f"Mesures!K{last}",
                      *(f"'Cas d''usage'!{column}{r}" for r in stakes)]}
    seen = _uno("inspect", out, ask)
    assert seen["annotations"]["Mesures"]["A2"] == "À revoir en comité"
    assert seen["annotations"]["Mesures"][f"D{replaced.row}"].startswith("Chiffre de 2026")
    assert seen["hidden_columns"]["Mesures!J"] is True
    assert seen["filters"]["Mesures"]["rows"] == [1, last]  # their filter reaches the rows added
    assert seen["formats"][f"Mesures!D{replaced.row}"] == "0.0"
    assert seen["values"][f"Mesures!D{replaced.row}"] == 35.2
    assert seen["formulas"][f"'{NOTES}'!B10"] == "=A10*2"
    assert f"D{last}" in seen["formulas"][f"Mesures!K{last}"]  # its own row's formula
    rating = next(a for a, m in zip(report.evidence.assessed, report.plan.measures,
                                    strict=True) if m.row == last).rating
    assert seen["values"][f"Mesures!K{last}"] == pytest.approx(rating, abs=0.01)
    for row, stake in stakes.items():
        shown = seen["values"][f"'Cas d''usage'!{column}{row}"]
        assert (shown in ("", None) if stake is None else shown == pytest.approx(stake, abs=1e-4)), row


def test_a_filter_reaches_the_rows_added_however_the_content_arrives_in_pieces():
    from omnisheet.outputs.workbook.ods.records import filters_longer

    content = (b'<office:spreadsheet><table:table table:name="Mesures"/><table:database-ranges>'
               b'<table:database-range table:name="a" table:target-range-address='
               b'"Mesures.A1:Mesures.M15"/><table:database-range table:name="b" '
               b'table:target-range-address="&apos;Cas d&apos;&apos;usage&apos;.A1:'
               b'&apos;Cas d&apos;&apos;usage&apos;.R15"/><table:database-range table:name="c" '
               b'table:target-range-address="Mesures.A1:Mesures.M9"/></table:database-ranges>'
               b'</office:spreadsheet>')
    reach = {"Mesures": (15, 24), "Cas d'usage": (15, 18)}
    whole = b"".join(filters_longer([content], reach))
    assert b'"Mesures.A1:Mesures.M24"' in whole and b'"Mesures.A1:Mesures.M9"' in whole
    assert b"'Cas d''usage'.R18" in whole
    for cut in range(1, len(content)):
        assert b"".join(filters_longer([content[:cut], content[cut:]], reach)) == whole
